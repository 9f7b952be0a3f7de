"""A staffing plan: heads per pool and interval, and what each number rests on.

``procflow staff`` returns a :class:`StaffingPlan`: for every pool, one
:class:`IntervalPlan` per interval (a half-hour of the week, or of a forecast)
with the offered load, the **required** working heads, the **scheduled** (paid)
heads after shrinkage, what those heads give (service level, mean wait,
occupancy, abandonment) and the method that produced the number. With
``--verify`` a simulation of the whole process checks each interval
(:class:`IntervalCheck`): its own service level with a 95% interval, and the
heads the simulation added over the formula.

:meth:`StaffingPlan.to_json` is the documented, stable JSON (docs/staffing.md):
within a ``format_version`` keys are only added.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from procflow.results.estimate import Estimate
from procflow.results.jsonio import json_ready

#: Version of the staffing JSON; only additions within a version.
STAFFING_FORMAT_VERSION = 1

#: Where the intervals' volumes came from.
VolumeSource = Literal["forecast", "schedule", "steady"]


@dataclass(frozen=True)
class IntervalCheck:
    """What the simulation measured in one interval of a verified plan."""

    service_level: Estimate  #: share answered within the target wait, over replications
    met: bool  #: the target is within the interval estimate (or no work to measure)
    tasks: float  #: tasks that started waiting in the interval, per replication


@dataclass(frozen=True)
class IntervalPlan:
    """One pool's staffing in one interval."""

    start: str  #: ISO date-time (with a forecast) or the week's ``mon 09:00``
    end: str  #: the next interval's start, written the same way
    minutes: float  #: the interval's length
    arrivals: float  #: tasks joining the pool's queue in the interval
    offered_load: float  #: busy people the work needs (Erlangs)
    required: int  #: working heads
    scheduled: int  #: paid heads: ⌈required / (1 − shrinkage)⌉
    service_level: float  #: share answered within the target wait (NaN: no such target)
    occupancy: float
    asa: float  #: mean wait in queue, in the process's time unit
    abandon: float  #: share leaving after their patience (NaN: no patience)
    method: str  #: erlang_c, erlang_a, modified_offered_load, back_office, no_work, simulation
    binding: str  #: the target that set the number
    formula: int  #: the heads the formula required (``required`` may be more after --verify)
    check: IntervalCheck | None = None


@dataclass(frozen=True)
class PoolPlan:
    """A pool's targets and its intervals."""

    name: str
    shrinkage: float
    targets: dict[str, float | None]  #: service_level, within, mean_wait, occupancy, abandon
    target_source: str  #: "options", "sla: <name>" or "none"
    intervals: tuple[IntervalPlan, ...]

    @property
    def peak(self) -> IntervalPlan | None:
        """The interval needing the most heads."""
        return max(self.intervals, key=lambda i: i.required, default=None)


@dataclass(frozen=True)
class Verification:
    """How the simulation checked the plan: rounds, runs, and what it added."""

    rounds: int  #: simulations run (the first checks the formula's plan)
    replications: int  #: per round
    converged: bool  #: every interval met its target within its interval estimate
    added: dict[str, int]  #: heads added per pool, summed over intervals
    reasons: list[str] = field(default_factory=list)  #: why the simulation needed more


@dataclass(frozen=True)
class StaffingPlan:
    """Heads per pool and interval for a process."""

    process: str
    time_unit: str
    interval_minutes: float
    source: VolumeSource
    pools: dict[str, PoolPlan]
    notes: list[str] = field(default_factory=list)
    verification: Verification | None = None

    def to_json(self) -> dict[str, Any]:
        """The plan as ``procflow staff --format json`` prints it (null for inf/NaN)."""
        pools = {}
        for name, pool in self.pools.items():
            pools[name] = {
                "shrinkage": pool.shrinkage,
                "targets": dict(pool.targets),
                "target_source": pool.target_source,
                "peak_required": pool.peak.required if pool.peak else 0,
                "peak_scheduled": max((i.scheduled for i in pool.intervals), default=0),
                "intervals": [_interval_json(i) for i in pool.intervals],
            }
        verification = asdict(self.verification) if self.verification else None
        return json_ready(  # type: ignore[no-any-return]
            {
                "kind": "staffing",
                "format_version": STAFFING_FORMAT_VERSION,
                "process": self.process,
                "time_unit": self.time_unit,
                "interval_minutes": self.interval_minutes,
                "source": self.source,
                "pools": pools,
                "verification": verification,
                "notes": list(self.notes),
            }
        )


def _interval_json(interval: IntervalPlan) -> dict[str, Any]:
    entry = {k: v for k, v in asdict(interval).items() if k != "check"}
    if interval.check is not None:
        level = interval.check.service_level
        entry["simulated"] = {
            "service_level": level.mean,
            "low": level.low,
            "high": level.high,
            "met": interval.check.met,
            "tasks": interval.check.tasks,
        }
    return entry
