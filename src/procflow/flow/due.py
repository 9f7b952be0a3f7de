"""An item's due date, compiled once: from its attribute row and arrival time to a moment.

The process file says ``due_dates: {by: severity, within: {high: 4 hours, ...}}``
(see :mod:`procflow.model.duedates`). :func:`compile_due` turns that into a
:class:`DueClock` that the simulator calls once per arriving item: the row
position of ``by`` is looked up once, each value's allowed time is in a dict,
and a business-hours clock is a :class:`~procflow.model.calendar.WorkingClock`.

The clock takes the item's arrival time, so an item that was already waiting
when the run started (with an earlier, even negative, arrival) is due by the same
rule. Business hours are minutes of the week; ``start`` says which minute of the
week the run's time 0 is (0: Monday 00:00, how runs start today).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from procflow.flow.routing import Row
from procflow.model.calendar import WorkingClock
from procflow.model.process import Process
from procflow.model.quantities import convert

#: The due date of an item without one: it never breaches.
NEVER = math.inf


@dataclass(frozen=True, slots=True)
class DueClock:
    """The due date of an item (in the process's time unit), and the group it is counted in."""

    #: the row position of the attribute that sets the due date (-1: none, all alike)
    position: int
    #: the values listed under ``within``, in the order written (the groups of the reports)
    values: tuple[object, ...]
    #: allowed time per group, in the process's time unit; the last is ``otherwise`` (or inf)
    allowed: tuple[float, ...]
    #: process time unit -> minutes; None for calendar time
    clock: WorkingClock | None
    unit_minutes: float
    #: the minute of the week at the run's time 0
    start: float = 0.0

    def group(self, row: Row) -> int:
        """The group of an item: the position of its value under ``within``, else the last."""
        if self.position >= 0:
            value = row[self.position]
            for k, listed in enumerate(self.values):
                if value == listed and type(value) is type(listed):
                    return k
        return len(self.values)

    def due(self, group: int, arrived: float) -> float:
        """When an item of ``group`` that arrived at ``arrived`` is due (inf: never)."""
        allowed = self.allowed[group]
        if self.clock is None or allowed == NEVER:
            return arrived + allowed
        unit, start = self.unit_minutes, self.start
        return (self.clock.after(arrived * unit + start, allowed * unit) - start) / unit

    def label(self, group: int) -> str:
        """How a group is named in reports: its value, or ``other`` for the rest."""
        return str(self.values[group]) if group < len(self.values) else "other"


def compile_due(
    process: Process, attributes: tuple[str, ...], start: float = 0.0
) -> DueClock | None:
    """The due-date clock of a process (None without ``due_dates``); ``start`` is the
    minute of the week at the run's time 0."""
    due = process.due_dates
    if due is None:
        return None
    windows = due.windows()
    return DueClock(
        attributes.index(due.by) if due.by is not None else -1,
        tuple(due.within),
        (*due.within.values(), due.otherwise if due.otherwise is not None else NEVER),
        WorkingClock(windows) if windows is not None else None,
        convert(1.0, process.time_unit, "minute"),
        start,
    )
