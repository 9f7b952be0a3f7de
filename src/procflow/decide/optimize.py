"""The cheapest staffing that meets every SLA.

The PM gives bounds on the headcount of some pools ("annotators 36 to 48,
QC reviewers 6 to 12") and optionally a ceiling on utilization (people cannot
be 97% busy for long). procflow then:

1. lists every staffing in the bounds and prices it (paid staff per hour);
2. prunes, with the analytic model, every plan whose pools cannot keep up on
   average (or exceed the utilization ceiling): the load a pool receives does
   not depend on staffing, so this is exact and instant;
3. simulates the survivors from the cheapest up, a few at a time, until one
   meets every SLA and stays stable (and under the ceiling): that is the plan;
   the next cheapest ones that also pass are the runners-up.

A plan meets an SLA only when the interval says so: the lower bound of its
attainment at or above the target. A plan whose interval straddles the target is
*undecided*, and the answer says so ("undecided: add replications") rather than
guess; ``--precision`` adds replications until the intervals are narrow. An
``auto`` warm-up is chosen once, on the process as given, for every plan.

When no pool has a ``cost_per_hour`` every plan costs 0: the search then
minimises the heads in the searched pools instead, and says so. Plans that cost
the same are taken with fewer heads first.

Only pools staffed with a fixed ``count`` can be searched.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping

from procflow.analysis import analyze
from procflow.decide.sweep import run_points
from procflow.lint.runner import refuse_broken
from procflow.model.process import Process
from procflow.model.quantities import counted
from procflow.model.settings import RunSettings
from procflow.model.staffing import working_people
from procflow.results import Candidate, Optimization, staff_cost
from procflow.sim.executor import Executor
from procflow.sim.runner import Progress, settle

MAX_CANDIDATES = 200_000


class OptimizeError(ValueError):
    """The search cannot be set up (unknown pool, a calendar pool, empty bounds)."""


def optimize(
    process: Process,
    bounds: Mapping[str, tuple[int, int]],
    settings: RunSettings,
    *,
    max_utilization: float | None = None,
    replications: int | None = None,
    seed: int | None = None,
    runners_up: int = 3,
    batch: int = 4,
    max_simulated: int = 40,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Optimization:
    """Search the staffing within ``bounds`` for the cheapest plan that meets every SLA.

    Raises :class:`LintError` if lint finds errors in the process.
    """
    refuse_broken(process)
    settings = settings.with_runs(replications, seed)
    for pool, (low, high) in bounds.items():
        resource = process.resources.get(pool)
        if resource is None:
            raise OptimizeError(f"there is no staff pool {pool!r}")
        if resource.count is None:
            raise OptimizeError(f"{pool!r} is staffed by calendar or teams; only count can vary")
        if not 0 <= low <= high:
            raise OptimizeError(f"bounds for {pool!r} must satisfy 0 <= low <= high")
    capacity = analyze(process)
    if capacity.endless:
        raise OptimizeError("some items loop forever; fix the process first (procflow lint)")
    loads = {name: pool.offered_load for name, pool in capacity.pools.items()}
    fixed_cost = sum(
        r.mean_staff * r.cost_per_hour for n, r in process.resources.items() if n not in bounds
    )
    pools = list(bounds)
    sizes = [range(bounds[p][0], bounds[p][1] + 1) for p in pools]
    total = math.prod(len(s) for s in sizes)
    if total > MAX_CANDIDATES:
        raise OptimizeError(
            f"{total:,} staffing plans; narrow the bounds (limit {MAX_CANDIDATES:,})"
        )
    candidates: list[Candidate] = []
    for combo in itertools.product(*sizes):
        counts = dict(zip(pools, combo, strict=True))
        utilization = 0.0
        for pool, n in counts.items():
            working = working_people(n, process.resources[pool].shrinkage)
            load = loads.get(pool, 0.0)
            if load > 0:
                utilization = max(utilization, load / working if working else math.inf)
        if utilization >= 1 or (max_utilization is not None and utilization > max_utilization):
            continue  # cannot keep up on average (or over the ceiling): no need to simulate
        cost = fixed_cost + sum(n * process.resources[p].cost_per_hour for p, n in counts.items())
        candidates.append(Candidate(counts, cost, utilization))
    # one warm-up for every plan, chosen on the process as given (--warmup auto)
    settings = settle([process], settings, executor, progress)
    pruned = total - len(candidates)
    candidates.sort(key=lambda c: (c.cost_per_hour, c.heads, c.max_utilization))
    costed = any(r.cost_per_hour > 0 for r in process.resources.values())
    simulated: list[Candidate] = []
    passing: list[Candidate] = []
    undecided: list[Candidate] = []
    index = 0
    while index < len(candidates) and len(simulated) < max_simulated:
        chunk = candidates[index : index + batch]
        index += batch
        points = run_points(
            process, [c.changes for c in chunk], settings, executor=executor, progress=progress
        )
        for candidate, point in zip(chunk, points, strict=True):
            candidate.point = point
            simulated.append(candidate)
            decision = candidate.decision(max_utilization)
            if decision == "passes":
                passing.append(candidate)
            elif decision == "undecided" and not passing:
                undecided.append(candidate)
        if len(passing) > runners_up:
            break
    notes = [] if costed else ["no pool has a cost: minimising heads"]
    if undecided:
        names = "; ".join(", ".join(f"{p} {n}" for p, n in c.counts.items()) for c in undecided)
        which = "cheaper than the best" if passing else "simulated"
        notes.append(
            f"undecided: add replications: {counted(len(undecided), 'plan')} {which} may meet "
            "every SLA "
            f"({names}), but an SLA's interval straddles its target (--replications, or "
            "--precision to add them until the intervals are narrow)"
        )
    if not candidates:
        notes.append("every plan in the bounds leaves some pool unable to keep up on average")
    elif not passing and not undecided:
        notes.append(
            f"none of the {len(simulated)} cheapest plans that keep up on average met every SLA"
        )
    return Optimization(
        process=process.name,
        settings=settings.to_dict(process.time_unit),
        best=passing[0] if passing else None,
        runners_up=passing[1 : runners_up + 1],
        simulated=simulated,
        total=total,
        pruned=pruned,
        baseline_cost_per_hour=staff_cost(process),
        max_utilization=max_utilization,
        notes=notes,
        objective="cost" if costed else "heads",
        undecided=undecided,
    )
