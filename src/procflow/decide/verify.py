"""Checking a staffing plan by simulating the whole SOP, and raising heads where it falls short.

The formulas staff each pool and interval as if it were one Erlang queue in a
steady state. The real SOP is not: rework sends items back, escalations land in
another pool, stages share a pool's queue, handling times are not exponential,
and work queued in a busy half-hour is still there in the next one. ``procflow
staff --verify`` turns the plan into each pool's shift calendar (the scheduled
heads, less the pool's shrinkage, are the people working), simulates a week of
the process, and measures every interval's service level: the share of tasks
that started waiting in it and were answered within the target, over the
replications, with a 95% interval.

An interval whose interval estimate lies wholly below its target gets one more
working head, and the week is simulated again: the simulation-based iterative
staffing algorithm (Feldman, Mandelbaum, Massey & Whitt 2008), until every
interval meets its target within its interval estimate or the rounds run out.
The plan then says what the simulation added over the formula, and why.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from procflow.analysis.workload import PoolWork, pool_work
from procflow.decide.staffing import StaffingError, week_intervals
from procflow.model.calendar import DAY_MINUTES, DAYS, WEEK_MINUTES
from procflow.model.forecast import Forecast
from procflow.model.process import Process, RatePeriod
from procflow.model.quantities import convert
from procflow.model.settings import RunSettings, WaitIntervals
from procflow.model.staffing import Resource, scheduled_heads
from procflow.results.estimate import Estimate
from procflow.results.records import Replication
from procflow.results.staffing import (
    IntervalCheck,
    PoolPlan,
    StaffingPlan,
    Verification,
)
from procflow.sim.executor import Executor
from procflow.sim.runner import run_many

#: Rounds of simulation at most (the first checks the formula's plan).
MAX_ROUNDS = 8


def verify_plan(
    process: Process,
    plan: StaffingPlan,
    settings: RunSettings,
    executor: Executor | None = None,
    *,
    max_rounds: int = MAX_ROUNDS,
    progress: Callable[[int, int], None] | None = None,
    forecast: Forecast | None = None,
) -> StaffingPlan:
    """The plan checked by simulation, heads raised where an interval misses its target.

    Each round simulates one week after the warm-up with ``settings.replications``
    replications. Pools without a service-level target, or with teams, keep their
    own staffing and are not checked. A plan made from a ``forecast`` is simulated
    with the forecast's volumes as the arrival schedule of its week; raises
    :class:`StaffingError` when it spans more than a week or its intervals are off
    the interval grid.
    """
    checked = {
        name: pool
        for name, pool in plan.pools.items()
        if pool.targets.get("service_level") is not None and not process.resources[name].teams
    }
    if not checked:
        raise StaffingError(
            "--verify", "no pool has a service-level target to verify (and no teams)"
        )
    simulated, slots = process, list(range(len(next(iter(checked.values())).intervals)))
    if plan.source == "forecast":
        if forecast is None:
            raise StaffingError("--verify", "a forecast's plan is verified with its forecast")
        simulated, slots = forecast_week(process, plan, forecast)
    unit = process.time_unit
    length = convert(plan.interval_minutes, "minute", unit)
    within = tuple((name, float(pool.targets["within"] or 0.0)) for name, pool in checked.items())
    warmup = settings.warmup if math.isfinite(settings.warmup) else 0.0
    week = convert(1.0, "week", unit)
    run = replace(
        settings, warmup=warmup, horizon=warmup + week, wait_intervals=WaitIntervals(length, within)
    )
    heads = {name: [i.required for i in pool.intervals] for name, pool in checked.items()}
    checks: dict[str, list[IntervalCheck]] = {}
    rounds = 0
    for rounds in range(1, max_rounds + 1):
        staffed = staffed_process(simulated, plan, heads, slots)
        runs = run_many([staffed], run, executor, progress).runs[0]
        checks = {name: _checks(runs, name, pool, slots) for name, pool in checked.items()}
        missing = {
            name: [k for k, c in enumerate(found) if not c.met] for name, found in checks.items()
        }
        if not any(missing.values()) or rounds == max_rounds:
            break
        for name, intervals in missing.items():
            for k in intervals:
                heads[name][k] += 1
    converged = all(c.met for found in checks.values() for c in found)
    pools = dict(plan.pools)
    added: dict[str, int] = {}
    for name, pool in checked.items():
        pools[name] = _raised(pool, heads[name], checks[name])
        added[name] = sum(h - i.formula for h, i in zip(heads[name], pool.intervals, strict=True))
    verification = Verification(
        rounds, run.replications, converged, added, _reasons(process, plan, added)
    )
    return replace(plan, pools=pools, verification=verification)


def staffed_process(
    process: Process,
    plan: StaffingPlan,
    heads: dict[str, list[int]],
    slots: Sequence[int] | None = None,
) -> Process:
    """The process with each pool in ``heads`` on the plan's shifts: per interval its
    scheduled heads (the working ``heads`` plus shrinkage); interval ``k`` is the
    ``slots[k]``-th interval of the week (default: the k-th)."""
    resources = dict(process.resources)
    for name, working in heads.items():
        resource = process.resources[name]
        paid = [scheduled_heads(h, resource.shrinkage) for h in working]
        if slots is not None and plan.source != "steady":
            week = [0] * int(WEEK_MINUTES // plan.interval_minutes)
            for k, slot in enumerate(slots):
                week[slot] = paid[k]
            paid = week
        keep: dict[str, Any] = {
            "shrinkage": resource.shrinkage,
            "cost_per_hour": resource.cost_per_hour,
            "description": resource.description,
        }
        if plan.source == "steady":
            resources[name] = Resource.model_validate({**keep, "count": paid[0]})
        else:
            shifts = _shifts(paid, plan.interval_minutes)
            staffing = {"calendar": shifts} if shifts else {"count": 0}
            resources[name] = Resource.model_validate({**keep, **staffing})
    return process.model_copy(update={"resources": resources})


def _shifts(paid: list[int], minutes: float) -> list[dict[str, Any]]:
    """One shift per run of equal heads within a day (none for intervals with nobody)."""
    shifts: list[dict[str, Any]] = []
    per_day = int(DAY_MINUTES // minutes)
    for day in range(7):
        k = 0
        while k < per_day:
            count = paid[day * per_day + k]
            end = k
            while end + 1 < per_day and paid[day * per_day + end + 1] == count:
                end += 1
            if count > 0:
                hours = f"{_clock(k * minutes)}-{_clock((end + 1) * minutes)}"
                shifts.append({"days": DAYS[day], "hours": hours, "count": count})
            k = end + 1
    return shifts


def _clock(minute: float) -> str:
    whole = int(minute)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def forecast_week(
    process: Process, plan: StaffingPlan, forecast: Forecast
) -> tuple[Process, list[int]]:
    """The process with the forecast's volumes as each stream's schedule, and the slot of
    the week (Monday 00:00 first) of each of the plan's intervals."""
    intervals = week_intervals(process, plan.interval_minutes, forecast)
    minutes = plan.interval_minutes
    per_day = int(DAY_MINUTES // minutes)
    first = datetime.fromisoformat(intervals.labels[0])
    slots = []
    for label in intervals.labels:
        moment = datetime.fromisoformat(label)
        minute = moment.weekday() * DAY_MINUTES + moment.hour * 60 + moment.minute
        if moment - first >= timedelta(weeks=1) or minute % minutes:
            raise StaffingError(
                "--verify",
                f"the forecast's intervals must lie within one week and start on the "
                f"{minutes:g}-minute grid ({label} does not)",
            )
        slots.append(int(minute // minutes))
    arrivals = []
    context = {"time_unit": process.time_unit}
    for j, arrival in enumerate(process.arrivals):
        schedule = [
            RatePeriod.model_validate(
                {
                    "days": DAYS[slot // per_day],
                    "hours": f"{_clock(slot % per_day * minutes)}-"
                    f"{_clock((slot % per_day + 1) * minutes)}",
                    "rate": rates[j],
                },
                context=context,
            )
            for slot, rates in zip(slots, intervals.rates, strict=True)
            if rates[j] > 0
        ]
        update = {"schedule": schedule, "rate": 0.0, "every": None, "batch": None}
        arrivals.append(arrival.model_copy(update=update))
    return process.model_copy(update={"arrivals": arrivals}), slots


def _checks(
    runs: list[Replication], pool: str, plan: PoolPlan, slots: Sequence[int]
) -> list[IntervalCheck]:
    """Per interval, the simulated service level over the replications, against its target."""
    target = float(plan.targets["service_level"] or 0.0)
    found = []
    for slot in slots:
        shares = []
        tasks = 0.0
        for replication in runs:
            counted, met = replication.by_interval.get(pool, ([], []))
            if slot < len(counted) and counted[slot] > 0:
                shares.append(met[slot] / counted[slot])
                tasks += counted[slot]
        if not shares:
            found.append(IntervalCheck(Estimate(math.nan, math.nan, math.nan, 0), True, 0.0))
            continue
        level = Estimate.of(shares)
        top = level.high if math.isfinite(level.high) else level.mean
        found.append(IntervalCheck(level, top >= target, tasks / len(runs)))
    return found


def _raised(pool: PoolPlan, heads: list[int], checks: list[IntervalCheck]) -> PoolPlan:
    intervals = []
    for interval, h, check in zip(pool.intervals, heads, checks, strict=True):
        changes: dict[str, Any] = {"check": check}
        if h != interval.required:
            changes.update(
                required=h,
                scheduled=scheduled_heads(h, pool.shrinkage),
                occupancy=interval.offered_load / h if h else interval.occupancy,
                method="simulation",
                binding="simulated service level",
            )
        intervals.append(replace(interval, **changes))
    return replace(pool, intervals=tuple(intervals))


def _reasons(process: Process, plan: StaffingPlan, added: dict[str, int]) -> list[str]:
    """Why the simulation needed more heads than the formula, pool by pool."""
    if not any(added.values()):
        return ["the formula's plan met every interval's target: the simulation added nothing"]
    work = pool_work(process)
    reasons: list[str] = []
    for name, count in added.items():
        if count > 0:
            reasons.extend(f"{name}: {why}" for why in _why(process, work[name], plan))
    return reasons


def _why(process: Process, work: PoolWork, plan: StaffingPlan) -> list[str]:
    found = []
    mine = {s.stage for s in work.stages}
    for name, source in process.stages.items():
        if source.escalate_to in mine and source.resource != work.pool:
            found.append(
                f"escalations from {name} arrive when {source.resource} is busiest, not evenly"
            )
    again = [s for s in work.stages if s.visits > 1 + 1e-9]
    for stage in again:
        found.append(
            f"rework or routing brings items back to {stage.stage} "
            f"({stage.visits:.2f} visits per item), in bursts the averages hide"
        )
    if len(work.stages) > 1:
        names = ", ".join(s.stage for s in work.stages)
        found.append(f"{len(work.stages)} stages share its queue ({names})")
    varied = [s for s in work.stages if abs(s.service_scv - 1) > 0.05]
    for stage in varied:
        found.append(
            f"handling times at {stage.stage} are not exponential (squared CV "
            f"{stage.service_scv:.2f}), as Erlang's formulas assume"
        )
    if plan.source == "schedule":
        found.append(
            f"work queued in a busier interval is still waiting in the next one (staffing "
            f"changes every {plan.interval_minutes:g} min; the formulas treat each alone)"
        )
    return found
