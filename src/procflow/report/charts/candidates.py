"""The optimization chart: every staffing plan simulated, its cost against SLA attainment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from procflow.report.charts.base import (
    AMBER,
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
class CandidatePoint:
    """One simulated staffing plan: its cost and each SLA's attainment (share)."""

    label: str
    cost: float
    attainment: Mapping[str, float | None]
    stable: bool | None
    #: ``passes``, ``fails`` or ``undecided`` (an SLA's interval straddles its target)
    decision: str
    best: bool


def candidates_chart(
    points: Sequence[CandidatePoint],
    baseline_cost: float | None,
    targets: Mapping[str, float] | None = None,
) -> str:
    """Every simulated plan: cost per hour against SLA attainment, the chosen one starred."""
    from matplotlib.lines import Line2D
    from matplotlib.ticker import PercentFormatter

    sla_names: list[str] = []
    for p in points:
        for name in p.attainment:
            if name not in sla_names:
                sla_names.append(name)
    markers = "osD^vP"
    with style():
        fig = figure(9.6, 4.0)
        ax = fig.add_subplot()
        for p in points:
            color = (
                GREEN
                if p.decision == "passes"
                else AMBER
                if p.stable is False
                else GREY
                if p.decision == "undecided"
                else RED
            )
            values = p.attainment.items() if p.attainment else [("", 1.0)]
            for name, value in values:
                if not finite(value):
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
            costs = [p.cost for p in points] + ([baseline_cost] if finite(baseline_cost) else [])
            span = (max(costs) - min(costs)) or 1.0
            placed: list[tuple[float, float, int]] = []  # labels drawn: (cost, attainment, level)
            for p in sorted(points, key=lambda p: p.cost):
                shown = [v for v in p.attainment.values() if finite(v)]
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
        if finite(baseline_cost):
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
        ys = [v * 100 for p in points for v in p.attainment.values() if finite(v)]
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
            Line2D([], [], marker="o", color=GREY, linestyle="", label="undecided"),
        ]  # fmt: skip
        if len(sla_names) > 1:
            handles += [
                Line2D([], [], marker=markers[k % len(markers)], color=MUTED, linestyle="", label=n)
                for k, n in enumerate(sla_names)
            ]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1))
    return to_svg(fig, "Simulated staffing plans")
