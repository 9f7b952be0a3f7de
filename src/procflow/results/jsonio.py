"""Results as JSON and back: the documented, stable shapes of ``--format json``.

``to_json`` writes a record as the document ``simulate``, ``compare``, ``sweep``,
``optimize``, ``forecast`` or ``validate`` prints; ``from_json`` reads any such
document back into the same records, so ``procflow report saved.json`` renders
exactly what the command would have. Within a ``format_version`` keys are only
added. JSON has no infinity or NaN: they are written as null and read back as NaN.

Where each KPI goes follows its family in the catalogue: process KPIs under
``kpis`` (cycle-time percentiles grouped under ``kpis.cycle_time``, the others by
their key), a pool's under ``resources.<pool>``, a stage's under ``stages.<stage>``,
an SLA's in ``slas[k]``, a due-date value's under ``due_dates.<value>``, the decisions
of a value of ``truth.by`` under ``decisions.<value>`` (and, with ``truth.classes``, each
class's under ``classes.<class>``, each cell of the confusion under ``confusion.<t> as <d>``);
``replications`` keeps every replication's flat values by catalogue key.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from procflow.results.catalogue import PREFIXES, lookup
from procflow.results.comparison import Comparison, ScenarioComparison
from procflow.results.estimate import Estimate
from procflow.results.fidelity import Fidelity, fidelity_from_json, fidelity_to_json
from procflow.results.forecast import BacklogForecasts, forecasts_from_json, forecasts_to_json
from procflow.results.precision import Precision
from procflow.results.records import (
    Bottleneck,
    Difference,
    PoolInfo,
    PrecisionWarning,
    Results,
    SlaChange,
    SlaOutcome,
    SlaResult,
    StageInfo,
    Tone,
    Verdict,
)
from procflow.results.search import Candidate, Optimization, Sweep, SweepPoint

#: Version of the JSON shapes; only additions within a version.
FORMAT_VERSION = 1

#: What wrote a JSON document (its ``kind`` field).
DocumentKind = Literal["results", "comparison", "sweep", "optimization", "forecast", "validation"]
Record = Results | Comparison | Sweep | Optimization | BacklogForecasts | Fidelity


class DocumentError(ValueError):
    """Not a procflow results document, or one this version cannot read."""


def json_ready(value: Any) -> Any:
    """``value`` with every infinity or NaN as None: JSON has neither."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return value


def _num(value: Any) -> float:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.nan
    )


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# --------------------------------------------------------------------------- writing


_Nested = dict[str, dict[str, Any]]


def _nest(
    kpis: Mapping[str, Estimate],
) -> tuple[dict[str, Any], _Nested, _Nested, dict[str, _Nested]]:
    """Estimates by catalogue family: process KPIs, per pool, per stage, and per value
    (of the due dates, or of ``truth.by``) under the family's key (SLAs are in slas)."""
    top: dict[str, Any] = {}
    pools: _Nested = {}
    stages: _Nested = {}
    due: dict[str, _Nested] = {}
    for key, estimate in kpis.items():
        value = lookup(key)
        metric = key.rsplit(".", 1)[-1]
        family = value.kpi.family
        if family == "process" and key.startswith("cycle_time."):
            top.setdefault("cycle_time", {})[metric] = estimate.to_dict()
        elif family == "process":
            top[key] = estimate.to_dict()
        elif family == "pool":
            pools.setdefault(value.subject, {})[metric] = estimate.to_dict()
        elif family == "stage":
            stages.setdefault(value.subject, {})[metric] = estimate.to_dict()
        elif family in ("due", "decision", "class", "confusion"):
            due.setdefault(PREFIXES[family], {}).setdefault(value.subject, {})[metric] = (
                estimate.to_dict()
            )
    return top, pools, stages, due


def _verdict(verdict: Verdict) -> dict[str, Any]:
    return {"verdict": verdict.text, "tone": verdict.tone, "verdict_notes": list(verdict.notes)}


def results_to_json(results: Results, *, full: bool = True) -> dict[str, Any]:
    """Simulation results in the documented shape (docs/simulation.md).

    ``full=False`` leaves out the per-replication values and the time series (for the
    points of a sweep or the plans of an optimization).
    """
    top, pools, stages, due = _nest(results.kpis)
    resources = {
        name: {
            "count": info.count,
            "mean_staff": info.mean_staff,
            "cost_per_hour": info.cost_per_hour,
            **pools.get(name, {}),
        }
        for name, info in results.pools.items()
    }
    stage_entries = {
        name: {"kind": info.kind, "pool": info.pool, **stages.get(name, {})}
        for name, info in results.stages.items()
    }
    document: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "kind": "results",
        "process": results.process,
        "settings": results.settings,
        "stable": results.stable,
        **_verdict(results.verdict),
        "analytic_stable": results.analytic_stable,
        "simulated_stable": results.simulated_stable,
        "kpis": top,
        "resources": resources,
        "stages": stage_entries,
        **due,
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
                "outcome": s.outcome,
                "status": s.status,
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
        "precision_warnings": [
            {
                "kpi": w.key,
                "sla": w.sla,
                "relative_half_width": w.relative_half_width,
                "replications_needed": w.replications,
            }
            for w in results.imprecise
        ],
    }
    if results.precision is not None:
        document["precision"] = results.precision.to_dict()
    if full:
        document["replications"] = results.replications
        document["series"] = results.series
        document["cycle_time_distribution"] = {
            "percentiles": list(range(1, 100)),
            "values": results.cycle_time_percentiles,
        }
    cleaned: dict[str, Any] = json_ready(document)
    return cleaned


def _scenario_to_json(scenario: ScenarioComparison) -> dict[str, Any]:
    return {
        "name": scenario.name,
        "description": scenario.description,
        "stable": scenario.stable,
        **_verdict(scenario.verdict),
        "slas": [
            {
                "name": s.name,
                "met": s.met,
                "baseline_met": s.baseline_met,
                "broken": s.broken,
                "outcome": s.outcome,
                "baseline_outcome": s.baseline_outcome,
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
        "results": results_to_json(scenario.results),
    }


def _point_to_json(point: SweepPoint) -> dict[str, Any]:
    results = point.results
    entry: dict[str, Any] = {
        "changes": point.changes,
        "cost_per_hour": point.cost_per_hour,
        "error": point.error,
        "stable": results.stable if results else None,
        "feasible": point.feasible,
        "quality_target_met": point.meets_target,
    }
    if results is not None:
        entry["verdict"] = results.verdict.text
        entry["tone"] = results.verdict.tone
        entry["slas"] = [
            {"name": s.name, "met": s.met, "attained": s.attained.to_dict()} for s in results.slas
        ]
        entry["kpis"] = {key: e.to_dict() for key, e in results.kpis.items()}
        entry["results"] = results_to_json(results, full=False)
    return entry


def _plan_to_json(c: Candidate, ceiling: float | None) -> dict[str, Any]:
    results = c.point.results if c.point else None
    plan = {
        "changes": c.changes,
        "counts": c.counts,
        "pools": list(c.pools or c.counts),
        "heads": c.heads,
        "decision": c.decision(ceiling),
        "cost_per_hour": c.cost_per_hour,
        "cost_per_item": results.kpis["cost_per_item"].mean if results else None,
        "analytic_max_utilization": c.max_utilization,
        "stable": results.stable if results else None,
        "slas_met": bool(results and all(s.met for s in results.slas)),
        "slas": [
            {
                "name": s.name,
                "met": s.met,
                "outcome": s.outcome,
                "attained": s.attained.to_dict(),
            }
            for s in (results.slas if results else [])
        ],
    }
    if results is not None:
        plan["results"] = results_to_json(results, full=False)
    return plan


def to_json(record: Record) -> dict[str, Any]:
    """The JSON document of any result record."""
    if isinstance(record, Results):
        return results_to_json(record)
    if isinstance(record, BacklogForecasts):
        forecast: dict[str, Any] = json_ready(forecasts_to_json(record))
        return forecast
    if isinstance(record, Fidelity):
        return fidelity_to_json(record)
    document: dict[str, Any]
    if isinstance(record, Comparison):
        document = {
            "format_version": FORMAT_VERSION,
            "kind": "comparison",
            "baseline": results_to_json(record.baseline),
            "scenarios": [_scenario_to_json(s) for s in record.scenarios],
        }
        if record.forecast is not None:
            document["forecast"] = forecasts_to_json(record.forecast)
    elif isinstance(record, Sweep):
        document = {
            "format_version": FORMAT_VERSION,
            "kind": "sweep",
            "process": record.process,
            "settings": record.settings,
            "points": [_point_to_json(p) for p in record.points],
        }
    else:
        found = record
        ceiling = found.max_utilization
        document = {
            "format_version": FORMAT_VERSION,
            "kind": "optimization",
            "process": found.process,
            "settings": found.settings,
            "max_utilization": found.max_utilization,
            "baseline_cost_per_hour": found.baseline_cost_per_hour,
            "objective": found.objective,
            "best": _plan_to_json(found.best, ceiling) if found.best else None,
            "runners_up": [_plan_to_json(c, ceiling) for c in found.runners_up],
            "undecided": [_plan_to_json(c, ceiling) for c in found.undecided],
            "candidates": [_plan_to_json(c, ceiling) for c in found.simulated],
            "plans_in_bounds": found.total,
            "pruned_by_analysis": found.pruned,
            "notes": found.notes,
        }
    cleaned: dict[str, Any] = json_ready(document)
    return cleaned


# --------------------------------------------------------------------------- reading


def document_kind(document: Any) -> DocumentKind:
    """Which command wrote ``document``: its ``kind``, or its shape for older documents."""
    if not isinstance(document, Mapping):
        raise DocumentError("not a procflow results document (expected a JSON object)")
    kind = document.get("kind")
    if kind in ("results", "comparison", "sweep", "optimization"):
        return kind  # type: ignore[no-any-return]
    if kind in ("forecast", "forecasts"):
        return "forecast"
    if kind == "validation":
        return "validation"
    if "baseline" in document and "scenarios" in document:
        return "comparison"
    if "points" in document:
        return "sweep"
    if "candidates" in document and "best" in document:
        return "optimization"
    if "kpis" in document:
        return "results"
    raise DocumentError(
        "not a procflow results document: expected the JSON of simulate, compare, sweep, "
        "optimize, forecast or validate (--format json)"
    )


def _estimate(entry: Any, n: int) -> Estimate:
    if not isinstance(entry, Mapping):
        return Estimate(math.nan, math.nan, math.nan, 0)
    low, high = (entry.get("ci95") or [None, None])[:2]
    return Estimate(_num(entry.get("mean")), _num(low), _num(high), n, _num(entry.get("se")))


def _flat_kpis(document: Mapping[str, Any], n: int) -> dict[str, Estimate]:
    kpis: dict[str, Estimate] = {}
    for key, entry in (document.get("kpis") or {}).items():
        if key == "cycle_time" and isinstance(entry, Mapping):
            for q, value in entry.items():
                kpis[f"cycle_time.{q}"] = _estimate(value, n)
        elif isinstance(entry, Mapping) and "mean" in entry:
            kpis[key] = _estimate(entry, n)
    for prefix in ("resources", "stages", "due_dates", "decisions", "classes", "confusion"):
        for name, entries in (document.get(prefix) or {}).items():
            for metric, value in (entries or {}).items():
                if isinstance(value, Mapping) and "mean" in value:
                    kpis[f"{prefix}.{name}.{metric}"] = _estimate(value, n)
    for j, sla in enumerate(document.get("slas") or []):
        kpis[f"slas.{j}.attained"] = _estimate(sla.get("attained"), n)
    return kpis


def _outcome(value: Any) -> SlaOutcome | None:
    return value if value in ("met", "missed", "undecided") else None


def _verdict_from(document: Mapping[str, Any], stable: bool) -> Verdict:
    written = document.get("tone")
    tone: Tone = written if written in ("ok", "warn", "bad") else ("ok" if stable else "bad")
    notes = tuple(str(n) for n in document.get("verdict_notes") or [])
    return Verdict(str(document.get("verdict", "")), tone, notes)


def results_from_json(document: Mapping[str, Any]) -> Results:
    """A results document (``simulate --format json``) back into :class:`Results`."""
    settings = dict(document.get("settings") or {})
    n = int(settings.get("replications") or 0)
    stable = bool(document.get("stable", True))
    kpis = _flat_kpis(document, n)
    slas = [
        SlaResult(
            str(s.get("name", "")),
            str(s.get("metric", "")),
            s.get("stage"),
            _num(s.get("percentile")),
            _num(s.get("max")),
            kpis[f"slas.{j}.attained"],
            unstable=str(s.get("status", "")).startswith("missed: the backlog"),
        )
        for j, s in enumerate(document.get("slas") or [])
    ]
    pools = {
        name: PoolInfo(
            entry.get("count"), _num(entry.get("mean_staff")), _num(entry.get("cost_per_hour"))
        )
        for name, entry in (document.get("resources") or {}).items()
    }
    stages = {
        name: StageInfo(
            str(entry.get("kind") or ("work" if "waiting_time" in entry else "decision")),
            entry.get("pool"),
            "escalated" in entry,
        )
        for name, entry in (document.get("stages") or {}).items()
    }
    distribution = document.get("cycle_time_distribution") or {}
    return Results(
        process=str(document.get("process", "")),
        time_unit=str(settings.get("time_unit", "minute")),
        settings=settings,
        replications=[dict(r) for r in document.get("replications") or []],
        kpis=kpis,
        slas=slas,
        bottlenecks=[
            Bottleneck(b["name"], b["kind"], _num(b.get("score")), b["reason"])
            for b in document.get("bottlenecks") or []
        ],
        stable=stable,
        verdict=_verdict_from(document, stable),
        pools=pools,
        stages=stages,
        growth={u["stage"]: _num(u.get("growth_per_hour")) for u in document.get("unstable") or []},
        simulated_stable=bool(document.get("simulated_stable", stable)),
        analytic_stable=bool(document.get("analytic_stable", True)),
        series={k: [_num(x) for x in v] for k, v in (document.get("series") or {}).items()},
        cycle_time_percentiles=[_num(x) for x in distribution.get("values") or []],
        imprecise=[
            PrecisionWarning(
                str(w.get("kpi") or ""),
                _num(w.get("relative_half_width")),
                _count(w.get("replications_needed")),
                w.get("sla"),
            )
            for w in document.get("precision_warnings") or []
        ],
        precision=Precision.from_dict(document["precision"]) if document.get("precision") else None,
    )


def _scenario_from(entry: Mapping[str, Any], baseline: Results) -> ScenarioComparison:
    n = int(baseline.settings.get("replications") or 0)
    differences = {
        key: Difference(
            _num(d.get("baseline")),
            _num(d.get("scenario")),
            _estimate(d, n),
            _num(d.get("unpaired_half_width")),
        )
        for key, d in (entry.get("differences") or {}).items()
    }
    stable = bool(entry.get("stable", True))
    if "results" in entry:
        results = results_from_json(entry["results"])
    else:  # a document of an earlier release: the scenario's own results were not kept
        results = Results(
            process=str(entry.get("name", "")),
            time_unit=baseline.time_unit,
            settings=baseline.settings,
            replications=[],
            kpis={k: Estimate(d.scenario, math.nan, math.nan, n) for k, d in differences.items()},
            slas=[],
            bottlenecks=[],
            stable=stable,
            verdict=_verdict_from(entry, stable),
            pools=baseline.pools,
            stages=baseline.stages,
        )
    slas = [
        SlaChange(
            str(s.get("name", "")),
            bool(s.get("baseline_met")),
            bool(s.get("met")),
            _outcome(s.get("baseline_outcome")),
            _outcome(s.get("outcome")),
        )
        for s in entry.get("slas") or []
    ]
    return ScenarioComparison(
        str(entry.get("name", "")),
        str(entry.get("description", "")),
        results,
        differences,
        _verdict_from(entry, stable),
        slas,
    )


def _point_from(entry: Mapping[str, Any], settings: Mapping[str, Any]) -> SweepPoint:
    results = None
    if isinstance(entry.get("results"), Mapping):
        results = results_from_json(entry["results"])
    elif entry.get("error") is None and "kpis" in entry:  # an earlier release's point
        n = int(settings.get("replications") or 0)
        stable = bool(entry.get("stable", True))
        results = Results(
            process="",
            time_unit=str(settings.get("time_unit", "minute")),
            settings=dict(settings),
            replications=[],
            kpis={k: _estimate(v, n) for k, v in (entry.get("kpis") or {}).items()},
            slas=[
                SlaResult(
                    str(s.get("name", "")),
                    "",
                    None,
                    math.nan,
                    math.nan,
                    _estimate(s.get("attained"), n),
                )
                for s in entry.get("slas") or []
            ],
            bottlenecks=[],
            stable=stable,
            verdict=_verdict_from(entry, stable),
        )
    return SweepPoint(
        dict(entry.get("changes") or {}),
        None,
        results,
        entry.get("error"),
        _num(entry.get("cost_per_hour")),
        bool(entry.get("quality_target_met", True)),
    )


def _plan_from(entry: Mapping[str, Any] | None, settings: Mapping[str, Any]) -> Candidate | None:
    if entry is None:
        return None
    point = _point_from(entry, settings)
    counts = {str(k): int(v) for k, v in (entry.get("counts") or {}).items()}
    return Candidate(
        counts,
        _num(entry.get("cost_per_hour")),
        _num(entry.get("analytic_max_utilization")),
        point,
        plan_changes=dict(entry.get("changes") or {}),
        pools=tuple(str(p) for p in entry.get("pools") or ()),
    )


def from_json(document: Any) -> Record:
    """Any procflow JSON result back into its record; raises :class:`DocumentError`."""
    kind = document_kind(document)
    try:
        if kind == "results":
            return results_from_json(document)
        if kind == "forecast":
            return forecasts_from_json(document)
        if kind == "validation":
            return fidelity_from_json(document)
        if kind == "comparison":
            baseline = results_from_json(document["baseline"])
            scenarios = [_scenario_from(s, baseline) for s in document.get("scenarios") or []]
            forecast = document.get("forecast")
            return Comparison(
                baseline, scenarios, forecasts_from_json(forecast) if forecast else None
            )
        settings = dict(document.get("settings") or {})
        if kind == "sweep":
            points = [_point_from(p, settings) for p in document.get("points") or []]
            return Sweep(str(document.get("process", "")), settings, points)
        candidates = [_plan_from(c, settings) for c in document.get("candidates") or []]
        simulated = [c for c in candidates if c is not None]
        by_counts = {tuple(sorted(c.counts.items())): c for c in simulated}

        def same(entry: Mapping[str, Any] | None) -> Candidate | None:
            plan = _plan_from(entry, settings)
            if plan is None:
                return None
            return by_counts.get(tuple(sorted(plan.counts.items())), plan)

        best = same(document.get("best"))
        runners = [c for c in (same(e) for e in document.get("runners_up") or []) if c]
        undecided = [c for c in (same(e) for e in document.get("undecided") or []) if c]
        return Optimization(
            str(document.get("process", "")),
            settings,
            best,
            runners,
            simulated,
            int(document.get("plans_in_bounds") or len(simulated)),
            int(document.get("pruned_by_analysis") or 0),
            _num(document.get("baseline_cost_per_hour")),
            document.get("max_utilization"),
            [str(n) for n in document.get("notes") or []],
            "heads" if document.get("objective") == "heads" else "cost",
            undecided,
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise DocumentError(f"a {kind} document this version cannot read: {exc}") from None
