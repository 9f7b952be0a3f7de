"""The charts of a validation: the real log over the simulated ones.

Takes plain numbers (cycle-time percentiles in hours, the share of events in
each hour of the day) read from a :class:`~procflow.results.fidelity.Fidelity`
and returns inline SVG.
"""

from __future__ import annotations

from collections.abc import Sequence

from procflow.report.charts.base import BLUE, INK, figure, finite, style, time_scale, to_svg


def cycle_overlay_chart(real: Sequence[float], simulated: Sequence[float]) -> str:
    """The share of cases done within each time: the real log against the simulated logs."""
    from matplotlib.ticker import PercentFormatter

    with style():
        fig = figure(9.6, 3.6)
        ax = fig.add_subplot()
        top = max((v for v in (*real, *simulated) if finite(v)), default=1.0)
        factor, unit = time_scale(top, "hour")
        lines = ((real, INK, "real", 2.2), (simulated, BLUE, "simulated", 1.8))
        for values, color, name, width in lines:
            pairs = [(v / factor, p) for p, v in enumerate(values, start=1) if finite(v)]
            xs, ys = [x for x, _ in pairs], [y for _, y in pairs]
            ax.plot(xs, ys, color=color, linewidth=width, label=name)
        ax.set_xlim(left=0)
        ax.set_ylim(0, 100)
        ax.yaxis.set_major_formatter(PercentFormatter())
        ax.set_xlabel(f"cycle time ({unit})")
        ax.set_ylabel("cases done within")
        ax.set_title("Cycle-time distribution: real log and simulated logs")
        ax.legend(loc="lower right")
        return to_svg(fig, "Cycle-time distribution, real against simulated")


def hour_overlay_chart(real: Sequence[float], simulated: Sequence[float]) -> str:
    """The share of events (starts and ends) in each hour of the day: real bars, simulated line."""
    from matplotlib.ticker import PercentFormatter

    with style():
        fig = figure(9.6, 3.4)
        ax = fig.add_subplot()
        hours = list(range(24))
        ax.bar(hours, [v * 100 for v in real], color="#d1d5db", label="real", zorder=1)
        ax.plot(hours, [v * 100 for v in simulated], color=BLUE, linewidth=2, marker="o",
                markersize=3, label="simulated", zorder=2)  # fmt: skip
        ax.set_xticks(range(0, 24, 2))
        ax.set_xlim(-0.6, 23.6)
        ax.yaxis.set_major_formatter(PercentFormatter())
        ax.set_xlabel("hour of the day")
        ax.set_ylabel("share of events")
        ax.set_title("Activity by hour of the day: real log and simulated logs")
        ax.legend(loc="upper right")
        return to_svg(fig, "Events by hour of the day, real against simulated")
