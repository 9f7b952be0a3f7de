"""Verdicts: the one line a PM reads first, computed once, beside the results.

A process keeps up only if both answers say so: the analysis (every pool, and
every group of skills in a pool, has more people than its work needs on average)
and the simulation (no queue kept growing). When they disagree the verdict says
which to believe and why:

- the analysis finds a pool short but the run saw no growing queue: believe the
  analysis. Averages are exact; a queue that grows slowly takes longer to show
  than a short run lasts.
- the analysis finds enough people on average but a queue grew in the run:
  believe the simulation. Shifts, daily peaks and priorities overload a pool at
  times that an average cannot see.

An SLA on a process that cannot keep up is never met, whatever a finite run
measured: its backlog, and so its turnaround, grows without bound. Otherwise an SLA
is met, or missed, only when its whole 95% interval is on one side of the target;
an interval around the target is *undecided: add replications* (watch, not do not
ship), and the results say how many replications would decide it. So does a
headline KPI whose interval is wider than a tenth of its mean.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from procflow.model.quantities import TimeUnit, format_duration
from procflow.results.catalogue import DECISION_QUALITY, headline_keys, lookup
from procflow.results.estimate import Estimate
from procflow.results.numbers import format_value
from procflow.results.precision import judged
from procflow.results.records import (
    AnalyticCheck,
    Difference,
    PrecisionWarning,
    SlaChange,
    SlaResult,
    Tone,
    Verdict,
)

#: A headline KPI's half-width above this share of its mean is too wide to decide on.
DECIDING_PRECISION = 0.10
#: What a scenario's verdict names beside turnaround when it changes significantly: what
#: an item costs and what escapes (a QC plan trades one against the other). Quality for
#: the worse is *watch*, as slower turnaround is; a cost is stated, the PM weighs it.
COST, QUALITY = ("cost_per_item",), ("escaped_defect_rate", *DECISION_QUALITY)


def results_verdict(
    check: AnalyticCheck,
    simulated_stable: bool,
    growth: Mapping[str, float],
    slas: Sequence[SlaResult],
    stuck: str | None = None,
) -> Verdict:
    """The verdict of one simulated process (``stuck``: where an item looped at one instant)."""
    worst = max(growth.items(), key=lambda kv: kv[1]) if growth else None
    grows = f"{worst[0]} queue grows by ~{worst[1]:,.0f} items an hour" if worst else ""
    if check.endless:
        return Verdict("unstable: some items loop forever (see procflow lint, PF107)", "bad")
    if stuck is not None:
        return Verdict(
            f"unstable: items go round a loop through {stuck!r} that takes no time, so the "
            "simulation stopped (see procflow lint, PF109)",
            "bad",
        )
    if not check.stable:
        short = "; ".join(o.describe() for o in check.overloads) or "a pool cannot keep up"
        if simulated_stable:
            note = (
                "the simulation did not see the queue grow: it grows slowly, and this run was "
                "too short to show it. Believe the analysis (averages are exact); simulate a "
                "longer --horizon to watch the backlog build."
            )
            return Verdict(f"unstable: {short}: the backlog keeps growing", "bad", (note,))
        return Verdict(f"unstable: {short}; {grows or 'the backlog keeps growing'}", "bad")
    if not simulated_stable:
        note = (
            "the analysis finds enough people on average, but the queue grew during the run: "
            "shifts, daily peaks or priorities overload the pool at times an average cannot "
            "see. Believe the simulation."
        )
        text = f"unstable: {grows}" if grows else "unstable: the backlog grows without bound"
        return Verdict(text, "bad", (note,))
    missed = [s.name for s in slas if s.outcome == "missed"]
    if missed:
        return Verdict("SLA missed: " + "; ".join(missed), "bad")
    undecided = [s.name for s in slas if s.outcome == "undecided"]
    if undecided:
        return Verdict("stable; SLA undecided (add replications): " + "; ".join(undecided), "warn")
    return Verdict("stable; all SLAs met" if slas else "stable", "ok")


def precision_warnings(
    kpis: Mapping[str, Estimate],
    slas: Sequence[SlaResult],
    pools: Iterable[str],
    stages: Iterable[str],
    time_unit: TimeUnit,
    stable: bool,
) -> list[PrecisionWarning]:
    """The intervals too wide to decide on, each with the replications that would be enough.

    A headline KPI whose half-width is above :data:`DECIDING_PRECISION` of its mean (of
    its floor, when the mean is nearer zero: see :func:`~procflow.results.precision.judged`), and
    an SLA whose interval straddles its target (enough: the half-width within the distance
    from the attainment to the target). With one replication there is no interval: one
    warning for the run. A process that cannot keep up gets none (its SLAs are missed
    whatever the interval; more replications do not help it).
    """
    if not stable:
        return []
    estimates = [*kpis.values(), *(s.attained for s in slas)]
    if estimates and all(e.n < 2 for e in estimates):
        return [PrecisionWarning("", math.nan, None)]
    found = []
    for value in headline_keys(kpis, pools, stages):
        e = judged(value.key, kpis[value.key], time_unit)
        if e.relative_half_width > DECIDING_PRECISION:
            found.append(
                PrecisionWarning(
                    value.key, e.relative_half_width, e.replications_for(DECIDING_PRECISION)
                )
            )
    for j, sla in enumerate(slas):
        if sla.outcome != "undecided":
            continue
        e = sla.attained
        gap = abs(e.mean - sla.target) / e.mean if e.mean > 0 else 0.0
        # about: the square-root law on the half-width; never the replications run already
        enough = max(e.replications_for(gap), e.n + 1) if gap > 0 else None
        found.append(
            PrecisionWarning(f"slas.{j}.attained", e.relative_half_width, enough, sla.name)
        )
    return found


def scenario_verdict(
    results_stable: bool,
    results_verdict_text: str,
    slas: Sequence[SlaChange],
    differences: Mapping[str, Difference],
    time_unit: TimeUnit,
) -> Verdict:
    """The verdict of a scenario against its baseline: its SLAs, then the change of p90
    cycle time, cost per item and quality (significant changes; slower or worse quality is
    watch)."""
    if not results_stable:
        return Verdict(results_verdict_text, "bad")
    broken = [s.name for s in slas if s.broken]
    if broken:
        return Verdict("breaks an SLA the baseline meets: " + "; ".join(broken), "bad")
    missed = [s.name for s in slas if not s.met]
    undecided = [s.name for s in slas if s.undecided]
    notes = (
        (
            "SLA " + "; ".join(undecided) + ": undecided: add replications (its interval "
            "straddles the target; --precision adds them until the run is precise)",
        )
        if undecided
        else ()
    )
    p90 = differences.get("cycle_time.p90")
    tone: Tone = "warn" if missed or undecided else "ok"
    if p90 is not None and p90.significant:
        change = p90.change.mean
        amount = format_duration(abs(change), time_unit)
        if change > 0:
            tone = "warn"
        word = "faster" if change < 0 else "slower"
        sign = "-" if change < 0 else "+"
        said = [f"p90 cycle time {sign}{amount} ({word}, significant)"]
    else:
        said = ["no significant change in p90 cycle time"]
    for key in (*COST, *QUALITY):
        difference = differences.get(key)
        if difference is None or not difference.significant:
            continue
        kpi = lookup(key).kpi
        worse = (difference.change.mean > 0) == (kpi.better == "lower")
        tone = "warn" if worse and key in QUALITY else tone
        amount = format_value(kpi.unit, difference.change.mean, time_unit, signed=True)
        said.append(f"{kpi.label} {amount} ({'worse' if worse else 'better'})")
    return Verdict("; ".join(said), tone, notes)
