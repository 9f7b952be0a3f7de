"""The sweep charts: p90 cycle time and staff cost over the grid of a sweep.

Over two axes, two heatmaps with the feasible points outlined; along one axis,
two lines with the feasible points in green.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from procflow.model.quantities import three_digits
from procflow.report.charts.base import (
    BLUE,
    GREEN,
    INK,
    MUTED,
    RED,
    figure,
    finite,
    short_unit,
    style,
    time_scale,
    to_svg,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes


@dataclass(frozen=True)
class SweepCell:
    """One sweep point reduced to what the surface shows."""

    x: Any
    y: Any
    p90: float | None
    p90_low: float | None
    p90_high: float | None
    cost: float | None
    feasible: bool
    stable: bool | None


def _axis_values(values: Sequence[Any]) -> list[Any]:
    seen: list[Any] = []
    for v in values:
        if v not in seen:
            seen.append(v)
    try:
        return sorted(seen)
    except TypeError:
        return seen


def _format_number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def sweep_heatmaps(
    cells: Sequence[SweepCell], x_name: str, y_name: str, time_unit: str, note: str = ""
) -> str:
    """p90 cycle time and staff cost over two axes; feasible points ticked and outlined."""
    from matplotlib.colors import LogNorm, Normalize
    from matplotlib.patches import Rectangle

    xs = _axis_values([c.x for c in cells])
    ys = _axis_values([c.y for c in cells])
    at = {(c.x, c.y): c for c in cells}
    p90s = [c.p90 for c in cells if finite(c.p90) and c.p90 > 0]
    factor, unit = time_scale(max(p90s) if p90s else 1.0, time_unit)
    with style():
        fig = figure(9.6, max(3.2, 1.5 + 0.42 * len(ys)))
        axes = fig.subplots(1, 2)
        panels: list[tuple[Axes, str, str, Any]] = [
            (axes[0], "p90 cycle time", "YlOrRd", "p90"),
            (axes[1], "staff cost per hour", "Blues", "cost"),
        ]
        for ax, title, cmap, which in panels:
            grid = [
                [
                    (getattr(at[(x, y)], which) if (x, y) in at else None) for x in xs
                ]  # row per y value
                for y in ys
            ]
            values = [v for row in grid for v in row if finite(v)]
            data = [[v if finite(v) else math.nan for v in row] for row in grid]
            norm: Normalize
            if values and which == "p90" and min(values) > 0 and max(values) / min(values) > 10:
                norm = LogNorm(min(values), max(values))
            else:
                low = min(values) if values else 0.0
                high = max(values) if values else 1.0
                norm = Normalize(low, high if high > low else low + 1)
            image = ax.imshow(data, cmap=cmap, norm=norm, aspect="auto", origin="lower")
            for j, y in enumerate(ys):
                for i, x in enumerate(xs):
                    cell = at.get((x, y))
                    value = grid[j][i]
                    if cell is None or not finite(value):
                        ax.text(i, j, "–", ha="center", va="center", color=MUTED, fontsize=9)
                        continue
                    assert value is not None
                    scale: Any = image.norm  # a scalar in, a scalar out (the stubs say arrays)
                    shade = image.cmap(scale(value))
                    dark = 0.299 * shade[0] + 0.587 * shade[1] + 0.114 * shade[2] < 0.55
                    text = three_digits(value / factor) if which == "p90" else f"{value:,.0f}"
                    if cell.stable is False:
                        text += "\nunstable"
                    ax.text(
                        i,
                        j,
                        text,
                        ha="center",
                        va="center",
                        fontsize=8.5,
                        color="white" if dark else INK,
                        fontweight="bold" if cell.feasible else "normal",
                    )
                    if cell.feasible:
                        ax.add_patch(
                            Rectangle(
                                (i - 0.46, j - 0.46),
                                0.92,
                                0.92,
                                fill=False,
                                edgecolor=GREEN,
                                linewidth=2.2,
                            )
                        )
                        ax.text(
                            i + 0.42,
                            j + 0.40,
                            "✓",
                            ha="right",
                            va="top",
                            fontsize=9,
                            color=GREEN,
                            fontweight="bold",
                        )
            ax.set_xticks(range(len(xs)), [_format_number(x) for x in xs])
            ax.set_yticks(range(len(ys)), [_format_number(y) for y in ys])
            ax.set_xlabel(x_name)
            ax.set_ylabel(y_name)
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(False)
            label = f"{title} ({short_unit(unit)})" if which == "p90" else title
            ax.set_title(label, fontsize=10)
            fig.colorbar(image, ax=ax, shrink=0.85, pad=0.02)
        fig.suptitle(
            "Sweep surface: green outline = feasible (stable, every SLA met)"
            + (f"; {note}" if note else ""),
            fontsize=10,
            x=0.01,
            ha="left",
        )
    return to_svg(fig, "Sweep surface")


def sweep_lines(cells: Sequence[SweepCell], x_name: str, time_unit: str) -> str:
    """p90 cycle time (with its interval) and cost along one sweep axis; feasible points green."""
    from matplotlib.lines import Line2D

    xs_values = _axis_values([c.x for c in cells])
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in xs_values)
    position = {v: (v if numeric else k) for k, v in enumerate(xs_values)}
    p90s = [c.p90 for c in cells if finite(c.p90)]
    factor, unit = time_scale(max(p90s) if p90s else 1.0, time_unit)
    ordered = sorted(cells, key=lambda c: position[c.x])
    with style():
        fig = figure(9.6, 3.4)
        axes = fig.subplots(1, 2)
        for ax, which in ((axes[0], "p90"), (axes[1], "cost")):
            pts = [
                (position[c.x], getattr(c, which), c) for c in ordered if finite(getattr(c, which))
            ]
            if not pts:
                continue
            px = [p[0] for p in pts]
            py = [p[1] / factor if which == "p90" else p[1] for p in pts]
            ax.plot(px, py, color=BLUE, linewidth=1.6, zorder=2)
            if which == "p90":
                band = [
                    (p[0], p[2].p90_low / factor, p[2].p90_high / factor)
                    for p in pts
                    if finite(p[2].p90_low) and finite(p[2].p90_high)
                ]
                if band:
                    ax.fill_between(
                        [b[0] for b in band],
                        [b[1] for b in band],
                        [b[2] for b in band],
                        color=BLUE,
                        alpha=0.15,
                        linewidth=0,
                    )
            for x, y, (_, _, cell) in zip(px, py, pts, strict=True):
                ax.plot(
                    [x],
                    [y],
                    "o",
                    markersize=7,
                    color=GREEN if cell.feasible else RED,
                    markerfacecolor=GREEN if cell.feasible else "white",
                    zorder=3,
                )
            if not numeric:
                ax.set_xticks(range(len(xs_values)), [_format_number(v) for v in xs_values])
            ax.set_xlabel(x_name)
            if which == "p90":
                ax.set_title(f"p90 cycle time ({short_unit(unit)}), 95% band", fontsize=10)
                ax.set_ylim(bottom=0)
            else:
                ax.set_title("staff cost per hour", fontsize=10)
        axes[1].legend(
            handles=[
                Line2D([], [], marker="o", color=GREEN, linestyle="", label="feasible"),
                Line2D(
                    [],
                    [],
                    marker="o",
                    color=RED,
                    markerfacecolor="white",
                    linestyle="",
                    label="not feasible",
                ),
            ],
            loc="best",
        )
    return to_svg(fig, "Sweep along one axis")
