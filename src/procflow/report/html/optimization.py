"""The report of a staffing search: the cheapest plan that meets every SLA, and the others tried.

The verdict names the chosen plan, its cost against today's, and how many plans
the capacity analysis ruled out before simulating; then the plan and its
runners-up, and every plan simulated, drawn as cost against SLA attainment.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape as _e

from procflow.model.process import Process
from procflow.report import charts
from procflow.report.html.page import (
    badge,
    fact,
    figure,
    finite,
    fmt,
    html_page,
    one_page,
    process_section,
    section,
    settings_text,
    union_keys,
    wide_table,
)
from procflow.results import Candidate, Optimization, lookup


def _plan_label(plan: Candidate) -> str:
    return ", ".join(f"{pool} {n}" for pool, n in plan.counts.items())


def _cost_per_item(plan: Candidate) -> float:
    results = plan.point.results if plan.point else None
    e = results.kpis.get("cost_per_item") if results else None
    return e.mean if e is not None else math.nan


def _verdict(found: Optimization, unit: str) -> str:
    best = found.best
    base_cost = found.baseline_cost_per_hour
    facts: list[str] = []
    if best is not None:
        least = "Fewest heads" if found.objective == "heads" else "Cheapest staffing"
        headline = f"{least} that meets every SLA: {_plan_label(best)}"
        tone = "ok"
        cost = best.cost_per_hour
        facts.append(fact(fmt("money", cost, unit), "cost / hour"))
        if math.isfinite(cost) and math.isfinite(base_cost) and base_cost:
            saving = (cost - base_cost) / base_cost
            facts.append(
                fact(f"{saving:+.1%}", f"against today's {fmt('money', base_cost, unit)} / hour")
            )
        facts.append(fact(fmt("money", _cost_per_item(best), unit), lookup("cost_per_item").label))
        facts.append(fact(fmt("share", best.max_utilization, unit), "busiest pool, analytic"))
    elif found.undecided:
        headline = "Undecided: add replications"
        tone = "warn"
    else:
        headline = "No staffing within the bounds meets every SLA"
        tone = "bad"
    items = [_e(n) for n in found.notes]
    items.append(
        f"{found.total:,} plans in the bounds; {found.pruned:,} ruled out by the capacity "
        f"analysis (a pool could not keep up on average); {len(found.simulated)} simulated, "
        "cheapest first."
    )
    return section(
        "Verdict",
        f'<p class="headline">{_e(headline)}</p>'
        + "<ul>"
        + "".join(f"<li>{i}</li>" for i in items)
        + "</ul>"
        + (f'<div class="facts">{"".join(facts)}</div>' if facts else ""),
        cls=f"verdict {tone}",
        anchor="verdict",
    )


def _candidates_chart(found: Optimization) -> str:
    targets: dict[str, float] = {}
    points = []
    for c in found.simulated:
        results = c.point.results if c.point else None
        slas = results.slas if results else []
        targets.update((s.name, s.target) for s in slas if math.isfinite(s.target))
        points.append(
            charts.CandidatePoint(
                label="/".join(str(n) for n in c.counts.values()),
                cost=finite(c.cost_per_hour) or 0.0,
                attainment={s.name: finite(s.attained.mean) for s in slas},
                stable=results.stable if results else None,
                decision=c.decision(found.max_utilization),
                best=found.best is not None and c.counts == found.best.counts,
            )
        )
    pools = " / ".join(found.simulated[0].counts)
    ceiling = found.max_utilization
    red = "miss an SLA" + (f" or go over {ceiling:.0%} utilization" if ceiling else "")
    return figure(
        charts.candidates_chart(points, finite(found.baseline_cost_per_hour), targets or None),
        f"Each simulated plan (labelled with its {pools} headcount): staff cost per "
        "hour against the share of items within each SLA. Green plans pass (stable, "
        "every SLA met), amber ones meet the SLAs in this run but a queue keeps "
        f"growing, red ones {red}. The star is the plan chosen.",
    )


@one_page
def optimization_html(found: Optimization, process: Process | None = None) -> str:
    """The report of a staffing search; with the ``process`` searched, its diagram too."""
    unit = str(found.settings.get("time_unit", "minute"))
    body = [_verdict(found, unit)]
    plans = ([found.best] if found.best is not None else []) + found.runners_up
    if plans:
        body.append(
            section(
                "The plan and the runners-up",
                _plans_table(found, plans, unit, best_first=found.best is not None),
                anchor="plans",
            )
        )
    if found.simulated:
        body.append(
            section(
                "Plans tried",
                _candidates_chart(found)
                + _plans_table(found, found.simulated, unit, best_first=False),
                anchor="candidates",
            )
        )
    diagram = process_section(process)
    if diagram:
        body.append(diagram)
    return html_page(
        "staffing search report",
        found.process or "process",
        settings_text(found.settings),
        body,
    )


def _plan_verdict(found: Optimization, plan: Candidate) -> str:
    results = plan.point.results if plan.point else None
    if results is None:
        return badge("could not run", "bad")
    decision = plan.decision(found.max_utilization)
    if decision == "passes":
        return badge("passes", "ok")
    if decision == "undecided":
        return badge("undecided: add replications", "warn")
    if not results.stable:
        return badge("unstable", "warn")
    if plan.point is not None and not plan.point.feasible:
        return badge("SLA missed", "bad")
    return badge("over the utilization ceiling", "warn")


def _plans_table(
    found: Optimization, plans: Sequence[Candidate], unit: str, *, best_first: bool
) -> str:
    pools = union_keys(p.counts for p in plans)
    head = ["", *pools, "cost / hour", lookup("cost_per_item").label, "busiest pool (analytic)"]
    head += ["SLA attainment", "verdict"]
    best = found.best
    rows: list[tuple[str, list[str]]] = []
    for i, p in enumerate(plans):
        is_best = (best_first and i == 0) or (best is not None and p.counts == best.counts)
        rank = "best" if is_best else (f"#{i + 1}" if best_first else "")
        cells = [_e(rank)]
        cells += [_e(str(p.counts.get(pool, "–"))) for pool in pools]
        cells.append(_e(fmt("money", p.cost_per_hour, unit)))
        cells.append(_e(fmt("money", _cost_per_item(p), unit)))
        cells.append(_e(fmt("share", p.max_utilization, unit)))
        results = p.point.results if p.point else None
        slas = results.slas if results else []
        attained = [f"{s.name}: {fmt('share', s.attained.mean, unit)}" for s in slas]
        cells.append(_e("; ".join(attained)) or "–")
        cells.append(_plan_verdict(found, p))
        rows.append(("hl" if is_best else "", cells))
    return wide_table(head, rows, wrap=2)
