"""The working week: days and hours as operations teams write them, and weekly profiles.

Shifts, arrival schedules and batch drops all name recurring windows of the
week: ``days: mon-fri`` and ``hours: "09:00-17:30"`` (an overnight window such
as ``"22:00-06:00"`` runs into the next morning). Simulated time starts on a
Monday at 00:00 and the week repeats.

A :class:`WeeklyProfile` is a step function over the week (staff on shift,
arrivals per hour) built from such windows; the simulator walks its steps and
the analysis uses its average.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60
WEEK_MINUTES = 7 * DAY_MINUTES

_FULL_NAMES = {
    "monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu",
    "friday": "fri", "saturday": "sat", "sunday": "sun",
}  # fmt: skip
_CLOCK = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*$")


def _day(text: str) -> int:
    key = text.strip().lower()
    key = _FULL_NAMES.get(key, key)
    if key not in DAYS:
        raise PydanticCustomError(
            "days", "unknown day {day}; use mon, tue, wed, thu, fri, sat, sun", {"day": repr(text)}
        )
    return DAYS.index(key)


def parse_days(value: Any) -> tuple[int, ...]:
    """Day indices (mon=0) of ``mon-fri``, ``sat, sun``, ``[mon, wed]``, ``weekdays``, ``all``."""
    if isinstance(value, list):
        parts = [str(v) for v in value]
    elif isinstance(value, str):
        parts = value.split(",")
    else:
        raise PydanticCustomError("days", "days are written like 'mon-fri' or 'sat, sun'")
    days: set[int] = set()
    for part in parts:
        part = part.strip().lower()
        if part in ("all", "daily", "every day", "mon-sun"):
            days.update(range(7))
        elif part == "weekdays":
            days.update(range(5))
        elif part == "weekends":
            days.update((5, 6))
        elif "-" in part:
            first, last = (_day(x) for x in part.split("-", 1))
            span = (last - first) % 7
            days.update((first + k) % 7 for k in range(span + 1))
        else:
            days.add(_day(part))
    return tuple(sorted(days))


def parse_clock(text: str) -> int:
    """``"09:30"`` -> minutes after midnight (``"24:00"`` is allowed as the end of a day)."""
    match = _CLOCK.match(str(text))
    if not match:
        raise PydanticCustomError(
            "hours",
            "times of day are written like '09:00' or '17:30', got {value}",
            {"value": repr(text)},
        )
    hours, minutes = int(match[1]), int(match[2] or 0)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise PydanticCustomError("hours", "{value} is not a time of day", {"value": repr(text)})
    return hours * 60 + minutes


def parse_hours(value: Any) -> tuple[int, int]:
    """``"09:00-17:30"`` -> (start, end) minutes; an end before the start runs past midnight."""
    if not isinstance(value, str) or "-" not in value:
        raise PydanticCustomError(
            "hours", "hours are written like '09:00-17:30' (or '22:00-06:00' overnight)"
        )
    start_text, end_text = value.split("-", 1)
    start, end = parse_clock(start_text), parse_clock(end_text)
    if start == end:
        raise PydanticCustomError("hours", "hours {value} are empty", {"value": repr(value)})
    return start, end


#: The JSON Schema of ``days`` (the key reference recognises it by this description).
DAYS_SCHEMA: dict[str, Any] = {
    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
    "description": "Days of the week: 'mon-fri', 'sat, sun', 'weekdays', 'all'.",
}
#: How ``hours`` are written: ``09:00-17:30``.
HOURS_PATTERN = r"^\s*\d{1,2}(:\d{2})?\s*-\s*\d{1,2}(:\d{2})?\s*$"
Days = Annotated[tuple[int, ...], BeforeValidator(parse_days), WithJsonSchema(DAYS_SCHEMA)]
Hours = Annotated[
    tuple[int, int],
    BeforeValidator(parse_hours),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": HOURS_PATTERN,
            "description": "Hours of the day: '09:00-17:30'; '22:00-06:00' runs overnight.",
        }
    ),
]
ALL_DAYS: tuple[int, ...] = tuple(range(7))
ALL_HOURS: tuple[int, int] = (0, DAY_MINUTES)


def every_day() -> Any:
    """The default of a ``days`` key: every day, shown in the schema as written, ``all``."""
    return Field(default=ALL_DAYS, json_schema_extra={"default": "all"})


def whole_day() -> Any:
    """The default of an ``hours`` key: the whole day, ``00:00-24:00``."""
    return Field(default=ALL_HOURS, json_schema_extra={"default": "00:00-24:00"})


def week_intervals(days: Iterable[int], hours: tuple[int, int]) -> list[tuple[int, int]]:
    """The window as (start, end) minutes of the week, split where it wraps past Sunday."""
    start, end = hours
    length = (end - start) % DAY_MINUTES or DAY_MINUTES
    spans: list[tuple[int, int]] = []
    for day in days:
        a = day * DAY_MINUTES + start
        b = a + length
        if b <= WEEK_MINUTES:
            spans.append((a, b))
        else:
            spans.extend([(a, WEEK_MINUTES), (0, b - WEEK_MINUTES)])
    return spans


@dataclass(frozen=True)
class WeeklyProfile:
    """A step function over the week, in minutes: ``values[i]`` holds from ``starts[i]``."""

    starts: tuple[int, ...]
    values: tuple[float, ...]

    @classmethod
    def constant(cls, value: float) -> WeeklyProfile:
        """The same value all week."""
        return cls((0,), (value,))

    @classmethod
    def summed(cls, windows: Sequence[tuple[list[tuple[int, int]], float]]) -> WeeklyProfile:
        """Add up windows that overlap (staff of several shifts)."""
        return cls._build(windows, lambda hits: sum(hits))

    @classmethod
    def first_match(
        cls, windows: Sequence[tuple[list[tuple[int, int]], float]], default: float
    ) -> WeeklyProfile:
        """Where windows overlap the first one written wins; elsewhere ``default``."""
        return cls._build(windows, lambda hits: hits[0] if hits else default)

    @classmethod
    def _build(
        cls, windows: Sequence[tuple[list[tuple[int, int]], float]], combine: Any
    ) -> WeeklyProfile:
        cuts = sorted({0, *(t for spans, _ in windows for s in spans for t in s)} - {WEEK_MINUTES})
        starts: list[int] = []
        values: list[float] = []
        for k, start in enumerate(cuts):
            end = cuts[k + 1] if k + 1 < len(cuts) else WEEK_MINUTES
            middle = (start + end) / 2
            hits = [v for spans, v in windows if any(a <= middle < b for a, b in spans)]
            value = float(combine(hits))
            if not values or values[-1] != value:
                starts.append(start)
                values.append(value)
        return cls(tuple(starts), tuple(values))

    def at(self, minute_of_week: float) -> float:
        """The value at a minute of the week."""
        return self.values[bisect.bisect_right(self.starts, minute_of_week % WEEK_MINUTES) - 1]

    def mean(self) -> float:
        """The average over the week."""
        total = 0.0
        for k, start in enumerate(self.starts):
            end = self.starts[k + 1] if k + 1 < len(self.starts) else WEEK_MINUTES
            total += self.values[k] * (end - start)
        return total / WEEK_MINUTES

    def peak(self) -> float:
        """The largest value in the week."""
        return max(self.values)

    def steps(self) -> list[tuple[int, int, float]]:
        """(start, end, value) minutes of every step of the week."""
        ends = (*self.starts[1:], WEEK_MINUTES)
        return list(zip(self.starts, ends, self.values, strict=True))

    @property
    def is_constant(self) -> bool:
        """Whether the value never changes."""
        return len(self.values) == 1


def combine(profiles: Sequence[WeeklyProfile], how: Any) -> WeeklyProfile:
    """A profile whose value at each minute is ``how([p.at(minute) for p in profiles])``."""
    cuts = sorted({s for p in profiles for s in p.starts})
    starts: list[int] = []
    values: list[float] = []
    for start in cuts:
        value = float(how([p.at(start) for p in profiles]))
        if not values or values[-1] != value:
            starts.append(start)
            values.append(value)
    return WeeklyProfile(tuple(starts), tuple(values))


def week_time(minute: int) -> str:
    """``tue 06:00`` for a minute of the week."""
    day, rest = divmod(minute % WEEK_MINUTES, DAY_MINUTES)
    return f"{DAYS[day]} {rest // 60:02d}:{rest % 60:02d}"


def describe_window(start: int, end: int) -> str:
    """``mon 22:00-tue 06:00`` for minutes of the week."""
    return f"{week_time(start)}-{week_time(end)}"


def clock_text(minute: int, *, end: bool = False) -> str:
    """``09:30`` for a minute of the day; midnight as the ``end`` of a window is ``24:00``."""
    minute %= DAY_MINUTES
    if end and minute == 0:
        return "24:00"
    return f"{minute // 60:02d}:{minute % 60:02d}"


def days_text(days: Iterable[int]) -> str:
    """Days as a PM writes them: ``all``, ``mon-fri``, ``thu-mon`` (a run past Sunday), or
    ``mon, wed, fri``; :func:`parse_days` reads it back as the same days."""
    chosen = sorted(set(days))
    if len(chosen) == 7:
        return "all"
    if len(chosen) == 1:
        return DAYS[chosen[0]]
    for first in chosen:  # one run of consecutive days, perhaps through Sunday
        if all((first + k) % 7 in chosen for k in range(len(chosen))):
            return f"{DAYS[first]}-{DAYS[(first + len(chosen) - 1) % 7]}"
    return ", ".join(DAYS[d] for d in chosen)
