"""The event-log schema: one :class:`Visit` per item per stage it went through.

An event log is what process-mining tools (PM4Py, Celonis, Disco) read to
rebuild a process from what actually happened: for each case (an item: an
image, a ticket), the activities (stages) it visited, who did the work (the
staff pool, the tool's *resource*), and when. procflow writes one from a
simulation (``procflow simulate --events``) and reads one back, from its own
run or from a production export, to calibrate a process file against reality.

The CSV file has one row per visit, in this order of columns:

====================  =====================================================
``case_id``           the item's id (XES ``case:concept:name``)
``activity``          the stage (XES ``concept:name``)
``resource``          the staff pool that worked on it; empty at an end stage;
                      ``pool#n``, the pool's n-th person, in a pool that tells
                      its people apart (separation of duties, consensus)
``enqueue_timestamp`` when the item joined the stage's queue
``start_timestamp``   when work started
``end_timestamp``     when work ended (XES ``time:timestamp``)
``wait (<unit>)``     start - enqueue, in the process's time unit
``duration (<unit>)`` end - start, in the process's time unit
one column each       the item's attributes (``severity``, ``market``...),
                      sorted by name; empty when an item has none
====================  =====================================================

Timestamps are ISO 8601 with milliseconds and an offset
(``2026-01-05T00:02:19.249+00:00``); the two durations are rounded to six
decimals. Delivery is a visit of its own to the end stage, with no pool and
the three timestamps equal. The XES file holds the same visits as a trace per
item with a ``start`` and a ``complete`` event per visit (a ``complete`` only at
the end stage); XES has no event for joining a queue.

Simulated time is a float in the process's time unit from 0; :class:`Clock`
maps it to dates, from :data:`SIMULATION_START` (a Monday, as the shift
calendars assume), so that the tools accept the timestamps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from procflow.model.quantities import SECONDS, TimeUnit

#: Simulated time 0: a Monday, as the shift calendars assume.
SIMULATION_START = datetime(2026, 1, 5, tzinfo=UTC)

#: The value of an item attribute: a category (text, a number or a flag) or a measured number.
AttributeValue = str | int | float | bool


@dataclass(frozen=True, slots=True)
class Visit:
    """One item's visit to one stage: a row of the CSV log, a start and a complete event in XES.

    ``case`` is the item's id (the tool's case id). ``stage`` is the stage, the
    tool's *activity*. ``pool`` is the staff pool that did the work, the tool's
    *resource*; None at an end stage, where nobody works. ``enqueued``,
    ``started`` and ``ended`` are when the item joined the stage's queue, when
    work started and when it ended, in the time unit of the process (the wait is
    ``started - enqueued``, the handling time ``ended - started``); ``enqueued``
    is None when a log read back does not say (XES and most exports record only
    start and complete). ``attributes`` are the item's attributes, such as
    ``severity``: what ``when`` conditions read, what a tool filters on.
    """

    case: str
    stage: str
    pool: str | None
    enqueued: float | None
    started: float
    ended: float
    attributes: Mapping[str, AttributeValue]


class EventSink(Protocol):
    """Receives the event log of a run: one call per item per stage visit (opt-in; grows)."""

    def visit(self, visit: Visit) -> None:
        """An item finished its visit to a stage (at an end stage: was delivered)."""


@dataclass(frozen=True, slots=True)
class Clock:
    """Process time (a float in ``unit``, 0 at ``origin``) against wall-clock datetimes."""

    unit: TimeUnit
    origin: datetime = SIMULATION_START

    def moment(self, time: float) -> datetime:
        """The date and time of ``time``."""
        return self.origin + timedelta(seconds=time * SECONDS[self.unit])

    def time(self, moment: datetime) -> float:
        """The process time of ``moment`` (an aware datetime), in ``unit`` since ``origin``."""
        return (moment - self.origin) / timedelta(seconds=SECONDS[self.unit])


def case_order(case: str) -> tuple[bool, int, str, str]:
    """A sort key for case ids: numbers by value (``2`` before ``10``), then others as text."""
    if case.isascii() and case.isdigit():
        digits = case.lstrip("0")
        return (False, len(digits), digits, case)
    return (True, 0, case, case)
