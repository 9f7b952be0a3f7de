"""Staffing formulas: the published Erlang figures, shrinkage, lagged loads, back office."""

from __future__ import annotations

import math

import pytest

from procflow.analysis.queueing import Arrivals, WaitModel
from procflow.analysis.staffing import (
    Demand,
    Targets,
    back_office_loads,
    measure,
    modified_offered_loads,
    required_heads,
)
from procflow.model.staffing import scheduled_heads

#: 100 items per 30 minutes, 180 s handling: 10 Erlangs (times in seconds).
RATE = 100 / 1800
AHT = 180.0


def test_published_erlang_c_figures() -> None:
    """80% within 20 s needs 14 working: SL 0.888350 (13 give 0.795595), ASA 7.836 s,
    occupancy 0.714286, and 20 scheduled at 30% shrinkage (pyworkforce's figures)."""
    demand = Demand((Arrivals(RATE),), AHT)
    targets = Targets(service_level=0.8, within=20)
    found = required_heads(demand, targets)
    assert found.required == 14
    assert found.method == "erlang_c"
    assert found.binding == "service_level"
    assert found.offered_load == pytest.approx(10.0, abs=1e-12)
    assert found.service_level == pytest.approx(0.888350, abs=1e-6)
    assert found.mean_wait == pytest.approx(7.836, abs=1e-3)
    assert found.occupancy == pytest.approx(0.714286, abs=1e-6)
    assert measure(demand, 13, targets).service_level == pytest.approx(0.795595, abs=1e-6)
    assert scheduled_heads(found.required, 0.3) == 20
    assert math.isnan(found.abandon)


def test_each_target_can_bind() -> None:
    """The number is the largest of the targets' needs, and says which one set it."""
    demand = Demand((Arrivals(RATE),), AHT)
    assert required_heads(demand, Targets(occupancy=0.6)).required == 17  # 10 / 17 <= 0.6
    assert required_heads(demand, Targets(occupancy=0.6)).binding == "occupancy"
    asa = required_heads(demand, Targets(mean_wait=10.0))
    assert asa.required == 14 and asa.binding == "mean_wait"
    both = required_heads(demand, Targets(service_level=0.8, within=20, occupancy=0.65))
    assert both.required == 16 and both.binding == "occupancy"
    # without targets the heads only keep up: more than the load
    assert required_heads(demand, Targets()).required == 11


def test_no_work_needs_nobody() -> None:
    found = required_heads(Demand((Arrivals(0.0),), AHT), Targets(service_level=0.8, within=20))
    assert (found.required, found.method) == (0, "no_work")


@pytest.mark.parametrize(
    ("required", "shrinkage", "scheduled"),
    [(14, 0.3, 20), (13, 0.3, 19), (0, 0.3, 0), (7, 0.0, 7), (10, 0.15, 12)],
)
def test_shrinkage_rounds_up(required: int, shrinkage: float, scheduled: int) -> None:
    assert scheduled_heads(required, shrinkage) == scheduled


def test_deadline_patience_counts_abandonment() -> None:
    """With a fixed escalate_after, P(abandon) is the chance the wait exceeds it, and a
    target on it can set the heads."""
    demand = Demand((Arrivals(RATE, 60.0),), AHT)
    at_12 = measure(demand, 12, Targets(service_level=0.8, within=20))
    model = WaitModel(12, AHT, [Arrivals(RATE, 60.0)])
    assert at_12.abandon == pytest.approx(model.beyond(60.0), rel=1e-12)
    assert at_12.method == "erlang_a"
    # items escalating before 20 s count as missed: the SL can be at most P(V <= T)
    strict = required_heads(demand, Targets(abandon=0.01))
    assert strict.binding == "abandon"
    assert measure(demand, strict.required, Targets()).abandon <= 0.01
    assert measure(demand, strict.required - 1, Targets()).abandon > 0.01


def test_erlang_a_published_figures() -> None:
    """Erlang A (5 min mean exponential patience) at 14 agents: P(abandon) 0.013984,
    SL(20 s) 0.916792; SL >= 0.8, occupancy <= 0.85, P(abandon) <= 0.05 need 13 working,
    19 scheduled at 30% shrinkage."""
    from procflow.model.distributions.families import Exponential

    patience = Exponential.model_validate({"mean": 300})
    demand = Demand((Arrivals(RATE, patience),), AHT)
    targets = Targets(service_level=0.8, within=20, occupancy=0.85, abandon=0.05)
    at_14 = measure(demand, 14, targets)
    assert at_14.abandon == pytest.approx(0.013984, abs=1e-6)
    assert at_14.service_level == pytest.approx(0.916792, abs=1e-6)
    found = required_heads(demand, targets)
    assert found.required == 13
    assert scheduled_heads(found.required, 0.3) == 19


def test_modified_offered_load_lags_the_arrivals() -> None:
    """Steady arrivals give the plain load; a step up is reached about one AHT later."""
    assert modified_offered_loads([RATE] * 4, AHT, 1800) == pytest.approx([10.0] * 4)
    # two-hour handling, half-hour intervals: a day-long peak is reached gradually
    rates = [0.0] * 24 + [1 / 60] * 24  # per minute, 48 half-hours
    loads = modified_offered_loads(rates, 120.0, 30.0)
    assert loads[24] < loads[25] < loads[30] < 120 * rates[30]
    assert loads[0] > 0  # the peak's work is still being done after it ends
    # over the repeating period the lagged load carries the same work as the plain one
    assert sum(loads) == pytest.approx(sum(r * 120 for r in rates), rel=1e-9)


def test_back_office_spreads_work_over_its_window() -> None:
    loads = [0.0, 0.0, 8.0, 0.0]
    assert back_office_loads(loads, 2) == pytest.approx([0.0, 0.0, 4.0, 4.0])
    assert back_office_loads(loads, 1) == loads


def test_a_week_of_half_hours_is_cheap(monkeypatch: pytest.MonkeyPatch) -> None:
    """A week of half-hours for five pools is a few thousand WaitModel solves; each
    interval costs a handful of them (bisection), so the whole week is far under a second.
    Counted in solves, not timed: tests do not assert wall-clock time."""
    calls = 0
    original = WaitModel.__init__

    def counting(self: WaitModel, *args: object, **kwargs: object) -> None:
        nonlocal calls
        calls += 1
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    targets = Targets(service_level=0.8, within=20, occupancy=0.85)
    monkeypatch.setattr(WaitModel, "__init__", counting)
    for k in range(336 * 5):
        required_heads(Demand((Arrivals(RATE * (1 + k % 48)),), AHT), targets)
    assert calls / (336 * 5) < 25
