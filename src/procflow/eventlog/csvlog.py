"""The CSV event log: one row per visit, the columns of :mod:`procflow.eventlog.visit`.

Rows are written as they come, in the order visits end; an item's attributes
are columns of their own, so a spreadsheet filters on them directly.
"""

from __future__ import annotations

import csv
from pathlib import Path

from procflow.eventlog.visit import Visit
from procflow.eventlog.writer import EventLog
from procflow.model.process import Process
from procflow.model.quantities import TIME_UNITS, TimeUnit

CASE = "case_id"
STAGE = "activity"
POOL = "resource"
ENQUEUED = "enqueue_timestamp"
STARTED = "start_timestamp"
ENDED = "end_timestamp"


def wait_column(unit: TimeUnit) -> str:
    """The name of the column of waits, such as ``wait (minute)``."""
    return f"wait ({unit})"


def duration_column(unit: TimeUnit) -> str:
    """The name of the column of handling times, such as ``duration (minute)``."""
    return f"duration ({unit})"


#: The columns computed from the timestamps, in any time unit: not attributes when read back.
DERIVED = frozenset(f(unit) for unit in TIME_UNITS for f in (wait_column, duration_column))


class CsvEventLog(EventLog):
    """One row per stage visit; attributes as columns."""

    def __init__(self, path: Path, process: Process) -> None:
        super().__init__(path, process)
        self.attributes = sorted(process.attributes())
        self.writer = csv.writer(self.handle)
        unit = process.time_unit
        self.writer.writerow(
            [
                CASE, STAGE, POOL, ENQUEUED, STARTED, ENDED, wait_column(unit),
                duration_column(unit), *self.attributes,
            ]
        )  # fmt: skip

    def visit(self, visit: Visit) -> None:
        """Write the row at once."""
        self.rows += 1
        enqueued, started, ended = visit.enqueued, visit.started, visit.ended
        attributes = visit.attributes
        self.writer.writerow(
            [
                visit.case, visit.stage, visit.pool or "",
                "" if enqueued is None else self.timestamp(enqueued), self.timestamp(started),
                self.timestamp(ended), "" if enqueued is None else round(started - enqueued, 6),
                round(ended - started, 6), *(attributes.get(name, "") for name in self.attributes),
            ]
        )  # fmt: skip

    def _finish(self) -> None:
        """Rows are written as they come: nothing is buffered."""
        self.handle.flush()
