"""Gold (honeypot) tasks: their load, the accuracy they measure, and what they leave alone.

A gold stage's people go on from a task to a gold one with the chance ``rate``
(each person's ``first`` gold tasks come first), so a stage gets ``rate / (1 - rate)``
gold tasks per real one, each answered right with the stage's accuracy. The
simulation is held to those expectations within intervals from the run's own counts
(four standard errors either side); the analysis adds the same load to the pool, so
analyze and simulate agree on its utilization, and items see no difference but the
wait.
"""

from __future__ import annotations

import json
import math

import pytest

from models import ROOT, load_text, run, write_process
from procflow.analysis import analyze
from procflow.diagnostics import LoadError
from procflow.flow.compiler import compile_flow
from procflow.model.process import Process
from procflow.model.settings import RunSettings
from procflow.sim.engine import Engine
from procflow.sim.plan import GoldTally
from procflow.sim.runner import run_replications

#: Standard errors either side of the exact value that a simulated estimate may fall.
Z = 4.0
HOURS = 48


def _process(gold: str, error_rate: float = 0.2, count: int = 10) -> Process:
    return load_text(
        f"""
        process: gold
        arrivals: [{{name: tasks, rate: 60 per hour}}]
        resources: {{annotator: {{count: {count}}}}}
        stages:
          label:
            resource: annotator
            duration: {{exponential: {{mean: 6}}}}
            error_rate: {error_rate}
            {gold}
            next: done
          done: {{end: true}}
        """
    )


def _tally(process: Process, seed: int = 3) -> GoldTally:
    """The gold counts of one replication without warm-up (every gold task counted)."""
    settings = RunSettings(horizon=HOURS * 60, warmup=0, replications=1, seed=seed)
    engine = Engine(process, settings, seed, 0)
    engine.run()
    tally = engine.stages[0].gold
    assert tally is not None
    return tally


def _answered(tally: GoldTally) -> tuple[int, int]:
    return sum(a[0] for a in tally.answers.values()), sum(a[1] for a in tally.answers.values())


def test_a_gold_rate_is_a_share_of_the_tasks_and_costs_rate_over_one_minus_rate() -> None:
    rule = compile_flow(_process("gold: {rate: 0.2}")).rules[0]
    assert rule.gold is not None
    assert rule.gold.per_task == pytest.approx(0.25)
    assert rule.worked == pytest.approx(1.25)
    assert rule.gold.accuracy == pytest.approx(0.8)  # 1 - error_rate
    assert compile_flow(_process("")).rules[0].worked == 1.0


def test_gold_accuracy_at_a_decision_stage_weighs_its_classes() -> None:
    process = load_text(
        """
        process: gold-decision
        arrivals: [{name: posts, rate: 60 per hour}]
        truth: {prevalence: 0.05}
        resources: {moderator: {count: 10}}
        stages:
          moderate:
            resource: moderator
            duration: 6 min
            decision: {sensitivity: 0.9, specificity: 0.97}
            gold: {rate: 0.05, violating: 0.3}
            next: done
          done: {end: true}
        """
    )
    gold = compile_flow(process).rules[0].gold
    assert gold is not None
    assert gold.accuracy == pytest.approx(0.3 * 0.9 + 0.7 * 0.97)


def test_the_simulated_gold_load_and_measured_accuracy_meet_their_expectations() -> None:
    p = 0.2
    tally = _tally(_process(f"gold: {{rate: {p}}}"))
    real, gold = tally.real, tally.tasks
    assert real > 2000
    # after each real task, a run of gold tasks: geometric, mean p/(1-p), variance p/(1-p)^2
    expected = real * p / (1 - p)
    assert abs(gold - expected) < Z * math.sqrt(real * p / (1 - p) ** 2)
    answered, right = _answered(tally)
    assert answered == gold
    accuracy = 0.8
    assert abs(right / answered - accuracy) < Z * math.sqrt(accuracy * (1 - accuracy) / answered)
    assert len(tally.answers) == 10  # everybody of the pool is measured


def test_first_k_then_p_gives_each_person_k_gold_tasks_and_p_after() -> None:
    k, p = 20, 0.02
    tally = _tally(_process(f"gold: {{first: {k}, then: {p}}}"))
    people = len(tally.answers)
    assert people == 10
    assert all(done >= k for done, _ in tally.answers.values())
    expected = k * people + tally.real * p / (1 - p)
    assert abs(tally.tasks - expected) < Z * math.sqrt(tally.real * p / (1 - p) ** 2)


def _runs(process: Process) -> list[dict[str, float]]:
    settings = RunSettings(horizon=HOURS * 60, warmup=120, replications=6, seed=11)
    return [r.kpis for r in run_replications(process, settings, jobs=1)]


def _mean_and_se(values: list[float]) -> tuple[float, float]:
    mean = math.fsum(values) / len(values)
    var = math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return mean, math.sqrt(var / len(values))


def test_analyze_and_simulate_agree_on_the_utilization_gold_adds_and_throughput_stays() -> None:
    """The gold work is 60/h * 0.25 gold per task * 6 min: 1.5 people of 10 (15 points)."""
    plain, gold = _process(""), _process("gold: {rate: 0.2}")
    before = analyze(plain).pools["annotator"].utilization
    after = analyze(gold).pools["annotator"].utilization
    assert after - before == pytest.approx(60 * 0.25 * 6 / 60 / 10)
    runs, base = _runs(gold), _runs(plain)
    mean, se = _mean_and_se([r["resources.annotator.utilization"] for r in runs])
    assert se < 0.01
    assert abs(mean - after) < Z * se
    # the same arrivals deliver the same items: gold tasks are not items
    for key in ("throughput_per_hour", "arrivals_per_hour"):
        assert [r[key] for r in runs] == pytest.approx([r[key] for r in base], rel=0.01)
    assert all(r["stages.label.visits"] == pytest.approx(1.0) for r in runs)
    measured, se = _mean_and_se([r["stages.label.gold_accuracy"] for r in runs])
    assert abs(measured - runs[0]["stages.label.true_accuracy"]) < Z * se + 1e-9
    per_item, se = _mean_and_se([r["stages.label.gold_per_item"] for r in runs])
    assert abs(per_item - 0.25) < Z * se + 1e-9


@pytest.mark.parametrize(
    "gold",
    ["{rate: 0.05, first: 20}", "{}", "{rate: 1.0}"],
)
def test_a_gold_rule_needs_one_form_and_a_share_below_one(gold: str) -> None:
    with pytest.raises(LoadError):
        _process(f"gold: {gold}")


def test_gold_on_a_stage_without_a_pool_is_refused_where_it_is_written(tmp_path) -> None:
    path = write_process(
        tmp_path,
        """
        process: misplaced-gold
        arrivals: [{name: items, rate: 60 per hour}]
        stages:
          check:
            gold: {rate: 0.05}
            next: done
          done: {end: true}
        """,
    )
    result = run("lint", str(path), "--format", "json")
    assert result.exit_code == 2
    (finding,) = json.loads(result.output)["findings"]
    # at the stage, where its keys begin
    assert (finding["code"], finding["line"], finding["column"]) == ("PF012", 6, 5)


def test_a_gold_rate_written_as_a_percentage_is_pf201_at_its_value(tmp_path) -> None:
    path = write_process(
        tmp_path,
        """
        process: percent-gold
        arrivals: [{name: items, rate: 60 per hour}]
        resources: {staff: {count: 2}}
        stages:
          work:
            resource: staff
            duration: 1 min
            gold: {first: 10, then: 5}
            next: done
          done: {end: true}
        """,
    )
    result = run("lint", str(path), "--format", "json")
    assert result.exit_code == 1
    codes = [(f["code"], f["line"], f["column"]) for f in json.loads(result.output)["findings"]]
    assert ("PF201", 9, 29) in codes


def test_a_snapshot_item_held_past_the_shift_at_a_gold_stage_is_worked_on(tmp_path) -> None:
    """Gold numbers a pool's people; the people a snapshot says hold items beyond those on
    shift are numbered too, and finish their items (a forecast runs, exit 0)."""
    snapshot = tmp_path / "held.csv"
    snapshot.write_text(
        "# snapshot: 2026-12-01T09:00\n# on_shift: moderator=2\n"
        "stage,arrived,state,holder,severity\n"
        + "".join(f"moderate,2026-12-01T08:5{k},in_progress,moderator,low\n" for k in range(3)),
        encoding="utf-8",
    )
    result = run(
        "forecast", str(ROOT / "processes" / "stratified_qc_moderation.yaml"),
        "--initial-state", str(snapshot), "--until", "2026-12-01T11:00",
        "--replications", "2", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def test_analyze_reports_each_gold_stage_beside_its_load() -> None:
    """The bundled stratified QC: 2% after each moderator's first 20 is 0.02 / 0.98 gold tasks
    per task, answered right with 0.5 x 0.90 + 0.5 x 0.97 (the gold set is half violating)."""
    result = run(
        "analyze", str(ROOT / "processes" / "stratified_qc_moderation.yaml"), "--format", "json"
    )
    assert result.exit_code == 0
    gold = json.loads(result.output)["gold"]["moderate"]
    assert gold["per_task"] == pytest.approx(0.02 / 0.98)
    assert gold["first"] == 20
    assert gold["accuracy"] == pytest.approx(0.935)
