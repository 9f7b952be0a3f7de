"""The simulator against queueing theory: M/M/1, M/M/c, a tandem line, a Jackson network.

Tolerances come from the run, not from taste: each check asserts that the
theoretical value lies within four standard errors of the mean over
replications (a false alarm has odds of about 1 in 15,000), and that the
run was long enough for this to mean something (the standard error is below
2% of the value checked).

Each horizon is the shortest whose least precise check has a standard error of
about 1% of its value (measured over the 20 replications, with the standard error
falling as one over the root of the horizon): the 2% bound then holds with a wide
margin, and every check still fails on a deviation of 4-5% or more from theory.
"""

from __future__ import annotations

import math

import pytest

from models import JACKSON, load_text
from procflow.analysis import analyze, erlang_c
from procflow.model.process import Process
from procflow.model.settings import RunSettings
from procflow.results import Estimate
from procflow.sim.runner import run_replications, summarize_runs

REPLICATIONS = 20
SIGMAS = 4.0
MAX_RELATIVE_SE = 0.02


def simulate(process: Process, horizon: float, warmup: float) -> dict[str, Estimate]:
    settings = RunSettings(horizon=horizon, warmup=warmup, replications=REPLICATIONS, seed=2024)
    runs = run_replications(process, settings, jobs=2)
    return summarize_runs(process, settings, runs).kpis


def assert_agrees(estimate: Estimate, theory: float) -> None:
    se = estimate.se
    assert se < MAX_RELATIVE_SE * abs(theory), f"run too short: se={se:.4g} for {theory:.4g}"
    assert abs(estimate.mean - theory) <= SIGMAS * se, (
        f"simulated {estimate.mean:.4g} ± {se:.3g}, theory {theory:.4g}"
    )


MM1 = """
process: mm1
time_unit: minute
arrivals: [{name: jobs, rate: 0.7}]
resources: {server: {count: 1}}
stages:
  serve: {resource: server, duration: {exponential: 1}, next: done}
  done: {end: true}
"""


def test_mm1_time_in_system_and_utilization():
    """M/M/1 with rho = 0.7: mean time in system 1/(mu - lambda), utilization rho."""
    kpis = simulate(load_text(MM1), horizon=25_000, warmup=1_000)
    assert_agrees(kpis["cycle_time.mean"], 1 / (1 - 0.7))
    assert_agrees(kpis["resources.server.utilization"], 0.7)
    # waiting times are exponential given a wait: P(W <= t) = 1 - rho e^{-(mu-lambda) t}
    assert_agrees(kpis["cycle_time.p90"], math.log(10) / (1 - 0.7))


MMC = """
process: mmc
time_unit: minute
arrivals: [{name: jobs, rate: 2.4}]
resources: {agents: {count: 3}}
stages:
  serve: {resource: agents, duration: {exponential: 1}, next: done}
  done: {end: true}
"""


def test_mmc_matches_erlang_c():
    """M/M/3 at 80%: mean wait C(3, 2.4) / (c mu - lambda) from Erlang C."""
    kpis = simulate(load_text(MMC), horizon=15_000, warmup=500)
    wait = erlang_c(3, 2.4) / (3 - 2.4)
    assert_agrees(kpis["stages.serve.waiting_time"], wait)
    assert_agrees(kpis["cycle_time.mean"], wait + 1)
    assert_agrees(kpis["resources.agents.utilization"], 0.8)


TANDEM = """
process: tandem
time_unit: minute
arrivals: [{name: jobs, rate: 0.5}]
resources: {first: {count: 1}, second: {count: 1}}
stages:
  one: {resource: first, duration: {exponential: 1}, next: two}
  two: {resource: second, duration: {exponential: 1.5}, next: done}
  done: {end: true}
"""


def test_tandem_line_adds_two_mm1_queues():
    """Two M/M/1 stations in series: 1/(1 - 0.5) + 1/(1/1.5 - 0.5) = 2 + 6 minutes."""
    kpis = simulate(load_text(TANDEM), horizon=40_000, warmup=2_000)
    assert_agrees(kpis["cycle_time.mean"], 2 + 6)


def jackson_theory() -> tuple[float, float, float]:
    """Visits, and the mean time per visit at each station, of the rework network JACKSON.

    Rework clears the defect and labelling draws a new one, so each pass returns
    with probability 0.4 * 0.5 = 0.2, independently: an open Jackson network.
    """
    visits = 1 / (1 - 0.2)
    lam = 1 * visits
    a = lam * 1.2  # offered load on the two annotators
    label = erlang_c(2, a) * 1.2 / (2 - a) + 1.2
    review = 1 / (1 / 0.6 - lam)
    return visits, label, review


@pytest.fixture(scope="module")
def jackson_kpis() -> dict[str, Estimate]:
    return simulate(load_text(JACKSON), horizon=18_000, warmup=1_000)


def test_jackson_network_with_rework_loop(jackson_kpis):
    """Open Jackson network with a rework loop: visits, utilization, time in system."""
    visits, label, review = jackson_theory()
    kpis = jackson_kpis
    assert_agrees(kpis["stages.label.visits"], visits)
    assert_agrees(kpis["resources.annotators.utilization"], visits * 1.2 / 2)
    assert_agrees(kpis["resources.reviewer.utilization"], visits * 0.6)
    assert_agrees(kpis["cycle_time.mean"], visits * (label + review))


def test_littles_law(jackson_kpis):
    """L = lambda W: time-average work in progress equals throughput times mean cycle time."""
    kpis = jackson_kpis
    per_minute = kpis["throughput_per_hour"].mean / 60
    assert_agrees(kpis["wip"], per_minute * kpis["cycle_time.mean"].mean)


def test_analysis_agrees_with_simulation_on_jackson():
    """``procflow analyze`` gives the same utilizations and visits as the simulation."""
    capacity = analyze(load_text(JACKSON))
    visits, label, review = jackson_theory()
    assert capacity.stages["label"].visits == pytest.approx(visits, rel=1e-9)
    assert capacity.pools["annotators"].utilization == pytest.approx(visits * 1.2 / 2, rel=1e-9)
    assert capacity.mean_cycle_time == pytest.approx(visits * (label + review), rel=1e-6)


MMC_DEADLINE = """
process: mmc-deadline
time_unit: minute
arrivals: [{name: jobs, rate: 2.7}]
resources: {agents: {count: 3}, seniors: {count: 10}}
stages:
  serve:
    resource: agents
    duration: {exponential: 1}
    escalate_after: 1.5 min
    escalate_to: senior
    next: done
  senior: {resource: seniors, duration: {exponential: 1}, next: done}
  done: {end: true}
"""


def test_escalation_after_a_deadline_matches_mmc_plus_d():
    """M/M/3 at 90% where a task that has waited 1.5 minutes escalates (M/M/c+D).

    The virtual waiting time V has density K·exp(-(cμ - λ)v) below the deadline and
    K·exp(-(cμ - λ)T - cμ(v - T)) above it; a task escalates when V >= T. The
    analysis's share, its mean wait of the tasks (the escalated ones waited T), and
    the load left for the escalation target all agree with the simulation.
    """
    lam, mu, c, deadline = 2.7, 1.0, 3, 1.5
    # the closed form, independent of procflow's code
    idle = sum((lam / mu) ** n / math.factorial(n) for n in range(c))
    below = (1 - math.exp(-(c * mu - lam) * deadline)) / (c * mu - lam)
    above = math.exp(-(c * mu - lam) * deadline) / (c * mu)
    k = lam / (idle * math.factorial(c - 1) / (lam / mu) ** (c - 1) + lam * (below + above))
    escalated = k * above
    capacity = analyze(load_text(MMC_DEADLINE))
    assert capacity.stages["serve"].escalated == pytest.approx(escalated, rel=1e-9)
    assert capacity.stages["senior"].visits == pytest.approx(escalated, rel=1e-9)
    kpis = simulate(load_text(MMC_DEADLINE), horizon=8_000, warmup=500)
    assert_agrees(kpis["stages.serve.escalated"], escalated)
    assert_agrees(kpis["stages.serve.waiting_time"], capacity.stages["serve"].mean_wait)
