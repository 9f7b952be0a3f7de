"""The tables of a forecast: the answer per scenario, the backlog fan, the SLA and due-date
breaches, and the breaches by day (one row per scenario, SLA or due-date class, and day)."""

from __future__ import annotations

from procflow.report.tables.cells import Cell, Table
from procflow.results.estimate import Estimate
from procflow.results.forecast import BacklogForecasts


def _mean_and_interval(e: Estimate, kind: str) -> list[Cell]:
    return [Cell(e.mean, kind), Cell(e.low, kind), Cell(e.high, kind)]  # type: ignore[arg-type]


def forecast_tables(record: BacklogForecasts) -> list[Table]:
    """BacklogForecast (one row per scenario), Backlog (the fan chart's numbers), SLA breaches,
    Breaches by day."""
    summary = Table(
        "BacklogForecast",
        "forecast",
        [
            "Scenario", "Start", "Deadline", "Hours", "Items at start", "Target",
            "Replications", "P(cleared)", "P low (95%)", "P high (95%)",
            "Cleared after (h)", "Cleared low (h)", "Cleared high (h)", "Backlog at deadline",
        ],
    )  # fmt: skip
    backlog = Table(
        "Backlog", "backlog", ["Scenario", "Hours", "Median", "10th percentile", "90th percentile"]
    )
    slas = Table(
        "SLA breaches",
        "sla_breaches",
        ["Scenario", "SLA", "Breach rate", "Low (95%)", "High (95%)", "Breached items"],
    )
    by_day = Table(
        "Breaches by day",
        "breaches_by_day",
        ["Scenario", "SLA", "Day", "Breached items", "Low (95%)", "High (95%)"],
    )
    for f in record.runs:
        name = Cell(f.scenario or "as planned")
        summary.rows.append(
            [
                name, Cell(f.start), Cell(f.until), Cell(f.hours, "number"),
                Cell(sum(f.initial.values()), "count"), Cell(f.target, "count"),
                Cell(f.replications, "count"), *_mean_and_interval(f.probability, "share"),
                *_mean_and_interval(f.time, "number"), Cell(f.final.mean, "number"),
            ]
        )  # fmt: skip
        for p in f.backlog:
            backlog.rows.append(
                [name, Cell(p.hours, "number"), Cell(p.median, "number"),
                 Cell(p.p10, "number"), Cell(p.p90, "number")]
            )  # fmt: skip
        for s in f.slas:
            slas.rows.append(
                [name, Cell(s.name), *_mean_and_interval(s.breach_rate, "share"),
                 Cell(s.breached.mean, "number")]
            )  # fmt: skip
            for d in s.by_day:
                by_day.rows.append(
                    [name, Cell(s.name), Cell(d.day), *_mean_and_interval(d.breached, "number")]
                )
    return [summary, backlog, slas, *([by_day] if by_day.rows else [])]
