"""Is the run long enough? The precision of the headline KPIs, and the replications it needs.

A PM asks for "5%": every headline KPI (the ones every table shows) must have a
95% interval whose half-width is within 5% of its mean. Two kinds of KPI need a
rule of their own:

- a KPI that is exactly zero in every replication (no cost given, no defect
  possible) is exact, and is skipped;
- a KPI whose mean is near zero (a stage where nobody waits, a rare escalation)
  would need thousands of replications to pin down to 5% of almost nothing. Its
  half-width is compared with 5% of a *floor* instead of its mean, when the mean
  is below that floor: 1 percentage point for shares, 1 minute for durations, 0.1
  for counts and per-item rates, 0.01 for money. A wait of 6 seconds is then
  precise enough once its half-width is under 3 seconds.

The half-width shrinks like one over the square root of the replications, so the
replications a KPI needs are predicted from the ones run so far
(:meth:`~procflow.results.estimate.Estimate.replications_for`); the run adds a
batch that brings the widest KPI to the target, and checks again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from procflow.model.quantities import TimeUnit, convert, counted
from procflow.results.catalogue import UnitKind, headline_keys, lookup
from procflow.results.estimate import Estimate

#: Below these means (in the KPI's own unit; durations in minutes) the precision is
#: taken of the floor instead of the mean.
FLOORS: dict[UnitKind, float] = {"share": 0.01, "duration": 1.0, "number": 0.1, "money": 0.01}


@dataclass(frozen=True)
class Precision:
    """How precise the headline KPIs of a run are, against the precision asked for."""

    #: the relative half-width asked for (0.05 = 5%)
    target: float
    #: replications run, and the cap
    replications: int
    max_replications: int
    #: the KPI furthest from the target (its catalogue key; "" when every KPI is exact)
    widest: str
    #: its half-width as a share of its mean (or of its floor)
    widest_relative: float
    #: replications that would bring every headline KPI to the target (predicted)
    needed: int

    @property
    def reached(self) -> bool:
        """Whether every headline KPI's interval is within the target."""
        return self.widest_relative <= self.target

    def describe(self) -> str:
        """``stopped after 87 replications: every headline KPI within ±5% of its mean``."""
        target = f"±{self.target * 100:.3g}%"
        runs = counted(self.replications, "replication")
        if self.reached:
            return f"stopped after {runs}: every headline KPI within {target} of its mean"
        label = lookup(self.widest).label if self.widest else "a KPI"
        return (
            f"stopped at the cap of {runs}, short of {target}: {label} "
            f"is ±{self.widest_relative:.1%}; about {self.needed:,} would be needed (raise "
            "--max-replications)"
        )

    def to_dict(self) -> dict[str, Any]:
        """The record as the JSON documents hold it."""
        return {
            "target": self.target,
            "reached": self.reached,
            "replications": self.replications,
            "max_replications": self.max_replications,
            "widest": self.widest or None,
            "widest_relative": self.widest_relative,
            "needed": self.needed,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Precision:
        """The record back from :meth:`to_dict`."""
        widest = data.get("widest_relative")
        return cls(
            float(data.get("target") or 0.0),
            int(data.get("replications") or 0),
            int(data.get("max_replications") or 0),
            str(data.get("widest") or ""),
            math.inf if widest is None else float(widest),
            int(data.get("needed") or 0),
        )


def judged(key: str, estimate: Estimate, time_unit: TimeUnit) -> Estimate:
    """The estimate whose precision counts: itself, or its interval moved onto the KPI's
    floor when its mean is nearer zero than the floor."""
    kind = lookup(key).kpi.unit
    floor = convert(FLOORS[kind], "minute", time_unit) if kind == "duration" else FLOORS[kind]
    if abs(estimate.mean) >= floor or estimate.half_width == 0:
        return estimate
    half = estimate.half_width
    return replace(estimate, mean=floor, low=floor - half, high=floor + half)


def measure(
    estimates: Mapping[str, Estimate],
    pools: Iterable[str],
    stages: Iterable[str],
    time_unit: TimeUnit,
    target: float,
    max_replications: int,
) -> Precision:
    """The precision of the headline KPIs among ``estimates`` (by catalogue key)."""
    n = max((e.n for e in estimates.values()), default=0)
    widest, worst, needed = "", 0.0, n
    for value in headline_keys(estimates, pools, stages):
        if estimates[value.key].n == 0:
            continue  # measured in no replication (no item delivered)
        estimate = judged(value.key, estimates[value.key], time_unit)
        error = estimate.relative_half_width
        error = math.inf if math.isnan(error) else error  # one replication: no interval yet
        if error > worst:
            widest, worst = value.key, error
        if error > target:
            needed = max(needed, estimate.replications_for(target))
    return Precision(target, n, max_replications, widest, worst, needed)
