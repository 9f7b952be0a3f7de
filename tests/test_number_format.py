"""Numbers for people: no exponent anywhere, tiny values say so, large ones are grouped."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from models import EXAMPLE, write_process
from procflow.cli import main
from procflow.model.quantities import format_duration, three_digits
from procflow.report.format import format_value
from procflow.results.catalogue import UnitKind

EXPONENT = re.compile(r"\d[eE][+-]?\d")


@pytest.mark.parametrize(
    ("kind", "value", "text"),
    [
        ("duration", 4.07e-100, "< 1 s"),  # an Erlang C wait of a pool with slack
        ("duration", 0.0, "0 s"),
        ("duration", 0.5, "30 s"),
        ("duration", 20.83, "20.8 min"),
        ("duration", 59.99 / 60, "1 min"),  # rounded before the unit is chosen
        ("duration", 1250 * 1440, "1,250 d"),
        ("share", 0.0001, "< 0.1%"),
        ("share", 0.9999, "> 99.9%"),  # not 100.0% when one item in ten thousand misses
        ("share", 1.0, "100.0%"),
        ("share", 0.0, "0.0%"),
        ("share", 0.861, "86.1%"),
        ("number", 45.5, "45.5"),
        ("number", 0.009, "0.009"),
        ("number", 1e-5, "< 0.001"),
        ("number", 12345.6, "12,346"),
        ("number", 1_234_567.0, "1.23 M"),
        ("money", 814.0, "814.00"),
        ("money", 2_500_000.0, "2.5 M"),
        ("number", float("nan"), "-"),
    ],
)
def test_a_value_reads_as_a_pm_writes_it(kind: UnitKind, value: float, text: str) -> None:
    assert format_value(kind, value, "minute") == text


@pytest.mark.parametrize(
    ("kind", "value", "text"),
    [
        ("duration", -20.0, "-20 min"),
        ("duration", 0.304 / 60, "+0.304 s"),  # a change of a wait can be small
        ("duration", -1e-7, "< 0.001 s"),  # too small to show: no sign
        ("share", -0.02, "-2.0 pp"),
        ("share", 1e-5, "< 0.1 pp"),
        ("number", 1500.0, "+1,500.0"),
    ],
)
def test_a_change_shows_its_sign(kind: UnitKind, value: float, text: str) -> None:
    assert format_value(kind, value, "minute", signed=True) == text


@given(
    st.sampled_from(["duration", "share", "money", "number"]),
    st.floats(-1e15, 1e15, allow_nan=False),
    st.booleans(),
)
def test_no_value_is_written_with_an_exponent(kind: Any, value: float, signed: bool) -> None:
    assert not EXPONENT.search(format_value(kind, value, "minute", signed=signed))


@given(st.floats(-1e15, 1e15, allow_nan=False))
def test_three_digits_never_has_an_exponent(value: float) -> None:
    assert not EXPONENT.search(three_digits(value))


def test_format_duration_of_a_negative_duration_has_its_sign() -> None:
    assert format_duration(-1250 / 60, "minute") == "-20.8 min"


SLACK = """
process: slack
time_unit: minute
arrivals: [{name: jobs, rate: 1}]
resources: {agents: {count: 400}}
stages:
  work: {resource: agents, duration: {exponential: 100}, next: done}
  done: {end: true}
"""


def test_simulate_and_analyze_print_no_exponent(tmp_path: Path) -> None:
    """The -r 2 example of issue 9 printed "-1.25e+03 s"; analyze printed "4.07e-100 s"
    for the Erlang C wait of a pool with much slack (here 400 people for 100 busy)."""
    slack = write_process(tmp_path, SLACK)
    for args in (
        ["simulate", str(EXAMPLE), "-r", "2"],
        ["analyze", str(EXAMPLE)],
        ["analyze", str(slack)],
    ):
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 0
        assert not EXPONENT.search(result.output), result.output
    assert "< 1 s" in CliRunner().invoke(main, ["analyze", str(slack)]).output
