"""The quality trade-off of a sweep: false negatives against the people's workload.

A sweep over a model's thresholds (or a QC sample rate) moves work between the
model and people: a lower removal threshold removes more automatically, a higher
review threshold sends fewer items to moderators. This section shows each point's
false negatives per 1,000 items against the staff cost of the work people do (busy
people times their cost per hour), with the quality target and the cheapest point
that meets it marked, and the table behind the chart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape as _e
from typing import Any

from procflow.report import charts
from procflow.report.html.page import figure, finite, fmt, section, wide_table
from procflow.report.sweep import measured_quality
from procflow.results import SweepPoint, lookup
from procflow.results.catalogue import DECISION_QUALITY

_NEGATIVES = DECISION_QUALITY[0]


def _label(changes: Mapping[str, Any]) -> str:
    return ", ".join(f"{v}" for v in changes.values()) or "base"


def quality_section(points: Sequence[SweepPoint], best: int | None, unit: str) -> str | None:
    """The trade-off chart and table, or None when no point reports false negatives."""
    shown = [
        (i, p)
        for i, p in enumerate(points)
        if p.results is not None and _NEGATIVES in p.results.kpis
    ]
    if not shown:
        return None
    target = None
    first = shown[0][1].process
    if first is not None and first.truth is not None and first.truth.target is not None:
        target = first.truth.target.false_negatives_per_1000
    marks = [
        charts.TradeoffPoint(
            _label(p.changes),
            p.results.kpis[_NEGATIVES].mean if p.results else float("nan"),
            p.busy_cost_per_hour,
            p.feasible,
            i == best,
        )
        for i, p in shown
    ]
    svg = charts.tradeoff_chart([m for m in marks if finite(m.false_negatives)], target)
    caption = (
        "Each point of the sweep: false negatives (violating items left up) per 1,000 items "
        "against the staff cost of the work people do. Filled green points are feasible; the "
        "star is the cheapest of them"
        + (", and the dashed line the quality target." if target is not None else ".")
    )
    quality = measured_quality(points)
    head = ["point", *(lookup(k).label for k in quality), "busy staff cost / hour", ""]
    rows: list[tuple[str, list[str]]] = []
    for i, p in shown:
        kpis = p.results.kpis if p.results else {}
        cells = [_e(_label(p.changes))]
        for key in quality:
            e = kpis.get(key)
            cells.append(_e(fmt("number", e.mean, unit)) if e is not None else "–")
        cells.append(_e(fmt("money", p.busy_cost_per_hour, unit)))
        cells.append("cheapest feasible" if i == best else ("feasible" if p.feasible else ""))
        rows.append(("hl" if i == best else "", cells))
    body = figure(svg, caption) + wide_table(head, rows)
    return section("Quality against workload", body, anchor="quality")
