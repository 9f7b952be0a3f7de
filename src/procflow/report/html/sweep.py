"""The report of a sweep: which points of the grid are feasible, and the cheapest of them.

Made from the JSON of ``procflow sweep --format json``. A point is feasible when
its queues stay bounded and every SLA is met. The verdict names the cheapest
feasible point; the charts show p90 cycle time and staff cost over the grid (two
heatmaps over two axes, or two lines along one; with more axes, the others are
held at the cheapest feasible point); the table lists every point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape as _e
from typing import Any

from procflow.model.process import Process
from procflow.report import charts
from procflow.report.html.page import (
    Document,
    badge,
    estimate,
    fact,
    figure,
    fmt,
    html_page,
    num,
    one_page,
    process_section,
    section,
    settings_text,
    time_unit,
    union_keys,
    wide_table,
)


def _changes_text(changes: Mapping[str, Any]) -> str:
    return ", ".join(f"{_short_path(k)} {v}" for k, v in changes.items()) or "no change"


def _short_path(path: str) -> str:
    """``resources.annotator.count`` reads as ``annotator count``."""
    parts = path.split(".")
    if len(parts) == 3 and parts[0] in ("resources", "stages"):
        return f"{parts[1]} {parts[2]}"
    return path


def _point_p90(p: Mapping[str, Any]) -> tuple[float | None, float | None, float | None]:
    return estimate((p.get("kpis") or {}).get("cycle_time.p90"))


def _cheapest(points: Sequence[Mapping[str, Any]], key: str = "cost_per_hour") -> int | None:
    feasible = [(i, num(p.get(key))) for i, p in enumerate(points) if p.get("feasible")]
    priced = [(i, c) for i, c in feasible if c is not None]
    if not priced:
        return feasible[0][0] if feasible else None
    return min(priced, key=lambda ic: ic[1])[0]


@one_page
def sweep_html(doc: Document, process: Process | None = None) -> str:
    """The report of a sweep (``procflow sweep --format json``)."""
    unit = time_unit(doc)
    points: list[Mapping[str, Any]] = doc.get("points") or []
    axes = union_keys(p.get("changes") for p in points)
    feasible = [p for p in points if p.get("feasible")]
    errors = [p for p in points if p.get("error")]
    best = _cheapest(points)
    if best is not None:
        b = points[best]
        tone = "ok"
        headline = (
            f"{len(feasible)} of {len(points)} points are feasible; the cheapest is "
            f"{_changes_text(b.get('changes') or {})}"
        )
        facts = [
            fact(fmt("money", num(b.get("cost_per_hour")), unit), "cost / hour, cheapest feasible"),
            fact(fmt("duration", _point_p90(b)[0], unit), "its p90 cycle time"),
        ]
    else:
        tone = "bad"
        headline = f"None of the {len(points)} points is feasible (stable with every SLA met)"
        facts = []
    unstable = sum(1 for p in points if p.get("stable") is False)
    items = [
        "Feasible means the queues stay bounded and every SLA is met.",
        f"{unstable} point{'s' if unstable != 1 else ''} unstable (a queue keeps growing).",
    ]
    if errors:
        items.append(f"{len(errors)} point(s) could not run: see the table.")
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
    runnable = [p for p in points if not p.get("error")]
    if axes and runnable:
        body.append(
            section(
                "The KPIs over the grid",
                _sweep_chart(runnable, axes, unit, best, points),
                anchor="charts",
            )
        )
    body.append(section("Every point", _sweep_table(points, axes, unit, best), anchor="points"))
    diagram = process_section(process)
    if diagram:
        body.append(diagram)
    meta = f"Sweep over {', '.join(axes) or 'nothing'}; {len(points)} points. " + settings_text(
        doc.get("settings") or {}
    )
    return html_page("sweep report", str(doc.get("process", "process")), meta, body)


def _sweep_chart(
    runnable: Sequence[Mapping[str, Any]],
    axes: Sequence[str],
    unit: str,
    best: int | None,
    points: Sequence[Mapping[str, Any]],
) -> str:
    def cell(p: Mapping[str, Any], x: Any, y: Any) -> charts.SweepCell:
        mean, low, high = _point_p90(p)
        return charts.SweepCell(
            x, y, mean, low, high, num(p.get("cost_per_hour")), bool(p.get("feasible")),
            p.get("stable"),
        )  # fmt: skip

    if len(axes) == 1:
        cells = [cell(p, (p.get("changes") or {}).get(axes[0]), None) for p in runnable]
        svg = charts.sweep_lines(cells, axes[0], unit)
        caption = (
            "p90 cycle time with its 95% band, and staff cost, along the sweep. Filled green "
            "dots are feasible points (stable, every SLA met)."
        )
        return figure(svg, caption)
    fixed: dict[str, Any] = {}
    if len(axes) > 2:
        anchor = points[best] if best is not None else runnable[0]
        fixed = {a: (anchor.get("changes") or {}).get(a) for a in axes[2:]}
    chosen = [
        p for p in runnable
        if all((p.get("changes") or {}).get(a) == v for a, v in fixed.items())
    ]  # fmt: skip
    cells = [
        cell(p, (p.get("changes") or {}).get(axes[0]), (p.get("changes") or {}).get(axes[1]))
        for p in chosen
    ]
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


def _sweep_table(
    points: Sequence[Mapping[str, Any]], axes: Sequence[str], unit: str, best: int | None
) -> str:
    pools: list[str] = []
    for p in points:
        for key in p.get("kpis") or {}:
            if key.startswith("resources.") and key.endswith(".utilization"):
                name = key[len("resources.") : -len(".utilization")]
                if name not in pools:
                    pools.append(name)
    head = [*(_short_path(a) for a in axes), "cost / hour", "p90 cycle time"]
    head += [f"{p} utilization" for p in pools]
    head += ["verdict"]
    rows: list[tuple[str, list[str]]] = []
    for i, p in enumerate(points):
        changes = p.get("changes") or {}
        kpis = p.get("kpis") or {}
        cells = [_e(str(changes.get(a, "–"))) for a in axes]
        cells.append(_e(fmt("money", num(p.get("cost_per_hour")), unit)))
        cells.append(_e(fmt("duration", _point_p90(p)[0], unit)))
        for pool in pools:
            cells.append(
                _e(fmt("share", estimate(kpis.get(f"resources.{pool}.utilization"))[0], unit))
            )
        if p.get("error"):
            verdict = badge("could not run", "bad")
            verdict += f' <span class="note">{_e(str(p["error"]))}</span>'
        elif p.get("feasible"):
            verdict = badge("feasible", "ok")
            if i == best:
                verdict += " " + badge("cheapest", "info")
        elif p.get("stable") is False:
            verdict = badge("unstable", "bad")
        else:
            verdict = badge("SLA missed", "warn")
        if p.get("verdict") and not p.get("feasible"):
            detail = str(p["verdict"]).removeprefix("unstable: ").removeprefix("SLA missed: ")
            verdict += f' <span class="note">{_e(detail)}</span>'
        cells.append(verdict)
        rows.append(("hl" if i == best else "", cells))
    return wide_table(head, rows)
