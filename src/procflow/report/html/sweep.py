"""The report of a sweep: which points of the grid are feasible, and the cheapest of them.

A point is feasible when its queues stay bounded and every SLA is met. The
verdict names the cheapest feasible point; the charts show p90 cycle time and
staff cost over the grid (two heatmaps over two axes, or two lines along one;
with more axes, the others are held at the cheapest feasible point); the table
lists every point with its own verdict.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape as _e
from typing import Any

from procflow.model.process import Process
from procflow.model.quantities import counted
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
from procflow.report.html.quality import quality_section
from procflow.report.sweep import measured_quality
from procflow.results import Estimate, Sweep, SweepPoint, lookup
from procflow.results.search import cheapest

_P90 = "cycle_time.p90"
_NONE = Estimate(math.nan, math.nan, math.nan, 0)


def _changes_text(changes: Mapping[str, Any]) -> str:
    return ", ".join(f"{_short_path(k)} {v}" for k, v in changes.items()) or "no change"


def _short_path(path: str) -> str:
    """``resources.annotator.count`` reads as ``annotator count``."""
    parts = path.split(".")
    if len(parts) == 3 and parts[0] in ("resources", "stages"):
        return f"{parts[1]} {parts[2]}"
    return path


def _p90(point: SweepPoint) -> Estimate:
    return point.results.kpis.get(_P90, _NONE) if point.results else _NONE


@one_page
def sweep_html(found: Sweep, process: Process | None = None) -> str:
    """The report of a sweep; with the base ``process``, its diagram too."""
    unit = str(found.settings.get("time_unit", "minute"))
    points = found.points
    axes = union_keys(p.changes for p in points)
    feasible = [p for p in points if p.feasible]
    errors = [p for p in points if p.error]
    best = cheapest(points)
    facts = []
    if best is not None:
        b = points[best]
        tone = "ok"
        headline = (
            f"{len(feasible)} of {len(points)} points are feasible; the cheapest is "
            f"{_changes_text(b.changes)}"
        )
        facts = [
            fact(fmt("money", b.cost_per_hour, unit), "cost / hour, cheapest feasible"),
            fact(fmt("duration", _p90(b).mean, unit), f"its {lookup(_P90).label}"),
        ]
    else:
        tone = "bad"
        headline = f"None of the {len(points)} points is feasible (stable with every SLA met)"
    unstable = sum(1 for p in points if p.results is not None and not p.results.stable)
    target = process is not None and process.truth is not None and process.truth.target
    items = [
        "Feasible means the queues stay bounded and every SLA is met"
        + (", and the quality target too (within its 95% interval)." if target else "."),
        f"{unstable} point{'s' if unstable != 1 else ''} unstable (a queue keeps growing).",
    ]
    if errors:
        items.append(f"{counted(len(errors), 'point')} could not run: see the table.")
    verdict = section(
        "Verdict",
        f'<p class="headline">{_e(headline)}</p><ul>'
        + "".join(f"<li>{_e(i)}</li>" for i in items)
        + "</ul>"
        + (f'<div class="facts">{"".join(facts)}</div>' if facts else ""),
        cls=f"verdict {tone}",
        anchor="verdict",
    )
    body = [verdict]
    runnable = [p for p in points if p.results is not None]
    if axes and runnable:
        anchor = points[best] if best is not None else runnable[0]
        chart = _sweep_chart(runnable, axes, unit, anchor)
        body.append(section("The KPIs over the grid", chart, anchor="charts"))
    tradeoff = quality_section(points, best, unit)
    if tradeoff:
        body.append(tradeoff)
    body.append(section("Every point", _sweep_table(points, axes, unit, best), anchor="points"))
    diagram = process_section(process)
    if diagram:
        body.append(diagram)
    meta = f"Sweep over {', '.join(axes) or 'nothing'}; {len(points)} points. " + settings_text(
        found.settings
    )
    return html_page("sweep report", found.process or "process", meta, body)


def _cell(point: SweepPoint, x: Any, y: Any) -> charts.SweepCell:
    p90 = _p90(point)
    return charts.SweepCell(
        x, y, finite(p90.mean), finite(p90.low), finite(p90.high), finite(point.cost_per_hour),
        point.feasible, point.results.stable if point.results else None,
    )  # fmt: skip


def _sweep_chart(
    runnable: Sequence[SweepPoint], axes: Sequence[str], unit: str, anchor: SweepPoint
) -> str:
    if len(axes) == 1:
        cells = [_cell(p, p.changes.get(axes[0]), None) for p in runnable]
        svg = charts.sweep_lines(cells, axes[0], unit)
        caption = (
            "p90 cycle time with its 95% band, and staff cost, along the sweep. Filled green "
            "dots are feasible points (stable, every SLA met)."
        )
        return figure(svg, caption)
    fixed = {a: anchor.changes.get(a) for a in axes[2:]}
    chosen = [p for p in runnable if all(p.changes.get(a) == v for a, v in fixed.items())]
    cells = [_cell(p, p.changes.get(axes[0]), p.changes.get(axes[1])) for p in chosen]
    note = ", ".join(f"{_short_path(a)} = {v}" for a, v in fixed.items())
    svg = charts.sweep_heatmaps(cells, axes[0], axes[1], unit, note)
    caption = (
        "Left: p90 cycle time at each point of the grid; right: staff cost per hour. Cells "
        "outlined in green with a tick are feasible (stable, every SLA met); the cheapest of "
        "them is the staffing to consider first."
    )
    if fixed:
        caption += f" The other axes are held at {note} (the cheapest feasible point)."
    return figure(svg, caption)


def _point_verdict(point: SweepPoint, cheapest: bool) -> str:
    results = point.results
    if results is None:
        return badge("could not run", "bad") + f' <span class="note">{_e(point.error or "")}</span>'
    if point.feasible:
        return badge("feasible", "ok") + (" " + badge("cheapest", "info") if cheapest else "")
    tone = results.verdict.tone
    missed = any(s.outcome == "missed" for s in results.slas)
    met = results.stable and all(s.outcome == "met" for s in results.slas)
    if met and not point.meets_target:
        return badge("quality target not met", "warn")
    word = "unstable" if not results.stable else "SLA missed" if missed else "undecided"
    verdict = badge(word, tone)
    detail = (
        results.verdict.text.removeprefix("unstable: ")
        .removeprefix("SLA missed: ")
        .removeprefix("stable; SLA undecided (add replications): ")
    )
    return verdict + f' <span class="note">{_e(detail)}</span>'


def _sweep_table(
    points: Sequence[SweepPoint], axes: Sequence[str], unit: str, best: int | None
) -> str:
    pools = union_keys(p.results.pools for p in points if p.results is not None)
    quality = measured_quality(points)
    head = [*(_short_path(a) for a in axes), "cost / hour", lookup(_P90).label]
    head += [lookup(f"resources.{p}.utilization").label for p in pools]
    head += [lookup(k).label for k in quality]
    head += ["verdict"]
    rows: list[tuple[str, list[str]]] = []
    for i, p in enumerate(points):
        kpis = p.results.kpis if p.results else {}
        cells = [_e(str(p.changes.get(a, "–"))) for a in axes]
        cells.append(_e(fmt("money", p.cost_per_hour, unit)))
        cells.append(_e(fmt("duration", _p90(p).mean, unit)))
        for pool in pools:
            utilization = kpis.get(f"resources.{pool}.utilization", _NONE)
            cells.append(_e(fmt("share", utilization.mean, unit)))
        for key in quality:
            cells.append(_e(fmt(lookup(key).kpi.unit, kpis.get(key, _NONE).mean, unit)))
        cells.append(_point_verdict(p, i == best))
        rows.append(("hl" if i == best else "", cells))
    return wide_table(head, rows)
