"""Reading an event log back into visits: procflow's own, or a production tool's export.

Calibration starts from what really happened: an export of the ticketing or
labelling tool, or a log ``procflow simulate --events`` wrote. Both read into
the same :class:`~procflow.eventlog.visit.Visit` records, ordered by case and
start, with times in a unit of your choice counted from the earliest event
(the :class:`VisitLog`'s clock says which date that is).

- **CSV**, one row per visit, rows in any order. The columns are found by
  name (:class:`Columns`): by default procflow's own (``case_id``,
  ``activity``, ``resource``, ``enqueue_timestamp``, ``start_timestamp``,
  ``end_timestamp``) or the XES-style names of PM4Py and similar exports
  (``case:concept:name``, ``concept:name``, ``org:resource``,
  ``start_timestamp``, ``time:timestamp``). The pool and the enqueue time may
  be missing; every other column is an attribute of the item, as text (a
  ``case:`` prefix is dropped; procflow's wait and duration columns and
  PM4Py's ``@@`` bookkeeping are skipped), and an empty cell means no value.
- **XES**: the trace's attributes are the item's, with their XES types; a
  visit is a ``start`` and the next ``complete`` event of the same activity,
  in time order (a ``complete`` alone is an instant visit, such as delivery; a
  ``schedule`` event, where there is one, is when the item joined the queue;
  a ``start`` never completed, work still going on when the log was cut, is
  left out; other transitions are ignored). Event attributes other than the
  activity, the resource, the transition and the time are not the item's and
  are ignored too.

Timestamps are ISO 8601 (``2026-01-05T09:30:00.250+01:00``, a space for the
``T`` too); an offset is honoured, and a time without one is taken in the
``zone`` given (UTC unless said otherwise).

A log compressed with gzip (``log.csv.gz``, ``log.xes.gz``) is read as it is. The file
is read as a stream (:mod:`~procflow.eventlog.logfile`), a CSV row or an XES chunk at a
time, and its text is never held whole. :func:`read_event_log` keeps the visits (rows
come in any order), each kept small until the log's first moment, its time 0, is known;
:func:`log_records` gives them as they are read, for a reader that keeps less
(calibration: :mod:`procflow.calibrate.stream`).
Files larger than :data:`MAX_BYTES` (before or after decompression) are refused,
and so are XES files with a DTD (where the entities of XML bombs and of reads of
other files are declared; no event log needs one), and anything that is not an
ordinary file (a named pipe would wait forever). A problem with the whole file is
a :class:`~procflow.diagnostics.LoadError` with one ``PF020`` finding at
``file:line:col``: a missing column, a file that is not UTF-8 or not CSV.

A bad CSV row is not the end of the log: real exports have a few. A row without
a case id or an activity, with a timestamp that is not one, that ends before it
starts or was queued after it started is skipped and counted; the log says how
many (:attr:`VisitLog.skipped_rows`) and keeps a ``PF020`` finding at the row and
column of the first :data:`SHOWN_SKIPPED` (:attr:`VisitLog.skipped`). A log whose
every row is bad is an error, with those findings.
"""

from __future__ import annotations

import csv
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from xml.parsers import expat

from procflow.diagnostics import Finding, LoadError, Location
from procflow.diagnostics.csvcells import field_column
from procflow.eventlog import csvlog
from procflow.eventlog.logfile import error as _error
from procflow.eventlog.logfile import error_at as _error_at
from procflow.eventlog.logfile import finding as _finding
from procflow.eventlog.logfile import open_log
from procflow.eventlog.visit import AttributeValue, Clock, Visit, case_order
from procflow.model.quantities import SECONDS, TimeUnit

#: The largest event log read (256 MiB): months of a busy queue, not an accident.
MAX_BYTES = 256 * 1024 * 1024

#: How many skipped rows a log lists by line (it counts them all).
SHOWN_SKIPPED = 5

#: A column's name, or the names it may go by (the first one in the header is used).
Names = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Columns:
    """Which CSV column holds each part of a visit; ``pool`` and ``enqueued`` may be absent."""

    case: Names = (csvlog.CASE, "case:concept:name")
    stage: Names = (csvlog.STAGE, "concept:name")
    pool: Names = (csvlog.POOL, "org:resource")
    enqueued: Names = (csvlog.ENQUEUED, "enabled_time")
    started: Names = (csvlog.STARTED, "start_time")
    ended: Names = (csvlog.ENDED, "time:timestamp", "end_time")


#: procflow's own column names, the XES-style ones and Simod's (``start_time``...).
COLUMNS = Columns()


@dataclass(frozen=True, slots=True)
class VisitLog:
    """The visits of an event log, by case and start; ``clock`` turns their times into dates.

    ``skipped_rows`` bad rows were left out; ``skipped`` locates the first few of them.
    """

    visits: tuple[Visit, ...]
    clock: Clock
    skipped_rows: int = 0
    skipped: tuple[Finding, ...] = ()


def read_event_log(
    path: str | Path,
    unit: TimeUnit = "minute",
    *,
    columns: Columns = COLUMNS,
    max_bytes: int = MAX_BYTES,
    zone: tzinfo = UTC,
) -> VisitLog:
    """Read a ``.csv`` or ``.xes`` event log (by its suffix, gzipped or not); raises
    :class:`LoadError`. Timestamps without an offset are in ``zone``."""
    records, skipped = Records(), Skipped()
    chunks = log_records(path, records, skipped, columns, max_bytes, zone)
    read = [r for chunk in chunks for r in chunk]
    return _visit_log(read, records.origin, unit, str(path), skipped)


def log_records(
    path: str | Path,
    records: Records,
    skipped: Skipped,
    columns: Columns = COLUMNS,
    max_bytes: int = MAX_BYTES,
    zone: tzinfo = UTC,
) -> Iterator[list[Record]]:
    """The records of a ``.csv`` or ``.xes`` event log as they are read (by its suffix,
    gzipped or not: :func:`csv_records`, :func:`xes_records`); raises :class:`LoadError`."""
    name = Path(path).name.lower().removesuffix(".gz")
    if name.endswith(".csv"):
        return csv_records(path, records, skipped, columns, max_bytes, zone)
    if name.endswith(".xes"):
        return xes_records(path, records, max_bytes, zone)
    hint = "rename the file"
    raise _error(str(path), "an event log is a .csv or .xes file (or .csv.gz)", hint=hint)


#: Times are kept as whole microseconds since 1970 while a log is read (exact, and small).
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(slots=True)
class Record:
    """A visit as it was read: its times in whole microseconds since 1970, not yet in the
    log's unit (that needs the log's first moment); ``row`` is its place in the file."""

    case: str
    stage: str
    pool: str | None
    enqueued: int | None
    started: int
    ended: int
    attributes: dict[str, AttributeValue]
    row: int

    @property
    def first(self) -> int:
        """When the visit began: it was queued, or (not saying) started."""
        return self.started if self.enqueued is None else self.enqueued


class Timeline:
    """Records to visits: times in ``unit`` from ``origin``, the log's first moment (its
    offset is the log's own); :attr:`clock` turns them into dates again."""

    def __init__(self, origin: datetime, unit: TimeUnit) -> None:
        self.clock = Clock(unit, origin)
        #: the origin, in microseconds since 1970, as a record's times
        self.zero = (origin - _EPOCH) // _MICROSECOND
        # as Clock.time: a timedelta over a timedelta divides their whole microseconds
        self._per = timedelta(seconds=SECONDS[unit]) // _MICROSECOND

    def visit(self, r: Record) -> Visit:
        """The visit of a record, its times in the unit from the origin."""
        zero, per = self.zero, self._per
        return Visit(
            r.case,
            r.stage,
            r.pool,
            None if r.enqueued is None else (r.enqueued - zero) / per,
            (r.started - zero) / per,
            (r.ended - zero) / per,
            r.attributes,
        )


class Records:
    """Makes the records of visits read, kept small: one copy of each name and of each set
    of attributes (a case's rows repeat them), of the last ``memory`` of them (all, for
    None: a log read whole), and the earliest moment (the log's origin)."""

    def __init__(self, memory: int | None = None) -> None:
        self.made: list[Record] = []  # since the last :meth:`taken`
        self.origin: datetime | None = None
        self.count = 0
        self._memory = memory
        self._names: dict[str, str] = {}
        self._attributes: dict[tuple[tuple[str, AttributeValue], ...], dict[str, AttributeValue]]
        self._attributes = {}

    def add(
        self,
        case: str,
        stage: str,
        pool: str | None,
        enqueued: datetime | None,
        started: datetime,
        ended: datetime,
        attributes: dict[str, AttributeValue],
    ) -> None:
        first = started if enqueued is None else enqueued
        if self.origin is None or first < self.origin:
            self.origin = first
        if self._memory is not None and len(self._names) + len(self._attributes) > self._memory:
            self._names.clear()
            self._attributes.clear()
        names = self._names
        attributes = self._attributes.setdefault(tuple(attributes.items()), attributes)
        self.made.append(
            Record(
                names.setdefault(case, case),
                names.setdefault(stage, stage),
                None if pool is None else names.setdefault(pool, pool),
                None if enqueued is None else (enqueued - _EPOCH) // _MICROSECOND,
                (started - _EPOCH) // _MICROSECOND,
                (ended - _EPOCH) // _MICROSECOND,
                attributes,
                self.count,
            )
        )
        self.count += 1

    def taken(self) -> list[Record]:
        """The records made since the last call."""
        made, self.made = self.made, []
        return made


@dataclass
class Skipped:
    """The bad rows of a log: how many, and the findings of the first :data:`SHOWN_SKIPPED`."""

    rows: int = 0
    findings: list[Finding] = field(default_factory=list)


def csv_records(
    path: str | Path,
    records: Records,
    skipped: Skipped,
    columns: Columns = COLUMNS,
    max_bytes: int = MAX_BYTES,
    zone: tzinfo = UTC,
) -> Iterator[list[Record]]:
    """The records of a CSV event log as they are read, a row at a time (each list holds
    a row's record, or none for a bad row, counted in ``skipped``); raises
    :class:`LoadError` for a log that cannot be read, or whose every row is bad."""
    name = str(path)
    with open_log(path, max_bytes) as log:
        rows = csv.reader(log.lines())
        try:
            header = [cell.strip() for cell in next(rows, [])]
            if not header:
                raise _error(name, "the file is empty: no header row")
            log.taken()
            fields = _locate(header, columns, name)
            first = rows.line_num + 1
            for row in rows:
                line = log.taken()
                if any(cell.strip() for cell in row):
                    where = Location(name, first)
                    try:
                        _csv_record(records, row, fields, line, where, zone)
                    except LoadError as bad:
                        skipped.rows += 1
                        if len(skipped.findings) < SHOWN_SKIPPED:
                            skipped.findings += bad.findings
                    yield records.taken()
                first = rows.line_num + 1
        except csv.Error as exc:
            raise _error(name, f"not a readable CSV file: {exc}", rows.line_num) from None
    if not records.count and skipped.findings:
        every = _finding(Location(name), "every row of the log is bad")
        raise LoadError([*skipped.findings, every])


@dataclass(frozen=True)
class _Fields:
    """Where each part of a visit is in a CSV row, by column index (None: not in the file)."""

    case: int
    stage: int
    pool: int | None
    enqueued: int | None
    started: int
    ended: int
    attributes: tuple[tuple[int, str], ...]


def _locate(header: list[str], columns: Columns, file: str) -> _Fields:
    """The columns of each part of a visit; a finding for each required one missing."""

    def find(names: Names) -> int | None:
        candidates = (names,) if isinstance(names, str) else names
        return next((header.index(n) for n in candidates if n in header), None)

    missing: list[Finding] = []

    def need(names: Names, part: str, option: str) -> int:
        index = find(names)
        if index is None:
            expected = " or ".join(repr(n) for n in ((names,) if isinstance(names, str) else names))
            hint = (
                f"the columns are: {', '.join(header) or 'none'}; give the name of this log's "
                f"{part} column with {option} (calibrate and validate)"
            )
            missing.append(_finding(Location(file), f"no {part} column: expected {expected}", hint))
            return -1
        return index

    case, stage = (
        need(columns.case, "case id", "--case"),
        need(columns.stage, "activity", "--activity"),
    )
    started = need(columns.started, "start time", "--start")
    ended = need(columns.ended, "end time", "--end")
    if missing:
        raise LoadError(missing)
    pool, enqueued = find(columns.pool), find(columns.enqueued)
    used = {case, stage, started, ended, pool, enqueued}
    attributes = tuple(
        (i, column.removeprefix("case:"))
        for i, column in enumerate(header)
        if i not in used and column and column not in csvlog.DERIVED and column[:2] != "@@"
    )
    return _Fields(case, stage, pool, enqueued, started, ended, attributes)


def _csv_record(
    records: Records, row: list[str], fields: _Fields, line: str, where: Location, zone: tzinfo
) -> None:
    """Add the visit of one row; a :class:`LoadError` for a bad row (the caller skips it)."""

    def cell(index: int) -> str:
        return row[index].strip() if index < len(row) else ""

    def at(index: int) -> Location:
        return Location(where.file, where.line, field_column(line, index))

    def moment(index: int) -> datetime:
        text = cell(index)
        parsed = _timestamp(text, zone)
        if parsed is None:
            message = f"not a timestamp: {text!r}" if text else "no timestamp"
            raise _error_at(at(index), message, "write ISO 8601, such as 2026-01-05T09:30:00Z")
        return parsed

    case, stage = cell(fields.case), cell(fields.stage)
    if not case:
        raise _error_at(at(fields.case), "a visit without a case id")
    if not stage:
        raise _error_at(at(fields.stage), "a visit without an activity")
    started, ended = moment(fields.started), moment(fields.ended)
    enqueued = None
    if fields.enqueued is not None and cell(fields.enqueued):
        enqueued = moment(fields.enqueued)
        if enqueued > started:
            raise _error_at(at(fields.enqueued), "the visit was queued after it started")
    if ended < started:
        raise _error_at(at(fields.ended), "the visit ends before it starts")
    pool = cell(fields.pool) if fields.pool is not None else ""
    attributes: dict[str, AttributeValue] = {
        name: cell(i) for i, name in fields.attributes if cell(i)
    }
    records.add(case, stage, pool or None, enqueued, started, ended, attributes)


def _timestamp(text: str, zone: tzinfo = UTC) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime (in ``zone`` without an offset), or None."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=zone)


def xes_records(
    path: str | Path, records: Records, max_bytes: int = MAX_BYTES, zone: tzinfo = UTC
) -> Iterator[list[Record]]:
    """The records of an XES event log as they are read, a chunk of the file at a time (a
    trace's visits come together, in start order); raises :class:`LoadError`."""
    name = str(path)
    reader = _XesReader(name, zone, records)
    try:
        with open_log(path, max_bytes) as log:
            for chunk in log.chunks():
                reader.parser.Parse(chunk, False)
                yield records.taken()
        reader.parser.Parse(b"", True)
    except expat.ExpatError as exc:
        where = Location(name, exc.lineno, exc.offset + 1)
        message = f"not well-formed XML: {expat.ErrorString(exc.code)}"
        raise _error_at(where, message) from None
    yield records.taken()


#: The XES elements that hold one attribute each.
_XES_VALUES = frozenset({"string", "date", "int", "float", "boolean", "id"})


@dataclass
class _Event:
    where: Location
    stage: str | None = None
    pool: str | None = None
    transition: str = "complete"
    moment: datetime | None = None


@dataclass
class _Trace:
    where: Location
    case: str | None = None
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    events: list[tuple[datetime, str, _Event]] = field(default_factory=list)


class _XesReader:
    """Builds records from expat's callbacks, one trace at a time; refuses DTDs."""

    def __init__(self, file: str, zone: tzinfo, records: Records) -> None:
        self.file = file
        self.zone = zone
        self.records = records
        self.stack: list[str] = []
        self.trace: _Trace | None = None
        self.event: _Event | None = None
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        # Entities (XML bombs, reads of other files) are declared in a DTD: refuse any DTD.
        self.parser.StartDoctypeDeclHandler = self._refuse

    def _here(self) -> Location:
        return Location(
            self.file, self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1
        )

    def _refuse(self, *_: Any) -> None:
        where = Location(self.file, self.parser.CurrentLineNumber)
        message = "an XES log with a DTD (<!DOCTYPE ...>) is refused"
        raise _error_at(where, message, "export the log without a DOCTYPE")

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition("}")[2]
        parent = self.stack[-1] if self.stack else None
        self.stack.append(local)
        if parent is None and local != "log":
            raise _error_at(self._here(), f"not an XES log: the document is a <{local}>")
        if local == "trace" and parent == "log":
            self.trace = _Trace(self._here())
        elif local == "event" and parent == "trace":
            self.event = _Event(self._here())
        elif local in _XES_VALUES and parent in ("trace", "event"):
            key, value = attrs.get("key"), attrs.get("value")
            if key is None or value is None:
                raise _error_at(self._here(), f"a <{local}> without a key or a value")
            if parent == "event":
                self._event_attribute(key, value)
            else:
                self._trace_attribute(local, key, value)

    def _event_attribute(self, key: str, value: str) -> None:
        event = self.event
        assert event is not None
        if key == "concept:name":
            event.stage = value
        elif key == "org:resource":
            event.pool = value
        elif key == "lifecycle:transition":
            event.transition = value.lower()
        elif key == "time:timestamp":
            event.moment = _timestamp(value.strip(), self.zone)
            if event.moment is None:
                raise _error_at(self._here(), f"not a timestamp: {value!r}")

    def _trace_attribute(self, kind: str, key: str, value: str) -> None:
        trace = self.trace
        assert trace is not None
        if key == "concept:name":
            trace.case = value
            return
        parse = _XES_TYPES.get(kind, str)
        try:
            trace.attributes[key] = parse(value)
        except ValueError:
            raise _error_at(self._here(), f"not a valid {kind}: {value!r}") from None

    def _end(self, tag: str) -> None:
        local = self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        if local == "event" and parent == "trace":
            event, trace = self.event, self.trace
            assert event is not None and trace is not None
            if event.stage is None or event.moment is None:
                raise _error_at(event.where, "an event needs a concept:name and a time:timestamp")
            trace.events.append((event.moment, event.stage, event))
            self.event = None
        elif local == "trace" and parent == "log":
            assert self.trace is not None
            _pair(self.records, self.trace)
            self.trace = None


def _boolean(text: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise ValueError(text)
    return text.lower() == "true"


_XES_TYPES: dict[str, Callable[[str], AttributeValue]] = {
    "int": int,
    "float": float,
    "boolean": _boolean,
}


def _pair(records: Records, trace: _Trace) -> None:
    """Add the visits of a trace: each complete with the oldest open start of its activity (of
    its resource, if one has it)."""
    case = trace.case
    if case is None:
        raise _error_at(trace.where, "a trace without a case id (its concept:name)")
    scheduled: defaultdict[str, deque[datetime]] = defaultdict(deque)
    started: defaultdict[str, deque[tuple[_Event, datetime | None]]] = defaultdict(deque)
    for moment, stage, event in sorted(trace.events, key=lambda e: e[0]):
        if event.transition == "schedule":
            scheduled[stage].append(moment)
        elif event.transition == "start":
            queue = scheduled[stage]
            started[stage].append((event, queue.popleft() if queue else None))
        elif event.transition == "complete":
            opened = started[stage]
            if opened:
                # one case's visits of one activity can overlap (a consensus's labels):
                # the start of the same resource, when the events name one
                k = next((i for i, (s, _) in enumerate(opened) if s.pool == event.pool), 0)
                start, enqueued = opened[k]
                del opened[k]
                begin, pool = start.moment, event.pool or start.pool
            else:
                queue = scheduled[stage]
                begin, pool, enqueued = moment, event.pool, queue.popleft() if queue else None
            assert begin is not None
            records.add(case, stage, pool, enqueued, begin, moment, trace.attributes)


def _visit_log(
    read: list[Record], origin: datetime | None, unit: TimeUnit, file: str, skipped: Skipped
) -> VisitLog:
    if origin is None:
        raise _error(file, "the event log has no visits")
    timeline = Timeline(origin, unit)
    visits: list[Any] = read  # each record is replaced by its visit, in place
    for i, r in enumerate(read):
        visits[i] = timeline.visit(r)
    rank = {case: i for i, case in enumerate(sorted({v.case for v in visits}, key=case_order))}
    # by case, start and end: sorted by the last, then (stably) by each one before it, so
    # that the keys are the visits' own numbers, not a tuple made for each visit
    visits.sort(key=lambda v: v.ended)
    visits.sort(key=lambda v: v.started)
    visits.sort(key=lambda v: rank[v.case])
    return VisitLog(tuple(visits), timeline.clock, skipped.rows, tuple(skipped.findings))
