"""Shifts, shrinkage, arrival schedules, batch drops, priorities and escalation."""

from __future__ import annotations

import math

import pytest

from models import load_text
from procflow import RunSettings, analyze, simulate
from procflow.analysis import analyze as solve
from procflow.analysis import erlang_c
from procflow.diagnostics import LintError, LoadError
from procflow.model.calendar import WeeklyProfile, parse_days, parse_hours, week_intervals

WEEK = 7 * 24 * 60


def test_days_and_hours_parse_as_teams_write_them():
    """'mon-fri', 'sat, sun', 'weekends', wrap-around ranges; overnight hours run past midnight."""
    assert parse_days("mon-fri") == (0, 1, 2, 3, 4)
    assert parse_days("sat, sun") == (5, 6) == parse_days("weekends")
    assert parse_days("fri-mon") == (0, 4, 5, 6)
    assert parse_hours("09:00-17:30") == (540, 1050)
    assert week_intervals((6,), (22 * 60, 6 * 60)) == [(6 * 1440 + 1320, WEEK), (0, 360)]


def test_weekly_profile_sums_shifts_and_averages():
    """Overlapping shifts add up; the mean is weighted by time."""
    day = (week_intervals(range(7), (8 * 60, 16 * 60)), 10.0)
    late = (week_intervals(range(7), (12 * 60, 20 * 60)), 5.0)
    profile = WeeklyProfile.summed([day, late])
    assert profile.at(9 * 60) == 10 and profile.at(13 * 60) == 15 and profile.at(21 * 60) == 0
    assert profile.mean() == pytest.approx((10 * 8 + 5 * 8) / 24)


SHRINKAGE = """
process: shrinkage
time_unit: minute
arrivals: [{name: jobs, rate: 6}]
resources: {agents: {count: 10, shrinkage: 0.2, cost_per_hour: 20}}
stages:
  serve: {resource: agents, duration: {exponential: 1}, next: done}
  done: {end: true}
"""


def test_shrinkage_leaves_fewer_people_working():
    """10 paid agents with 20% shrinkage are an M/M/8 queue; cost counts all 10."""
    p = load_text(SHRINKAGE)
    assert analyze(p).pools["agents"].servers == pytest.approx(8)
    results = simulate(p, RunSettings(horizon=8_000, warmup=200), replications=8, seed=3, jobs=2)
    wait = results.kpi("stages.serve.waiting_time")
    theory = erlang_c(8, 6) / (8 - 6)
    se = wait.se
    assert abs(wait.mean - theory) <= 4 * se and se < 0.05 * theory
    assert results.kpi("resources.agents.utilization").mean == pytest.approx(0.75, abs=0.01)
    assert results.kpi("cost_per_hour").mean == pytest.approx(200)


SHIFTS = """
process: shifts
time_unit: minute
arrivals:
  - name: jobs
    rate: 0
    schedule:
      - {days: all, hours: "08:00-16:00", rate: 3}
resources:
  agents:
    calendar:
      - {name: day, days: all, hours: "08:00-16:00", count: 5}
      - {name: late, days: all, hours: "15:00-17:00", count: 2}
    cost_per_hour: 10
stages:
  serve: {resource: agents, duration: {exponential: 1}, next: done}
  done: {end: true}
"""


def test_calendar_staff_and_scheduled_arrivals():
    """Work arrives only 08-16; staff on duty and paid hours follow the shifts."""
    p = load_text(SHIFTS)
    assert p.resources["agents"].mean_staff == pytest.approx((5 * 8 + 2 * 2) / 24)
    assert p.arrivals[0].rate_per_unit == pytest.approx(3 * 8 / 24)
    results = simulate(p, RunSettings(horizon=7 * 1440), replications=3, seed=1)
    arrivals = results.kpi("arrivals_per_hour").mean
    assert arrivals == pytest.approx(3 * 60 * 8 / 24, rel=0.03)
    assert results.kpi("resources.agents.staff").mean == pytest.approx((5 * 8 + 2 * 2) / 24)
    assert results.kpi("cost_per_hour").mean == pytest.approx(10 * (5 * 8 + 2 * 2) / 24)
    # everything that arrived by 16:00 is done by 17:00 when the late shift leaves
    assert results.kpi("backlog").mean == 0
    assert results.stable


def test_shift_end_finishes_work_in_hand():
    """People leave at the end of a shift only after their task; nothing is lost."""
    text = SHIFTS.replace("rate: 3}", "rate: 6}")  # overloaded: a backlog carries overnight
    p = load_text(text)
    settings = RunSettings(horizon=1440 + 12 * 60)  # stop mid-morning of day 2
    results = simulate(p, settings, replications=1, seed=2)
    run = results.replications[0]
    arrived = run["arrivals_per_hour"] * settings.horizon / 60
    delivered = run["throughput_per_hour"] * settings.horizon / 60
    assert arrived == pytest.approx(delivered + run["backlog"])
    assert run["backlog"] > 0


BATCH = """
process: batch
time_unit: minute
arrivals:
  - name: client_drop
    batch: {size: 200, days: mon-fri, at: "09:00"}
resources: {annotators: {count: 10}}
stages:
  label: {resource: annotators, duration: {fixed: 3}, next: done}
  done: {end: true}
slas: [{name: same day, metric: cycle_time, percentile: 100, max: 8 hours}]
"""


def test_batch_drops_arrive_at_once_and_drain():
    """200 items land at 09:00 on weekdays; 10 annotators at 3 min clear them in 60 min."""
    p = load_text(BATCH)
    assert p.arrivals[0].rate_per_unit == pytest.approx(1000 / WEEK)
    results = simulate(p, RunSettings(horizon=WEEK), replications=1, seed=1)
    assert results.kpi("arrivals_per_hour").mean == pytest.approx(1000 / (WEEK / 60))
    assert results.kpi("cycle_time.p99").mean == pytest.approx(60, rel=0.01)
    assert results.kpi("stages.label.queue_length_max").mean == 190
    assert results.slas[0].met


PRIORITY = """
process: priority
time_unit: minute
arrivals:
  - name: reports
    rate: 0.8
    attributes: {severity: {low: 0.8, high: 0.2}}
resources: {reviewers: {count: 1}}
stages:
  triage:
    next:
      - {to: review_high, when: severity == "high"}
      - to: review_low
  review_high:
    resource: reviewers
    duration: {exponential: 1}
    priority: 10
    next: done
  review_low: {resource: reviewers, duration: {exponential: 1}, next: done}
  done: {end: true}
"""


def test_priority_matches_the_non_preemptive_priority_queue():
    """One reviewer at 80%, 20% high priority served first (Cobham's formulas, M/M/1).

    W0 = rho * E[S] = 0.8; high waits W0 / (1 - rho_high) = 0.8 / 0.84; low waits
    W0 / ((1 - rho_high)(1 - rho)) = 0.8 / (0.84 * 0.2). Both share one queue.
    """
    p = load_text(PRIORITY)
    results = simulate(p, RunSettings(horizon=40_000, warmup=500), replications=8, seed=5, jobs=2)
    for stage, theory in (("review_high", 0.8 / 0.84), ("review_low", 0.8 / (0.84 * 0.2))):
        wait = results.kpi(f"stages.{stage}.waiting_time")
        se = wait.se
        assert abs(wait.mean - theory) <= 4 * se and se < 0.05 * theory, (stage, wait, theory)


ESCALATION = """
process: escalation
time_unit: minute
arrivals: [{name: reports, rate: 1.1}]
resources: {reviewers: {count: 1}, specialists: {count: 3}}
stages:
  review:
    resource: reviewers
    duration: {exponential: 1}
    escalate_after: 5 min
    escalate_to: specialist
    next: done
  specialist: {resource: specialists, duration: {exponential: 2}, next: done}
  done: {end: true}
"""


def test_escalation_bounds_waiting():
    """Items waiting over 5 minutes move to specialists: an overloaded queue becomes stable."""
    p = load_text(ESCALATION)
    results = simulate(p, RunSettings(horizon=20_000, warmup=500), replications=3, seed=9)
    assert results.stable
    assert results.kpi("stages.review.waiting_time_p90").mean <= 5.0 + 1e-9
    assert results.kpi("stages.review.escalated").mean > 0.05
    assert results.kpi("stages.specialist.visits").mean == pytest.approx(
        results.kpi("stages.review.escalated").mean, rel=0.01
    )


@pytest.mark.parametrize(
    "resource",
    [
        "{count: 3, calendar: [{count: 2}]}",
        "{cost_per_hour: 3}",
        "{count: 3, shrinkage: 1.0}",
        '{calendar: [{hours: "25:00-03:00", count: 2}]}',
        "{calendar: [{days: funday, count: 2}]}",
    ],
)
def test_bad_staffing_is_a_load_error(resource):
    """count and calendar together, neither, shrinkage of 100%, bad hours or days: load errors."""
    text = SHRINKAGE.replace("{count: 10, shrinkage: 0.2, cost_per_hour: 20}", resource)
    with pytest.raises(LoadError) as error:
        load_text(text)
    assert error.value.findings[0].code in ("PF011", "PF012")


def test_escalation_needs_both_keys():
    """escalate_after without escalate_to is a load error at the stage."""
    text = ESCALATION.replace("    escalate_to: specialist\n", "")
    with pytest.raises(LoadError) as error:
        load_text(text)
    assert error.value.findings[0].code == "PF012"


def test_escalation_target_must_exist():
    """A misspelt escalate_to is PF101 unknown-stage."""
    from procflow.lint.runner import check_process

    p = load_text(ESCALATION.replace("escalate_to: specialist", "escalate_to: specalist"))
    assert "PF101" in {f.code for f in check_process(p)}
    assert math.isfinite(solve(p).arrival_rate)  # the analysis lint reads still answers
    with pytest.raises(LintError):
        analyze(p)  # the public one refuses, as procflow analyze does


SKILLS = """
process: skills
time_unit: minute
arrivals:
  - name: reports
    rate: 1.5
    attributes: {language: {x: 0.6, y: 0.4}}
resources:
  reviewers:
    teams:
      - {name: x-readers, skills: [x], count: 2}
      - {name: y-readers, skills: [y], count: 1}
stages:
  review: {resource: reviewers, duration: {exponential: 1}, skill_from: language, next: done}
  done: {end: true}
"""


def test_teams_with_disjoint_skills_are_separate_queues():
    """Two teams, disjoint skills: an M/M/2 for x (lambda 0.9) and an M/M/1 for y (lambda 0.6)."""
    p = load_text(SKILLS)
    results = simulate(p, RunSettings(horizon=30_000, warmup=500), replications=8, seed=4, jobs=2)
    wait = results.kpi("stages.review.waiting_time")
    theory = 0.6 * erlang_c(2, 0.9) / (2 - 0.9) + 0.4 * 0.6 / (1 - 0.6)
    se = wait.se
    assert abs(wait.mean - theory) <= 4 * se and se < 0.03 * theory


def test_cross_trained_teams_act_as_one_pool():
    """When every team has every skill, the pool is one M/M/3 queue (lambda 1.5, mu 1)."""
    text = SKILLS.replace("skills: [y]", "skills: [x, y]").replace(
        "skills: [x],", "skills: [y, x],"
    )
    p = load_text(text)
    results = simulate(p, RunSettings(horizon=30_000, warmup=500), replications=8, seed=4, jobs=2)
    wait = results.kpi("stages.review.waiting_time")
    theory = erlang_c(3, 1.5) / (3 - 1.5)
    se = wait.se
    assert abs(wait.mean - theory) <= 4 * se and se < 0.05 * theory


SELF_REVIEW = """
process: self-review
time_unit: minute
arrivals: [{name: items, rate: 1}]
resources: {staff: {count: 5}}
stages:
  label: {resource: staff, duration: 1, next: review}
  review:
    resource: staff
    duration: 1
    error_rate: 0.3
    detection_rate: 1.0
    on_defect: label
    next: done
  done: {end: true}
"""


def test_a_review_does_not_catch_its_own_errors():
    """Items arrive clean at review; 30% leave with the reviewer's own error, none reworked."""
    results = simulate(
        load_text(SELF_REVIEW),
        RunSettings(horizon=20_000, warmup=100),
        replications=2,
        seed=8,
    )
    escaped = results.kpi("escaped_defect_rate").mean
    n = results.kpi("throughput_per_hour").mean * (20_000 - 100) / 60 * 2
    assert abs(escaped - 0.3) < 4 * math.sqrt(0.3 * 0.7 / n)
    assert results.kpi("rework_rate").mean == 0
