"""The charts in the HTML report, as inline SVG that opens without a network.

Utilization per pool, the cycle-time distribution and queues over simulated time
(:mod:`~procflow.report.charts.results`), a comparison's differences
(:mod:`~procflow.report.charts.forest`), a sweep's surface
(:mod:`~procflow.report.charts.sweep`) and an optimization's candidates
(:mod:`~procflow.report.charts.candidates`), a staffing plan's heads per interval
(:mod:`~procflow.report.charts.staffing`), a sweep's quality trade-off
(:mod:`~procflow.report.charts.quality`) and a forecast's fan chart
(:mod:`~procflow.report.charts.forecast`), drawn with matplotlib in the look set
by :mod:`~procflow.report.charts.base`.

Every function here takes plain numbers (read from the result records) and never
simulates.
"""

from procflow.report.charts.base import id_scope, to_svg
from procflow.report.charts.candidates import CandidatePoint, candidates_chart
from procflow.report.charts.forecast import Fan, fan_chart
from procflow.report.charts.forest import ForestRow, forest_chart
from procflow.report.charts.quality import TradeoffPoint, tradeoff_chart
from procflow.report.charts.results import SlaMark, cycle_time_chart, queue_chart, utilization_chart
from procflow.report.charts.staffing import StaffingSeries, staffing_chart
from procflow.report.charts.sweep import SweepCell, sweep_heatmaps, sweep_lines

__all__ = [
    "CandidatePoint",
    "Fan",
    "ForestRow",
    "SlaMark",
    "StaffingSeries",
    "SweepCell",
    "TradeoffPoint",
    "candidates_chart",
    "cycle_time_chart",
    "fan_chart",
    "forest_chart",
    "id_scope",
    "queue_chart",
    "staffing_chart",
    "sweep_heatmaps",
    "sweep_lines",
    "to_svg",
    "tradeoff_chart",
    "utilization_chart",
]
