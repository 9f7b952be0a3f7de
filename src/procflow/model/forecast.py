"""Volume forecasts: how many items each arrival stream is expected to send, per interval.

Workforce planners work from a forecast of volume per interval (a half-hour,
say) for the weeks ahead, exported from a forecasting tool or a spreadsheet. The
file is CSV, one row per interval and stream::

    start,stream,volume,low,high
    2026-01-05T09:00,incoming,120,100,140
    2026-01-05T09:30,incoming,135,112,158

- ``start``: the first moment of the interval, an ISO date-time
  (``2026-01-05T09:00`` or ``2026-01-05 09:00``; an offset such as ``+01:00`` may
  follow and is kept as written: the wall-clock time is what shifts are planned in);
- ``stream``: the arrival stream's name; may be left out when the process has
  one stream;
- ``volume``: items expected in the interval (0 or more, not necessarily whole);
- ``low``, ``high`` (optional): a range around the volume (low ≤ volume ≤ high).

Every interval is as long as the gap between consecutive starts (the same for all
streams); an interval a stream has no row for expects no items from it. Columns
may come in any order; other columns are ignored. A problem is reported at its
row and column (``PF021``). This is the one forecast format: ``procflow staff``
reads it, and so will every command that takes a volume forecast.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from procflow.diagnostics import Finding, LoadError, Location
from procflow.diagnostics.checks import UNREADABLE_FORECAST
from procflow.diagnostics.csvcells import field_column
from procflow.diagnostics.suggest import did_you_mean
from procflow.source.guards import read_text

#: The largest forecast read (64 MiB: years of five-minute intervals for many streams).
MAX_BYTES = 64 * 1024 * 1024
COLUMNS = ("start", "stream", "volume", "low", "high")


@dataclass(frozen=True)
class ForecastRow:
    """The volume one stream is expected to send in the interval starting at ``start``."""

    start: datetime  #: wall-clock time as written (no offset)
    stream: str
    volume: float
    low: float | None
    high: float | None
    line: int  #: the row's line in the file


@dataclass(frozen=True)
class Forecast:
    """A volume forecast: rows by start, and the length of every interval."""

    file: str
    rows: tuple[ForecastRow, ...]
    #: the gap between consecutive starts; None when no stream has two rows
    interval: timedelta | None

    @property
    def start(self) -> datetime:
        """The first interval's start."""
        return self.rows[0].start

    def end(self, interval: timedelta) -> datetime:
        """The end of the last interval, when intervals are ``interval`` long."""
        return self.rows[-1].start + interval

    def volume(self, stream: str, start: datetime, end: datetime, length: timedelta) -> float:
        """Items expected from ``stream`` between ``start`` and ``end``, each row's volume
        spread evenly over its interval of ``length``."""
        total = 0.0
        for row in self.rows:
            if row.stream != stream:
                continue
            overlap = min(end, row.start + length) - max(start, row.start)
            if overlap > timedelta(0):
                total += row.volume * (overlap / length)
        return total


def read_forecast(path: str | Path, streams: Sequence[str]) -> Forecast:
    """Read a volume forecast for a process with these arrival streams.

    Raises :class:`~procflow.diagnostics.LoadError` (``PF021``) with the row and column
    of every problem: the file unreadable, a column missing, a start that is not a
    date-time, a volume that is not a number of 0 or more, a range around the volume
    the wrong way round, a stream the process does not have, a row written twice,
    intervals of different lengths.
    """
    name = str(path)
    text = read_text(path, MAX_BYTES, "volume forecasts")
    lines = list(io.StringIO(text, newline=""))
    reader = csv.reader(lines)
    header = [cell.strip().lower() for cell in next(reader, [])]
    columns = {c: header.index(c) for c in COLUMNS if c in header}
    missing = [c for c in ("start", "volume") if c not in columns]
    if "stream" not in columns and len(streams) != 1:
        missing.append("stream")
    if missing:
        hint = f"the columns are: {', '.join(header) or 'none'}; the forecast needs start, "
        hint += "stream (with more than one arrival stream) and volume"
        raise _error(Location(name, 1), f"no {' or '.join(missing)} column", hint)
    problems: list[Finding] = []
    rows: list[ForecastRow] = []
    first = 2
    for cells in reader:
        text = lines[first - 1] if first - 1 < len(lines) else ""
        if any(c.strip() for c in cells):
            row = _row(cells, columns, streams, Location(name, first), text, problems)
            if row is not None:
                rows.append(row)
        first = reader.line_num + 1
    if not rows and not problems:
        raise _error(Location(name, 1), "the forecast has no rows")
    rows.sort(key=lambda r: (r.start, r.stream))
    interval = _interval(rows, name, problems)
    if problems:
        raise LoadError(problems)
    return Forecast(name, tuple(rows), interval)


def _row(
    cells: list[str],
    columns: dict[str, int],
    streams: Sequence[str],
    where: Location,
    line: str,
    problems: list[Finding],
) -> ForecastRow | None:
    def cell(key: str) -> str:
        index = columns.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def at(key: str) -> Location:
        return Location(where.file, where.line, field_column(line, columns[key]))

    def number(key: str) -> float | None:
        text = cell(key)
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0:
            message = f"{key} {text!r} is not a number of 0 or more" if text else f"no {key}"
            problems.append(_finding(at(key), message, "write the items expected, such as 120"))
            return None
        return value

    found = len(problems)
    try:
        start = datetime.fromisoformat(cell("start")).replace(tzinfo=None)
    except ValueError:
        text = cell("start")
        message = f"start {text!r} is not a date-time" if text else "no start"
        problems.append(_finding(at("start"), message, "write ISO 8601, such as 2026-01-05T09:30"))
    stream = cell("stream") if "stream" in columns else streams[0]
    if stream not in streams:
        hint = did_you_mean(stream, streams) or f"the streams are: {', '.join(streams)}"
        problems.append(_finding(at("stream"), f"no arrival stream {stream!r}", hint))
    volume = number("volume")
    low = number("low") if cell("low") else None
    high = number("high") if cell("high") else None
    if volume is not None and low is not None and low > volume:
        problems.append(_finding(at("low"), f"low {low:g} is above the volume {volume:g}"))
    if volume is not None and high is not None and high < volume:
        problems.append(_finding(at("high"), f"high {high:g} is below the volume {volume:g}"))
    if len(problems) > found or volume is None:
        return None
    return ForecastRow(start, stream, volume, low, high, where.line)


def _interval(rows: list[ForecastRow], file: str, problems: list[Finding]) -> timedelta | None:
    """The common length of the intervals: the smallest gap between a stream's starts."""
    by_stream: dict[str, list[ForecastRow]] = {}
    for row in rows:
        by_stream.setdefault(row.stream, []).append(row)
    gaps = []
    for group in by_stream.values():
        for before, after in itertools.pairwise(group):
            if after.start == before.start:
                problems.append(
                    _finding(
                        Location(file, after.line),
                        f"a second row for {after.stream!r} at {after.start.isoformat()} "
                        f"(first on line {before.line})",
                        "give each stream one row per interval",
                    )
                )
            else:
                gaps.append((after.start - before.start, after))
    if not gaps:
        return None
    length = min(g for g, _ in gaps)
    for gap, row in gaps:
        if gap % length:
            problems.append(
                _finding(
                    Location(file, row.line),
                    f"this interval starts {gap} after the last, not a multiple of {length}",
                    "give every interval the same length",
                )
            )
    return length


def _finding(where: Location, message: str, hint: str | None = None) -> Finding:
    return UNREADABLE_FORECAST.finding(message, where, hint)


def _error(where: Location, message: str, hint: str | None = None) -> LoadError:
    return LoadError([_finding(where, message, hint)])
