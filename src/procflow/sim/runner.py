"""Replications: pure functions of (process, settings, seed, replication), run on an executor.

Each replication draws from its own named random streams, so results are the
same whether replications run one after another, in local processes or on a
Dask cluster, and whatever their completion order. :func:`run_many` is the one
way every command runs its replications: ``simulate`` one process, ``compare``
a baseline and its scenarios, ``sweep`` and ``optimize`` many variants, all
sent to the executor at once so that it stays busy. With a precision
(``--precision 5%``) it runs in batches until the headline KPIs are precise
enough (:mod:`procflow.results.precision`); with ``--warmup auto`` a pilot
chooses the warm-up first (:mod:`procflow.sim.warmup`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from procflow.analysis import analyze
from procflow.eventlog.visit import EventSink
from procflow.lint.runner import refuse_broken
from procflow.model.process import Process
from procflow.model.quantities import convert
from procflow.model.settings import RunSettings
from procflow.results import Replication, Results, kpi_estimates, precision_of, summarize
from procflow.sim.engine import Engine
from procflow.sim.executor import Executor, LocalExecutor
from procflow.sim.stats import IntervalTally
from procflow.sim.warmup import PILOT, choose

Progress = Callable[[int, int], None]
#: One replication to run: (process, settings, seed, replication number).
Task = tuple[Process, RunSettings, int, int]


def run_replication(
    process: Process,
    settings: RunSettings,
    seed: int,
    replication: int,
    events: EventSink | None = None,
) -> Replication:
    """Simulate one replication (writing its event log to ``events``, if given).

    With ``settings.wait_intervals``, the waits of the pools named there are also
    counted per interval of the week (:class:`~procflow.sim.stats.IntervalTally`).
    """
    engine = Engine(process, settings, seed, replication, events)
    tallies = _interval_tallies(engine, settings)
    found = engine.run()
    if not tallies:
        return found
    return replace(found, by_interval={p: (t.tasks, t.met) for p, t in tallies.items()})


def _interval_tallies(engine: Engine, settings: RunSettings) -> dict[str, IntervalTally]:
    """Per-interval wait counters for the pools the settings name, shared by their stages."""
    asked = settings.wait_intervals
    if asked is None:
        return {}
    week = convert(1.0, "week", engine.process.time_unit)
    tallies = {pool: IntervalTally(asked.length, week, within) for pool, within in asked.within}
    for stage in engine.stages:
        if stage.queued and stage.rule.pool in tallies:
            stage.by_interval = tallies[stage.rule.pool]
    return tallies


def run_task(task: Task) -> Replication:
    """One replication from a task (for executors: a plain function of plain data)."""
    return run_replication(*task)


@dataclass
class Runs:
    """Every process's replications, and the settings they ran with (the warm-up chosen)."""

    settings: RunSettings
    runs: list[list[Replication]]


def settle(
    processes: Sequence[Process],
    settings: RunSettings,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> RunSettings:
    """The settings with an ``auto`` warm-up chosen on a pilot (given ones are unchanged).

    The pilot runs the first few replications of every process with no warm-up; the
    warm-up is the longest of the processes' MSER-5 choices, so that scenarios
    compared with each other are measured over the same window.
    """
    if not math.isnan(settings.warmup):
        return settings
    pilot = replace(
        settings, warmup=0.0, precision=None, replications=min(PILOT, settings.replications)
    )
    tried = _replicate(processes, pilot, executor or LocalExecutor(1), progress)
    return settings.with_warmup(max((choose(runs) for runs in tried), default=0.0))


def run_many(
    processes: Sequence[Process],
    settings: RunSettings,
    executor: Executor | None = None,
    progress: Progress | None = None,
    done: Sequence[Sequence[Replication]] = (),
) -> Runs:
    """Every process's replications ``0..n-1`` with the same seed, on one executor.

    With a precision, ``n`` grows batch by batch until every process's headline
    KPIs are precise enough or ``max_replications`` is reached; every process gets
    the same ``n``. An ``auto`` warm-up is chosen first (:func:`settle`). ``done``
    holds replications already run (from 0 on) per process. Each batch goes to
    the executor at once; the numbers do not depend on the executor, and
    replication ``r`` is the same whatever batch it ran in.
    """
    executor = executor or LocalExecutor(1)
    settings = settle(processes, settings, executor, progress)
    return Runs(settings, _replicate(processes, settings, executor, progress, done))


def _replicate(
    processes: Sequence[Process],
    settings: RunSettings,
    executor: Executor,
    progress: Progress | None,
    done: Sequence[Sequence[Replication]] = (),
) -> list[list[Replication]]:
    runs = [list(done[k]) if k < len(done) else [] for k in range(len(processes))]
    target = settings.replications
    while True:
        owners = [k for k, runs_k in enumerate(runs) for _ in range(len(runs_k), target)]
        tasks: list[Task] = [
            (processes[k], settings, settings.seed, r)
            for k, runs_k in enumerate(runs)
            for r in range(len(runs_k), target)
        ]
        finished = sum(len(r) for r in runs)
        total = finished + len(tasks)
        for count, (owner, result) in enumerate(
            zip(owners, executor.map(run_task, tasks), strict=True), start=1
        ):
            runs[owner].append(result)
            if progress:
                progress(finished + count, total)
        if settings.precision is None or target >= settings.max_replications:
            return runs
        precisions = [
            precision_of(p, settings, kpi_estimates(r))
            for p, r in zip(processes, runs, strict=True)
        ]
        if all(p is None or p.reached for p in precisions):
            return runs
        needed = max(p.needed for p in precisions if p is not None)
        target = min(settings.max_replications, max(needed, target + 1))


def run_replications(
    process: Process,
    settings: RunSettings,
    *,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> list[Replication]:
    """One process's replications (default: the settings' number and seed)."""
    settings = settings.with_runs(replications, seed)
    return run_many([process], settings, executor or LocalExecutor(jobs), progress).runs[0]


def summarize_runs(process: Process, settings: RunSettings, runs: Sequence[Replication]) -> Results:
    """Results of one process's replications, with the analysis's verdict beside them."""
    return summarize(process, settings, runs, analyze(process).check())


def simulate(
    process: Process,
    settings: RunSettings,
    *,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
    events: EventSink | None = None,
) -> Results:
    """Run the replications and summarize them (the whole of ``procflow simulate``).

    With ``events``, replication 0 runs in this process and writes its event log
    there; its numbers are the same as without a log. Raises :class:`LintError` if
    lint finds errors in the process.
    """
    refuse_broken(process)
    settings = settings.with_runs(replications, seed)
    executor = executor or LocalExecutor(jobs)
    settings = settle([process], settings, executor, progress)
    done = [[run_replication(process, settings, settings.seed, 0, events)]] if events else []
    runs = run_many([process], settings, executor, progress, done).runs[0]
    return summarize_runs(process, settings, runs)
