"""One replication of a process on SimPy's event loop.

Items arrive, wait in their staff pool's queue, are worked on, routed, sent
back when a review catches a defect, forked into parallel branches and joined
again, and finally delivered. The engine keeps no list of items: each finished
item leaves its numbers in streaming statistics and is forgotten.

What happens to an item at a stage (review, error, routing) is not written here:
the engine asks the stage's :class:`~procflow.flow.StageRule`, the one definition
the analysis reads too. The engine only moves items between queues, people and
stages in time. For speed, nothing in the per-event path looks anything up by name
or touches a Pydantic object (see :mod:`procflow.sim.plan`). An item costs one SimPy
event per arrival and one per service, where a generator process per item with a
``Resource`` request needs several.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import simpy

from procflow.eventlog.visit import EventSink, Visit
from procflow.flow.routing import CAUGHT, EXHAUSTED, compile_flow
from procflow.model.process import Process
from procflow.model.quantities import convert
from procflow.sim.arrivals import attribute_drawer, start_arrivals
from procflow.sim.plan import DECISION, SPLIT, WORK, Plan, PlannedStage, skill_of
from procflow.sim.staff import StaffPool, Team
from procflow.sim.stats import Histogram, TimeAverage

#: Samples of queues, staff and work in progress per replication (bounded memory): the
#: time series behind the charts, and the evidence for a queue that keeps growing.
SAMPLES = 240


@dataclass(frozen=True)
class RunSettings:
    """How long to simulate and what to record (times in the process's time unit)."""

    horizon: float
    warmup: float = 0.0
    #: Stop a replication when this many items are in the system (an unstable process).
    max_wip: int = 50_000


@dataclass
class Replication:
    """The raw numbers of one replication: flat KPI values and the instability verdict."""

    kpis: dict[str, float]
    stable: bool
    stopped_at: float
    #: stage -> queue growth in items per hour, for stages whose queue kept growing
    growth: dict[str, float] = field(default_factory=dict)
    #: sampled over time: "time", "wip", "queue.<stage>", "busy.<pool>", "working.<pool>"
    series: dict[str, list[float]] = field(default_factory=dict)
    #: cycle time at the 1st, 2nd, ... 99th percentile (the distribution, for charts)
    percentiles: list[float] = field(default_factory=list)


class _Item:
    __slots__ = (
        "arrived", "attempts", "attrs", "case", "counted", "defect", "enqueued", "first", "fork",
        "priority", "seen", "ticket",
    )  # fmt: skip

    def __init__(
        self,
        case: int,
        arrived: float,
        attrs: tuple[Any, ...],
        counted: bool,
        slots: int,
        priority: int,
    ) -> None:
        self.case = case
        self.arrived = arrived
        self.attrs = attrs
        self.counted = counted
        self.defect = False
        self.attempts = [0] * slots
        self.enqueued = 0.0
        self.fork: _Fork | None = None
        self.priority = priority
        #: stages this item has entered, and whether its current visit is its first there
        self.seen: set[int] = set()
        self.first = True
        #: while waiting in a queue: the queue entry's number; 0 otherwise
        self.ticket = 0


class _Fork:
    """The parent item of a split, waiting at its join for its copies."""

    __slots__ = ("defect", "item", "join", "outer", "remaining")

    def __init__(self, item: _Item, join: int, remaining: int) -> None:
        self.item = item
        self.join = join
        self.remaining = remaining
        self.defect = item.defect
        self.outer = item.fork


class Engine:
    """Simulates one replication of a (lint-clean) process."""

    def __init__(
        self,
        process: Process,
        settings: RunSettings,
        seed: int,
        replication: int,
        events: EventSink | None = None,
    ):
        self.process = process
        self.events = events
        self.cases = 0
        self.settings = settings
        self.seed = seed
        self.replication = replication
        self.env = simpy.Environment()
        plan = Plan(compile_flow(process), seed, replication)
        self.plan = plan
        self.unit_minutes = plan.unit_minutes
        self.attribute_names = plan.attributes
        self.attr_index = plan.attr_index
        self.pools = plan.pools
        self.slots = plan.slots
        self.stages = plan.stages
        self.entries = plan.entries
        self.sla_cycle = [
            (k, sla.max) for k, sla in enumerate(process.slas) if sla.metric == "cycle_time"
        ]
        self.cycle = Histogram()
        self.wip = TimeAverage()
        self.delivered = 0
        self.delivered_defective = 0
        self.arrived = 0
        self.reworks = 0
        self.exhausted = 0
        self.sequence = 0
        self.sla_hits = [0] * len(process.slas)
        self.series: dict[str, list[float]] = {"time": [], "wip": []}
        for s in self.stages:
            if s.kind == WORK:
                self.series[f"queue.{s.name}"] = []
        for name in self.pools:
            self.series[f"busy.{name}"] = []
            self.series[f"working.{name}"] = []
        self.done = self.env.event()
        #: set when the backlog passed ``max_wip``: the run stopped early
        self.overflow = False

    # ----------------------------------------------------------------- arrivals

    def _start_arrivals(self) -> None:
        env = self.env
        warmup = self.settings.warmup
        max_wip = self.settings.max_wip
        slots = self.slots
        for arrival, entry in zip(self.process.arrivals, self.entries, strict=True):
            draw = attribute_drawer(arrival, self.attr_index, self.seed, self.replication)
            priority = arrival.priority

            def emit(
                draw: Callable[[], tuple[Any, ...]] = draw,
                entry: int = entry,
                priority: int = priority,
            ) -> None:
                now = env.now
                self.cases += 1
                item = _Item(self.cases, now, draw(), now >= warmup, slots, priority)
                self.arrived += item.counted
                self.wip.move(now, 1)
                if self.wip.level > max_wip and not self.done.triggered:
                    self.overflow = True  # hopelessly unstable: stop, memory stays bounded
                    self.done.succeed()
                self.enter(item, entry)

            start_arrivals(env, arrival, self.unit_minutes, emit, self.seed, self.replication)

    # ----------------------------------------------------------------- flow

    def enter(self, item: _Item, index: int) -> None:
        """Send ``item`` into stage ``index`` (through decisions, splits and joins)."""
        stages = self.stages
        while True:
            fork = item.fork
            if fork is not None and index == fork.join:
                self._arrive_at_join(item, fork)
                return
            stage = stages[index]
            stage.visits += item.counted
            seen = item.seen
            item.first = index not in seen
            seen.add(index)
            for condition, value in stage.priority:
                if condition is None or condition(item.attrs):
                    item.priority = value
                    break
            kind = stage.kind
            if kind == WORK:
                self._queue_or_start(item, stage)
                return
            if kind == DECISION:
                index = self._leave(item, stage)
                continue
            if kind == SPLIT:
                fork = _Fork(item, stage.join, len(stage.split))
                for branch in stage.split:
                    copy = _Item(
                        item.case, item.arrived, item.attrs, item.counted, 0, item.priority
                    )
                    copy.defect = item.defect
                    copy.attempts = list(item.attempts)
                    copy.seen = set(item.seen)
                    copy.fork = fork
                    self.enter(copy, branch)
                return
            self._finish(item, stage)
            return

    def _leave(self, item: _Item, stage: PlannedStage) -> int:
        """The stage's rule decides where the item goes (review, error, route): its target."""
        target, item.defect, review = stage.leave(
            item.defect, item.attempts, item.attrs, stage.draws, item.case, item.first
        )
        if review == CAUGHT:
            self.reworks += item.counted
        elif review == EXHAUSTED:
            self.exhausted += item.counted
        return target

    def _queue_or_start(self, item: _Item, stage: PlannedStage) -> None:
        pool = cast(StaffPool, stage.pool)
        now = self.env.now
        skill = skill_of(stage, item.attrs)
        team = pool.take(skill, now)
        if team is not None:
            self._start(item, stage, 0.0, team)
            return
        self.sequence += 1
        ticket = self.sequence
        item.ticket = ticket
        item.enqueued = now
        pool.enqueue(skill, item.priority, ticket, item, stage)
        stage.queue.move(now, 1)
        if stage.escalate_to >= 0:
            timer = self.env.timeout(stage.escalate_after, (item, stage, ticket))
            timer.callbacks.append(self._escalate)

    def _escalate(self, event: simpy.Event) -> None:
        item, stage, ticket = cast(tuple[_Item, PlannedStage, int], event.value)
        if item.ticket != ticket:
            return  # served (or moved) before its time ran out
        cast(StaffPool, stage.pool).withdraw(item)
        now = self.env.now
        stage.queue.move(now, -1)
        if item.counted:
            stage.waits.add(now - item.enqueued)
            stage.escalated += 1
        self.enter(item, stage.escalate_to)

    def _resume(self, pool: StaffPool, team: Team) -> None:
        """People of ``team`` joined (a shift started): they take waiting work."""
        now = self.env.now
        while team.free > 0:
            waiting = pool.next_for(team)
            if waiting is None:
                return
            item, stage = waiting
            team.free -= 1
            pool.busy.move(now, 1)
            stage.queue.move(now, -1)
            self._start(item, stage, now - item.enqueued, team)

    def _arrive_at_join(self, copy: _Item, fork: _Fork) -> None:
        fork.remaining -= 1
        fork.defect = fork.defect or copy.defect
        if fork.remaining == 0:
            # the merged item goes on, and the join stage works on it once
            item = fork.item
            item.defect = fork.defect
            item.fork = fork.outer
            self.enter(item, fork.join)

    def _start(self, item: _Item, stage: PlannedStage, wait: float, team: Team) -> None:
        if item.counted:
            stage.waits.add(wait)
        assert stage.duration is not None
        now = self.env.now
        duration = stage.duration(item.case, item.first)
        event = self.env.timeout(duration, (item, stage, team, now - wait, now))
        event.callbacks.append(self._complete)

    def _complete(self, event: simpy.Event) -> None:
        item, stage, team, enqueued, started = cast(
            tuple[_Item, PlannedStage, Team, float, float], event.value
        )
        pool = cast(StaffPool, stage.pool)
        now = self.env.now
        if self.events is not None:
            self._log(item, stage.name, pool.name, enqueued, started, now)
        following = pool.release(team, now)
        if following is not None:
            nxt, at = following
            at.queue.move(now, -1)
            self._start(nxt, at, now - nxt.enqueued, team)
        self.enter(item, self._leave(item, stage))

    def _log(
        self,
        item: _Item,
        stage: str,
        resource: str | None,
        enqueued: float,
        started: float,
        ended: float,
    ) -> None:
        assert self.events is not None
        attributes = {
            name: value
            for name, value in zip(self.attribute_names, item.attrs, strict=True)
            if value is not None
        }
        self.events.visit(
            Visit(str(item.case), stage, resource, enqueued, started, ended, attributes)
        )

    def _finish(self, item: _Item, stage: PlannedStage) -> None:
        now = self.env.now
        if self.events is not None:
            self._log(item, stage.name, None, now, now, now)
        self.wip.move(now, -1)
        if not item.counted:
            return
        cycle = now - item.arrived
        self.cycle.add(cycle)
        self.delivered += 1
        self.delivered_defective += item.defect
        for k, limit in self.sla_cycle:
            if cycle <= limit:
                self.sla_hits[k] += 1

    # ----------------------------------------------------------------- running

    def run(self) -> Replication:
        """Simulate to the horizon (or until the system overflows) and return the numbers."""
        env = self.env
        settings = self.settings
        done = self.done
        self._start_arrivals()
        for pool in self.pools.values():
            pool.start_shifts(env, self._resume)
        if settings.warmup > 0:
            env.timeout(settings.warmup).callbacks.append(self._end_warmup)

        def finish(_: simpy.Event) -> None:
            if not done.triggered:
                done.succeed()

        env.timeout(settings.horizon).callbacks.append(finish)
        interval = settings.horizon / SAMPLES
        series = self.series
        queues = [(series[f"queue.{s.name}"], s.queue) for s in self.stages if s.kind == WORK]
        pools = [
            (series[f"busy.{n}"], series[f"working.{n}"], pool) for n, pool in self.pools.items()
        ]

        def sample(_: simpy.Event) -> None:
            series["time"].append(env.now)
            series["wip"].append(float(self.wip.level))
            for values, level in queues:
                values.append(float(level.level))
            for busy, working, pool in pools:
                busy.append(float(pool.busy.level))
                working.append(float(pool.capacity.level))
            if env.now + interval < settings.horizon:
                env.timeout(interval).callbacks.append(sample)

        env.timeout(interval).callbacks.append(sample)
        env.run(until=done)
        return self._collect(self.overflow)

    def _end_warmup(self, _: simpy.Event) -> None:
        now = self.env.now
        self.wip.reset(now)
        for pool in self.pools.values():
            pool.reset(now)
        for stage in self.stages:
            stage.queue.reset(now)
            stage.visits = 0

    def _collect(self, overflow: bool) -> Replication:
        now = self.env.now
        unit_hours = convert(1.0, self.process.time_unit, "hour")
        span = max(now - self.settings.warmup, 1e-12)
        hours = span * unit_hours
        delivered = self.delivered
        k: dict[str, float] = {}
        k["throughput_per_hour"] = delivered / hours
        k["arrivals_per_hour"] = self.arrived / hours
        k["cycle_time.mean"] = self.cycle.mean
        for q in (50, 90, 95, 99):
            k[f"cycle_time.p{q}"] = self.cycle.quantile(q / 100)
        k["wip"] = self.wip.mean(now)
        k["backlog"] = float(self.wip.level)
        cost_per_hour = sum(p.cost_per_hour * p.staff.mean(now) for p in self.pools.values())
        k["cost_per_hour"] = cost_per_hour
        k["cost_per_item"] = cost_per_hour * hours / delivered if delivered else math.nan
        k["rework_rate"] = self.reworks / delivered if delivered else math.nan
        k["escaped_defect_rate"] = self.delivered_defective / delivered if delivered else math.nan
        k["rework_exhausted_rate"] = self.exhausted / delivered if delivered else math.nan
        for name, pool in self.pools.items():
            busy = pool.busy.mean(now)
            capacity = pool.capacity.mean(now)
            k[f"resources.{name}.utilization"] = busy / capacity if capacity > 0 else math.nan
            k[f"resources.{name}.busy"] = busy
            k[f"resources.{name}.staff"] = pool.staff.mean(now)
        arrived = max(self.arrived, 1)
        for stage in self.stages:
            prefix = f"stages.{stage.name}"
            k[f"{prefix}.visits"] = stage.visits / arrived
            if stage.kind == WORK:
                k[f"{prefix}.waiting_time"] = stage.waits.mean
                k[f"{prefix}.waiting_time_p90"] = stage.waits.quantile(0.9)
                k[f"{prefix}.queue_length"] = stage.queue.mean(now)
                k[f"{prefix}.queue_length_max"] = float(stage.queue.maximum)
                if stage.escalate_to >= 0:
                    k[f"{prefix}.escalated"] = stage.escalated / arrived
        for j, sla in enumerate(self.process.slas):
            if sla.metric == "cycle_time":
                value = self.sla_hits[j] / delivered if delivered else math.nan
            else:
                waits = self.stages[list(self.process.stages).index(sla.stage or "")].waits
                value = waits.fraction_at_most(sla.max)
            k[f"slas.{j}.attained"] = value
        growth = self._growth(unit_hours)
        stable = not overflow and not growth
        percentiles = [self.cycle.quantile(q / 100) for q in range(1, 100)]
        return Replication(k, stable, now, growth, self.series, percentiles)

    def _growth(self, unit_hours: float) -> dict[str, float]:
        """Stages whose queue kept growing over the second half of the run (items per hour)."""
        if self.overflow:
            hours = max(self.env.now - self.settings.warmup, 1e-12) * unit_hours
            return {
                s.name: s.queue.level / hours
                for s in self.stages
                if s.queue.level > 0.1 * self.settings.max_wip
            }
        times = self.series["time"]
        first = next((k for k, t in enumerate(times) if t >= self.settings.warmup), len(times))
        if len(times) - first < 6:
            return {}
        # the second half of the sampled run, after warm-up
        start, middle, end = (first + len(times)) // 2, (first + 3 * len(times)) // 4, -1
        hours = (times[end] - times[start]) * unit_hours
        if hours <= 0:
            return {}
        growing: dict[str, float] = {}
        for stage in self.stages:
            if stage.kind != WORK:
                continue
            q = self.series[f"queue.{stage.name}"]
            rise = q[end] - q[start]
            # a stable queue fluctuates around a level; an unstable one keeps rising
            if rise > 100 and rise > 0.25 * q[start] and q[start] < q[middle] < q[end]:
                growing[stage.name] = rise / hours
        return growing
