"""The instant estimate: expected load on every staff pool, from queueing theory, no randomness.

Before simulating, a PM wants the back-of-the-envelope answer a workforce planner
would compute: how many times does an average item pass each stage (rework loops
and QC samples included), how many busy people does that take in each pool, and
can the pool keep up? :func:`analyze` answers by solving the traffic equations
(:mod:`procflow.analysis.traffic`) for every class of items, then, per pool:

- **load**: arrivals × visits × mean handling time, in Erlangs (busy people);
- **people**: those working on average over the week (shifts less shrinkage,
  whole people per team: :func:`procflow.model.process.working_people`);
- **skills**: work that needs a skill only goes to the teams that have it, so the
  pool keeps up only if every group of skills does: the worst ratio of the work
  needing some skills to the people able to do it (a small max-flow problem);
- **waiting**: Erlang C, scaled for handling-time variability and solved exactly
  with escalation after a deadline (M/M/c+D) or after a patience distribution
  (M/M/c+G; Erlang A when it is exponential) (:mod:`procflow.analysis.queueing`). Escalation moves
  work elsewhere, which changes the loads, which change the waits: the analysis
  iterates to the fixed point.

The estimate is exact for the visits and quality figures that routing alone
decides, and a guide for waits: calendars enter as weekly averages (a thin night
shift is for the simulation and lint's PF402 to find), priorities are ignored,
and escalation shares are computed at average staffing. :attr:`Capacity.notes`
says which of these apply.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, cast

import networkx as nx

from procflow.analysis.acceptance import LotCurve, lot_curves
from procflow.analysis.classes import ItemClass, item_classes
from procflow.analysis.consensus import ConsensusFigures, consensus_figures
from procflow.analysis.gold import GoldFigures, gold_figures
from procflow.analysis.quality import Decisions, ReviewQuality
from procflow.analysis.quality import decisions as decision_figures
from procflow.analysis.quality import reviews as review_figures
from procflow.analysis.queueing import Arrivals, WaitModel, expected_maximum
from procflow.analysis.tenure import TenureFigures, by_tasks, tenure_figures
from procflow.analysis.traffic import Chain, ChainTooLarge, EndlessLoop, State, Tally
from procflow.flow.compiler import Flow, compile_flow
from procflow.flow.lots import LotRule, with_incoming
from procflow.flow.routing import Outcome, Row, StageRule
from procflow.model.process import Process
from procflow.model.tenure import NEW_HIRE
from procflow.results.jsonio import json_ready
from procflow.results.records import AnalyticCheck, Overload

#: Escalation shares are iterated until they move less than this.
_TOLERANCE = 1e-10
_MAX_ROUNDS = 200
#: Lot stages' incoming defect rates: solved to this precision, in at most this many rounds.
_LOT_TOLERANCE = 1e-9
_LOT_ROUNDS = 50


@dataclass(frozen=True)
class SkillLoad:
    """The work that needs some skills, against the people of the pool who have one of them."""

    skills: tuple[str, ...]
    offered_load: float  #: busy people the work needs on average
    servers: float  #: people able to do it, working on average

    @property
    def utilization(self) -> float:
        """Load ÷ people able to do it (inf without such people)."""
        if self.servers > 0:
            return self.offered_load / self.servers
        return math.inf if self.offered_load > 0 else 0.0


@dataclass(frozen=True)
class PoolLoad:
    """Expected load on one staff pool."""

    name: str
    servers: float  #: people working on average (shifts, shrinkage and teams included)
    offered_load: float  #: busy people needed on average (Erlangs)
    arrival_rate: float  #: tasks joining its queue per time unit
    mean_service: float  #: mean handling time per task worked on
    utilization: float  #: offered load / servers (inf with no servers)
    stable: bool  #: keeps up on average, every group of skills included
    wait_probability: float  #: chance a task waits
    mean_wait: float  #: mean wait in queue (Erlang C, Allen–Cunneen, escalation deadlines)
    service_scv: float = 1.0  #: squared coefficient of variation of handling time
    #: per skill its load and the people having it; the group that limits the pool first
    skills: tuple[SkillLoad, ...] = ()
    tightest: SkillLoad | None = None

    @property
    def headroom(self) -> float:
        """Spare people on average (negative when overloaded)."""
        return self.servers - self.offered_load

    @property
    def peak_utilization(self) -> float:
        """The utilization of the group of skills that limits the pool (its own without teams)."""
        return max(self.utilization, self.tightest.utilization if self.tightest else 0.0)


@dataclass(frozen=True)
class StageLoad:
    """Expected flow through one stage."""

    name: str
    visits: float  #: expected visits per arriving item
    arrival_rate: float  #: visits per time unit
    mean_wait: float  #: estimated waiting before service (0 for stages without staff)
    mean_service: float
    #: items per arriving item that left the queue by escalation
    escalated: float = 0.0
    #: the visits if no item escalated, and if every item that can escalate did: equal
    #: when the visits follow from routing alone, not from how long queues are
    visits_range: tuple[float, float] = (math.nan, math.nan)

    @property
    def exact(self) -> bool:
        """Whether the visits follow from routing alone (escalation does not change them)."""
        low, high = self.visits_range
        return math.isnan(low) or high - low <= 1e-9 * max(1.0, high)


@dataclass(frozen=True)
class Quality:
    """What routing alone says of quality, per item (exact, no queueing involved)."""

    reworks: float  #: defects sent back to rework, per arriving item
    exhausted: float  #: defects caught on the last allowed attempt, per arriving item
    delivered: float  #: share of arriving items that reach an end
    escaped: float  #: share of delivered items that carry a defect
    #: with a truth: the final decisions against it
    decisions: Decisions | None = None
    #: per review (with truth, or a false-flag rate): what it measures, and the truth
    reviews: dict[str, ReviewQuality] = field(default_factory=dict)


@dataclass(frozen=True)
class Capacity:
    """The analytic picture of a process: loads, stability, quality and a cycle-time estimate."""

    process: str
    time_unit: str
    arrival_rate: float
    stages: dict[str, StageLoad]
    pools: dict[str, PoolLoad]
    #: a loop items can cycle through forever (stage names, first and last the same)
    loop: tuple[str, ...] | None = None
    #: the stage whose route closes that loop, and whether it is a review's on_defect
    loop_closed_by: tuple[str, bool] | None = None
    quality: Quality | None = None
    mean_cycle_time: float = math.nan
    notes: list[str] = field(default_factory=list)
    #: the OC curve of each lot stage (see :mod:`procflow.analysis.acceptance`)
    lots: tuple[LotCurve, ...] = ()
    #: per consensus stage: labels per item, consensus accuracy, disagreement (exact)
    consensus: tuple[ConsensusFigures, ...] = ()
    #: per gold stage: gold tasks per real one, each person's first, the true accuracy
    gold: tuple[GoldFigures, ...] = ()
    #: per work stage with new hires and a sampled review: each group's escaped defects
    tenure: tuple[TenureFigures, ...] = ()

    @property
    def endless(self) -> bool:
        """Expected visits per item are infinite: some loop never lets items out."""
        return self.loop is not None

    @property
    def stable(self) -> bool:
        """Whether every pool, and every group of skills within one, keeps up on average."""
        return not self.endless and all(p.stable for p in self.pools.values())

    def bottlenecks(self) -> list[PoolLoad]:
        """Pools ordered from the most to the least utilized (skills included)."""
        return sorted(self.pools.values(), key=lambda p: p.peak_utilization, reverse=True)

    def overloads(self) -> list[Overload]:
        """The pools, and groups of skills within pools, whose work exceeds their people."""
        found = []
        for pool in self.bottlenecks():
            if pool.offered_load > 0 and pool.offered_load >= pool.servers:
                found.append(Overload(pool.name, pool.offered_load, pool.servers))
            elif pool.tightest is not None and pool.tightest.utilization >= 1:
                tight = pool.tightest
                found.append(Overload(pool.name, tight.offered_load, tight.servers, tight.skills))
            elif not pool.stable:
                found.append(Overload(pool.name, pool.offered_load, pool.servers))
        return found

    def to_json(self) -> dict[str, Any]:
        """The estimate as ``procflow analyze --format json`` prints it (null for inf/NaN)."""
        document = {
            "process": self.process,
            "time_unit": self.time_unit,
            "arrival_rate": self.arrival_rate,
            "stable": self.stable,
            "endless": self.endless,
            "loop": list(self.loop) if self.loop else None,
            "mean_cycle_time": self.mean_cycle_time,
            "pools": {name: asdict(p) for name, p in self.pools.items()},
            "stages": {name: {**asdict(s), "exact": s.exact} for name, s in self.stages.items()},
            "quality": asdict(self.quality) if self.quality else None,
            "consensus": {c.stage: asdict(c) for c in self.consensus},
            "gold": {g.stage: asdict(g) for g in self.gold},
            "new_hires": [
                {**asdict(t), "escaped": t.escaped, "sampled": t.sampled} for t in self.tenure
            ],
            "overloads": [asdict(o) for o in self.overloads()],
            "notes": list(self.notes),
            "lots": [asdict(curve) for curve in self.lots],
        }
        return json_ready(document)  # type: ignore[no-any-return]

    def check(self) -> AnalyticCheck:
        """What the analysis says about keeping up, for a simulation's verdict."""
        return AnalyticCheck(self.stable, tuple(self.overloads()), self.endless)


def analyze(process: Process, flow: Flow | None = None) -> Capacity:
    """Solve the traffic equations of a process and estimate load, waiting and stability.

    ``flow`` is the process compiled (:func:`~procflow.flow.compile_flow`), when the
    caller has it already."""
    flow = flow if flow is not None else compile_flow(process)
    total_rate = sum(a.rate_per_unit for a in process.arrivals)
    classes = [c for k in range(len(process.arrivals)) for c in item_classes(flow, k)]
    weights = _weights(process, classes, total_rate)
    escalating = [r.index for r in flow.rules if r.escalation is not None]
    #: people working per pool, averaged over the week (computed once: calendars are slow)
    servers = {name: resource.capacity for name, resource in process.resources.items()}
    try:
        if any(r.lots is not None for r in flow.rules):
            flow = _settle_lots(flow, classes, weights)
        escalation: dict[int, float] = {i: 0.0 for i in escalating}
        outcomes: dict[tuple[Row, State], list[Outcome]] = {}
        tally, per_class = _traffic(flow, classes, weights, escalation, {}, outcomes)
        if NEW_HIRE in flow.attributes:  # the new hires' share of the items, by their tasks
            weights = by_tasks(flow, classes, weights, per_class)
            tally, per_class = _traffic(flow, classes, weights, escalation, {}, outcomes)
        models: dict[str, WaitModel] = {}
        step, last = 1.0, math.inf  # a full step while it converges, halved if it swings
        for _ in range(_MAX_ROUNDS if escalating else 1):
            models = _wait_models(flow, tally, total_rate, servers)
            updated = {i: _escalation_share(flow, models, i) for i in escalating}
            moved = max((abs(updated[i] - escalation[i]) for i in escalating), default=0.0)
            if moved < _TOLERANCE:
                break
            if moved > 0.5 * last:
                step = max(step / 2, 1 / 16)
            last = moved
            escalation = {
                i: escalation[i] + step * (updated[i] - escalation[i]) for i in escalating
            }
            tally, per_class = _traffic(flow, classes, weights, escalation, {}, outcomes)
        ranges = _visit_ranges(flow, classes, weights, escalating, tally, outcomes)
    except EndlessLoop as loop:
        return _endless(process, total_rate, flow, loop)
    except ChainTooLarge:
        return Capacity(
            process.name,
            process.time_unit,
            total_rate,
            {},
            {},
            notes=["the routing chain is too large to solve (many bounded reviews in a row)"],
        )
    pools = _pool_loads(process, flow, classes, tally, per_class, weights, models, total_rate)
    stages: dict[str, StageLoad] = {}
    visit_time: dict[int, float] = {}
    for rule in flow.rules:
        visits = tally.visits.get(rule.index, 0.0)
        service = rule.duration.mean if rule.duration is not None else 0.0
        wait = 0.0
        escalated = tally.escalated.get(rule.index, 0.0)
        if rule.pool is not None and rule.pool in models:
            patience = rule.escalation.patience if rule.escalation else math.inf
            wait = models[rule.pool].mean_wait(patience)
            share = escalated / visits if visits > 0 else 0.0
            visit_time[rule.index] = _visit_time(rule, wait + (1 - share) * service)
        stages[rule.name] = StageLoad(
            rule.name, visits, visits * total_rate, wait, service, escalated, ranges[rule.index]
        )
    cycle = math.inf
    if all(p.stable for p in pools.values()):
        timed, _ = _traffic(flow, classes, weights, escalation, visit_time, outcomes)
        cycle = timed.time
    delivered = tally.delivered
    quality = Quality(
        reworks=sum(tally.caught.values()) + sum(tally.flagged.values()),
        exhausted=sum(tally.exhausted.values()),
        delivered=delivered,
        escaped=tally.delivered_defective / delivered if delivered > 0 else math.nan,
        decisions=(
            decision_figures(flow.truth, classes, weights, per_class)
            if flow.truth is not None
            else None
        ),
        reviews=review_figures(flow, tally),
    )
    return Capacity(
        process.name,
        process.time_unit,
        total_rate,
        stages,
        pools,
        quality=quality,
        mean_cycle_time=cycle,
        notes=_notes(process, flow, escalating),
        lots=lot_curves(flow),
        consensus=tuple(consensus_figures(flow)),
        gold=tuple(gold_figures(flow)),
        tenure=tuple(tenure_figures(flow, classes, weights)),
    )


def _settle_lots(flow: Flow, classes: Sequence[ItemClass], weights: Sequence[float]) -> Flow:
    """The flow with each lot stage's incoming defect rate, which the chain itself gives.

    A lot stage's decisions depend on the defect rate of the items reaching it, and
    what reaches it may depend on its decisions (rejected lots reworked and sent back):
    solved as a fixed point, starting from no defects (a few rounds; one when nothing
    leads back to the stage).
    """
    lots = [r.index for r in flow.rules if r.lots is not None]
    for _ in range(_LOT_ROUNDS):
        tally, _ = _traffic(flow, classes, weights, {}, {}, {})
        rates = {
            i: tally.defective_visits.get(i, 0.0) / visits if visits > 0 else 0.0
            for i in lots
            for visits in [tally.visits.get(i, 0.0)]
        }
        moved = max(abs(rates[i] - cast(LotRule, flow.rules[i].lots).incoming) for i in lots)
        flow = with_incoming(flow, rates)
        if moved < _LOT_TOLERANCE:
            break
    return flow


def _visit_time(rule: StageRule, task: float) -> float:
    """An item's time at a stage whose tasks each take ``task`` (wait and work).

    A consensus takes its labels: the first ``fewest`` at once in parallel mode (the
    slowest decides, as at a split's join), then the others one after another.
    """
    consensus = rule.consensus
    if consensus is None:
        return task
    if not consensus.parallel:
        return rule.tasks * task
    return expected_maximum([task] * consensus.fewest) + (rule.tasks - consensus.fewest) * task


def _weights(process: Process, classes: Sequence[ItemClass], total_rate: float) -> list[float]:
    """Each class's share of all arriving items."""
    streams = process.arrivals
    return [
        c.share
        * (streams[c.stream].rate_per_unit / total_rate if total_rate > 0 else 1 / len(streams))
        for c in classes
    ]


def _traffic(
    flow: Flow,
    classes: Sequence[ItemClass],
    weights: Sequence[float],
    escalation: Mapping[int, float],
    visit_time: Mapping[int, float],
    outcomes: dict[tuple[Row, State], list[Outcome]] | None = None,
) -> tuple[Tally, list[Tally]]:
    """The tally per arriving item over all classes, and per class.

    ``outcomes`` keeps each state's outcomes between calls (they do not change).
    """
    total = Tally()
    per_class: list[Tally] = []
    entries = dict(flow.entries)
    for item_class, weight in zip(classes, weights, strict=True):
        entry = entries[item_class.stream]
        if entry < 0:
            per_class.append(Tally())
            continue
        tally = Chain(flow, item_class.row, escalation, visit_time, outcomes).start(entry)
        per_class.append(tally)
        total.add(tally, weight)
    return total, per_class


def _visit_ranges(
    flow: Flow,
    classes: Sequence[ItemClass],
    weights: Sequence[float],
    escalating: Sequence[int],
    tally: Tally,
    outcomes: dict[tuple[Row, State], list[Outcome]],
) -> dict[int, tuple[float, float]]:
    """Per stage, its visits if no item escalated and if every item that can escalate did."""
    if not escalating:
        return {r.index: (v, v) for r in flow.rules for v in [tally.visits.get(r.index, 0.0)]}
    extremes = [
        _traffic(flow, classes, weights, {i: p for i in escalating}, {}, outcomes)[0]
        for p in (0.0, 1.0)
    ]
    ranges: dict[int, tuple[float, float]] = {}
    for rule in flow.rules:
        values = [t.visits.get(rule.index, 0.0) for t in (tally, *extremes)]
        ranges[rule.index] = (min(values), max(values))
    return ranges


def _wait_models(
    flow: Flow, tally: Tally, rate: float, servers: Mapping[str, float]
) -> dict[str, WaitModel]:
    """The queue of every pool with work: its people, handling times and deadlines."""
    process = flow.process
    classes: dict[str, list[Arrivals]] = defaultdict(list)
    served: dict[str, float] = defaultdict(float)
    first: dict[str, float] = defaultdict(float)
    second: dict[str, float] = defaultdict(float)
    for rule in flow.rules:
        if rule.pool is None or rule.duration is None or rule.pool not in process.resources:
            continue
        visits = tally.visits.get(rule.index, 0.0) * rate * rule.worked
        patience = rule.escalation.patience if rule.escalation else math.inf
        classes[rule.pool].append(Arrivals(visits, patience))
        worked = visits - tally.escalated.get(rule.index, 0.0) * rate
        mean = rule.duration.mean
        served[rule.pool] += worked
        first[rule.pool] += worked * mean
        second[rule.pool] += worked * mean**2 * (1 + rule.duration.scv)
    models: dict[str, WaitModel] = {}
    for name, people in servers.items():
        mean = first[name] / served[name] if served[name] > 0 else 0.0
        scv = second[name] / served[name] / mean**2 - 1 if mean > 0 else 1.0
        models[name] = WaitModel(people, mean, classes.get(name, []), scv)
    return models


def _escalation_share(flow: Flow, models: Mapping[str, WaitModel], stage: int) -> float:
    """The chance that a task at ``stage`` leaves the queue before service (its patience)."""
    rule = flow.rules[stage]
    if rule.pool is None or rule.pool not in models or rule.escalation is None:
        return 0.0
    return models[rule.pool].abandon_probability(rule.escalation.patience)


def _pool_loads(
    process: Process,
    flow: Flow,
    classes: Sequence[ItemClass],
    tally: Tally,
    per_class: Sequence[Tally],
    weights: Sequence[float],
    models: Mapping[str, WaitModel],
    rate: float,
) -> dict[str, PoolLoad]:
    load: dict[str, float] = defaultdict(float)
    tasks: dict[str, float] = defaultdict(float)
    worked: dict[str, float] = defaultdict(float)
    for rule in flow.rules:
        if rule.pool is None or rule.duration is None:
            continue
        arriving = tally.visits.get(rule.index, 0.0) * rate * rule.worked
        served = arriving - tally.escalated.get(rule.index, 0.0) * rate
        tasks[rule.pool] += arriving
        worked[rule.pool] += served
        load[rule.pool] += served * rule.duration.mean
    pools: dict[str, PoolLoad] = {}
    for name, resource in process.resources.items():
        a, c = load.get(name, 0.0), resource.capacity
        model = models[name]
        skills, tightest = _skill_loads(process, flow, name, classes, per_class, weights, rate)
        utilization = a / c if c > 0 else (math.inf if a > 0 else 0.0)
        stable = model.stable and (tightest is None or tightest.utilization < 1)
        pools[name] = PoolLoad(
            name=name,
            servers=c,
            offered_load=a,
            arrival_rate=tasks.get(name, 0.0),
            mean_service=a / worked[name] if worked.get(name, 0.0) > 0 else 0.0,
            utilization=utilization,
            stable=stable,
            wait_probability=model.wait_probability(),
            mean_wait=model.mean_wait() if stable else math.inf,
            service_scv=2 * model.scale - 1,
            skills=skills,
            tightest=tightest,
        )
    return pools


def _skill_loads(
    process: Process,
    flow: Flow,
    pool: str,
    classes: Sequence[ItemClass],
    per_class: Sequence[Tally],
    weights: Sequence[float],
    rate: float,
) -> tuple[tuple[SkillLoad, ...], SkillLoad | None]:
    """Per skill the work needing it and the people having it; and the tightest group."""
    resource = process.resources[pool]
    if resource.teams is None:
        return (), None
    rules = [r for r in flow.rules if r.pool == pool and r.duration is not None]
    need: dict[str | None, float] = defaultdict(float)
    for item_class, tally, weight in zip(classes, per_class, weights, strict=True):
        for rule in rules:
            assert rule.duration is not None
            served = tally.visits.get(rule.index, 0.0) - tally.escalated.get(rule.index, 0.0)
            if served <= 0:
                continue
            skill = rule.skill
            if rule.skill_from >= 0:
                value = item_class.row[rule.skill_from]
                skill = None if value is None else str(value)
            need[skill] += weight * rate * served * rule.worked * rule.duration.mean
    teams = [(skills, profile.mean()) for skills, profile in resource.teams_working]

    def able(skill: str | None) -> float:
        return sum(c for skills, c in teams if skill is None or skills is None or skill in skills)

    per_skill = tuple(
        SkillLoad((skill,), load, able(skill))
        for skill, load in sorted(need.items(), key=lambda kv: str(kv[0]))
        if skill is not None
    )
    return per_skill, _tightest(need, teams)


def _tightest(
    need: Mapping[str | None, float], teams: Sequence[tuple[frozenset[str] | None, float]]
) -> SkillLoad | None:
    """The group of skills whose work is largest against the people able to do it.

    By the max-flow min-cut theorem the pool keeps up with every skill's work iff
    the flow from skills to teams can carry all of it; the smallest factor θ by
    which the teams' people must be multiplied for that, found by bisection, is
    the worst ratio over groups of skills, and the min cut names the group.
    """
    work = {s: v for s, v in need.items() if v > 0}
    if not work:
        return None

    def cut(theta: float) -> tuple[float, set[str]]:
        graph = nx.DiGraph()
        for skill, load in work.items():
            graph.add_edge("source", ("skill", skill), capacity=load)
            for t, (skills, _) in enumerate(teams):
                if skill is None or skills is None or skill in skills:
                    graph.add_edge(("skill", skill), ("team", t), capacity=math.inf)
        for t, (_, people) in enumerate(teams):
            graph.add_edge(("team", t), "sink", capacity=theta * people)
        graph.add_node("sink")
        value, (side, _) = nx.minimum_cut(graph, "source", "sink")
        return value, {n[1] for n in side if isinstance(n, tuple) and n[0] == "skill"}

    total = math.fsum(work.values())
    people = math.fsum(c for _, c in teams)
    if people <= 0:
        return SkillLoad(tuple(sorted(str(s) for s in work)), total, 0.0)
    low, high = 0.0, 1.0
    while cut(high)[0] < total * (1 - 1e-12):
        high *= 2
        if high > 1e12:  # some skill nobody has
            stuck = [s for s in work if not any(s is None or k is None or s in k for k, _ in teams)]
            load = math.fsum(work[s] for s in stuck)
            return SkillLoad(tuple(sorted(str(s) for s in stuck)), load, 0.0)
    for _ in range(60):
        middle = (low + high) / 2
        if cut(middle)[0] < total * (1 - 1e-12):
            low = middle
        else:
            high = middle
    _, group = cut(low)
    if not group:
        group = {s for s in work if s is not None}
    load = math.fsum(work[s] for s in group)
    able = math.fsum(
        c for skills, c in teams if any(s is None or skills is None or s in skills for s in group)
    )
    return SkillLoad(tuple(sorted(str(s) for s in group if s is not None)) or ("any",), load, able)


def _endless(process: Process, rate: float, flow: Flow, loop: EndlessLoop) -> Capacity:
    names = tuple(flow.name(i) for i in loop.cycle) or tuple(process.stages)[:1]
    closing = (flow.name(loop.closing_from), loop.caught) if loop.cycle else None
    return Capacity(
        process.name,
        process.time_unit,
        rate,
        {},
        {},
        loop=names,
        loop_closed_by=closing,
        notes=["some loop never lets items out, so the expected work per item is infinite"],
    )


def _notes(process: Process, flow: Flow, escalating: Sequence[int]) -> list[str]:
    """What the estimate assumes, where the process goes beyond it."""
    notes = []
    if any(
        r.calendar is not None or any(t.calendar for t in r.teams or [])
        for r in process.resources.values()
    ):
        notes.append(
            "shift calendars are averaged over the week: hours with too few people show in "
            "lint (PF402) and in the simulation"
        )
    if escalating:
        notes.append(
            "escalation shares are estimated at average staffing (Erlang C with patience: "
            "M/M/c+D for a fixed escalate_after, M/M/c+G for a distribution); "
            "stages whose visits depend on them are marked estimated"
        )
    if any(r.priority for r in flow.rules) or len({a.priority for a in process.arrivals}) > 1:
        notes.append("waits ignore priorities (first come, first served within a pool)")
    lots = [r.name for r in flow.rules if r.lots is not None]
    if lots:
        notes.append(
            f"lot stages ({', '.join(lots)}): lots are accepted or rejected by the defect rate "
            "of the items reaching them; the cycle time leaves out the wait for a lot to "
            "fill (simulate for it)"
        )
    return notes
