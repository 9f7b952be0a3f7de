"""Each contradiction a new user found between lint, analyze, simulate and compare, as a test.

Every test here failed before the stage's behaviour, the KPIs and the verdicts
were each defined once; each states the one answer all the commands now give.
Statistical checks allow four standard errors over the replications.
"""

from __future__ import annotations

import math

import pytest
from click.testing import CliRunner
from rich.console import Console

from models import load_text, write_process
from procflow.analysis import analyze, mmc_wait
from procflow.analysis.queueing import allen_cunneen
from procflow.cli import main
from procflow.decide.compare import compare
from procflow.lint.runner import lint_file
from procflow.model.settings import RunSettings
from procflow.model.staffing import working_people
from procflow.report.format import headline
from procflow.report.markdown import comparison_markdown, results_markdown
from procflow.report.terminal import print_results
from procflow.results import CATALOGUE, lookup
from procflow.results.catalogue import markdown_table
from procflow.sim.runner import run_replications, simulate
from procflow.sim.stats import SAMPLES

SIGMAS = 4.0

DECISION_REVIEW = """
process: format-check
arrivals: [{name: items, rate: 540 per hour}]
resources: {annotator: {count: 60}}
stages:
  label: {resource: annotator, duration: 4 min, error_rate: 0.06, next: format_check}
  format_check: {detection_rate: 0.6, on_defect: label, next: delivered}
  delivered: {end: true}
"""


def _within(values: list[float], theory: float) -> None:
    n = len(values)
    mean = math.fsum(values) / n
    se = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1) / n)
    assert abs(mean - theory) <= SIGMAS * se + 1e-12, f"simulated {mean:.5g} ± {se:.2g}, {theory}"


def test_a_review_on_a_decision_stage_catches_defects() -> None:
    """An automatic check (a decision stage with detection_rate) sends caught defects back.

    Label visits are 1 / (1 - e·d) = 1.0373; a delivered item escapes with a defect
    with probability e(1 - d) / (1 - e·d).
    """
    process = load_text(DECISION_REVIEW)
    e, d = 0.06, 0.6
    capacity = analyze(process)
    assert capacity.stages["label"].visits == pytest.approx(1 / (1 - e * d))
    assert capacity.quality is not None
    assert capacity.quality.escaped == pytest.approx(e * (1 - d) / (1 - e * d))
    runs = run_replications(process, RunSettings(horizon=2_000, replications=8, seed=3))
    _within([r.kpis["stages.label.visits"] for r in runs], 1 / (1 - e * d))
    _within([r.kpis["escaped_defect_rate"] for r in runs], e * (1 - d) / (1 - e * d))
    assert all(r.kpis["rework_rate"] > 0 for r in runs)


def test_a_review_on_a_join_catches_defects() -> None:
    """The join of a split reviews the merged item: a defect of either copy can be caught."""
    process = load_text(
        """
        process: double-label
        arrivals: [{name: items, rate: 120 per hour}]
        resources: {annotator: {count: 30}}
        stages:
          fork: {split: [label_a, label_b], join: merge}
          label_a: {resource: annotator, duration: 3 min, error_rate: 0.1, next: merge}
          label_b: {resource: annotator, duration: 3 min, error_rate: 0.1, next: merge}
          merge: {detection_rate: 0.5, on_defect: fork, next: done}
          done: {end: true}
        """
    )
    defect = 1 - 0.9 * 0.9  # either copy wrong
    fork_visits = 1 / (1 - defect * 0.5)
    assert analyze(process).stages["fork"].visits == pytest.approx(fork_visits)
    runs = run_replications(process, RunSettings(horizon=3_000, replications=8, seed=5))
    _within([r.kpis["stages.fork.visits"] for r in runs], fork_visits)


def test_a_review_without_next_is_refused_by_lint_analyze_and_simulate(tmp_path) -> None:
    """Its passing items have nowhere to go: an SOP bug, located, and nothing computes on it."""
    path = write_process(
        tmp_path,
        DECISION_REVIEW.replace(
            "format_check: {detection_rate: 0.6, on_defect: label, next: delivered}",
            "format_check: {detection_rate: 0.6, on_defect: label}",
        ),
    )
    found = [f for f in lint_file(path) if f.code == "PF105"]
    assert [(f.location.line, f.location.col) for f in found] == [(7, 3)]
    assert "pass review" in found[0].message
    runner = CliRunner()
    for command in ("analyze", "simulate"):
        result = runner.invoke(main, [command, str(path)])
        assert result.exit_code == 2, result.output
        assert "PF105" in result.output


OVERLOADED_QA = """
process: qa-at-105
arrivals: [{name: items, rate: 300 per hour}]
resources:
  annotator: {count: 30}
  qa: {count: 10}
stages:
  label: {resource: annotator, duration: 4 min, next: qa_check}
  qa_check: {resource: qa, duration: {exponential: 2.1}, next: done}
  done: {end: true}
slas:
  - {name: 90% within 4 hours, metric: cycle_time, percentile: 90, max: 4 hours}
"""


def test_a_pool_at_105_percent_is_unstable_in_compare_and_misses_its_sla() -> None:
    """QA needs 10.5 busy people and has 10: lint, analyze, simulate and compare all say so.

    Over a short run the queue grows too slowly to look unstable and the SLA is attained;
    the verdict is still unstable, believing the analysis, and the SLA is missed.
    """
    baseline = load_text(OVERLOADED_QA.replace("qa: {count: 10}", "qa: {count: 12}"))
    scenario = load_text(OVERLOADED_QA)
    assert analyze(scenario).pools["qa"].utilization == pytest.approx(1.05)
    assert not analyze(scenario).stable
    settings = RunSettings(horizon=300, warmup=30, replications=3, seed=1)
    comparison = compare(baseline, [("ten-qa", "", scenario)], settings)
    assert comparison.baseline.stable
    ten = comparison.scenarios[0]
    assert not ten.stable and ten.verdict.tone == "bad"
    assert ten.results.simulated_stable  # the short run alone would not have seen it
    assert ten.results.verdict.text.startswith("unstable: qa needs 10.5 busy people")
    assert any("Believe the analysis" in note for note in ten.results.verdict.notes)
    sla = ten.results.slas[0]
    assert sla.attained.mean >= sla.target  # what the short run measured ...
    assert not sla.met and sla.status == "missed: the backlog keeps growing"  # ... is not met
    assert "- ❌ **ten-qa**: unstable" in comparison_markdown(comparison)


SHORT_SKILL = """
process: short-skill
arrivals:
  - name: reports
    rate: 420 per hour
    attributes:
      market: {ID: 0.5, BR: 0.4, JP: 0.1}
resources:
  reviewer:
    teams:
      - {name: bahasa, skills: [ID], count: 20}
      - {name: portuguese, skills: [BR], count: 16}
      - {name: japanese, skills: [JP], count: 1}
stages:
  review:
    resource: reviewer
    duration: {lognormal: {mean: 4, sd: 2}}
    skill_from: market
    next: done
  done: {end: true}
"""


def test_one_short_skill_fails_lint_analyze_and_simulate_alike(tmp_path) -> None:
    """One Japanese reviewer for 2.8 busy reviewers' worth of Japanese work: the pool is 76%
    busy on average, but its Japanese queue grows ~27 items an hour."""
    path = write_process(tmp_path, SHORT_SKILL)
    found = [f for f in lint_file(path) if f.code == "PF401"]
    assert len(found) == 1 and "'JP'" in found[0].message
    assert found[0].location.line == 13  # the Japanese team
    capacity = analyze(load_text(SHORT_SKILL))
    pool = capacity.pools["reviewer"]
    assert pool.utilization == pytest.approx(0.757, abs=0.001)
    assert pool.tightest is not None and pool.tightest.skills == ("JP",)
    assert pool.tightest.utilization == pytest.approx(2.8)
    assert not capacity.stable
    results = simulate(
        load_text(SHORT_SKILL), RunSettings(horizon=1_440, warmup=60, replications=2, seed=1)
    )
    assert not results.simulated_stable and not results.stable
    assert results.growth["review"] == pytest.approx(42 - 15, rel=0.25)


def test_the_wait_analyze_shows_is_the_wait_its_cycle_time_uses() -> None:
    """One pool, one stage: the pool's wait, the stage's wait and the cycle estimate agree,
    all Erlang C scaled by Allen–Cunneen's (1 + c_s²) / 2 (lognormal sd = mean/2: 0.625)."""
    process = load_text(
        """
        process: one-queue
        arrivals: [{name: items, rate: 100 per hour}]
        resources: {agents: {count: 8}}
        stages:
          work: {resource: agents, duration: {lognormal: {mean: 4, sd: 2}}, next: done}
          done: {end: true}
        """
    )
    capacity = analyze(process)
    expected = mmc_wait(8, 100 / 60, 4) * allen_cunneen(0.25)
    assert capacity.pools["agents"].mean_wait == pytest.approx(expected)
    assert capacity.stages["work"].mean_wait == pytest.approx(expected)
    assert capacity.mean_cycle_time == pytest.approx(expected + 4)


def test_the_escalated_share_is_a_headline_in_every_table() -> None:
    """The share a PM sets escalate_after for shows in the terminal and the Markdown."""
    process = load_text(
        """
        process: escalating
        arrivals: [{name: items, rate: 60 per hour}]
        resources: {junior: {count: 1}, senior: {count: 3}}
        stages:
          review:
            resource: junior
            duration: {exponential: 1.2}
            escalate_after: 2 min
            escalate_to: senior_review
            next: done
          senior_review: {resource: senior, duration: 2 min, next: done}
          done: {end: true}
        """
    )
    results = simulate(process, RunSettings(horizon=600, replications=2, seed=2))
    labels = {v.label for v in headline(results)}
    assert {"items escalated", "review escalated"} <= labels
    console = Console(record=True, width=200)
    print_results(console, results)
    terminal = console.export_text()
    markdown = results_markdown(results)
    for label in ("items escalated", "escalated"):
        assert label in terminal
    assert "| items escalated |" in markdown and "| review escalated |" in markdown


@pytest.mark.parametrize(
    ("on_duty", "shrinkage", "working"), [(45, 0.3, 32), (25, 0.34, 17), (30, 0.55, 14)]
)
def test_shrinkage_rounds_half_up_everywhere(on_duty: int, shrinkage: float, working: int) -> None:
    """45 on duty at 30% shrinkage are 31.5 people: 32 work, in the analysis and the engine."""
    assert working_people(on_duty, shrinkage) == working
    process = load_text(
        f"""
        process: shrinkage
        arrivals: [{{name: items, rate: 60 per hour}}]
        resources: {{staff: {{count: {on_duty}, shrinkage: {shrinkage}}}}}
        stages:
          work: {{resource: staff, duration: 5 min, next: done}}
          done: {{end: true}}
        """
    )
    assert analyze(process).pools["staff"].servers == working
    run = run_replications(process, RunSettings(horizon=120, replications=1))[0]
    assert run.kpis["resources.staff.working"] == working
    assert set(run.series["working.staff"]) == {working}


def test_every_kpi_a_replication_emits_is_in_the_catalogue(example) -> None:
    """The engine writes through the catalogue: no key of its own."""
    for text in (DECISION_REVIEW, SHORT_SKILL, OVERLOADED_QA):
        run = run_replications(load_text(text), RunSettings(horizon=300, replications=1))[0]
        for key in run.kpis:
            lookup(key)
    run = run_replications(example, RunSettings(horizon=300, replications=1))[0]
    assert {lookup(k).kpi.key for k in run.kpis} >= {
        kpi.key
        for kpi in CATALOGUE
        if kpi.family in ("process", "pool")
        and "escalat" not in kpi.key
        and "due_dates" not in kpi.definition  # only processes with due dates
        and "processes with truth" not in kpi.definition  # only processes with a truth
    }


def test_rework_rate_is_defined_as_reworks_per_delivered_item() -> None:
    """Reworks per delivered item (an item sent back twice counts twice), not a share."""
    kpi = lookup("rework_rate").kpi
    assert kpi.unit == "number" and "counts twice" in kpi.definition
    assert lookup("reworked_share").kpi.unit == "share"


def test_the_docs_kpi_table_is_the_catalogue() -> None:
    """docs/simulation.md's KPI table is generated from the catalogue and current."""
    from models import ROOT

    docs = (ROOT / "docs" / "simulation.md").read_text(encoding="utf-8")
    assert markdown_table() in docs


def test_a_replication_samples_its_series_240_times_the_last_at_the_horizon(example) -> None:
    """The time series behind the charts: as many samples as documented."""
    run = run_replications(example, RunSettings(horizon=480, replications=1))[0]
    assert SAMPLES == 240
    assert len(run.series["time"]) == SAMPLES
    assert run.series["time"][-1] == pytest.approx(480)


def test_lint_warns_when_a_pool_is_planned_above_the_utilization_ceiling(tmp_path, monkeypatch):
    """PMs plan to 80-85%: PF404 warns above 90%, or the ceiling set in pyproject.toml."""
    from models import EXAMPLE

    runner = CliRunner()
    assert "PF404" not in runner.invoke(main, ["lint", str(EXAMPLE)]).output  # 87% < 90%
    flagged = runner.invoke(main, ["lint", "--max-utilization", "0.85", str(EXAMPLE)])
    assert flagged.exit_code == 0  # a warning
    assert "PF404 [warning] annotator: planned at 87% utilization" in flagged.output
    (tmp_path / "pyproject.toml").write_text("[tool.procflow]\nmax-utilization = 0.85\n")
    monkeypatch.chdir(tmp_path)
    assert "PF404" in runner.invoke(main, ["lint", str(EXAMPLE)]).output
    (tmp_path / "pyproject.toml").write_text("[tool.procflow]\nmax-utilization = 85\n")
    refused = runner.invoke(main, ["lint", str(EXAMPLE)])
    assert refused.exit_code == 2 and "between 0 and 1" in refused.output


def test_an_endless_loop_is_named_and_located_at_the_route_that_closes_it(tmp_path) -> None:
    """Every label is wrong and QC catches every defect it samples: PF107 names the cycle
    label → sample_for_qc → qc_review → label and points at qc_review's on_defect."""
    path = write_process(
        tmp_path,
        """
        process: endless
        arrivals: [{name: items, rate: 60 per hour}]
        resources: {annotator: {count: 20}, qc: {count: 20}}
        stages:
          label: {resource: annotator, duration: 4 min, error_rate: 1.0, next: sample_for_qc}
          sample_for_qc:
            next:
              - {to: qc_review, probability: 1.0}
              - to: done
          qc_review: {resource: qc, duration: 3 min, detection_rate: 1.0, on_defect: label,
                      next: done}
          done: {end: true}
        """,
    )
    (found,) = [f for f in lint_file(path) if f.code == "PF107"]
    assert "label → sample_for_qc → qc_review → label" in found.message
    assert (found.location.line, found.location.col) == (11, 78)
