"""The report of a validation: the verdict, the table, then the overlay charts.

The verdict comes first (fit for what-if questions or not, and the weakest
part), then the table of measures with the rows that fail marked, Simod's
distances, and the charts of the real log over the simulated ones: cycle
times, and activity by hour of the day.
"""

from __future__ import annotations

from html import escape as _e

from procflow.model.process import Process
from procflow.report.charts.fidelity import cycle_overlay_chart, hour_overlay_chart
from procflow.report.fidelity import HEAD, distance_cells, notes, row_cells, summary_lines
from procflow.report.html.page import (
    badge,
    figure,
    html_page,
    notes_list,
    one_page,
    process_section,
    section,
    table,
)
from procflow.results.fidelity import FIT_WORDS, Fidelity


@one_page
def fidelity_html(record: Fidelity, process: Process | None = None) -> str:
    """The report of a validation; with the ``process``, its diagram too."""
    verdict = record.verdict
    answer = f"<p>{badge(FIT_WORDS[verdict.fit], verdict.tone)} {_e(verdict.text)}</p>"
    rows = []
    for row in record.rows:
        cells = [_e(c) for c in row_cells(row, record.time_unit)]
        if row.off:
            cells[-1] = badge("off", "bad")
        rows.append(cells)
    body = [
        section("Is the model fit for what-if questions?", answer + notes_list(notes(record))),
        section("Real against simulated", table(HEAD, rows)),
        section(
            "Distances",
            table(
                ["distance", "mean", "95% interval"],
                [[_e(c) for c in r] for r in distance_cells(record)],
            ),
        ),
        section(
            "Cycle times",
            figure(
                cycle_overlay_chart(record.real_cycle, record.simulated_cycle),
                "The share of cases done within each time: the real log, and all simulated "
                "logs together.",
            ),
        ),
        section(
            "Activity by hour of the day",
            figure(
                hour_overlay_chart(record.real_hours, record.simulated_hours),
                "The share of events (each start and each end) in each hour of the day.",
            ),
        ),
    ]
    diagram = process_section(process)
    if diagram:
        body.append(diagram)
    return html_page("validation", record.process, " ".join(summary_lines(record)), body)
