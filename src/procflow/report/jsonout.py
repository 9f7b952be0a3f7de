"""Plain JSON-ready dictionaries of results (the documented, stable shapes)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any, Literal

from procflow.analysis import Capacity
from procflow.compare import Comparison
from procflow.model.process import Process
from procflow.optimize import Candidate, Optimization
from procflow.report.kpis import headline_kpis
from procflow.results import Results
from procflow.sweep import SweepPoint


def _clean(value: Any) -> Any:
    """JSON has no infinity or NaN: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def capacity_to_dict(capacity: Capacity) -> dict[str, Any]:
    """The analytic estimate as ``procflow analyze --format json`` prints it."""
    result: dict[str, Any] = _clean(
        {
            "process": capacity.process,
            "time_unit": capacity.time_unit,
            "arrival_rate": capacity.arrival_rate,
            "stable": capacity.stable,
            "endless": capacity.endless,
            "mean_cycle_time": capacity.mean_cycle_time,
            "pools": {name: asdict(p) for name, p in capacity.pools.items()},
            "stages": {name: asdict(s) for name, s in capacity.stages.items()},
            "notes": list(capacity.notes),
        }
    )
    return result


#: Version of the ``simulate --format json`` shape; only additions within a version.
RESULTS_FORMAT_VERSION = 1

#: What wrote a JSON document (its ``kind`` field).
DocumentKind = Literal["results", "comparison", "sweep", "optimization"]


def document_kind(document: Mapping[str, Any]) -> DocumentKind:
    """Which command wrote ``document``: its ``kind``, or its shape for older documents."""
    if not isinstance(document, Mapping):
        raise ValueError("not a procflow results document (expected a JSON object)")
    kind = document.get("kind")
    if kind in ("results", "comparison", "sweep", "optimization"):
        return kind  # type: ignore[no-any-return]
    if "baseline" in document and "scenarios" in document:
        return "comparison"
    if "points" in document:
        return "sweep"
    if "candidates" in document and "best" in document:
        return "optimization"
    if "kpis" in document:
        return "results"
    raise ValueError(
        "not a procflow results document: expected the JSON of simulate, compare, sweep "
        "or optimize (--format json)"
    )


CYCLE_KEYS = ("mean", "p50", "p90", "p95", "p99")
STAGE_KEYS = (
    "visits", "waiting_time", "waiting_time_p90", "queue_length", "queue_length_max", "escalated",
)  # fmt: skip
TOP_KPIS = (
    "throughput_per_hour", "arrivals_per_hour", "wip", "backlog", "cost_per_hour",
    "cost_per_item", "rework_rate", "escaped_defect_rate", "rework_exhausted_rate",
)  # fmt: skip


def results_to_dict(results: Results, process: Process) -> dict[str, Any]:
    """Simulation results in the documented JSON shape (see docs/simulation.md)."""
    k = results.kpis
    kpis: dict[str, Any] = {name: k[name].to_dict() for name in TOP_KPIS if name in k}
    kpis["cycle_time"] = {q: k[f"cycle_time.{q}"].to_dict() for q in CYCLE_KEYS}
    resources = {
        name: {
            "count": process.resources[name].count,
            "mean_staff": process.resources[name].mean_staff,
            "utilization": k[f"resources.{name}.utilization"].to_dict(),
            "busy": k[f"resources.{name}.busy"].to_dict(),
        }
        for name in process.resources
    }
    stages: dict[str, Any] = {}
    for name in process.stages:
        entry = {
            key: k[f"stages.{name}.{key}"].to_dict()
            for key in STAGE_KEYS
            if f"stages.{name}.{key}" in k
        }
        stages[name] = entry
    result: dict[str, Any] = _clean(
        {
            "format_version": RESULTS_FORMAT_VERSION,
            "kind": "results",
            "process": results.process,
            "settings": results.settings,
            "stable": results.stable,
            "verdict": results.verdict,
            "analytic_stable": results.analytic_stable,
            "kpis": kpis,
            "resources": resources,
            "stages": stages,
            "slas": [
                {
                    "name": s.name,
                    "metric": s.metric,
                    "stage": s.stage,
                    "percentile": s.percentile,
                    "max": s.max,
                    "attained": s.attained.to_dict(),
                    "met": s.met,
                    "certain": s.certain,
                }
                for s in results.slas
            ],
            "bottlenecks": [
                {"name": b.name, "kind": b.kind, "score": b.score, "reason": b.reason}
                for b in results.bottlenecks
            ],
            "unstable": [
                {"stage": stage, "growth_per_hour": rate}
                for stage, rate in sorted(results.growth.items())
            ],
            "replications": results.replications,
            "series": results.series,
            "cycle_time_distribution": {
                "percentiles": list(range(1, 100)),
                "values": results.cycle_time_percentiles,
            },
        }
    )
    return result


def comparison_to_dict(comparison: Comparison, baseline: Process) -> dict[str, Any]:
    """``procflow compare --format json``: the baseline as simulate's JSON, and each scenario."""
    scenarios = []
    for scenario in comparison.scenarios:
        scenarios.append(
            {
                "name": scenario.name,
                "description": scenario.description,
                "stable": scenario.stable,
                "verdict": scenario.verdict,
                "slas": [
                    {
                        "name": s.name,
                        "met": s.met,
                        "baseline_met": s.baseline_met,
                        "broken": s.broken,
                    }
                    for s in scenario.slas
                ],
                "differences": {
                    key: {
                        "baseline": d.baseline,
                        "scenario": d.scenario,
                        **d.change.to_dict(),
                        "significant": d.significant,
                        "unpaired_half_width": d.unpaired_half_width,
                    }
                    for key, d in scenario.differences.items()
                },
            }
        )
    result: dict[str, Any] = _clean(
        {
            "format_version": RESULTS_FORMAT_VERSION,
            "kind": "comparison",
            "baseline": results_to_dict(comparison.baseline, baseline),
            "scenarios": scenarios,
        }
    )
    return result


def _point_dict(point: SweepPoint, process: Process) -> dict[str, Any]:
    results = point.results
    entry: dict[str, Any] = {
        "changes": point.changes,
        "cost_per_hour": point.cost_per_hour,
        "error": point.error,
        "stable": results.stable if results else None,
        "feasible": point.feasible,
    }
    if results is not None and point.process is not None:
        entry["verdict"] = results.verdict
        entry["slas"] = [
            {"name": s.name, "met": s.met, "attained": s.attained.to_dict()} for s in results.slas
        ]
        entry["kpis"] = {
            key: results.kpis[key].to_dict()
            for key, _, _ in headline_kpis(point.process)
            if key in results.kpis
        }
    return entry


def sweep_to_dict(
    points: list[SweepPoint], process: Process, settings: dict[str, Any]
) -> dict[str, Any]:
    """``procflow sweep --format json``."""
    result: dict[str, Any] = _clean(
        {
            "format_version": RESULTS_FORMAT_VERSION,
            "kind": "sweep",
            "process": process.name,
            "settings": settings,
            "points": [_point_dict(p, process) for p in points],
        }
    )
    return result


def optimization_to_dict(
    found: Optimization, process: Process, settings: dict[str, Any]
) -> dict[str, Any]:
    """``procflow optimize --format json``: ``best``, ``runners_up``, ``candidates``."""

    def plan(c: Candidate) -> dict[str, Any]:
        point = c.point
        results = point.results if point else None
        return {
            "changes": c.changes,
            "counts": c.counts,
            "cost_per_hour": c.cost_per_hour,
            "cost_per_item": results.kpis["cost_per_item"].mean if results else None,
            "analytic_max_utilization": c.max_utilization,
            "stable": results.stable if results else None,
            "slas_met": bool(results and all(s.met for s in results.slas)),
            "slas": [
                {"name": s.name, "met": s.met, "attained": s.attained.to_dict()}
                for s in (results.slas if results else [])
            ],
        }

    result: dict[str, Any] = _clean(
        {
            "format_version": RESULTS_FORMAT_VERSION,
            "kind": "optimization",
            "process": process.name,
            "settings": settings,
            "baseline_cost_per_hour": found.baseline_cost_per_hour,
            "best": plan(found.best) if found.best else None,
            "runners_up": [plan(c) for c in found.runners_up],
            "candidates": [plan(c) for c in found.simulated],
            "plans_in_bounds": found.total,
            "pruned_by_analysis": found.pruned,
            "notes": found.notes,
        }
    )
    return result
