"""The comparison chart: each KPI's change against the baseline, with its interval.

A forest plot: one row per KPI, a dot at the relative change and a line over its
95% interval, green when significantly better, red when significantly worse.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from procflow.report.charts.base import (
    BLUE,
    GREEN,
    GREY,
    INK,
    MUTED,
    RED,
    figure,
    finite,
    style,
    to_svg,
)


@dataclass(frozen=True)
class ForestRow:
    """One KPI of a comparison: relative change (in %) with its 95% interval.

    ``better`` is +1 when a rise is good (throughput), -1 when a fall is good
    (cycle time, cost), 0 when neither; ``note`` is the change in the KPI's unit.
    """

    label: str
    relative: float | None
    low: float | None
    high: float | None
    significant: bool
    better: int
    note: str


def _symlog_ticks(low: float, high: float) -> list[float]:
    """0, then ±10%, ±100%... (decades); halves and fifths only when the range is narrow."""
    ticks = [0.0]
    for decade in (10.0, 100.0, 1e3, 1e4, 1e5, 1e6):
        ticks += [v for v in (decade, -decade) if low <= v <= high and v >= -100]
    extra = (5.0, 50.0) if max(high, -low) <= 60 else ()
    ticks += [v for e in extra for v in (e, -e) if low <= v <= high]
    return sorted(ticks)


def forest_chart(rows: Sequence[ForestRow], title: str) -> str:
    """Each KPI's change against the baseline, in %, with its interval (a forest plot)."""
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, NullLocator

    with style():
        fig = figure(9.6, 1.0 + 0.3 * max(len(rows), 1))
        ax = fig.add_subplot()
        ys = list(range(len(rows)))[::-1]
        ends = [0.0]
        for row in rows:
            ends += [v for v in (row.relative, row.low, row.high) if finite(v)]
        lo, hi = max(min(ends), -100.0), max(ends)  # nothing falls by more than all of it
        pad_lo = min(lo * 1.25, -5.0)
        pad_hi = max(hi * 1.25, 5.0)
        for y, row in zip(ys, rows, strict=True):
            if not finite(row.relative):
                ax.text(0, y, "  n/a (baseline is 0)", va="center", fontsize=8, color=MUTED)
                continue
            assert row.relative is not None
            if row.significant:
                direction = math.copysign(1, row.relative) * row.better
                color = GREEN if direction > 0 else RED if direction < 0 else BLUE
            else:
                color = GREY
            if finite(row.low) and finite(row.high):
                low = max(row.low, -100.0)
                ax.plot([low, row.high], [y, y], color=color, linewidth=2.2, zorder=2)
            ax.plot(
                [row.relative],
                [y],
                "o",
                color=color,
                markerfacecolor=color if row.significant else "white",
                markersize=6.5,
                zorder=3,
            )
        ax.axvline(0, color=INK, linewidth=1)
        ax.set_xscale("symlog", linthresh=10, linscale=1.0)
        ax.set_xlim(pad_lo, pad_hi)
        ticks = _symlog_ticks(pad_lo, pad_hi)
        ax.set_xticks(ticks)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:+,.0f}%" if v else "0"))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_yticks(ys, [r.label for r in rows])
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.grid(axis="y", visible=False)
        trans = ax.get_yaxis_transform()
        for y, row in zip(ys, rows, strict=True):
            ax.text(1.01, y, row.note, transform=trans, va="center", fontsize=8.5, color=INK)
        ax.set_xlabel("change against the baseline, % (95% interval; scale compressed beyond ±10%)")
        ax.set_title(title)
        fig.legend(
            handles=[
                Line2D([], [], marker="o", color=GREEN, label="significantly better"),
                Line2D([], [], marker="o", color=RED, label="significantly worse"),
                Line2D(
                    [], [], marker="o", color=BLUE, label="significant (neither better nor worse)"
                ),
                Line2D(
                    [], [], marker="o", color=GREY, markerfacecolor="white", label="not significant"
                ),
            ],
            loc="outside lower center",
            ncols=4,
            fontsize=8.5,
        )
    return to_svg(fig, title)
