"""Replications: pure functions of (process, settings, seed, replication), run on an executor.

Each replication draws from its own named random streams, so results are the
same whether replications run one after another or in parallel processes,
and whatever their completion order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

from procflow.analysis import analyze
from procflow.model.process import Process
from procflow.results import Bottleneck, Estimate, Results, SlaResult
from procflow.sim.engine import Engine, Replication, RunSettings

Progress = Callable[[int, int], None]


def run_replication(
    process: Process, settings: RunSettings, seed: int, replication: int
) -> Replication:
    """Simulate one replication."""
    return Engine(process, settings, seed, replication).run()


def _task(args: tuple[Process, RunSettings, int, int]) -> Replication:
    return run_replication(*args)


def run_replications(
    process: Process,
    settings: RunSettings,
    *,
    replications: int,
    seed: int,
    jobs: int = 1,
    progress: Progress | None = None,
) -> list[Replication]:
    """Run replications ``0..n-1`` serially (jobs=1) or in ``jobs`` processes; same results."""
    tasks = [(process, settings, seed, r) for r in range(replications)]
    results: list[Replication] = []
    if jobs <= 1 or replications <= 1:
        for k, task in enumerate(tasks):
            results.append(_task(task))
            if progress:
                progress(k + 1, replications)
        return results
    with ProcessPoolExecutor(max_workers=min(jobs, replications)) as pool:
        for k, result in enumerate(pool.map(_task, tasks)):
            results.append(result)
            if progress:
                progress(k + 1, replications)
    return results


def simulate_process(
    process: Process,
    settings: RunSettings,
    *,
    replications: int = 10,
    seed: int = 1,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Results:
    """Run ``replications`` replications and summarize them (the whole of ``procflow simulate``)."""
    runs = run_replications(
        process, settings, replications=replications, seed=seed, jobs=jobs, progress=progress
    )
    return summarize(process, settings, seed, runs)


def summarize(
    process: Process, settings: RunSettings, seed: int, runs: Sequence[Replication]
) -> Results:
    """Turn replications into estimates, SLA verdicts and a ranked list of bottlenecks."""
    names = list(dict.fromkeys(k for run in runs for k in run.kpis))
    kpis = {name: Estimate.of([run.kpis.get(name, math.nan) for run in runs]) for name in names}
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
    )


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
