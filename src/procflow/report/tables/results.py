"""The tables of one simulation, in the order a PM reads them.

Summary (the verdict, whether the process keeps up, the settings), every KPI
with its interval, the stages and the pools (one row each, a column per KPI),
the SLAs, the bottlenecks, each replication's values, the time series and the
cycle-time distribution. A comparison shows its baseline with the same tables.
"""

from __future__ import annotations

from procflow.report.format import columns, every_kpi, in_order, template
from procflow.report.tables.cells import (
    Cell,
    CellKind,
    Table,
    column_headers,
    estimate_cells,
    flag,
    kpi_header,
    number,
    setting_rows,
    unit_short,
)
from procflow.results import Kpi, Results


def _summary(results: Results, extra: list[list[Cell]], of: str) -> Table:
    def named(text: str) -> Cell:
        return Cell(f"{of}{text}"[:1].upper() + f"{of}{text}"[1:])

    verdict = results.verdict
    met = sum(1 for s in results.slas if s.outcome == "met")
    summary = Table("Summary", "summary", ["Item", "Value"])
    summary.rows += [
        [Cell("Process"), Cell(results.process)],
        [named("verdict"), Cell(verdict.text)],
        [named("verdict in a word"), Cell(verdict.word)],
        *([named("verdict note"), Cell(note)] for note in verdict.notes),
        [named("stable"), flag(results.stable)],
        [named("stable (simulated)"), flag(results.simulated_stable)],
        [named("stable (queueing estimate)"), flag(results.analytic_stable)],
        [Cell(f"{of}SLAs met" if of else "SLAs met"), Cell(f"{met} of {len(results.slas)}")],
    ]
    for stage, rate in sorted(results.growth.items()):
        summary.rows.append([Cell(f"Growing queue: {stage} (items/hour)"), number(rate, "number")])
    summary.rows += setting_rows(results.settings)
    summary.rows += extra
    return summary


def _kpis(results: Results, unit: str) -> Table:
    kpis = Table("KPIs", "kpis", ["KPI", "Mean", "95% low", "95% high", "Key"])
    for value in every_kpi(results):
        if value.kpi.family != "sla":  # the SLAs have a sheet of their own
            estimate = results.kpis[value.key]
            kind = value.kpi.unit
            head = kpi_header(value, unit)
            kpis.rows.append([Cell(head), *estimate_cells(estimate, kind), Cell(value.key)])
    return kpis


def _estimates(results: Results, kpis: list[Kpi], name: str) -> list[Cell]:
    """Mean, low and high of each of ``kpis`` for one pool or stage."""
    cells: list[Cell] = []
    for kpi in kpis:
        cells += estimate_cells(results.kpis.get(kpi.key_for(name)), kpi.unit)
    return cells


def _stages(results: Results, unit: str) -> Table:
    kpis = columns("stage", results.kpis)
    heads = [h for kpi in kpis for h in column_headers(kpi, unit)]
    table = Table("Stages", "stages", ["Stage", *heads])
    for name in results.stages:
        table.rows.append([Cell(name), *_estimates(results, kpis, name)])
    return table


def _resources(results: Results, unit: str) -> Table:
    kpis = columns("pool", results.kpis)
    heads = [h for kpi in kpis for h in column_headers(kpi, unit)]
    table = Table(
        "Resources", "resources", ["Pool", "Staff (people)", "Mean staff on duty (people)", *heads]
    )
    for name, pool in results.pools.items():
        table.rows.append(
            [
                Cell(name),
                Cell(pool.count, "count"),
                number(pool.mean_staff, "number"),
                *_estimates(results, kpis, name),
            ]
        )
    return table


def _slas(results: Results, unit: str) -> Table:
    attained = template("slas.{name}.attained")
    table = Table(
        "SLAs",
        "slas",
        [
            *("SLA", "Metric", "Stage", "Percentile", f"Within ({unit})"),
            *column_headers(attained, unit),
            *("Met (mean)", "Outcome (by the interval)"),
        ],
    )
    for sla in results.slas:
        table.rows.append(
            [
                Cell(sla.name),
                Cell(sla.metric.replace("_", " ")),
                Cell(sla.stage),
                number(sla.percentile, "plain"),
                number(sla.max, "duration"),
                *estimate_cells(sla.attained, "share"),
                flag(sla.met),
                Cell(sla.status),
            ]
        )
    return table


def _bottlenecks(results: Results) -> Table:
    table = Table("Bottlenecks", "bottlenecks", ["Rank", "Name", "Kind", "Score", "Evidence"])
    for rank, b in enumerate(results.bottlenecks, start=1):
        table.rows.append(
            [Cell(rank, "count"), Cell(b.name), Cell(b.kind), number(b.score, "number"),
             Cell(b.reason)]
        )  # fmt: skip
    return table


def _replications(results: Results, unit: str) -> Table:
    keys = in_order((k for rep in results.replications for k in rep), results.pools, results.stages)
    heads = [kpi_header(v, unit, results.slas) for v in keys]
    table = Table("Replications", "replications", ["Replication", *heads])
    for n, rep in enumerate(results.replications, start=1):
        cells = [Cell(n, "count")]
        for value in keys:
            x = rep.get(value.key)
            cells.append(Cell(None, value.kpi.unit) if x is None else number(x, value.kpi.unit))
        table.rows.append(cells)
    return table


def _series_label(key: str, unit: str) -> tuple[str, CellKind]:
    if key == "time":
        return f"Time ({unit})", "duration"
    if key == "wip":
        return "Work in progress (items)", "number"
    kind, _, name = key.partition(".")
    if kind == "age":
        return f"Backlog age {name} ({unit})", "duration"
    text = {"queue": "queue (items)", "busy": "busy (people)", "working": "working (people)"}
    if kind in text:
        return f"{name} {text[kind]}", "number"
    return key, "number"


def _series(results: Results, unit: str) -> Table:
    series = results.series
    heads = [_series_label(k, unit) for k in series]
    table = Table("Time series", "time_series", [h for h, _ in heads])
    kinds = [kind for _, kind in heads]
    for i in range(min(len(values) for values in series.values())):
        row = zip(series.values(), kinds, strict=True)
        table.rows.append([number(values[i], kind) for values, kind in row])
    return table


def _distribution(results: Results, unit: str) -> Table:
    table = Table(
        "Cycle time distribution", "cycle_time_distribution", ["Percentile", f"Cycle time ({unit})"]
    )
    for p, v in enumerate(results.cycle_time_percentiles, start=1):
        table.rows.append([Cell(p, "count"), number(v, "duration")])
    return table


def results_tables(
    results: Results, summary_extra: list[list[Cell]] | None = None, *, of: str = ""
) -> list[Table]:
    """The tables of a simulation; ``of`` names whose numbers the summary's are
    (``baseline ``), and ``summary_extra`` adds rows to it."""
    unit = unit_short(results.time_unit)
    tables = [
        _summary(results, summary_extra or [], of),
        _kpis(results, unit),
        _stages(results, unit),
        _resources(results, unit),
        _slas(results, unit),
        _bottlenecks(results),
        _replications(results, unit),
    ]
    if results.series.get("time"):
        tables.append(_series(results, unit))
    if results.cycle_time_percentiles:
        tables.append(_distribution(results, unit))
    return tables
