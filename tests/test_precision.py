"""Runs that stop when precise enough (--precision) and choose their warm-up (--warmup auto)."""

from __future__ import annotations

import json
import math
import random

import pytest
from click.testing import CliRunner

from models import EXAMPLE, load_text, write_process
from procflow.cli import main
from procflow.model.process import Process
from procflow.model.settings import RunOverrides, RunSettings, SettingsError
from procflow.results import Estimate, from_json, headline_keys, lookup, to_json
from procflow.results.precision import judged, measure
from procflow.sim.executor import LocalExecutor, SerialExecutor
from procflow.sim.runner import run_replications, simulate
from procflow.sim.warmup import BATCH, choose, mser

#: 30 servers, arrivals at 0.25 a minute, exponential service of mean 60 minutes: 15
#: busy on average and almost no queue. Starting empty, the work in progress climbs
#: like 15 (1 - exp(-t / 60 min)): the start-up is over after 1 to 5 time constants.
MMC = """
process: mmc
time_unit: minute
arrivals: [{name: jobs, rate: 0.25}]
resources: {servers: {count: 30}}
stages:
  serve: {resource: servers, duration: {exponential: 60}, next: done}
  done: {end: true}
"""


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_mser_cuts_a_decaying_transient_near_its_end() -> None:
    """A start 10 above the level, decaying with time constant 20, plus unit noise: the
    bias falls below a tenth of the noise after about 20 ln(100) = 92 observations."""
    rng = random.Random(3)
    series = [10 * math.exp(-t / 20) + rng.gauss(0, 1) for t in range(2000)]
    cut = mser(series)
    assert cut % BATCH == 0
    assert 40 <= cut <= 200


def test_mser_leaves_a_series_without_transient_almost_whole() -> None:
    """Without a start-up bias there is nothing to cut, except by chance, a little."""
    rng = random.Random(5)
    assert mser([rng.gauss(0, 1) for _ in range(2000)]) <= 200
    assert mser([1.0, 2.0, 3.0]) == 0  # shorter than two batches: not cut


def test_auto_warmup_on_an_mmc_that_starts_empty() -> None:
    """The warm-up chosen is the median MSER-5 cut of a pilot run without warm-up,
    longer than nothing, at most half the horizon, and the run is measured after it."""
    process = load_text(MMC)
    given = RunSettings.parse(process, horizon="2 days", warmup="auto", replications=6)
    assert math.isnan(given.warmup) and given.auto_warmup
    pilot = run_replications(process, RunSettings(horizon=given.horizon, replications=5))
    chosen = choose(pilot)
    assert 60 <= chosen <= 300
    results = simulate(process, given, executor=SerialExecutor())
    assert results.settings["warmup"] == chosen
    assert results.settings["warmup_auto"] is True
    # the work in progress after the cut is the steady 15 (Erlang C: no queue to speak of)
    wip = results.kpi("wip")
    assert abs(wip.mean - 15) < 2 * wip.half_width + 0.1


def test_precision_adds_replications_until_every_headline_kpi_is_within_it(
    example: Process,
) -> None:
    settings = RunSettings.parse(example, horizon="1 day", warmup="2 hours", precision="10%")
    results = simulate(example, settings, jobs=2)
    precision = results.precision
    assert precision is not None and precision.reached
    n = results.settings["replications"]
    assert precision.replications == n == len(results.replications)
    assert 10 <= n < settings.max_replications
    for value in headline_keys(results.kpis, results.pools, results.stages):
        kpi = Estimate.of([run[value.key] for run in results.replications])
        assert judged(value.key, kpi, example.time_unit).relative_half_width <= 0.10


def test_precision_runs_are_the_replications_of_a_fixed_run(example: Process) -> None:
    """Replication r draws the same numbers whatever batch it ran in and whatever the
    executor: a precision run equals a fixed run of as many replications."""
    settings = RunSettings.parse(example, horizon="1 day", warmup="2 hours", precision="15%")
    stopping = simulate(example, settings.with_runs(4), executor=SerialExecutor())
    assert stopping.settings["replications"] > 4  # it ran more than one batch
    n = stopping.settings["replications"]
    fixed = simulate(
        example,
        RunSettings.parse(example, horizon="1 day", warmup="2 hours", replications=n),
        executor=LocalExecutor(2),
    )
    assert stopping.replications == fixed.replications
    local = simulate(example, settings.with_runs(4), executor=LocalExecutor(2))
    assert local.replications == stopping.replications


def test_the_cap_stops_a_run_that_cannot_reach_the_precision(example: Process) -> None:
    settings = RunSettings.parse(
        example, horizon="1 day", warmup="2 hours", replications=3, precision="0.1%",
        max_replications=6,
    )  # fmt: skip
    results = simulate(example, settings, executor=SerialExecutor())
    precision = results.precision
    assert precision is not None and not precision.reached
    assert precision.replications == 6 == len(results.replications)
    assert precision.needed > 6 and precision.widest
    assert precision.widest_relative > 0.001


def _estimates(values: dict[str, list[float]]) -> dict[str, Estimate]:
    return {key: Estimate.of(v, lookup(key).kpi.bounds) for key, v in values.items()}


def test_kpis_zero_everywhere_are_skipped_and_near_zero_ones_judged_on_a_floor() -> None:
    zero = measure(_estimates({"cost_per_hour": [0.0] * 5}), [], [], "minute", 0.05, 200)
    assert zero.reached and zero.widest == ""
    # a 3-second wait known to within 1.5 seconds: precise enough against the 1-minute floor
    waits = [0.05 + 0.025 * d for d in (-1, 1, -1, 1, 0, 0)]
    near = measure(_estimates({"stages.s.waiting_time": waits}), [], ["s"], "minute", 0.05, 200)
    assert near.reached
    relative = Estimate.of(waits).relative_half_width
    assert relative > 0.05  # on its own mean it would not be
    in_hours = _estimates({"stages.s.waiting_time": [w / 60 for w in waits]})
    hours = measure(in_hours, [], ["s"], "hour", 0.05, 9)
    assert hours.widest_relative == pytest.approx(near.widest_relative)


def test_precision_is_read_as_a_percentage_or_a_share(example: Process) -> None:
    assert RunSettings.parse(example, precision="5%").precision == 0.05
    assert RunSettings.parse(example, precision="0.05").precision == 0.05
    assert RunSettings.parse(example).precision is None
    for bad in ("150%", "0", "five"):
        with pytest.raises(SettingsError) as caught:
            RunSettings.parse(example, precision=bad)
        assert caught.value.option == "--precision"
    with pytest.raises(SettingsError) as caught:
        RunSettings.parse(example, precision="5%", replications=20, max_replications=10)
    assert caught.value.option == "--max-replications"


def test_command_line_precision_wins_over_the_scenario_file(example: Process) -> None:
    file = RunOverrides(precision="10%", max_replications=50, warmup="auto")
    from_file = RunSettings.parse(example, scenario=file)
    assert (from_file.precision, from_file.max_replications, from_file.auto_warmup) == (
        0.1, 50, True,
    )  # fmt: skip
    given = RunSettings.parse(example, precision="2%", max_replications=80, scenario=file)
    assert (given.precision, given.max_replications) == (0.02, 80)


def test_simulate_reports_the_replications_and_the_warmup_it_chose(tmp_path) -> None:
    out = tmp_path / "r.json"
    code, _ = run_cli(
        "simulate", str(EXAMPLE), "--horizon", "1 day", "--warmup", "auto", "--precision",
        "10%", "-j", "2", "--format", "json", "-o", str(out),
    )  # fmt: skip
    assert code == 0
    document = json.loads(out.read_text())
    assert document["settings"]["warmup_auto"] is True
    assert document["settings"]["precision"] == 0.1
    assert document["precision"]["reached"] is True
    assert document["precision"]["replications"] == document["settings"]["replications"]
    results = from_json(document)
    assert results.precision is not None and to_json(results)["precision"] == document["precision"]
    code, _ = run_cli("report", str(out), "-o", str(tmp_path / "r.html"))
    assert code == 0
    assert "MSER-5" in (tmp_path / "r.html").read_text()


def test_a_precision_that_cannot_be_read_is_a_usage_error() -> None:
    code, text = run_cli("simulate", str(EXAMPLE), "--precision", "lots")
    assert code == 2 and "--precision" in text


def test_a_scenario_file_can_ask_for_a_precision(tmp_path) -> None:
    base = write_process(tmp_path, MMC, "base.yaml")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        f"scenario: more\nbase: {base.name}\nchanges:\n  resources.servers.count: 3\n"
        "settings: {horizon: 1 day, warmup: 2 hours, precision: 20%, max_replications: 12}\n"
    )
    code, text = run_cli("simulate", str(scenario), "--format", "json", "-j", "1")
    assert code == 0, text
    document = json.loads(text)
    assert document["settings"]["precision"] == 0.2
    assert document["precision"]["replications"] <= 12


def test_compare_measures_every_scenario_over_one_window_and_as_many_replications() -> None:
    """An auto warm-up is the longest of the processes' choices; a precision gives the
    baseline and the scenario the same (paired) replications."""
    from procflow.decide.compare import compare

    base = load_text(MMC)
    fewer = load_text(MMC.replace("count: 30", "count: 18"))
    settings = RunSettings.parse(
        base, horizon="2 days", warmup="auto", replications=4, precision="35%"
    )
    found = compare(base, [("fewer", "", fewer)], settings, executor=SerialExecutor())
    (scenario,) = found.scenarios
    assert found.baseline.settings == scenario.results.settings
    assert found.baseline.settings["warmup"] > 0
    assert len(found.baseline.replications) == len(scenario.results.replications)
    precisions = [found.baseline.precision, scenario.results.precision]
    assert all(p is not None for p in precisions)
    n = len(found.baseline.replications)
    assert all(p.reached for p in precisions if p) or n == settings.max_replications
