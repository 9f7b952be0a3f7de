"""A forecast for a PM: will the backlog clear by the deadline, when, and what breaches.

The terminal summary and the Markdown say the answer first (the probability of
clearing with its interval, when it clears), then draw the backlog over time as
a fan chart in text: each line one moment, the bar the 10–90% band over
replications and ``●`` the median. Then each SLA's and due date's breaches, and
the breaches by day (a row per SLA or due-date class, a column per day: the mean
breached items over replications with their interval). Reads the record only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from rich.console import Console
from rich.table import Table

from procflow.results.estimate import Estimate
from procflow.results.forecast import BacklogForecast, BacklogForecasts, BacklogPoint

#: Lines of the text fan chart, and the width of its bars.
ROWS = 13
WIDTH = 48


def share_text(e: Estimate) -> str:
    """A share with its interval: ``72% (95% interval 51%–87%)``."""
    if math.isnan(e.mean):
        return "n/a"
    if math.isnan(e.low):
        return f"{e.mean:.0%}"
    return f"{e.mean:.0%} (95% interval {e.low:.0%}–{e.high:.0%})"


def _hours(e: Estimate) -> str:
    if math.isnan(e.mean):
        return "n/a"
    if math.isnan(e.low):
        return f"{e.mean:.1f} h"
    return f"{e.mean:.1f} h (95% interval {e.low:.1f}–{e.high:.1f} h)"


def headline(forecast: BacklogForecast) -> list[str]:
    """The answer in a few lines: who, from when to when, the chance of clearing and when."""
    f = forecast
    name = f"{f.process} ({f.scenario})" if f.scenario else f.process
    level = "zero" if f.target == 0 else f"{f.target} items or fewer"
    lines = [
        f"{name}: {sum(f.initial.values())} items in the backlog at {f.start}, "
        f"deadline {f.until} ({f.hours:.1f} h), {f.replications} replications, seed {f.seed}",
        f"Backlog down to {level} by the deadline: {share_text(f.probability)} of replications",
    ]
    if f.cleared_runs:
        when = datetime.fromisoformat(f.start) + timedelta(hours=f.time.mean)
        lines.append(
            f"First reaches {level}: {_hours(f.time)} after the start, around "
            f"{when:%a %d %b %H:%M} (over the {f.cleared_runs} replications that did)"
        )
    else:
        lines.append(f"No replication reached {level} by the deadline")
    final = f.final
    lines.append(f"Backlog at the deadline: {final.mean:.0f} items on average")
    return lines


def fan_chart(points: Sequence[BacklogPoint], rows: int = ROWS, width: int = WIDTH) -> list[str]:
    """The backlog over time in text: ``hours |   ──●──   | median (p10–p90)`` per line."""
    if not points:
        return []
    step = max(1, math.ceil((len(points) - 1) / (rows - 1)))
    chosen = list(points[::step])
    if chosen[-1] is not points[-1]:
        chosen.append(points[-1])
    top = max(p.p90 for p in chosen) or 1.0

    def col(x: float) -> int:
        return min(width - 1, max(0, round(x / top * (width - 1))))

    lines = [f"{'hours':>7}  {'backlog: ● median, ─ 10–90% of replications':<{width}}"]
    for p in chosen:
        bar = [" "] * width
        for k in range(col(p.p10), col(p.p90) + 1):
            bar[k] = "─"
        bar[col(p.median)] = "●"
        lines.append(f"{p.hours:7.1f} |{''.join(bar)}| {p.median:.0f} ({p.p10:.0f}–{p.p90:.0f})")
    return lines


def _signed(e: Estimate, unit: str, scale: float = 1.0, digits: int = 0) -> str:
    if math.isnan(e.mean):
        return "n/a"
    text = f"{e.mean * scale:+.{digits}f}{unit}"
    if not math.isnan(e.low):
        text += f" (95% interval {e.low * scale:+.{digits}f} to {e.high * scale:+.{digits}f})"
    return text


def change_line(record: BacklogForecasts, k: int) -> str | None:
    """Scenario ``k`` against the base, paired replication by replication, or None."""
    change = record.change(k)
    if change is None:
        return None
    parts = [f"chance of clearing {_signed(change.probability, ' points', 100)}"]
    if not math.isnan(change.time.mean):
        parts.append(f"clears {_signed(change.time, ' h', digits=1)} later (runs where both did)")
    parts.append(f"backlog at the deadline {_signed(change.final, ' items')}")
    return "Against the process as planned (same random numbers): " + ", ".join(parts)


def sla_lines(forecast: BacklogForecast) -> list[str]:
    """Each SLA's and due-date class's breach rate and breached items."""
    return [
        f"{s.name}: {share_text(s.breach_rate)} breached, about {s.breached.mean:.0f} items"
        for s in forecast.slas
        if not math.isnan(s.breach_rate.mean)
    ]


def count_text(e: Estimate) -> str:
    """Breached items with their interval: ``12 (8–16)``; a whole mean without decimals."""

    def number(x: float) -> str:
        return f"{x:.0f}" if float(x).is_integer() or x >= 10 else f"{x:.1f}"

    if math.isnan(e.mean):
        return "n/a"
    if math.isnan(e.low) or e.low == e.high:
        return number(e.mean)
    return f"{number(e.mean)} ({number(e.low)}–{number(e.high)})"


def breaches_by_day(forecast: BacklogForecast) -> tuple[list[str], list[list[str]]]:
    """The breaches-by-day table: the head (then one column per day, ``Tue 01 Dec``) and one
    row per SLA or due-date class with days, each cell the items that breached that day
    (mean over replications and 95% interval)."""
    entries = [s for s in forecast.slas if s.by_day]
    cells = [{d.day: d.breached for d in s.by_day} for s in entries]
    days = sorted({day for c in cells for day in c})
    rows = [
        [s.name, *(count_text(c[day]) if day in c else "0" for day in days)]
        for s, c in zip(entries, cells, strict=True)
    ]
    return ["breached items", *(f"{date.fromisoformat(day):%a %d %b}" for day in days)], rows


def print_forecast(console: Console, record: BacklogForecasts) -> None:
    """Print each forecast's answer, its change against the base, its fan chart and its SLA
    breaches."""
    for k, f in enumerate(record.runs):
        if k:
            console.print()
        first, *rest = headline(f)
        console.print(f"[bold]{first}[/bold]")
        style = "green" if f.probability.mean >= 0.9 else "yellow" if f.cleared_runs else "red"
        console.print(rest[0], style=style)
        for line in rest[1:]:
            console.print(line)
        change = change_line(record, k)
        if change:
            console.print(change, style="bold")
        console.print()
        for line in fan_chart(f.backlog):
            console.print(line, markup=False, highlight=False)
        if f.slas:
            console.print()
            console.print("[bold]SLAs[/bold]")
            for line in sla_lines(f):
                console.print(f"  {line}", markup=False)
        head, rows = breaches_by_day(f)
        if rows:
            console.print()
            table = Table(title="Breached items by day (mean, 95% interval)", title_justify="left")
            for k, name in enumerate(head):
                table.add_column(name, justify="left" if k == 0 else "right")
            for row in rows:
                table.add_row(*row)
            console.print(table)


def forecast_markdown(record: BacklogForecasts) -> str:
    """The forecasts as Markdown: the answer, the fan chart (a code block), the SLAs."""
    parts: list[str] = []
    for k, f in enumerate(record.runs):
        first, *rest = headline(f)
        parts.append(f"## {f.scenario or f.process}\n\n{first}\n")
        parts.extend(f"- {line}" for line in rest)
        change = change_line(record, k)
        if change:
            parts.append(f"- **{change}**")
        parts.append("\n```text\n" + "\n".join(fan_chart(f.backlog)) + "\n```\n")
        if f.slas:
            parts.append("| SLA | breach rate | breached items |\n|---|---|---|")
            for s in f.slas:
                parts.append(f"| {s.name} | {share_text(s.breach_rate)} | {s.breached.mean:.0f} |")
            parts.append("")
        head, rows = breaches_by_day(f)
        if rows:
            parts.append("Breached items by day (mean, 95% interval):\n")
            parts.append("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
            parts.extend("| " + " | ".join(row) + " |" for row in rows)
            parts.append("")
    return "# Backlog forecast\n\n" + "\n".join(parts).rstrip() + "\n"
