"""The quality trade-off chart: false negatives against the cost of people's work.

One marker per sweep point, the feasible ones filled green, the cheapest feasible
one a star with its label, and the quality target as a dashed vertical line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from procflow.report.charts.base import BLUE, GREEN, MUTED, RED, figure, finite, style, to_svg


@dataclass(frozen=True)
class TradeoffPoint:
    """One sweep point reduced to what the trade-off chart shows."""

    label: str
    false_negatives: float
    busy_cost: float
    feasible: bool
    cheapest: bool


def tradeoff_chart(points: Sequence[TradeoffPoint], target: float | None) -> str:
    """False negatives per 1,000 (x) against busy staff cost per hour (y)."""
    with style():
        fig = figure(6.4, 3.8)
        ax = fig.subplots()
        for p in points:
            y = p.busy_cost if finite(p.busy_cost) else 0.0
            if p.cheapest:
                ax.plot([p.false_negatives], [y], "*", markersize=16, color=GREEN, zorder=4)
                ax.annotate(
                    p.label, (p.false_negatives, y), textcoords="offset points", xytext=(8, 6),
                    fontsize=9, color=GREEN,
                )  # fmt: skip
                continue
            ax.plot(
                [p.false_negatives], [y], "o", markersize=7,
                color=GREEN if p.feasible else RED,
                markerfacecolor=GREEN if p.feasible else "white", zorder=3,
            )  # fmt: skip
        if target is not None:
            ax.axvline(target, color=MUTED, linestyle="--", linewidth=1.2, zorder=1)
            ax.annotate(
                "target", (target, 1), xycoords=("data", "axes fraction"), xytext=(4, -12),
                textcoords="offset points", fontsize=9, color=BLUE,
            )  # fmt: skip
        ax.set_xlabel("false negatives per 1,000 items")
        ax.set_ylabel("busy staff cost per hour")
        ax.set_ylim(bottom=0)
    return to_svg(fig, "False negatives against the cost of people's work")
