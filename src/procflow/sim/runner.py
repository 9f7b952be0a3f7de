"""Replications: pure functions of (process, settings, seed, replication), run on an executor.

Each replication draws from its own named random streams, so results are the
same whether replications run one after another or in parallel processes,
and whatever their completion order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from procflow.analysis import analyze
from procflow.eventlog.visit import EventSink
from procflow.model.process import Process
from procflow.results import Bottleneck, Estimate, Results, SlaResult
from procflow.sim.engine import Engine, Replication, RunSettings
from procflow.sim.executor import Executor, LocalExecutor

Progress = Callable[[int, int], None]


def run_replication(
    process: Process,
    settings: RunSettings,
    seed: int,
    replication: int,
    events: EventSink | None = None,
) -> Replication:
    """Simulate one replication (writing its event log to ``events``, if given)."""
    return Engine(process, settings, seed, replication, events).run()


def run_task(task: tuple[Process, RunSettings, int, int]) -> Replication:
    """One replication from a ``(process, settings, seed, replication)`` task (for executors)."""
    return run_replication(*task)


def run_replications(
    process: Process,
    settings: RunSettings,
    *,
    replications: int,
    seed: int,
    jobs: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> list[Replication]:
    """Run replications ``0..n-1`` on ``executor`` (default: ``jobs`` local processes).

    The numbers do not depend on the executor or on ``jobs``.
    """
    tasks = [(process, settings, seed, r) for r in range(replications)]
    return run_tasks(tasks, executor or LocalExecutor(jobs), progress)


def run_tasks(
    tasks: Sequence[tuple[Process, RunSettings, int, int]],
    executor: Executor,
    progress: Progress | None = None,
) -> list[Replication]:
    """Run replication tasks on an executor, in task order, reporting progress."""
    results: list[Replication] = []
    for k, result in enumerate(executor.map(run_task, tasks)):
        results.append(result)
        if progress:
            progress(k + 1, len(tasks))
    return results


def simulate_process(
    process: Process,
    settings: RunSettings,
    *,
    replications: int = 10,
    seed: int = 1,
    jobs: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
    events: EventSink | None = None,
) -> Results:
    """Run ``replications`` replications and summarize them (the whole of ``procflow simulate``).

    With ``events``, replication 0 runs in this process and writes its event log
    there; its numbers are the same as without a log.
    """
    if events is None:
        runs = run_replications(
            process,
            settings,
            replications=replications,
            seed=seed,
            jobs=jobs,
            executor=executor,
            progress=progress,
        )
    else:
        runs = [run_replication(process, settings, seed, 0, events)]
        rest = [(process, settings, seed, r) for r in range(1, replications)]
        runs += run_tasks(rest, executor or LocalExecutor(jobs), progress)
    return summarize(process, settings, seed, runs)


def summarize(
    process: Process, settings: RunSettings, seed: int, runs: Sequence[Replication]
) -> Results:
    """Turn replications into estimates, SLA verdicts and a ranked list of bottlenecks."""
    names = list(dict.fromkeys(k for run in runs for k in run.kpis))
    kpis = {name: Estimate.of([run.kpis.get(name, math.nan) for run in runs]) for name in names}
    for j in range(len(process.slas)):
        kpis[f"slas.{j}.attained"] = kpis[f"slas.{j}.attained"].clipped(0.0, 1.0)
    slas = [
        SlaResult(
            sla.name, sla.metric, sla.stage, sla.percentile, sla.max, kpis[f"slas.{j}.attained"]
        )
        for j, sla in enumerate(process.slas)
    ]
    stable = all(run.stable for run in runs)
    growth: dict[str, float] = {}
    for run in runs:
        for stage, rate in run.growth.items():
            growth[stage] = growth.get(stage, 0.0) + rate / len(runs)
    capacity = analyze(process)
    return Results(
        process=process.name,
        time_unit=process.time_unit,
        settings={
            "replications": len(runs),
            "seed": seed,
            "horizon": settings.horizon,
            "warmup": settings.warmup,
            "time_unit": process.time_unit,
        },
        replications=[dict(run.kpis) for run in runs],
        kpis=kpis,
        slas=slas,
        bottlenecks=rank_bottlenecks(process, kpis, growth),
        stable=stable,
        growth=growth,
        analytic_stable=capacity.stable,
        series=mean_series([run.series for run in runs]),
        cycle_time_percentiles=[
            math.fsum(run.percentiles[k] for run in runs) / len(runs) for k in range(99)
        ]
        if runs and all(len(run.percentiles) == 99 for run in runs)
        else [],
    )


def mean_series(series: Sequence[dict[str, list[float]]]) -> dict[str, list[float]]:
    """Average the replications' samples point by point (up to the shortest, if one stopped)."""
    if not series:
        return {}
    length = min(len(s.get("time", [])) for s in series)
    return {
        key: [sum(s[key][k] for s in series) / len(series) for k in range(length)]
        for key in series[0]
    }


def rank_bottlenecks(
    process: Process, kpis: dict[str, Estimate], growth: dict[str, float]
) -> list[Bottleneck]:
    """Pools ranked by utilization and by the share of all waiting spent in their queues."""
    waiting: dict[str, float] = {}
    for name, stage in process.stages.items():
        if stage.resource is None:
            continue
        wait = kpis.get(f"stages.{name}.waiting_time")
        visits = kpis.get(f"stages.{name}.visits")
        if wait is None or visits is None or math.isnan(wait.mean):
            continue
        waiting[stage.resource] = waiting.get(stage.resource, 0.0) + wait.mean * visits.mean
    total_wait = sum(waiting.values())
    found: list[Bottleneck] = []
    for name in process.resources:
        utilization = kpis.get(f"resources.{name}.utilization")
        if utilization is None or math.isnan(utilization.mean):
            continue
        share = waiting.get(name, 0.0) / total_wait if total_wait > 0 else 0.0
        stages = [s for s, st in process.stages.items() if st.resource == name]
        grows = [s for s in stages if s in growth]
        score = utilization.mean + share + (1.0 if grows else 0.0)
        if utilization.mean < 0.75 and share < 0.25 and not grows:
            continue
        reason = f"{name}: {utilization.mean:.0%} utilized"
        if total_wait > 0:
            reason += f", {share:.0%} of all waiting happens in its queue"
        if grows:
            reason += "; queue grows without bound at " + ", ".join(grows)
        found.append(Bottleneck(name, "pool", score, reason))
    found.sort(key=lambda b: -b.score)
    return found
