"""``staff --verify``: the plan simulated as shift calendars, raised where intervals miss."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest

from models import load_text
from procflow.decide.staffing import StaffingError, StaffingOptions, plan_staffing
from procflow.decide.verify import forecast_week, staffed_process, verify_plan
from procflow.model.forecast import read_forecast
from procflow.model.settings import RunSettings, WaitIntervals
from procflow.results.estimate import Estimate
from procflow.sim.runner import run_many
from procflow.sim.stats import IntervalTally

#: A weekday peak of ten times the night rate; half the items come back for rework and
#: handling times are heavy-tailed: Erlang per interval falls short after the peak.
BURSTY = """
process: bursty
time_unit: minute
arrivals:
  - name: incoming
    rate: 20 per hour
    schedule: [{days: mon-fri, hours: "09:00-17:00", rate: 200 per hour}]
resources: {agents: {count: 20, shrinkage: 0.3}}
stages:
  answer: {resource: agents, duration: {lognormal: {mean: 3, sd: 9}}, next: check}
  check: {next: [{to: answer, probability: 0.5}, {to: done, probability: 0.5}]}
  done: {end: true}
"""
OPTIONS = StaffingOptions(interval_minutes=60, service_level=0.8, within=0.5)
SETTINGS = RunSettings(horizon=1.0, warmup=480.0, replications=5, seed=3)


@pytest.fixture(scope="module")
def verified() -> tuple[object, object]:
    process = load_text(BURSTY)
    plan = plan_staffing(process, OPTIONS)
    return process, verify_plan(process, plan, SETTINGS)


def test_a_verified_plan_meets_its_target_in_every_interval(verified: tuple) -> None:
    """Checked from the simulation's own per-interval counts, not from the plan's record."""
    process, plan = verified
    assert plan.verification.converged
    pool = plan.pools["agents"]
    heads = {"agents": [i.required for i in pool.intervals]}
    week = 7 * 24 * 60.0
    settings = replace(
        SETTINGS, horizon=480.0 + week, wait_intervals=WaitIntervals(60.0, (("agents", 0.5),))
    )
    runs = run_many([staffed_process(process, plan, heads)], settings).runs[0]
    measured = 0
    for k in range(len(pool.intervals)):
        shares = [
            r.by_interval["agents"][1][k] / r.by_interval["agents"][0][k]
            for r in runs
            if r.by_interval["agents"][0][k] > 0
        ]
        if len(shares) < 2:
            continue
        level = Estimate.of(shares)
        assert level.high >= 0.8 or math.isnan(level.high), (pool.intervals[k].start, level)
        measured += 1
    assert measured >= 7 * 24 - 5  # nearly every hour of the week has work to measure


def test_the_simulation_adds_heads_and_says_why(verified: tuple) -> None:
    _, plan = verified
    pool = plan.pools["agents"]
    raised = [i for i in pool.intervals if i.required > i.formula]
    assert raised and all(i.method == "simulation" for i in raised)
    assert plan.verification.added["agents"] == sum(i.required - i.formula for i in raised)
    assert all(i.scheduled >= i.required for i in pool.intervals)
    reasons = " ".join(plan.verification.reasons)
    assert "rework" in reasons and "not exponential" in reasons
    document = plan.to_json()
    simulated = document["pools"]["agents"]["intervals"][9]["simulated"]
    assert set(simulated) == {"service_level", "low", "high", "met", "tasks"}
    assert document["verification"]["converged"] is True


def test_the_calendar_pays_shrinkage() -> None:
    """Scheduled heads go on shift; the simulator's working people are the required ones."""
    process = load_text(BURSTY)
    plan = plan_staffing(process, OPTIONS)
    heads = {"agents": [i.required for i in plan.pools["agents"].intervals]}
    staffed = staffed_process(process, plan, heads)
    working = staffed.resources["agents"].working
    for k, interval in enumerate(plan.pools["agents"].intervals):
        assert working.at(k * 60 + 1) == interval.required
        assert staffed.resources["agents"].on_duty.at(k * 60 + 1) == interval.scheduled


def test_interval_tally_counts_escalations_as_missed() -> None:
    tally = IntervalTally(length=30.0, period=60.0, within=1.0)
    tally.add(5.0, 0.5)
    tally.add(35.0, 2.0)
    tally.add(65.0, 0.1)  # the next period's first interval
    tally.add(40.0, 0.2, answered=False)
    assert (tally.tasks, tally.met) == ([2, 2], [2, 0])


def test_a_forecast_plan_is_verified_on_its_week(tmp_path: Path) -> None:
    """A Wednesday morning forecast: the simulation's week has its volumes at their
    hours (and nothing else), and each interval is checked in its own slot."""
    path = tmp_path / "volumes.csv"
    path.write_text(
        "start,volume\n2026-01-07T09:00,150\n2026-01-07T10:00,200\n2026-01-07T11:00,60\n",
        encoding="utf-8",
    )
    process = load_text(BURSTY)
    forecast = read_forecast(path, ["incoming"])
    plan = plan_staffing(process, OPTIONS, forecast)
    simulated, slots = forecast_week(process, plan, forecast)
    assert slots == [2 * 24 + 9, 2 * 24 + 10, 2 * 24 + 11]  # wednesday, Monday first
    profile = simulated.arrivals[0].rate_profile()
    assert profile.at(2 * 1440 + 10 * 60 + 1) == pytest.approx(200 / 60)
    assert profile.at(2 * 1440 + 8 * 60) == 0
    checked = verify_plan(process, plan, replace(SETTINGS, replications=3), forecast=forecast)
    intervals = checked.pools["agents"].intervals
    assert [i.start for i in intervals] == [
        "2026-01-07T09:00",
        "2026-01-07T10:00",
        "2026-01-07T11:00",
    ]
    assert all(i.check is not None and i.check.tasks > 0 for i in intervals)
    assert intervals[1].check.tasks == pytest.approx(400, rel=0.25)  # 200 items, 2 visits


def test_a_forecast_longer_than_a_week_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "volumes.csv"
    path.write_text("start,volume\n2026-01-05T09:00,10\n2026-01-12T09:00,10\n")
    process = load_text(BURSTY)
    forecast = read_forecast(path, ["incoming"])
    plan = plan_staffing(process, replace(OPTIONS, interval_minutes=1440), forecast)
    with pytest.raises(StaffingError) as error:
        verify_plan(process, plan, SETTINGS, forecast=forecast)
    assert error.value.option == "--verify"
