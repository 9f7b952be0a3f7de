"""Reading a log into counts: as a stream when its rows come in time order, whole otherwise.

A tool's export is usually written in time order (by start, or by end, cases
interleaved). Calibration then reads it row by row and keeps only what is still
going on: the rows of the last :data:`WINDOW` (they may come a little out of
order), the cases still open, and counts per activity, resource and variant
(:class:`~procflow.calibrate.observe.Tally`). A case is closed, and counted, once
nothing happened in it for :data:`GAP`, or once it reached what looks like its
end (an instant visit with no resource, such as procflow's ``delivered``).
Memory then follows the cases open at once, not the length of the log (a closed
case leaves 16 bytes: its arrival time, and a hash of its id to notice it if it
comes back).

The log's time 0, its first moment, is the earliest of the rows read before the
first is counted (an hour in). A log that is not in time order (a row that starts
more than :data:`WINDOW` before one above it, or was queued before that time 0), a
case that comes back after it was closed, or ends that share the resource "none"
with work (known only at the end: :class:`~procflow.calibrate.people.Mixed`) is
read again whole, with the same result (:class:`Counted` says which way it went):
sort a big export by time to keep its memory small.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from itertools import groupby
from pathlib import Path
from typing import Any

import numpy as np

from procflow.calibrate.observe import Observed, Tally, week_shift
from procflow.calibrate.people import Mixed
from procflow.eventlog.reader import (
    COLUMNS,
    Columns,
    Record,
    Records,
    Skipped,
    Timeline,
    log_records,
    read_event_log,
)
from procflow.eventlog.visit import Clock, Visit, case_order

#: How much earlier than the latest start before it a row may start, in a time-sorted log.
WINDOW = 60 * 60 * 10**6  # an hour, in microseconds
#: How long a case may go without a visit and still be open.
GAP = 7 * 24 * 60 * 60 * 10**6  # a week, in microseconds
#: How many rows are read between two countings of those that waited long enough.
FLUSH = 64
#: How many names and sets of attributes a stream keeps one copy of at a time.
INTERNED = 256


@dataclass(frozen=True, slots=True)
class Counted:
    """A log counted: what it shows, its clock, its ``visits`` (rows read, repeats too), its
    bad rows, and whether it was ``streamed`` (read in time order) or read whole."""

    observed: Observed
    clock: Clock
    visits: int
    skipped: Skipped
    streamed: bool


def observe_log(
    path: str | Path, zone: tzinfo | None, role: str | None, columns: Columns = COLUMNS
) -> Counted:
    """Count the event log at ``path`` (see the module): as a stream, or whole when its rows
    are not in time order. ``zone`` as for :func:`~procflow.calibrate.calibrate`; raises
    :class:`~procflow.diagnostics.LoadError`."""
    try:
        return _Stream(zone, role).read(path, columns)
    except _NotInOrder:
        return _whole(path, zone, role, columns)


class _NotInOrder(Exception):
    """The log's rows are not in time order (see the module)."""


@dataclass
class _Case:
    due: int  # when it closes, in microseconds, unless it has another visit
    visits: list[Visit] = field(default_factory=list)
    seen: set[tuple[str, str | None, float, float]] = field(default_factory=set)


class _Closed:
    """The cases closed, as hashes of their ids (8 bytes each), to notice one that comes back.
    A new case is looked up among the recent ones at once, among the older ones in a batch
    (:meth:`check`): a case that came back is noticed a little late, but noticed."""

    def __init__(self) -> None:
        self._older = np.empty(0, dtype=np.int64)
        self._recent: set[int] = set()
        self._new: list[int] = []  # cases seen since the last check

    def add(self, case: str) -> None:
        self._recent.add(hash(case))
        if len(self._recent) > max(256, len(self._older) // 8):  # (merging costs the older)
            self.check()
            recent = np.fromiter(self._recent, dtype=np.int64, count=len(self._recent))
            self._older = np.union1d(self._older, recent)
            self._recent.clear()

    def new(self, case: str) -> None:
        """A case not open: raises :class:`_NotInOrder` if it was closed."""
        key = hash(case)
        if key in self._recent:
            raise _NotInOrder()
        self._new.append(key)

    def check(self) -> None:
        """Raises :class:`_NotInOrder` if a case seen since the last check was closed before."""
        new = np.asarray(self._new, dtype=np.int64)
        self._new.clear()
        if np.isin(new, self._older).any():
            raise _NotInOrder()


class _Stream:
    """One reading of a log in time order; raises :class:`_NotInOrder` when it is not."""

    def __init__(self, zone: tzinfo | None, role: str | None) -> None:
        self.zone, self.role = zone, role
        self.rows = 0
        self.flushed = 0  # rows read at the last counting
        self.duplicates = 0
        self.waiting: list[tuple[int, Any, int, int, Record]] = []  # by start, a heap
        self.latest = -1  # the latest start read
        self.open: dict[str, _Case] = {}
        self.due: list[tuple[int, str]] = []  # (when, case), a heap
        self.closed = _Closed()
        self.records = Records(INTERNED)
        self.timeline: Timeline | None = None
        self.tally: Tally | None = None

    def read(self, path: str | Path, columns: Columns) -> Counted:
        records, skipped = self.records, Skipped()
        for chunk in log_records(path, records, skipped, columns, zone=self.zone or UTC):
            for record in chunk:
                self._take(record)
            if self.rows >= self.flushed + FLUSH:
                self._flush(self.latest - WINDOW)
                self.flushed = self.rows
        if records.origin is None:
            raise _NotInOrder()  # no visits: read whole, which says so
        self._flush(None)
        tally = self._tally()
        for case in list(self.open):
            self._close(case)
        self.closed.check()
        try:
            observed = tally.observed(self.duplicates)
        except Mixed:
            raise _NotInOrder() from None
        assert self.timeline is not None
        return Counted(observed, self.timeline.clock, self.rows, skipped, True)

    def _take(self, record: Record) -> None:
        self.rows += 1
        if record.started < self.latest - WINDOW:
            raise _NotInOrder()
        if self.timeline is not None and record.first < self.timeline.zero:
            raise _NotInOrder()
        self.latest = max(self.latest, record.started)
        key = (record.started, case_order(record.case), record.ended, record.row, record)
        heapq.heappush(self.waiting, key)

    def _tally(self) -> Tally:
        """The tally, made at the first visit counted: the log's first moment is known then
        (every row still to come starts later than the rows read)."""
        if self.tally is None:
            origin = self.records.origin
            assert origin is not None
            self.timeline = Timeline(origin, "minute")
            local = self.zone or origin.tzinfo or UTC
            self.tally = Tally(week_shift(origin, local), self.role)
        return self.tally

    def _flush(self, before: int | None) -> None:
        """Count the rows that started before ``before`` (all, for None), and close the cases
        due by then, in time order: a case is closed before a row that starts after it was
        due is counted (that row, of that case, would be coming back)."""
        waiting, due = self.waiting, self.due
        if len(due) > 2 * len(self.open) + 1000:  # entries of cases closed since: drop them
            due[:] = [(case.due, name) for name, case in self.open.items()]
            heapq.heapify(due)
        limit = float("inf") if before is None else before
        while True:
            closing = due and due[0][0] < limit and (not waiting or due[0][0] < waiting[0][0])
            if closing:
                when, name = heapq.heappop(due)
                case = self.open.get(name)
                if case is not None and case.due <= when:
                    self._close(name)
                elif case is not None:  # it had a visit since: due later
                    heapq.heappush(due, (case.due, name))
            elif waiting and waiting[0][0] < limit:
                started, key, ended, row, record = heapq.heappop(waiting)
                self._place(record, (key, started, ended, row))
            else:
                return

    def _place(self, record: Record, order: Any) -> None:
        tally = self._tally()
        assert self.timeline is not None
        visit = self.timeline.visit(record)
        case = self.open.get(record.case)
        if case is None:
            self.closed.new(record.case)
            case = self.open[record.case] = _Case(due=GAP + record.ended)
            heapq.heappush(self.due, (case.due, record.case))
        key = (visit.stage, visit.pool, visit.started, visit.ended)
        if key in case.seen:
            self.duplicates += 1
            return
        case.seen.add(key)
        case.visits.append(visit)
        tally.work(visit, order)
        if visit.pool is None and record.ended == record.started:  # an end, it seems
            case.due = record.ended
            heapq.heappush(self.due, (case.due, record.case))
        else:
            case.due = max(case.due, record.ended + GAP)  # its entry in due is moved on

    def _close(self, name: str) -> None:
        case = self.open.pop(name)
        self._tally().case(case.visits)
        self.closed.add(name)


def _whole(path: str | Path, zone: tzinfo | None, role: str | None, columns: Columns) -> Counted:
    """Count a log read whole: its cases, then its work visits by start."""
    log = read_event_log(path, "minute", columns=columns, zone=zone or UTC)
    origin = log.clock.origin
    tally = Tally(week_shift(origin, zone or origin.tzinfo or UTC), role)
    kept: list[Visit] = []
    for _, group in groupby(log.visits, key=lambda v: v.case):
        case = _distinct(list(group))
        kept += case
        tally.case(case)
    ends = tally.ends()
    for index in sorted(range(len(kept)), key=lambda i: kept[i].started):
        if kept[index].stage not in ends:
            tally.work(kept[index], index)
    observed = tally.observed(len(log.visits) - len(kept))
    skipped = Skipped(log.skipped_rows, list(log.skipped))
    return Counted(observed, log.clock, len(log.visits), skipped, False)


def _distinct(case: list[Visit]) -> list[Visit]:
    """A case's visits without exact repeats (the same activity, resource and times)."""
    seen: set[tuple[str, str | None, float, float]] = set()
    kept = []
    for visit in case:
        key = (visit.stage, visit.pool, visit.started, visit.ended)
        if key not in seen:
            seen.add(key)
            kept.append(visit)
    return kept
