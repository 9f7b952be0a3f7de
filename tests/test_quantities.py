"""Tests for procflow.model.quantities: durations and rates as people write them."""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest
from pydantic_core import PydanticCustomError

from procflow.model.quantities import (
    _SPACE,
    DURATION_PATTERN,
    RATE_PATTERN,
    TIME_UNIT_PATTERN,
    TIME_UNITS,
    convert,
    format_duration,
    parse_duration,
    parse_rate,
    parse_unit,
)

SPELLINGS = {
    "second": ["s", "sec", "secs", "second", "seconds"],
    "minute": ["m", "min", "mins", "minute", "minutes"],
    "hour": ["h", "hr", "hrs", "hour", "hours"],
    "day": ["d", "day", "days"],
    "week": ["w", "wk", "wks", "week", "weeks"],
}
MINUTES = {"second": 1 / 60, "minute": 1.0, "hour": 60.0, "day": 1440.0, "week": 10080.0}
ALL_SPELLINGS = [(unit, s) for unit, names in SPELLINGS.items() for s in names]


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize(("unit", "spelling"), ALL_SPELLINGS)
def test_parse_unit_knows_every_spelling_in_any_case(unit: str, spelling: str) -> None:
    """Every documented spelling, in any case and with spaces around, names its unit."""
    assert parse_unit(spelling) == unit
    assert parse_unit(f" {spelling.upper()} ") == unit


@pytest.mark.parametrize(
    "text", ["", "parsec", "mn", "hourz", "µs", "ms", "month", "w\u212a", "ſ", "min\u200b"]
)
def test_parse_unit_rejects_unknown_units(text: str) -> None:
    """An unknown unit raises a time_unit error."""
    with pytest.raises(PydanticCustomError) as info:
        parse_unit(text)
    assert info.value.type == "time_unit"


def test_convert_between_units() -> None:
    """convert() scales by the units' lengths."""
    assert convert(2, "hour", "minute") == pytest.approx(120)
    assert convert(90, "second", "minute") == pytest.approx(1.5)
    assert convert(1, "week", "day") == pytest.approx(7)
    assert convert(3, "day", "day") == 3
    assert TIME_UNITS == ("second", "minute", "hour", "day", "week")


# --------------------------------------------------------------------------- durations


@pytest.mark.parametrize(("unit", "spelling"), ALL_SPELLINGS)
def test_duration_in_every_unit_spelling(unit: str, spelling: str) -> None:
    """``3 <unit>`` and ``3<unit>`` convert to the process's time unit."""
    expected = 3 * MINUTES[unit]
    assert parse_duration(f"3 {spelling}", "minute") == pytest.approx(expected)
    assert parse_duration(f"3{spelling}", "minute") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("4 hours", 240),
        ("4 HOURS", 240),
        ("1.5 h", 90),
        (".5h", 30),
        ("2.", 2),
        ("1e2 s", 100 / 60),
        ("+3 min", 3),
        ("  7  ", 7),
        ("0", 0),
        ("0 min", 0),
    ],
)
def test_duration_number_forms(text: str, minutes: float) -> None:
    """Decimals, exponents, a plus sign and surrounding spaces are accepted."""
    assert parse_duration(text, "minute") == pytest.approx(minutes)


@pytest.mark.parametrize("unit", TIME_UNITS)
def test_bare_number_is_in_the_process_time_unit(unit: Any) -> None:
    """A bare number, int, float or numeric text, is taken in the process's unit."""
    assert parse_duration(5, unit) == 5.0
    assert parse_duration(2.5, unit) == 2.5
    assert parse_duration("5", unit) == 5.0


def test_duration_converts_into_the_process_time_unit() -> None:
    """'30 min' in an hour-based process is 0.5; '2d' in a day-based process is 2."""
    assert parse_duration("30 min", "hour") == pytest.approx(0.5)
    assert parse_duration("2d", "day") == pytest.approx(2)
    assert parse_duration("90s", "second") == pytest.approx(90)


@pytest.mark.parametrize(
    "value",
    ["abc", "", " ", "4 parsecs", "4 hours ago", "4 h 30 min", "nan", "inf", "min", "3 µs"],
)
def test_invalid_duration_text_is_rejected(value: str) -> None:
    """Text that is not a number with an optional known unit raises a Pydantic error."""
    with pytest.raises(PydanticCustomError) as info:
        parse_duration(value, "minute")
    assert info.value.type in ("duration", "time_unit")


@pytest.mark.parametrize("value", [-1, -0.5, "-3 min", "-1", float("nan"), float("inf"), "1e400 s"])
def test_negative_or_non_finite_duration_is_rejected(value: Any) -> None:
    """A duration is a finite number of at least 0."""
    with pytest.raises(PydanticCustomError) as info:
        parse_duration(value, "minute")
    assert info.value.type == "duration"


@pytest.mark.parametrize("value", [True, False, None, [1], {"a": 1}])
def test_booleans_and_other_types_are_not_durations(value: Any) -> None:
    """``true`` is not 1 minute; lists, mappings and null are not durations either."""
    with pytest.raises(PydanticCustomError) as info:
        parse_duration(value, "minute")
    assert info.value.type == "duration"


def test_duration_overflowing_on_conversion_is_rejected() -> None:
    """``1e308 weeks`` overflows to infinity in minutes and is rejected, not returned as inf."""
    with pytest.raises(PydanticCustomError):
        parse_duration("1e308 weeks", "minute")


# --------------------------------------------------------------------------- rates


@pytest.mark.parametrize(("unit", "spelling"), ALL_SPELLINGS)
def test_rate_per_every_unit_spelling(unit: str, spelling: str) -> None:
    """``6 per <unit>`` and ``6/<unit>`` are 6 per that unit, in the process's unit."""
    expected = 6 / MINUTES[unit]
    assert parse_rate(f"6 per {spelling}", "minute") == pytest.approx(expected)
    assert parse_rate(f"6/{spelling}", "minute") == pytest.approx(expected)
    assert parse_rate(f"6 / {spelling}", "minute") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "per_minute"),
    [
        ("540 per hour", 9),
        ("540/h", 9),
        ("12/min", 12),
        ("100 per 2 hours", 100 / 120),
        ("100/2h", 100 / 120),
        ("30 per 0.5 hours", 1),
        ("1e3 per h", 1000 / 60),
        ("7 per week", 7 / 10080),
        ("0 per hour", 0),
        ("540 per HOUR", 9),
    ],
)
def test_rate_forms(text: str, per_minute: float) -> None:
    """'N per unit', 'N/unit' and 'N per K units' are converted to per process time unit."""
    assert parse_rate(text, "minute") == pytest.approx(per_minute)


def test_per_is_case_insensitive_like_the_units() -> None:
    """'540 PER HOUR' is read like '540 per hour', as '4 HOURS' is read like '4 hours'."""
    assert parse_rate("540 PER HOUR", "minute") == pytest.approx(9)


def test_rate_in_an_hour_based_process() -> None:
    """'12/min' in an hour-based process is 720 per hour."""
    assert parse_rate("12/min", "hour") == pytest.approx(720)


def test_bare_number_rate_is_per_process_time_unit() -> None:
    """A bare number (or numeric text) is events per process time unit."""
    assert parse_rate(9, "minute") == 9.0
    assert parse_rate(0.5, "hour") == 0.5
    assert parse_rate("9", "minute") == 9.0


@pytest.mark.parametrize(
    "value",
    ["5 per", "per hour", "5 hour", "540per hour", "540 perhour", "abc", "", "nan per hour"],
)
def test_invalid_rate_text_is_rejected(value: str) -> None:
    """Text that is not a rate raises a rate error."""
    with pytest.raises(PydanticCustomError) as info:
        parse_rate(value, "minute")
    assert info.value.type == "rate"


def test_rate_with_unknown_unit_is_a_time_unit_error() -> None:
    """'5 per parsec' names the bad unit."""
    with pytest.raises(PydanticCustomError) as info:
        parse_rate("5 per parsec", "minute")
    assert info.value.type == "time_unit"


@pytest.mark.parametrize(
    "value", [-9, -0.1, "-5 per hour", "5 per 0 hours", "5 per -2 hours", float("nan"), "1e400/h"]
)
def test_negative_zero_period_or_non_finite_rate_is_rejected(value: Any) -> None:
    """Negative rates, a period of 0 or less, and non-finite numbers are rejected."""
    with pytest.raises(PydanticCustomError) as info:
        parse_rate(value, "minute")
    assert info.value.type == "rate"


@pytest.mark.parametrize("value", [True, False, None, [9]])
def test_booleans_and_other_types_are_not_rates(value: Any) -> None:
    """``true`` is not 1 per minute."""
    with pytest.raises(PydanticCustomError) as info:
        parse_rate(value, "minute")
    assert info.value.type == "rate"


def test_rate_overflowing_on_conversion_is_rejected() -> None:
    """``5 per 1e-310 hours`` is infinite per minute and is rejected, not returned as inf."""
    with pytest.raises(PydanticCustomError):
        parse_rate("5 per 1e-310 hours", "minute")


# --------------------------------------------------------------------------- schema patterns


@pytest.mark.parametrize(
    "text", ["4 hours", "4h", "30 min", ".5h", "7", "1e2 s", "2d", "1 wk", " 3 mins "]
)
def test_duration_pattern_accepts_what_parse_duration_accepts(text: str) -> None:
    """The JSON Schema pattern for durations matches the parser's lower-case spellings."""
    parse_duration(text, "minute")
    assert re.match(DURATION_PATTERN, text)


@pytest.mark.parametrize("text", ["540 per hour", "12/min", "100 per 2 hours", "100/2h", "9"])
def test_rate_pattern_accepts_what_parse_rate_accepts(text: str) -> None:
    """The JSON Schema pattern for rates matches the parser's lower-case spellings."""
    parse_rate(text, "minute")
    assert re.match(RATE_PATTERN, text)


#: Text to compare the parsers with the schema patterns on: every unit spelling in
#: three cases, numbers of every shape and sign, separators, odd whitespace and digits.
PATTERN_PROBES = sorted(
    {
        f"{number}{space}{unit}"
        for number in ["4", "+4", "-4", "-0", "-.0e3", ".5", "5.", "1e2", "0", "0.0", "٤"]
        for space in ["", " ", "\t", "\u3000", "\ufeff", "\x1c"]
        for unit in [s for _, s in ALL_SPELLINGS]
        + [s.upper() for _, s in ALL_SPELLINGS]
        + [s.capitalize() for _, s in ALL_SPELLINGS]
        + ["", "x", "hourz", "w\u212a", "ſ"]
    }
    | {
        f"{number}{sep}{per}{unit}"
        for number in ["540", "-540", "-0", "0"]
        for sep in ["/", " / ", " per ", " PER ", " Per ", "per ", " pre ", " per", "\xa0per\xa0"]
        for per in ["", "2 ", "2", "0 ", "-2 ", ".5", "0.0 ", "+1 ", "1e-2 "]
        for unit in ["hour", "HOURS", "Min", "h", "w\u212a", "x", ""]
    }
)


def _accepts(parse: Any, text: str) -> bool:
    try:
        parse(text)
    except PydanticCustomError:
        return False
    return True


@pytest.mark.parametrize(
    ("pattern", "parse"),
    [
        (DURATION_PATTERN, lambda text: parse_duration(text, "minute")),
        (RATE_PATTERN, lambda text: parse_rate(text, "minute")),
        (TIME_UNIT_PATTERN, parse_unit),
    ],
    ids=["duration", "rate", "time-unit"],
)
def test_schema_patterns_accept_exactly_what_the_parsers_accept(pattern: str, parse: Any) -> None:
    """Any case, any sign, any whitespace: the schema and the loader agree on every probe."""
    disagree = [
        text
        for text in PATTERN_PROBES
        if _accepts(parse, text) != (re.search(pattern, text) is not None)
    ]
    assert disagree == []


@pytest.mark.parametrize("pattern", [DURATION_PATTERN, RATE_PATTERN, TIME_UNIT_PATTERN])
def test_schema_patterns_read_the_same_in_ecma_262(pattern: str) -> None:
    """No flags, \\d, \\s or \\w, whose meaning differs between Python and JavaScript."""
    assert "(?i" not in pattern
    assert not re.search(r"(?<!\\)(?:\\\\)*\\[dDsSwWbB]", pattern)


def test_spaces_in_patterns_are_what_python_calls_whitespace() -> None:
    """The written-out whitespace class is Python's ``\\s``, so the loader did not change."""
    space = re.compile(_SPACE)
    assert all(bool(space.fullmatch(c)) == c.isspace() for c in map(chr, range(sys.maxunicode + 1)))


def test_units_are_case_insensitive_in_durations_and_rates() -> None:
    """'4 Hours', '540 PER HOUR' and '100 Per 2 Hrs' load."""
    assert parse_duration("4 Hours", "minute") == pytest.approx(240)
    assert parse_rate("540 PER HOUR", "minute") == pytest.approx(9)
    assert parse_rate("100 Per 2 Hrs", "hour") == pytest.approx(50)


@pytest.mark.parametrize("text", ["٤ hours", "४", "540 per ٢ hours"])
def test_only_ascii_digits_are_numbers(text: str) -> None:
    """Arabic-Indic or Devanagari digits are not read as numbers (JSON Schema cannot say so)."""
    with pytest.raises(PydanticCustomError):
        parse_rate(text, "minute") if "per" in text else parse_duration(text, "minute")


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(240, "minute", "4 h"), (37, "minute", "37 min"), (0.5, "minute", "30 s"), (2, "day", "2 d")],
)
def test_format_duration_uses_the_largest_readable_unit(value: float, unit: Any, text: str) -> None:
    """Reports show durations in d, h, min or s."""
    assert format_duration(value, unit) == text
