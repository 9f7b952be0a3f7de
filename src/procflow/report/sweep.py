"""A sweep at a glance: one row per point, as the terminal and the Markdown show it.

Each row holds the values swept, the planned staff cost, p90 cycle time, the busiest
pool, each SLA's attainment, the quality of the decisions (with a truth: false negatives
and positives per 1,000, and removals for the wrong reason with classes),
and what the point is: *feasible* (keeps up, every SLA and any quality target met by
its interval), or why not. The cheapest feasible point is marked, the one the HTML
report marks (:func:`~procflow.results.search.cheapest`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from procflow.report.format import duration
from procflow.results import Sweep, SweepPoint, lookup
from procflow.results.catalogue import DECISION_QUALITY
from procflow.results.search import cheapest

#: What a point is: feasible, or the first reason it is not.
Status = Literal[
    "feasible", "unstable", "SLA missed", "quality target not met", "undecided", "error"
]


@dataclass(frozen=True)
class GlanceRow:
    """One point: its cells (the values swept first), what it is, whether it is the
    cheapest feasible point, and its error when it could not run."""

    cells: list[str]
    status: Status
    cheapest: bool = False
    error: str = ""


def measured_quality(points: Sequence[SweepPoint]) -> list[str]:
    """The decision-quality KPIs (:data:`~procflow.results.catalogue.DECISION_QUALITY`) the
    points measure: a sweep's quality columns."""
    return [
        key
        for key in DECISION_QUALITY
        if any(p.results is not None and key in p.results.kpis for p in points)
    ]


def status(point: SweepPoint) -> Status:
    """Feasible, or the first reason it is not (unstable, an SLA missed, the quality
    target, an SLA the intervals cannot decide)."""
    results = point.results
    if results is None:
        return "error"
    if point.feasible:
        return "feasible"
    if not results.stable:
        return "unstable"
    outcomes = {s.outcome for s in results.slas}
    if "missed" in outcomes:
        return "SLA missed"
    if not point.meets_target and outcomes <= {"met"}:
        return "quality target not met"
    return "undecided"


def glance(found: Sweep) -> tuple[list[str], list[GlanceRow]]:
    """The headers and one row per point (means over the replications)."""
    axes = found.axes
    unit = str(found.settings.get("time_unit", "minute"))
    quality = measured_quality(found.points)
    headers = [a.removeprefix("resources.").removeprefix("stages.") for a in axes]
    headers += ["cost/h", "p90 cycle", "busiest pool", "SLAs"]
    headers += [lookup(k).label for k in quality]
    best = cheapest(found.points)
    rows = []
    for n, point in enumerate(found.points):
        values = [str(point.changes[a]) for a in axes]
        results = point.results
        if results is None:
            blank = [""] * (len(headers) - len(axes))
            rows.append(GlanceRow([*values, *blank], "error", error=point.error or ""))
            continue
        utilizations = [(results.kpis[f"resources.{p}.utilization"].mean, p) for p in results.pools]
        finite = [(u, p) for u, p in utilizations if not math.isnan(u)]
        busiest = f"{max(finite)[1]} {max(finite)[0]:.0%}" if finite else ""
        cells = [
            *values,
            f"{point.cost_per_hour:,.0f}",
            duration(results.kpis["cycle_time.p90"].mean, unit),
            busiest,
            " ".join(f"{s.attained.mean:.0%}" for s in results.slas),
            *(f"{results.kpis[k].mean:.2f}" if k in results.kpis else "" for k in quality),
        ]
        rows.append(GlanceRow(cells, status(point), cheapest=n == best))
    return headers, rows
