"""The staffing chart: required working heads against scheduled (paid) heads, per interval.

One panel per pool, intervals along the bottom: the required heads as a step line,
the scheduled heads (after shrinkage) as a filled step, so the gap between them is
the shrinkage a planner pays for. With ``--verify``, the heads the formula asked
for show dotted where the simulation raised them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from procflow.report.charts.base import BLUE, GREY, INK, RED, figure, style, to_svg


@dataclass(frozen=True)
class StaffingSeries:
    """One pool's heads per interval, with the labels of the intervals."""

    pool: str
    labels: tuple[str, ...]
    required: tuple[int, ...]
    scheduled: tuple[int, ...]
    formula: tuple[int, ...]


def staffing_chart(series: Sequence[StaffingSeries]) -> str:
    """Step lines of required and scheduled heads per interval, a panel per pool."""
    with style():
        fig = figure(9.6, 0.6 + 2.0 * max(len(series), 1))
        axes = fig.subplots(max(len(series), 1), 1, squeeze=False)[:, 0]
        for ax, s in zip(axes, series, strict=False):
            xs = list(range(len(s.labels) + 1))
            scheduled = [*s.scheduled, s.scheduled[-1]]
            ax.fill_between(
                xs, scheduled, step="post", color=GREY, alpha=0.35, label="scheduled (paid)"
            )
            required = [*s.required, s.required[-1]]
            ax.step(xs, required, where="post", color=BLUE, linewidth=1.6, label="required")
            if s.formula != s.required:
                formula = [*s.formula, s.formula[-1]]
                ax.step(
                    xs, formula, where="post", color=RED, linewidth=1.0, linestyle=":",
                    label="formula, before simulation",
                )  # fmt: skip
            step = max(1, len(s.labels) // 14)
            ax.set_xticks(
                list(range(0, len(s.labels), step)),
                [s.labels[k] for k in range(0, len(s.labels), step)],
                fontsize=8,
                rotation=30,
                ha="right",
            )
            ax.set_xlim(0, len(s.labels))
            ax.set_ylim(0, max([*s.scheduled, *s.formula, 1]) * 1.15)
            ax.set_ylabel("heads", color=INK)
            ax.set_title(s.pool)
            ax.legend(loc="upper right", ncols=3)
    return to_svg(fig, "Required and scheduled heads per interval")
