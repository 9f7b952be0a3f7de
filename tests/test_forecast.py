"""Forecasts from a snapshot: clearing times against theory and arithmetic, the week lined
up with the snapshot's day, identical numbers on every executor, the Wilson interval, the CLI."""

from __future__ import annotations

import json
import math
import statistics
import zipfile
from pathlib import Path

from click.testing import CliRunner

from models import PROCESSES, SCENARIOS, load_text
from procflow.cli import main
from procflow.decide.forecast import forecast
from procflow.model.forecast import read_forecast
from procflow.model.process import Process
from procflow.model.settings import Deadline, deadline
from procflow.model.snapshot import Snapshot, SnapshotItem, parse_time
from procflow.report.markdown import comparison_markdown
from procflow.results import Comparison, from_json
from procflow.results.estimate import Estimate
from procflow.results.forecast import (
    BacklogForecasts,
    forecast_to_json,
    forecasts_from_json,
    forecasts_to_json,
)
from procflow.sim.executor import LocalExecutor, SerialExecutor

#: One pool of ``count`` agents; the only arrivals are a drop on Sunday night, after
#: every deadline below: the snapshot's items are all the work there is.
QUEUE = """
process: drain
time_unit: minute
arrivals: [{{name: drops, batch: {{size: 1, days: sun, at: "23:00"}}}}]
resources: {{agents: {agents}}}
stages:
  work:
    resource: agents
    duration: {duration}
    next: done
  done: {{end: true}}
"""
TUESDAY_9 = parse_time("2026-12-01T09:00")


def queue(duration: str, agents: str = "{count: 3}") -> Process:
    return load_text(QUEUE.format(duration=duration, agents=agents))


def backlog(n: int, at: str = "2026-12-01T09:00", in_progress: int = 0) -> Snapshot:
    items = [
        SnapshotItem(
            stage="work", age_hours=1.0, state="in_progress" if k < in_progress else "waiting"
        )
        for k in range(n)
    ]
    return Snapshot(file="s.csv", at=parse_time(at), items=tuple(items))


def test_n_exponential_jobs_on_c_servers_clear_when_order_statistics_say() -> None:
    """All n jobs done: n−c+1 completions at rate cμ, then c−1 at (c−1)μ … μ, so
    E[T] = (n−c)/(cμ) + H_c/μ and Var[T] = (n−c+1)/(cμ)² + Σ_{k<c} 1/(kμ)²."""
    n, c, mean = 40, 3, 10.0  # minutes
    mu = 1 / mean
    expected = ((n - c) / (c * mu) + sum(1 / k for k in range(1, c + 1)) / mu) / 60
    sd = math.sqrt((n - c + 1) / (c * mu) ** 2 + sum(1 / (k * mu) ** 2 for k in range(1, c))) / 60
    runs = 200
    (result,) = forecast(
        [(None, queue("{exponential: 10}"))], backlog(n), Deadline(TUESDAY_9, 24.0),
        replications=runs,
    )  # fmt: skip
    assert result.probability.mean == 1.0
    tolerance = 4 * sd / math.sqrt(runs)  # four standard errors of the mean of 200 runs
    assert abs(result.time.mean - expected) < tolerance
    assert result.backlog[0].median == n and result.final.mean == 0


def test_a_fixed_batch_clears_exactly_when_arithmetic_says() -> None:
    """12 items, 3 agents, 10 minutes each (3 of them already in progress): 4 rounds, 40 min."""
    (result,) = forecast(
        [(None, queue("{fixed: 10}"))], backlog(12, in_progress=3), Deadline(TUESDAY_9, 2.0),
        replications=3,
    )  # fmt: skip
    assert result.time == Estimate.of([40 / 60] * 3, "nonnegative")
    assert result.probability.mean == 1.0


def test_the_run_starts_at_the_snapshots_hour_of_the_week() -> None:
    """One agent on shift 09:00–17:00 on weekdays; 4 half-hour items at Tuesday 07:00 wait
    for the shift and clear at 11:00, 4 hours after the snapshot (not Monday's 00:00)."""
    agents = '{calendar: [{days: mon-fri, hours: "09:00-17:00", count: 1}]}'
    early = backlog(4, at="2026-12-01T07:00")
    until = Deadline(parse_time("2026-12-01T20:00"), 13.0)
    (result,) = forecast([(None, queue("{fixed: 30}", agents))], early, until, replications=2)
    assert result.time.mean == 4.0
    assert result.backlog[0].median == 4


def test_a_target_level_clears_earlier_and_a_late_deadline_reads_from_horizon() -> None:
    """Down to 6 of 12 takes two rounds of 10 minutes; --horizon 'until …' and a length."""
    snap = backlog(12)
    (result,) = forecast(
        [(None, queue("{fixed: 10}"))], snap, Deadline(TUESDAY_9, 1.0), target=6, replications=2
    )
    assert result.time.mean == 20 / 60
    assert deadline(snap.at, None, "until 2026-12-04T18:00").hours == 81.0
    assert deadline(snap.at, None, "3 days").hours == 72.0


def test_forecasts_are_identical_on_every_executor() -> None:
    process = queue("{exponential: 10}")
    runs = [
        forecast(
            [(None, process)],
            backlog(30),
            Deadline(TUESDAY_9, 24.0),
            replications=4,
            executor=executor,
        )[0]
        for executor in (SerialExecutor(), LocalExecutor(2))
    ]
    assert runs[0].time == runs[1].time and runs[0].backlog == runs[1].backlog


def test_wilson_interval() -> None:
    """18 of 20: the score interval (Wilson 1927), not the t interval; 0 and n stay inside 0..1."""
    e = Estimate.wilson(18, 20)
    assert e.mean == 0.9
    assert math.isclose(e.low, 0.6990, abs_tol=1e-4) and math.isclose(e.high, 0.9721, abs_tol=1e-4)
    none = Estimate.wilson(0, 10)
    assert none.low == 0.0 and math.isclose(none.high, 0.2775, abs_tol=1e-4)
    assert Estimate.wilson(10, 10).high == 1.0


def test_forecast_command_json_and_scenarios(tmp_path: Path) -> None:
    """The bundled example: JSON with the documented keys; a scenario runs beside the base."""
    out = tmp_path / "f.json"
    args = [
        "forecast", str(PROCESSES / "multilingual_review_queue.yaml"),
        str(SCENARIOS / "multilingual_borrowed_staff.yaml"),
        "--initial-state", str(PROCESSES / "multilingual_backlog.csv"),
        "--until", "2026-12-02T09:00", "--target", "150", "-r", "2", "--format", "json",
        "-o", str(out),
    ]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    base, borrowed = document["forecasts"]
    assert base["kind"] == "forecast" and borrowed["scenario"] == "borrow-six-for-indonesian"
    assert base["start"] == "2026-12-01T09:00" and base["hours"] == 24.0
    assert set(base["cleared"]) == {"probability", "replications", "time"}
    assert set(base["cleared"]["probability"]) == {"mean", "ci95"}
    assert base["backlog"]["series"][0] == [0.0, 4141, 4141, 4141]
    assert [s["name"] for s in base["slas"]] and {"breached", "breach_rate"} <= set(base["slas"][0])
    due = [s for s in base["slas"] if s["kind"] == "due_date"]
    assert [(s["by"], s["value"], s["within_hours"]) for s in due] == [
        (None, None, None), ("severity", "high", 4.0), ("severity", "medium", 24.0),
        ("severity", "low", 48.0),
    ]  # fmt: skip
    assert [d["day"] for d in due[0]["by_day"]][-2:] == ["2026-12-01", "2026-12-02"]


def test_forecast_command_exit_codes(tmp_path: Path) -> None:
    """A bad snapshot is PF022 at row:col and exit 2; a deadline before the snapshot, exit 2."""
    bad = tmp_path / "bad.csv"
    bad.write_text("# snapshot: 2026-12-01T09:00\nstage,arrived\nreview_xx,2026-12-01T08:00\n")
    base = ["forecast", str(PROCESSES / "multilingual_review_queue.yaml"), "--initial-state"]
    result = CliRunner().invoke(main, [*base, str(bad), "--until", "2026-12-02T09:00"])
    assert result.exit_code == 2 and f"{bad}:3:1: PF022" in result.output
    good = str(PROCESSES / "multilingual_backlog.csv")
    result = CliRunner().invoke(main, [*base, good, "--until", "2026-11-30T09:00"])
    assert result.exit_code == 2


def test_reports_workbook_and_json_round_trip(tmp_path: Path) -> None:
    """--report, --xlsx and --csv are written; `procflow report` of the JSON gives the same HTML."""
    process = str(PROCESSES / "multilingual_review_queue.yaml")
    snapshot = str(PROCESSES / "multilingual_backlog.csv")
    args = [
        "forecast", process, "--initial-state", snapshot, "--horizon", "until 2026-12-01T21:00",
        "-r", "2", "--format", "json", "-o", str(tmp_path / "f.json"),
        "--report", str(tmp_path / "f.html"), "--xlsx", str(tmp_path / "f.xlsx"),
        "--csv", str(tmp_path / "csv"),
    ]  # fmt: skip
    assert CliRunner().invoke(main, args).exit_code == 0
    again = [
        "report",
        str(tmp_path / "f.json"),
        "--process",
        process,
        "-o",
        str(tmp_path / "g.html"),
    ]
    assert CliRunner().invoke(main, again).exit_code == 0
    assert (tmp_path / "f.html").read_text() == (tmp_path / "g.html").read_text()
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == [
        "backlog.csv", "breaches_by_day.csv", "forecast.csv", "sla_breaches.csv",
    ]  # fmt: skip
    with zipfile.ZipFile(tmp_path / "f.xlsx") as book:
        assert "Breaches by day" in book.read("xl/workbook.xml").decode()
    assert "Breaches by day" in (tmp_path / "f.html").read_text()
    text = CliRunner().invoke(main, [*args[:8], "--format", "markdown"]).output
    assert text.startswith("# Backlog forecast") and "●" in text
    assert "Breached items by day" in text and "| severity=high: due within 4 h |" in text


def test_a_scenario_is_compared_replication_by_replication() -> None:
    """4 agents instead of 3 on 12 fixed 10-minute items: clears 10 minutes sooner in every
    run (a paired difference with no spread); the JSON carries it under vs_base."""
    runs = forecast(
        [(None, queue("{fixed: 10}")), ("four", queue("{fixed: 10}", "{count: 4}"))],
        backlog(12),
        Deadline(TUESDAY_9, 2.0),
        replications=3,
    )
    record = BacklogForecasts(runs)
    change = record.change(1)
    assert change is not None and record.change(0) is None
    assert math.isclose(change.time.mean, -10 / 60) and change.probability.mean == 0
    document = forecasts_to_json(record)
    assert math.isclose(document["forecasts"][1]["vs_base"]["time"]["mean"], -10 / 60)
    again = forecasts_from_json(json.loads(json.dumps(document)))
    assert again.change(1) == change


def test_forecast_volumes_are_reproduced_within_their_range(tmp_path: Path) -> None:
    """10 hourly intervals of 100 items (80–120): each replication draws one quantile of the
    range, so its total is 800–1200 up to Poisson noise, and they average 1000."""
    volumes = tmp_path / "volumes.csv"
    rows = [f"2026-12-01T{9 + h:02d}:00,incoming,100,80,120" for h in range(10)]
    volumes.write_text("start,stream,volume,low,high\n" + "\n".join(rows) + "\n")
    process = load_text(
        QUEUE.format(duration="{fixed: 1}", agents="{count: 50}").replace(
            '[{name: drops, batch: {size: 1, days: sun, at: "23:00"}}]',
            "[{name: incoming, rate: 1 per hour}]",
        )
    )
    empty = Snapshot(file="s.csv", at=TUESDAY_9, items=())
    runs = 40
    (result,) = forecast(
        [(None, process)],
        empty,
        Deadline(parse_time("2026-12-01T20:00"), 11.0),
        volumes=read_forecast(volumes, ["incoming"]),
        replications=runs,
    )
    assert result.results is not None
    totals = [r["arrivals_per_hour"] * 11 for r in result.results.replications]
    assert all(800 - 4 * math.sqrt(800) < t < 1200 + 4 * math.sqrt(1200) for t in totals)
    spread = statistics.stdev(totals)  # uniform factor: 1000 · 0.4 / √12 ≈ 115, Poisson ≈ 32
    assert abs(statistics.fmean(totals) - 1000) < 4 * 120 / math.sqrt(runs)
    assert spread > 60


def test_the_snapshots_items_are_due_from_when_they_arrived() -> None:
    """12 items that arrived an hour before the snapshot, due 85 minutes after arriving; 3
    agents, 10 minutes each (3 already in progress): rounds end 70, 80, 90 and 100 minutes
    after arrival, so exactly the 6 items of the last two rounds breach."""
    from procflow.model.settings import RunSettings
    from procflow.sim.runner import run_replication

    process = load_text(
        QUEUE.format(duration="{fixed: 10}", agents="{count: 3}")
        + "due_dates: {otherwise: 85 min}\n"
    )
    settings = RunSettings(
        horizon=120.0, replications=1, warmup=0.0, snapshot=backlog(12, in_progress=3)
    )
    kpis = run_replication(process, settings, 1, 0).kpis
    assert kpis["breached_items"] == 6
    assert kpis["breached_share"] == 0.5


def test_breaches_by_day_are_what_arithmetic_says() -> None:
    """One agent, 60 minutes per item, due 4.5 hours after arriving; snapshot Tuesday 20:00,
    deadline Wednesday 02:30. Served oldest first: the item 5 h old (due 19:30 Tuesday) is
    done at 21:00, late; the three 1 h old (due 23:30) at 22:00, 23:00 and 24:00, the last
    late; the three new ones (due 00:30 Wednesday) at 01:00, 02:00 and one still open at the
    deadline: all three late. So 2 breaches on Tuesday, 3 on Wednesday, in every run."""
    process = load_text(
        QUEUE.format(duration="{fixed: 60}", agents="{count: 1}")
        + "due_dates: {otherwise: 4.5 hours}\n"
    )
    ages = [5, 1, 1, 1, 0, 0, 0]
    items = tuple(SnapshotItem(stage="work", age_hours=a, line=k) for k, a in enumerate(ages))
    snapshot = Snapshot(file="s.csv", at=parse_time("2026-12-01T20:00"), items=items)
    until = Deadline(parse_time("2026-12-02T02:30"), 6.5)
    (result,) = forecast([(None, process)], snapshot, until, replications=2)
    (due,) = result.slas
    assert (due.kind, due.within_hours, due.breached.mean) == ("due_date", 4.5, 5)
    assert [(d.day, d.breached.mean, d.breached.low) for d in due.by_day] == [
        ("2026-12-01", 2, 2), ("2026-12-02", 3, 3),
    ]  # fmt: skip
    document = forecast_to_json(result)["slas"][0]
    assert [(d["day"], d["breached"]["mean"]) for d in document["by_day"]] == [
        ("2026-12-01", 2), ("2026-12-02", 3),
    ]  # fmt: skip


def test_breaches_per_due_date_class_and_cycle_time_sla_by_day() -> None:
    """Due by severity (high: 1 hour, low: 3 hours) and a 2-hour cycle-time SLA; one agent,
    60 minutes each; four new items at Tuesday 22:00 (high, high, low, low: served in that
    order), done at 23:00, 24:00, 01:00 and 02:00. The second high (due 23:00) breaches on
    Tuesday, the second low (due 01:00) on Wednesday; the SLA's 2 hours end at Wednesday
    00:00 for all four, and the two lows are past it."""
    text = QUEUE.format(duration="{fixed: 60}", agents="{count: 1}").replace(
        '"23:00"}}]', '"23:00"}, attributes: {severity: {high: 0.5, low: 0.5}}}]'
    )
    process = load_text(
        text
        + "due_dates: {by: severity, within: {high: 1 hour, low: 3 hours}}\n"
        + "slas: [{name: two hours, metric: cycle_time, percentile: 90, max: 2 hours}]\n"
    )
    items = tuple(
        SnapshotItem(stage="work", age_hours=0, attributes=(("severity", v),), line=k)
        for k, v in enumerate(["high", "high", "low", "low"])
    )
    snapshot = Snapshot(file="s.csv", at=parse_time("2026-12-01T22:00"), items=items)
    until = Deadline(parse_time("2026-12-02T03:00"), 5.0)
    (result,) = forecast([(None, process)], snapshot, until, replications=2)
    table = {s.name: [d.breached.mean for d in s.by_day] for s in result.slas}
    assert table == {
        "two hours": [0, 2],
        "all due dates": [1, 1],
        "severity=high: due within 1 h": [1, 0],
        "severity=low: due within 3 h": [0, 1],
    }
    assert [s.by_day[0].day for s in result.slas] == ["2026-12-01"] * 4
    high = result.slas[2]
    assert (high.by, high.value, high.within_hours, high.breach_rate.mean) == (
        "severity", "high", 1.0, 0.5,
    )  # fmt: skip


def test_horizon_until_reads_the_same_for_simulate_and_compare(tmp_path: Path) -> None:
    """simulate and compare take --horizon "until <date-time>": a run that starts empty
    starts at Monday 00:00, so Friday 2026-12-04 18:00 is 4 days 18 hours (6840 minutes);
    a date that is not one, or the Monday 00:00 itself, is exit 2 naming --horizon."""
    process = str(PROCESSES / "multilingual_review_queue.yaml")
    out = tmp_path / "s.json"
    until = ["--horizon", "until 2026-12-04T18:00", "-r", "1", "--format", "json"]
    result = CliRunner().invoke(main, ["simulate", process, *until, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["settings"]["horizon"] == 6840.0
    scenario = str(SCENARIOS / "multilingual_borrowed_staff.yaml")
    for bad in ("until Friday", "until 2026-11-30T00:00"):
        for command in (["simulate", process], ["compare", process, scenario]):
            result = CliRunner().invoke(main, [*command, "--horizon", bad, "-r", "1"])
            assert result.exit_code == 2 and "--horizon" in result.output


def test_compare_from_a_snapshot_agrees_with_forecast(tmp_path: Path) -> None:
    """compare --initial-state runs the forecasts procflow forecast runs (same seed, same
    numbers) and adds them, scenario against base (vs_base), to its JSON; the forecast
    options without a snapshot, and --warmup with one, are exit 2."""
    process = str(PROCESSES / "multilingual_review_queue.yaml")
    scenario = str(SCENARIOS / "multilingual_borrowed_staff.yaml")
    snapshot = str(PROCESSES / "multilingual_backlog.csv")
    common = [
        process, scenario, "--initial-state", snapshot, "--until", "2026-12-01T15:00",
        "--target", "150", "-r", "2", "--seed", "3", "--format", "json",
    ]  # fmt: skip
    compared, forecasted = tmp_path / "c.json", tmp_path / "f.json"
    html, xlsx = tmp_path / "c.html", tmp_path / "c.xlsx"
    exports = ["-o", str(compared), "--report", str(html), "--xlsx", str(xlsx)]
    result = CliRunner().invoke(main, ["compare", *common, *exports])
    assert result.exit_code == 0, result.output
    again = ["report", str(compared), "--process", process, "-o", str(tmp_path / "d.html")]
    assert CliRunner().invoke(main, again).exit_code == 0
    assert html.read_text() == (tmp_path / "d.html").read_text()
    assert "Breaches by day" in html.read_text() and xlsx.stat().st_size > 0
    result = CliRunner().invoke(main, ["forecast", *common, "-o", str(forecasted)])
    assert result.exit_code == 0, result.output
    comparison = json.loads(compared.read_text(encoding="utf-8"))
    assert comparison["kind"] == "comparison"
    assert comparison["forecast"] == json.loads(forecasted.read_text(encoding="utf-8"))
    assert "vs_base" in comparison["forecast"]["forecasts"][1]
    assert comparison["scenarios"][0]["name"] == "borrow-six-for-indonesian"
    record = from_json(comparison)  # what --format markdown prints of the same runs
    assert isinstance(record, Comparison)
    text = comparison_markdown(record)
    assert "## Backlog forecast" in text and "Against the process as planned" in text
    for wrong in (["--until", "2026-12-01T15:00"], ["--target", "5"]):
        result = CliRunner().invoke(main, ["compare", process, scenario, *wrong, "-r", "1"])
        assert result.exit_code == 2 and "--initial-state" in result.output
    result = CliRunner().invoke(main, ["compare", *common[:7], "--warmup", "1 hour"])
    assert result.exit_code == 2 and "--warmup" in result.output


def test_people_on_shift_hold_until_the_next_calendar_change() -> None:
    """The calendar has 3 agents 09:00–11:00 and 2 until 17:00; the snapshot says 1 is on
    shift at Tuesday 09:00. Six 60-minute items: one at a time until 11:00 (two done),
    then two at a time (12:00, 13:00): clear after 4 hours, not the calendar's 2."""
    agents = (
        '{calendar: [{days: mon-fri, hours: "09:00-11:00", count: 3}, '
        '{days: mon-fri, hours: "11:00-17:00", count: 2}]}'
    )
    process = queue("{fixed: 60}", agents)
    until = Deadline(parse_time("2026-12-01T17:00"), 8.0)
    (planned,) = forecast([(None, process)], backlog(6), until, replications=1)
    short = backlog(6).model_copy(update={"on_shift": (("agents", 1),)})
    (result,) = forecast([(None, process)], short, until, replications=1)
    assert (planned.time.mean, result.time.mean) == (2.0, 4.0)


def test_a_held_item_is_worked_on_before_the_shift() -> None:
    """Nobody is on shift before 09:00; at 08:00 one 30-minute item is in progress and
    another waits. Held by an agent, it is done at 08:30 and the other at 09:30 (1.5 h);
    in progress without a holder, it waits for 09:00 too: both done at 10:00 (2 h)."""
    agents = '{calendar: [{days: mon-fri, hours: "09:00-17:00", count: 1}]}'
    process = queue("{fixed: 30}", agents)
    until = Deadline(parse_time("2026-12-01T12:00"), 4.0)
    times = []
    for holder in ("agents", None):
        items = (
            SnapshotItem(stage="work", age_hours=1.0, state="in_progress", holder=holder),
            SnapshotItem(stage="work", age_hours=0.5, line=1),
        )
        snapshot = Snapshot(file="s.csv", at=parse_time("2026-12-01T08:00"), items=items)
        (result,) = forecast([(None, process)], snapshot, until, replications=1)
        times.append(result.time.mean)
    assert times == [1.5, 2.0]


def test_a_scenario_file_s_horizon_is_the_deadline_of_a_run_from_a_snapshot(
    tmp_path: Path,
) -> None:
    """settings: {horizon: 'until …'} in the scenario file gives forecast and compare their
    deadline when the command line gives none (the command line wins, as for simulate)."""
    process = str(PROCESSES / "multilingual_review_queue.yaml")
    snapshot = str(PROCESSES / "multilingual_backlog.csv")
    scenario = tmp_path / "friday.yaml"
    scenario.write_text(
        f"scenario: by-the-evening\nbase: {process}\n"
        "settings: {horizon: 'until 2026-12-01T13:00'}\n",
        encoding="utf-8",
    )
    run = ["--initial-state", snapshot, "-r", "1", "--format", "json"]
    result = CliRunner().invoke(main, ["forecast", str(scenario), *run])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["until"] == "2026-12-01T13:00"
    later = ["--until", "2026-12-01T14:00"]
    wins = CliRunner().invoke(main, ["forecast", str(scenario), *run, *later])
    assert json.loads(wins.output)["until"] == "2026-12-01T14:00"
    result = CliRunner().invoke(main, ["compare", process, str(scenario), *run])
    assert result.exit_code == 0, result.output
    compared = json.loads(result.output)["forecast"]["forecasts"]
    assert [f["until"] for f in compared] == ["2026-12-01T13:00"] * 2
