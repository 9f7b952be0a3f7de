"""The report of a staffing plan: heads per pool and interval, and the chart of them.

First what the plan rests on (intervals, targets, verification), then per pool
the chart of required against scheduled heads, then the grouped intervals.
"""

from __future__ import annotations

from html import escape as _e

from procflow.model.process import Process
from procflow.report import charts
from procflow.report.html.page import figure, html_page, notes_list, one_page, section, table
from procflow.report.staffing import staffing_markdown
from procflow.report.tables.staffing import METHOD_WORDS, interval_runs, target_text
from procflow.results.staffing import StaffingPlan


@one_page
def staffing_html(plan: StaffingPlan, process: Process | None = None) -> str:
    """The HTML report of a staffing plan (``process`` is not needed: no diagram)."""
    del process
    series = [
        charts.StaffingSeries(
            pool.name,
            tuple(i.start for i in pool.intervals),
            tuple(i.required for i in pool.intervals),
            tuple(i.scheduled for i in pool.intervals),
            tuple(i.formula for i in pool.intervals),
        )
        for pool in plan.pools.values()
        if pool.intervals
    ]
    body = [_summary(plan)]
    if series:
        chart = charts.staffing_chart(series)
        body.append(
            section(
                "Heads per interval",
                figure(chart, "Required working heads (line) and scheduled paid heads (grey)."),
                anchor="chart",
            )
        )
    for pool in plan.pools.values():
        rows = [
            [
                _e(f"{run.start} – {run.end}" if len(run.intervals) > 1 else run.start),
                f"{run.peak_load:.2f}",
                str(run.first.required),
                str(run.first.scheduled),
                _e(METHOD_WORDS.get(run.first.method, run.first.method)),
            ]
            for run in interval_runs(pool)
        ]
        head = ["Intervals", "Peak load", "Required", "Scheduled", "Method"]
        text = f"<p>Target: {_e(target_text(pool, plan.time_unit))}; shrinkage "
        text += f"{pool.shrinkage:.0%}.</p>"
        body.append(section(pool.name, text + table(head, rows), level=3))
    if plan.notes:
        body.append(section("Notes", notes_list(plan.notes)))
    meta = f"{plan.interval_minutes:g}-minute intervals · from {plan.source}"
    return html_page("staffing plan", plan.process, meta, body)


def _summary(plan: StaffingPlan) -> str:
    """The plan's Markdown opening as a paragraph: where the volumes came from."""
    first = staffing_markdown(plan).splitlines()[2]
    items = [f"<p>{_e(first)}</p>"]
    if plan.verification is not None:
        v = plan.verification
        state = "every interval meets its target" if v.converged else "not every interval met"
        items.append(
            f"<p>Verified by simulation: {v.rounds} rounds of {v.replications} replications; "
            f"{_e(state)}.</p>"
        )
        added = [f"{pool}: +{n} heads over the formula" for pool, n in v.added.items() if n]
        items.append(notes_list([*added, *v.reasons]))
    return section("The plan", "".join(items), anchor="verdict")
