"""How well a model reproduces history: the fidelity table of ``procflow validate``.

Each row is one measure of the real event log (throughput per day, cycle time,
each activity's wait and handling time, each pool's utilization, the shares of
the most common variants) beside the same measure of the logs the model
simulated over the same period. The simulated value is the mean over
replications, with a **prediction interval**: where one period's value falls
if the model is right (mean ± t·sd·√(1 + 1/n), on the scale that keeps it
within its bounds, see :mod:`procflow.results.estimate`). The real log *is* one
period, so that is the interval to hold it to, not the narrower interval of
the mean. The intervals hold *together*: each is at the level
:func:`level_for` the number of rows (Bonferroni), so that if the model is
right every real value is inside its interval 95% of the time, however long
the table; a table of twenty 95% intervals would otherwise miss one by chance
more often than not.

The verdict, one rule (docs/validation.md states it for PMs):

- a row is **off** when the real value is outside its interval *and* the gap
  matters: more than :data:`RELATIVE` of the real value (for shares, more than
  :data:`POINTS` percentage points), so that a long log's tight interval does not
  fail a model for a difference nobody would act on; a row whose real value
  rests on fewer than :data:`MIN_OBSERVATIONS` observations (cases, or visits
  of the activity or pool) is shown but never off: a handful of visits says
  little about a model;
- **fit for what-if questions**: no row is off; **usable with care**: rows are
  off, but none of the headline rows (throughput, cycle time); **not fit**: a
  headline row is off;
- the **weakest part** is the off row farthest outside its interval, measured
  in half-widths of it: among the rows of an activity, a pool or a variant
  (the parts of the model) when one of them is off, since the headline rows
  are their outcome; when no row is off, the row farthest from its mean.

The distances (:mod:`procflow.analysis.distances`, in hours) are means over
replications with the 95% interval of the mean, as Simod reports them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from procflow.diagnostics import Finding
from procflow.results.catalogue import UnitKind
from procflow.results.estimate import Bounds, Estimate, interval, t_quantile
from procflow.results.records import Tone

#: A row is off when its error is larger than this share of the real value ...
RELATIVE = 0.10
#: ... or, for a share, than this many percentage points (as a share).
POINTS = 0.05
#: A row whose real value rests on fewer observations is shown but does not count.
MIN_OBSERVATIONS = 30

Fit = Literal["fit", "care", "poor"]
FIT_WORDS: dict[Fit, str] = {
    "fit": "fit for what-if questions",
    "care": "usable with care",
    "poor": "not fit for what-if questions",
}
FIT_TONE: dict[Fit, Tone] = {"fit": "ok", "care": "warn", "poor": "bad"}

#: The headline rows: a model that misses one of these is not fit.
HEADLINE = ("throughput_per_day", "cycle_time.mean", "cycle_time.p50", "cycle_time.p90")


@dataclass(frozen=True)
class Measure:
    """What a row measures: its label, unit and the values it can take."""

    label: str
    unit: UnitKind
    bounds: Bounds


def measure(key: str) -> Measure:
    """The one definition of each row's label and unit, by key (KeyError for others)."""
    fixed = {
        "throughput_per_day": Measure("throughput / day", "number", "nonnegative"),
        "cycle_time.mean": Measure("cycle time mean", "duration", "nonnegative"),
        "cycle_time.p50": Measure("cycle time p50", "duration", "nonnegative"),
        "cycle_time.p90": Measure("cycle time p90", "duration", "nonnegative"),
    }
    if key in fixed:
        return fixed[key]
    family, _, rest = key.partition(".")
    subject, _, metric = rest.rpartition(".")
    if family == "stages" and metric == "waiting_time":
        return Measure(f"{subject} mean wait", "duration", "nonnegative")
    if family == "stages" and metric == "handling_time":
        return Measure(f"{subject} handling time", "duration", "nonnegative")
    if family == "resources" and metric == "utilization":
        return Measure(f"{subject} utilization", "share", "share")
    if key == "variants.top.share":
        return Measure("top variants together", "share", "share")
    if family == "variants" and metric == "share":
        return Measure(f"variant {subject}", "share", "share")
    raise KeyError(f"{key!r} is not a measure of validate")


def level_for(rows: int) -> float:
    """The confidence of each row's interval so that all ``rows`` hold together 95% of the
    time if the model is right (Bonferroni: 1 - 0.05 / rows)."""
    return 1 - 0.05 / max(rows, 1)


def predicted(values: Sequence[float], bounds: Bounds, level: float = 0.95) -> Estimate:
    """The mean of per-replication values with the ``level`` prediction interval of one
    more (NaNs dropped; no interval from fewer than two)."""
    xs = [v for v in values if not math.isnan(v)]
    n = len(xs)
    if n < 2:
        mean = xs[0] if xs else math.nan
        return Estimate(mean, math.nan, math.nan, n)
    mean = math.fsum(xs) / n
    sd = math.sqrt(math.fsum((x - mean) ** 2 for x in xs) / (n - 1))
    t = t_quantile(1 - (1 - level) / 2, n - 1)
    low, high = interval(mean, t * sd * math.sqrt(1 + 1 / n), bounds)
    return Estimate(mean, low, high, n, sd / math.sqrt(n))


@dataclass(frozen=True)
class FidelityRow:
    """One measure: the real value, the simulated mean and interval, and how far apart."""

    key: str
    label: str
    unit: UnitKind
    real: float
    simulated: Estimate
    #: the variant's activities, for a variant row ('' otherwise)
    detail: str = ""
    #: the observations of the real log the value rests on (cases, or visits)
    observations: int = MIN_OBSERVATIONS

    @property
    def few(self) -> bool:
        """Too few observations (:data:`MIN_OBSERVATIONS`) for the row to count."""
        return self.observations < MIN_OBSERVATIONS

    @property
    def error(self) -> float:
        """Simulated mean - real value."""
        return self.simulated.mean - self.real

    @property
    def relative(self) -> float:
        """The error as a share of the real value (NaN when the real value is 0)."""
        return self.error / abs(self.real) if self.real else math.nan

    @property
    def within(self) -> bool:
        """The real value lies within the simulated interval."""
        s = self.simulated
        return s.low <= self.real <= s.high

    @property
    def material(self) -> bool:
        """The error is large enough to act on (:data:`RELATIVE`, :data:`POINTS`)."""
        if math.isnan(self.error):
            return True
        if self.unit == "share":
            return abs(self.error) > POINTS
        return self.real == 0 or abs(self.relative) > RELATIVE

    @property
    def off(self) -> bool:
        """Outside the interval by a gap that matters, on enough observations."""
        return not self.within and self.material and not self.few

    @property
    def gap(self) -> float:
        """How far the real value is from the simulated mean, in half-widths of the interval."""
        half = self.simulated.half_width
        if math.isnan(self.error):
            return math.inf
        if math.isnan(half) or half == 0:
            return 0.0 if self.error == 0 else math.inf
        return abs(self.error) / half


@dataclass(frozen=True)
class FidelityDistance:
    """One of Simod's distances between the real and the simulated logs, in hours."""

    key: str
    label: str
    value: Estimate


#: The distances, in the order they are shown: key -> label.
DISTANCES = {
    "cycle_time": "cycle-time distribution",
    "events": "events over time (absolute)",
    "circadian": "events by hour of the day (circadian)",
    "arrivals": "case arrivals",
}


@dataclass(frozen=True)
class FidelityVerdict:
    """Fit or not, the weakest row, and the sentence a PM reads."""

    fit: Fit
    weakest: str | None
    text: str

    @property
    def tone(self) -> Tone:
        return FIT_TONE[self.fit]


def judge(rows: Sequence[FidelityRow]) -> FidelityVerdict:
    """The verdict of the module's rule over the rows."""
    off = [r for r in rows if r.off]
    fit: Fit = "fit"
    if off:
        fit = "poor" if any(r.key in HEADLINE for r in off) else "care"
    # The parts of the model (an activity, a pool, a variant) before the outcomes they cause.
    parts = [r for r in off if r.key not in HEADLINE]
    pool = parts or off or [r for r in rows if not r.few and not math.isnan(r.gap)]
    if not pool:
        return FidelityVerdict(fit, None, f"The model is {FIT_WORDS[fit]}.")
    weakest = max(pool, key=lambda r: (r.gap, abs(r.relative) if r.real else 0.0))
    share = "" if math.isnan(weakest.relative) else f", {weakest.relative:+.0%}"
    if off:
        many = f"{len(off)} of {len(rows)} measures {'is' if len(off) == 1 else 'are'} off"
        text = f"The model is {FIT_WORDS[fit]}: {many}; the weakest is {weakest.label}{share}."
    else:
        text = (
            f"The model is {FIT_WORDS[fit]}: no measure is off; the weakest is "
            f"{weakest.label}{share}."
        )
    return FidelityVerdict(fit, weakest.key, text)


@dataclass(frozen=True)
class Fidelity:
    """``procflow validate``: a model against an event log, measure by measure."""

    process: str
    log: str
    time_unit: str
    #: the period: the first case's arrival (ISO 8601, as the log writes it) and its length
    start: str
    days: float
    #: the cases of the real log in the period
    cases: int
    replications: int
    seed: int
    rows: tuple[FidelityRow, ...]
    distances: tuple[FidelityDistance, ...]
    #: activities of the log that match no stage, and work stages no activity matches
    unmapped: tuple[str, ...]
    unused: tuple[str, ...]
    #: cycle time at the 1st..99th percentile (hours): the real log, all simulated logs
    real_cycle: tuple[float, ...]
    simulated_cycle: tuple[float, ...]
    #: the share of events in each hour of the day (0..23): real, simulated
    real_hours: tuple[float, ...]
    simulated_hours: tuple[float, ...]
    verdict: FidelityVerdict
    #: bad rows of the log that were left out (never silently: the command lists the first)
    skipped_rows: int = 0
    skipped: tuple[Finding, ...] = ()


def _estimate(e: Estimate) -> dict[str, Any]:
    return {"mean": _num(e.mean), "interval": [_num(e.low), _num(e.high)], "n": e.n}


def _num(x: float) -> float | None:
    return x if math.isfinite(x) else None


def fidelity_to_json(f: Fidelity) -> dict[str, Any]:
    """The documented JSON shape (``kind: "validation"``, docs/validation.md)."""
    return {
        "kind": "validation",
        "format_version": 1,
        "process": f.process,
        "log": f.log,
        "time_unit": f.time_unit,
        "period": {"start": f.start, "days": f.days, "cases": f.cases},
        "skipped_rows": f.skipped_rows,
        "settings": {"replications": f.replications, "seed": f.seed},
        "verdict": {"fit": f.verdict.fit, "weakest": f.verdict.weakest, "text": f.verdict.text},
        "rows": [
            {
                "key": r.key,
                "label": r.label,
                "unit": r.unit,
                "real": _num(r.real),
                "simulated": _estimate(r.simulated),
                "error": _num(r.error),
                "relative_error": _num(r.relative),
                "observations": r.observations,
                "within": r.within,
                "off": r.off,
                **({"variant": r.detail} if r.detail else {}),
            }
            for r in f.rows
        ],
        "distances": {d.key: {"label": d.label, "hours": _estimate(d.value)} for d in f.distances},
        "unmapped_activities": list(f.unmapped),
        "unused_stages": list(f.unused),
        "charts": {
            "cycle_time_percentiles_hours": {
                "real": [_num(x) for x in f.real_cycle],
                "simulated": [_num(x) for x in f.simulated_cycle],
            },
            "events_by_hour_share": {
                "real": list(f.real_hours),
                "simulated": list(f.simulated_hours),
            },
        },
    }


def _value(x: Any) -> float:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else math.nan


def _estimate_from(entry: Mapping[str, Any]) -> Estimate:
    low, high = entry.get("interval") or [None, None]
    return Estimate(_value(entry.get("mean")), _value(low), _value(high), int(entry.get("n", 0)))


def fidelity_from_json(document: Mapping[str, Any]) -> Fidelity:
    """The record back from :func:`fidelity_to_json`'s document (KeyError if incomplete)."""
    rows = tuple(
        FidelityRow(
            r["key"], r["label"], r["unit"], _value(r["real"]), _estimate_from(r["simulated"]),
            r.get("variant", ""), int(r.get("observations", MIN_OBSERVATIONS)),
        )
        for r in document["rows"]
    )  # fmt: skip
    distances = tuple(
        FidelityDistance(key, d["label"], _estimate_from(d["hours"]))
        for key, d in document["distances"].items()
    )
    charts, verdict = document["charts"], document["verdict"]
    cycle, hours = charts["cycle_time_percentiles_hours"], charts["events_by_hour_share"]
    return Fidelity(
        document["process"],
        document["log"],
        document["time_unit"],
        document["period"]["start"],
        _value(document["period"]["days"]),
        int(document["period"]["cases"]),
        int(document["settings"]["replications"]),
        int(document["settings"]["seed"]),
        rows,
        distances,
        tuple(document["unmapped_activities"]),
        tuple(document["unused_stages"]),
        tuple(_value(x) for x in cycle["real"]),
        tuple(_value(x) for x in cycle["simulated"]),
        tuple(_value(x) for x in hours["real"]),
        tuple(_value(x) for x in hours["simulated"]),
        FidelityVerdict(verdict["fit"], verdict["weakest"], verdict["text"]),
        int(document.get("skipped_rows", 0)),
    )
