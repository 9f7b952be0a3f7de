"""Truth, decisions, sampling plans and model triage against their closed-form answers.

Every check compares three things: the formula, the analysis (which reads the
stages' one definition through :meth:`StageRule.outcomes` and the exact item
classes), and the simulation, which must land within four binomial standard errors
of the formula for the number of items it delivered.
"""

from __future__ import annotations

import json
import math

import pytest
from scipy.special import betainc

from models import PROCESSES, load_text, run, write_process
from procflow.analysis import analyze
from procflow.analysis.quality import rogan_gladen
from procflow.decide.sweep import grid, sweep
from procflow.flow import CAUGHT, MISSED, SKIPPED, compile_flow
from procflow.model.distributions import Beta
from procflow.model.settings import RunSettings
from procflow.report.html import sweep_html
from procflow.report.markdown import sweep_markdown
from procflow.report.sweep import glance
from procflow.report.tables.search import sweep_tables
from procflow.results.jsonio import from_json, to_json
from procflow.results.search import Sweep, cheapest
from procflow.sim.runner import run_replications, summarize_runs

HOURS = 24
RUNS = 4


def _simulate(text: str) -> tuple[dict[str, float], float]:
    """The mean KPIs of a run, and how many items it delivered."""
    process = load_text(text)
    settings = RunSettings(horizon=HOURS * 60, warmup=60, replications=RUNS, seed=5)
    runs = run_replications(process, settings)
    results = summarize_runs(process, settings, runs)
    kpis = {key: estimate.mean for key, estimate in results.kpis.items()}
    delivered = kpis["throughput_per_hour"] * (HOURS - 1) * RUNS
    return kpis, delivered


def escaped_after_sampling(defect_rate: float, sample: float, detection: float) -> float:
    """The defect rate after one review pass that samples ``sample`` and catches ``detection``."""
    return defect_rate * (1 - sample * detection)


def observed_share(true: float, sensitivity: float, false_flag: float) -> float:
    """The share of reviewed items a review flags, for a true defect rate ``true``."""
    return sensitivity * true + false_flag * (1 - true)


def _within(simulated: float, expected: float, items: float, scale: float = 1.0) -> None:
    """Within four binomial standard errors of ``expected`` (a share, times ``scale``)."""
    share = expected / scale
    error = 4 * scale * math.sqrt(share * (1 - share) / items)
    assert abs(simulated - expected) <= error, (simulated, expected, error)


SAMPLED_QC = """
process: sampled-qc
arrivals:
  - name: items
    rate: 600 per hour
    attributes: {severity: {low: 0.9, high: 0.1}}
resources: {labeler: {count: 20}, qc_reviewer: {count: 10}, fixer: {count: 10}}
stages:
  label: {resource: labeler, duration: 1 min, error_rate: 0.04, next: qc}
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


def test_escaped_defects_after_one_sampled_review_are_d_times_one_minus_s_r() -> None:
    """d = 4%, s = 20%, r = 85%: 3.32% escape, in the formula, the analysis and a run."""
    text = SAMPLED_QC.replace("SAMPLE", "0.2")
    assert escaped_after_sampling(0.04, 0.2, 0.85) == pytest.approx(0.0332)
    capacity = analyze(load_text(text))
    assert capacity.quality is not None
    assert capacity.quality.escaped == pytest.approx(0.0332, rel=1e-12)
    assert capacity.stages["qc"].visits == pytest.approx(0.2, rel=1e-12)
    kpis, delivered = _simulate(text)
    _within(kpis["escaped_defect_rate"], 0.0332, delivered)
    _within(kpis["stages.qc.visits"], 0.2, delivered)


def test_the_review_rule_skips_or_reviews_a_defect_by_its_sample() -> None:
    """outcomes(): 80% skip the review, 20% x 85% go to rework, 20% x 15% are missed."""
    flow = compile_flow(load_text(SAMPLED_QC.replace("SAMPLE", "0.2")))
    fix, done = (flow.index[n] for n in ("fix", "done"))
    row = tuple(None for _ in flow.attributes)
    found = {(o.target, o.review): o.probability for o in flow.rule("qc").outcomes(True, (), row)}
    assert found[(done, SKIPPED)] == pytest.approx(0.8)
    assert found[(fix, CAUGHT)] == pytest.approx(0.2 * 0.85)
    assert found[(done, MISSED)] == pytest.approx(0.2 * 0.15)


def test_a_stratified_sample_reviews_all_high_severity_and_five_percent_of_the_rest() -> None:
    """Sampled share 0.1 + 0.9 x 0.05 = 14.5%; escaped 4% x (1 - 0.145 x 0.85)."""
    plan = '[{when: severity == "high", rate: 1.0}, {rate: 0.05}]'
    text = SAMPLED_QC.replace("SAMPLE", plan)
    sampled = 0.1 + 0.9 * 0.05
    capacity = analyze(load_text(text))
    assert capacity.stages["qc"].visits == pytest.approx(sampled, rel=1e-12)
    assert capacity.quality is not None
    expected = escaped_after_sampling(0.04, sampled, 0.85)
    assert capacity.quality.escaped == pytest.approx(expected, rel=1e-12)
    kpis, delivered = _simulate(text)
    _within(kpis["stages.qc.visits"], sampled, delivered)
    _within(kpis["escaped_defect_rate"], expected, delivered)


def test_rogan_gladen_corrects_what_an_imperfect_qc_measures() -> None:
    """Observed 4.5%, r = 0.85, false flags 1%: true 4.17%; a run measures the same."""
    assert rogan_gladen(0.045, 0.85, 0.01) == pytest.approx(0.035 / 0.84)
    assert round(rogan_gladen(0.045, 0.85, 0.01), 4) == 0.0417
    true = 0.035 / 0.84
    assert observed_share(true, 0.85, 0.01) == pytest.approx(0.045)
    text = (
        SAMPLED_QC.replace("SAMPLE", "1.0")
        .replace("error_rate: 0.04", f"error_rate: {true}")
        .replace("detection_rate: 0.85", "detection_rate: 0.85\n    false_flag_rate: 0.01")
    )
    capacity = analyze(load_text(text))
    assert capacity.quality is not None
    review = capacity.quality.reviews["qc"]
    assert review.measured == pytest.approx(0.045, rel=1e-12)
    assert review.true == pytest.approx(true, rel=1e-12)
    assert review.corrected == pytest.approx(true, rel=1e-12)
    kpis, delivered = _simulate(text)
    _within(kpis["stages.qc.flagged_share"], 0.045, delivered)
    _within(kpis["stages.qc.defective_share"], true, delivered)
    # the corrected share moves with the measured one, divided by r - f
    _within(kpis["stages.qc.corrected_defective_share"], true, delivered, 1 / 0.84)


DECISIONS = """
process: decisions
arrivals:
  - name: reports
    rate: 1200 per hour
    attributes: {severity: {low: 0.8, high: 0.2}}
truth:
  attribute: violating
  prevalence:
    - {when: severity == "high", prevalence: 0.3}
    - {prevalence: 0.04}
  by: severity
stages:
  moderate:
    decision: {sensitivity: 0.92, specificity: 0.98}
    next: done
  done: {end: true}
"""


def test_false_negatives_and_positives_follow_from_prevalence_and_accuracy() -> None:
    """Prevalence 0.2 x 0.3 + 0.8 x 0.04 = 9.2%; sensitivity 92%, specificity 98%."""
    prevalence = 0.2 * 0.3 + 0.8 * 0.04
    negatives = 1000 * prevalence * 0.08
    positives = 1000 * (1 - prevalence) * 0.02
    precision = prevalence * 0.92 / (prevalence * 0.92 + (1 - prevalence) * 0.02)
    capacity = analyze(load_text(DECISIONS))
    assert capacity.quality is not None and capacity.quality.decisions is not None
    d = capacity.quality.decisions
    assert d.violating == pytest.approx(prevalence)
    assert d.false_negatives_per_1000 == pytest.approx(negatives)
    assert d.false_positives_per_1000 == pytest.approx(positives)
    assert d.precision == pytest.approx(precision)
    assert d.recall == pytest.approx(0.92)
    assert d.by["high"] == pytest.approx((1000 * 0.3 * 0.08, 1000 * 0.7 * 0.02))
    assert d.by["low"] == pytest.approx((1000 * 0.04 * 0.08, 1000 * 0.96 * 0.02))
    kpis, delivered = _simulate(DECISIONS)
    _within(kpis["violating_share"], prevalence, delivered)
    _within(kpis["false_negatives_per_1000"], negatives, delivered, 1000)
    _within(kpis["false_positives_per_1000"], positives, delivered, 1000)
    _within(kpis["decision_recall"], 0.92, delivered * prevalence)
    _within(kpis["decisions.high.false_negatives_per_1000"], 24.0, delivered * 0.2, 1000)
    _within(kpis["decisions.low.false_positives_per_1000"], 19.2, delivered * 0.8, 1000)


def test_an_undecided_item_stays_up() -> None:
    """With no stage that decides, every violating item is a false negative."""
    text = DECISIONS.replace("    decision: {sensitivity: 0.92, specificity: 0.98}\n", "")
    capacity = analyze(load_text(text))
    assert capacity.quality is not None and capacity.quality.decisions is not None
    assert capacity.quality.decisions.false_negatives_per_1000 == pytest.approx(92.0)
    assert capacity.quality.decisions.false_positives_per_1000 == 0


TRIAGE = """
process: triage
arrivals: [{name: reports, rate: 1200 per hour}]
truth:
  attribute: violating
  prevalence: 0.1
  score:
    positive: {beta: {a: 8, b: 2}}
    negative: {beta: {a: 2, b: 8}}
stages:
  triage:
    next:
      - {to: auto_remove, when: score >= 0.9}
      - {to: human_review, when: score >= 0.4}
      - to: auto_approve
  auto_remove: {decides: remove, next: done}
  auto_approve: {decides: keep, next: done}
  human_review:
    decision: {sensitivity: 0.92, specificity: 0.98}
    next: done
  done: {end: true}
"""


def test_beta_is_a_distribution_with_its_exact_cdf() -> None:
    """Beta(8, 2): mean 0.8, and its CDF is the regularized incomplete beta function."""
    beta = Beta(a=8, b=2)
    assert beta.mean == pytest.approx(0.8)
    assert beta.variance == pytest.approx(8 * 2 / (100 * 11))
    # I_x(8, 2) = x^8 (9 - 8x)
    assert beta.cdf(0.4) == pytest.approx(0.4**8 * (9 - 3.2))
    assert beta.cdf(0.9) == pytest.approx(0.9**8 * (9 - 7.2))


def test_triage_false_negatives_come_from_the_score_cdfs_at_the_thresholds() -> None:
    """Violating items left up: those scored below 0.4, and the humans' 8% of 0.4..0.9."""
    up = betainc(8, 2, 0.4)
    human = betainc(8, 2, 0.9) - up
    negatives = 1000 * 0.1 * (up + 0.08 * human)
    removed_benign = (1 - betainc(2, 8, 0.9)) + 0.02 * (betainc(2, 8, 0.9) - betainc(2, 8, 0.4))
    positives = 1000 * 0.9 * removed_benign
    capacity = analyze(load_text(TRIAGE))
    assert capacity.quality is not None and capacity.quality.decisions is not None
    d = capacity.quality.decisions
    assert d.false_negatives_per_1000 == pytest.approx(negatives, rel=1e-9)
    assert d.false_positives_per_1000 == pytest.approx(positives, rel=1e-9)
    human_share = 0.1 * human + 0.9 * (betainc(2, 8, 0.9) - betainc(2, 8, 0.4))
    assert capacity.stages["human_review"].visits == pytest.approx(human_share, rel=1e-9)
    kpis, delivered = _simulate(TRIAGE)
    _within(kpis["false_negatives_per_1000"], negatives, delivered, 1000)
    _within(kpis["false_positives_per_1000"], positives, delivered, 1000)
    _within(kpis["stages.human_review.visits"], human_share, delivered)


STAFFED_TRIAGE = (
    TRIAGE.replace("  score:\n", "  target: {false_negatives_per_1000: 12}\n  score:\n").replace(
        "  human_review:\n    decision:",
        "  human_review:\n    resource: moderator\n    duration: 1 min\n    decision:",
    )
    + "resources: {moderator: {count: 12, cost_per_hour: 20}}\n"
)


def _triage_negatives(review_at: float) -> float:
    """Violating items left up per 1,000: below the review threshold, and 8% of the humans'."""
    below = betainc(8, 2, review_at)
    return 1000 * 0.1 * (below + 0.08 * (betainc(8, 2, 0.9) - below))


def test_a_threshold_sweep_marks_the_cheapest_point_within_the_quality_target() -> None:
    """Review at 0.3, 0.5 or 0.7: 6.2, 8.0 and 24.2 false negatives per 1,000; with a target
    of 12, the cheapest feasible point is 0.5 (less work for people than 0.3)."""

    base = load_text(STAFFED_TRIAGE)
    thresholds = (0.3, 0.5, 0.7)
    points = grid({"stages.triage.next[1].when": [f"score >= {t}" for t in thresholds]})
    settings = RunSettings(horizon=12 * 60, warmup=60, replications=4, seed=3)
    found = sweep(base, points, settings)
    for point, t in zip(found.points, thresholds, strict=True):
        assert point.results is not None
        estimate = point.results.kpis["false_negatives_per_1000"]
        delivered = point.results.kpis["throughput_per_hour"].mean * 11 * 4
        _within(estimate.mean, _triage_negatives(t), delivered, 1000)
    assert [p.meets_target for p in found.points] == [True, True, False]
    assert [p.feasible for p in found.points] == [True, True, False]
    assert found.points[1].busy_cost_per_hour < found.points[0].busy_cost_per_hour
    assert cheapest(found.points) == 1
    page = sweep_html(found, base)
    assert "Quality against workload" in page and "cheapest feasible" in page
    # every output names the same point: the terminal's and Markdown's rows, the CSV summary
    _, rows = glance(found)
    assert [r.status for r in rows] == ["feasible", "feasible", "quality target not met"]
    assert [r.cheapest for r in rows] == [False, True, False]
    markdown = sweep_markdown(found)
    assert "the cheapest: **stages.triage.next[1].when = score >= 0.5**" in markdown
    (starred,) = [line for line in markdown.splitlines() if "★" in line]
    assert "| score >= 0.5 |" in starred and "✅ feasible" in starred
    summary = {row[0].value: row[1].value for row in sweep_tables(found)[0].rows}
    assert summary["Cheapest such point"] == "stages.triage.next[1].when = score >= 0.5"
    again = from_json(to_json(found))
    assert isinstance(again, Sweep)
    assert [p.feasible for p in again.points] == [True, True, False]


def test_analyze_reports_the_decisions_of_the_bundled_triage() -> None:
    """``procflow analyze --format json``: exit 0, false negatives from the score CDFs."""
    result = run("analyze", str(PROCESSES / "model_triage.yaml"), "--format", "json")
    assert result.exit_code == 0
    decisions = json.loads(result.output)["quality"]["decisions"]
    # beta(5, 2) scores: auto-approved below 0.4, and 8% of the humans' 0.4..0.9 kept; QC
    # sees every high-severity decision and 10% of the rest, and overturns 90% of the wrong
    below, human = betainc(5, 2, 0.4), betainc(5, 2, 0.9) - betainc(5, 2, 0.4)
    expected = 1000 * sum(
        share * prevalence * (below + 0.08 * human) * (1 - audited * 0.9)
        for share, prevalence, audited in ((0.15, 0.3, 1.0), (0.85, 0.05, 0.1))
    )
    assert decisions["false_negatives_per_1000"] == pytest.approx(expected, rel=1e-9)


def test_a_sample_outside_a_review_is_refused_where_it_is_written(tmp_path) -> None:
    """``sample`` on a stage that does not review: exit 2, PF012 at the stage."""
    path = write_process(
        tmp_path,
        """
        process: misplaced-sample
        arrivals: [{name: items, rate: 60 per hour}]
        resources: {staff: {count: 2}}
        stages:
          work:
            resource: staff
            duration: 1 min
            sample: 0.2
            next: done
          done: {end: true}
        """,
    )
    result = run("lint", str(path), "--format", "json")
    assert result.exit_code == 2
    (finding,) = json.loads(result.output)["findings"]
    assert (finding["code"], finding["line"], finding["column"]) == ("PF012", 7, 5)
