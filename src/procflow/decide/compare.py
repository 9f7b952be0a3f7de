"""Is the proposed SOP better than today's, by how much, and how sure are we?

The baseline and every scenario run replication by replication on common random
numbers (see :mod:`procflow.results.comparison` for why that makes the intervals
of their differences narrow). Each scenario gets its paired differences, its SLA
changes and a verdict against the baseline.
"""

from __future__ import annotations

from collections.abc import Sequence

from procflow.lint.runner import refuse_broken
from procflow.model.process import Process
from procflow.model.settings import RunSettings
from procflow.results import Comparison, Replication, Results, compare_runs
from procflow.sim.executor import Executor
from procflow.sim.runner import Progress, run_many, summarize_runs


def compare(
    baseline: Process,
    scenarios: Sequence[tuple[str, str, Process]],
    settings: RunSettings,
    *,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """Simulate the baseline and each ``(name, description, process)`` on common random numbers.

    Raises :class:`LintError` if lint finds errors in any of them.
    """
    settings = settings.with_runs(replications, seed)
    processes = [baseline, *(p for _, _, p in scenarios)]
    refuse_broken(*processes)
    ran = run_many(processes, settings, executor, progress)
    results = [
        summarize_runs(p, ran.settings, runs) for p, runs in zip(processes, ran.runs, strict=True)
    ]
    return paired(results, ran.runs, scenarios)


def paired(
    results: Sequence[Results],
    grouped: Sequence[Sequence[Replication]],
    scenarios: Sequence[tuple[str, str, Process]],
) -> Comparison:
    """The comparison of runs already made on common random numbers: ``results`` and
    ``grouped`` runs of the baseline first, then of each ``(name, description, process)``."""
    base = results[0]
    compared = [
        compare_runs(name, description, (base, grouped[0]), (r, runs), process)
        for (name, description, process), r, runs in zip(
            scenarios, results[1:], grouped[1:], strict=True
        )
    ]
    return Comparison(base, compared)
