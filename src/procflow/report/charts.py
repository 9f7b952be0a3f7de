"""The pictures in the HTML report, as inline SVG that opens without a network.

Charts (utilization per pool, the cycle-time distribution, queues over
simulated time, a comparison's differences, a sweep's surface, an
optimization's candidates) are drawn with matplotlib and kept as SVG text, so
the report stays one file that anyone can open, attach or print. Text stays
text (it is not turned into outlines): it is crisp at any zoom, can be searched
and copied, and Chinese or Indonesian stage names show in the reader's fonts.

The process diagram is drawn directly as SVG: stages flow left to right, work
stages are boxes labelled with their staff pool, decisions are diamonds,
splits are parallelograms, ends are rounded; a dashed line below the boxes is
where a review sends caught defects back.

Every function here takes plain numbers (as read from the JSON documents that
procflow writes) and never simulates.
"""

from __future__ import annotations

import html
import io
import itertools
import math
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeGuard

import matplotlib
import networkx as nx
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator, PercentFormatter

from procflow.flow.graph import Route, build_graph
from procflow.model.process import Process, Stage
from procflow.model.quantities import SECONDS, format_duration
from procflow.report.diagram import route_label

#: Colours a PM reads the same way everywhere in the report.
BLUE = "#2563eb"
GREEN = "#15803d"
AMBER = "#b45309"
RED = "#b91c1c"
GREY = "#9ca3af"
INK = "#1f2937"
MUTED = "#6b7280"
#: Distinct line colours for stages and pools (Okabe-Ito, readable for colour-blind readers).
PALETTE = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8c564b",
)  # fmt: skip

_STYLE: dict[str, Any] = {
    "svg.fonttype": "none",  # keep text as text: crisp, searchable, any script
    "svg.hashsalt": "procflow",  # the same input gives the same file
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.labelcolor": INK,
    "axes.edgecolor": "#d1d5db",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e5e7eb",
    "grid.linewidth": 0.8,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "figure.dpi": 100,
}

#: Numbers the charts of one page, so that their SVG ids do not clash (see :func:`id_scope`).
_ids: ContextVar[itertools.count[int]] = ContextVar("procflow_chart_ids")


@contextmanager
def id_scope() -> Iterator[None]:
    """Number charts from 1 within this block: the same report twice is the same file."""
    token = _ids.set(itertools.count(1))
    try:
        yield
    finally:
        _ids.reset(token)


def _next_id() -> int:
    counter = _ids.get(None)
    if counter is None:
        counter = itertools.count(1)
        _ids.set(counter)
    return next(counter)


@contextmanager
def _style() -> Iterator[None]:
    """The report's look, without touching the caller's matplotlib settings."""
    with matplotlib.rc_context(_STYLE), warnings.catch_warnings():  # type: ignore[arg-type]
        # Fonts here may lack CJK glyphs; the browser draws the text, so only layout guesses.
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        yield


def _figure(width: float, height: float) -> Figure:
    """A figure sized in inches (the report is about 10 inches wide)."""
    return Figure(figsize=(width, height), layout="constrained")


def to_svg(fig: Figure, label: str) -> str:
    """The figure as an ``<svg>`` element to paste into HTML (ids made unique per chart)."""
    buffer = io.StringIO()
    with _style():
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    return _finish_svg(text, label)


def _finish_svg(text: str, label: str) -> str:
    """Unique ids (several charts share one page), a class for CSS, and an accessible name."""
    prefix = f"c{_next_id()}-"
    ids = set(re.findall(r'\bid="([^"]+)"', text))
    if ids:
        names = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
        text = re.sub(rf'(\bid="|#)({names})(?=["\)])', lambda m: m[1] + prefix + m[2], text)
    return text.replace(
        "<svg ",
        f'<svg class="chart" role="img" aria-label="{html.escape(label)}" ',
        1,
    )


def _time_scale(span: float, time_unit: str) -> tuple[float, str]:
    """(process time units per display unit, unit name) so that ``span`` reads well."""
    seconds = span * SECONDS.get(time_unit, 60.0)  # type: ignore[call-overload]
    per = SECONDS.get(time_unit, 60.0)  # type: ignore[call-overload]
    for name, size, at_least in (("days", 86400.0, 2 * 86400.0), ("hours", 3600.0, 3 * 3600.0)):
        if seconds >= at_least:
            return size / per, name
    if seconds >= 3 * 60:
        return 60.0 / per, "minutes"
    return 1.0 / per, "seconds"


def _short_unit(name: str) -> str:
    return {"days": "d", "hours": "h", "minutes": "min", "seconds": "s"}[name]


def _finite(value: float | None) -> TypeGuard[float]:
    return value is not None and math.isfinite(value)


# --------------------------------------------------------------------------- results charts


def utilization_chart(pools: Sequence[tuple[str, float, float | None, float | None]]) -> str:
    """Horizontal bars of each pool's utilization with its 95% interval as whiskers.

    ``pools`` holds (name, mean, low, high) as shares (0.86 for 86%).
    """
    with _style():
        fig = _figure(9.6, 0.9 + 0.42 * max(len(pools), 1))
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
            if _finite(low) and _finite(high):
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
            top = max(mean, high if _finite(high) else mean) * 100
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
    pairs = [(v, p) for p, v in zip(percentiles, values, strict=False) if _finite(v)]
    with _style():
        fig = _figure(9.6, 3.6)
        ax = fig.add_subplot()
        if not pairs:
            ax.text(0.5, 0.5, "no item finished", ha="center", va="center", transform=ax.transAxes)
            return to_svg(fig, "Cycle-time distribution")
        top = max(v for v, _ in pairs)
        factor, unit = _time_scale(top, time_unit)
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
                    f"{marks[int(pct)]} {x:.3g} {_short_unit(unit)}",
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
    times = [t if t is not None else math.nan for t in series.get("time", [])]
    queues = {k[len("queue.") :]: v for k, v in series.items() if k.startswith("queue.")}
    pools = list(
        dict.fromkeys(k.split(".", 1)[1] for k in series if k.startswith(("busy.", "working.")))
    )
    shown = {n: v for n, v in queues.items() if any((x or 0) > 0 for x in v)}
    empty = [n for n in queues if n not in shown]
    span = max(times) if times else 1.0
    factor, unit = _time_scale(span, time_unit)
    xs = [t / factor for t in times]
    with _style():
        fig = _figure(9.6, 5.6 if pools else 3.4)
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


# --------------------------------------------------------------------------- comparison chart


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
    with _style():
        fig = _figure(9.6, 1.0 + 0.3 * max(len(rows), 1))
        ax = fig.add_subplot()
        ys = list(range(len(rows)))[::-1]
        ends = [0.0]
        for row in rows:
            ends += [v for v in (row.relative, row.low, row.high) if _finite(v)]
        lo, hi = max(min(ends), -100.0), max(ends)  # nothing falls by more than all of it
        pad_lo = min(lo * 1.25, -5.0)
        pad_hi = max(hi * 1.25, 5.0)
        for y, row in zip(ys, rows, strict=True):
            if not _finite(row.relative):
                ax.text(0, y, "  n/a (baseline is 0)", va="center", fontsize=8, color=MUTED)
                continue
            assert row.relative is not None
            if row.significant:
                direction = math.copysign(1, row.relative) * row.better
                color = GREEN if direction > 0 else RED if direction < 0 else BLUE
            else:
                color = GREY
            if _finite(row.low) and _finite(row.high):
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
        ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
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


# --------------------------------------------------------------------------- sweep charts


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
    xs = _axis_values([c.x for c in cells])
    ys = _axis_values([c.y for c in cells])
    at = {(c.x, c.y): c for c in cells}
    p90s = [c.p90 for c in cells if _finite(c.p90) and c.p90 > 0]
    factor, unit = _time_scale(max(p90s) if p90s else 1.0, time_unit)
    with _style():
        fig = _figure(9.6, max(3.2, 1.5 + 0.42 * len(ys)))
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
            values = [v for row in grid for v in row if _finite(v)]
            data = [[v if _finite(v) else math.nan for v in row] for row in grid]
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
                    if cell is None or not _finite(value):
                        ax.text(i, j, "–", ha="center", va="center", color=MUTED, fontsize=9)
                        continue
                    assert value is not None
                    scale: Any = image.norm  # a scalar in, a scalar out (the stubs say arrays)
                    shade = image.cmap(scale(value))
                    dark = 0.299 * shade[0] + 0.587 * shade[1] + 0.114 * shade[2] < 0.55
                    text = f"{value / factor:.3g}" if which == "p90" else f"{value:,.0f}"
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
            label = f"{title} ({_short_unit(unit)})" if which == "p90" else title
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
    xs_values = _axis_values([c.x for c in cells])
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in xs_values)
    position = {v: (v if numeric else k) for k, v in enumerate(xs_values)}
    p90s = [c.p90 for c in cells if _finite(c.p90)]
    factor, unit = _time_scale(max(p90s) if p90s else 1.0, time_unit)
    ordered = sorted(cells, key=lambda c: position[c.x])
    with _style():
        fig = _figure(9.6, 3.4)
        axes = fig.subplots(1, 2)
        for ax, which in ((axes[0], "p90"), (axes[1], "cost")):
            pts = [
                (position[c.x], getattr(c, which), c) for c in ordered if _finite(getattr(c, which))
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
                    if _finite(p[2].p90_low) and _finite(p[2].p90_high)
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
                ax.set_title(f"p90 cycle time ({_short_unit(unit)}), 95% band", fontsize=10)
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


# --------------------------------------------------------------------------- optimize chart


@dataclass(frozen=True)
class CandidatePoint:
    """One simulated staffing plan: its cost and each SLA's attainment (share)."""

    label: str
    cost: float
    attainment: Mapping[str, float | None]
    stable: bool | None
    passes: bool
    best: bool


def candidates_chart(
    points: Sequence[CandidatePoint],
    baseline_cost: float | None,
    targets: Mapping[str, float] | None = None,
) -> str:
    """Every simulated plan: cost per hour against SLA attainment, the chosen one starred."""
    sla_names: list[str] = []
    for p in points:
        for name in p.attainment:
            if name not in sla_names:
                sla_names.append(name)
    markers = "osD^vP"
    with _style():
        fig = _figure(9.6, 4.0)
        ax = fig.add_subplot()
        for p in points:
            color = GREEN if p.passes else (AMBER if p.stable is False else RED)
            values = p.attainment.items() if p.attainment else [("", 1.0)]
            for name, value in values:
                if not _finite(value):
                    continue
                assert value is not None
                marker = markers[sla_names.index(name) % len(markers)] if name else "o"
                ax.plot(
                    [p.cost],
                    [value * 100],
                    marker="*" if p.best else marker,
                    markersize=16 if p.best else 7,
                    color=color,
                    markeredgecolor=INK if p.best else color,
                    linestyle="",
                    zorder=4 if p.best else 3,
                    alpha=0.9,
                )
        if len(points) <= 24:
            costs = [p.cost for p in points] + ([baseline_cost] if _finite(baseline_cost) else [])
            span = (max(costs) - min(costs)) or 1.0
            placed: list[tuple[float, float, int]] = []  # labels drawn: (cost, attainment, level)
            for p in sorted(points, key=lambda p: p.cost):
                shown = [v for v in p.attainment.values() if _finite(v)]
                y = min(shown) * 100 if shown else 100.0
                level = 0
                while any(
                    lv == level and abs(c - p.cost) < 0.045 * span and abs(a - y) < 1.5
                    for c, a, lv in placed
                ):
                    level += 1
                placed.append((p.cost, y, level))
                ax.annotate(
                    p.label,
                    (p.cost, y),
                    xytext=(0, -(14 if p.best else 11) - 10 * level),
                    textcoords="offset points",
                    ha="center",
                    va="top",
                    fontsize=7.5,
                    color=INK if p.best else MUTED,
                    fontweight="bold" if p.best else "normal",
                )
        if _finite(baseline_cost):
            ax.axvline(baseline_cost, color=MUTED, linestyle="--", linewidth=1)
            ax.annotate(
                "current staffing",
                (baseline_cost, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(-4, -4),
                ha="right",
                textcoords="offset points",
                va="top",
                fontsize=8,
                color=MUTED,
            )
        for name, target in (targets or {}).items():
            ax.axhline(target * 100, color=RED, linestyle=":", linewidth=1)
            ax.annotate(
                f"target: {name}",
                (0, target * 100),
                xycoords=("axes fraction", "data"),
                xytext=(4, 3),
                textcoords="offset points",
                fontsize=8,
                color=RED,
            )
        ys = [v * 100 for p in points for v in p.attainment.values() if _finite(v)]
        floor = min([*ys, *((t * 100) for t in (targets or {}).values()), 100.0])
        ax.set_ylim(max(0.0, floor - max(2.0, (100 - floor) * 0.25)), 101.5)
        ax.margins(x=0.08)
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.set_xlabel("staff cost per hour")
        ax.set_ylabel("SLA attainment")
        ax.set_title("Simulated staffing plans: cost against SLA attainment")
        handles: list[Any] = [
            Line2D([], [], marker="*", markersize=12, color=GREEN, markeredgecolor=INK,
                   linestyle="", label="chosen plan"),
            Line2D([], [], marker="o", color=GREEN, linestyle="", label="passes"),
            Line2D([], [], marker="o", color=RED, linestyle="", label="misses an SLA"),
            Line2D([], [], marker="o", color=AMBER, linestyle="", label="unstable"),
        ]  # fmt: skip
        if len(sla_names) > 1:
            handles += [
                Line2D([], [], marker=markers[k % len(markers)], color=MUTED, linestyle="", label=n)
                for k, n in enumerate(sla_names)
            ]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1))
    return to_svg(fig, "Simulated staffing plans")


# --------------------------------------------------------------------------- process diagram


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """A fair guess of the rendered width (wide for CJK characters)."""
    width = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            width += 1.0
        elif ch in "ilI.,:;'|!":
            width += 0.3
        elif ch.isupper() or ch in "mwMW":
            width += 0.75
        else:
            width += 0.56
    return width * size * (1.06 if bold else 1.0)


def _route_label(route: Route, stage: Stage) -> str:
    # the parallel copies of a split are drawn as such; they need no words
    return "" if route.kind == "split" else route_label(route, stage)


@dataclass
class _Node:
    key: str
    title: str
    subtitle: str
    shape: str
    width: float = 0.0
    height: float = 0.0
    layer: int = 0
    rank: float = 0.0  # position along the flow
    cross: float = 0.0  # position across it
    x: float = 0.0
    y: float = 0.0


#: Wider than this, a left-to-right drawing would shrink too much on the page: go top-down.
DIAGRAM_MAX_WIDTH = 1200.0


def process_diagram(process: Process, notes: Mapping[str, str] | None = None) -> str:
    """The process drawn as SVG; ``notes`` replaces a work stage's second line (its pool).

    The flow runs left to right, or top to bottom when that would be too wide for a page.
    """
    flow = build_graph(process)
    notes = notes or {}
    nodes: dict[str, _Node] = {}
    edges: dict[tuple[str, str], list[Route]] = {}
    for k, (entry, streams) in enumerate(flow.entries.items()):
        if entry in process.stages:
            key = f"\0in{k}"
            nodes[key] = _Node(key, ", ".join(streams), "arrivals", "entry")
            edges[(key, entry)] = []
    for name, stage in process.stages.items():
        subtitle = stage.resource or "" if stage.kind == "work" else ""
        nodes[name] = _Node(name, name, notes.get(name, subtitle), stage.kind)
    for route in flow.routes():
        edges.setdefault((route.source, route.target), []).append(route)
    back = _back_edges(list(nodes), edges)
    forward = nx.DiGraph()
    forward.add_nodes_from(nodes)
    forward.add_edges_from(e for e in edges if e not in back)
    for key in nx.topological_sort(forward):
        nodes[key].layer = max((nodes[p].layer + 1 for p in forward.predecessors(key)), default=0)
    last = max(n.layer for n in nodes.values())
    for node in nodes.values():  # ends in the last column: the eye finds where work leaves
        if node.shape == "end":
            node.layer = last
    _size_nodes(nodes.values())
    # Edges that skip columns pass through small invisible nodes, so they go around boxes.
    chains: dict[tuple[str, str], list[str]] = {}
    for source, target in forward.edges:
        chain = [source]
        for layer in range(nodes[source].layer + 1, nodes[target].layer):
            dummy = f"\0d{len(nodes)}"
            nodes[dummy] = _Node(dummy, "", "", "dummy", 14.0, 14.0, layer=layer)
            chain.append(dummy)
        chains[(source, target)] = [*chain, target]
    layers = _order_layers(nodes, chains)
    label_of = {e: _edge_label(e, routes, process) for e, routes in edges.items()}
    back_list = [e for e in edges if e in back]
    size = _layout(nodes, layers, chains, label_of, back_list, vertical=False)
    if size[0] > DIAGRAM_MAX_WIDTH:
        tall = _layout(nodes, layers, chains, label_of, back_list, vertical=True)
        if tall[0] < size[0]:
            return _draw(process, nodes, chains, edges, label_of, back_list, tall, vertical=True)
        _layout(nodes, layers, chains, label_of, back_list, vertical=False)
    return _draw(process, nodes, chains, edges, label_of, back_list, size, vertical=False)


_MARGIN = 16.0
_LANE = 24.0


def _layout(
    nodes: Mapping[str, _Node],
    layers: Mapping[int, list[str]],
    chains: Mapping[tuple[str, str], list[str]],
    label_of: Mapping[tuple[str, str], str],
    back_list: Sequence[tuple[str, str]],
    *,
    vertical: bool,
) -> tuple[float, float]:
    """Place every node (x, y are centres); the drawing's (width, height)."""

    def along(n: _Node) -> float:
        return n.height if vertical else n.width

    def across(n: _Node) -> float:
        return n.width if vertical else n.height

    base_gap = 40.0 if vertical else 56.0
    gap_after: dict[int, float] = {}
    for edge, chain in chains.items():
        layer = nodes[chain[0]].layer
        need = base_gap
        if label_of[edge]:
            need = 46.0 if vertical else _text_width(label_of[edge], 10.5) + 28
        gap_after[layer] = max(gap_after.get(layer, base_gap), need)
    position = _MARGIN
    for layer in sorted(layers):
        thickness = max((along(nodes[k]) for k in layers[layer]), default=0.0)
        for key in layers[layer]:
            nodes[key].rank = position + thickness / 2
        position += thickness + gap_after.get(layer, base_gap)
    extent = position - gap_after.get(max(layers), base_gap) + _MARGIN
    up: dict[str, list[str]] = {k: [] for k in nodes}
    for chain in chains.values():
        for a, b in itertools.pairwise(chain):
            up[b].append(a)
    gap = 22.0 if vertical else 26.0
    for layer in sorted(layers):
        members = layers[layer]
        wanted = [
            sum(nodes[p].cross for p in up[k]) / len(up[k]) if up[k] else math.nan for k in members
        ]
        known = [w for w in wanted if not math.isnan(w)]
        centre = sum(known) / len(known) if known else 0.0
        wanted = [centre if math.isnan(w) else w for w in wanted]
        placed: list[float] = []
        for i, key in enumerate(members):
            value = wanted[i]
            if placed:
                previous = nodes[members[i - 1]]
                value = max(value, placed[-1] + (across(previous) + across(nodes[key])) / 2 + gap)
            placed.append(value)
        # Shift the column so that, on average, nodes sit where they want to be.
        shift = sum(w - p for w, p in zip(wanted, placed, strict=True)) / len(placed)
        for key, value in zip(members, placed, strict=True):
            nodes[key].cross = value + shift
    low = min(n.cross - across(n) / 2 for n in nodes.values())
    for n in nodes.values():
        n.cross += _MARGIN - low
        n.x, n.y = (n.cross, n.rank) if vertical else (n.rank, n.cross)
    breadth = max(n.cross + across(n) / 2 for n in nodes.values()) + _MARGIN
    if back_list:
        breadth += 8 + _LANE * len(back_list)
        if vertical:
            breadth += max(_text_width(label_of[e], 10.5) for e in back_list) + 8
        else:
            breadth += 8
    return (breadth, extent) if vertical else (extent, breadth)


def _draw(
    process: Process,
    nodes: Mapping[str, _Node],
    chains: Mapping[tuple[str, str], list[str]],
    edges: Mapping[tuple[str, str], list[Route]],
    label_of: Mapping[tuple[str, str], str],
    back_list: Sequence[tuple[str, str]],
    size: tuple[float, float],
    *,
    vertical: bool,
) -> str:
    width, height = size
    prefix = f"d{_next_id()}-"
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
        at = outer + 8 + _LANE * lane
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

    def exit_point(n: _Node) -> tuple[float, float]:
        if n.shape == "dummy":
            return n.x, n.y
        return (n.x, n.y + n.height / 2) if vertical else (n.x + n.width / 2, n.y)

    def entry_point(n: _Node) -> tuple[float, float]:
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


def _back_edges(
    order: Sequence[str], edges: Mapping[tuple[str, str], list[Route]]
) -> set[tuple[str, str]]:
    """Defect paths, and whatever else closes a loop (found depth-first from the arrivals)."""
    back = {e for e, routes in edges.items() if routes and all(r.kind == "defect" for r in routes)}
    adjacency: dict[str, list[str]] = {n: [] for n in order}
    for s, t in edges:
        if (s, t) not in back:
            adjacency[s].append(t)
    state: dict[str, int] = {}
    for start in order:
        if start in state:
            continue
        state[start] = 1
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(adjacency[start]))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                back.add((node, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(adjacency[child])))
    return back


def _size_nodes(nodes: Iterable[_Node]) -> None:
    for node in nodes:
        title = _text_width(node.title, 13.0, bold=True)
        sub = _text_width(node.subtitle, 11.0) if node.subtitle else 0.0
        width = max(title, sub) + 24
        height = 44.0 if node.subtitle else 32.0
        if node.shape == "decision":
            width, height = width * 1.2 + 26, height + 20
        elif node.shape in ("split", "entry"):
            width += 20
        node.width, node.height = max(width, 72.0), height


def _order_layers(
    nodes: Mapping[str, _Node], chains: Mapping[tuple[str, str], list[str]]
) -> dict[int, list[str]]:
    """Nodes per column, ordered to keep crossings few (barycentre sweeps)."""
    order = {k: i for i, k in enumerate(nodes)}
    up: dict[str, list[str]] = {k: [] for k in nodes}
    down: dict[str, list[str]] = {k: [] for k in nodes}
    for chain in chains.values():
        for a, b in itertools.pairwise(chain):
            down[a].append(b)
            up[b].append(a)
    layers: dict[int, list[str]] = {}
    for key in nodes:
        layers.setdefault(nodes[key].layer, []).append(key)
    position = {k: float(i) for members in layers.values() for i, k in enumerate(members)}
    for sweep in range(6):
        sequence = sorted(layers) if sweep % 2 == 0 else sorted(layers, reverse=True)
        for layer in sequence:
            members = layers[layer]
            for key in members:
                neighbours = up[key] if sweep % 2 == 0 else down[key]
                if neighbours:
                    position[key] = sum(position[n] for n in neighbours) / len(neighbours)
            members.sort(key=lambda k: (position[k], order[k]))
            for i, key in enumerate(members):
                position[key] = float(i)
    return layers


def _edge_kind(routes: Sequence[Route]) -> str:
    kinds = {r.kind for r in routes}
    if kinds == {"defect"}:
        return "defect"
    if kinds == {"escalate"}:
        return "escalate"
    return "arrow"


def _edge_label(edge: tuple[str, str], routes: Sequence[Route], process: Process) -> str:
    stage = process.stages.get(edge[0])
    if stage is None:
        return ""
    labels = [_route_label(r, stage) for r in routes]
    return " or ".join(dict.fromkeys(label for label in labels if label))


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


def _node_svg(n: _Node) -> str:
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
