"""Two answers to one question agree: what analyze predicts, simulate measures.

The analysis reads each stage's behaviour from the same rule the simulator
executes (:mod:`procflow.flow.routing`), so the visits per stage and the quality
figures that routing alone decides (reworks per item, the share delivered with a
defect) must agree with a long simulation, for every bundled process and every
rule fixture that lints clean; so must a consensus stage's labels per item,
accuracy and disagreement (the exact vote-count chain of :mod:`procflow.flow.consensus`),
and a pool's utilization with the gold tasks its people do (:mod:`procflow.flow.gold`).
Stages whose visits depend on escalation, which
the analysis only estimates, must fall between its bounds (nobody escalates,
everybody who can does).

Tolerances come from the run: each comparison allows the Student-t critical
value of a 1% family-wise error rate (Bonferroni over every comparison made),
times the standard error over replications; and each check first asserts that
the run was long enough for that bound to be tight.

The run lengths are the shortest that keep that assertion far from failing: with
:data:`ITEMS` arrivals per replication, the widest tolerance of any process checked
is about 0.016 visits (measured), half of :data:`MAX_TOLERANCE`, so each check
still fails when the analysis is off by more than 0.03 visits per item.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pytest

from models import load_text
from procflow.analysis import analyze
from procflow.diagnostics import LoadError, Severity
from procflow.lint.runner import lint_file
from procflow.model.process import Process
from procflow.model.quantities import convert
from procflow.results import t_quantile
from procflow.scenario import load_any
from procflow.sim.engine import RunSettings
from procflow.sim.runner import run_replications

ROOT = Path(__file__).resolve().parents[1]
REPLICATIONS = 10
#: Replications of a week, for a process whose mix of streams varies in time.
WEEKLY_REPLICATIONS = 6
#: Family-wise chance of a false alarm over all comparisons of one process.
ALPHA = 0.01
#: Simulated items per replication for a process with steady arrivals.
ITEMS = 6_000
#: A comparison is meaningful when its tolerance is below this (absolute, in visits).
MAX_TOLERANCE = 0.03


def _clean_process(path: Path) -> bool:
    """A process or scenario file that loads and lints without errors."""
    try:
        load_any(path)
    except LoadError:
        return False
    return not any(f.severity is Severity.ERROR for f in lint_file(path))


BUNDLED = sorted((ROOT / "processes").glob("*.yaml"))
FIXTURES = [
    p for p in sorted((ROOT / "tests" / "fixtures" / "rules").glob("*/*.yaml")) if _clean_process(p)
]


def test_the_agreement_covers_every_bundled_process_and_clean_fixture() -> None:
    assert len(BUNDLED) >= 3
    assert all(_clean_process(p) for p in BUNDLED)
    assert len(FIXTURES) >= 20


def _settings(process: Process) -> RunSettings:
    """Long enough for ITEMS arrivals; whole weeks when the mix of streams varies in time.

    A week of such a process holds many times ITEMS (67,000 items for the bundled
    consensus labelling), so :data:`WEEKLY_REPLICATIONS` of them already give a
    tolerance (0.005 visits, measured) as tight as the other processes'.
    """
    rate = sum(a.rate_per_unit for a in process.arrivals)
    varying = any(a.batch is not None or a.schedule is not None for a in process.arrivals)
    if varying and len(process.arrivals) > 1:
        week = convert(1.0, "week", process.time_unit)
        return RunSettings(horizon=week, replications=WEEKLY_REPLICATIONS)
    return RunSettings(horizon=ITEMS / rate, replications=REPLICATIONS)


def _mean_and_se(values: Sequence[float]) -> tuple[float, float]:
    n = len(values)
    mean = math.fsum(values) / n
    sd = math.sqrt(math.fsum((x - mean) ** 2 for x in values) / (n - 1))
    return mean, sd / math.sqrt(n)


@pytest.mark.parametrize(
    "path",
    BUNDLED + FIXTURES,
    ids=lambda p: (
        str(p.relative_to(ROOT / "tests" / "fixtures")) if "fixtures" in p.parts else p.name
    ),
)
def test_analyze_and_simulate_agree(path: Path) -> None:
    process, _ = load_any(path)
    capacity = analyze(process)
    assert not capacity.endless and capacity.quality is not None
    settings = _settings(process)
    replications = settings.replications
    runs = run_replications(process, settings, replications=replications, seed=11, jobs=2)
    checks: list[tuple[str, float, float, float]] = []  # (what, low, high, simulated values)
    samples: dict[str, list[float]] = {}
    for name, stage in capacity.stages.items():
        low, high = stage.visits_range
        samples[f"visits at {name}"] = [r.kpis[f"stages.{name}.visits"] for r in runs]
        checks.append((f"visits at {name}", low, high, 0.0))
    # every item that arrived was followed to its delivery: per delivered is per item
    assert all(r.drained for r in runs)
    samples["reworks per item"] = [r.kpis["rework_rate"] for r in runs]
    reworks = capacity.quality.reworks
    checks.append(("reworks per item", reworks, reworks, 0.0))
    if capacity.quality.escaped == capacity.quality.escaped:  # not NaN
        samples["escaped share"] = [r.kpis["escaped_defect_rate"] for r in runs]
        escaped = capacity.quality.escaped
        checks.append(("escaped share", escaped, escaped, 0.0))
    for figures in capacity.consensus:  # consensus stages: the vote-count chain's figures
        for key, exact in (
            ("labels_per_item", figures.labels),
            ("consensus_accuracy", figures.accuracy),
            ("disagreement", figures.disagreement),
        ):
            what = f"{key} at {figures.stage}"
            samples[what] = [r.kpis[f"stages.{figures.stage}.{key}"] for r in runs]
            checks.append((what, exact, exact, 0.0))
    critical = t_quantile(1 - ALPHA / (2 * len(checks)), replications - 1)
    for what, low, high, _ in checks:
        mean, se = _mean_and_se(samples[what])
        tolerance = critical * se + 1e-9
        assert tolerance < MAX_TOLERANCE, f"{what}: run too short (tolerance {tolerance:.3g})"
        assert low - tolerance <= mean <= high + tolerance, (
            f"{path.name}: {what}: simulated {mean:.5g} ± {se:.2g}, analysis "
            + (f"{low:.5g}" if low == high else f"{low:.5g} … {high:.5g}")
        )


#: Erlang A (exponential patience) and M/M/c+G (uniform patience) at one pool: 100 items
#: per 30 minutes, 3-minute exponential handling, 12 people (83% offered load).
PATIENCE_QUEUE = """
process: patience
time_unit: minute
arrivals: [{name: reports, rate: 100 per 30 min}]
resources: {agent: {count: 12}}
stages:
  answer:
    resource: agent
    duration: {exponential: 3 min}
    escalate_after: PATIENCE
    escalate_to: withdrawn
    next: answered
  answered: {end: true}
  withdrawn: {end: true}
"""


@pytest.mark.parametrize(
    "patience",
    ["{exponential: {mean: 5 min}}", "{uniform: {low: 0.5 min, high: 3 min}}"],
    ids=["erlang-a", "uniform-patience"],
)
def test_analyze_and_simulate_agree_on_a_queue_with_patience(patience: str) -> None:
    """The share that leaves before service, the mean wait (theirs included) and the
    utilization of the people, as analyze solves M/M/c+G and simulate measures them."""
    process = load_text(PATIENCE_QUEUE.replace("PATIENCE", patience))
    capacity = analyze(process)
    stage, pool = capacity.stages["answer"], capacity.pools["agent"]
    expected = {
        "stages.answer.escalated": stage.escalated,
        "stages.answer.waiting_time": stage.mean_wait,
        "resources.agent.utilization": pool.utilization,
    }
    replications = 2 * REPLICATIONS
    # 27,000 items: the least precise KPI (the share that leaves) has a standard error
    # of about 2% of its value (measured), a third under the bound asserted below
    settings = RunSettings(horizon=27_000 / capacity.arrival_rate, warmup=120.0)
    runs = run_replications(process, settings, replications=replications, seed=11, jobs=2)
    critical = t_quantile(1 - ALPHA / (2 * len(expected)), replications - 1)
    for key, theory in expected.items():
        mean, se = _mean_and_se([r.kpis[key] for r in runs])
        assert se < 0.03 * theory, f"{key}: run too short (se {se:.3g})"
        assert abs(mean - theory) <= critical * se, (
            f"{key}: simulated {mean:.5g} ± {se:.2g}, analysis {theory:.5g}"
        )


GOLD_QUEUE = """
process: gold
time_unit: minute
arrivals: [{name: tasks, rate: 60 per hour}]
resources: {annotator: {count: 10}}
stages:
  label:
    resource: annotator
    duration: {exponential: 6 min}
    error_rate: 0.1
    gold: GOLD
    next: done
  done: {end: true}
"""


@pytest.mark.parametrize(
    "gold", ["{rate: 0.2}", "{first: 5, then: 0.1}"], ids=["rate", "first-then"]
)
def test_analyze_and_simulate_agree_on_a_pool_that_does_gold_tasks(gold: str) -> None:
    """The pool's utilization with its gold work, and the gold tasks per real one, as
    analyze adds them and simulate measures them. Each person's first gold tasks fall in
    the warm-up (five each, from the start), which is why the analysis leaves them out."""
    process = load_text(GOLD_QUEUE.replace("GOLD", gold))
    capacity = analyze(process)
    share = 0.2 if "rate" in gold else 0.1
    expected = {
        "resources.annotator.utilization": capacity.pools["annotator"].utilization,
        "stages.label.gold_per_item": share / (1 - share),
        "stages.label.gold_accuracy": 0.9,
    }
    settings = RunSettings(horizon=ITEMS / capacity.arrival_rate, warmup=120.0)
    runs = run_replications(process, settings, replications=REPLICATIONS, seed=11, jobs=2)
    critical = t_quantile(1 - ALPHA / (2 * len(expected)), REPLICATIONS - 1)
    for key, theory in expected.items():
        mean, se = _mean_and_se([r.kpis[key] for r in runs])
        assert se < 0.05 * theory, f"{key}: run too short (se {se:.3g})"
        assert abs(mean - theory) <= critical * se, (
            f"{key}: simulated {mean:.5g} ± {se:.2g}, analysis {theory:.5g}"
        )
