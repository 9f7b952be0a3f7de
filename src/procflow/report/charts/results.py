"""The charts of one simulation: utilization per staff pool, cycle times, queues over time.

Each function takes plain numbers, read from a simulation's results, and
returns the chart as inline SVG.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from procflow.model.quantities import format_duration, three_digits
from procflow.report.charts.base import (
    AMBER,
    BLUE,
    INK,
    MUTED,
    PALETTE,
    RED,
    figure,
    finite,
    short_unit,
    style,
    time_scale,
    to_svg,
)


def utilization_chart(pools: Sequence[tuple[str, float, float | None, float | None]]) -> str:
    """Horizontal bars of each pool's utilization with its 95% interval as whiskers.

    ``pools`` holds (name, mean, low, high) as shares (0.86 for 86%).
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import PercentFormatter

    with style():
        fig = figure(9.6, 0.9 + 0.42 * max(len(pools), 1))
        ax = fig.add_subplot()
        # An interval past 0% or 100% says nothing more: draw it to the edge.
        pools = [
            (name, mean, max(low, 0.0) if low is not None else None,
             min(high, 1.0) if high is not None else None)
            for name, mean, low, high in pools
        ]  # fmt: skip
        names = [p[0] for p in pools]
        means = [p[1] * 100 for p in pools]
        ys = list(range(len(pools)))[::-1]
        colors = [RED if m >= 90 else AMBER if m >= 80 else BLUE for m in means]
        ax.barh(ys, means, color=colors, height=0.58, zorder=2)
        for y, (_, mean, low, high) in zip(ys, pools, strict=True):
            if finite(low) and finite(high):
                assert low is not None and high is not None
                ax.errorbar(
                    mean * 100,
                    y,
                    xerr=[[max(mean - low, 0) * 100], [max(high - mean, 0) * 100]],
                    fmt="none",
                    ecolor=INK,
                    elinewidth=1.2,
                    capsize=4,
                    zorder=3,
                )
            top = max(mean, high if finite(high) else mean) * 100
            ax.text(top + 1.2, y, f"{mean:.0%}", va="center", fontsize=9, color=INK)
        ax.set_yticks(ys, names)
        ax.set_xlim(0, 112)
        ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.axvline(85, color=MUTED, linestyle=":", linewidth=1, zorder=1)
        ax.set_ylim(-0.6, len(pools) - 0.4)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("share of on-duty staff time spent working (95% interval as whiskers)")
        fig.legend(
            handles=[
                Patch(color=BLUE, label="below 80%"),
                Patch(color=AMBER, label="80-90%"),
                Patch(color=RED, label="90% or more"),
                Line2D([], [], color=MUTED, linestyle=":", label="85%: little slack for surges"),
            ],
            loc="outside lower center",
            ncols=4,
        )
        ax.set_title("Utilization per staff pool")
    return to_svg(fig, "Utilization per staff pool")


@dataclass(frozen=True)
class SlaMark:
    """An SLA drawn on the cycle-time chart: ``percentile`` % within ``limit``."""

    name: str
    percentile: float
    limit: float


def cycle_time_chart(
    percentiles: Sequence[float],
    values: Sequence[float | None],
    time_unit: str,
    slas: Sequence[SlaMark] = (),
) -> str:
    """The share of items finished within each time (from the percentiles 1..99)."""
    from matplotlib.ticker import PercentFormatter

    pairs = [(v, p) for p, v in zip(percentiles, values, strict=False) if finite(v)]
    with style():
        fig = figure(9.6, 3.6)
        ax = fig.add_subplot()
        if not pairs:
            ax.text(0.5, 0.5, "no item finished", ha="center", va="center", transform=ax.transAxes)
            return to_svg(fig, "Cycle-time distribution")
        top = max(v for v, _ in pairs)
        factor, unit = time_scale(top, time_unit)
        xs = [v / factor for v, _ in pairs]
        ys = [p for _, p in pairs]
        ax.fill_between(xs, ys, color=BLUE, alpha=0.12, step=None, zorder=1)
        ax.plot(xs, ys, color=BLUE, linewidth=2, zorder=2)
        marks = {50: "p50", 90: "p90", 99: "p99"}
        for value, pct in pairs:
            if pct in marks:
                x = value / factor
                ax.plot([x], [pct], "o", color=BLUE, markersize=5, zorder=3)
                ax.annotate(
                    f"{marks[int(pct)]} {three_digits(x)} {short_unit(unit)}",
                    (x, pct),
                    xytext=(8, -4),
                    textcoords="offset points",
                    fontsize=9,
                    color=INK,
                    va="top",
                )
        off_chart = []
        xmax = max(xs) * 1.08
        for sla in slas:
            x = sla.limit / factor
            if x <= max(xs) * 1.6:
                ax.plot([x, x], [0, sla.percentile], color=RED, linestyle="--", linewidth=1.2)
                ax.plot([0, x], [sla.percentile] * 2, color=RED, linestyle=":", linewidth=1)
                ax.plot([x], [sla.percentile], "s", color=RED, markersize=5, zorder=3)
                ax.annotate(
                    f"SLA: {sla.name}",
                    (x, sla.percentile),
                    xytext=(6, -6),
                    textcoords="offset points",
                    ha="left",
                    va="top",
                    fontsize=8.5,
                    color=RED,
                )
                xmax = max(xmax, x * 1.05)
            else:
                off_chart.append(sla)
        ax.set_xlim(0, xmax)
        ax.set_ylim(0, 100)
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.set_xlabel(f"cycle time, arrival to end ({unit})")
        ax.set_ylabel("items finished within")
        title = "Cycle-time distribution"
        ax.set_title(title)
        if off_chart:
            text = "; ".join(
                f"SLA “{s.name}”: its limit, {format_duration(s.limit, time_unit)}, "  # type: ignore[arg-type]
                "is off the chart"
                for s in off_chart
            )
            ax.text(
                0.99, 0.03, text, transform=ax.transAxes, ha="right", fontsize=8, color=MUTED,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
            )  # fmt: skip
    return to_svg(fig, title)


def queue_chart(
    series: Mapping[str, Sequence[float | None]],
    time_unit: str,
    warmup: float = 0.0,
) -> str:
    """Queue length per stage over simulated time, above staff busy / on duty per pool."""
    from matplotlib.ticker import MaxNLocator, MultipleLocator

    times = [t if t is not None else math.nan for t in series.get("time", [])]
    queues = {k[len("queue.") :]: v for k, v in series.items() if k.startswith("queue.")}
    pools = list(
        dict.fromkeys(k.split(".", 1)[1] for k in series if k.startswith(("busy.", "working.")))
    )
    shown = {n: v for n, v in queues.items() if any((x or 0) > 0 for x in v)}
    empty = [n for n in queues if n not in shown]
    span = max(times) if times else 1.0
    factor, unit = time_scale(span, time_unit)
    xs = [t / factor for t in times]
    with style():
        fig = figure(9.6, 5.6 if pools else 3.4)
        axes = fig.subplots(
            2 if pools else 1,
            1,
            sharex=True,
            squeeze=False,
            height_ratios=[3, 2][: 1 + bool(pools)],
        )
        ax = axes[0][0]
        for k, (name, values) in enumerate(shown.items()):
            ax.plot(
                xs,
                [v if v is not None else math.nan for v in values][: len(xs)],
                color=PALETTE[k % len(PALETTE)],
                linestyle="-" if k < len(PALETTE) else "--",
                linewidth=1.6,
                label=name,
            )
        ax.set_ylabel("items waiting")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        ax.set_title("Queue length over simulated time (mean of the replications)")
        if shown:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), title="stage")
        else:
            ax.text(0.5, 0.5, "no queue formed", transform=ax.transAxes, ha="center", color=MUTED)
        if pools:
            bx = axes[1][0]
            for k, pool in enumerate(pools):
                color = PALETTE[k % len(PALETTE)]
                busy = series.get(f"busy.{pool}", [])
                working = series.get(f"working.{pool}", [])
                bx.plot(
                    xs,
                    [v if v is not None else math.nan for v in busy][: len(xs)],
                    color=color,
                    linewidth=1.4,
                    label=pool,
                )
                bx.plot(
                    xs,
                    [v if v is not None else math.nan for v in working][: len(xs)],
                    color=color,
                    linewidth=1.0,
                    linestyle="--",
                    alpha=0.8,
                )
            bx.set_ylabel("staff")
            bx.set_ylim(bottom=0)
            bx.set_title("Staff busy (solid) and on duty (dashed) per pool", fontsize=10)
            bx.legend(loc="upper left", bbox_to_anchor=(1.01, 1), title="pool")
        bottom = axes[-1][0]
        bottom.set_xlabel(f"simulated time ({unit})")
        bottom.set_xlim(0, span / factor)
        if unit == "days":
            bottom.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 7, 10]))
            if span / factor <= 8:  # shifts show: a light line every 6 hours
                for row in axes:
                    row[0].xaxis.set_minor_locator(MultipleLocator(0.25))
                    row[0].grid(axis="x", which="minor", color="#f1f5f9", linewidth=0.8)
        elif unit == "hours":
            bottom.xaxis.set_major_locator(MaxNLocator(steps=[1, 2, 3, 6, 10], nbins=12))
        for row in axes:
            if warmup > 0:
                row[0].axvspan(0, warmup / factor, color="#f3f4f6", zorder=0)
        if warmup > 0:
            ax.text(
                warmup / factor / 2,
                0.97,
                "warm-up",
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="top",
                fontsize=8,
                color=MUTED,
            )
        if empty:
            bottom.annotate(
                "queue always empty: " + ", ".join(empty),
                (0, 0),
                xycoords="figure fraction",
                xytext=(6, 4),
                textcoords="offset points",
                fontsize=8,
                color=MUTED,
            )
    return to_svg(fig, "Queue length over simulated time")
