"""Staffing plans: intervals from a forecast, a schedule or a steady rate; targets from SLAs."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from models import PROCESSES, load_text
from procflow.decide.staffing import StaffingError, StaffingOptions, plan_staffing
from procflow.diagnostics import LoadError
from procflow.model.forecast import read_forecast
from procflow.scenario import load_any

#: 100 items per 30 minutes, 180 s handling (exponential), one pool: the published case.
QUEUE = """
process: queue
time_unit: second
arrivals: [{name: incoming, rate: 200 per hour}]
resources: {agents: {count: 20, shrinkage: 0.3}}
stages:
  answer: {resource: agents, duration: {exponential: 180}, next: done}
  done: {end: true}
"""
TARGET = StaffingOptions(service_level=0.8, within=20.0)


def test_steady_rate_gives_one_interval_with_the_published_figures() -> None:
    plan = plan_staffing(load_text(QUEUE), TARGET)
    assert plan.source == "steady"
    (interval,) = plan.pools["agents"].intervals
    assert interval.start == "mon 00:00"
    assert (interval.required, interval.scheduled) == (14, 20)
    assert interval.service_level == pytest.approx(0.888350, abs=1e-6)
    assert interval.asa == pytest.approx(7.836, abs=1e-3)
    assert interval.occupancy == pytest.approx(0.714286, abs=1e-6)
    assert interval.method == "erlang_c"


def test_rework_counts_in_the_offered_load() -> None:
    """A review sending a quarter of the items back: 1/0.75 visits per item."""
    text = QUEUE.replace(
        "answer: {resource: agents, duration: {exponential: 180}, next: done}",
        "answer: {resource: agents, duration: {exponential: 180}, next: check}\n"
        "  check: {next: [{to: answer, probability: 0.25}, {to: done, probability: 0.75}]}",
    )
    (interval,) = plan_staffing(load_text(text), TARGET).pools["agents"].intervals
    assert interval.offered_load == pytest.approx(10 / 0.75)


def test_a_schedule_gives_a_week_of_intervals() -> None:
    text = QUEUE.replace(
        "rate: 200 per hour}",
        'rate: 20 per hour, schedule: [{days: mon-fri, hours: "09:00-17:00", rate: 200 per hour}]}',
    )
    plan = plan_staffing(load_text(text), TARGET)
    intervals = plan.pools["agents"].intervals
    assert plan.source == "schedule" and len(intervals) == 7 * 48
    by_start = {i.start: i for i in intervals}
    assert by_start["mon 09:00"].required == 14
    assert by_start["mon 08:30"].offered_load == pytest.approx(1.0)
    assert by_start["sat 12:00"].required < 14


def test_interval_must_divide_a_day() -> None:
    with pytest.raises(StaffingError) as error:
        plan_staffing(load_text(QUEUE), StaffingOptions(interval_minutes=35))
    assert error.value.option == "--interval"


def test_waiting_time_sla_sets_the_target(tmp_path: Path) -> None:
    text = QUEUE + (
        "slas:\n  - {name: 80% answered in 20 s, metric: waiting_time, stage: answer, "
        "percentile: 80, max: 20 s}\n"
    )
    plan = plan_staffing(load_text(text), StaffingOptions())
    pool = plan.pools["agents"]
    assert pool.target_source == "sla: 80% answered in 20 s"
    assert pool.targets["service_level"] == pytest.approx(0.8)
    assert pool.intervals[0].required == 14


def test_no_target_only_keeps_up() -> None:
    plan = plan_staffing(load_text(QUEUE), StaffingOptions())
    assert plan.pools["agents"].intervals[0].required == 11
    assert plan.pools["agents"].target_source == "none"
    assert any("agents has no target" in n for n in plan.notes)


def _forecast(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "volumes.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_forecast_intervals_and_dates(tmp_path: Path) -> None:
    path = _forecast(
        tmp_path,
        "start,volume,low,high\n"
        "2026-01-05T09:00,100,90,110\n"
        "2026-01-05T09:30,50,,\n"
        "2026-01-05T10:30,100,,\n",
    )
    forecast = read_forecast(path, ["incoming"])
    assert forecast.interval == timedelta(minutes=30)
    assert forecast.start == datetime(2026, 1, 5, 9)
    plan = plan_staffing(load_text(QUEUE), TARGET, forecast)
    intervals = plan.pools["agents"].intervals
    assert plan.source == "forecast"
    assert [i.start for i in intervals] == [
        "2026-01-05T09:00",
        "2026-01-05T09:30",
        "2026-01-05T10:00",
        "2026-01-05T10:30",
    ]
    assert intervals[0].required == 14
    assert intervals[2].required == 0 and intervals[2].method == "no_work"
    # an hour's staffing from half-hour volumes adds them
    hourly = plan_staffing(load_text(QUEUE), StaffingOptions(60, 0.8, 20.0), forecast)
    assert [i.arrivals for i in hourly.pools["agents"].intervals] == pytest.approx([150, 100])


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        ("start,volume\n2026-01-05T09:00,100\n05/01/2026 09:30,100\n", 3, 1),
        ("start,volume\n2026-01-05T09:00,100\n2026-01-05T09:30,-4\n", 3, 18),
        ("start,volume\n2026-01-05T09:00,lots\n", 2, 18),
        ("start,volume,low\n2026-01-05T09:00,100,120\n", 2, 22),
        ("volume,start\n100,2026-01-05T09:00\n100,2026-01-05T09:00\n", 3, 1),
        ("start,volume\n2026-01-05T09:00,1\n2026-01-05T09:30,1\n2026-01-05T09:50,1\n", 3, 1),
        ("start,stream,volume\n2026-01-05T09:00,incomming,1\n", 2, 18),
        ("when,volume\n2026-01-05T09:00,1\n", 1, 1),
    ],
)
def test_bad_forecast_rows_are_located(tmp_path: Path, text: str, line: int, col: int) -> None:
    """Every problem is PF021 at the row and column of the bad cell."""
    path = _forecast(tmp_path, text)
    with pytest.raises(LoadError) as error:
        read_forecast(path, ["incoming"])
    (finding,) = error.value.findings
    assert finding.code == "PF021"
    assert (finding.location.line, finding.location.col) == (line, col)


def test_a_stream_column_is_needed_with_several_streams(tmp_path: Path) -> None:
    path = _forecast(tmp_path, "start,volume\n2026-01-05T09:00,1\n")
    with pytest.raises(LoadError) as error:
        read_forecast(path, ["a", "b"])
    assert error.value.findings[0].code == "PF021"


@pytest.mark.parametrize(
    "name", ["image_moderation_qc", "multilingual_review_queue", "consensus_labeling"]
)
def test_bundled_processes_get_a_plan(name: str) -> None:
    process, _ = load_any(str(PROCESSES / f"{name}.yaml"))
    plan = plan_staffing(process, StaffingOptions(service_level=0.8, within=5.0))
    for pool in plan.pools.values():
        for interval in pool.intervals:
            assert interval.scheduled >= interval.required >= 0
            if interval.required:
                assert interval.service_level >= 0.8 or interval.method == "back_office"


def test_pf021_fixtures() -> None:
    """The rule page's examples: the bad file has both its problems located, the good one
    reads."""
    folder = Path(__file__).parent / "fixtures" / "rules" / "PF021"
    with pytest.raises(LoadError) as error:
        read_forecast(folder / "bad.csv", ["reports"])
    assert [(f.code, f.location.line, f.location.col) for f in error.value.findings] == [
        ("PF021", 3, 18),
        ("PF021", 3, 26),
    ]
    good = read_forecast(folder / "good.csv", ["reports"])
    assert [r.volume for r in good.rows] == [120, 135]


SCHEDULED = """
process: backoffice
time_unit: minute
arrivals:
  - name: tickets
    rate: 6 per hour
    schedule: [{days: mon-fri, hours: "09:00-17:00", rate: 60 per hour}]
resources: {agents: {count: 20}}
stages:
  handle: {resource: agents, duration: {exponential: HANDLING}, next: done}
  done: {end: true}
"""
TARGET_MINUTES = StaffingOptions(service_level=0.8, within=1.0)


def test_long_sla_windows_are_staffed_as_a_back_office() -> None:
    """4 hours to answer, 10 min handling: each half-hour's work is spread over the next
    8 half-hours, so the peak needs fewer heads than its own load and the evening more."""
    text = SCHEDULED.replace("HANDLING", "10") + (
        "slas:\n  - {name: 90% within 4 hours, metric: waiting_time, stage: handle, "
        "percentile: 90, max: 4 hours}\n"
    )
    pool = plan_staffing(load_text(text), StaffingOptions()).pools["agents"]
    by_start = {i.start: i for i in pool.intervals}
    assert {i.method for i in pool.intervals} == {"back_office"}
    # the first peak half-hour carries 1/8 of its own 10 Erlangs and 7/8 of the night's 1
    assert by_start["mon 09:00"].required == 3
    assert by_start["mon 13:00"].required == 11  # the peak's own load, kept up with
    assert by_start["mon 18:00"].required > 1  # the backlog of the afternoon


def test_long_handling_lags_the_load() -> None:
    """30 min handling in 30 min intervals: the modified offered load rises over about
    an hour after the peak starts, and stays up after it ends."""
    text = SCHEDULED.replace("HANDLING", "30")
    pool = plan_staffing(load_text(text), TARGET_MINUTES).pools["agents"]
    by_start = {i.start: i for i in pool.intervals}
    assert by_start["mon 09:00"].method == "modified_offered_load"
    assert by_start["mon 09:00"].offered_load < by_start["mon 10:00"].offered_load < 30
    assert by_start["mon 16:30"].offered_load == pytest.approx(30, rel=0.01)
    assert by_start["mon 17:00"].offered_load > 3 * 3
