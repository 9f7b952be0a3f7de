"""``procflow calibrate``: a process file fitted to an event log, whose numbers agree with
the process that made the log, and that lints clean on real logs nobody here wrote."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import procflow
from models import ROOT
from procflow.calibrate import calibrate, parse_zone
from procflow.calibrate.fit import fit_duration
from procflow.calibrate.week import batch_drops, rate_windows
from procflow.cli import main
from procflow.lint.runner import lint_file
from procflow.model.settings import RunSettings

FIXTURES = ROOT / "tests" / "fixtures" / "calibrate"
ROUND_TRIP = FIXTURES / "round_trip.yaml"
LOGS = ROOT.parent / "shared" / "data" / "event_logs"
HORIZON = 2 * 24 * 60.0


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The fixture's event log (two simulated days, one replication) and the file fitted to it."""
    folder = tmp_path_factory.mktemp("round_trip")
    log, fitted = folder / "log.csv", folder / "fitted.yaml"
    code, _, _ = run(
        "simulate", str(ROUND_TRIP), "--horizon", "2 days", "-r", "1", "--executor", "serial",
        "--events", str(log),
    )  # fmt: skip
    assert code == 0
    code, _, _ = run("calibrate", str(log), "--out", str(fitted))
    assert code == 0
    return log, fitted


def test_round_trip_numbers_agree_within_four_standard_errors(round_trip):
    """Arrival rate, handling-time means, routing shares and pool sizes come back."""
    _, fitted = round_trip
    original, model = procflow.load(ROUND_TRIP), procflow.load(fitted)
    assert [f for f in lint_file(fitted)] == []
    # arrivals: a Poisson count over the horizon, its standard error sqrt(n) / T
    rate, fitted_rate = original.arrivals[0].rate, model.arrivals[0].rate
    assert rate is not None and fitted_rate is not None
    assert abs(fitted_rate - rate) <= 4 * math.sqrt(rate * HORIZON) / HORIZON
    # handling times: the mean of n draws, its standard error sd / sqrt(n)
    visits = {"triage": HORIZON * rate / 0.97, "review": HORIZON * rate * 0.3 / 0.97}
    for name, sd in (("triage", 1.5), ("review", 3.0)):
        mean, fitted_mean = original.stages[name].duration.mean, model.stages[name].duration.mean
        assert abs(fitted_mean - mean) <= 4 * sd / math.sqrt(0.9 * visits[name]), name
    # routing: a share of n visits, its standard error sqrt(p (1 - p) / n)
    for name, target in (("triage", "review"), ("review", "triage")):
        (p,) = [b.probability for b in original.stages[name].next if b.to == target]
        (q,) = [b.probability for b in model.stages[name].next if b.to == target]
        assert abs(q - p) <= 4 * math.sqrt(p * (1 - p) / (0.9 * visits[name])), name
    # pools: busy enough that every person was at work at once at some moment
    assert {n: r.count for n, r in model.resources.items()} == {"triager": 6, "reviewer": 5}


def test_round_trip_resimulated_kpis_within_the_intervals(round_trip):
    """The fitted file's throughput and cycle time overlap the original's 95% intervals."""
    _, fitted = round_trip
    original, model = procflow.load(ROUND_TRIP), procflow.load(fitted)
    results = []
    for process in (original, model):
        settings = RunSettings.parse(process, horizon="2 days", replications=6, seed=3)
        results.append(procflow.simulate(process, settings))
    for key in (
        "throughput_per_hour",
        "cycle_time.mean",
        "cycle_time.p90",
        "resources.triager.utilization",
    ):
        a, b = (r.kpi(key) for r in results)
        assert a.low <= b.high and b.low <= a.high, (key, a, b)


def test_skeleton_keeps_the_file_and_fills_the_numbers(round_trip, tmp_path):
    """The PM's comments and names stay; durations, shares, rate and counts are filled in."""
    log, _ = round_trip
    skeleton = tmp_path / "sop.yaml"
    text = ROUND_TRIP.read_text(encoding="utf-8").replace("triage:", "Triage:  # our first look")
    text = (
        text.replace("to: triage", "to: Triage")
        + "  audit: {resource: reviewer, duration: 9 min, next: done}\n"
    )
    skeleton.write_text(text, encoding="utf-8")
    out = tmp_path / "filled.yaml"
    code, _, stderr = run("calibrate", str(log), "--skeleton", str(skeleton), "-o", str(out))
    assert code == 0
    filled = out.read_text(encoding="utf-8")
    assert "Triage:  # our first look" in filled
    assert filled.startswith("# The process the calibration round trip simulates")
    model = procflow.load(out)
    assert model.stages["Triage"].duration.kind == "gamma"
    assert model.stages["audit"].duration.mean == 9  # never seen in the log: as written
    assert "audit" in stderr  # reported as having no visits
    (share,) = [b.probability for b in model.stages["review"].next if b.to == "Triage"]
    assert share != 0.1


def test_bad_rows_are_skipped_and_listed(tmp_path):
    """Bad rows do not stop calibration; their count and first locations are reported."""
    log = tmp_path / "log.csv"
    rows = ["case_id,activity,resource,start_timestamp,end_timestamp"]
    for case in range(40):
        minute = f"{case * 7 % 60:02d}"
        rows.append(f"{case},review,ops,2026-01-05T09:{minute}:00Z,2026-01-05T10:{minute}:00Z")
    rows[5] = "4,review,ops,yesterday,2026-01-05T10:00:00Z"
    rows[9] = "8,review,ops,2026-01-05T11:00:00Z,2026-01-05T10:00:00Z"
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = calibrate(log)
    assert result.skipped_rows == 2
    assert [(f.code, f.location.line, f.location.col) for f in result.skipped] == [
        ("PF020", 6, 14),
        ("PF020", 10, 35),
    ]
    code, _, stderr = run("calibrate", str(log), "-o", str(tmp_path / "fitted.yaml"))
    assert code == 0
    assert f"{log}:6:14" in stderr


def test_an_unreadable_log_and_a_bad_zone_exit_2(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("when,what\n1,2\n", encoding="utf-8")
    assert run("calibrate", str(log))[0] == 2
    assert run("calibrate", str(ROUND_TRIP), "--tz", "Mars/Olympus")[0] == 2


def test_zones():
    assert parse_zone("+02:00").utcoffset(None).total_seconds() == 7200
    assert parse_zone("-0530").utcoffset(None).total_seconds() == -19800
    assert parse_zone("UTC").utcoffset(None).total_seconds() == 0
    assert parse_zone("Europe/Berlin") is not None


def test_fit_chooses_the_family_by_aic():
    rng = np.random.default_rng(5)
    assert fit_duration(rng.gamma(3.0, 2.0, 4000)).kind == "gamma"
    assert fit_duration(rng.lognormal(1.0, 0.8, 4000)).kind == "lognormal"
    assert fit_duration(rng.exponential(3.0, 4000)).kind in ("exponential", "gamma", "weibull")
    weibull = fit_duration(3.0 * rng.weibull(2.5, 4000))
    assert weibull.kind == "weibull" and abs(weibull.fitted_mean - weibull.mean) < 0.05


def test_fit_falls_back_to_empirical_and_fixed():
    assert fit_duration([4.0] * 50).kind == "fixed"
    few = fit_duration([1.0, 2.0, 3.0])
    assert few.kind == "empirical" and few.parameters["values"] == (1.0, 2.0, 3.0)
    zeros = fit_duration([0.0] * 30 + list(range(1, 71)))
    assert zeros.kind == "empirical" and len(zeros.parameters["values"]) == 50
    two_humps = fit_duration([1.0] * 500 + [20.0] * 500)
    assert two_humps.kind == "empirical"


def test_a_steady_rate_is_one_window_and_a_peak_is_its_own():
    """Noise alone does not split the week; a daytime peak on weekdays does."""
    rng = np.random.default_rng(2)
    covered = np.full(168, 4.0)
    steady = rate_windows(rng.poisson(100 * 4.0, 168).astype(float), covered)
    assert [(w.days, w.start, w.end) for w in steady] == [(tuple(range(7)), 0, 24)]
    rates = np.full(168, 20.0)
    for day in range(5):
        rates[day * 24 + 9 : day * 24 + 17] = 200.0
    windows = rate_windows(rng.poisson(rates * 4.0).astype(float), covered)
    assert [(w.days, w.start, w.end) for w in windows] == [
        ((0, 1, 2, 3, 4), 0, 9), ((0, 1, 2, 3, 4), 9, 17), ((0, 1, 2, 3, 4), 17, 24),
        ((5, 6), 0, 24),
    ]  # fmt: skip
    assert abs(windows[1].value - 200) < 4 * math.sqrt(200 / (8 * 20))


def test_the_local_zone_moves_the_hours(tmp_path):
    """With --tz, the schedule's hours are the team's: 09:00 UTC is 11:00 at +02:00."""
    log = tmp_path / "log.csv"
    rows = ["case_id,activity,resource,start_timestamp,end_timestamp"]
    for day in range(5, 10):
        for case in range(60):
            start = f"2026-01-{day:02d}T09:{case:02d}:00"
            rows.append(f"{day}-{case},review,ops,{start}Z,{start.replace('T09', 'T10')}Z")
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "fitted.yaml"
    assert run("calibrate", str(log), "--tz", "+02:00", "-o", str(out))[0] == 0
    (window,) = procflow.load(out).arrivals[0].schedule
    assert window.hours == (11 * 60, 12 * 60)


@pytest.mark.parametrize("name", ["PurchasingExample.csv.gz", "LoanApp_simplified_train.csv.gz"])
def test_real_logs_calibrate_and_lint_clean(name, tmp_path):
    """Logs nobody here wrote calibrate without edits, and the fitted files lint clean."""
    path = LOGS / name
    if not path.is_file():
        pytest.skip(f"{path} is not here: the shared event logs are not on this machine")
    out = tmp_path / "fitted.yaml"
    code, _, _ = run("calibrate", str(path), "-o", str(out))
    assert code == 0
    assert lint_file(out) == []


def test_many_cases_in_one_minute_are_a_batch_drop():
    """Fifty cases at 09:00 on five weekdays: one batch of 50 on mon-fri, out of the rate."""
    rng = np.random.default_rng(4)
    steady = np.sort(rng.uniform(0, 7 * 1440, 3000))
    drops = np.concatenate([np.full(50, day * 1440 + 540.0) for day in range(5)])
    found, rest = batch_drops(np.concatenate([steady, drops]))
    assert [(d.days, d.at, d.size, d.drops) for d in found] == [((0, 1, 2, 3, 4), 540, 50, 5)]
    outside = ~np.isin(np.floor(steady), [day * 1440 + 540 for day in range(5)])
    assert len(rest) == outside.sum()  # the drops' minutes go, steady arrivals in them too


def test_the_sample_export_calibrates_and_lints_clean(tmp_path):
    """examples/consensus_export.csv.gz, with its faults and its own column names."""
    out = tmp_path / "fitted.yaml"
    code, _, stderr = run(
        "calibrate", str(ROOT / "examples" / "consensus_export.csv.gz"), "--case", "task_id",
        "--activity", "step", "--resource", "worker", "--enqueue", "queued_at",
        "--start", "started_at", "--end", "completed_at", "-o", str(out),
    )  # fmt: skip
    assert code == 0
    assert lint_file(out) == []
    model = procflow.load(out)
    (batch,) = [a.batch for a in model.arrivals if a.batch is not None]
    assert batch.size == 50
    # the two labels of a task are done at once: a split into both, and a join after them
    (split,) = [s for s in model.stages.values() if s.split]
    assert list(split.split) == ["label_a", "label_b"]
    assert [[n.to for n in model.stages[b].next] for b in split.split] == [[split.join]] * 2
    assert "skipped 4 bad rows" in stderr


@pytest.mark.parametrize(
    "rows",
    [
        ["1,x,2026-01-05T09:00Z,2026-01-05T09:05Z"],  # one visit
        ["1,x,2026-01-05T09:00Z,2026-01-05T09:00Z", "2,x,2026-01-05T09:00Z,2026-01-05T09:00Z"],
        ["1,x,2026-01-05T09:00Z,2026-01-05T10:00Z", "1,y,2026-01-05T09:30Z,2026-01-05T11:00Z"],
    ],
)
def test_tiny_logs_give_a_file_that_lints_clean(rows, tmp_path):
    """A log of one moment, or of one case, still gives a process to review, not a crash."""
    log = tmp_path / "log.csv"
    log.write_text("case_id,activity,start_timestamp,end_timestamp\n" + "\n".join(rows) + "\n")
    out = tmp_path / "fitted.yaml"
    assert run("calibrate", str(log), "-o", str(out))[0] == 0
    assert lint_file(out) == []


def test_an_xes_log_calibrates_too(tmp_path):
    """procflow's own XES log (start and complete events, no queue times) gives the same shape."""
    log, out = tmp_path / "log.xes", tmp_path / "fitted.yaml"
    code, _, _ = run(
        "simulate", str(ROUND_TRIP), "--horizon", "1 day", "-r", "1", "--executor", "serial",
        "--events", str(log),
    )  # fmt: skip
    assert code == 0
    assert run("calibrate", str(log), "-o", str(out))[0] == 0
    assert lint_file(out) == []
    assert set(procflow.load(out).stages) == {"triage", "review", "done"}


def test_inputs_are_never_replaced_and_a_missing_skeleton_exits_2(round_trip, tmp_path):
    log, _ = round_trip
    assert run("calibrate", str(log), "-o", str(log))[0] == 2
    assert run("calibrate", str(log), "--skeleton", str(tmp_path / "nope.yaml"))[0] == 2


def test_an_empirical_fallback_keeps_the_mean_of_a_rare_long_time() -> None:
    """99 times of 5 min and one of 900 min (a task left open overnight): no family fits,
    and the 50 values written still average 13.95 min, not 5."""
    from procflow.calibrate.fit import fit_duration

    fitted = fit_duration([5.0] * 99 + [900.0])
    assert fitted.kind == "empirical"
    values = fitted.parameters["values"]
    assert isinstance(values, tuple) and len(values) == 50
    assert sum(values) / len(values) == pytest.approx(13.95)
