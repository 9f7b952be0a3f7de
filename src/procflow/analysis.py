"""The instant estimate: expected load on every staff pool, from queueing theory, no randomness.

Before simulating, a PM wants the back-of-the-envelope answer a workforce
planner would compute: how many times does an average item pass each stage
(rework loops and QC samples included), how many busy people does that take
in each pool, and can the pool keep up? This module answers by solving the
*traffic equations* of the process: the expected visits to each stage per
arriving item, from the routing probabilities, the conditions on item
attributes, and the defect/rework loops.

The routing is solved exactly as a Markov chain over (stage, item is defective,
rework attempts so far), separately for every group of items that the ``when``
conditions treat alike. Offered load on a pool is arrivals × visits × mean
handling time, in Erlangs (busy people). Shift calendars and shrinkage enter
as the average number of people working over the week; a pool short-staffed
on nights but fine on average is for the simulation to find. Waiting is estimated with Erlang C
(M/M/c) scaled by the handling-time variability (Allen–Cunneen), which is exact
for Poisson arrivals and exponential times and a good guide otherwise.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from procflow.expr import Expr
from procflow.model.process import CategoricalAttribute, Process, Stage

#: Above this many attribute combinations, routing groups are estimated from a fixed sample.
MAX_ENUMERATED_CLASSES = 20_000
SAMPLED_ITEMS = 4_000
#: Expected visits above this mean items (almost) never leave a loop.
MAX_VISITS = 1e6


@dataclass(frozen=True)
class PoolLoad:
    """Expected load on one staff pool."""

    name: str
    servers: float  #: people working on average (shifts and shrinkage included)
    offered_load: float  #: busy people needed on average (Erlangs)
    arrival_rate: float  #: tasks per time unit
    mean_service: float  #: mean handling time per task
    utilization: float  #: offered load / servers (inf with no servers)
    stable: bool
    wait_probability: float  #: chance a task waits (Erlang C)
    mean_wait: float  #: estimated mean wait in queue (Allen–Cunneen)

    @property
    def headroom(self) -> float:
        """Spare people on average (negative when overloaded)."""
        return self.servers - self.offered_load


@dataclass(frozen=True)
class StageLoad:
    """Expected flow through one stage."""

    name: str
    visits: float  #: expected visits per arriving item
    arrival_rate: float  #: visits per time unit
    mean_wait: float  #: estimated waiting before service (0 for stages without staff)
    mean_service: float


@dataclass(frozen=True)
class Capacity:
    """The analytic picture of a process: loads, stability, and a cycle-time estimate."""

    process: str
    time_unit: str
    arrival_rate: float
    stages: dict[str, StageLoad]
    pools: dict[str, PoolLoad]
    #: Expected visits per item are infinite: some loop never lets items out.
    endless: bool = False
    mean_cycle_time: float = math.nan
    notes: list[str] = field(default_factory=list)

    @property
    def stable(self) -> bool:
        """Whether every pool can keep up on average."""
        return not self.endless and all(p.stable for p in self.pools.values())

    def bottlenecks(self) -> list[PoolLoad]:
        """Pools ordered from the most to the least utilized."""
        return sorted(self.pools.values(), key=lambda p: p.utilization, reverse=True)


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arriving task waits in an M/M/c queue (1 when overloaded)."""
    if servers <= 0 or offered_load >= servers:
        return 1.0
    if offered_load <= 0:
        return 0.0
    erlang_b = 1.0
    for k in range(1, servers + 1):  # stable recursion for Erlang B
        erlang_b = offered_load * erlang_b / (k + offered_load * erlang_b)
    rho = offered_load / servers
    return erlang_b / (1 - rho * (1 - erlang_b))


def mmc_wait(servers: int, arrival_rate: float, mean_service: float) -> float:
    """Mean wait in queue of an M/M/c queue (inf when overloaded)."""
    load = arrival_rate * mean_service
    if servers <= 0 or load >= servers:
        return math.inf
    return erlang_c(servers, load) * mean_service / (servers - load)


def expected_maximum(means: list[float]) -> float:
    """E[max] of independent exponential times with these means (inclusion-exclusion).

    The copies of a split meet at the join when the slowest is done; with
    exponential branch times, E[max] = sum over non-empty subsets S of
    (-1)^(|S|+1) / sum(1/m for m in S). Exact for exponentials, a fair guide
    otherwise (two branches of mean 10 take 15 on average, not 10).
    """
    if any(math.isinf(m) for m in means):
        return math.inf
    rates = [1 / m for m in means if m > 0]
    if not rates:
        return 0.0
    if len(rates) > 12:
        return max(means)  # too many subsets; the largest mean is a lower bound
    total = 0.0
    for size in range(1, len(rates) + 1):
        sign = 1.0 if size % 2 else -1.0
        for subset in itertools.combinations(rates, size):
            total += sign / sum(subset)
    return total


# --------------------------------------------------------------------------- routing chain

#: (stage, defective, attempts per bounded review stage)
_State = tuple[str, bool, tuple[int, ...]]


class _Chain:
    """Expected visits per stage for items of one routing group (fixed truth of conditions)."""

    def __init__(self, process: Process, truth: Mapping[Expr, bool]) -> None:
        self.process = process
        self.truth = truth
        self.bounded = [n for n, s in self.process.stages.items() if s.max_attempts is not None]

    def route(self, stage: Stage) -> list[tuple[str, float]]:
        branches = stage.next or []
        for branch in branches:
            if branch.when is not None and self.truth.get(branch.when, False):
                return [(branch.to, 1.0)]
        drawn = [
            (b.to, min(max(b.probability, 0.0), 1.0)) for b in branches if b.probability is not None
        ]
        taken = sum(p for _, p in drawn)
        out = [(to, p) for to, p in drawn if p > 0]
        default = [b.to for b in branches if b.is_default]
        if default and taken < 1:
            out.append((default[0], 1 - taken))
        return out

    def steps(self, state: _State) -> list[tuple[_State, float]]:
        """Where an item in ``state`` goes next, with probabilities (not for splits)."""
        name, defect, attempts = state
        stage = self.process.stages[name]
        if stage.end:
            return []
        result: list[tuple[_State, float]] = []
        going_on = 1.0
        # a review first catches the defect the item arrived with ...
        if stage.on_defect is not None and defect:
            d = min(max(stage.detection_rate or 0.0, 0.0), 1.0)
            slot = self.bounded.index(name) if name in self.bounded else None
            exhausted = (
                slot is not None
                and stage.max_attempts is not None
                and attempts[slot] + 1 >= stage.max_attempts
            )
            if d > 0 and not exhausted:
                counted = attempts
                if slot is not None:
                    counted = (*attempts[:slot], attempts[slot] + 1, *attempts[slot + 1 :])
                if stage.on_defect in self.process.stages:
                    result.append(((stage.on_defect, False, counted), d))
                going_on = 1 - d
        # ... then the work of this stage may leave a defect of its own on the item going on
        outcomes: list[tuple[bool, float]] = [(defect, going_on)]
        if stage.error_rate and not defect:
            e = min(max(stage.error_rate, 0.0), 1.0)
            outcomes = [(True, going_on * e), (False, going_on * (1 - e))]
        for is_defect, p in outcomes:
            for target, q in self.route(stage):
                if target in self.process.stages and p * q > 0:
                    result.append(((target, is_defect, attempts), p * q))
        return result

    def solve(
        self, start: Mapping[_State, float], stop: str | None, wait: Mapping[str, float]
    ) -> tuple[dict[str, float], dict[_State, float], float]:
        """Visits per stage, the flow arriving at ``stop``, and the expected time spent.

        Items starting in ``start`` (with weights) move until an end, or until
        they arrive at ``stop`` (the join of the split being solved).
        """
        index: dict[_State, int] = {}
        order: list[_State] = []
        edges: list[tuple[int, int, float]] = []
        exits: list[tuple[int, _State, float]] = []
        extra_visits: dict[int, dict[str, float]] = {}
        extra_time: dict[int, float] = {}
        pending = list(start)
        for s in pending:
            index[s] = len(order)
            order.append(s)
        while pending:
            state = pending.pop()
            i = index[state]
            stage = self.process.stages[state[0]]
            if stage.split is not None and stage.join is not None:
                successors, extra_visits[i], extra_time[i] = self._split(state, stage, wait)
            else:
                successors = self.steps(state)
            for target, p in successors:
                if stop is not None and target[0] == stop:
                    exits.append((i, target, p))
                    continue
                if target not in index:
                    index[target] = len(order)
                    order.append(target)
                    pending.append(target)
                edges.append((i, index[target], p))
            if len(order) > 50_000:
                raise OverflowError("routing chain too large")
        n = len(order)
        matrix = np.eye(n)
        for i, j, p in edges:
            matrix[j, i] -= p
        rhs = np.zeros(n)
        for s, w in start.items():
            rhs[index[s]] += w
        try:
            v = np.linalg.solve(matrix, rhs)
        except np.linalg.LinAlgError:
            raise OverflowError("endless loop") from None
        if not np.all(np.isfinite(v)) or v.max(initial=0) > MAX_VISITS or v.min(initial=0) < -1e-9:
            raise OverflowError("endless loop")
        per_state: list[float] = v.tolist()
        visits: dict[str, float] = defaultdict(float)
        time = 0.0
        for i, state in enumerate(order):
            visits[state[0]] += per_state[i]
            time += per_state[i] * wait.get(state[0], 0.0)
            for stage_name, count in extra_visits.get(i, {}).items():
                visits[stage_name] += per_state[i] * count
            time += per_state[i] * extra_time.get(i, 0.0)
        arrived: dict[_State, float] = defaultdict(float)
        for i, target, p in exits:
            arrived[target] += per_state[i] * p
        return dict(visits), dict(arrived), time

    def _split(
        self, state: _State, stage: Stage, wait: Mapping[str, float]
    ) -> tuple[list[tuple[_State, float]], dict[str, float], float]:
        """Fork into the branches, solve each up to the join, and merge (any defect survives)."""
        assert stage.split is not None and stage.join is not None
        _, defect, attempts = state
        visits: dict[str, float] = defaultdict(float)
        clean = 1.0
        branch_times: list[float] = []
        for branch in stage.split:
            if branch not in self.process.stages:
                continue
            sub_visits, arrived, seconds = self.solve(
                {(branch, defect, attempts): 1.0}, stage.join, wait
            )
            for name, count in sub_visits.items():
                visits[name] += count
            total = sum(arrived.values())
            defective = sum(w for s, w in arrived.items() if s[1])
            clean *= 1 - (defective / total if total > 0 else 0.0)
            branch_times.append(seconds)
        longest = expected_maximum(branch_times)
        join = stage.join
        if join not in self.process.stages:
            return [], dict(visits), longest  # a misspelt join: lint reports it
        merged = [((join, True, attempts), 1 - clean), ((join, False, attempts), clean)]
        return [(s, p) for s, p in merged if p > 0], dict(visits), longest


# --------------------------------------------------------------------------- routing groups


def _conditions(process: Process) -> list[Expr]:
    found: dict[str, Expr] = {}
    for stage in process.stages.values():
        for branch in stage.next or []:
            if branch.when is not None:
                found.setdefault(str(branch.when), branch.when)
    return list(found.values())


def routing_groups(
    process: Process, conditions: list[Expr], arrival_index: int
) -> list[tuple[float, dict[Expr, bool]]]:
    """The distinct truth assignments of ``conditions`` for items of arrival stream
    ``arrival_index``, with their shares (exact for categorical attributes, sampled
    with a fixed seed for numeric ones). A missing attribute makes comparisons false."""
    arrival = process.arrivals[arrival_index]
    used = sorted({name for c in conditions for name in c.attributes()})
    categorical: list[tuple[str, list[tuple[object, float]]]] = []
    numeric = False
    for name in used:
        attribute = arrival.attributes.get(name)
        if isinstance(attribute, CategoricalAttribute):
            total = sum(max(p, 0.0) for p in attribute.values.values()) or 1.0
            categorical.append(
                (name, [(v, max(p, 0.0) / total) for v, p in attribute.values.items()])
            )
        elif attribute is not None:
            numeric = True
    combos = math.prod(len(values) for _, values in categorical)
    shares: dict[tuple[bool, ...], float] = defaultdict(float)
    if not numeric and combos <= MAX_ENUMERATED_CLASSES:
        names = [n for n, _ in categorical]
        for combo in itertools.product(*(values for _, values in categorical)):
            item: dict[str, object] = {n: v for n, (v, _) in zip(names, combo, strict=True)}
            weight = math.prod(p for _, p in combo)
            shares[tuple(c.evaluate(item) for c in conditions)] += weight
    else:
        rng = np.random.default_rng(20_240_601)
        columns: dict[str, list[object]] = {}
        for name in used:
            attribute = arrival.attributes.get(name)
            if isinstance(attribute, CategoricalAttribute):
                values = list(attribute.values)
                probs = np.array([max(p, 0.0) for p in attribute.values.values()])
                picks = rng.choice(len(values), SAMPLED_ITEMS, p=probs / probs.sum())
                columns[name] = [values[k] for k in picks]
            elif attribute is not None:
                columns[name] = list(attribute.distribution.sample(rng, SAMPLED_ITEMS))
        for k in range(SAMPLED_ITEMS):
            item = {name: column[k] for name, column in columns.items()}
            shares[tuple(c.evaluate(item) for c in conditions)] += 1 / SAMPLED_ITEMS
    return [(share, dict(zip(conditions, truth, strict=True))) for truth, share in shares.items()]


# --------------------------------------------------------------------------- the solver


def stage_visits(process: Process) -> dict[str, float] | None:
    """Expected visits per stage per arriving item (all streams), or None for an endless loop."""
    visits = _visits(process, {})
    return None if visits is None else visits[0]


def _visits(process: Process, wait: Mapping[str, float]) -> tuple[dict[str, float], float] | None:
    total_rate = sum(a.rate_per_unit for a in process.arrivals)
    conditions = _conditions(process)
    visits: dict[str, float] = defaultdict(float)
    cycle = 0.0
    for k, arrival in enumerate(process.arrivals):
        share = arrival.rate_per_unit / total_rate if total_rate > 0 else 1 / len(process.arrivals)
        entry = process.entry_stage(arrival)
        if entry not in process.stages:
            continue
        for weight, truth in routing_groups(process, conditions, k):
            chain = _Chain(process, truth)
            start: _State = (entry, False, tuple(0 for _ in chain.bounded))
            try:
                got, _, time = chain.solve({start: 1.0}, None, wait)
            except OverflowError:
                return None
            for name, count in got.items():
                visits[name] += share * weight * count
            cycle += share * weight * time
    return dict(visits), cycle


def analyze(process: Process) -> Capacity:
    """Solve the traffic equations of a process and estimate load, waiting and stability."""
    total_rate = sum(a.rate_per_unit for a in process.arrivals)
    solved = _visits(process, {})
    if solved is None:
        return Capacity(
            process.name,
            process.time_unit,
            total_rate,
            {},
            {},
            endless=True,
            notes=["some loop never lets items out, so the expected work per item is infinite"],
        )
    visits, _ = solved
    pools = _pool_loads(process, visits, total_rate)
    wait: dict[str, float] = {}
    stages: dict[str, StageLoad] = {}
    for name, stage in process.stages.items():
        v = visits.get(name, 0.0)
        service = stage.duration.mean if stage.duration is not None else 0.0
        w = 0.0
        if stage.resource in pools:
            pool = pools[stage.resource]
            w = pool.mean_wait * (1 + stage.duration.scv if stage.duration else 1.0) / 2
        wait[name] = w + service
        stages[name] = StageLoad(name, v, v * total_rate, w, service)
    timed = _visits(process, wait)
    cycle = timed[1] if timed is not None else math.inf
    return Capacity(
        process.name, process.time_unit, total_rate, stages, pools, mean_cycle_time=cycle
    )


def _pool_loads(process: Process, visits: Mapping[str, float], rate: float) -> dict[str, PoolLoad]:
    load: dict[str, float] = defaultdict(float)
    tasks: dict[str, float] = defaultdict(float)
    for name, stage in process.stages.items():
        if stage.resource is None or stage.duration is None:
            continue
        per_time = visits.get(name, 0.0) * rate
        tasks[stage.resource] += per_time
        load[stage.resource] += per_time * stage.duration.mean
    pools: dict[str, PoolLoad] = {}
    for name, resource in process.resources.items():
        a, lam = load.get(name, 0.0), tasks.get(name, 0.0)
        # people working on average: shifts averaged over the week, less shrinkage
        c = resource.capacity
        service = a / lam if lam > 0 else 0.0
        utilization = a / c if c > 0 else (math.inf if a > 0 else 0.0)
        stable = a < c or a == 0
        whole = int(c)
        pw = erlang_c(whole, a) if a < whole else (1.0 if a > 0 else 0.0)
        wq = pw * service / (c - a) if stable and a > 0 else (0.0 if a == 0 else math.inf)
        pools[name] = PoolLoad(name, c, a, lam, service, utilization, stable, pw, wq)
    return pools
