"""One replication of a process on SimPy's event loop.

Items arrive, wait in their staff pool's queue, are worked on, routed, sent
back when a review catches a defect, forked into parallel branches and joined
again, and finally delivered. The engine keeps no list of items: each finished
item leaves its numbers in streaming statistics and is forgotten.

For speed, nothing in the per-event path looks anything up by name or touches a
Pydantic object: the process is compiled first into flat stage records with
compiled conditions, cumulative routing tables and block-drawn random streams.
An item costs one SimPy event per arrival and one per service, where a
generator process per item with a ``Resource`` request needs several.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import simpy

from procflow.model.process import CategoricalAttribute, Process, Stage
from procflow.model.quantities import convert
from procflow.sim.stats import Histogram, TimeAverage
from procflow.sim.streams import Stream, generator, uniforms

WORK, DECISION, SPLIT, END = 0, 1, 2, 3
_KIND = {"work": WORK, "decision": DECISION, "split": SPLIT, "end": END}
#: Queue-length checkpoints per replication, for the growth rate of unstable queues.
CHECKPOINTS = 60


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


class _Item:
    __slots__ = ("arrived", "attempts", "attrs", "counted", "defect", "enqueued", "fork")

    def __init__(self, arrived: float, attrs: tuple[Any, ...], counted: bool, slots: int) -> None:
        self.arrived = arrived
        self.attrs = attrs
        self.counted = counted
        self.defect = False
        self.attempts = [0] * slots
        self.enqueued = 0.0
        self.fork: _Fork | None = None


class _Fork:
    """The parent item of a split, waiting at its join for its copies."""

    __slots__ = ("defect", "item", "join", "outer", "remaining")

    def __init__(self, item: _Item, join: int, remaining: int) -> None:
        self.item = item
        self.join = join
        self.remaining = remaining
        self.defect = item.defect
        self.outer = item.fork


class _Pool:
    __slots__ = ("busy", "cost", "free", "name", "queue", "servers")

    def __init__(self, name: str, servers: int, cost: float) -> None:
        self.name = name
        self.servers = servers
        self.free = servers
        self.cost = cost
        self.queue: deque[tuple[_Item, _Stage]] = deque()
        self.busy = TimeAverage()


class _Stage:
    __slots__ = (
        "default",
        "detect",
        "detection_rate",
        "duration",
        "error",
        "error_rate",
        "index",
        "join",
        "kind",
        "max_attempts",
        "name",
        "on_defect",
        "pool",
        "prob_cum",
        "prob_targets",
        "queue",
        "route_draw",
        "slot",
        "split",
        "visits",
        "waits",
        "when",
    )

    def __init__(self, index: int, name: str, stage: Stage) -> None:
        self.index = index
        self.name = name
        self.kind = _KIND[stage.kind]
        self.pool: _Pool | None = None
        self.duration: Callable[[], float] | None = None
        self.error_rate = stage.error_rate
        self.detection_rate = stage.detection_rate or 0.0
        self.error: Callable[[], float] | None = None
        self.detect: Callable[[], float] | None = None
        self.on_defect = -1
        self.max_attempts = stage.max_attempts or 0
        self.slot = -1
        self.when: list[tuple[Callable[[Any], bool], int]] = []
        self.prob_cum: list[float] = []
        self.prob_targets: list[int] = []
        self.default = -1
        self.route_draw: Callable[[], float] | None = None
        self.split: list[int] = []
        self.join = -1
        self.visits = 0
        self.queue = TimeAverage()
        self.waits = Histogram()


class Engine:
    """Simulates one replication of a (lint-clean) process."""

    def __init__(self, process: Process, settings: RunSettings, seed: int, replication: int):
        self.process = process
        self.settings = settings
        self.env = simpy.Environment()
        names = list(process.stages)
        index = {n: i for i, n in enumerate(names)}
        self.attribute_names = sorted(process.attributes())
        attr_index = {n: i for i, n in enumerate(self.attribute_names)}
        self.pools = {
            name: _Pool(name, r.count, r.cost_per_hour) for name, r in process.resources.items()
        }
        bounded = [n for n, s in process.stages.items() if s.max_attempts is not None]
        self.slots = len(bounded)

        def stream(source: str) -> Callable[[], float]:
            return uniforms(seed, replication, source)

        self.stages: list[_Stage] = []
        for i, (name, stage) in enumerate(process.stages.items()):
            s = _Stage(i, name, stage)
            if stage.resource is not None and stage.duration is not None:
                s.pool = self.pools[stage.resource]
                dist = stage.duration
                s.duration = Stream(generator(seed, replication, f"duration:{name}"), dist.sample)
            if stage.error_rate:
                s.error = stream(f"error:{name}")
            if stage.on_defect is not None:
                s.on_defect = index[stage.on_defect]
                s.detect = stream(f"detect:{name}")
                if name in bounded:
                    s.slot = bounded.index(name)
            total = 0.0
            for branch in stage.next or []:
                target = index[branch.to]
                if branch.when is not None:
                    s.when.append((branch.when.compile(attr_index), target))
                elif branch.probability is not None:
                    total += branch.probability
                    s.prob_cum.append(total)
                    s.prob_targets.append(target)
                else:
                    s.default = target
            if s.prob_cum:
                s.route_draw = stream(f"route:{name}")
            if stage.split is not None and stage.join is not None:
                s.split = [index[b] for b in stage.split]
                s.join = index[stage.join]
            self.stages.append(s)

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
        self.sla_hits = [0] * len(process.slas)
        self._arrivals = [
            self._arrival_stream(seed, replication, a, index[process.entry_stage(a)], attr_index)
            for a in process.arrivals
        ]
        self.checkpoints: list[tuple[float, list[int]]] = []
        self.done = self.env.event()
        #: set when the backlog passed ``max_wip``: the run stopped early
        self.overflow = False

    # ----------------------------------------------------------------- arrivals

    def _arrival_stream(
        self, seed: int, replication: int, arrival: Any, entry: int, attr_index: dict[str, int]
    ) -> Callable[[simpy.Event], None]:
        mean_gap = 1.0 / arrival.rate_per_unit if arrival.rate_per_unit > 0 else math.inf
        gaps = Stream(
            generator(seed, replication, f"arrival:{arrival.name}"),
            lambda rng, n: rng.exponential(mean_gap, n),
        )
        drawers: list[tuple[int, Callable[[], Any]]] = []
        for name, attribute in arrival.attributes.items():
            source = f"attribute:{arrival.name}:{name}"
            if isinstance(attribute, CategoricalAttribute):
                values = list(attribute.values)
                cum: list[float] = []
                total = 0.0
                for p in attribute.values.values():
                    total += p
                    cum.append(total)
                draw = uniforms(seed, replication, source)
                drawers.append((attr_index[name], _categorical(draw, cum, values)))
            else:
                drawers.append(
                    (
                        attr_index[name],
                        Stream(generator(seed, replication, source), attribute.distribution.sample),
                    )
                )
        width = len(self.attribute_names)
        env = self.env
        warmup = self.settings.warmup
        max_wip = self.settings.max_wip
        slots = self.slots

        def arrive(_: simpy.Event) -> None:
            row: list[Any] = [None] * width
            for position, draw_value in drawers:
                row[position] = draw_value()
            now = env.now
            item = _Item(now, tuple(row), now >= warmup, slots)
            self.arrived += item.counted
            self.wip.move(now, 1)
            if self.wip.level > max_wip and not self.done.triggered:
                self.overflow = True  # hopelessly unstable: stop, memory stays bounded
                self.done.succeed()
            self.enter(item, entry)
            env.timeout(gaps()).callbacks.append(arrive)

        def first(_: simpy.Event) -> None:
            env.timeout(gaps()).callbacks.append(arrive)

        return first if mean_gap < math.inf else (lambda _: None)

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
            kind = stage.kind
            stage.visits += 1
            if kind == WORK:
                pool = stage.pool
                assert pool is not None
                if pool.free > 0:
                    pool.free -= 1
                    pool.busy.move(self.env.now, 1)
                    self._start(item, stage, 0.0)
                else:
                    item.enqueued = self.env.now
                    pool.queue.append((item, stage))
                    stage.queue.move(self.env.now, 1)
                return
            if kind == DECISION:
                index = self._route(item, stage)
                continue
            if kind == SPLIT:
                fork = _Fork(item, stage.join, len(stage.split))
                for branch in stage.split:
                    copy = _Item(item.arrived, item.attrs, item.counted, 0)
                    copy.defect = item.defect
                    copy.attempts = list(item.attempts)
                    copy.fork = fork
                    self.enter(copy, branch)
                return
            self._finish(item)
            return

    def _arrive_at_join(self, copy: _Item, fork: _Fork) -> None:
        fork.remaining -= 1
        fork.defect = fork.defect or copy.defect
        if fork.remaining == 0:
            # the merged item goes on, and the join stage works on it once
            item = fork.item
            item.defect = fork.defect
            item.fork = fork.outer
            self.enter(item, fork.join)

    def _start(self, item: _Item, stage: _Stage, wait: float) -> None:
        if item.counted:
            stage.waits.add(wait)
        assert stage.duration is not None
        event = self.env.timeout(stage.duration(), (item, stage))
        event.callbacks.append(self._complete)

    def _complete(self, event: simpy.Event) -> None:
        item, stage = cast(tuple[_Item, _Stage], event.value)
        pool = cast(_Pool, stage.pool)
        now = self.env.now
        if pool.queue:
            waiting, at = pool.queue.popleft()
            at.queue.move(now, -1)
            self._start(waiting, at, now - waiting.enqueued)
        else:
            pool.free += 1
            pool.busy.move(now, -1)
        if stage.error is not None and not item.defect and stage.error() < stage.error_rate:
            item.defect = True
        detect = stage.detect
        if detect is not None and item.defect and detect() < stage.detection_rate:
            slot = stage.slot
            if slot < 0 or item.attempts[slot] + 1 < stage.max_attempts:
                if slot >= 0:
                    item.attempts[slot] += 1
                item.defect = False
                self.reworks += item.counted
                self.enter(item, stage.on_defect)
                return
            self.exhausted += item.counted
        self.enter(item, self._route(item, stage))

    def _route(self, item: _Item, stage: _Stage) -> int:
        for predicate, target in stage.when:
            if predicate(item.attrs):
                return target
        if stage.route_draw is not None:
            u = stage.route_draw()
            k = bisect.bisect_right(stage.prob_cum, u)
            if k < len(stage.prob_targets):
                return stage.prob_targets[k]
        return stage.default

    def _finish(self, item: _Item) -> None:
        now = self.env.now
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
        for start in self._arrivals:
            env.timeout(0).callbacks.append(start)
        if settings.warmup > 0:
            env.timeout(settings.warmup).callbacks.append(self._end_warmup)

        def finish(_: simpy.Event) -> None:
            if not done.triggered:
                done.succeed()

        env.timeout(settings.horizon).callbacks.append(finish)
        interval = settings.horizon / CHECKPOINTS

        def check(_: simpy.Event) -> None:
            self.checkpoints.append((env.now, [s.queue.level for s in self.stages]))
            if env.now + interval < settings.horizon:
                env.timeout(interval).callbacks.append(check)

        env.timeout(interval).callbacks.append(check)
        env.run(until=done)
        return self._collect(self.overflow)

    def _end_warmup(self, _: simpy.Event) -> None:
        now = self.env.now
        self.wip.reset(now)
        for pool in self.pools.values():
            pool.busy.reset(now)
        for stage in self.stages:
            stage.queue.reset(now)
            stage.visits = 0

    def _collect(self, overflow: bool) -> Replication:
        now = self.env.now
        unit_hours = convert(1.0, self.process.time_unit, "hour")
        span = max(now - self.settings.warmup, 1e-12)
        hours = span * unit_hours
        k: dict[str, float] = {}
        k["throughput_per_hour"] = self.delivered / hours
        k["arrivals_per_hour"] = self.arrived / hours
        k["cycle_time.mean"] = self.cycle.mean
        for q in (50, 90, 95, 99):
            k[f"cycle_time.p{q}"] = self.cycle.quantile(q / 100)
        k["wip"] = self.wip.mean(now)
        k["backlog"] = float(self.wip.level)
        cost = sum(p.cost * p.servers for p in self.pools.values()) * hours
        k["cost_per_hour"] = cost / hours
        k["cost_per_item"] = cost / self.delivered if self.delivered else math.nan
        k["rework_rate"] = self.reworks / self.delivered if self.delivered else math.nan
        k["escaped_defect_rate"] = (
            self.delivered_defective / self.delivered if self.delivered else math.nan
        )
        k["rework_exhausted_rate"] = self.exhausted / self.delivered if self.delivered else math.nan
        for name, pool in self.pools.items():
            busy = pool.busy.mean(now)
            k[f"resources.{name}.utilization"] = busy / pool.servers if pool.servers else math.nan
            k[f"resources.{name}.busy"] = busy
        arrived = max(self.arrived, 1)
        for stage in self.stages:
            prefix = f"stages.{stage.name}"
            k[f"{prefix}.visits"] = stage.visits / arrived
            if stage.kind == WORK:
                k[f"{prefix}.waiting_time"] = stage.waits.mean
                k[f"{prefix}.waiting_time_p90"] = stage.waits.quantile(0.9)
                k[f"{prefix}.queue_length"] = stage.queue.mean(now)
                k[f"{prefix}.queue_length_max"] = float(stage.queue.maximum)
        for j, sla in enumerate(self.process.slas):
            if sla.metric == "cycle_time":
                value = self.sla_hits[j] / self.delivered if self.delivered else math.nan
            else:
                waits = self.stages[list(self.process.stages).index(sla.stage or "")].waits
                value = waits.fraction_at_most(sla.max)
            k[f"slas.{j}.attained"] = value
        growth = self._growth(unit_hours)
        stable = not overflow and not growth
        return Replication(k, stable, now, growth)

    def _growth(self, unit_hours: float) -> dict[str, float]:
        """Stages whose queue kept growing over the second half of the run (items per hour)."""
        if self.overflow:
            hours = max(self.env.now - self.settings.warmup, 1e-12) * unit_hours
            return {
                s.name: s.queue.level / hours
                for s in self.stages
                if s.queue.level > 0.1 * self.settings.max_wip
            }
        points = [p for p in self.checkpoints if p[0] >= self.settings.warmup]
        if len(points) < 6:
            return {}
        half = points[len(points) // 2 :]
        (t0, q0), (t1, q1) = half[0], half[-1]
        hours = (t1 - t0) * unit_hours
        if hours <= 0:
            return {}
        growing: dict[str, float] = {}
        for i, stage in enumerate(self.stages):
            rise = q1[i] - q0[i]
            # a stable queue fluctuates around a level; an unstable one keeps rising
            middle = half[len(half) // 2][1][i]
            if rise > 100 and rise > 0.25 * q0[i] and q0[i] < middle < q1[i]:
                growing[stage.name] = rise / hours
        return growing


def _categorical(
    draw: Callable[[], float], cum: list[float], values: list[Any]
) -> Callable[[], Any]:
    last = len(values) - 1

    def pick() -> Any:
        k = bisect.bisect_right(cum, draw() * cum[-1])
        return values[k if k <= last else last]

    return pick
