"""k-of-n consensus, dynamic overlap and separation of duties, against their exact answers.

The closed forms come first (the binomial for a majority of three, 1 - pᵏ - (1 - p)ᵏ for
unanimity, a dynamic overlap's vote-count chain worked by hand); then the simulation
is held to them within intervals from the run's own length (binomial standard errors,
four of them either side, so that a correct engine fails about once in 16,000 runs);
then the engine's separation of duties is read off its event log, person by person.
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from pathlib import Path

import pytest

from models import ROOT, load_text, run, write_process
from procflow.analysis import analyze
from procflow.analysis.consensus import majority_accuracy, unanimous_disagreement
from procflow.flow.compiler import compile_flow
from procflow.flow.consensus import ConsensusRule
from procflow.model.consensus import Consensus
from procflow.model.process import Process
from procflow.model.settings import RunSettings
from procflow.sim.people import PeoplePool
from procflow.sim.plan import Plan
from procflow.sim.runner import run_replications
from procflow.sim.staff import StaffPool

#: Standard errors either side of the exact value that a simulated estimate may fall.
Z = 4.0


def _rule(**consensus: object) -> ConsensusRule:
    return ConsensusRule.of(Consensus.model_validate(consensus), adjudicate=-1)


@pytest.mark.parametrize(("p", "expected"), [(0.7, 0.784), (0.8, 0.896), (0.9, 0.972)])
def test_a_majority_of_three_is_right_by_the_binomial(p: float, expected: float) -> None:
    right, wrong, unsettled = _rule(labelers=3, accuracy=p).shares()
    assert right == pytest.approx(p**3 + 3 * p**2 * (1 - p), abs=1e-12)
    assert round(right, 3) == expected
    assert majority_accuracy(p, 3) == pytest.approx(right, abs=1e-12)
    assert unsettled == 0  # a majority of three always exists
    assert wrong == pytest.approx(1 - right, abs=1e-12)


@pytest.mark.parametrize("k", [2, 3, 5])
def test_unanimity_disagrees_unless_every_label_is_alike(k: int) -> None:
    p = 0.85
    right, wrong, unsettled = _rule(labelers=k, accuracy=p, agree="unanimous").shares()
    assert unsettled == pytest.approx(1 - p**k - (1 - p) ** k, abs=1e-12)
    assert unanimous_disagreement(p, k) == pytest.approx(unsettled, abs=1e-12)
    assert right == pytest.approx(p**k, abs=1e-12)
    assert wrong == pytest.approx((1 - p) ** k, abs=1e-12)


def test_dynamic_overlap_worked_by_hand() -> None:
    """p = 0.8, min 2, max 4, confidence 0.9; with a uniform prior the leading answer ahead
    by d labels is right with 1 / (1 + 0.25^d): 0.8 for d = 1, 0.941 for d = 2.

    After two labels: both right (0.64) or both wrong (0.04) stops (d = 2); a split
    (0.32) is d = 0 and asks for a third, which makes d = 1 (0.8 < 0.9): a fourth.
    Then 3-1 (0.64) settles right, 1-3 (0.04) wrong, 2-2 (0.32) goes to adjudicate.
    """
    rule = _rule(min=2, max=4, confidence=0.9, accuracy=0.8)
    assert rule.finals() == pytest.approx(
        {(2, 0): 0.64, (0, 2): 0.04, (3, 1): 0.32 * 0.64, (2, 2): 0.32 * 0.32, (1, 3): 0.32 * 0.04}
    )
    assert rule.expected_labels() == pytest.approx(2 * 0.68 + 4 * 0.32)  # 2.64
    right, wrong, unsettled = rule.shares()
    assert right == pytest.approx(0.64 + 0.32 * 0.64)  # 0.8448
    assert wrong == pytest.approx(0.04 + 0.32 * 0.04)  # 0.0528
    assert unsettled == pytest.approx(0.32 * 0.32)  # 0.1024


def test_a_confident_first_label_stops_a_dynamic_overlap_at_its_minimum() -> None:
    rule = _rule(min=1, max=5, confidence=0.75, accuracy=0.8)  # one label: 0.8 >= 0.75
    assert rule.expected_labels() == 1
    assert rule.shares() == pytest.approx((0.8, 0.2, 0.0))


#: Three consensus stages in a row, each with its own pool and labelers' accuracy.
THREE_ACCURACIES = """
process: majorities
time_unit: minute
arrivals:
  - {name: images, rate: 120 per hour}
resources:
  p70: {count: 10}
  p80: {count: 10}
  p90: {count: 10}
stages:
  label_70:
    resource: p70
    duration: {exponential: {mean: 1}}
    consensus: {labelers: 3, accuracy: 0.7}
    next: label_80
  label_80:
    resource: p80
    duration: {exponential: {mean: 1}}
    consensus: {labelers: 3, accuracy: 0.8, mode: sequential}
    next: label_90
  label_90:
    resource: p90
    duration: {exponential: {mean: 1}}
    consensus: {labelers: 3, accuracy: 0.9}
    next: done
  done: {end: true}
"""


def _items(process: Process, settings: RunSettings, runs: list[dict[str, float]]) -> float:
    """Items that arrived in the measured windows of the runs (each one a consensus)."""
    hours = (settings.horizon - settings.warmup) / 60
    return sum(kpis["arrivals_per_hour"] * hours for kpis in runs)


def _simulate(
    process: Process, hours: float, replications: int = 2
) -> tuple[list[dict[str, float]], float]:
    settings = RunSettings(horizon=hours * 60, warmup=60, replications=replications)
    runs = [r.kpis for r in run_replications(process, settings, seed=5)]
    return runs, _items(process, settings, runs)


def _mean(runs: list[dict[str, float]], key: str) -> float:
    return math.fsum(kpis[key] for kpis in runs) / len(runs)


def test_simulated_majorities_are_right_as_often_as_the_binomial_says() -> None:
    process = load_text(THREE_ACCURACIES)
    runs, items = _simulate(process, hours=30)
    assert items > 5_000
    for p in (0.7, 0.8, 0.9):
        exact = majority_accuracy(p, 3)
        se = math.sqrt(exact * (1 - exact) / items)
        measured = _mean(runs, f"stages.label_{round(p * 100)}.consensus_accuracy")
        assert abs(measured - exact) <= Z * se, (p, measured, exact, se)
        assert _mean(runs, f"stages.label_{round(p * 100)}.labels_per_item") == 3
    # every wrong majority is a defect, and nothing reviews them: they all escape
    escaped = 1 - math.prod(majority_accuracy(p, 3) for p in (0.7, 0.8, 0.9))
    se = math.sqrt(escaped * (1 - escaped) / items)
    assert abs(_mean(runs, "escaped_defect_rate") - escaped) <= Z * se


#: A dynamic overlap (the hand-worked case), unanimity, both with an adjudicator.
ADJUDICATED = """
process: adjudicated
time_unit: minute
arrivals:
  - {name: images, rate: 120 per hour}
resources:
  annotator: {count: 14}
  adjudicator: {count: 4}
stages:
  dynamic:
    resource: annotator
    duration: {exponential: {mean: 1}}
    consensus: {min: 2, max: 4, confidence: 0.9, accuracy: 0.8, adjudicate: adjudicate}
    next: unanimous
  unanimous:
    resource: annotator
    duration: {exponential: {mean: 1}}
    consensus: {labelers: 2, accuracy: 0.85, agree: unanimous, adjudicate: adjudicate}
    next: done
  adjudicate:
    resource: adjudicator
    duration: 3 min
    next: done
  done: {end: true}
"""


def test_simulated_dynamic_overlap_asks_for_the_exact_labels_and_adjudicates_the_rest() -> None:
    process = load_text(ADJUDICATED)
    runs, items = _simulate(process, hours=30)
    finals = _rule(min=2, max=4, confidence=0.9, accuracy=0.8).finals()
    mean = math.fsum((r + w) * c for (r, w), c in finals.items())
    variance = math.fsum((r + w) ** 2 * c for (r, w), c in finals.items()) - mean**2
    measured = _mean(runs, "stages.dynamic.labels_per_item")
    assert abs(measured - 2.64) <= Z * math.sqrt(variance / items)
    for stage, disagreement in (("dynamic", 0.1024), ("unanimous", 1 - 0.85**2 - 0.15**2)):
        se = math.sqrt(disagreement * (1 - disagreement) / items)
        assert abs(_mean(runs, f"stages.{stage}.disagreement") - disagreement) <= Z * se


def test_the_analysis_counts_every_label_as_work_of_the_pool() -> None:
    process = load_text(ADJUDICATED)
    capacity = analyze(process)
    # 2.64 labels at dynamic; two at unanimous for the items dynamic settled (adjudicated
    # items go from adjudicate to done); 2 items a minute, 1 minute a label
    labels = 2.64 + 2 * (1 - 0.1024)
    assert capacity.pools["annotator"].offered_load == pytest.approx(2 * labels * 1.0)
    adjudicated = 0.1024 + (1 - 0.85**2 - 0.15**2) * (1 - 0.1024)
    assert capacity.stages["adjudicate"].visits == pytest.approx(adjudicated)
    figures = {c.stage: c for c in capacity.consensus}
    assert figures["dynamic"].labels == pytest.approx(2.64)
    assert figures["dynamic"].accuracy == pytest.approx(0.8448 / (0.8448 + 0.0528))
    assert figures["unanimous"].disagreement == pytest.approx(1 - 0.85**2 - 0.15**2)


#: Three labelers and a peer review out of one small pool, busy enough that the person
#: who frees up is often one who may not take the next task.
SEPARATED = """
process: separated
time_unit: minute
arrivals:
  - {name: images, rate: 100 per hour}
resources:
  annotator: {count: 6}
stages:
  label:
    resource: annotator
    duration: {exponential: {mean: 0.7}}
    consensus: {labelers: 3, accuracy: 0.8, mode: MODE}
    next: peer_review
  peer_review:
    resource: annotator
    duration: {exponential: {mean: 0.7}}
    not_by: label
    next: done
  done: {end: true}
"""


def _visits(log: Path) -> dict[str, list[dict[str, str]]]:
    by_case: dict[str, list[dict[str, str]]] = defaultdict(list)
    with log.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            by_case[row["case_id"]].append(row)
    return by_case


@pytest.mark.parametrize("mode", ["parallel", "sequential"])
def test_no_item_is_labeled_twice_by_one_person_or_reviewed_by_its_labeler(
    tmp_path: Path, mode: str
) -> None:
    path = write_process(tmp_path, SEPARATED.replace("MODE", mode))
    log = tmp_path / "events.csv"
    result = run("simulate", str(path), "-r", "1", "--horizon", "1 day", "--events", str(log))
    assert result.exit_code == 0, result.output
    cases = _visits(log)
    assert len(cases) > 1_000
    people = set()
    for case, visits in cases.items():
        labelers = [v["resource"] for v in visits if v["activity"] == "label"]
        reviewers = [v["resource"] for v in visits if v["activity"] == "peer_review"]
        people |= set(labelers)
        if not reviewers:
            continue  # still in the system at the end of the log
        assert len(labelers) == 3 and len(set(labelers)) == 3, case
        assert not set(reviewers) & set(labelers), case
        if mode == "sequential":
            labels = sorted((v["start_timestamp"], v["end_timestamp"]) for v in visits[:3])
            assert all(labels[k][1] <= labels[k + 1][0] for k in range(2)), case
    assert people == {f"annotator#{k}" for k in range(1, 7)}


def test_people_come_and_go_with_their_shifts_and_separation_still_holds(tmp_path: Path) -> None:
    """A day crew joins at 09:00 and leaves at 17:00 (finishing what they hold): the people
    who come on shift take waiting tasks they may do, and nobody labels an item twice."""
    calendar = (
        "  annotator:\n    calendar:\n"
        '      - {name: around the clock, days: all, hours: "00:00-24:00", count: 5}\n'
        '      - {name: day crew, days: all, hours: "09:00-17:00", count: 4}'
    )
    text = SEPARATED.replace("MODE", "parallel").replace("  annotator: {count: 6}", calendar)
    path = write_process(tmp_path, text)
    log = tmp_path / "events.csv"
    result = run("simulate", str(path), "-r", "1", "--horizon", "2 days", "--events", str(log))
    assert result.exit_code == 0, result.output
    people: set[str] = set()
    for case, visits in _visits(log).items():
        labelers = [v["resource"] for v in visits if v["activity"] == "label"]
        reviewers = [v["resource"] for v in visits if v["activity"] == "peer_review"]
        assert len(set(labelers)) == len(labelers), case
        assert not set(reviewers) & set(labelers), case
        people |= set(labelers) | set(reviewers)
    assert people == {f"annotator#{k}" for k in range(1, 10)}  # the day crew worked too


def test_a_process_without_these_rules_keeps_its_counted_pools() -> None:
    """Only a pool a separation-of-duties rule reads numbers its people (the hot path of
    every other pool is unchanged)."""
    separated = Plan(compile_flow(load_text(SEPARATED.replace("MODE", "parallel"))), 1, 0)
    assert type(separated.pools["annotator"]) is PeoplePool
    assert separated.named
    plain = Plan(compile_flow(load_text(THREE_ACCURACIES.replace("consensus", "#"))), 1, 0)
    assert all(type(pool) is StaffPool for pool in plain.pools.values())
    assert not plain.named


def test_not_by_another_pool_separates_nothing_and_numbers_nobody() -> None:
    text = SEPARATED.replace("MODE", "parallel").replace(
        "  annotator: {count: 6}", "  annotator: {count: 6}\n  reviewer: {count: 3}"
    )
    text = text.replace(
        "    resource: annotator\n    duration: {exponential: {mean: 0.7}}\n    not_by",
        "    resource: reviewer\n    duration: {exponential: {mean: 0.7}}\n    not_by",
    )
    plan = Plan(compile_flow(load_text(text)), 1, 0)
    assert type(plan.pools["reviewer"]) is StaffPool
    assert plan.stages[1].not_by == ()


def test_analyze_reports_the_consensus_figures(tmp_path: Path) -> None:
    path = write_process(tmp_path, ADJUDICATED)
    result = run("analyze", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)["consensus"]
    assert figures["dynamic"]["labels"] == pytest.approx(2.64)
    assert figures["dynamic"]["disagreement"] == pytest.approx(0.1024)
    assert figures["unanimous"]["labels"] == pytest.approx(2)
    assert figures["unanimous"]["accuracy"] == pytest.approx(0.85**2 / (0.85**2 + 0.15**2))


def test_a_consensus_stage_is_two_tasks_but_one_visit_per_item_in_the_staffing_work() -> None:
    """Two labels per item are two tasks for the annotators, not rework: a staffing plan's
    --verify must not explain a miss by items coming back to the stage."""
    from procflow.analysis.workload import pool_work
    from procflow.model.validation import validate_process
    from procflow.source import load_document

    process = validate_process(load_document(ROOT / "processes" / "consensus_labeling.yaml"))
    (labels,) = pool_work(process)["annotator"].stages
    assert labels.tasks[0] == pytest.approx(2.0) and labels.visits == pytest.approx(1.0)
