"""One replication of a process on SimPy's event loop.

Items arrive, wait in their staff pool's queue, are worked on, routed, sent back
when a review catches a defect, forked into parallel branches and joined again,
and finally delivered. The engine keeps no list of items: each finished item
leaves its numbers in streaming statistics and is forgotten.

What happens to an item at a stage (review, error, routing) is not written here:
the engine asks the stage's :class:`~procflow.flow.StageRule`, the one definition
the analysis reads too. The engine only moves items between queues, people and
stages in time. At a consensus stage each label is a task of its own, for someone who
has not labeled the item (:mod:`procflow.sim.people`); once the labels are in, the
stage's rule settles the item (:meth:`~procflow.flow.StageRule.settle`). For speed,
nothing in the per-event path looks anything up by name or touches a Pydantic object
(see :mod:`procflow.sim.plan`). An item costs one SimPy event per arrival and one per
service, where a generator process per item with a ``Resource`` request needs several.

At the horizon the window's numbers are taken, new arrivals stop, and the run goes
on until every item that arrived in the window is delivered (see
:mod:`procflow.sim.measure`).

A lot stage (lot acceptance sampling, :mod:`procflow.flow.lots`) holds items until
their lot is decided: the engine sends the lot's sample to inspection, and the whole
lot on, to full inspection or to its ``on_reject`` stage; :mod:`procflow.sim.lots`
keeps the open lots. Past the horizon, lots that can no longer fill are decided as
they are. A process without lots never reaches this code.

At a stage with gold (:mod:`procflow.flow.gold`), a person who finishes a task may go
on to a gold task, holding them as long as the stage's work takes; the item they
finished goes on at once. Gold tasks are no items: they are counted at their stage
(:class:`~procflow.sim.plan.GoldTally`) and nowhere else, and the event log does not
show them. Only gold stages call this code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import simpy

from procflow.eventlog.visit import EventSink, Visit
from procflow.flow.compiler import compile_flow
from procflow.flow.routing import CAUGHT, EXHAUSTED, FLAGGED, MISSED
from procflow.model.process import Process
from procflow.model.quantities import convert
from procflow.model.settings import RunSettings
from procflow.results.records import Replication
from procflow.sim import quality
from procflow.sim.arrivals import attribute_drawer, start_arrivals, start_forecast_arrivals
from procflow.sim.items import Fork, Item
from procflow.sim.measure import (
    BreachDays,
    Cohort,
    Kpis,
    Open,
    backlog_ages,
    backlog_kpis,
    item_kpis,
    window_kpis,
)
from procflow.sim.plan import (
    CONSENSUS,
    DECISION,
    INSPECTED,
    LOT,
    SAMPLED,
    SPLIT,
    WORK,
    Plan,
    PlannedStage,
    skill_of,
)
from procflow.sim.staff import StaffPool, Team
from procflow.sim.stats import SAMPLES, TimeAverage

#: Moves one item may make at one instant (stage to stage, without the clock moving):
#: beyond this many, plus the stages of the file, it is going round a loop that takes
#: no time (lint reports it, PF109), and the run stops instead of hanging.
MAX_INSTANT_MOVES = 10_000


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
        self.settings = settings
        self.seed = seed
        self.replication = replication
        self.env = simpy.Environment()
        snapshot = settings.snapshot
        start = snapshot.week_minutes if snapshot is not None else 0.0
        on_shift = dict(snapshot.on_shift) if snapshot is not None else None
        plan = Plan(compile_flow(process), seed, replication, start, on_shift)
        self.plan = plan
        self.pools = plan.pools
        self.stages = plan.stages
        for stage in self.stages:
            stage.complete = self._labeled if stage.kind == CONSENSUS else self._complete
            if stage.gold is not None:
                stage.complete = self._gold_done
        self.sla_cycle = [
            (k, sla.max) for k, sla in enumerate(process.slas) if sla.metric == "cycle_time"
        ]
        self.cases = 0
        self.sequence = 0
        self.wip = TimeAverage()
        self.due = plan.due
        groups = len(plan.due.allowed) if plan.due else 0
        self.cohort = Cohort(len(process.slas), groups)
        #: a forecast's breaches by the day they happened (None: not a forecast)
        self.days: BreachDays | None = None
        if snapshot is not None:
            day = convert(1.0, "day", process.time_unit)
            midnight = (start % 1440) / plan.unit_minutes
            self.days = BreachDays(midnight, day, groups, len(process.slas))
        #: the items' truth (None: the process has none; then decisions are not counted)
        self.truth = plan.flow.truth
        #: items that arrived before the window and are still in the system (the cohort's
        #: own are in ``cohort.open``): together, the backlog whose ages are reported
        self.early: dict[int, Item] = {}
        #: items delivered so far, and before the window began (whenever they arrived)
        self.deliveries = 0
        self.delivered_before_window = 0
        self.series: dict[str, list[float]] = {
            "time": [],
            "wip": [],
            "age.p50": [],
            "age.p90": [],
            "age.max": [],
        }
        for s in self.stages:
            if s.queued:
                self.series[f"queue.{s.name}"] = []
        for name in self.pools:
            self.series[f"busy.{name}"] = []
            self.series[f"working.{name}"] = []
        self.done = self.env.event()
        #: past the horizon: no more arrivals, the cohort is being followed to delivery
        self.closed = False
        #: set when the backlog passed ``max_wip``: the run stopped early
        self.overflow = False
        #: the stage where an item went round a loop that takes no time: the run stopped
        self.stuck: str | None = None
        self.max_moves = MAX_INSTANT_MOVES + len(self.stages)
        self.window: Kpis | None = None
        self.growth: dict[str, float] = {}
        #: with a snapshot: the backlog level to reach, and when it first did (None: not yet)
        self.target = settings.target if snapshot is not None else -1
        self.cleared: float | None = None

    # ----------------------------------------------------------------- arrivals

    def _start_arrivals(self) -> None:
        env = self.env
        plan = self.plan
        warmup = self.settings.warmup
        max_wip = self.settings.max_wip
        slots = self.plan.slots
        cohort = self.cohort
        early = self.early
        due = self.due
        volumes = self.settings.volumes
        named = plan.named
        forecast = dict(volumes.streams) if volumes is not None else {}
        truth = self.truth
        for arrival, entry in zip(self.process.arrivals, self.plan.entries, strict=True):
            draw = attribute_drawer(
                arrival, self.plan.attr_index, self.seed, self.replication, truth
            )
            priority = arrival.priority

            def emit(
                draw: Callable[[], tuple[Any, ...]] = draw,
                entry: int = entry,
                priority: int = priority,
            ) -> bool:
                if self.closed or self.done.triggered:
                    return False
                now = env.now
                self.cases += 1
                item = Item(self.cases, now, draw(), now >= warmup, slots, priority)
                if named:
                    item.hands = {}
                if truth is not None:
                    item.defect = truth.undecided_wrong(item.attrs)
                if due is not None:
                    item.group = group = due.group(item.attrs)
                    item.due = due.due(group, now)
                    cohort.due_arrived[group] += item.counted
                if item.counted:
                    cohort.arrived += 1
                    cohort.open[item.case] = item
                else:
                    early[item.case] = item
                self.wip.move(now, 1)
                if self.wip.level > max_wip:
                    self.overflow = True  # hopelessly unstable: stop, memory stays bounded
                    self.done.succeed()
                self.enter(item, entry)
                return True

            if arrival.name in forecast:
                steps = forecast[arrival.name]
                start_forecast_arrivals(env, arrival.name, steps, emit, self.seed, self.replication)
                continue
            start_arrivals(
                env, arrival, self.plan.unit_minutes, emit, self.seed, self.replication, plan.start
            )

    def _place_snapshot(self) -> None:
        """Put the snapshot's items in the system at time 0, before anything else happens.

        Items in progress come first and take the people on shift (more than there are
        wait at the front of their queue, except those the snapshot says someone holds:
        their holder works on past the shift, see :meth:`StaffPool.hold`); their
        remaining work is a fresh draw from the stage's handling time (exact for
        exponential times, which have no memory; an overestimate of the rest for times
        that do). Waiting items follow, oldest first,
        so a first-come-first-served queue serves them in arrival order; their age
        counts in their waits and cycle times (``arrived`` is before 0).
        """
        snapshot = self.settings.snapshot
        assert snapshot is not None
        index = {stage.name: stage.index for stage in self.stages}
        attr_index = self.plan.attr_index
        width = len(attr_index)
        hours = 1.0 / self.plan.unit_hours
        cohort = self.cohort
        due = self.due
        # the backlog in arrival order (its ages are read by position), then placed:
        # in progress first, then the waiting oldest first
        placed: list[tuple[bool, bool, float, int, Item, str]] = []
        for entry in sorted(snapshot.items, key=lambda i: (-i.age_hours, i.line)):
            row: list[Any] = [None] * width
            for name, value in entry.attributes:
                row[attr_index[name]] = value
            self.cases += 1
            arrived = -entry.age_hours * hours
            item = Item(self.cases, arrived, tuple(row), True, self.plan.slots, 0)
            if self.plan.named:
                item.hands = {}
            if due is not None:
                item.group = group = due.group(item.attrs)
                item.due = due.due(group, arrived)
                cohort.due_arrived[group] += 1
            cohort.arrived += 1
            cohort.open[item.case] = item
            self.wip.move(0.0, 1)
            waiting = entry.state != "in_progress"
            placed.append((waiting, entry.holder is None, arrived, entry.line, item, entry.stage))
        for _, free, arrived, _, item, stage in sorted(placed, key=lambda p: p[:4]):
            self.enter(item, index[stage])
            if item.ticket and not free:  # someone holds it: they work on it, shift or not
                self._hold(item, self.stages[index[stage]])
            elif item.ticket:
                item.enqueued = arrived  # it has waited since it arrived

    def _hold(self, item: Item, stage: PlannedStage) -> None:
        """Start a snapshot's held item that found nobody free: its holder works on it."""
        pool = stage.pool
        pool.withdraw(item)
        stage.queue.move(0.0, -1)
        skill = stage.skill if stage.skill_from < 0 else skill_of(stage, item.attrs)
        self._start(item, stage, 0.0, pool.hold(skill, 0.0))

    # ----------------------------------------------------------------- flow

    def enter(self, item: Item, index: int) -> None:
        """Send ``item`` into stage ``index`` (through decisions, splits and joins)."""
        stages = self.stages
        now = self.env.now
        if item.instant != now:
            item.instant = now
            item.moves = 0
        while True:
            item.moves += 1
            if item.moves > self.max_moves:
                self._stop_stuck(stages[index].name)
                return
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
                index, review = stage.leave(item, stage.draws)
                if review:
                    self._reviewed(item, stage, review)
                continue
            if kind == SPLIT:
                fork = Fork(item, stage.join, len(stage.split))
                for branch in stage.split:
                    copy = Item(item.case, item.arrived, item.attrs, item.counted, 0, item.priority)
                    copy.defect = item.defect
                    copy.due = item.due
                    copy.group = item.group
                    copy.attempts = list(item.attempts)
                    copy.seen = set(item.seen)
                    copy.hands = item.hands  # one record of who worked on the item
                    copy.fork = fork
                    self.enter(copy, branch)
                return
            if kind == LOT:
                self._enter_lot(item, stage)
                return
            if kind == CONSENSUS:
                self._start_labels(item, stage)
                return
            if kind == SAMPLED:
                if stage.sampled(item, stage.draws):
                    self._queue_or_start(item, stage)
                    return
                stage.visits -= item.counted  # skipped: not a visit to its work
                index, _ = stage.skip(item, stage.draws)
                continue
            self._finish(item, stage)
            return

    def _stop_stuck(self, stage: str) -> None:
        """An item went round a loop that takes no time: stop the run, it cannot go on."""
        if self.stuck is None:
            self.stuck = stage
        if not self.done.triggered:
            self.done.succeed()

    def _reviewed(self, item: Item, stage: PlannedStage, review: int) -> None:
        """Count what a review did: a defect sent back (CAUGHT) or let go (EXHAUSTED), an
        item without one sent back (FLAGGED), a defect missed (MISSED)."""
        counted = item.counted
        if review in (CAUGHT, FLAGGED):
            item.reworked = True
            self.cohort.reworks += counted
            stage.flags += counted
            stage.defects_seen += counted and review == CAUGHT
        elif review == EXHAUSTED:
            self.cohort.exhausted += counted
            stage.flags += counted
            stage.defects_seen += counted and item.defect > 0  # a flag on its last try: none
        elif review == MISSED:
            stage.defects_seen += counted

    def _queue_or_start(self, item: Item, stage: PlannedStage) -> None:
        pool = stage.pool
        now = self.env.now
        skill = stage.skill if stage.skill_from < 0 else skill_of(stage, item.attrs)
        team = pool.take(skill, now, item, stage)
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
            patience = stage.patience
            after = stage.escalate_after if patience is None else patience(item.case, item.first)
            timer = self.env.timeout(after, (item, stage, ticket))
            timer.callbacks.append(self._escalate)

    def _escalate(self, event: Any) -> None:  # a simpy.Event; Any: its value is a tuple
        item: Item
        stage: PlannedStage
        ticket: int
        item, stage, ticket = event.value
        if item.ticket != ticket:
            return  # served (or moved) before its time ran out
        stage.pool.withdraw(item)
        now = self.env.now
        stage.queue.move(now, -1)
        item.escalated = True
        if item.counted:
            stage.waits.add(now - item.enqueued)
            stage.escalated += 1
            if stage.by_interval is not None:
                stage.by_interval.add(item.enqueued, now - item.enqueued, answered=False)
        self.enter(item, stage.escalate_to)

    def _resume(self, pool: StaffPool, team: Team) -> None:
        """People of ``team`` joined (a shift started): they take waiting work."""
        now = self.env.now
        while team.free > 0:
            waiting = pool.assign(team, now)
            if waiting is None:
                return
            item, stage, hand = waiting
            stage.queue.move(now, -1)
            self._start(item, stage, now - item.enqueued, hand)

    def _arrive_at_join(self, copy: Item, fork: Fork) -> None:
        fork.remaining -= 1
        # the stages a copy visited count as visited by the item: a rework that forks
        # again is a repeat visit there, with fresh draws, not the first visit's again
        fork.item.seen |= copy.seen
        fork.defect = fork.defect or copy.defect
        fork.reworked = fork.reworked or copy.reworked
        fork.escalated = fork.escalated or copy.escalated
        if fork.remaining == 0:
            # the merged item goes on, and the join stage works on it once
            item = fork.item
            item.defect = fork.defect
            item.reworked = fork.reworked
            item.escalated = fork.escalated
            item.fork = fork.outer
            self.enter(item, fork.join)

    def _start(self, item: Item, stage: PlannedStage, wait: float, team: Team) -> None:
        now = self.env.now
        if item.counted:
            stage.waits.add(wait)
            if stage.by_interval is not None:
                stage.by_interval.add(now - wait, wait)
        assert stage.duration is not None
        duration = stage.duration(item.case, item.first)
        event = self.env.timeout(duration, (item, stage, team, now - wait, now))
        event.callbacks.append(stage.complete)

    def _complete(self, event: Any) -> None:  # a simpy.Event (a cast per event is costly)
        item: Item
        stage: PlannedStage
        team: Team
        enqueued: float
        started: float
        item, stage, team, enqueued, started = event.value
        pool = stage.pool
        now = self.env.now
        if self.events is not None:
            self._log(item, stage.name, pool.who(team), enqueued, started, now)
        following = pool.release(team, now)
        if following is not None:
            nxt, at = following
            at.queue.move(now, -1)
            self._start(nxt, at, now - nxt.enqueued, team)
        # the stage's rule decides where the item goes (review, error, route)
        target, review = stage.leave(item, stage.draws)
        if review:
            if review == INSPECTED:
                self._lot_inspected(item, stage)
                return
            self._reviewed(item, stage, review)
        self.enter(item, target)

    # quality stages (procflow.sim.quality): gold tasks, lots, consensus labels
    _gold_done = quality.gold_done
    _gold_answered = quality.gold_answered
    _after_task = quality.after_task
    _enter_lot = quality.enter_lot
    _to_inspection = quality.to_inspection
    _lot_inspected = quality.lot_inspected
    _inspected = quality.inspected
    _end_lot_day = quality.end_lot_day
    _decide_if_ready = quality.decide_if_ready
    _flush_lots = quality.flush_lots
    _start_labels = quality.start_labels
    _ask_label = quality.ask_label
    _labeled = quality.labeled

    def _log(
        self,
        item: Item,
        stage: str,
        resource: str | None,
        enqueued: float,
        started: float,
        ended: float,
    ) -> None:
        assert self.events is not None
        attributes = {
            name: value
            for name, value in zip(self.plan.attributes, item.attrs, strict=True)
            if value is not None
        }
        self.events.visit(
            Visit(str(item.case), stage, resource, enqueued, started, ended, attributes)
        )

    def _finish(self, item: Item, stage: PlannedStage) -> None:
        now = self.env.now
        if self.events is not None:
            self._log(item, stage.name, None, now, now, now)
        self.wip.move(now, -1)
        self.deliveries += 1
        if self.wip.level <= self.target and self.cleared is None:
            self.cleared = now
        if not item.counted:
            del self.early[item.case]
            return
        cohort = self.cohort
        days = self.days
        del cohort.open[item.case]
        if now > item.due:
            cohort.breached[item.group] += 1
            if days is not None:
                days.add(days.due[item.group], item.due)
        cycle = now - item.arrived
        cohort.cycle.add(cycle)
        cohort.delivered += 1
        cohort.delivered_defective += item.defect > 0
        cohort.reworked_items += item.reworked
        cohort.escalated_items += item.escalated
        if self.truth is not None:
            cohort.decided(item.attrs, item.defect, self.truth)
        for k, limit in self.sla_cycle:
            if cycle <= limit:
                cohort.sla_hits[k] += 1
            elif days is not None:
                days.add(days.slas[k], item.arrived + limit)
        if self.closed and not cohort.open and not self.done.triggered:
            self.done.succeed()  # past the horizon, and the whole cohort is delivered

    # ----------------------------------------------------------------- running

    def run(self) -> Replication:
        """Simulate to the horizon, follow the window's items to delivery, return the numbers."""
        env = self.env
        settings = self.settings
        if settings.snapshot is not None:
            self._place_snapshot()
            if self.wip.level <= self.target:
                self.cleared = 0.0
        self._start_arrivals()
        for pool in self.pools.values():
            pool.start_shifts(env, self._resume)
        if settings.warmup > 0:
            env.timeout(settings.warmup).callbacks.append(self._end_warmup)
        env.timeout(settings.horizon).callbacks.append(self._close)
        self._sample_every(settings.horizon / SAMPLES)
        env.run(until=self.done)
        return self._collect()

    def _sample_every(self, interval: float) -> None:
        """Sample queues, staff and work in progress ``SAMPLES`` times, the last at the horizon."""
        env = self.env
        series = self.series
        queues = [(series[f"queue.{s.name}"], s.queue) for s in self.stages if s.queued]
        pools = [
            (series[f"busy.{n}"], series[f"working.{n}"], pool) for n, pool in self.pools.items()
        ]

        ages = (series["age.p50"], series["age.p90"], series["age.max"])

        def sample(event: simpy.Event) -> None:
            k = cast(int, event.value)
            now = env.now
            series["time"].append(now)
            series["wip"].append(float(self.wip.level))
            for values, age in zip(ages, backlog_ages(self._backlog(), now), strict=True):
                values.append(age)
            for values, level in queues:
                values.append(float(level.level))
            for busy, working, pool in pools:
                busy.append(float(pool.busy.level))
                working.append(float(pool.capacity.level))
            if k < SAMPLES:
                at = self.settings.horizon * (k + 1) / SAMPLES
                env.timeout(at - env.now, k + 1).callbacks.append(sample)

        env.timeout(interval, 1).callbacks.append(sample)

    def _backlog(self) -> list[Open]:
        """The items in the system now, oldest first (each split item once, by its case):
        both dicts keep their items in the order they arrived, and every item of ``early``
        arrived before those of the cohort."""
        return [*self.early.values(), *self.cohort.open.values()]

    def _close(self, _: simpy.Event) -> None:
        """The horizon: take the window's numbers, stop arrivals, follow the cohort."""
        now = self.env.now
        self.window = self._window(now)
        self.growth = self._growth()
        self.closed = True
        if self.done.triggered:
            return
        if self.growth or not self.cohort.open or self.settings.snapshot is not None:
            # a forecast ends at its deadline: what is open then is the answer
            self.done.succeed()  # a growing queue would never drain; nothing left otherwise
            return
        if self.plan.lot_stages:
            self._flush_lots(_)
        # a week covers every shift pattern: an item waiting for Monday's shift is delivered
        limit = convert(1.0, "week", self.process.time_unit)
        self.env.timeout(limit).callbacks.append(self._give_up)

    def _give_up(self, _: simpy.Event) -> None:
        if not self.done.triggered:
            self.done.succeed()

    def _end_warmup(self, _: simpy.Event) -> None:
        now = self.env.now
        self.delivered_before_window = self.deliveries
        self.wip.reset(now)
        for pool in self.pools.values():
            pool.reset(now)
        for stage in self.stages:
            stage.queue.reset(now)

    def _window(self, now: float) -> Kpis:
        hours = max(now - self.settings.warmup, 0.0) * self.plan.unit_hours
        kpis = window_kpis(
            self.stages,
            self.pools,
            self.wip,
            self.cohort.arrived,
            self.deliveries - self.delivered_before_window,
            hours,
            now,
        )
        kpis.update(backlog_kpis(self._backlog(), now, self.due is not None))
        return kpis

    def _collect(self) -> Replication:
        now = self.env.now
        if self.window is None:  # stopped before the horizon (overflow)
            self.window = self._window(now)
            self.growth = self._growth()
        kpis = Kpis(self.window)
        kpis.update(item_kpis(self.process, self.stages, self.cohort, now, self.due))
        stable = not self.overflow and not self.growth and self.stuck is None
        cycle = self.cohort.cycle
        percentiles = cycle.quantiles([q / 100 for q in range(1, 100)])
        drained = not self.cohort.open
        days = self.days
        by_day = {} if days is None else days.tallies(self.cohort, now, self.due, self.sla_cycle)
        return Replication(
            dict(kpis),
            stable,
            now,
            self.growth,
            self.series,
            percentiles,
            drained,
            self.stuck,
            cleared=self.cleared,
            by_day=by_day,
        )

    def _growth(self) -> dict[str, float]:
        """Stages whose queue kept growing over the second half of the run (items per hour)."""
        unit_hours = self.plan.unit_hours
        if self.overflow:
            # a rate over no measured time means nothing: a batch that overflows at once
            hours = (self.env.now - self.settings.warmup) * unit_hours
            if hours <= 0:
                return {}
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
            if not stage.queued:
                continue
            q = self.series[f"queue.{stage.name}"]
            rise = q[end] - q[start]
            # a stable queue fluctuates around a level; an unstable one keeps rising
            if rise > 100 and rise > 0.25 * q[start] and q[start] < q[middle] < q[end]:
                growing[stage.name] = rise / hours
        return growing
