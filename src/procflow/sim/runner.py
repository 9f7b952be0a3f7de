"""Replications: pure functions of (process, settings, seed, replication), run on an executor.

Each replication draws from its own named random streams, so results are the
same whether replications run one after another, in local processes or on a
Dask cluster, and whatever their completion order. :func:`run_many` is the one
way every command runs its replications: ``simulate`` one process, ``compare``
a baseline and its scenarios, ``sweep`` and ``optimize`` many variants, all
sent to the executor at once so that it stays busy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from procflow.analysis import analyze
from procflow.eventlog.visit import EventSink
from procflow.lint.runner import refuse_broken
from procflow.model.process import Process
from procflow.model.settings import RunSettings
from procflow.results import Replication, Results, summarize
from procflow.sim.engine import Engine
from procflow.sim.executor import Executor, LocalExecutor

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
    """Simulate one replication (writing its event log to ``events``, if given)."""
    return Engine(process, settings, seed, replication, events).run()


def run_task(task: Task) -> Replication:
    """One replication from a task (for executors: a plain function of plain data)."""
    return run_replication(*task)


def run_many(
    processes: Sequence[Process],
    settings: RunSettings,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> list[list[Replication]]:
    """Every process's replications ``0..n-1`` with the same seed, on one executor.

    All tasks go to the executor at once; the result holds one list per process,
    in the order given. The numbers do not depend on the executor.
    """
    n = settings.replications
    tasks: list[Task] = [(p, settings, settings.seed, r) for p in processes for r in range(n)]
    runs: list[Replication] = []
    for k, result in enumerate((executor or LocalExecutor(1)).map(run_task, tasks)):
        runs.append(result)
        if progress:
            progress(k + 1, len(tasks))
    return [runs[k * n : (k + 1) * n] for k in range(len(processes))]


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
    return run_many([process], settings, executor or LocalExecutor(jobs), progress)[0]


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
    if events is None:
        runs = run_many([process], settings, executor, progress)[0]
    else:
        runs = [run_replication(process, settings, settings.seed, 0, events)]
        rest: list[Task] = [
            (process, settings, settings.seed, r) for r in range(1, settings.replications)
        ]
        for k, result in enumerate(executor.map(run_task, rest)):
            runs.append(result)
            if progress:
                progress(k + 2, settings.replications)
    return summarize_runs(process, settings, runs)
