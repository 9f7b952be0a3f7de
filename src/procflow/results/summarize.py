"""From replications to results: estimates with intervals, SLAs, bottlenecks and the verdict.

Every KPI becomes an :class:`~procflow.results.Estimate` over the replications,
its interval within the KPI's bounds (a wait is never below zero, a share never
above 100%).
The verdict weighs the simulation (did a queue keep growing?) together with the
analysis (can every pool keep up on average?), see :mod:`procflow.results.verdict`.
Bottlenecks are the pools that limit the process, ranked by utilization, by the
share of all waiting spent in their queues, and by whether their queues grow,
each with the evidence in words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from procflow.model.process import Process
from procflow.model.settings import RunSettings
from procflow.results.catalogue import lookup
from procflow.results.estimate import Estimate
from procflow.results.precision import Precision, measure
from procflow.results.records import (
    AnalyticCheck,
    Bottleneck,
    PoolInfo,
    Replication,
    Results,
    SlaResult,
    StageInfo,
)
from procflow.results.verdict import precision_warnings, results_verdict


def summarize(
    process: Process,
    settings: RunSettings,
    runs: Sequence[Replication],
    check: AnalyticCheck,
) -> Results:
    """Turn replications into estimates, SLA verdicts, ranked bottlenecks and the verdict."""
    kpis = kpi_estimates(runs)
    simulated_stable = all(run.stable for run in runs)
    growth: dict[str, float] = {}
    for run in runs:
        for stage, rate in run.growth.items():
            growth[stage] = growth.get(stage, 0.0) + rate / len(runs)
    stable = simulated_stable and check.stable
    slas = [
        SlaResult(
            sla.name,
            sla.metric,
            sla.stage,
            sla.percentile,
            sla.max,
            kpis[f"slas.{j}.attained"],
            unstable=not stable,
        )
        for j, sla in enumerate(process.slas)
    ]
    return Results(
        process=process.name,
        time_unit=process.time_unit,
        settings=settings.with_runs(len(runs)).to_dict(process.time_unit),
        replications=[dict(run.kpis) for run in runs],
        kpis=kpis,
        slas=slas,
        bottlenecks=rank_bottlenecks(process, kpis, growth),
        stable=stable,
        verdict=results_verdict(
            check, simulated_stable, growth, slas, next((r.stuck for r in runs if r.stuck), None)
        ),
        pools=pool_facts(process),
        stages=stage_facts(process),
        growth=growth,
        simulated_stable=simulated_stable,
        analytic_stable=check.stable,
        series=mean_series([run.series for run in runs]),
        cycle_time_percentiles=[
            math.fsum(run.percentiles[k] for run in runs) / len(runs) for k in range(99)
        ]
        if runs and all(len(run.percentiles) == 99 for run in runs)
        else [],
        imprecise=precision_warnings(
            kpis, slas, process.resources, process.stages, process.time_unit, stable
        ),
        precision=precision_of(process, settings, kpis),
    )


def kpi_estimates(runs: Sequence[Replication]) -> dict[str, Estimate]:
    """Every KPI of the runs as an estimate, its interval within the KPI's bounds."""
    names = dict.fromkeys(k for run in runs for k in run.kpis)
    return {
        name: Estimate.of([run.kpis.get(name, math.nan) for run in runs], lookup(name).kpi.bounds)
        for name in names
    }


def precision_of(
    process: Process, settings: RunSettings, kpis: Mapping[str, Estimate]
) -> Precision | None:
    """How precise the headline KPIs are, when the settings ask for a precision."""
    if settings.precision is None:
        return None
    return measure(
        kpis,
        process.resources,
        process.stages,
        process.time_unit,
        settings.precision,
        settings.max_replications,
    )


def pool_facts(process: Process) -> dict[str, PoolInfo]:
    """What reports show of each pool."""
    return {
        name: PoolInfo(r.count, r.mean_staff, r.cost_per_hour)
        for name, r in process.resources.items()
    }


def stage_facts(process: Process) -> dict[str, StageInfo]:
    """What reports show of each stage."""
    return {
        name: StageInfo(s.kind, s.resource, s.escalate_to is not None)
        for name, s in process.stages.items()
    }


def mean_series(series: Sequence[Mapping[str, list[float]]]) -> dict[str, list[float]]:
    """Average the replications' samples point by point (up to the shortest, if one stopped)."""
    if not series:
        return {}
    length = min(len(s.get("time", [])) for s in series)
    return {
        key: [math.fsum(s[key][k] for s in series) / len(series) for k in range(length)]
        for key in series[0]
    }


def rank_bottlenecks(
    process: Process, kpis: Mapping[str, Estimate], growth: Mapping[str, float]
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
