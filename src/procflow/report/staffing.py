"""A staffing plan as a planner reads it: on the terminal and in Markdown.

Per pool its target, then the intervals grouped where the heads stay the same
(:func:`~procflow.report.tables.staffing.interval_runs`): ``mon 09:00–12:00``,
the peak offered load, the required working heads, the scheduled (paid) heads,
what they give and the method. Every interval, one per row, is in ``--format
csv``, ``--format json`` and the workbook.
"""

from __future__ import annotations

import math

from rich.console import Console
from rich.table import Table

from procflow.report.format import duration
from procflow.report.tables.staffing import METHOD_WORDS, Run, interval_runs, target_text
from procflow.results.staffing import StaffingPlan

_COLUMNS = [
    "Intervals",
    "Peak load",
    "Required",
    "Scheduled",
    "Service level",
    "Occupancy",
    "ASA",
    "Abandon",
    "Method",
]


def _pct(value: float) -> str:
    return "" if not math.isfinite(value) else f"{value:.1%}"


def _wait(value: float, time_unit: str) -> str:
    if math.isnan(value):
        return ""
    return duration(value, time_unit) if math.isfinite(value) else "∞"


def _when(run: Run, source: str) -> str:
    if source == "steady":
        return "all week"
    if len(run.intervals) == 1:
        return run.start
    end = run.end
    if end[:4] == run.start[:4] and source == "schedule":
        end = end[4:]  # the same day: mon 09:00–12:00
    elif source == "forecast" and end[:10] == run.start[:10]:
        end = end[11:]
    return f"{run.start}–{end}"


def _cells(run: Run, source: str, time_unit: str) -> list[str]:
    """The row of a run: its worst interval's figures (the lowest service level)."""
    worst = min(
        run.intervals,
        key=lambda i: i.service_level if math.isfinite(i.service_level) else -i.occupancy,
    )
    simulated = ""
    if worst.check is not None:
        simulated = f" (sim {worst.check.service_level.mean:.1%})"
    method = METHOD_WORDS.get(run.first.method, run.first.method)
    return [
        _when(run, source),
        f"{run.peak_load:.2f}",
        str(run.first.required),
        str(run.first.scheduled),
        _pct(worst.service_level) + simulated,
        _pct(worst.occupancy),
        _wait(worst.asa, time_unit),
        _pct(worst.abandon),
        method,
    ]


def _summary(plan: StaffingPlan) -> list[str]:
    lines = []
    if plan.verification is not None:
        v = plan.verification
        state = "every interval meets its target" if v.converged else "NOT every interval met"
        lines.append(
            f"Verified by simulation: {v.rounds} rounds of {v.replications} replications; {state}."
        )
        for pool, added in v.added.items():
            if added:
                lines.append(f"  {pool}: the simulation added {added} heads over the formula")
        lines.extend(f"  {r}" for r in v.reasons)
    return lines


def print_staffing(console: Console, plan: StaffingPlan) -> None:
    """Print a staffing plan: per pool its target and its intervals, grouped."""
    console.print(
        f"[bold]Staffing plan: {plan.process}[/bold]  "
        f"({_source_text(plan)}; heads are people, working = taking work, "
        "scheduled = paid, after shrinkage)"
    )
    for pool in plan.pools.values():
        title = f"{pool.name}: {target_text(pool, plan.time_unit)}; shrinkage {pool.shrinkage:.0%}"
        table = Table(title=title, title_justify="left")
        for k, column in enumerate(_COLUMNS):
            table.add_column(column, justify="left" if k in (0, 8) else "right")
        for run in interval_runs(pool):
            table.add_row(*_cells(run, plan.source, plan.time_unit))
        console.print(table)
    for line in _summary(plan):
        console.print(line)
    for note in plan.notes:
        console.print(f"Note: {note}", style="dim")


def staffing_markdown(plan: StaffingPlan) -> str:
    """The plan as Markdown: a heading, per pool a table of its grouped intervals."""
    lines = [f"# Staffing plan: {plan.process}", "", f"{_source_text(plan).capitalize()}.", ""]
    for pool in plan.pools.values():
        lines += [
            f"## {pool.name}",
            "",
            f"Target: {target_text(pool, plan.time_unit)}; shrinkage {pool.shrinkage:.0%}.",
            "",
            "| " + " | ".join(_COLUMNS) + " |",
            "|" + "|".join("---" if k in (0, 8) else "---:" for k in range(len(_COLUMNS))) + "|",
        ]
        for run in interval_runs(pool):
            cells = [c.replace("|", "\\|") for c in _cells(run, plan.source, plan.time_unit)]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    summary = _summary(plan)
    if summary:
        lines += [*(s.strip() for s in summary), ""]
    if plan.notes:
        lines += ["Notes:", "", *(f"- {n}" for n in plan.notes), ""]
    return "\n".join(lines)


def _source_text(plan: StaffingPlan) -> str:
    size = f"{plan.interval_minutes:g}-minute intervals"
    if plan.source == "forecast":
        return f"{size} of the forecast"
    if plan.source == "schedule":
        return f"{size} of the week, from the arrival schedule"
    return "one interval at the steady arrival rate"
