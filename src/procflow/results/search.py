"""Records of many variants of one process: sweep points and staffing plans.

A sweep simulates the same process under a grid of changes; an optimization
searches staffing plans for the cheapest one that meets every SLA. Each point or
plan keeps its changes, its process, and its results (or why it could not run).
A plan *passes* only when the intervals say so: every SLA's attainment has its
lower bound at or above the target; a plan whose interval straddles a target is
*undecided* (more replications decide it), not a pass or a fail.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from procflow.model.process import Process
from procflow.results.records import Results


def staff_cost(process: Process) -> float:
    """Paid staff cost per hour: people on duty (averaged over the week) times their rate."""
    return sum(r.mean_staff * r.cost_per_hour for r in process.resources.values())


@dataclass
class SweepPoint:
    """One point of a sweep: its changes, and its results (or why it could not run)."""

    changes: dict[str, Any]
    process: Process | None
    results: Results | None
    error: str | None = None
    #: paid staff cost per hour (NaN when the point's process could not be built)
    cost_per_hour: float = math.nan
    #: whether it meets the process's quality target (None: judged from the process)
    target_met: bool | None = None

    def __post_init__(self) -> None:
        if self.process is not None and math.isnan(self.cost_per_hour):
            self.cost_per_hour = staff_cost(self.process)

    @property
    def feasible(self) -> bool:
        """Keeps up, and the intervals say every SLA and the quality target are met (not
        merely their means)."""
        r = self.results
        met = r is not None and r.stable and all(s.outcome == "met" for s in r.slas)
        return met and self.meets_target

    @property
    def meets_target(self) -> bool:
        """Every limit of the process's quality target is above its KPI's 95% interval."""
        if self.target_met is not None:
            return self.target_met
        truth = self.process.truth if self.process is not None else None
        if truth is None or truth.target is None:
            return True
        if self.results is None:
            return False
        kpis = self.results.kpis
        return all(key in kpis and kpis[key].high <= most for key, most in truth.target.limits())

    @property
    def busy_cost_per_hour(self) -> float:
        """The staff cost of the work itself: busy people times their cost per hour (what
        a threshold that sends less work to people saves)."""
        if self.process is None or self.results is None:
            return math.nan
        kpis = self.results.kpis
        return sum(
            kpis[f"resources.{name}.busy"].mean * pool.cost_per_hour
            for name, pool in self.process.resources.items()
            if f"resources.{name}.busy" in kpis
        )


def cheapest(points: list[SweepPoint]) -> int | None:
    """The index of the cheapest feasible point: by staff cost, then by the cost of the
    busy time (thresholds that send less work to people); the first feasible one if none
    is priced."""
    feasible = [i for i, p in enumerate(points) if p.feasible]
    priced = [i for i in feasible if math.isfinite(points[i].cost_per_hour)]
    if not priced:
        return feasible[0] if feasible else None

    def busy(i: int) -> float:
        cost = points[i].busy_cost_per_hour
        return cost if math.isfinite(cost) else math.inf

    return min(priced, key=lambda i: (points[i].cost_per_hour, busy(i)))


@dataclass
class Sweep:
    """A sweep: its points in grid order, the first axis varying slowest."""

    process: str
    settings: dict[str, Any]
    points: list[SweepPoint]

    @property
    def axes(self) -> list[str]:
        """The paths swept, in the order given."""
        return list(self.points[0].changes) if self.points else []


#: What the simulation decides of a plan.
PlanDecision = Literal["passes", "fails", "undecided"]
#: What an optimization minimises: staff cost, or heads when no pool has a cost.
Objective = Literal["cost", "heads"]


@dataclass
class Candidate:
    """A staffing plan, its price, and what the analysis and simulation said of it."""

    #: heads per lever: a pool's count, a calendar's heads, or a team's (``pool.team``)
    counts: dict[str, int]
    cost_per_hour: float
    max_utilization: float
    point: SweepPoint | None = None
    #: the scenario changes of the plan, when they are not just counts (calendars, teams)
    plan_changes: dict[str, Any] = field(default_factory=dict)
    #: the pools the plan changes, when its levers are not pools (teams)
    pools: tuple[str, ...] = ()

    @property
    def changes(self) -> dict[str, Any]:
        """The plan as scenario changes."""
        if self.plan_changes:
            return dict(self.plan_changes)
        return {f"resources.{pool}.count": n for pool, n in self.counts.items()}

    @property
    def heads(self) -> int:
        """People in the searched pools."""
        return sum(self.counts.values())

    def decision(self, ceiling: float | None) -> PlanDecision:
        """``passes``: keeps up, every searched pool under the ceiling, and every SLA's
        interval at or above its target; ``undecided``: an interval straddles a target;
        ``fails`` otherwise (not simulated, a queue grows, an SLA surely missed)."""
        results = self.point.results if self.point is not None else None
        if results is None or not results.stable:
            return "fails"
        kpis = results.kpis
        if ceiling is not None and any(
            kpis[f"resources.{p}.utilization"].mean > ceiling for p in self.pools or self.counts
        ):
            return "fails"
        decisions = {s.outcome for s in results.slas}
        if "missed" in decisions:
            return "fails"
        return "undecided" if "undecided" in decisions else "passes"

    def passes(self, ceiling: float | None) -> bool:
        """Simulated, and the intervals say it meets every SLA (see :meth:`decision`)."""
        return self.decision(ceiling) == "passes"


@dataclass
class Optimization:
    """The search's answer: the best plan (if any), the runners-up, and what was tried."""

    process: str
    settings: dict[str, Any]
    best: Candidate | None
    runners_up: list[Candidate]
    simulated: list[Candidate]
    total: int
    pruned: int
    baseline_cost_per_hour: float
    max_utilization: float | None = None
    notes: list[str] = field(default_factory=list)
    #: staff cost, or heads when no pool has a cost per hour
    objective: Objective = "cost"
    #: plans cheaper than the best (or any, without one) whose SLA intervals straddle a target
    undecided: list[Candidate] = field(default_factory=list)
