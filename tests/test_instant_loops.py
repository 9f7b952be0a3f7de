"""Loops that take no time: lint reports them (PF109), and the simulator stops on them.

The simulator refuses a file with lint errors, so these tests run the engine
directly on such files: its own guard (an item making more than
``MAX_INSTANT_MOVES`` moves at one instant) ends the run with an unstable verdict
instead of looping at time 0. The guard bounds the test: it needs no timeout.
"""

from __future__ import annotations

import pytest

from models import load_text
from procflow.lint.runner import check_process
from procflow.model.settings import RunSettings
from procflow.results.records import AnalyticCheck
from procflow.results.verdict import results_verdict
from procflow.sim.runner import run_replications

HEAD = """
process: instant
time_unit: minute
arrivals: [{name: reports, rate: 30 per hour}]
resources: {moderator: {count: 1}, specialist: {count: 1}}
stages:
"""

ESCALATE_TO_EACH_OTHER = """
  triage: {resource: moderator, duration: 20 min, escalate_after: 0 min,
           escalate_to: senior, next: done}
  senior: {resource: specialist, duration: 30 min, escalate_after: 0 min,
           escalate_to: triage, next: done}
  done: {end: true}
"""
ESCALATE_TO_ITSELF = """
  triage: {resource: moderator, duration: 20 min, escalate_after: 0 min,
           escalate_to: triage, next: done}
  done: {end: true}
"""
DECISIONS = """
  check: {next: recheck}
  recheck: {next: check}
  moderate: {resource: moderator, duration: 1 min, next: done}
  done: {end: true}
"""


@pytest.mark.parametrize(
    ("stages", "stage"),
    [(ESCALATE_TO_EACH_OTHER, {"triage", "senior"}), (ESCALATE_TO_ITSELF, {"triage"}),
     (DECISIONS, {"check", "recheck"})],
    ids=["escalate-to-each-other", "escalate-to-itself", "decisions"],
)  # fmt: skip
def test_the_engine_stops_an_item_that_loops_at_one_instant(stages: str, stage: set[str]) -> None:
    """The run ends (unstable) the moment an item is caught in the loop, at that instant."""
    process = load_text(HEAD + stages)
    run = run_replications(process, RunSettings(horizon=600.0), replications=1, seed=1)[0]
    assert run.stuck in stage
    assert run.stable is False
    assert run.stopped_at < 600.0


def test_a_run_stopped_at_an_instant_loop_reads_unstable() -> None:
    verdict = results_verdict(AnalyticCheck(True), False, {}, [], "triage")
    assert verdict.tone == "bad"
    assert verdict.text.startswith("unstable")


@pytest.mark.parametrize(
    ("stages", "where"),
    [(ESCALATE_TO_EACH_OTHER, [(11, 25)]), (ESCALATE_TO_ITSELF, [(9, 25)]),
     (DECISIONS, [(9, 19)])],
    ids=["escalate-to-each-other", "escalate-to-itself", "decisions"],
)  # fmt: skip
def test_lint_reports_the_loop_at_its_closing_route(
    stages: str, where: list[tuple[int, int]]
) -> None:
    findings = list(check_process(load_text(HEAD + stages)))
    assert [(f.location.line, f.location.col) for f in findings if f.code == "PF109"] == where
