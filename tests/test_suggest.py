"""Tests for procflow.diagnostics.suggest: the one did-you-mean of every hint."""

from __future__ import annotations

from procflow.diagnostics.suggest import closest, did_you_mean


def test_closest_is_the_most_similar_name() -> None:
    assert closest("duraton", ["resource", "duration", "next"]) == "duration"
    assert closest("sample_for_qcc", ["label", "sample_for_qc"]) == "sample_for_qc"


def test_a_name_that_differs_only_in_case_wins() -> None:
    """``Label`` means ``label``, even where another name is closer letter by letter."""
    assert closest("Label", ["Labe", "label"]) == "label"
    assert closest("pf106", ["PF105", "PF106"]) == "PF106"


def test_nothing_close_enough_is_no_suggestion() -> None:
    assert closest("escalation", ["label", "review"]) is None
    assert closest("label", []) is None
    assert did_you_mean("escalation", ["label"]) is None


def test_did_you_mean_quotes_the_name() -> None:
    assert did_you_mean("duraton", ["duration"]) == "did you mean 'duration'?"
