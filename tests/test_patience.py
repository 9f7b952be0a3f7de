"""Patience as a distribution: items that leave a queue after their own time (Erlang A, M/M/c+G).

``escalate_after`` takes a distribution as well as a fixed duration. The format
accepts it, the analysis solves the queue as M/M/c+G (exponential patience is
Erlang A, a fixed one M/M/c+D as before), and the simulation draws each waiting
item's patience from its own random source keyed by item.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from models import load_text
from procflow.analysis.panels import Panels
from procflow.analysis.queueing import Arrivals, WaitModel, erlang_c, mmc_wait
from procflow.diagnostics import LoadError
from procflow.flow.compiler import compile_flow
from procflow.model.distributions import Empirical, Exponential, Fixed, Uniform
from procflow.sim.plan import Plan

#: The published Erlang A case: 100 items per 30 minutes, 180 s handling, 14 people.
RATE = 100 / 30  # per minute
AHT = 3.0  # minutes
PEOPLE = 14

URGENT = """
process: urgent-queue
time_unit: minute
arrivals: [{name: reports, rate: 100 per 30 min}]
resources: {agent: {count: 14}}
stages:
  answer:
    resource: agent
    duration: {exponential: 180 s}
    escalate_after: {exponential: {mean: 5 min}}
    escalate_to: withdrawn
    next: answered
  answered: {end: true}
  withdrawn: {end: true}
"""


def test_escalate_after_takes_a_distribution_and_compiles_to_the_stage_patience() -> None:
    """``{exponential: {mean: 5 min}}`` is a patience with a 5-minute mean; a fixed
    ``escalate_after`` is a patience without spread, as before."""
    flow = compile_flow(load_text(URGENT))
    escalation = flow.rules[flow.index["answer"]].escalation
    assert escalation is not None
    assert escalation.patience == Exponential(mean=5.0)
    assert escalation.fixed is None
    assert not escalation.instant
    fixed = compile_flow(load_text(URGENT.replace("{exponential: {mean: 5 min}}", "30 s")))
    rule = fixed.rules[fixed.index["answer"]].escalation
    assert rule is not None and rule.fixed == 0.5


def test_an_unknown_patience_distribution_is_an_input_error() -> None:
    with pytest.raises(LoadError):
        load_text(URGENT.replace("exponential: {mean", "exponentiall: {mean"))


def test_erlang_a_reproduces_the_published_figures() -> None:
    """100 per 30 min, AHT 180 s, 14 agents, exponential patience of mean 5 min: 1.3984%
    abandon and 91.6792% are answered within 20 s (answered within t over all arrivals)."""
    patience = Exponential(mean=5.0)
    model = WaitModel(PEOPLE, AHT, [Arrivals(RATE, patience)])
    assert model.abandon_probability(patience) == pytest.approx(0.013984, abs=1e-6)
    assert model.service_level(20 / 60, patience) == pytest.approx(0.916792, abs=1e-6)


def test_erlang_a_figures_are_consistent_with_each_other() -> None:
    """Little's law on the queue: the mean wait of every item (abandoned ones count their
    wait) times the arrival rate is the abandonment rate times the mean patience of
    exponential patience, λ·E[wait] = λ·P(abandon)·θ; and served plus abandoned is all."""
    theta = 5.0
    patience = Exponential(mean=theta)
    model = WaitModel(PEOPLE, AHT, [Arrivals(RATE, patience)])
    abandoned = model.abandon_probability(patience)
    assert model.mean_wait(patience) == pytest.approx(abandoned * theta, rel=1e-9)
    served = model.served_wait(patience) * (1 - abandoned)
    # abandoned items wait E[patience | patience < V]; all waits together are the mean wait
    assert served < model.mean_wait(patience)
    assert model.service_level(1e6, patience) == pytest.approx(1 - abandoned, abs=1e-9)


@pytest.mark.parametrize("theta", [1e3, 1e4, 1e5])
def test_erlang_a_with_endless_patience_approaches_erlang_c(theta: float) -> None:
    """With θ → ∞ nobody leaves: P(wait) and the mean wait tend to Erlang C's, as 1/θ."""
    patience = Exponential(mean=theta)
    model = WaitModel(PEOPLE, AHT, [Arrivals(RATE, patience)])
    load = RATE * AHT
    assert abs(model.wait_probability() - erlang_c(PEOPLE, load)) < 0.5 / theta
    assert abs(model.mean_wait(patience) - mmc_wait(PEOPLE, RATE, AHT)) < 1 / theta
    assert model.abandon_probability(patience) < 1 / theta


@pytest.mark.parametrize("servers", [8, 10.5, 14])
@pytest.mark.parametrize("scv", [1.0, 0.25])
def test_a_fixed_patience_distribution_is_exactly_the_deadline(servers: float, scv: float) -> None:
    """``{fixed: 2}`` or a uniform of no width gives the very numbers of the deadline 2."""
    deadline = WaitModel(servers, AHT, [Arrivals(RATE, 2.0), Arrivals(1.0)], scv)
    for law in (Fixed(value=2.0), Uniform(low=2.0, high=2.0)):
        model = WaitModel(servers, AHT, [Arrivals(RATE, law), Arrivals(1.0)], scv)
        assert model.wait_probability() == deadline.wait_probability()
        assert model.abandon_probability(law) == deadline.beyond(2.0)
        assert model.mean_wait(law) == deadline.mean_wait(2.0)
        assert model.mean_wait() == deadline.mean_wait()


def test_the_general_solution_agrees_with_the_closed_form_for_deadlines() -> None:
    """A uniform patience of small width tends to its deadline: the quadrature of the
    general M/M/c+G density meets the closed form of M/M/c+D."""
    deadline = WaitModel(12, AHT, [Arrivals(RATE, 2.0)])
    narrow = Uniform(low=2.0 - 1e-6, high=2.0 + 1e-6)
    model = WaitModel(12, AHT, [Arrivals(RATE, narrow)])
    assert model.abandon_probability(narrow) == pytest.approx(deadline.beyond(2.0), rel=1e-5)
    assert model.mean_wait(narrow) == pytest.approx(deadline.mean_wait(2.0), rel=1e-5)


def test_an_overloaded_pool_with_patience_is_stable_and_does_not_overflow() -> None:
    """500x its capacity with exponential patience of mean 10: the density grows by far
    more than a float holds, yet almost every task leaves, after waiting ~10."""
    patience = Exponential(mean=10.0)
    model = WaitModel(2, 1.0, [Arrivals(1000.0, patience)])
    assert model.stable
    assert model.abandon_probability(patience) == pytest.approx(1 - 2 / 1000, rel=1e-3)
    assert model.mean_wait(patience) == pytest.approx(10.0, rel=1e-2)


def test_items_that_wait_as_long_as_it_takes_still_overload_a_pool() -> None:
    """Patience only helps the items that have it: more lasting work than people is unstable."""
    model = WaitModel(2, 1.0, [Arrivals(5.0, Exponential(mean=1.0)), Arrivals(3.0)])
    assert not model.stable
    assert model.wait_probability() == 1.0
    assert math.isinf(model.mean_wait())


def test_each_waiting_item_draws_its_own_patience_keyed_by_item() -> None:
    """The plan gives the stage a patience stream keyed by item (common random numbers):
    item n's first wait gets the same patience whatever order the items come in."""
    flow = compile_flow(load_text(URGENT))
    forward = Plan(flow, seed=7, replication=0).stages[flow.index["answer"]].patience
    backward = Plan(flow, seed=7, replication=0).stages[flow.index["answer"]].patience
    assert forward is not None and backward is not None
    draws = [forward(case, True) for case in range(5000)]
    assert [backward(case, True) for case in reversed(range(5000))] == draws[::-1]
    mean = sum(draws) / len(draws)
    assert abs(mean - 5.0) < 4 * 5.0 / math.sqrt(len(draws))  # exponential: sd = mean


def test_a_fixed_escalate_after_draws_nothing() -> None:
    """A fixed duration is the same deadline for every item: no random source at all."""
    flow = compile_flow(load_text(URGENT.replace("{exponential: {mean: 5 min}}", "5 min")))
    stage = Plan(flow, seed=7, replication=0).stages[flow.index["answer"]]
    assert stage.patience is None
    assert stage.escalate_after == 5.0


def test_panels_integrate_and_accumulate_smooth_functions_to_rounding() -> None:
    """The 16-point rule is exact for polynomials up to degree 31, and its running
    integral at the nodes for degree 15; a cosine over ten panels is exact to 1e-12."""
    panels = Panels([0.0, 0.5, 2.0, 3.0])
    x = panels.nodes
    assert float(np.sum(panels.weights * x**31)) == pytest.approx(3.0**32 / 32, rel=1e-12)
    assert np.allclose(panels.running(x**15), x**16 / 16, rtol=1e-11, atol=1e-12 * 3.0**16)
    waves = Panels(np.linspace(0.0, 10.0, 11))
    assert np.allclose(waves.running(np.cos(waves.nodes)), np.sin(waves.nodes), atol=1e-12)
    kept = waves.between(2.0, 5.0)
    assert float(np.sum(kept * np.cos(waves.nodes))) == pytest.approx(math.sin(5) - math.sin(2))


def test_an_empirical_patience_of_many_steps_approaches_the_uniform_it_samples() -> None:
    """An empirical patience is a step function, and the axis is cut at its values: 200
    evenly spread values between 0.5 and 3 leave as often as uniform patience there."""
    uniform = Uniform(low=0.5, high=3.0)
    empirical = Empirical(values=[0.5 + 2.5 * (k + 0.5) / 200 for k in range(200)])
    smooth = WaitModel(12, AHT, [Arrivals(RATE, uniform)])
    steps = WaitModel(12, AHT, [Arrivals(RATE, empirical)])
    assert steps.abandon_probability(empirical) == pytest.approx(
        smooth.abandon_probability(uniform), rel=1e-3
    )
    assert steps.mean_wait(empirical) == pytest.approx(smooth.mean_wait(uniform), rel=1e-3)
