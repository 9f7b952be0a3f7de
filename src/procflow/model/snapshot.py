"""A backlog snapshot: the items already in the system at a moment, where a forecast starts.

On a Monday morning the queue is not empty: 18,000 reports wait, some of them
for two days, and a few hundred are on a reviewer's screen. Review tools export
that backlog as one row per item; procflow reads the export as CSV::

    # snapshot: 2026-12-01T09:00
    stage,arrived,state,market,severity
    review_en,2026-11-29T14:05,waiting,US,low
    review_ja,2026-12-01T08:55,in_progress,JP,high

- ``stage``: the stage the item waits in or is being worked at;
- ``arrived``: when it arrived (ISO date-time, with or without an offset): its age
  counts from there, so its cycle time does too;
- ``state`` (optional): ``waiting`` (the default) or ``in_progress``;
- ``holder`` (optional, or ``resource``): who holds an item in progress: its
  stage's pool (``reviewer_en``), a person of it (``reviewer_en#4``, or ``4``);
  a held item is worked on from the start, its holder staying past their shift
  if the calendar has them off; an item with a holder is in progress;
- one column per item attribute, named as in the process (``market``); a column
  left out, or a cell left empty, leaves that attribute unknown for the item.

The snapshot's time is the ``--at`` option or the file's first line
``# snapshot: <ISO date-time>``. A comment line ``# on_shift: reviewer_en=9,
reviewer_id=12`` before the header says who is really on shift when it is not
the calendar (three out sick): that many people are on duty in that pool until
its next calendar change. Its wall-clock time places the run in the week,
so the weekly shift calendars and arrival schedules line up with the real day.
Every problem is reported at its row and column (``PF022``), checked against the
process: its stages, its attribute values, an end stage, an arrival after the
snapshot time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from procflow.diagnostics import Finding, LoadError, Location
from procflow.diagnostics.checks import UNREADABLE_SNAPSHOT
from procflow.diagnostics.csvcells import field_column
from procflow.model.process import Process
from procflow.model.quantities import parse_duration
from procflow.model.snapshot_check import ItemChecker, State, Value
from procflow.model.validation import translate_errors
from procflow.source import Document, load_document
from procflow.source.guards import read_text

#: The largest snapshot read (64 MiB: about a million items).
MAX_BYTES = 64 * 1024 * 1024
#: The comment line that gives the snapshot's time.
MARKER = "# snapshot:"
#: The comment line that says who is on shift: ``# on_shift: reviewer_en=9, reviewer_id=12``.
ON_SHIFT = "# on_shift:"
#: The columns that may name who holds an item (the first one present is read).
HOLDER_COLUMNS = ("holder", "resource")


class SnapshotItem(BaseModel):
    """One item of the backlog: its stage, its age at the snapshot, its state, its attributes."""

    model_config = ConfigDict(frozen=True)
    stage: str
    #: hours between its arrival and the snapshot's time (0 or more)
    age_hours: float
    state: State = "waiting"
    attributes: tuple[tuple[str, Value], ...] = ()
    #: the row's line in the file
    line: int = 0
    #: an item in progress someone holds: the pool (its stage's), and the person (from 1)
    holder: str | None = None
    person: int | None = None


class Snapshot(BaseModel):
    """The items in the system at ``at`` (wall-clock time as written, no offset)."""

    model_config = ConfigDict(frozen=True)
    file: str
    at: datetime
    items: tuple[SnapshotItem, ...]
    #: people on duty per pool at ``at`` where it is not the calendar's (until it changes)
    on_shift: tuple[tuple[str, int], ...] = ()

    @property
    def week_minutes(self) -> float:
        """Minutes from the Monday 00:00 before ``at`` to ``at``: where the run starts in the
        week of the calendars and schedules."""
        midnight = self.at.replace(hour=0, minute=0, second=0, microsecond=0)
        return self.at.weekday() * 1440 + (self.at - midnight) / timedelta(minutes=1)

    def hours_until(self, until: datetime) -> float:
        """Hours from the snapshot's time to ``until`` (wall-clock, offsets dropped)."""
        return (until.replace(tzinfo=None) - self.at) / timedelta(hours=1)


def parse_time(text: str) -> datetime:
    """An ISO date-time (``2026-12-01T09:00``, ``2026-12-01 09:00+01:00``); ValueError if not."""
    return datetime.fromisoformat(text.strip())


def read_snapshot(path: str | Path, process: Process, at: datetime | None = None) -> Snapshot:
    """Read a backlog snapshot CSV for ``process``, taken at ``at`` (else the file's
    ``# snapshot:`` line).

    Raises :class:`~procflow.diagnostics.LoadError` (``PF022``) with the row and column
    of every problem: the file unreadable, no time, no ``stage`` or ``arrived`` column,
    a stage the process does not have or an end stage, an item in progress where
    nobody works, an unknown state or attribute value, an arrival that is not a
    date-time or is after the snapshot's time.
    """
    name = str(path)
    if Path(name).suffix.lower() in (".yaml", ".yml"):
        return _read_counts(name, process, at)
    text = _text(name)
    lines = list(io.StringIO(text, newline=""))
    first = 0
    crew: tuple[int, str] | None = None
    while first < len(lines) and lines[first].lstrip().startswith("#"):
        line = lines[first]
        first += 1
        lowered = line.lstrip().lower()
        if lowered.startswith(ON_SHIFT):
            crew = (first, line)
        elif lowered.startswith(MARKER) and at is None:
            stamp = line.split(":", 1)[1].strip()
            try:
                at = parse_time(stamp)
            except ValueError:
                column = line.index(stamp) + 1 if stamp else len(line.rstrip()) + 1
                raise _error(
                    Location(name, first, column),
                    f"the snapshot time {stamp!r} is not a date-time",
                    "write ISO 8601, such as # snapshot: 2026-12-01T09:00",
                ) from None
    if at is None:
        raise _error(
            Location(name, 1),
            "the snapshot has no time",
            "give --at 2026-12-01T09:00, or start the file with # snapshot: 2026-12-01T09:00",
        )
    reader = csv.reader(lines[first:])
    header = [cell.strip() for cell in next(reader, [])]
    missing = [c for c in ("stage", "arrived") if c not in header]
    if missing:
        hint = f"the columns are: {', '.join(header) or 'none'}"
        raise _error(Location(name, first + 1), f"no {' or '.join(missing)} column", hint)
    reading = _Rows(name, process, at, header)
    if crew is not None:
        reading.on_shift(*crew)
    number = first + 2
    for cells in reader:
        line = lines[number - 1] if number - 1 < len(lines) else ""
        if any(c.strip() for c in cells):
            reading.row(cells, number, line)
        number = first + reader.line_num + 1
    if reading.problems:
        raise LoadError(reading.problems)
    return Snapshot(
        file=name,
        at=at.replace(tzinfo=None),
        items=tuple(reading.items),
        on_shift=tuple(reading.checker.people.items()),
    )


def _text(name: str) -> str:
    return read_text(name, MAX_BYTES, "snapshots")


class _Rows:
    """Checks CSV rows against the process, collecting the items and every problem."""

    def __init__(self, file: str, process: Process, at: datetime, header: list[str]) -> None:
        self.file = file
        self.at = at
        self.columns = {c: k for k, c in enumerate(header)}
        self.checker = ItemChecker(process)
        #: attribute columns of the file (other columns are not the snapshot's)
        self.attribute_columns = [n for n in self.checker.attributes if n in self.columns]
        self.holder_column = next((c for c in HOLDER_COLUMNS if c in self.columns), None)
        self.items: list[SnapshotItem] = []
        self.problems: list[Finding] = []

    def on_shift(self, number: int, line: str) -> None:
        """The ``# on_shift: reviewer_en=9, reviewer_id=12`` line (line ``number``)."""
        body = line.index(":") + 1
        for part in line[body:].split(","):
            if not part.strip():
                continue
            column = body + len(part) - len(part.lstrip()) + 1
            body += len(part) + 1
            pool, sep, count = part.strip().partition("=")
            at_count = column + len(part.strip()) - len(count.lstrip())

            def problem(
                message: str, at_pool: bool = True, at: tuple[int, int] = (column, at_count)
            ) -> None:
                where = Location(self.file, number, at[0] if at_pool else at[1])
                hint = "write # on_shift: reviewer_en=9, reviewer_id=12"
                self.problems.append(UNREADABLE_SNAPSHOT.finding(message, where, hint))

            value: Any = int(count) if count.strip().isdecimal() else count.strip()
            if not sep:
                problem(f"{part.strip()!r}: say how many people, as pool=count")
                continue
            self.checker.crew(pool.strip(), value, problem)

    def row(self, cells: list[str], number: int, line: str) -> None:
        found = len(self.problems)

        def cell(key: str) -> str:
            index = self.columns.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        def problem(key: str, message: str, hint: str | None = None) -> None:
            # an item in progress for its holder alone: its state is told by that column
            column = self.columns.get(key, self.columns.get(self.holder_column or "", 0))
            where = Location(self.file, number, field_column(line, column))
            self.problems.append(UNREADABLE_SNAPSHOT.finding(message, where, hint))

        stage = cell("stage")
        held = cell(self.holder_column) if self.holder_column else ""
        state = cell("state") or ("in_progress" if held else "waiting")
        written = [(name, cell(name)) for name in self.attribute_columns]
        values = self.checker.check(stage, state, written, problem)
        holder: tuple[str | None, int | None] = (None, None)
        if held and state == "waiting":
            problem(self.holder_column or "holder", "a waiting item has no holder",
                    "leave holder empty, or set state in_progress")  # fmt: skip
        elif held:

            def at_holder(key: str, message: str, hint: str | None = None) -> None:
                problem(self.holder_column or key, message, hint)

            holder = self.checker.holder(stage, held, number, at_holder)
        age = 0.0
        try:
            arrived = parse_time(cell("arrived"))
        except ValueError:
            text = cell("arrived")
            message = f"arrived {text!r} is not a date-time" if text else "no arrived"
            problem("arrived", message, "write ISO 8601, such as 2026-11-30T14:05")
        else:
            age = _age(self.at, arrived)
            if age < 0:
                problem(
                    "arrived",
                    f"arrived {arrived.isoformat()} is after the snapshot time "
                    f"{self.at.isoformat()}",
                    "take the snapshot after its last arrival, or fix --at",
                )
        if len(self.problems) == found:
            self.items.append(
                SnapshotItem(
                    stage=stage,
                    age_hours=age,
                    state=state,
                    attributes=tuple(values),
                    line=number,
                    holder=holder[0],
                    person=holder[1],
                )
            )


def _age(at: datetime, arrived: datetime) -> float:
    """Hours from ``arrived`` to ``at``: exact when both carry an offset, else wall-clock."""
    if (at.tzinfo is None) != (arrived.tzinfo is None):
        at, arrived = at.replace(tzinfo=None), arrived.replace(tzinfo=None)
    return (at - arrived) / timedelta(hours=1)


def _error(where: Location, message: str, hint: str | None = None) -> LoadError:
    return LoadError([UNREADABLE_SNAPSHOT.finding(message, where, hint)])


def stage_counts(snapshot: Snapshot, stages: Sequence[str]) -> dict[str, int]:
    """Items per stage, in the order of ``stages`` (those with none left out)."""
    counts = {name: 0 for name in stages}
    for item in snapshot.items:
        counts[item.stage] += 1
    return {name: n for name, n in counts.items() if n}


class SnapshotGroup(BaseModel):
    """Items counted together (the YAML form): ``count`` items at ``stage``, their ages spread
    evenly over the ``age`` band (``[12 hours, 24 hours]``) or all of one age (``6 hours``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    stage: str = Field(description="The stage the items wait in or are worked at.")
    count: int = Field(ge=1, le=1_000_000, description="How many items.")
    age: str | float | list[str | float] = Field(
        default=0.0,
        description="Their age at the snapshot: one duration, or [youngest, oldest].",
    )
    state: str = Field(default="waiting", description="waiting or in_progress.")
    holder: str | None = Field(
        default=None,
        description="The pool whose people hold these items (in progress): they work on "
        "them from the start, past their shift if need be.",
    )
    attributes: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="Their attribute values, as in the process."
    )


class SnapshotFile(BaseModel):
    """The YAML form of a snapshot: its time and the items counted per stage and age band."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="procflow snapshot")
    snapshot: str | datetime = Field(description="When it was taken: an ISO date-time.")
    on_shift: dict[str, int] = Field(
        default_factory=dict,
        description="People on duty per pool when it is not the calendar ({reviewer_en: 9}), "
        "until the pool's next calendar change.",
    )
    items: list[SnapshotGroup] = Field(min_length=1, description="The items, in groups.")


def validate_snapshot_file(doc: Document) -> SnapshotFile:
    """The shape of a YAML snapshot (its names are checked against a process by
    :func:`read_snapshot`); :class:`LoadError` with every problem located."""
    if doc.findings:
        raise LoadError(doc.findings)
    try:
        return SnapshotFile.model_validate(doc.data)
    except ValidationError as exc:
        raise LoadError(translate_errors(exc, doc, SnapshotFile)) from None


def _read_counts(name: str, process: Process, at: datetime | None) -> Snapshot:
    """The YAML form: every group expanded into its items, each problem located at its key."""
    doc = load_document(name)
    loaded = validate_snapshot_file(doc)
    problems: list[Finding] = []
    if at is None:
        try:
            at = (
                loaded.snapshot
                if isinstance(loaded.snapshot, datetime)
                else parse_time(loaded.snapshot)
            )
        except ValueError:
            where = doc.locate(("snapshot",))
            raise _error(
                where, f"the snapshot time {loaded.snapshot!r} is not a date-time"
            ) from None
    checker = ItemChecker(process)
    for pool, count in loaded.on_shift.items():

        def crew(message: str, at_pool: bool, pool: str = pool) -> None:
            where = doc.locate(("on_shift", pool), key=at_pool)
            problems.append(UNREADABLE_SNAPSHOT.finding(message, where, None))

        checker.crew(pool, count, crew)
    items: list[SnapshotItem] = []
    for k, group in enumerate(loaded.items):
        found = len(problems)

        def problem(key: str, message: str, hint: str | None = None, k: int = k) -> None:
            path: tuple[Any, ...] = ("items", k, key)
            if key not in SnapshotGroup.model_fields:
                path = ("items", k, "attributes", key)
            problems.append(UNREADABLE_SNAPSHOT.finding(message, doc.locate(path), hint))

        given = "state" in group.model_fields_set
        state = "in_progress" if group.holder and not given else group.state
        values = checker.check(group.stage, state, list(group.attributes.items()), problem)
        holder: tuple[str | None, int | None] = (None, None)
        if group.holder and state == "waiting":
            problem(
                "holder", "a waiting item has no holder", "leave holder out, or say in_progress"
            )
        elif group.holder:
            line = doc.locate(("items", k)).line
            holder = checker.holder(group.stage, group.holder, line, problem, persons=False)
        band = group.age if isinstance(group.age, list) else [group.age, group.age]
        try:
            if len(band) != 2:
                raise ValueError("give one age, or two: [youngest, oldest]")
            low, high = (parse_duration(a, "hour") for a in band)
        except ValueError as exc:
            problem("age", f"age {group.age!r}: {exc}", "write e.g. 6 hours, or [12 hours, 1 day]")
            continue
        if low > high or low < 0:
            problem("age", "the age band goes from the youngest to the oldest, both 0 or more")
        if len(problems) > found:
            continue
        line = doc.locate(("items", k)).line
        step = (high - low) / group.count
        for j in range(group.count):
            age = low + (j + 0.5) * step if high > low else low
            item = SnapshotItem(
                stage=group.stage,
                age_hours=age,
                state=state,
                attributes=tuple(values),
                line=line,
                holder=holder[0],
            )
            items.append(item)
    if problems:
        raise LoadError(problems)
    return Snapshot(
        file=name,
        at=at.replace(tzinfo=None),
        items=tuple(items),
        on_shift=tuple(checker.people.items()),
    )
