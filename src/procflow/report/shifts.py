"""A shift plan laid out: the shifts per pool, then the intervals short of heads or over.

The terminal shows, per pool, the shifts (template, start, days, people), the people
and cost per week, and the intervals the shifts leave short or over-cover; the JSON
(:func:`shift_plan_json`) holds every interval, for a script or a chart.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from procflow.analysis.shifts import ShiftPlan
from procflow.model.calendar import clock_text, days_text, week_time
from procflow.model.quantities import counted

#: The intervals listed per pool in the terminal before "and N more".
SHOWN_INTERVALS = 12


def print_shift_plan(console: Console, plan: ShiftPlan) -> None:
    """Per pool: the shifts, people and cost per week, and the intervals short or over."""
    for note in plan.notes:
        console.print(note, style="dim")
    for pool, planned in plan.pools.items():
        found = planned.cover
        people = "person" if found.people == 1 else "people"
        console.print(
            f"[bold]{pool}[/bold]: {found.people:,} {people} on "
            f"{counted(len(found.shifts), 'shift')} a week, {found.cost_per_week:,.2f} per "
            f"week; {counted(found.short, 'head')} short"
            + (f" (shrinkage {planned.shrinkage:.0%} included)" if planned.shrinkage else "")
        )
        table = Table(title="Shifts", title_justify="left")
        for column in ("shift", "days", "start", "people", "cost/week"):
            table.add_column(column, justify="left" if column in ("shift", "days") else "right")
        for shift in found.shifts:
            table.add_row(
                shift.name,
                days_text(shift.option.days),
                clock_text(shift.option.start),
                str(shift.count),
                f"{shift.count * shift.cost_per_person:,.2f}",
            )
        console.print(table)
        off = [i for i in found.intervals if i.short]
        over = sum(i.over for i in found.intervals) / max(1, len(found.intervals))
        console.print(
            f"  {counted(len(off), 'interval')} short of heads; {over:.1f} heads over the need "
            f"in an average interval (of {plan.interval} min)"
        )
        for interval in off[:SHOWN_INTERVALS]:
            console.print(
                f"  {interval.label}: {interval.on_duty} on duty, {interval.needed} needed",
                style="red",
            )
        if len(off) > SHOWN_INTERVALS:
            console.print(f"  and {len(off) - SHOWN_INTERVALS} more")


def shift_plan_json(plan: ShiftPlan) -> dict[str, Any]:
    """The plan as JSON: per pool, the shifts and every interval's heads."""
    return {
        "interval_minutes": plan.interval,
        "notes": plan.notes,
        "pools": {
            pool: {
                "people": planned.cover.people,
                "cost_per_week": planned.cover.cost_per_week,
                "shrinkage": planned.shrinkage,
                "optimal": planned.cover.optimal,
                "shifts": [
                    {
                        "name": s.name,
                        "template": s.template,
                        "start": clock_text(s.option.start),
                        "days": days_text(s.option.days),
                        "count": s.count,
                        "cost_per_week": s.count * s.cost_per_person,
                    }
                    for s in planned.cover.shifts
                ],
                "intervals": [
                    {
                        "start": week_time(i.start),
                        "required": planned.required.get(i.start, 0),
                        "on_duty_needed": i.needed,
                        "on_duty": i.on_duty,
                        "short": i.short,
                        "over": i.over,
                    }
                    for i in planned.cover.intervals
                ],
            }
            for pool, planned in plan.pools.items()
        },
    }
