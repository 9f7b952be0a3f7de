"""The report of a forecast: will the backlog clear by the deadline, then the fan chart.

The answer comes first (per scenario: the probability of clearing with its
Wilson interval, when it clears, the backlog left at the deadline), then the fan
chart of the backlog over time, then each SLA's and due date's breaches and the
breaches by day.
"""

from __future__ import annotations

from html import escape as _e

from procflow.model.process import Process
from procflow.report import charts
from procflow.report.forecast import breaches_by_day, change_line, headline, share_text
from procflow.report.html.page import (
    badge,
    figure,
    html_page,
    one_page,
    process_section,
    section,
    table,
)
from procflow.results.forecast import BacklogForecast, BacklogForecasts


def _tone(f: BacklogForecast) -> tuple[str, str]:
    if f.probability.mean >= 0.9:
        return "likely", "ok"
    return ("unlikely", "bad") if f.probability.mean < 0.5 else ("uncertain", "warn")


def _answer(record: BacklogForecasts, k: int) -> str:
    f = record.runs[k]
    word, tone = _tone(f)
    change = change_line(record, k)
    lines = "".join(f"<li>{_e(line)}</li>" for line in headline(f)[1:])
    if change:
        lines += f"<li><strong>{_e(change)}</strong></li>"
    name = f.scenario or "as planned"
    return f"<h3>{_e(name)} {badge(word, tone)}</h3><ul>{lines}</ul>"


def forecast_sections(record: BacklogForecasts) -> list[str]:
    """The answer, the fan chart, the SLA breaches and the breaches by day, as sections
    (the forecast's report, and a comparison from a snapshot)."""
    first = record.runs[0]
    body = [
        section(
            "Will the backlog clear?", "".join(_answer(record, k) for k in range(len(record.runs)))
        )
    ]
    fans = [
        (f.scenario or "as planned", [(p.hours, p.median, p.p10, p.p90) for p in f.backlog])
        for f in record.runs
    ]
    body.append(
        section(
            "Backlog over time",
            figure(
                charts.fan_chart(fans, first.target, first.hours),
                "Items in the system after the snapshot: the line is the median over "
                "replications, the band holds 80% of them (10th to 90th percentile); the "
                f"dashed line is the target ({first.target}).",
            ),
            anchor="backlog",
        )
    )
    rows = [
        [_e(f.scenario or "as planned"), _e(s.name), _e(share_text(s.breach_rate)),
         _e(f"{s.breached.mean:.0f}")]
        for f in record.runs
        for s in f.slas
    ]  # fmt: skip
    if rows:
        body.append(section("SLA breaches", table(["scenario", "SLA", "breached", "items"], rows)))
    days = []
    for f in record.runs:
        head, day_rows = breaches_by_day(f)
        if day_rows:
            title = f"<h3>{_e(f.scenario or 'as planned')}</h3>" if len(record.runs) > 1 else ""
            days.append(title + table(head, [[_e(c) for c in row] for row in day_rows]))
    if days:
        text = (
            "<p>Items that breached each day (the day of their due date, or of arrival plus "
            "the SLA's max): mean over replications, 95% interval.</p>"
        )
        body.append(section("Breaches by day", text + "".join(days), anchor="breaches-by-day"))
    return body


@one_page
def forecast_html(record: BacklogForecasts, process: Process | None = None) -> str:
    """The report of a forecast and its scenarios; with the ``process``, its diagram too."""
    first = record.runs[0]
    body = forecast_sections(record)
    diagram = process_section(process)
    if diagram:
        body.append(diagram)
    meta = (
        f"from {first.start} to {first.until} ({first.hours:.1f} h), "
        f"{first.replications} replications, seed {first.seed}"
    )
    return html_page("backlog forecast", first.process, meta, body)
