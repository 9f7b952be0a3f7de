"""``optimize`` on pools with calendars and teams: the levers, the screen, the defaults.

A calendar's lever is its heads, every shift scaled alike; a team's is its own heads.
The screen prices and rules out plans with array sums: it must agree exactly with the
model (the people working a pool has on average) at every level. With no bounds every
lever varies around today's heads, and the answer says so. The bundled processes with
calendars are searched with a short run (a few plans, two replications).
"""

from __future__ import annotations

import math

import pytest

from models import PROCESSES, load_text
from procflow.decide.levers import default_levels, levers
from procflow.decide.optimize import OptimizeError, optimize
from procflow.model.settings import RunSettings
from procflow.scenario import load_any, with_changes
from procflow.sim.executor import SerialExecutor

MULTILINGUAL = PROCESSES / "multilingual_review_queue.yaml"
CONSENSUS = PROCESSES / "consensus_labeling.yaml"
SHORT = {"horizon": 720.0, "warmup": 60.0, "replications": 2}

TEAMS = """
process: language-review
time_unit: minute
arrivals:
  - name: reports
    rate: 240 per hour
    attributes:
      market: {ID: 0.45, BR: 0.35, JP: 0.20}
resources:
  reviewer:
    shrinkage: 0.15
    cost_per_hour: 12
    teams:
      - {name: bahasa, skills: [ID], count: 9}
      - {name: portuguese, skills: [BR], count: 7}
      - {name: japanese, skills: [JP], count: 4}
      - name: polyglots
        skills: [ID, BR, JP]
        calendar: [{days: mon-fri, hours: "09:00-17:00", count: 3}]
stages:
  review:
    resource: reviewer
    duration: {lognormal: {mean: 3.5, sd: 1.5}}
    skill_from: market
    next: done
  done: {end: true}
slas:
  - {name: 90% within 4 hours, metric: cycle_time, percentile: 90, max: 4 hours}
"""


@pytest.mark.parametrize("path", [MULTILINGUAL, CONSENSUS], ids=lambda p: p.stem)
def test_the_screen_agrees_with_the_model_at_every_level(path) -> None:
    """For each lever and level, the working and paid people on average the screen
    computes are the model's, for the process with that lever's changes applied."""
    process, _ = load_any(path)
    for lever in levers(process):
        for heads in default_levels(lever)[::2]:
            changed = with_changes(process, lever.changes(heads)).resources[lever.pool]
            assert lever.working([heads])[0] == pytest.approx(changed.capacity, abs=1e-9)
            assert lever.paid([heads])[0] == pytest.approx(changed.mean_staff, abs=1e-9)


def test_a_calendar_scales_every_shift_alike() -> None:
    """reviewer_en's 19/19/16/16/5 calendar (75 heads) at 90 heads: each count × 1.2."""
    process, _ = load_any(MULTILINGUAL)
    (lever,) = [d for d in levers(process) if d.key == "reviewer_en"]
    assert lever.today == 75
    assert lever.counts(90) == (23, 23, 19, 19, 6)
    assert lever.changes(90)["resources.reviewer_en.calendar[4].count"] == 6
    assert lever.distinct([75, 76, 90]) == [75, 90]  # 76 rounds to the calendar of 75


def test_teams_are_levers_by_name_and_a_pool_with_teams_is_not_one() -> None:
    process = load_text(TEAMS)
    assert [d.key for d in levers(process)] == [
        "reviewer.bahasa",
        "reviewer.portuguese",
        "reviewer.japanese",
        "reviewer.polyglots",
    ]
    with pytest.raises(OptimizeError, match=r"reviewer\.bahasa"):
        optimize(process, {"reviewer": (5, 9)}, RunSettings(**SHORT))  # type: ignore[arg-type]


def test_the_screen_rules_out_a_team_too_small_for_its_skill() -> None:
    """Japanese work is 0.2 × 4/min × 3.5 min = 2.8 busy people; the polyglots work only
    weekdays, so with 2 Japanese reviewers (2 working) the JP work cannot be done on
    average: every such plan is ruled out, without simulating it."""
    process = load_text(TEAMS)
    found = optimize(
        process,
        {"reviewer.japanese": (2, 5)},
        RunSettings(**SHORT),  # type: ignore[arg-type]
        executor=SerialExecutor(),
        max_simulated=2,
        batch=2,
    )
    assert found.total == 4
    assert found.pruned >= 1
    assert all(c.counts["reviewer.japanese"] > 2 for c in found.simulated)
    assert all(c.pools == ("reviewer",) for c in found.simulated)


@pytest.mark.parametrize("path", [MULTILINGUAL, CONSENSUS], ids=lambda p: p.stem)
def test_without_bounds_every_pool_varies_around_today(path) -> None:
    """No bounds: each pool's heads take 80% to 120% of today's, the note says so, plans
    are simulated cheapest first, and each simulated plan's calendars are scaled."""
    process, _ = load_any(path)
    found = optimize(
        process,
        {},
        RunSettings(**SHORT),  # type: ignore[arg-type]
        executor=SerialExecutor(),
        max_simulated=2,
        batch=2,
    )
    dials = levers(process)
    assert found.total == math.prod(len(default_levels(d)) for d in dials)
    assert any("80% to 120%" in note for note in found.notes)
    assert len(found.simulated) == 2
    costs = [c.cost_per_hour for c in found.simulated]
    assert costs == sorted(costs)
    first = found.simulated[0]
    assert set(first.counts) == {d.key for d in dials}
    assert first.point is not None and first.point.process is not None
    for lever in dials:
        resource = first.point.process.resources[lever.pool]
        if resource.calendar is not None:
            counts = tuple(s.count for s in resource.calendar)
            assert counts == lever.counts(first.counts[lever.key])
