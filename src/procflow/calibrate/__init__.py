"""From history to model: fit a process file to an event log (``procflow calibrate``).

Every number in a hand-written process file is a guess. The export of the
labelling or ticketing tool says what really happened: one row per task per
step, with its times and its worker. :func:`calibrate` reads such a log (CSV,
gzipped or not, or XES; :mod:`procflow.eventlog.reader`), as a stream when its rows
are in time order (:mod:`~procflow.calibrate.stream`), counts what it shows
(:mod:`~procflow.calibrate.observe`, :mod:`~procflow.calibrate.people`), fits each handling time
(:mod:`~procflow.calibrate.fit`) and writes a process file
(:mod:`~procflow.calibrate.write`) whose every number says what it rests on.
With a skeleton, the PM's own file keeps its structure and gets the numbers
only (:mod:`~procflow.calibrate.skeleton`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from procflow.calibrate.skeleton import fill_skeleton
from procflow.calibrate.stream import observe_log
from procflow.calibrate.write import Header, process_text
from procflow.diagnostics import Finding
from procflow.eventlog.reader import COLUMNS, Columns


@dataclass(frozen=True, slots=True)
class Calibration:
    """A fitted process: its ``text`` (the file), and what a reviewer should know.

    ``warnings`` are the numbers that rest on too few observations (and, with a
    skeleton, the activities it could not map); ``skipped_rows`` bad rows of the log
    were left out, the first of them located in ``skipped``; ``visits`` and ``cases``
    are what was read; ``streamed`` says the log was read as a stream, its rows in time
    order (:mod:`~procflow.calibrate.stream`), not whole.
    """

    text: str
    visits: int
    cases: int
    skipped_rows: int
    skipped: tuple[Finding, ...]
    warnings: tuple[str, ...] = field(default=())
    streamed: bool = False


def parse_zone(text: str) -> tzinfo:
    """A time zone: ``UTC``, an offset (``+02:00``, ``-0530``) or a name (``Europe/Berlin``);
    ValueError otherwise."""
    match = re.fullmatch(r"(?:UTC)?([+-])(\d{1,2}):?(\d{2})?", text.strip())
    if match:
        sign = -1 if match[1] == "-" else 1
        offset = timedelta(hours=int(match[2]), minutes=int(match[3] or 0))
        return timezone(sign * offset)
    if text.strip().upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {text!r}: give a name such as Europe/Berlin, or an offset "
            "such as +02:00"
        ) from None


def calibrate(
    path: str | Path,
    *,
    columns: Columns = COLUMNS,
    role: str | None = None,
    zone: tzinfo | None = None,
    skeleton: str | Path | None = None,
) -> Calibration:
    """Fit a process file to the event log at ``path``; raises
    :class:`~procflow.diagnostics.LoadError` for a log that cannot be read.

    ``role`` names the column of the role (by default ``role`` or ``org:role`` when
    the log has one). ``zone`` is the team's local time zone, for the hours of the
    schedule and the calendars, and for timestamps written without an offset; by
    default the offset of the log's first timestamp (UTC when it has none). With a
    ``skeleton`` (a process file), its text with the fitted numbers filled in
    (:mod:`~procflow.calibrate.skeleton`).
    """
    counted = observe_log(path, zone, role, columns)
    observed, clock = counted.observed, counted.clock
    fits = {
        activity: sample.fit()
        for activity, sample in observed.durations.items()
        if activity in observed.pool_of
    }
    local = zone or clock.origin.tzinfo or UTC
    first = clock.origin.astimezone(local)
    last = clock.moment(observed.span).astimezone(local)
    lines = [
        f"Fitted by `procflow calibrate` from {Path(path).name}: {counted.visits:,} visits "
        f"of {observed.cases:,} cases,",
        f"from {_when(first)} to {_when(last)} (local time, UTC{_offset(first)}).",
    ]
    skipped = counted.skipped
    if skipped.rows:
        lines.append(f"{skipped.rows:,} bad rows of the log were skipped.")
    if observed.duplicates:
        lines.append(
            f"{observed.duplicates:,} rows repeated another exactly and were counted once."
        )
    if observed.open_cases:
        lines.append(f"{observed.open_cases:,} cases had not ended when the log was cut.")
    lines.append("Each number says what it rests on; review those marked CHECK.")
    warnings: list[str] = []
    name = re.sub(r"\.(csv|xes)(\.gz)?$", "", Path(path).name, flags=re.IGNORECASE)
    if skeleton is not None:
        text = fill_skeleton(skeleton, observed, fits, warnings)
    else:
        text = process_text(observed, fits, Header(name, tuple(lines)), warnings)
    return Calibration(
        text,
        counted.visits,
        observed.cases,
        skipped.rows,
        tuple(skipped.findings),
        tuple(warnings),
        counted.streamed,
    )


def _when(moment: datetime) -> str:
    return moment.strftime("%a %Y-%m-%d %H:%M")


def _offset(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta()
    sign = "-" if offset < timedelta() else "+"
    minutes = abs(int(offset / timedelta(minutes=1)))
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
