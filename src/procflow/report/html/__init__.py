"""The HTML report: one file to open in a browser, attach to a ticket, or print.

It is made from the JSON that ``procflow simulate``, ``compare``, ``sweep`` and
``optimize`` write (``--format json``), so a saved run can be turned into a
report later without simulating again. Each kind of document has its report
(:mod:`~procflow.report.html.results`, :mod:`~procflow.report.html.comparison`,
:mod:`~procflow.report.html.sweep`, :mod:`~procflow.report.html.optimization`);
:func:`render_report` picks it. The verdict comes first, then the evidence.

The file needs no network: charts and the process diagram are inline SVG, the
styles are inline (:mod:`~procflow.report.html.page`), and there is no script.
The JSON holds only the process's name, so the diagram is drawn when the
:class:`~procflow.model.process.Process` is passed too.
"""

from __future__ import annotations

from procflow.model.process import Process
from procflow.report.html.comparison import comparison_html
from procflow.report.html.optimization import optimization_html
from procflow.report.html.page import Document, Renderer
from procflow.report.html.results import results_html
from procflow.report.html.sweep import sweep_html
from procflow.results import document_kind

__all__ = ["comparison_html", "optimization_html", "render_report", "results_html", "sweep_html"]

_RENDERERS: dict[str, Renderer] = {
    "results": results_html,
    "comparison": comparison_html,
    "sweep": sweep_html,
    "optimization": optimization_html,
}


def render_report(document: Document, process: Process | None = None) -> str:
    """The HTML report of any procflow JSON document; with ``process``, its diagram too."""
    return _RENDERERS[document_kind(document)](document, process)
