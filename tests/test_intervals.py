"""Honest intervals: each KPI's 95% interval stays within the values the KPI can take,
covers the true mean 95% of the time, and agrees with the t interval when it is narrow."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

import procflow
from models import EXAMPLE
from procflow.cli import main
from procflow.model.settings import RunSettings
from procflow.report.html import results_html
from procflow.report.markdown import results_markdown
from procflow.report.terminal import print_results
from procflow.results import (
    CATALOGUE,
    AnalyticCheck,
    Estimate,
    SlaResult,
    from_json,
    lookup,
    t975,
    to_json,
)
from procflow.results.estimate import Bounds
from procflow.results.verdict import precision_warnings, results_verdict

#: Trials per coverage check, and how far (in binomial standard deviations) the observed
#: coverage may be from 95% before the interval is wrong rather than unlucky.
TRIALS = 2000
SIGMAS = 4
COVERAGE_TOLERANCE = SIGMAS * math.sqrt(0.95 * 0.05 / TRIALS)


def coverage(draw: object, mean: float, bounds: Bounds, n: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(TRIALS):
        values = [float(v) for v in draw(rng, n)]  # type: ignore[operator]
        e = Estimate.of(values, bounds)
        hits += e.low <= mean <= e.high
    return hits / TRIALS


@pytest.mark.parametrize("n", [2, 5, 10])
@pytest.mark.parametrize("shape", [4.0, 16.0])
def test_log_interval_covers_the_mean_of_skewed_non_negative_values(n: int, shape: float) -> None:
    """Gamma-distributed replication values (a time or a count): 95% coverage."""
    found = coverage(lambda rng, k: rng.gamma(shape, 1.0, k), shape, "nonnegative", n, seed=n)
    assert abs(found - 0.95) <= COVERAGE_TOLERANCE, found


@pytest.mark.parametrize("n", [2, 5, 10])
@pytest.mark.parametrize(("a", "b"), [(45.0, 5.0), (2.0, 18.0), (200.0, 2.0)])
def test_logit_interval_covers_the_mean_of_shares(n: int, a: float, b: float) -> None:
    """Beta-distributed replication shares near 90%, 10% and 99%: 95% coverage."""
    found = coverage(lambda rng, k: rng.beta(a, b, k), a / (a + b), "share", n, seed=n)
    assert abs(found - 0.95) <= COVERAGE_TOLERANCE, found


@given(st.lists(st.floats(0, 1e6), min_size=2, max_size=12))
def test_a_non_negative_kpi_has_no_bound_below_zero(values: list[float]) -> None:
    e = Estimate.of(values, "nonnegative")
    assert 0 <= e.low <= e.mean * (1 + 1e-12) and e.mean <= e.high * (1 + 1e-12)


@given(st.lists(st.floats(0, 1), min_size=2, max_size=12))
def test_a_share_stays_within_0_and_100_percent(values: list[float]) -> None:
    e = Estimate.of(values, "share")
    assert 0 <= e.low <= e.mean + 1e-12 and e.mean - 1e-12 <= e.high <= 1


@pytest.mark.parametrize(
    ("values", "bounds"),
    [([100.0, 100.2, 99.9, 100.1], "nonnegative"), ([0.5, 0.501, 0.499, 0.5005], "share")],
)
def test_a_narrow_interval_is_the_t_interval(values: list[float], bounds: Bounds) -> None:
    """Many replications, or little spread: the textbook answer to the first order."""
    e, t = Estimate.of(values, bounds), Estimate.of(values)
    assert (e.low, e.high) == pytest.approx((t.low, t.high), rel=1e-5)
    assert e.se == t.se == pytest.approx(np.std(values, ddof=1) / 2)


def test_a_difference_keeps_the_t_interval() -> None:
    """Scenario minus baseline can be negative: mean ± t·se."""
    e = Estimate.of([-1.0, 1.0, 3.0])
    assert (e.low, e.high) == pytest.approx(
        (1 - t975(2) * 2 / math.sqrt(3), 1 + t975(2) * 2 / 3**0.5)
    )


def test_replications_for_uses_the_t_quantile_of_the_replications_needed() -> None:
    """Two replications (t = 12.7) do not ask for a hundred times more: the t quantile
    shrinks too. The answer is the fewest whose t half-width is within the precision."""
    e = Estimate.of([40.3, 46.7], "nonnegative")
    m = e.replications_for(0.10)
    sd = e.se * math.sqrt(2)
    assert t975(m - 1) * sd / math.sqrt(m) <= 0.10 * e.mean < t975(m - 2) * sd / math.sqrt(m - 1)
    assert m < 2 * (e.relative_half_width / 0.10) ** 2  # the plain square-root law's answer


def test_every_kpi_of_the_catalogue_has_bounds_that_fit_its_unit() -> None:
    """Shares (utilization, SLA attainment included) are 0..1; every other KPI of a run >= 0."""
    for kpi in CATALOGUE:
        assert kpi.bounds == ("share" if kpi.unit == "share" else "nonnegative"), kpi.key


def test_no_bound_leaves_its_range_with_two_replications() -> None:
    """The example with -r 2 (t = 12.7): no negative backlog, no share above 100%."""
    result = CliRunner().invoke(
        main, ["simulate", str(EXAMPLE), "-r", "2", "--format", "json"], catch_exceptions=False
    )
    assert result.exit_code == 0
    document = json.loads(result.output)
    checked = 0
    for run in document["replications"][:1]:
        for key in run:
            entry = _entry(document, key)
            low, high = entry["ci95"]
            bounds = lookup(key).kpi.bounds
            assert low is None or low >= 0, (key, low)
            if bounds == "share":
                assert high is None or high <= 1, (key, high)
            if low is not None:
                assert low <= entry["mean"] <= high, key
                checked += 1
    assert checked > 20


def _entry(document: dict[str, object], key: str) -> dict[str, object]:
    """A KPI's estimate in a results document, by catalogue key."""
    value = lookup(key)
    metric = key.rsplit(".", 1)[-1]
    if value.kpi.family == "sla":
        return document["slas"][int(value.subject)]["attained"]  # type: ignore[index,no-any-return]
    if value.kpi.family == "pool":
        return document["resources"][value.subject][metric]  # type: ignore[index,no-any-return]
    if value.kpi.family == "stage":
        return document["stages"][value.subject][metric]  # type: ignore[index,no-any-return]
    if key.startswith("cycle_time."):
        return document["kpis"]["cycle_time"][metric]  # type: ignore[index,no-any-return]
    return document["kpis"][key]  # type: ignore[index,no-any-return]


# --------------------------------------------------------------------------- too wide to decide


def _sla(low: float, mean: float, high: float, n: int = 5) -> SlaResult:
    attained = Estimate(mean, low, high, n, se=(high - low) / 2 / t975(n - 1))
    return SlaResult("90% within 4 hours", "cycle_time", None, 90.0, 240.0, attained)


@pytest.mark.parametrize(
    ("interval", "outcome", "tone"),
    [
        ((0.91, 0.93, 0.95), "met", "ok"),
        ((0.85, 0.87, 0.89), "missed", "bad"),
        ((0.88, 0.91, 0.94), "undecided", "warn"),  # the mean meets it, the interval not
        ((0.86, 0.89, 0.92), "undecided", "warn"),  # the mean misses it, the interval not
    ],
)
def test_an_sla_is_met_or_missed_only_when_its_whole_interval_says_so(
    interval: tuple[float, float, float], outcome: str, tone: str
) -> None:
    sla = _sla(*interval)
    assert (sla.outcome, sla.tone) == (outcome, tone)
    verdict = results_verdict(AnalyticCheck(True), True, {}, [sla])
    assert verdict.tone == tone


def test_an_undecided_sla_says_how_many_replications_would_decide_it() -> None:
    sla = _sla(0.88, 0.91, 0.94, n=5)
    (warning,) = precision_warnings({}, [sla], [], [], "minute", stable=True)
    assert (warning.key, warning.sla) == ("slas.0.attained", sla.name)
    assert warning.replications is not None and warning.replications > 5
    m = warning.replications  # the half-width of the spread seen so far, at m: within the gap
    sd = sla.attained.se * math.sqrt(5)
    assert t975(m - 1) * sd / math.sqrt(m) <= 0.01 + 1e-12


def test_a_process_that_cannot_keep_up_gets_no_precision_warning() -> None:
    kpis = {"backlog": Estimate.of([10.0, 1000.0], "nonnegative")}
    assert precision_warnings(kpis, [], [], [], "minute", stable=False) == []
    assert [w.key for w in precision_warnings(kpis, [], [], [], "minute", stable=True)] == [
        "backlog"
    ]


def test_two_replications_warn_with_the_replications_needed_in_every_output(
    tmp_path: Path,
) -> None:
    """The -r 2 example: the backlog's interval is far too wide; the warning is data in
    the results and the JSON (read back unchanged), and shown in text, Markdown and HTML."""
    process = procflow.load(EXAMPLE)
    results = procflow.simulate(process, RunSettings.parse(process, replications=2))
    by_key = {w.key: w for w in results.imprecise}
    backlog = by_key["backlog"]
    assert backlog.relative_half_width > 0.10 and backlog.replications is not None
    assert backlog.replications > 2
    assert from_json(json.loads(json.dumps(to_json(results)))).imprecise == results.imprecise  # type: ignore[union-attr]
    needed = f"--replications {max(w.replications or 0 for w in results.imprecise)}"
    console = Console(record=True, width=200, file=io.StringIO())
    print_results(console, results)
    for shown in (console.export_text(), results_markdown(results), results_html(results)):
        assert needed in shown


def test_one_replication_says_there_is_no_interval() -> None:
    """ "1 replication", not "1 replications"; its SLA is undecided, one warning for the run."""
    result = CliRunner().invoke(main, ["simulate", str(EXAMPLE), "-r", "1", "--format", "json"])
    document = json.loads(result.output)
    assert [w["kpi"] for w in document["precision_warnings"]] == [""]
    assert document["slas"][0]["status"] == "undecided: add replications"
    assert document["tone"] == "warn"
    text = CliRunner().invoke(main, ["simulate", str(EXAMPLE), "-r", "1"]).output
    assert "1 replication " in text and "1 replications" not in text
