"""Required heads per interval: the CSV ``procflow staff --format csv`` writes, read back.

One row per pool and interval, with at least these columns (others are ignored)::

    pool,start,required
    annotator,mon 00:00,12
    annotator,mon 00:30,11
    annotator,2026-12-07T01:00,9

``start`` is the week's ``mon 09:00`` form or an ISO date and time (its day of the week
and time of day are taken: one week is planned, and it repeats). ``required`` is the
number of people *working* (before shrinkage) from that start to the next interval's.
An interval of the week not listed needs nobody.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from procflow.diagnostics import LoadError, Location
from procflow.diagnostics.checks import INVALID_VALUE
from procflow.diagnostics.csvcells import field_column
from procflow.model.calendar import DAY_MINUTES, DAYS, WEEK_MINUTES, week_time
from procflow.model.fields import MAX_HEADCOUNT
from procflow.source.guards import read_text

COLUMNS = ("pool", "start", "required")
#: The interval of a file with one row per pool, in minutes.
DEFAULT_INTERVAL = 30
_WEEK_FORM = re.compile(r"^\s*([A-Za-z]{3})\w*\s+(\d{1,2}):(\d{2})\s*$")


@dataclass
class Requirements:
    """Working heads required per pool, by the minute of the week each interval starts."""

    #: pool -> {minute of the week: working heads required from then}
    pools: dict[str, dict[int, int]] = field(default_factory=dict)
    #: Minutes from one interval's start to the next.
    interval: int = 30


def week_minute(text: str) -> int | None:
    """The minute of the week of ``mon 09:00`` or an ISO date and time; None if neither."""
    match = _WEEK_FORM.match(text)
    if match:
        day, hours, minutes = match[1].lower(), int(match[2]), int(match[3])
        if day in DAYS and hours < 24 and minutes < 60:
            return DAYS.index(day) * DAY_MINUTES + hours * 60 + minutes
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment.weekday() * DAY_MINUTES + moment.hour * 60 + moment.minute


def read_requirements(
    path: str | Path, text: str | None = None, *, interval: int | None = None
) -> Requirements:
    """Read a requirements CSV (``text`` on behalf of ``path``: standard input).

    ``interval`` (minutes) is by default the shortest step between two starts of a pool
    (at most a day; 30 minutes when every pool has a single row).
    Raises :class:`LoadError` at the ``file:line:col`` of the first bad cell.
    """
    name = str(path)
    if text is None:
        text = read_text(path)
    lines = list(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    rows = csv.reader(lines)
    header = [cell.strip().lower() for cell in next(rows, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise _error(
            Location(name),
            f"no {', '.join(missing)} column; a requirements CSV has columns pool, start, required",
            "write it with procflow staff --format csv",
        )
    index = {c: header.index(c) for c in COLUMNS}
    found = Requirements()
    number = rows.line_num + 1
    for row in rows:
        if any(cell.strip() for cell in row):
            _add_row(found, row, index, lines[number - 1], Location(name, number))
        number = rows.line_num + 1
    if not found.pools:
        raise _error(Location(name), "no requirements: the file has a header and no rows")
    found.interval = interval or _step(found)
    for pool, needs in found.pools.items():
        starts = sorted(needs)
        for a, b in zip(starts, [*starts[1:], starts[0] + WEEK_MINUTES], strict=True):
            if b - a < found.interval:
                raise _error(
                    Location(name),
                    f"pool {pool}: the intervals at {week_time(a)} and {week_time(b)} "
                    f"overlap (each lasts {found.interval} min)",
                    "give --interval, or one row per interval",
                )
    return found


def _add_row(
    found: Requirements, row: list[str], index: dict[str, int], line: str, where: Location
) -> None:
    def cell(column: str) -> str:
        at = index[column]
        return row[at].strip() if at < len(row) else ""

    def at(column: str) -> Location:
        return Location(where.file, where.line, field_column(line, index[column]))

    pool = cell("pool")
    if not pool:
        raise _error(at("pool"), "a row without a pool")
    minute = week_minute(cell("start"))
    if minute is None:
        raise _error(
            at("start"),
            f"not a start time: {cell('start')!r}",
            "write mon 09:00, or an ISO date and time such as 2026-12-07T09:00",
        )
    try:
        value = float(cell("required"))
    except ValueError:
        value = math.nan
    if not (0 <= value <= MAX_HEADCOUNT and value == round(value)):  # NaN fails the first
        raise _error(at("required"), f"required heads are a whole number, got {cell('required')!r}")
    needs = found.pools.setdefault(pool, {})
    if minute in needs:
        raise _error(
            at("start"),
            f"pool {pool} has {cell('start')} twice in the week",
            "plan one week at a time: the week repeats",
        )
    needs[minute] = round(value)


def _step(found: Requirements) -> int:
    """The shortest step between two starts of one pool, at most a day; 30 minutes, the
    planners' usual interval, when every pool has one row."""
    steps = [
        b - a
        for needs in found.pools.values()
        for a, b in zip(sorted(needs), sorted(needs)[1:], strict=False)
    ]
    return min([*steps, DAY_MINUTES]) if steps else DEFAULT_INTERVAL


def _error(where: Location, message: str, hint: str | None = None) -> LoadError:
    return LoadError([INVALID_VALUE.finding(message, where, hint)])
