"""Durations and rates as people write them: ``4 hours``, ``30 min``, ``2d``, ``540 per hour``.

A process names its ``time_unit``; a bare number means that unit. Everything is
converted at the edge, when the file is validated, to a float in the process's
time unit, so the analysis and the simulator never see a unit again; reports
convert back.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

from procflow.diagnostics.suggest import closest

#: Numbers in the process's own time unit (minutes, if ``time_unit: minute``).
TimeValue = float
#: Events per one process time unit.
RateValue = float


# Regexes here are written once and used twice: by the loader (Python ``re``) and in
# the JSON Schema (ECMA-262, as editors run it). So they use only syntax both engines
# read alike: no inline flags (case-insensitivity is spelt out, ``[hH][oO]...``), no
# ``\d`` (any Unicode digit in Python, 0-9 in ECMA-262) and no ``\s`` (the engines
# disagree on a few characters; _SPACE is Python's set, written out).
_SPACE = r"[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_UNSIGNED = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_NUMBER = rf"[-+]?{_UNSIGNED}"


def _any_case(word: str) -> str:
    """``per`` -> ``[pP][eE][rR]``: case-insensitive without a regex flag."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in word)


_SPELLINGS: dict[str, tuple[str, ...]] = {
    "second": ("s", "sec", "secs", "second", "seconds"),
    "minute": ("m", "min", "mins", "minute", "minutes"),
    "hour": ("h", "hr", "hrs", "hour", "hours"),
    "day": ("d", "day", "days"),
    "week": ("w", "wk", "wks", "week", "weeks"),
}
_UNIT_NAMES = "|".join(
    _any_case(name)
    for name in sorted((n for names in _SPELLINGS.values() for n in names), key=len, reverse=True)
)
#: Every spelling :func:`parse_unit` accepts: an alias in any case, spaces around.
TIME_UNIT_PATTERN = rf"^{_SPACE}*(?:{_UNIT_NAMES}){_SPACE}*$"

#: The unit a process counts time in: one of the canonical names, in Python. A file
#: may spell it any way :func:`parse_unit` accepts ('hours', 'min', 'Day'), and the
#: JSON Schema says so.
TimeUnit = Annotated[
    Literal["second", "minute", "hour", "day", "week"],
    WithJsonSchema(
        {
            "anyOf": [
                {"enum": list(_SPELLINGS)},
                {"type": "string", "pattern": TIME_UNIT_PATTERN},
            ],
            "description": "The unit of bare numbers in durations and rates: second, "
            "minute, hour, day or week; abbreviations and plurals such as 'min' or 'hours' "
            "work too.",
        }
    ),
]
TIME_UNITS: tuple[TimeUnit, ...] = ("second", "minute", "hour", "day", "week")

SECONDS: dict[TimeUnit, float] = {
    "second": 1.0,
    "minute": 60.0,
    "hour": 3600.0,
    "day": 86400.0,
    "week": 604800.0,
}

_ALIASES: dict[str, TimeUnit] = {
    name: unit  # type: ignore[misc]
    for unit, names in _SPELLINGS.items()
    for name in names
}

_DURATION = re.compile(rf"^{_SPACE}*(?P<n>{_NUMBER}){_SPACE}*(?P<unit>[A-Za-z]+)?{_SPACE}*$")
_RATE = re.compile(
    rf"^{_SPACE}*(?P<n>{_NUMBER}){_SPACE}*(?:/|{_SPACE}+{_any_case('per')}{_SPACE}+)"
    rf"{_SPACE}*(?P<k>{_NUMBER})?{_SPACE}*(?P<unit>[A-Za-z]+){_SPACE}*$"
)


#: The longest duration a file may give, in seconds: 10 years of 365 days. A longer one is
#: a slip (a unit missed, digits too many), and its square overflows the analysis.
MAX_DURATION_SECONDS = 10 * 365 * 86400.0
#: The shortest duration above 0, in seconds: a microsecond (a shorter one underflows).
MIN_DURATION_SECONDS = 1e-6
#: The bounds of a rate above 0, in items a second: one per longest duration, one per
#: shortest (a million a second).
MIN_RATE_PER_SECOND = 1 / MAX_DURATION_SECONDS
MAX_RATE_PER_SECOND = 1 / MIN_DURATION_SECONDS
#: The largest parameter of a numeric attribute's distribution (a word count, followers).
MAX_ATTRIBUTE_VALUE = 1e12
#: Set in the validation context while a numeric attribute's distribution is read: its
#: parameters are numbers, not times, and have their own limit.
ATTRIBUTE_CONTEXT = "numeric_attribute"
#: Where the limits are listed, for hints.
LIMITS_DOC = "docs/format.md#limits lists every limit"


def parse_unit(text: str) -> TimeUnit:
    """Return the canonical unit for a spelling such as ``min`` or ``hours``."""
    name = text.strip()
    # ASCII only: str.lower() would also turn the Kelvin sign into 'k'.
    unit = _ALIASES.get(name.lower()) if name.isascii() else None
    if unit is None:
        meant = closest(name.lower(), _ALIASES)
        raise PydanticCustomError(
            "time_unit",
            "unknown time unit {unit}; use one of: {units}",
            {
                "unit": repr(text),
                "units": ", ".join(TIME_UNITS),
                "hint": f"did you mean {meant!r}?" if meant else "",
            },
        )
    return unit


def convert(value: float, from_unit: TimeUnit, to_unit: TimeUnit) -> float:
    """Convert an amount of time between units."""
    return value * SECONDS[from_unit] / SECONDS[to_unit]


def parse_duration(value: Any, time_unit: TimeUnit, *, attribute: bool = False) -> TimeValue:
    """Parse ``4 hours``, ``90s`` or a bare number (in ``time_unit``) into ``time_unit``.

    A parameter of a numeric ``attribute`` is a number up to :data:`MAX_ATTRIBUTE_VALUE`
    instead of a duration.
    """
    if isinstance(value, bool):
        raise _bad_duration(value)
    if isinstance(value, int | float):
        number, unit = _float(value), time_unit
    elif isinstance(value, str):
        match = _DURATION.match(value)
        if not match:
            raise _bad_duration(value)
        number = float(match["n"])
        unit = parse_unit(match["unit"]) if match["unit"] else time_unit
    else:
        raise _bad_duration(value)
    if math.isnan(number) or number < 0:
        raise PydanticCustomError(
            "duration",
            "a duration must be a finite number of at least 0, got {value}",
            {"value": shown(value)},
        )
    if attribute:
        if number > MAX_ATTRIBUTE_VALUE:
            raise PydanticCustomError(
                "duration",
                "an attribute's value is at most 1,000,000,000,000, got {value}",
                {"value": shown(value), "hint": LIMITS_DOC},
            )
        return convert(number, unit, time_unit)
    seconds = number * SECONDS[unit]
    if seconds > MAX_DURATION_SECONDS:
        raise PydanticCustomError(
            "duration",
            "a duration is at most 10 years (3,650 days), got {value}",
            {"value": shown(value), "hint": f"check the unit and the digits; {LIMITS_DOC}"},
        )
    if 0 < seconds < MIN_DURATION_SECONDS:
        raise PydanticCustomError(
            "duration",
            "a duration is 0 or at least a microsecond (0.000001 s), got {value}",
            {"value": shown(value), "hint": f"check the unit and the digits; {LIMITS_DOC}"},
        )
    return convert(number, unit, time_unit)


def parse_rate(value: Any, time_unit: TimeUnit) -> RateValue:
    """Parse ``540 per hour``, ``12/min``, ``100 per 2 hours``, or a number per ``time_unit``."""
    if isinstance(value, bool):
        raise _bad_rate(value)
    if isinstance(value, int | float):
        number, per, unit = _float(value), 1.0, time_unit
    elif isinstance(value, str):
        match = _RATE.match(value)
        if match:
            number = float(match["n"])
            per = float(match["k"]) if match["k"] else 1.0
            unit = parse_unit(match["unit"])
        else:
            plain = _DURATION.match(value)
            if not plain or plain["unit"]:
                raise _bad_rate(value)
            number, per, unit = float(plain["n"]), 1.0, time_unit
    else:
        raise _bad_rate(value)
    if math.isnan(number) or number < 0 or not 0 < per < math.inf:
        raise PydanticCustomError(
            "rate",
            "a rate must be a finite number of at least 0, got {value}",
            {
                "value": shown(value),
                "hint": "a rate counts the items per stretch of time, such as '540 per hour'; "
                "to stop a stream, remove it",
            },
        )
    per_second = number / (per * SECONDS[unit])
    if not (per_second == 0 or MIN_RATE_PER_SECOND <= per_second <= MAX_RATE_PER_SECOND):
        raise PydanticCustomError(
            "rate",
            "a rate is 0 or from one per 10 years to 1,000,000 a second, got {value}",
            {"value": shown(value), "hint": f"check the unit and the digits; {LIMITS_DOC}"},
        )
    # number per (per * unit)  ->  per one time_unit
    return number / convert(per, unit, time_unit)


def _float(number: int | float) -> float:
    """A number as a float; a whole number too large for one is infinite (and refused)."""
    try:
        return float(number)
    except OverflowError:
        return math.inf


def shown(value: Any) -> str:
    """A value as a message quotes it: its first 60 characters (a whole number of more
    than 60 digits is "a huge number")."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**60 else "a huge number"
    return text if len(text) <= 60 else text[:57] + "..."


def _bad_duration(value: Any) -> PydanticCustomError:
    return PydanticCustomError(
        "duration",
        "expected a duration such as 45, '30 min', '4 hours' or '2d', got {value}",
        {"value": shown(value)},
    )


def _bad_rate(value: Any) -> PydanticCustomError:
    return PydanticCustomError(
        "rate",
        "expected a rate such as '540 per hour', '12/min' or a number per time unit, got {value}",
        {"value": shown(value)},
    )


def _time_unit(info: ValidationInfo) -> TimeUnit:
    context = info.context or {}
    unit: TimeUnit = context.get("time_unit", "minute")
    return unit


def _duration_validator(value: Any, info: ValidationInfo) -> TimeValue:
    attribute = bool((info.context or {}).get(ATTRIBUTE_CONTEXT))
    return parse_duration(value, _time_unit(info), attribute=attribute)


def _rate_validator(value: Any, info: ValidationInfo) -> RateValue:
    return parse_rate(value, _time_unit(info))


@dataclass(frozen=True)
class InTimeUnit:
    """Marks a field where a number written without a unit is taken in ``time_unit``.

    ``duration: 4`` means 4 minutes when ``time_unit: minute``: often meant, sometimes
    a slip ("4 hours" was meant). Lint finds such numbers through this mark
    (``PF015``); the parameters of a distribution (``{lognormal: {mean: 4.2}}``) are
    numbers in ``time_unit`` by design and carry no mark.
    """

    #: ``duration`` (4 means 4 minutes) or ``rate`` (4 means 4 per minute).
    kind: Literal["duration", "rate"]


def without_unit(value: Any) -> float | None:
    """The number of a time written without a unit (``4``, ``"4"``), unless it is 0.

    0 is 0 in any unit, so it is not ambiguous; None for text with a unit.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = _float(value)
    elif isinstance(value, str) and (match := _DURATION.match(value)) and not match["unit"]:
        number = float(match["n"])
    else:
        return None
    return number if number != 0 and math.isfinite(number) else None


# JSON Schema patterns accepting exactly the text the parsers above accept, except
# numbers too large or too small for a float ('1e400 min', '5 per 1e-400 h').
#: A number of at least 0 ('-0' is 0).
_NON_NEGATIVE = rf"(?:\+?{_UNSIGNED}|-(?:0+(?:\.0*)?|\.0+)(?:[eE][-+]?[0-9]+)?)"
#: A number greater than 0 (the '2' of '100 per 2 hours').
_POSITIVE = rf"\+?(?=[0-9.]*[1-9]){_UNSIGNED}"
DURATION_PATTERN = rf"^{_SPACE}*{_NON_NEGATIVE}{_SPACE}*(?:{_UNIT_NAMES})?{_SPACE}*$"
RATE_PATTERN = (
    rf"^{_SPACE}*{_NON_NEGATIVE}{_SPACE}*(?:(?:/|{_SPACE}+{_any_case('per')}{_SPACE}+)"
    rf"{_SPACE}*(?:{_POSITIVE})?{_SPACE}*(?:{_UNIT_NAMES}))?{_SPACE}*$"
)

#: The JSON Schema of a duration (a field's own description replaces this one).
DURATION_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": DURATION_PATTERN},
    ],
    "description": "A duration: a number in the process's time_unit, or text such as "
    "'30 min', '4 hours', '2d', '90s'.",
}
#: A duration field: a number in the process's time unit, or text with a unit.
Duration = Annotated[
    TimeValue,
    BeforeValidator(_duration_validator),
    InTimeUnit("duration"),
    WithJsonSchema(DURATION_SCHEMA),
]

#: A rate field: events per process time unit, or text such as ``540 per hour``.
Rate = Annotated[
    RateValue,
    BeforeValidator(_rate_validator),
    InTimeUnit("rate"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": RATE_PATTERN},
            ],
            "description": "A rate: a number per time_unit, or text such as '540 per hour', "
            "'12/min', '100 per 2 hours'.",
        }
    ),
]


def counted(n: int | str, noun: str) -> str:
    """``1 scenario``, ``3 scenarios``, ``1,115 replications``: a count with its noun."""
    amount = f"{n:,}" if isinstance(n, int) else n
    return f"{amount} {noun}" if n == 1 else f"{amount} {noun}s"


def plain(number: float) -> str:
    """A limit as people write it: ``1,000,000``, ``-50``, ``0.05``."""
    return f"{int(number):,}" if float(number).is_integer() else f"{number:g}"


def three_digits(value: float) -> str:
    """A number to three significant digits as people write it, never with an exponent:
    ``4.2``, ``37``, ``0.0123``, ``1,250`` (from 1,000 on, whole and with separators),
    ``< 0.001`` (closer to zero than that)."""
    size = abs(float(f"{value:.3g}"))  # rounded first: 999.7 is 1,000 and 0.09996 is 0.1
    if size >= 999.5 or math.isinf(size):
        return f"{value:,.0f}"
    if size >= 0.1 or size == 0:
        return f"{value:.3g}"
    if size >= 0.001:
        return f"{value:.{2 - math.floor(math.log10(size))}f}"
    return "< 0.001" if value > 0 else "> -0.001"


def format_duration(value: TimeValue, time_unit: TimeUnit, *, subsecond: bool = False) -> str:
    """Render a duration in the largest unit that keeps it readable (``4.2 h``, ``37 min``,
    ``1,250 d``); below a second, ``< 1 s`` (a wait of 4e-100 s is none a person sees),
    or with ``subsecond`` (a change, which may well be small) in seconds: ``0.304 s``."""
    if value < 0:
        return "-" + format_duration(-value, time_unit, subsecond=subsecond)
    seconds = value * SECONDS[time_unit]
    if 0 < seconds < 1 and not subsecond:
        return "< 1 s"
    for unit, short in (("day", "d"), ("hour", "h"), ("minute", "min")):
        size = SECONDS[unit]  # type: ignore[index]
        if float(f"{seconds / size:.3g}") >= 1:  # as shown: 59.99 s is 1 min
            return f"{three_digits(seconds / size)} {short}"
    return f"{three_digits(seconds)} s"
