"""A validation for a PM: is the model fit for what-if questions, then the table behind it.

The terminal summary and the Markdown say the verdict first (fit or not, and
the weakest part), then one row per measure: the real value, the simulated
mean, its interval (the intervals hold together, see
:mod:`procflow.results.fidelity`), the error, and a status: ``ok`` within the
interval, ``close`` outside it by a gap too small to matter, ``few`` outside it
on too few observations to count, ``off`` where the row fails the rule; then
Simod's distances and the activities and stages that did not match. Reads the
record only.
"""

from __future__ import annotations

import math

from rich.console import Console
from rich.table import Table

from procflow.report.format import format_interval, format_value
from procflow.results.fidelity import FIT_WORDS, Fidelity, FidelityRow

_STYLE = {"ok": "green", "warn": "yellow", "bad": "red"}


def summary_lines(record: Fidelity) -> list[str]:
    """What was compared: the process, the log, the period, the replications."""
    return [
        f"{record.process} against {record.log}: {record.cases} cases from {record.start} "
        f"over {record.days:.1f} days, {record.replications} replications, seed {record.seed}",
    ]


#: An error this many times the real value is shown as "over 10×", not as a percentage.
_MANY_TIMES = 10.0


def row_cells(row: FidelityRow, time_unit: str) -> list[str]:
    """(measure, real, simulated, interval, error, status) as text."""
    error = format_value(row.unit, row.error, time_unit, signed=True)
    if not math.isnan(row.relative) and row.unit != "share":
        # from a real value near 0 a share of it says nothing (+1335477%): a factor does
        many = row.relative >= _MANY_TIMES
        error += f" (over {_MANY_TIMES:.0f}×)" if many else f" ({row.relative:+.0%})"
    label = f"{row.label}: {row.detail}" if row.detail else row.label
    return [
        label,
        format_value(row.unit, row.real, time_unit),
        format_value(row.unit, row.simulated.mean, time_unit),
        format_interval(row.unit, row.simulated.low, row.simulated.high, time_unit),
        error,
        "off" if row.off else ("ok" if row.within else ("few" if row.few else "close")),
    ]


HEAD = ["measure", "real", "simulated", "interval", "error", "status"]


def distance_cells(record: Fidelity) -> list[list[str]]:
    """(distance, mean, 95% interval of the mean) in hours."""
    cells = []
    for d in record.distances:
        v = d.value
        mean = "-" if math.isnan(v.mean) else f"{v.mean:.2f} h"
        span = "" if math.isnan(v.low) else f"{v.low:.2f} … {v.high:.2f} h"
        cells.append([d.label, mean, span])
    return cells


def notes(record: Fidelity) -> list[str]:
    """The activities and stages that did not match by name."""
    found = []
    if record.unmapped:
        found.append(
            "Activities of the log that match no stage (counted in cycle times and variants "
            f"only): {', '.join(record.unmapped)}"
        )
    if record.unused:
        found.append(f"Work stages no activity of the log matches: {', '.join(record.unused)}")
    return found


def print_fidelity(console: Console, record: Fidelity) -> None:
    """Print the verdict, the table, the distances and the notes."""
    verdict = record.verdict
    for line in summary_lines(record):
        console.print(f"[bold]{line}[/bold]", highlight=False)
    console.print(verdict.text, style=f"bold {_STYLE[verdict.tone]}", highlight=False)
    table = Table(show_edge=False, header_style="bold")
    for k, name in enumerate(HEAD):
        table.add_column(name, justify="left" if k == 0 else "right")
    for row in record.rows:
        cells = row_cells(row, record.time_unit)
        if row.off:
            cells[-1] = f"[red]{cells[-1]}[/red]"
        table.add_row(*cells)
    console.print(table)
    distances = Table(title="Distances (Simod's, in hours; lower is closer)", show_edge=False)
    for k, name in enumerate(["distance", "mean", "95% interval"]):
        distances.add_column(name, justify="left" if k == 0 else "right")
    for cells in distance_cells(record):
        distances.add_row(*cells)
    console.print(distances)
    for line in notes(record):
        console.print(line, style="yellow", highlight=False)


def fidelity_markdown(record: Fidelity) -> str:
    """The validation as Markdown: the verdict, the table, the distances, the notes."""
    verdict = record.verdict
    parts = [f"# Validation: {FIT_WORDS[verdict.fit]}", "", *summary_lines(record), ""]
    parts += [f"**{verdict.text}**", ""]
    parts.append("| " + " | ".join(HEAD) + " |")
    parts.append("|---" + "|---:" * (len(HEAD) - 1) + "|")
    for row in record.rows:
        parts.append("| " + " | ".join(_md(c) for c in row_cells(row, record.time_unit)) + " |")
    parts += ["", "| distance | mean | 95% interval |", "|---|---:|---:|"]
    parts += ["| " + " | ".join(cells) + " |" for cells in distance_cells(record)]
    found = notes(record)
    if found:
        parts += ["", *(f"- {line}" for line in found)]
    return "\n".join(parts) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")
