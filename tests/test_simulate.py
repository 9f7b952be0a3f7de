"""Simulation behaviour: reproducibility, instability verdicts, JSON shape, quality model."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from models import EXAMPLE, EXAMPLE_TEXT, PROCESSES, load_text, write_process
from procflow.cli import main
from procflow.model.settings import RunSettings
from procflow.results import Estimate, t975
from procflow.sim.runner import run_replications, summarize_runs
from procflow.sim.stats import Histogram


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_same_seed_same_json_whatever_jobs(tmp_path):
    """Running twice, and with --jobs 1 and 2, gives byte-identical JSON."""
    outputs = []
    for jobs in ("1", "1", "2"):
        out = tmp_path / f"r{len(outputs)}.json"
        code, _ = run_cli(
            "simulate",
            str(EXAMPLE),
            "-r",
            "3",
            "--seed",
            "7",
            "--horizon",
            "1 day",
            "--warmup",
            "2h",
            "--jobs",
            jobs,
            "--format",
            "json",
            "-o",
            str(out),
        )
        assert code == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


def test_same_seed_same_json_in_every_python_process(tmp_path):
    """Two processes hash strings differently (PYTHONHASHSEED): the JSON is the same bytes,
    breakdowns by attribute value included (their order came from a set)."""
    triage = str(PROCESSES / "model_triage.yaml")
    outputs = []
    for hash_seed in ("0", "1"):  # two seeds that ordered the set differently
        out = tmp_path / f"h{hash_seed}.json"
        args = ["simulate", triage, "-r", "2", "--horizon", "3h", "--warmup", "30min"]
        done = subprocess.run(
            [sys.executable, "-m", "procflow.cli", *args, "--format", "json", "-o", str(out)],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_bytes())
    assert b'"decisions.high.' in outputs[0]
    assert outputs[0] == outputs[1]


def test_different_seeds_differ(example):
    """Another seed gives other numbers."""
    settings = RunSettings(horizon=600, warmup=60)
    a = run_replications(example, settings, replications=1, seed=1)[0]
    b = run_replications(example, settings, replications=1, seed=2)[0]
    assert a.kpis["cycle_time.mean"] != b.kpis["cycle_time.mean"]


def test_json_has_the_documented_keys(tmp_path):
    """simulate --format json holds the keys the docs promise, estimates as mean + ci95."""
    code, output = run_cli(
        "simulate",
        str(EXAMPLE),
        "-r",
        "3",
        "--horizon",
        "1 day",
        "--warmup",
        "2h",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(output)
    assert data["process"] == "image-moderation-qc"
    assert set(data["settings"]) >= {"replications", "seed", "horizon", "warmup", "time_unit"}
    assert data["stable"] is True
    estimate = data["kpis"]["throughput_per_hour"]
    assert set(estimate) == {"mean", "ci95", "se"} and len(estimate["ci95"]) == 2
    assert set(data["kpis"]["cycle_time"]) == {"mean", "p50", "p90", "p95", "p99"}
    assert 0 < data["resources"]["qc_reviewer"]["utilization"]["mean"] < 1
    assert "waiting_time" in data["stages"]["qc_review"]
    assert "queue_length" in data["stages"]["qc_review"]
    assert data["slas"][0]["name"] == "90% delivered within 4 hours"
    assert data["slas"][0]["met"] is True and "attained" in data["slas"][0]
    assert data["bottlenecks"] and {"name", "reason"} <= set(data["bottlenecks"][0])


def test_unstable_process_is_an_answer(tmp_path):
    """Too few reviewers: the run ends with exit 0 and says which queue grows, how fast."""
    text = EXAMPLE_TEXT.replace("count: 9", "count: 5")
    path = write_process(tmp_path, text, "short_staffed.yaml")
    code, output = run_cli(
        "simulate", str(path), "-r", "2", "--horizon", "3 days", "--format", "json"
    )
    assert code == 0
    data = json.loads(output)
    assert data["stable"] is False
    assert data["verdict"].startswith("unstable: qc_reviewer needs 6.36 busy people")
    assert "qc_review queue grows by" in data["verdict"]
    # QC receives ~95.5 tasks an hour and 5 reviewers finish 75: ~20.5 more an hour
    growth = data["unstable"][0]["growth_per_hour"]
    assert 15 < growth < 26


def test_unstable_run_stops_at_the_wip_cap(example):
    """A hopeless process stops once the backlog passes the cap: bounded time and memory."""
    broken = example.model_copy(
        update={
            "resources": {
                **example.resources,
                "annotator": example.resources["annotator"].model_copy(update={"count": 10}),
            }
        }
    )
    settings = RunSettings(horizon=1e9, warmup=0, max_wip=5_000)
    run = run_replications(broken, settings, replications=1, seed=3)[0]
    assert run.stable is False
    assert run.kpis["backlog"] > 5_000
    assert run.stopped_at < 1e9


def test_common_random_numbers_across_staffing_changes(example):
    """Changing staff does not change the arrivals drawn: scenarios share random numbers."""
    more = example.model_copy(
        update={
            "resources": {
                **example.resources,
                "qc_reviewer": example.resources["qc_reviewer"].model_copy(update={"count": 12}),
            }
        }
    )
    settings = RunSettings(horizon=2000, warmup=100)
    a = run_replications(example, settings, replications=1, seed=5)[0]
    b = run_replications(more, settings, replications=1, seed=5)[0]
    assert a.kpis["arrivals_per_hour"] == b.kpis["arrivals_per_hour"]
    assert a.kpis["cycle_time.mean"] != b.kpis["cycle_time.mean"]


def test_quality_model_escaped_defects(example):
    """Escaped defects: error 6%; QC catches 85% of the sampled ones (17.2% sampled)."""
    settings = RunSettings(horizon=8_000, warmup=200, replications=4, seed=11)
    runs = run_replications(example, settings, jobs=2)
    results = summarize_runs(example, settings, runs)
    escaped = results.kpis["escaped_defect_rate"]
    # each delivered item's last labelling was defective with p=0.06; if reviewed (p=0.172)
    # it escapes only when not caught: 0.06 * (1 - 0.172 * 0.85), to first order in rework
    expected = 0.06 * (1 - 0.172 * 0.85)
    assert escaped.mean == pytest.approx(expected, rel=0.05)


def test_histogram_quantiles_are_close_to_exact():
    """The log-spaced histogram gives quantiles within 0.5% of the exact ones."""
    import numpy as np

    values = np.random.default_rng(0).lognormal(1.0, 0.8, 50_000)
    histogram = Histogram()
    for v in values.tolist():
        histogram.add(v)
    for q in (0.5, 0.9, 0.99):
        assert histogram.quantile(q) == pytest.approx(float(np.quantile(values, q)), rel=0.005)
    assert histogram.mean == pytest.approx(float(values.mean()), rel=1e-9)
    assert histogram.fraction_at_most(float(np.quantile(values, 0.9))) == pytest.approx(
        0.9, abs=0.003
    )


def test_histogram_quantiles_in_one_pass_are_each_quantile():
    """Many quantiles from one pass over the bins, each what ``quantile`` gives: ranks in
    the zeros, in a bin, in the last bin (values beyond ten million units fall there), and
    an empty histogram."""
    empty = Histogram()
    assert all(math.isnan(v) for v in empty.quantiles([0.1, 0.9]))
    histogram = Histogram()
    for value in (0.0, 0.0, 0.5, 2.0, 2.0, 7.5, 3e9):  # 3e9: past the last bin
        histogram.add(value)
    qs = [0.0, 0.1, 2 / 7, 0.3, 0.5, 0.75, 0.9, 0.99, 1.0]
    found = histogram.quantiles(qs)
    assert found[:3] == [0.0, 0.0, 0.0]  # ranks within the two zeros
    for q, value in zip(qs, found, strict=True):
        assert histogram.quantile(q) == value
    assert found[3] == pytest.approx(0.5, rel=0.005)  # ranks 2.1, 3.5, 5.25 of 7
    assert found[4] == pytest.approx(2.0, rel=0.005)
    assert found[5] == pytest.approx(7.5, rel=0.005)
    assert found[6:] == [pytest.approx(1e7, rel=0.01)] * 3  # the last bin holds the rest
    assert sorted(found) == found


def test_estimate_interval_uses_student_t():
    """A 95% interval over n replications is mean ± t(n-1) s / sqrt(n)."""
    e = Estimate.of([1.0, 2.0, 3.0, 4.0])
    half = t975(3) * math.sqrt(5 / 3) / 2
    assert e.mean == 2.5
    assert (e.low, e.high) == pytest.approx((2.5 - half, 2.5 + half))
    assert math.isnan(Estimate.of([1.0]).low)
    assert t975(1000) == pytest.approx(1.9623, abs=1e-3)


def test_replications_for_a_precision_follow_the_square_root_law():
    """Halving the relative half-width takes four times the replications."""
    e = Estimate(mean=100.0, low=90.0, high=110.0, n=10)  # ±10%
    assert e.relative_half_width == pytest.approx(0.10)
    assert e.replications_for(0.05) == 40
    assert e.replications_for(0.20) == 10  # never fewer than already run
    assert Estimate(0.0, 0.0, 0.0, 5).replications_for(0.05) == 5  # an exact zero is precise
    assert Estimate(1.0, math.nan, math.nan, 1).replications_for(0.05) == 2


def test_markdown_summary_puts_the_verdict_first():
    """--format markdown: verdict line first, a KPI table, SLA verdicts and a Mermaid diagram."""
    code, output = run_cli(
        "simulate",
        str(EXAMPLE),
        "-r",
        "2",
        "--horizon",
        "6h",
        "--warmup",
        "1h",
        "--format",
        "markdown",
    )
    assert code == 0
    lines = output.splitlines()
    assert lines[0] == "## procflow: image-moderation-qc"
    assert lines[2].startswith("✅ **stable")
    assert "| KPI | mean | 95% interval |" in lines
    assert any(line.startswith("| cycle time p90 |") for line in lines)
    assert "- SLA *90% delivered within 4 hours*: 100.0% attained, met" in lines
    assert "```mermaid" in lines and "flowchart TD" in lines


BATCH_DROP = """
process: batch
time_unit: minute
arrivals: [{name: dump, batch: {size: 50000, days: all, at: "00:00"}}]
resources: {labelers: {count: 10}}
stages:
  label: {resource: labelers, duration: 5 min, next: done}
  done: {end: true}
"""


def test_a_huge_batch_drop_stops_at_the_wip_cap_with_no_rate_over_no_time():
    """50,000 items (the largest batch validation allows) at 00:00 Monday over a run capped at
    2,000 in the system: the run stops at the cap, in the instant of the drop.

    No time was measured, so no growth rate or per-hour rate is made up from it (dividing
    by almost zero gave "grows by ~3e20 items an hour").
    """
    process = load_text(BATCH_DROP)
    settings = RunSettings(horizon=600.0, max_wip=2_000)
    run = run_replications(process, settings, replications=1, seed=1)[0]
    assert run.stable is False
    assert run.stopped_at == 0.0
    assert run.kpis["backlog"] == 2_001
    assert run.growth == {}
    assert math.isnan(run.kpis["arrivals_per_hour"])
    results = summarize_runs(process, settings, [run])
    assert results.verdict.text.startswith("unstable")
    assert "e+" not in results.verdict.text
