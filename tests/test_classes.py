"""Truth with more classes than violating or not: prevalence by class, confusion matrices.

An item's true class is one of several policies (hate, spam, nudity) or the keep
class (benign); each stage that decides picks a class by its confusion matrix row
for the item's true class; a review catches a wrong decision with its detection
rate and the rework decides anew with its own matrix. The checks compare the
closed form (prevalence x matrix, composed with the review), the analysis, and the
simulation within four binomial standard errors of its delivered items.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from scipy.special import betainc

from models import PROCESSES, load_text, run, write_process
from procflow.analysis import analyze
from procflow.analysis.quality import confusion_figures
from procflow.flow import compile_flow
from procflow.model.settings import RunSettings
from procflow.report.confusion import grid_of
from procflow.results import Results
from procflow.results.jsonio import from_json
from procflow.sim.runner import run_replications, summarize_runs

CLASSES = ("hate", "spam", "nudity", "benign")
PREVALENCE = {"hate": 0.04, "spam": 0.12, "nudity": 0.03}
PREVALENCE["benign"] = 1 - math.fsum(PREVALENCE.values())
MODEL = {
    "hate": {"hate": 0.80, "spam": 0.05, "benign": 0.15},
    "spam": {"spam": 0.90, "benign": 0.10},
    "nudity": {"nudity": 0.85, "hate": 0.05, "benign": 0.10},
    "benign": {"benign": 0.94, "spam": 0.04, "hate": 0.01, "nudity": 0.01},
}
HUMAN = {
    "hate": {"hate": 0.95, "benign": 0.05},
    "spam": {"spam": 0.97, "benign": 0.03},
    "nudity": {"nudity": 0.96, "hate": 0.02, "benign": 0.02},
    "benign": {"benign": 0.98, "spam": 0.02},
}
DETECTION = 0.7


def _matrix(rows: dict[str, dict[str, float]]) -> str:
    return "\n".join(
        f"          {t}: {{{', '.join(f'{d}: {p}' for d, p in row.items())}}}"
        for t, row in rows.items()
    )


MODERATION = f"""
process: multi-policy
arrivals:
  - name: reports
    rate: 600 per hour
truth:
  attribute: policy
  classes: [hate, spam, nudity, benign]
  keep: benign
  prevalence: {{hate: 0.04, spam: 0.12, nudity: 0.03}}
resources:
  moderator: {{count: 40}}
stages:
  model:
    decision:
      confusion:
{_matrix(MODEL)}
    next: qa
  qa:
    resource: moderator
    duration: 1 min
    detection_rate: {DETECTION}
    on_defect: redo
    next: done
  redo:
    resource: moderator
    duration: 2 min
    decision:
      confusion:
{_matrix(HUMAN)}
    next: done
  done: {{end: true}}
"""


def expected_confusion() -> dict[tuple[str, str], float]:
    """P(true t, final d): the model's row, and the review's catch re-decided by people."""
    found: dict[tuple[str, str], float] = {}
    for t in CLASSES:
        wrong = 1 - MODEL[t].get(t, 0.0)
        for d in CLASSES:
            first = MODEL[t].get(d, 0.0)
            stays = first if d == t else first * (1 - DETECTION)
            found[t, d] = PREVALENCE[t] * (stays + wrong * DETECTION * HUMAN[t].get(d, 0.0))
    return found


def test_the_matrix_arithmetic() -> None:
    """Counts by (true, decided) give FN, FP, wrong reason and per-class figures."""
    counts = {
        ("hate", "hate"): 8.0, ("hate", "spam"): 1.0, ("hate", "benign"): 1.0,
        ("spam", "spam"): 18.0, ("spam", "benign"): 2.0,
        ("benign", "benign"): 68.0, ("benign", "hate"): 2.0,
    }  # fmt: skip
    figures = confusion_figures(counts, ("hate", "spam", "benign"), ("benign",), 100.0)
    assert figures.wrong_reason_per_1000 == pytest.approx(10.0)
    assert figures.recall["hate"] == pytest.approx(0.8)
    assert figures.precision["hate"] == pytest.approx(8 / 10)
    assert figures.precision["spam"] == pytest.approx(18 / 19)
    assert figures.confusion["benign"]["hate"] == pytest.approx(2 / 70)
    assert math.isnan(confusion_figures({}, ("a", "b"), ("b",), 0.0).recall["a"])


def test_closed_form_rows_add_up() -> None:
    """The expected final confusion keeps every class's prevalence."""
    found = expected_confusion()
    for t in CLASSES:
        assert math.fsum(found[t, d] for d in CLASSES) == pytest.approx(PREVALENCE[t])


def _kpis() -> tuple[dict[str, float], float]:
    process = load_text(MODERATION)
    settings = RunSettings(horizon=24 * 60, warmup=60, replications=4, seed=11)
    results = summarize_runs(process, settings, run_replications(process, settings))
    kpis = {key: e.mean for key, e in results.kpis.items()}
    return kpis, kpis["throughput_per_hour"] * 23 * 4


def _within(simulated: float, expected: float, items: float, scale: float = 1.0) -> None:
    """Within four binomial standard errors of ``expected`` (a share, times ``scale``)."""
    share = expected / scale
    error = 4 * scale * math.sqrt(share * (1 - share) / items)
    assert abs(simulated - expected) <= error, (simulated, expected, error)


def test_analysis_gives_the_closed_form_and_simulation_agrees() -> None:
    """FN (violating kept), FP (benign removed) and wrong reason per 1,000, and the
    confusion of the final decisions: formula = analyze, simulate within its SE."""
    found = expected_confusion()
    negatives = 1000 * math.fsum(found[t, "benign"] for t in CLASSES if t != "benign")
    positives = 1000 * math.fsum(found["benign", d] for d in CLASSES if d != "benign")
    wrong = 1000 * math.fsum(
        found[t, d] for t in CLASSES for d in CLASSES if "benign" not in (t, d) and t != d
    )
    capacity = analyze(load_text(MODERATION))
    assert capacity.quality is not None and capacity.quality.decisions is not None
    decisions = capacity.quality.decisions
    assert decisions.classes is not None
    assert decisions.false_negatives_per_1000 == pytest.approx(negatives)
    assert decisions.false_positives_per_1000 == pytest.approx(positives)
    assert decisions.classes.wrong_reason_per_1000 == pytest.approx(wrong)
    for t in CLASSES:
        for d in CLASSES:
            share = found[t, d] / PREVALENCE[t]
            assert decisions.classes.confusion[t][d] == pytest.approx(share)
    kpis, delivered = _kpis()
    _within(kpis["false_negatives_per_1000"], negatives, delivered, 1000)
    _within(kpis["false_positives_per_1000"], positives, delivered, 1000)
    _within(kpis["wrong_reason_per_1000"], wrong, delivered, 1000)
    spam = found["spam", "spam"] / PREVALENCE["spam"]
    _within(kpis["classes.spam.recall"], spam, delivered * PREVALENCE["spam"])
    _within(kpis["confusion.hate as spam.share"], found["hate", "spam"] / 0.04, delivered * 0.04)


def test_two_classes_are_the_binary_truth() -> None:
    """sensitivity/specificity compile to the 2x2 matrix: the same decision table."""
    binary = compile_flow(
        load_text("""
        process: p
        arrivals: [{name: a, rate: 1 per minute}]
        truth: {prevalence: 0.1}
        stages:
          s: {decision: {sensitivity: 0.9, specificity: 0.8}, next: e}
          e: {end: true}
        """)
    )
    table = binary.rule("s").decision
    assert table is not None
    assert table[True] == (-1, (0.9,)) and table[False] == (-1, (0.8,))
    assert binary.truth is not None and binary.truth.undecided_wrong((True,)) == 1


def test_conditions_read_the_class() -> None:
    """``when: policy == "hate"`` routes by the true class; prevalence rules by condition."""
    process = load_text("""
    process: p
    arrivals: [{name: a, rate: 1 per minute, attributes: {market: {us: 0.5, eu: 0.5}}}]
    truth:
      attribute: policy
      classes: [hate, spam, benign]
      keep: benign
      prevalence:
        - {when: market == "eu", prevalence: {hate: 0.2}}
        - {prevalence: {spam: 0.5}}
    stages:
      triage:
        next:
          - {to: remove_hate, when: policy == "hate"}
          - to: keep
      remove_hate: {decides: hate, next: e}
      keep: {decides: keep, next: e}
      e: {end: true}
    """)
    decisions = analyze(process).quality.decisions  # type: ignore[union-attr]
    assert decisions is not None and decisions.classes is not None
    assert decisions.violating == pytest.approx(0.5 * 0.2 + 0.5 * 0.5)
    assert decisions.false_negatives_per_1000 == pytest.approx(1000 * 0.25)
    assert decisions.false_positives_per_1000 == 0
    assert decisions.classes.recall["hate"] == pytest.approx(1.0)


def test_reports_show_the_confusion_of_the_final_decisions(tmp_path: Path) -> None:
    """simulate's Markdown and JSON (read back for the HTML report), and analyze's JSON."""
    example = str(PROCESSES / "multi_policy_moderation.yaml")
    out = tmp_path / "results.json"
    result = run(
        "simulate", example, "-r", "2", "--horizon", "6 hours", "--warmup", "1 hour",
        "--format", "json", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert set(document["confusion"]) == {f"{t} as {d}" for t in CLASSES for d in CLASSES}
    assert set(document["classes"]["hate"]) == {"recall", "precision"}
    read = from_json(document)
    assert isinstance(read, Results)
    written = document["confusion"]["hate as hate"]["share"]["mean"]
    assert grid_of(read.kpis)["hate"]["hate"] == written
    html = tmp_path / "report.html"
    assert run("report", str(out), "-o", str(html)).exit_code == 0
    assert 'id="confusion"' in html.read_text(encoding="utf-8")
    markdown = run(
        "simulate", example, "-r", "2", "--horizon", "6 hours", "--warmup", "1 hour",
        "--format", "markdown",
    )  # fmt: skip
    assert markdown.exit_code == 0
    assert "| true class | decided hate | decided spam | decided nudity | decided benign |" in (
        markdown.output
    )
    analysis = run("analyze", example, "--format", "json")
    assert analysis.exit_code == 0
    figures = json.loads(analysis.output)["quality"]["decisions"]["classes"]
    assert math.fsum(figures["confusion"]["spam"].values()) == pytest.approx(1.0)
    assert figures["wrong_reason_per_1000"] > 0


def test_lint_knows_the_class_names(tmp_path: Path) -> None:
    """A condition on a class the truth does not have is impossible (PF302, located)."""
    path = write_process(
        tmp_path,
        """
        process: p
        arrivals: [{name: a, rate: 1 per minute}]
        truth:
          attribute: policy
          classes: [hate, spam, benign]
          keep: benign
          prevalence: {hate: 0.2, spam: 0.1}
        stages:
          triage:
            next:
              - {to: remove_hate, when: policy == "hat"}
              - to: keep
          remove_hate: {decides: hate, next: e}
          keep: {decides: keep, next: e}
          e: {end: true}
        """,
    )
    result = run("lint", str(path), "--format", "json")
    assert result.exit_code == 1
    found = [(f["code"], f["line"], f["column"]) for f in json.loads(result.output)["findings"]]
    assert found == [("PF302", 12, 43)]  # the value "hat"


SCORED = """
process: scored
arrivals:
  - name: reports
    rate: 1200 per hour
truth:
  attribute: policy
  classes: [hate, spam, benign]
  keep: benign
  prevalence: {hate: 0.05, spam: 0.15}
  score:
    positive: {beta: {a: 5, b: 2}}
    negative: {beta: {a: 2, b: 5}}
    classes:
      spam: {beta: {a: 9, b: 1}}
stages:
  triage:
    next:
      - {to: auto_spam, when: score >= 0.5}
      - to: auto_keep
  auto_spam: {decides: spam, next: done}
  auto_keep: {decides: keep, next: done}
  done: {end: true}
"""


def test_a_score_per_class_routes_by_its_own_distribution() -> None:
    """A threshold at 0.5 removes as spam: hate scores beta(5, 2) (the violating default),
    spam beta(9, 1) of its own, benign beta(2, 5); each share from the CDF at 0.5."""
    below = {"hate": betainc(5, 2, 0.5), "spam": betainc(9, 1, 0.5), "benign": betainc(2, 5, 0.5)}
    negatives = 1000 * (0.05 * below["hate"] + 0.15 * below["spam"])
    positives = 1000 * 0.80 * (1 - below["benign"])
    wrong = 1000 * 0.05 * (1 - below["hate"])
    decisions = analyze(load_text(SCORED)).quality.decisions  # type: ignore[union-attr]
    assert decisions is not None and decisions.classes is not None
    assert decisions.false_negatives_per_1000 == pytest.approx(negatives)
    assert decisions.false_positives_per_1000 == pytest.approx(positives)
    assert decisions.classes.wrong_reason_per_1000 == pytest.approx(wrong)
    process = load_text(SCORED)
    settings = RunSettings(horizon=12 * 60, warmup=60, replications=3, seed=2)
    results = summarize_runs(process, settings, run_replications(process, settings))
    kpis = {key: e.mean for key, e in results.kpis.items()}
    delivered = kpis["throughput_per_hour"] * 11 * 3
    _within(kpis["false_negatives_per_1000"], negatives, delivered, 1000)
    _within(kpis["false_positives_per_1000"], positives, delivered, 1000)
    _within(kpis["wrong_reason_per_1000"], wrong, delivered, 1000)
