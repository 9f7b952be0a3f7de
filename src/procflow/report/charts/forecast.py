"""The fan chart of a forecast: the backlog over time, median and 10–90% band per scenario.

Takes plain numbers (hours after the start, and the median, 10th and 90th
percentile of the backlog over replications) and returns inline SVG.
"""

from __future__ import annotations

from collections.abc import Sequence

from procflow.report.charts.base import MUTED, PALETTE, figure, style, to_svg

#: One line of the fan: a name and its points (hours, median, p10, p90).
Fan = tuple[str, Sequence[tuple[float, float, float, float]]]


def fan_chart(fans: Sequence[Fan], target: int, deadline_hours: float) -> str:
    """The backlog of each scenario over time: the median as a line, 10–90% as a band,
    the target level dashed."""
    with style():
        fig = figure(9.6, 3.8)
        ax = fig.subplots()
        for k, (name, points) in enumerate(fans):
            color = PALETTE[k % len(PALETTE)]
            hours = [p[0] for p in points]
            ax.fill_between(
                hours, [p[2] for p in points], [p[3] for p in points], color=color, alpha=0.18,
                linewidth=0,
            )  # fmt: skip
            ax.plot(hours, [p[1] for p in points], color=color, linewidth=1.8, label=name)
        ax.axhline(target, color=MUTED, linestyle="--", linewidth=1.0)
        ax.set_xlim(0, deadline_hours)
        ax.set_ylim(bottom=0)
        ax.set_xlabel("hours after the snapshot")
        ax.set_ylabel("items in the system")
        ax.set_title("Backlog over time: median (line) and 10–90% of replications (band)")
        if len(fans) > 1:
            ax.legend(loc="upper right")
        return to_svg(fig, "Backlog fan chart: median and 10 to 90 percent band over time")
