"""Records of many variants of one process: sweep points and staffing plans.

A sweep simulates the same process under a grid of changes; an optimization
searches staffing plans for the cheapest one that meets every SLA. Each point or
plan keeps its changes, its process, and its results (or why it could not run).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

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

    def __post_init__(self) -> None:
        if self.process is not None and math.isnan(self.cost_per_hour):
            self.cost_per_hour = staff_cost(self.process)

    @property
    def feasible(self) -> bool:
        """Keeps up, and every SLA met."""
        r = self.results
        return r is not None and r.stable and all(s.met for s in r.slas)


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


@dataclass
class Candidate:
    """A staffing plan, its price, and what the analysis and simulation said of it."""

    counts: dict[str, int]
    cost_per_hour: float
    max_utilization: float
    point: SweepPoint | None = None

    @property
    def changes(self) -> dict[str, Any]:
        """The plan as scenario changes."""
        return {f"resources.{pool}.count": n for pool, n in self.counts.items()}

    def passes(self, ceiling: float | None) -> bool:
        """Simulated: keeps up, every SLA met, and every searched pool under the ceiling."""
        if self.point is None or not self.point.feasible or self.point.results is None:
            return False
        if ceiling is None:
            return True
        kpis = self.point.results.kpis
        return all(kpis[f"resources.{p}.utilization"].mean <= ceiling for p in self.counts)


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
