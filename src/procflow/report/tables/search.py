"""The tables of a sweep and of a staffing search.

A sweep has a row per point (its changes, whether it keeps up and meets every
SLA, its verdict, cost, SLAs and every KPI's mean) and a long table of every
KPI's interval per point. A staffing search has the best plan, the runners-up
and every plan simulated, with their cost against today's.
"""

from __future__ import annotations

from collections.abc import Sequence

from procflow.report.format import in_order, label, template
from procflow.report.tables.cells import (
    Cell,
    Table,
    estimate_cells,
    flag,
    kpi_header,
    number,
    number_or_text,
    scalar,
    setting_rows,
    unit_short,
)
from procflow.results import Candidate, KpiValue, Optimization, Results, SlaResult, Sweep
from procflow.results.search import cheapest


def _sla_names(results: Sequence[Results | None]) -> list[str]:
    return list(dict.fromkeys(s.name for r in results if r is not None for s in r.slas))


def _attained_header(name: str) -> str:
    return template("slas.{name}.attained").label_for(name) + " (%)"


def _attained(slas: Sequence[SlaResult], name: str) -> Cell:
    found = [s for s in slas if s.name == name]
    return number(found[0].attained.mean, "share") if found else Cell(None, "share")


#: The header of whether a point is feasible.
FEASIBLE = "Feasible (stable, every SLA and the quality target met)"


def sweep_tables(found: Sweep) -> list[Table]:
    """The summary, a row per point, and every KPI's interval per point."""
    unit = unit_short(str(found.settings.get("time_unit") or "minute"))
    points = found.points
    feasible = [p for p in points if p.feasible]
    summary = Table("Summary", "summary", ["Item", "Value"])
    summary.rows += [
        [Cell("Process"), Cell(found.process)],
        [Cell("Points"), Cell(len(points), "count")],
        [Cell(FEASIBLE.replace("Feasible", "Feasible points")), Cell(len(feasible), "count")],
    ]
    best = cheapest(points)
    if best is not None:
        point = points[best]
        described = ", ".join(f"{k} = {scalar(v)}" for k, v in point.changes.items())
        summary.rows += [
            [Cell("Cheapest such point"), Cell(described)],
            [Cell("Its planned staff cost per hour"), number(point.cost_per_hour, "money")],
        ]
    summary.rows += setting_rows(found.settings)

    axes = list(dict.fromkeys(a for p in points for a in p.changes))
    every = [p.results for p in points if p.results is not None]
    sla_names = _sla_names(every)
    keys = (k for r in every for k in r.kpis)
    pools = (pool for r in every for pool in r.pools)
    stages = (stage for r in every for stage in r.stages)
    kpis: list[KpiValue] = [
        v
        for v in in_order(keys, pools, stages)
        if v.kpi.family != "sla"  # the SLAs have columns of their own
    ]
    sweep = Table(
        "Sweep",
        "sweep",
        ["Point", *axes, FEASIBLE, "Stable", "Verdict"]
        + ["Planned staff cost per hour"]
        + [f"SLA: {n}" for n in sla_names]
        + [_attained_header(n) for n in sla_names]
        + [kpi_header(v, unit) for v in kpis]
        + ["Error"],
    )
    intervals = Table(
        "Sweep intervals",
        "sweep_intervals",
        ["Point", *axes, "KPI", "Mean", "95% low", "95% high", "Key"],
    )
    for n, point in enumerate(points, start=1):
        head = [Cell(n, "count")] + [number_or_text(point.changes.get(a)) for a in axes]
        results = point.results
        slas = results.slas if results else []
        outcomes = {s.name: s.outcome for s in slas}
        values = results.kpis if results else {}
        sweep.rows.append(
            head
            + [
                flag(point.feasible),
                flag(results.stable if results else None),
                Cell(results.verdict.text if results else None),
                number(point.cost_per_hour, "money"),
            ]
            + [Cell(outcomes.get(name)) for name in sla_names]
            + [_attained(slas, name) for name in sla_names]
            + [
                number(values[v.key].mean, v.kpi.unit) if v.key in values else Cell(None)
                for v in kpis
            ]
            + [Cell(point.error)]
        )
        for v in in_order(values, *((results.pools, results.stages) if results else ())):
            cells = estimate_cells(values[v.key], v.kpi.unit)
            intervals.rows.append([*head, Cell(label(v, slas)), *cells, Cell(v.key)])
    return [summary, sweep, intervals]


def _plans_table(
    found: Optimization, title: str, filename: str, plans: Sequence[Candidate]
) -> Table:
    everything = [found.best, *found.runners_up, *found.simulated]
    candidates = [c for c in everything if c is not None]
    pools = list(dict.fromkeys(pool for c in candidates for pool in c.counts))
    sla_names = _sla_names([c.point.results if c.point else None for c in candidates])
    cost_per_item = template("cost_per_item")
    table = Table(
        title,
        filename,
        ["Rank"]
        + [f"{pool} staff (people)" for pool in pools]
        + ["Cost per hour", "Change in cost per hour", cost_per_item.label]
        + ["Busiest pool utilization, estimate (%)", "Stable", "Meets every SLA"]
        + [_attained_header(n) for n in sla_names],
    )
    base = found.baseline_cost_per_hour
    for rank, plan in enumerate(plans, start=1):
        results = plan.point.results if plan.point else None
        slas = results.slas if results else []
        per_item = results.kpis.get(cost_per_item.key) if results else None
        table.rows.append(
            [Cell(rank, "count")]
            + [Cell(plan.counts.get(pool), "count") for pool in pools]
            + [
                number(plan.cost_per_hour, "money"),
                number(plan.cost_per_hour - base, "money", signed=True),
                number(per_item.mean, "money") if per_item else Cell(None, "money"),
                number(plan.max_utilization, "share"),
                flag(results.stable if results else None),
                flag(bool(results and all(s.outcome == "met" for s in results.slas))),
            ]
            + [_attained(slas, name) for name in sla_names]
        )
    return table


def optimization_tables(found: Optimization) -> list[Table]:
    """The summary, the best plan, the runners-up and every plan simulated."""
    best = found.best
    summary = Table("Summary", "summary", ["Item", "Value"])
    plan = (
        ", ".join(f"{pool}: {n}" for pool, n in best.counts.items())
        if best
        else "no plan within the bounds meets every SLA"
    )
    summary.rows += [
        [Cell("Process"), Cell(found.process)],
        [Cell("Best plan"), Cell(plan)],
        [
            Cell("Best plan: cost per hour"),
            number(best.cost_per_hour, "money") if best else Cell(None, "money"),
        ],
        [Cell("Current cost per hour"), number(found.baseline_cost_per_hour, "money")],
        [Cell("Plans within the bounds"), Cell(found.total, "count")],
        [Cell("Ruled out by the queueing estimate"), Cell(found.pruned, "count")],
        [Cell("Simulated"), Cell(len(found.simulated), "count")],
    ]
    summary.rows += [[Cell("Note"), Cell(note)] for note in found.notes]
    summary.rows += setting_rows(found.settings)
    return [
        summary,
        _plans_table(found, "Best", "best", [best] if best else []),
        _plans_table(found, "Runners-up", "runners_up", found.runners_up),
        _plans_table(found, "Candidates", "candidates", found.simulated),
    ]
