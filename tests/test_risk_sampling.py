"""Risk-based QC: sampling new hires' work, or the work of people gold finds below a bar.

A pool of 20 labelers has 5 new hires who make 3x the errors (12% against 4%). The
new hires do a quarter of the work (a quarter of the people, as fast as the rest), so
one review pass sampling ``s_g`` of group ``g``'s work and catching r = 85% of what it
sees lets ``sum w_g d_g (1 - s_g r)`` through. Each check compares the formula, the
analysis (the traffic equations over item classes split by who worked) and the
simulation, which must land within four binomial standard errors of the formula for
the number of items it delivered.
"""

from __future__ import annotations

import json
import math

import pytest

from models import PROCESSES, load_text, run
from procflow.analysis import analyze
from procflow.diagnostics import LoadError
from procflow.flow import compile_flow
from procflow.model.settings import RunSettings
from procflow.model.tenure import UNMEASURED_ACCURACY, new_hire, new_hires_among
from procflow.sim.engine import Engine
from procflow.sim.items import Item
from procflow.sim.people import PeoplePool, Person, mark
from procflow.sim.plan import people_pools
from procflow.sim.runner import run_replications, summarize_runs

HOURS = 24
RUNS = 4
DETECTION = 0.85

NEW_HIRE_QC = """
process: new-hire-qc
arrivals: [{name: items, rate: 600 per hour}]
resources:
  labeler: {count: 20, new_hires: NEW}
  qc_reviewer: {count: 14}
  fixer: {count: 10}
stages:
  label:
    resource: labeler
    duration: 1 min
    error_rate: 0.04
    new_hires: {error_rate: 0.12}
    next: qc
  qc:
    resource: qc_reviewer
    duration: 1 min
    sample: SAMPLE
    detection_rate: 0.85
    on_defect: fix
    next: done
  fix: {resource: fixer, duration: 1 min, next: done}
  done: {end: true}
"""
TARGETED = "[{when: new_hire, rate: 1.0}, {rate: 0.1}]"
UNIFORM = "0.2"


def escaped(groups: list[tuple[float, float, float]], detection: float) -> float:
    """Defects let through by one review pass: sum of w * d * (1 - s * r) over the groups
    (w: the group's share of the work, d: its defect rate, s: its sample rate)."""
    return sum(w * d * (1 - s * detection) for w, d, s in groups)


def _simulate(text: str) -> tuple[dict[str, float], float]:
    """The mean KPIs of a run, and how many items it delivered."""
    process = load_text(text)
    settings = RunSettings(horizon=HOURS * 60, warmup=60, replications=RUNS, seed=11)
    results = summarize_runs(process, settings, run_replications(process, settings))
    kpis = {key: estimate.mean for key, estimate in results.kpis.items()}
    return kpis, kpis["throughput_per_hour"] * (HOURS - 1) * RUNS


def _within(simulated: float, expected: float, items: float) -> None:
    """Within four binomial standard errors of the share ``expected``."""
    error = 4 * math.sqrt(expected * (1 - expected) / items)
    assert abs(simulated - expected) <= error, (simulated, expected, error)


def _text(sample: str, new: int = 5) -> str:
    return NEW_HIRE_QC.replace("SAMPLE", sample).replace("NEW", str(new))


def test_new_hires_are_spread_evenly_over_the_people_as_they_come_on_shift() -> None:
    """5 of 20: #4, #8, #12, #16, #20; so any first n people hold n * 5 // 20 of them."""
    assert [n for n in range(1, 21) if new_hire(n, 5, 20)] == [4, 8, 12, 16, 20]
    for people in range(41):
        among = sum(new_hire(n, 5, 20) for n in range(1, people + 1))
        assert among == new_hires_among(people, 5, 20)
    assert not any(new_hire(n, 0, 20) for n in range(1, 21))
    assert all(new_hire(n, 20, 20) for n in range(1, 21))


def test_the_new_hires_share_of_the_work_is_their_share_of_the_people_working() -> None:
    """20 on duty, 5 new: a quarter; 10% shrinkage leaves 18 working, 4 of them new."""
    process = load_text(_text(UNIFORM))
    assert process.resources["labeler"].new_hire_share == pytest.approx(0.25)
    shrunk = load_text(_text(UNIFORM).replace("new_hires: 5", "new_hires: 5, shrinkage: 0.1"))
    assert shrunk.resources["labeler"].new_hire_share == pytest.approx(4 / 18)


@pytest.mark.parametrize(
    ("sample", "groups", "load"),
    [
        (TARGETED, [(0.25, 0.12, 1.0), (0.75, 0.04, 0.1)], 0.25 + 0.75 * 0.1),
        (UNIFORM, [(0.25, 0.12, 0.2), (0.75, 0.04, 0.2)], 0.2),
    ],
    ids=["100%-of-new-hires-10%-of-the-rest", "20%-of-everyone"],
)
def test_escaped_defects_and_qc_load_by_tenure_agree_in_formula_analysis_and_run(
    sample: str, groups: list[tuple[float, float, float]], load: float
) -> None:
    """Targeted: 3.195% escape at 0.325 reviews per item; uniform: 4.98% at 0.2."""
    expected = escaped(groups, DETECTION)
    assert expected == pytest.approx(0.03195 if sample == TARGETED else 0.0498)
    capacity = analyze(load_text(_text(sample)))
    assert capacity.quality is not None
    assert capacity.quality.escaped == pytest.approx(expected, rel=1e-12)
    assert capacity.stages["qc"].visits == pytest.approx(load, rel=1e-12)
    (figures,) = capacity.tenure
    assert (figures.stage, figures.review) == ("label", "qc")
    assert figures.escaped == pytest.approx(expected, rel=1e-12)
    assert figures.sampled == pytest.approx(load, rel=1e-12)
    assert [(g.work, g.defect_rate, g.sampled) for g in figures.groups] == [
        pytest.approx(group) for group in groups
    ]
    kpis, delivered = _simulate(_text(sample))
    _within(kpis["escaped_defect_rate"], expected, delivered)
    _within(kpis["stages.qc.visits"], load, delivered)


def test_without_new_hires_the_pool_is_counted_and_everyone_works_alike() -> None:
    """No new hires: no identities (the pool runs as fast as before), one group."""
    flow = compile_flow(load_text(_text(UNIFORM, new=0)))
    assert people_pools(flow) == frozenset()
    capacity = analyze(flow.process, flow)
    assert capacity.quality is not None
    assert capacity.quality.escaped == pytest.approx(0.04 * (1 - 0.2 * DETECTION))
    assert [g.group for g in capacity.tenure[0].groups] == ["the rest"]
    assert people_pools(compile_flow(load_text(_text(UNIFORM)))) == frozenset({"labeler"})


ACCURACY_QC = """
process: accuracy-qc
arrivals: [{name: items, rate: 600 per hour}]
resources:
  labeler: {count: 20, new_hires: 5}
  qc_reviewer: {count: 14}
  fixer: {count: 10}
stages:
  label:
    resource: labeler
    duration: 1 min
    error_rate: 0.04
    new_hires: {error_rate: 0.20}
    gold: {first: 20, then: 0.05}
    next: qc
  qc:
    resource: qc_reviewer
    duration: 1 min
    sample: SAMPLE
    detection_rate: 0.85
    on_defect: fix
    next: done
  fix: {resource: fixer, duration: 1 min, next: done}
  done: {end: true}
"""
BY_ACCURACY = "[{when: annotator_accuracy < 0.9, rate: 0.5}, {rate: 0.05}]"


def test_a_person_s_measured_accuracy_is_their_share_of_gold_right_and_1_before_any() -> None:
    """The sample reads the gold tally of the person who took the task, as it stands then."""
    process = load_text(ACCURACY_QC.replace("SAMPLE", BY_ACCURACY))
    engine = Engine(process, RunSettings(horizon=60, warmup=0, replications=1), 1, 0)
    label, qc = engine.stages[0], engine.stages[1]
    tally = label.gold
    assert tally is not None and label.marks and label.accuracy_at >= 0
    assert tally.measured(7) == UNMEASURED_ACCURACY == 1.0
    tally.answers[7] = [10, 8]
    assert tally.measured(7) == pytest.approx(0.8)
    row = [None] * len(engine.plan.attributes)
    item = Item(1, 0.0, tuple(row), True, 0, 0)
    mark(Person(7, label.pool.teams[0], new_hire=True), item, label)
    assert item.attrs[label.accuracy_at] == pytest.approx(0.8)
    assert item.attrs[label.new_hire_at] is True
    assert qc.rule.sample_rate(item.attrs) == 0.5
    mark(Person(8, label.pool.teams[0]), item, label)  # unmeasured, not new
    assert qc.rule.sample_rate(item.attrs) == 0.05
    assert item.attrs[label.new_hire_at] is False
    # the new hires answer gold with their own accuracy: 1 - 0.20
    assert tally.rule.accuracy_of(True) == pytest.approx(0.8)
    assert tally.rule.accuracy_of(False) == pytest.approx(0.96)


def test_sampling_by_measured_accuracy_reviews_the_weak_more_and_lets_less_escape() -> None:
    """QC of half the work of people gold measures below 90% (the new hires are 80%
    accurate, the rest 96%), against a random sample of every item at the same QC load:
    the new hires' work is sampled far more, and fewer defects escape."""
    targeted, delivered = _simulate(ACCURACY_QC.replace("SAMPLE", BY_ACCURACY))
    assert targeted["stages.qc.new_hires_sampled"] > 3 * targeted["stages.qc.others_sampled"]
    load = targeted["stages.qc.visits"]
    uniform, _ = _simulate(ACCURACY_QC.replace("SAMPLE", f"{load:.4f}"))
    _within(uniform["stages.qc.visits"], load, delivered)
    assert uniform["stages.qc.new_hires_sampled"] == pytest.approx(load, abs=0.02)
    # the two escaped rates differ by more than four standard errors of their difference
    a, b = targeted["escaped_defect_rate"], uniform["escaped_defect_rate"]
    error = 4 * math.sqrt((a * (1 - a) + b * (1 - b)) / delivered)
    assert b - a > error, (a, b, error)
    # the analysis takes the groups' measured accuracy to be their true one (80%, 96%)
    capacity = analyze(load_text(ACCURACY_QC.replace("SAMPLE", BY_ACCURACY)))
    (figures,) = capacity.tenure
    assert [g.sampled for g in figures.groups] == pytest.approx([0.5, 0.05])


def test_a_pool_s_people_are_new_hires_by_their_number_under_a_calendar_too() -> None:
    """20 on duty at the peak and 10 at night, 5 new: the night's 10 hold 2 of them."""
    process = load_text(
        _text(UNIFORM).replace(
            "labeler: {count: 20, new_hires: 5}",
            "labeler:\n"
            "    new_hires: 5\n"
            "    calendar:\n"
            "      - {hours: '08:00-20:00', count: 20}\n"
            "      - {hours: '20:00-08:00', count: 10}",
        )
    )
    labeler = process.resources["labeler"]
    assert labeler.headcount == 20
    assert labeler.new_hire_share == pytest.approx((5 + 2) / (20 + 10))
    engine = Engine(process, RunSettings(horizon=60, warmup=0, replications=1), 1, 0)
    pool = engine.pools["labeler"]
    assert isinstance(pool, PeoplePool)
    people = [p for team in pool.teams for p in pool.idle[team]]
    assert [p.number for p in people if p.new_hire] == [4, 8]  # Monday 00:00: the night's 10


@pytest.mark.parametrize("name", ["new_hire", "annotator_accuracy"])
def test_an_attribute_may_not_take_a_name_conditions_read_of_the_worker(name: str) -> None:
    text = _text(UNIFORM).replace(
        "arrivals: [{name: items, rate: 600 per hour}]",
        f"arrivals: [{{name: items, rate: 600 per hour, attributes: {{{name}: {{a: 1.0}}}}}}]",
    )
    with pytest.raises(LoadError) as raised:
        load_text(text)
    assert [(f.code, f.location.line) for f in raised.value.findings] == [("PF012", 3)]


def test_new_hires_own_decision_needs_the_stage_s_decision() -> None:
    text = _text(UNIFORM).replace(
        "new_hires: {error_rate: 0.12}",
        "new_hires: {decision: {sensitivity: 0.8, specificity: 0.95}}",
    )
    with pytest.raises(LoadError):
        load_text(text)


def test_analyze_reports_the_bundled_new_hire_process_by_group() -> None:
    """``procflow analyze --format json``: the groups' items, defects, samples and escapes."""
    result = run("analyze", str(PROCESSES / "new_hire_qc_labeling.yaml"), "--format", "json")
    assert result.exit_code == 0, result.output
    (figures,) = json.loads(result.output)["new_hires"]
    assert (figures["stage"], figures["review"]) == ("label", "qc")
    new, rest = figures["groups"]
    assert (new["group"], rest["group"]) == ("new hires", "the rest")
    assert (new["defect_rate"], new["sampled"]) == pytest.approx((0.12, 1.0))
    assert (rest["defect_rate"], rest["sampled"]) == pytest.approx((0.04, 0.1))
    # rework goes back to the same person: the new hires work on a little under a quarter
    assert 0.2 < new["work"] < 0.25
    assert new["work"] + rest["work"] == pytest.approx(1.0)
    assert figures["escaped"] == pytest.approx(
        escaped([(g["work"], g["defect_rate"], g["sampled"]) for g in (new, rest)], DETECTION)
    )
    text = run("analyze", str(PROCESSES / "new_hire_qc_labeling.yaml"))
    assert text.exit_code == 0 and "New hires label -> qc" in text.output


NEW_HIRE_DECISIONS = """
process: new-hire-decisions
arrivals: [{name: reports, rate: 600 per hour}]
truth: {prevalence: 0.1}
resources:
  moderator: {count: 20, new_hires: 10}
stages:
  decide:
    resource: moderator
    duration: 1 min
    decision: {sensitivity: 0.9, specificity: 0.98}
    new_hires: {decision: {sensitivity: 0.6, specificity: 0.9}}
    next: done
  done: {end: true}
"""


def test_new_hires_own_decisions_agree_in_formula_analysis_and_run() -> None:
    """Half the moderators are new: per 1,000, 100 * (0.5 * 0.1 + 0.5 * 0.4) = 25 harmful
    items stay up and 900 * (0.5 * 0.02 + 0.5 * 0.1) = 54 benign ones come down."""
    negatives, positives = 0.1 * (0.5 * 0.1 + 0.5 * 0.4), 0.9 * (0.5 * 0.02 + 0.5 * 0.1)
    capacity = analyze(load_text(NEW_HIRE_DECISIONS))
    assert capacity.quality is not None and capacity.quality.decisions is not None
    decisions = capacity.quality.decisions
    assert decisions.false_negatives_per_1000 == pytest.approx(1000 * negatives, rel=1e-12)
    assert decisions.false_positives_per_1000 == pytest.approx(1000 * positives, rel=1e-12)
    kpis, delivered = _simulate(NEW_HIRE_DECISIONS)
    _within(kpis["false_negatives_per_1000"] / 1000, negatives, delivered)
    _within(kpis["false_positives_per_1000"] / 1000, positives, delivered)
