"""The cheapest staffing that meets every SLA.

The PM gives bounds on the headcount of some pools ("annotators 36 to 48,
QC reviewers 6 to 12") and optionally a ceiling on utilization (people cannot
be 97% busy for long). A pool with a calendar is bounded by its heads, the sum of
its shifts' counts, every shift scaled alike; a pool with teams by the heads of each
team (``--pool reviewers.indonesian=8:12``): the levers of :mod:`procflow.decide.levers`.
Without bounds every pool and team varies from 80% to 120% of today's heads, and
the answer says so. procflow then:

1. lists every staffing in the bounds and prices it (paid staff per hour);
2. prunes, with the analytic model, every plan whose pools cannot keep up on
   average (or exceed the utilization ceiling), for teams with skills whose
   teams having a skill cannot keep up with its work: the load a pool receives
   does not depend on staffing, so this is exact, and costs array sums
   (:func:`screen`); whether teams share the work well enough is left to the
   simulation, which never counts a person for two skills at once;
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
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from procflow.analysis import Capacity, analyze
from procflow.decide.levers import DEFAULT_FACTORS, Lever, default_levels, levers
from procflow.decide.sweep import run_points
from procflow.diagnostics.suggest import did_you_mean
from procflow.lint.runner import refuse_broken
from procflow.model.process import Process
from procflow.model.quantities import counted
from procflow.model.settings import RunSettings
from procflow.results import Candidate, Optimization, staff_cost
from procflow.sim.executor import Executor
from procflow.sim.runner import Progress, settle

MAX_CANDIDATES = 200_000


class OptimizeError(ValueError):
    """The search cannot be set up (unknown pool or team, empty bounds, too many plans)."""


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
    """Search the staffing within ``bounds`` (heads per lever: a pool, or ``pool.team``)
    for the cheapest plan that meets every SLA; with no bounds, every lever varies
    around today's heads (:data:`~procflow.decide.levers.DEFAULT_FACTORS`).

    Raises :class:`LintError` if lint finds errors in the process, and
    :class:`OptimizeError` for an unknown lever, empty bounds or too many plans.
    """
    refuse_broken(process)
    settings = settings.with_runs(replications, seed)
    dials = levers(process)
    levels = _levels(dials, bounds)
    capacity = analyze(process)
    if capacity.endless:
        raise OptimizeError("some items loop forever; fix the process first (procflow lint)")
    total = math.prod(len(v) for v in levels.values())
    if total > MAX_CANDIDATES:
        raise OptimizeError(
            f"{total:,} staffing plans; narrow the bounds (limit {MAX_CANDIDATES:,})"
        )
    varied = [d for d in dials if d.key in bounds] if bounds else dials
    grid = screen(capacity, dials, levels, {d.pool for d in varied})
    keep = grid.utilization < 1
    if max_utilization is not None:
        keep &= grid.utilization <= max_utilization
    order = np.flatnonzero(keep)
    order = order[np.lexsort((grid.utilization[order], grid.heads[order], grid.cost[order]))]
    # one warm-up for every plan, chosen on the process as given (--warmup auto)
    settings = settle([process], settings, executor, progress)
    pruned = total - len(order)
    costed = any(r.cost_per_hour > 0 for r in process.resources.values())
    simulated: list[Candidate] = []
    passing: list[Candidate] = []
    undecided: list[Candidate] = []
    index = 0
    while index < len(order) and len(simulated) < max_simulated:
        chunk = [_candidate(grid, int(i), varied) for i in order[index : index + batch]]
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
    if not bounds:
        low, high = min(DEFAULT_FACTORS), max(DEFAULT_FACTORS)
        notes.append(
            f"no --pool bounds: every pool and team varied from {low:.0%} to {high:.0%} of "
            "today's heads (" + "; ".join(f"{k} {v[0]}-{v[-1]}" for k, v in levels.items()) + ")"
        )
    if undecided:
        names = "; ".join(", ".join(f"{p} {n}" for p, n in c.counts.items()) for c in undecided)
        which = "cheaper than the best" if passing else "simulated"
        notes.append(
            f"undecided: add replications: {counted(len(undecided), 'plan')} {which} may meet "
            "every SLA "
            f"({names}), but an SLA's interval straddles its target (--replications, or "
            "--precision to add them until the intervals are narrow)"
        )
    if not len(order):
        notes.append("every plan in the bounds leaves some pool unable to keep up on average")
    if any(d.skills is not None for d in varied):
        notes.append(
            "teams with skills: the analysis only rules out plans whose teams cannot keep up "
            "with some skill's work; the simulation judges the rest (a person who has two "
            "skills is never counted for both)"
        )
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


@dataclass(frozen=True)
class Grid:
    """Every plan of a search as arrays: the level of each lever, the cost, heads, and the
    analytic utilization of the tightest pool or group of skills."""

    #: lever key -> the index of each plan's level (plans in grid order)
    index: dict[str, np.ndarray]
    levels: dict[str, list[int]]
    cost: np.ndarray
    heads: np.ndarray
    utilization: np.ndarray


def screen(
    capacity: Capacity,
    dials: Sequence[Lever],
    levels: Mapping[str, Sequence[int]],
    searched: set[str],
) -> Grid:
    """Price and screen every combination of ``levels``, with array sums only.

    Each ``searched`` pool must keep up on average with its work, and the teams
    having a skill with that skill's work: necessary conditions, none counting a person
    twice. The loads do not depend on the staffing, so a plan ruled out here would be
    overloaded in the simulation too.
    """
    shape = [len(levels[d.key]) for d in dials]
    flat = np.indices(shape).reshape(len(dials), -1)
    index = {d.key: flat[k] for k, d in enumerate(dials)}
    working = {d.key: d.working(levels[d.key])[index[d.key]] for d in dials}
    paid = {d.key: d.paid(levels[d.key])[index[d.key]] for d in dials}
    size = flat.shape[1]
    cost = sum((paid[d.key] * d.cost_per_hour for d in dials), np.zeros(size))
    heads = sum((np.asarray(levels[d.key])[index[d.key]] for d in dials), np.zeros(size))
    utilization = np.zeros(size)
    for name, pool in capacity.pools.items():
        if name not in searched:
            continue  # as it is today: the simulation says how it copes
        groups: list[tuple[frozenset[str] | None, float]] = [(None, pool.offered_load)]
        groups += [(frozenset(s.skills), s.offered_load) for s in pool.skills]
        for skills, load in groups:
            if load <= 0:
                continue
            able = sum(
                (
                    working[d.key]
                    for d in dials
                    if d.pool == name and (skills is None or d.skills is None or d.skills & skills)
                ),
                np.zeros(size),
            )
            with np.errstate(divide="ignore"):
                utilization = np.maximum(utilization, np.where(able > 0, load / able, np.inf))
    return Grid(index, {k: list(v) for k, v in levels.items()}, cost, heads, utilization)


def _levels(dials: Sequence[Lever], bounds: Mapping[str, tuple[int, int]]) -> dict[str, list[int]]:
    """The heads each lever takes: its bounds, today's alone, or with no bounds at all the
    default range around today."""
    keys = {d.key for d in dials}
    for key, (low, high) in bounds.items():
        if key not in keys:
            teams = sorted(k for k in keys if k.startswith(f"{key}."))
            hint = (
                f"; {key} has teams: bound each ({', '.join(teams)})"
                if teams
                else (f" ({did_you_mean(key, keys)})" if did_you_mean(key, keys) else "")
            )
            raise OptimizeError(f"there is no staff pool or team {key!r}{hint}")
        if not 0 <= low <= high:
            raise OptimizeError(f"bounds for {key!r} must satisfy 0 <= low <= high")
    return {
        d.key: (
            d.distinct(range(bounds[d.key][0], bounds[d.key][1] + 1))
            if d.key in bounds
            else [d.today]
            if bounds
            else default_levels(d)
        )
        for d in dials
    }


def _candidate(grid: Grid, plan: int, varied: Sequence[Lever]) -> Candidate:
    """The plan at position ``plan`` of the grid, with the changes of its varied levers."""
    counts = {d.key: grid.levels[d.key][grid.index[d.key][plan]] for d in varied}
    changes: dict[str, object] = {}
    for d in varied:
        changes.update(d.changes(counts[d.key]))
    return Candidate(
        counts,
        float(grid.cost[plan]),
        float(grid.utilization[plan]),
        plan_changes=changes,
        pools=tuple(dict.fromkeys(d.pool for d in varied)),
    )
