"""The process drawn as SVG, for the HTML report.

Stages flow left to right (or top to bottom when that would be too wide): work
stages are boxes labelled with their staff pool, decisions are diamonds, splits
are parallelograms, ends are rounded, arrivals come in from the left. A dashed
red line below the boxes is where a review sends caught defects back; a dotted
amber one is an escalation.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Mapping, Sequence

from procflow.flow.graph import Route
from procflow.model.process import Process
from procflow.report.charts.base import AMBER, BLUE, GREEN, INK, MUTED, RED, next_id
from procflow.report.diagram.layout import LANE, Layout, Node, lay_out


def process_diagram(process: Process, notes: Mapping[str, str] | None = None) -> str:
    """The process drawn as SVG; ``notes`` replaces a work stage's second line (its pool).

    The flow runs left to right, or top to bottom when that would be too wide for a page.
    """
    return _draw(process, lay_out(process, notes or {}))


def _draw(process: Process, layout: Layout) -> str:
    nodes, chains, edges, label_of = layout.nodes, layout.chains, layout.edges, layout.labels
    back_list, vertical = layout.back, layout.vertical
    width, height = layout.size
    prefix = f"d{next_id()}-"
    parts = [
        f'<svg class="diagram" role="img" aria-label="Process diagram of '
        f'{html.escape(process.name)}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', "
        "'Noto Sans CJK SC', 'DejaVu Sans', sans-serif\">",
        "<defs>",
        *(
            f'<marker id="{prefix}{name}" viewBox="0 0 10 10" refX="9" refY="5" '
            f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{color}"/></marker>'
            for name, color in (("arrow", "#4b5563"), ("defect", RED), ("escalate", AMBER))
        ),
        "</defs>",
    ]
    labels: list[str] = []
    real = [n for n in nodes.values() if n.shape != "dummy"]
    # Loops back (caught defects, rework) run in lanes below (or right of) every box.
    outer = max((n.x + n.width / 2) if vertical else (n.y + n.height / 2) for n in real)
    for lane, edge in enumerate(back_list, start=1):
        a, b = nodes[edge[0]], nodes[edge[1]]
        kind = _edge_kind(edges[edge])
        at = outer + 8 + LANE * lane
        r = 10.0
        if vertical:
            sx, sy, tx, ty = a.x + a.width / 2, a.y, b.x + b.width / 2, b.y
            turn = -r if ty < sy else r
            d = (
                f"M{sx:.1f},{sy:.1f} H{at - r:.1f} Q{at:.1f},{sy:.1f} {at:.1f},{sy + turn:.1f} "
                f"V{ty - turn:.1f} Q{at:.1f},{ty:.1f} {at - r:.1f},{ty:.1f} H{tx + 2:.1f}"
            )
            labels.append(
                _edge_text(at + 6, (sy + ty) / 2 + 4, label_of[edge], kind, anchor="start")
            )
        else:
            sx, sy, tx, ty = a.x, a.y + a.height / 2, b.x, b.y + b.height / 2
            turn = -r if tx < sx else r
            d = (
                f"M{sx:.1f},{sy:.1f} V{at - r:.1f} Q{sx:.1f},{at:.1f} {sx + turn:.1f},{at:.1f} "
                f"H{tx - turn:.1f} Q{tx:.1f},{at:.1f} {tx:.1f},{at - r:.1f} V{ty + 2:.1f}"
            )
            labels.append(_edge_text((sx + tx) / 2, at + 3.5, label_of[edge], kind))
        parts.append(_edge_path(d, kind, prefix))

    def exit_point(n: Node) -> tuple[float, float]:
        if n.shape == "dummy":
            return n.x, n.y
        return (n.x, n.y + n.height / 2) if vertical else (n.x + n.width / 2, n.y)

    def entry_point(n: Node) -> tuple[float, float]:
        if n.shape == "dummy":
            return n.x, n.y
        return (n.x, n.y - n.height / 2 - 2) if vertical else (n.x - n.width / 2 - 2, n.y)

    for edge, chain in chains.items():
        points = [nodes[k] for k in chain]
        kind = _edge_kind(edges[edge])
        sx, sy = exit_point(points[0])
        d = f"M{sx:.1f},{sy:.1f}"
        for p, q in itertools.pairwise(points):
            (sx, sy), (tx, ty) = exit_point(p), entry_point(q)
            if vertical:
                dy = max((ty - sy) * 0.5, 12.0)
                d += f" C{sx:.1f},{sy + dy:.1f} {tx:.1f},{ty - dy:.1f} {tx:.1f},{ty:.1f}"
            else:
                dx = max((tx - sx) * 0.5, 12.0)
                d += f" C{sx + dx:.1f},{sy:.1f} {tx - dx:.1f},{ty:.1f} {tx:.1f},{ty:.1f}"
        parts.append(_edge_path(d, kind, prefix))
        if label_of[edge]:
            # Just before the first stop, where branches fanning out are far apart.
            tx, ty = entry_point(points[1])
            if vertical:
                labels.append(_edge_text(tx, ty - 12, label_of[edge], kind))
            else:
                labels.append(_edge_text(tx - 10, ty - 6, label_of[edge], kind, anchor="end"))
    parts += [_node_svg(n) for n in real]
    parts += labels
    parts.append("</svg>")
    return "".join(parts)


def _edge_kind(routes: Sequence[Route]) -> str:
    kinds = {r.kind for r in routes}
    if kinds == {"defect"}:
        return "defect"
    if kinds == {"escalate"}:
        return "escalate"
    return "arrow"


def _edge_path(d: str, kind: str, prefix: str) -> str:
    style = {
        "defect": f'stroke="{RED}" stroke-dasharray="5 4"',
        "escalate": f'stroke="{AMBER}" stroke-dasharray="2 3"',
        "arrow": 'stroke="#4b5563"',
    }[kind]
    return (
        f'<path d="{d}" fill="none" stroke-width="1.5" {style} marker-end="url(#{prefix}{kind})"/>'
    )


def _edge_text(x: float, y: float, text: str, kind: str, anchor: str = "middle") -> str:
    if not text:
        return ""
    color = {"defect": RED, "escalate": AMBER}.get(kind, MUTED)
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="10.5" fill="{color}" '
        f'stroke="white" stroke-width="4" paint-order="stroke" stroke-linejoin="round">'
        f"{html.escape(text)}</text>"
    )


def _node_svg(n: Node) -> str:
    e = html.escape
    x0, y0, w, h = n.x - n.width / 2, n.y - n.height / 2, n.width, n.height
    fills = {
        "work": ("#eff6ff", BLUE),
        "decision": ("#fffbeb", AMBER),
        "split": ("#f0fdf4", GREEN),
        "end": ("#f3f4f6", "#4b5563"),
        "entry": ("#faf5ff", "#7c3aed"),
    }
    fill, stroke = fills[n.shape]
    common = f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"'
    if n.shape == "decision":
        shape = (
            f'<polygon points="{n.x:.1f},{y0:.1f} {x0 + w:.1f},{n.y:.1f} {n.x:.1f},{y0 + h:.1f} '
            f'{x0:.1f},{n.y:.1f}" {common}/>'
        )
    elif n.shape == "split":
        s = 12
        shape = (
            f'<polygon points="{x0 + s:.1f},{y0:.1f} {x0 + w:.1f},{y0:.1f} {x0 + w - s:.1f},'
            f'{y0 + h:.1f} {x0:.1f},{y0 + h:.1f}" {common}/>'
        )
    elif n.shape == "entry":
        s = 12
        shape = (
            f'<polygon points="{x0:.1f},{y0:.1f} {x0 + w - s:.1f},{y0:.1f} {x0 + w:.1f},{n.y:.1f} '
            f'{x0 + w - s:.1f},{y0 + h:.1f} {x0:.1f},{y0 + h:.1f}" {common}/>'
        )
    else:
        radius = h / 2 if n.shape == "end" else 6
        shape = (
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{radius:.1f}" '
            f"{common}/>"
        )
    title_y = n.y - 3 if n.subtitle else n.y + 4.5
    text = (
        f'<text x="{n.x:.1f}" y="{title_y:.1f}" text-anchor="middle" font-size="13" '
        f'font-weight="600" fill="{INK}">{e(n.title)}</text>'
    )
    if n.subtitle:
        text += (
            f'<text x="{n.x:.1f}" y="{n.y + 13:.1f}" text-anchor="middle" font-size="11" '
            f'fill="{MUTED}">{e(n.subtitle)}</text>'
        )
    return f"<g><title>{e(n.title)}</title>{shape}{text}</g>"
