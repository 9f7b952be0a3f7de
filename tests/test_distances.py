"""Simod's distribution distances, checked against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from procflow.analysis.distances import (
    MISSING_DAY,
    absolute_emd,
    circadian_emd,
    cycle_time_emd,
    emd,
)


def test_emd_of_a_shifted_sample_is_the_shift() -> None:
    """Moving every unit of earth 3 to the right costs 3."""
    assert emd([0, 1, 2], [3, 4, 5]) == pytest.approx(3.0)


def test_emd_moves_the_least_earth() -> None:
    """{0, 0} to {0, 2}: half the earth moves 2, so 1; {0, 1} to {1, 3}: (1 + 2) / 2."""
    assert emd([0, 0], [0, 2]) == pytest.approx(1.0)
    assert emd([0, 1], [1, 3]) == pytest.approx(1.5)


def test_emd_of_an_empty_sample_is_undefined() -> None:
    assert math.isnan(emd([], [1.0]))


def test_cycle_times_are_binned_by_the_hour_from_the_shortest() -> None:
    """0.5 h and 1.5 h, from 0.5 h: bins 0 and 1; 2.9 h and 3.1 h: bins 2 and 2; EMD (2 + 1) / 2."""
    assert cycle_time_emd([0.5, 1.5], [2.9, 3.1]) == pytest.approx(1.5)


def test_events_are_binned_by_the_clock_hour() -> None:
    """9:10 and 9:50 are the same hour (bin 9); 11:05 is bin 11: each moves 2 hours."""
    assert absolute_emd([9 + 10 / 60, 9 + 50 / 60], [11 + 5 / 60, 11 + 5 / 60]) == pytest.approx(2)


def test_circadian_compares_each_day_of_the_week_and_averages() -> None:
    """Monday 9:00 against Monday 12:00 is 3 hours; Tuesday 10:00 against nothing is 23; the
    other five days have nothing in either: (3 + 23) / 7."""
    first = [9.0, 24 + 10.0]
    second = [12.0]
    assert circadian_emd(first, second) == pytest.approx((3 + MISSING_DAY) / 7)


def test_circadian_ignores_which_week() -> None:
    """Monday 9:00 of week 1 and Monday 9:30 of week 2 are the same day and hour."""
    assert circadian_emd([9.0], [7 * 24 + 9.5]) == 0.0
