"""How many people per pool and interval: the staffing plan of ``procflow staff``.

The volumes per interval come from a forecast file
(:mod:`procflow.model.forecast`), else from the arrival streams' ``schedule``
(a week of intervals), else from their steady rates (one interval). The traffic
analysis turns items into each pool's tasks, rework and routing included
(:mod:`procflow.analysis.workload`); the formulas of
:mod:`procflow.analysis.staffing` give the required working heads for the
targets, and shrinkage the scheduled ones.

The targets of a pool are the options (``--service-level 80% --within 20s``,
``--max-wait``, ``--occupancy-cap``, ``--max-abandon``), else the process's first
waiting-time SLA on a stage of the pool (``90% within 4 hours`` is a service
level of 90% within 4 hours). A cycle-time SLA spans many queues: it is for the
simulation (``--verify``) to check, and the plan says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from pydantic_core import PydanticCustomError

from procflow.analysis.staffing import (
    Demand,
    Requirement,
    Targets,
    back_office,
    back_office_heads,
    back_office_loads,
    lagged,
    modified_offered_loads,
    required_heads,
)
from procflow.analysis.workload import PoolWork, pool_work
from procflow.lint.runner import refuse_broken
from procflow.model.calendar import DAY_MINUTES, DAYS, WEEK_MINUTES, WeeklyProfile
from procflow.model.forecast import Forecast
from procflow.model.process import Arrival, Process
from procflow.model.quantities import TimeUnit, convert, parse_duration
from procflow.model.settings import SettingsError, percent_share
from procflow.model.staffing import scheduled_heads
from procflow.results.staffing import IntervalPlan, PoolPlan, StaffingPlan, VolumeSource


class StaffingError(ValueError):
    """A plan that cannot be made from these inputs; ``option`` names the culprit."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option = option
        self.message = message


@dataclass(frozen=True)
class StaffingOptions:
    """What the planner asks for; times in the process's time unit, shares from 0 to 1."""

    interval_minutes: float = 30.0
    service_level: float | None = None
    within: float | None = None
    mean_wait: float | None = None
    occupancy: float | None = None
    abandon: float | None = None

    @classmethod
    def parse(
        cls,
        process: Process,
        *,
        interval: str | None = None,
        service_level: str | None = None,
        within: str | None = None,
        max_wait: str | None = None,
        occupancy_cap: str | None = None,
        max_abandon: str | None = None,
    ) -> StaffingOptions:
        """The options as a PM writes them: ``30min``, ``80%``, ``20s``, ``0.85``.

        Raises :class:`StaffingError` naming the option that cannot be read, and for a
        service level without ``--within`` (or the other way round).
        """
        if (service_level is None) != (within is None):
            raise StaffingError(
                "--within" if within is None else "--service-level",
                "give --service-level and --within together: 80% within 20s",
            )
        unit = process.time_unit
        return cls(
            interval_minutes=_duration("--interval", interval or "30min", "minute"),
            service_level=_share("--service-level", service_level),
            within=_duration("--within", within, unit) if within is not None else None,
            mean_wait=_duration("--max-wait", max_wait, unit) if max_wait is not None else None,
            occupancy=_share("--occupancy-cap", occupancy_cap),
            abandon=_share("--max-abandon", max_abandon),
        )


def _duration(option: str, text: str, unit: TimeUnit) -> float:
    try:
        return parse_duration(text, unit)
    except PydanticCustomError as exc:
        raise StaffingError(option, exc.message()) from None


def _share(option: str, text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return percent_share(option, text)
    except SettingsError as exc:
        raise StaffingError(option, exc.message) from None


@dataclass(frozen=True)
class Intervals:
    """The intervals of a plan and each arrival stream's rate in them (per time unit)."""

    labels: tuple[str, ...]
    ends: tuple[str, ...]
    rates: tuple[tuple[float, ...], ...]  #: per interval, one rate per stream
    minutes: float  #: the length of each interval
    source: VolumeSource

    @property
    def periodic(self) -> bool:
        """Whether the intervals are a week that repeats (not a forecast's dates)."""
        return self.source != "forecast"


def plan_staffing(
    process: Process, options: StaffingOptions, forecast: Forecast | None = None
) -> StaffingPlan:
    """The staffing plan of a process: per pool and interval, required and scheduled heads.

    Raises :class:`~procflow.diagnostics.LintError` for a process with lint errors, and
    :class:`StaffingError` for an interval that does not divide a day, or a process
    whose work per item is infinite (a loop that never ends: lint says where).
    """
    refuse_broken(process)
    intervals = week_intervals(process, options.interval_minutes, forecast)
    try:
        work = pool_work(process)
    except ValueError as exc:
        raise StaffingError("PROCESS", str(exc)) from None
    length = convert(intervals.minutes, "minute", process.time_unit)
    notes = _notes(process, intervals)
    pools: dict[str, PoolPlan] = {}
    for name, pool in work.items():
        if not pool.stages:
            continue
        targets, source = pool_targets(process, name, options)
        found = _pool_intervals(pool, intervals, targets, length)
        shrinkage = process.resources[name].shrinkage
        plans = tuple(
            _interval_plan(label, end, intervals.minutes, requirement, arrivals, shrinkage)
            for label, end, (requirement, arrivals) in zip(
                intervals.labels, intervals.ends, found, strict=True
            )
        )
        pools[name] = PoolPlan(name, shrinkage, _targets_json(targets), source, plans)
        if source == "none":
            notes.append(
                f"{name} has no target: its heads only keep up with the work; give "
                "--service-level and --within, or a waiting_time SLA on one of its stages"
            )
    return StaffingPlan(
        process.name, process.time_unit, intervals.minutes, intervals.source, pools, notes
    )


def week_intervals(process: Process, minutes: float, forecast: Forecast | None = None) -> Intervals:
    """The intervals of the plan: the forecast's, the schedule's week, or one steady one."""
    if minutes <= 0 or DAY_MINUTES % minutes:
        raise StaffingError("--interval", f"{minutes:g} min does not divide a day; try 30min")
    unit = process.time_unit
    length = convert(minutes, "minute", unit)
    if forecast is not None:
        step = timedelta(minutes=minutes)
        row_length = forecast.interval or step
        labels: list[str] = []
        rates: list[tuple[float, ...]] = []
        moment, end = forecast.start, forecast.end(row_length)
        while moment < end:
            volumes = (
                forecast.volume(a.name, moment, moment + step, row_length) for a in process.arrivals
            )
            labels.append(moment.isoformat(timespec="minutes"))
            rates.append(tuple(v / length for v in volumes))
            moment += step
        ends = (*labels[1:], moment.isoformat(timespec="minutes"))
        return Intervals(tuple(labels), tuple(ends), tuple(rates), minutes, "forecast")
    steady = all(a.batch is None and a.rate_profile().is_constant for a in process.arrivals)
    if steady:
        rates_now = tuple(a.rate_per_unit for a in process.arrivals)
        return Intervals(
            ("mon 00:00",), ("mon 00:00",), (rates_now,), float(WEEK_MINUTES), "steady"
        )
    starts = [k * minutes for k in range(int(WEEK_MINUTES // minutes))]
    per_stream = [_stream_rates(a, starts, minutes, length) for a in process.arrivals]
    rows = tuple(tuple(stream[k] for stream in per_stream) for k in range(len(starts)))
    names = tuple(week_label(s) for s in starts)
    return Intervals(names, (*names[1:], names[0]), rows, minutes, "schedule")


def week_label(minute: float) -> str:
    """``mon 09:00`` for a minute of the week."""
    day, rest = divmod(int(minute) % WEEK_MINUTES, DAY_MINUTES)
    return f"{DAYS[day]} {rest // 60:02d}:{rest % 60:02d}"


def pool_targets(process: Process, pool: str, options: StaffingOptions) -> tuple[Targets, str]:
    """A pool's targets and where they came from: the options, else its waiting-time SLA."""
    level, within = options.service_level, options.within
    source = "options"
    if level is None:
        for sla in process.slas:
            stage = process.stages.get(sla.stage or "")
            if sla.metric == "waiting_time" and stage is not None and stage.resource == pool:
                level, within, source = sla.percentile / 100, sla.max, f"sla: {sla.name}"
                break
    targets = Targets(
        service_level=level,
        within=within or 0.0,
        mean_wait=options.mean_wait,
        occupancy=options.occupancy,
        abandon=options.abandon,
    )
    return targets, source if targets.any else "none"


def _stream_rates(
    arrival: Arrival, starts: Sequence[float], minutes: float, length: float
) -> list[float]:
    """A stream's mean rate per time unit in each interval (batches as their drops)."""
    if arrival.batch is not None:
        volumes = [0.0] * len(starts)
        for t in arrival.batch.times():
            volumes[int(t // minutes)] += arrival.batch.size
        return [v / length for v in volumes]
    profile = arrival.rate_profile()
    return [_average(profile, s, s + minutes) for s in starts]


def _average(profile: WeeklyProfile, start: float, end: float) -> float:
    """The mean of a weekly step function between two minutes of the week."""
    total = 0.0
    for a, b, value in profile.steps():
        overlap = min(b, end) - max(a, start)
        if overlap > 0:
            total += value * overlap
    return total / (end - start)


def _pool_intervals(
    pool: PoolWork, intervals: Intervals, targets: Targets, length: float
) -> list[tuple[Requirement, float]]:
    """Per interval the requirement and the tasks arriving in it."""
    demands = [pool.demand(rates) for rates in intervals.rates]
    loads = [d.offered_load for d in demands]
    handling = pool.mean_service
    several = len(demands) > 1
    average = pool.demand(
        [
            math.fsum(r[k] for r in intervals.rates) / len(intervals.rates)
            for k in range(len(intervals.rates[0]))
        ]
    )

    def like(demand: Demand, load: float) -> Demand:
        return (demand if demand.offered_load > 0 else average).scaled(load)

    found: list[tuple[Requirement, float]] = []
    if several and back_office(handling, length, targets):
        window = max(1, round(targets.within / length))
        carried = back_office_loads(loads, window, periodic=intervals.periodic)
        for demand, load in zip(demands, carried, strict=True):
            found.append((back_office_heads(load, demand, targets), demand.arrival_rate * length))
        return found
    if several and lagged(handling, length):
        rates = [d.arrival_rate for d in demands]
        lagged_loads = modified_offered_loads(rates, handling, length, periodic=intervals.periodic)
        for demand, load in zip(demands, lagged_loads, strict=True):
            requirement = required_heads(like(demand, load), targets)
            if requirement.method != "no_work":
                requirement = replace(requirement, method="modified_offered_load")
            found.append((requirement, demand.arrival_rate * length))
        return found
    solved: dict[Demand, Requirement] = {}  # a schedule repeats its rates: solve each once
    for demand in demands:
        if demand not in solved:
            solved[demand] = required_heads(demand, targets)
        found.append((solved[demand], demand.arrival_rate * length))
    return found


def _interval_plan(
    label: str,
    end: str,
    minutes: float,
    requirement: Requirement,
    arrivals: float,
    shrinkage: float,
) -> IntervalPlan:
    return IntervalPlan(
        start=label,
        end=end,
        minutes=minutes,
        arrivals=arrivals,
        offered_load=requirement.offered_load,
        required=requirement.required,
        scheduled=scheduled_heads(requirement.required, shrinkage),
        service_level=requirement.service_level,
        occupancy=requirement.occupancy,
        asa=requirement.mean_wait,
        abandon=requirement.abandon,
        method=requirement.method,
        binding=requirement.binding,
        formula=requirement.required,
    )


def _targets_json(targets: Targets) -> dict[str, float | None]:
    return {
        "service_level": targets.service_level,
        "within": targets.within if targets.service_level is not None else None,
        "mean_wait": targets.mean_wait,
        "occupancy": targets.occupancy,
        "abandon": targets.abandon,
    }


def _notes(process: Process, intervals: Intervals) -> list[str]:
    """What the plan assumes, where the process goes beyond it."""
    notes = []
    if any(s.metric == "cycle_time" for s in process.slas):
        notes.append(
            "cycle-time SLAs span every queue of the process: the formulas staff each pool "
            "to its own target; --verify simulates the plan"
        )
    if len(process.arrivals) > 1:
        notes.append("each arrival stream's work is analysed on its own, then added per interval")
    if any(r.teams for r in process.resources.values()):
        notes.append(
            "pools with teams are staffed as one group: the heads are the pool's, "
            "to be split over its skills"
        )
    if intervals.source == "steady":
        notes.append("no schedule or forecast: one interval at the steady arrival rate")
    return notes
