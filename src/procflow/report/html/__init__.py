"""The HTML report: one file to open in a browser, attach to a ticket, or print.

It is made from the result records that ``procflow simulate``, ``compare``,
``sweep`` and ``optimize`` return, or that :func:`~procflow.results.from_json`
reads back from their JSON (``--format json``), so a saved run can be turned
into the same report later without simulating again. Each kind of record has its
report (:mod:`~procflow.report.html.results`,
:mod:`~procflow.report.html.comparison`, :mod:`~procflow.report.html.sweep`,
:mod:`~procflow.report.html.optimization`, :mod:`~procflow.report.html.staffing`,
:mod:`~procflow.report.html.forecast`, :mod:`~procflow.report.html.fidelity`);
:func:`render_report` picks it. The
verdict comes first, then the evidence.

The file needs no network: charts and the process diagram are inline SVG, the
styles are inline (:mod:`~procflow.report.html.page`), and there is no script.
A record holds only the process's name, so the diagram is drawn when the
:class:`~procflow.model.process.Process` is passed too.
"""

from __future__ import annotations

from procflow.model.process import Process
from procflow.report.html.comparison import comparison_html
from procflow.report.html.fidelity import fidelity_html
from procflow.report.html.forecast import forecast_html
from procflow.report.html.optimization import optimization_html
from procflow.report.html.results import results_html
from procflow.report.html.staffing import staffing_html
from procflow.report.html.sweep import sweep_html
from procflow.results import Comparison, Optimization, Results, Sweep
from procflow.results.fidelity import Fidelity
from procflow.results.forecast import BacklogForecasts
from procflow.results.staffing import StaffingPlan

__all__ = [
    "comparison_html",
    "fidelity_html",
    "forecast_html",
    "optimization_html",
    "render_report",
    "results_html",
    "staffing_html",
    "sweep_html",
]


def render_report(
    record: Results
    | Comparison
    | Sweep
    | Optimization
    | StaffingPlan
    | BacklogForecasts
    | Fidelity,
    process: Process | None = None,
) -> str:
    """The HTML report of any result record; with ``process``, its diagram too."""
    if isinstance(record, Fidelity):
        return fidelity_html(record, process)
    if isinstance(record, StaffingPlan):
        return staffing_html(record, process)
    if isinstance(record, BacklogForecasts):
        return forecast_html(record, process)
    if isinstance(record, Results):
        return results_html(record, process)
    if isinstance(record, Comparison):
        return comparison_html(record, process)
    if isinstance(record, Sweep):
        return sweep_html(record, process)
    return optimization_html(record, process)
