"""A forecast: will today's backlog clear by the deadline, and how likely is that?

A forecast runs the process from a snapshot (the items in the system now) to a
deadline, many times. Each replication records the backlog (items in the
system, waiting or being worked on) at fixed steps, and the first moment it came
down to the target level (0, or a level the PM gives). Over the replications:

- ``cleared.probability``: the share of replications that reached the target by
  the deadline, with its 95% Wilson interval (a share of a few dozen runs: the
  t interval would be empty at 0% or 100%);
- ``cleared.time``: when the backlog first reached the target, in hours after
  the start, averaged over the replications that did (null if none did); the
  others had not cleared by the deadline;
- ``backlog.series``: the backlog at each step, as the median and the 10th and
  90th percentiles over replications (the fan chart);
- ``slas``: each SLA's and each due-date class's breach rate and breached items,
  and their breaches by day (see :mod:`procflow.results.breaches`).

This module builds the record from the replications and writes its JSON; it
runs nothing.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from procflow.model.duedates import DueDates
from procflow.model.quantities import TimeUnit, convert
from procflow.results.breaches import (
    SlaBreach,
    breach_from_json,
    breach_to_json,
    estimate_from_json,
    estimate_to_json,
    sla_breaches,
)
from procflow.results.comparison import paired_difference
from procflow.results.estimate import Estimate
from procflow.results.records import Replication, Results

#: The JSON ``kind`` of a forecast document.
KIND = "forecast"


@dataclass(frozen=True)
class BacklogPoint:
    """The backlog at ``hours`` after the start, over replications."""

    hours: float
    median: float
    p10: float
    p90: float


@dataclass
class BacklogForecast:
    """A backlog-clearance forecast, summarized over replications."""

    process: str
    #: the snapshot's time and the deadline, ISO date-times as given (wall-clock)
    start: str
    until: str
    hours: float
    target: int
    replications: int
    seed: int
    #: items in the snapshot, by stage
    initial: dict[str, int]
    probability: Estimate
    #: hours after ``start`` the backlog first reached the target, over the runs that did
    time: Estimate
    backlog: list[BacklogPoint]
    #: the backlog at the deadline
    final: Estimate
    slas: list[SlaBreach]
    #: the whole simulation summary (KPIs, verdict), for reports that show it
    results: Results | None = field(default=None, compare=False)
    scenario: str | None = None
    #: per replication: hours until the backlog reached the target (NaN: not by the
    #: deadline), and the backlog at the deadline; what paired differences are made of
    cleared_hours: tuple[float, ...] = ()
    final_backlog: tuple[float, ...] = ()

    @property
    def cleared_runs(self) -> int:
        """Replications that reached the target by the deadline."""
        return round(self.probability.mean * self.replications)


@dataclass(frozen=True)
class ForecastChange:
    """A scenario minus the base, replication by replication (common random numbers): the
    chance of clearing, the hours until it clears (runs where both did), the backlog left."""

    probability: Estimate
    time: Estimate
    final: Estimate


@dataclass
class BacklogForecasts:
    """A forecast and those of its scenarios, run on the same random numbers (the first is
    the base): what ``procflow forecast`` returns and every report of it shows."""

    runs: list[BacklogForecast]

    @property
    def process(self) -> str:
        """The base process's name."""
        return self.runs[0].process

    def change(self, k: int) -> ForecastChange | None:
        """Scenario ``k`` against the base (None for the base, or without per-run values)."""
        base, other = self.runs[0], self.runs[k]
        if k == 0 or len(base.final_backlog) != len(other.final_backlog) or not other.final_backlog:
            return None
        hit = [
            float(not math.isnan(s)) - float(not math.isnan(b))
            for b, s in zip(base.cleared_hours, other.cleared_hours, strict=True)
        ]
        return ForecastChange(
            Estimate.of(hit),
            paired_difference(base.cleared_hours, other.cleared_hours).change,
            paired_difference(base.final_backlog, other.final_backlog).change,
        )


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, interpolated between order statistics."""
    xs = sorted(values)
    if not xs:
        return math.nan
    position = q * (len(xs) - 1)
    low = math.floor(position)
    high = min(low + 1, len(xs) - 1)
    return xs[low] + (xs[high] - xs[low]) * (position - low)


def build_forecast(
    results: Results,
    runs: Sequence[Replication],
    *,
    start: str,
    until: str,
    hours: float,
    target: int,
    initial: dict[str, int],
    time_unit: TimeUnit,
    due: DueDates | None = None,
    scenario: str | None = None,
) -> BacklogForecast:
    """The forecast of ``runs`` (replications started from a snapshot, their times in
    ``time_unit``), with ``results`` their simulation summary and ``due`` the process's due
    dates (breached items per class and by day)."""
    unit_hours = convert(1.0, time_unit, "hour")
    n = len(runs)
    cleared = [r.cleared * unit_hours for r in runs if r.cleared is not None]
    series = [r.series for r in runs]
    length = min((len(s.get("wip", [])) for s in series), default=0)
    backlog = [BacklogPoint(0.0, *_spread([float(sum(initial.values()))] * n))]
    for k in range(length):
        at = series[0]["time"][k] * unit_hours
        backlog.append(BacklogPoint(at, *_spread([s["wip"][k] for s in series])))
    finals = [s["wip"][length - 1] for s in series] if length else []
    final = Estimate.of(finals, "nonnegative")
    first_day = datetime.fromisoformat(start).date()
    slas = sla_breaches(
        results,
        runs,
        hours=hours,
        first_day=first_day,
        last_day=datetime.fromisoformat(until).date(),
        due=due,
        time_unit=time_unit,
    )
    return BacklogForecast(
        process=results.process,
        start=start,
        until=until,
        hours=hours,
        target=target,
        replications=n,
        seed=int(results.settings.get("seed", 0)),
        initial=initial,
        probability=Estimate.wilson(len(cleared), n),
        time=Estimate.of(cleared, "nonnegative"),
        backlog=backlog,
        final=final,
        slas=slas,
        results=results,
        scenario=scenario,
        cleared_hours=tuple(
            math.nan if r.cleared is None else r.cleared * unit_hours for r in runs
        ),
        final_backlog=tuple(finals),
    )


def _spread(values: Sequence[float]) -> tuple[float, float, float]:
    return statistics.median(values), percentile(values, 0.1), percentile(values, 0.9)


def forecasts_to_json(record: BacklogForecasts) -> dict[str, Any]:
    """One forecast's document (``kind: forecast``), or several under ``kind: forecasts``."""
    if len(record.runs) == 1:
        return forecast_to_json(record.runs[0])
    documents = []
    for k, f in enumerate(record.runs):
        document = forecast_to_json(f)
        change = record.change(k)
        if change is not None:
            document["vs_base"] = {
                "probability": estimate_to_json(change.probability),
                "time": estimate_to_json(change.time),
                "final_backlog": estimate_to_json(change.final),
            }
        documents.append(document)
    return {"kind": "forecasts", "forecasts": documents}


def forecasts_from_json(document: Mapping[str, Any]) -> BacklogForecasts:
    """A forecast document (one, or several under ``forecasts``) back into its record."""
    entries = document["forecasts"] if document.get("kind") == "forecasts" else [document]
    return BacklogForecasts([_forecast_from(e) for e in entries])


def _forecast_from(entry: Mapping[str, Any]) -> BacklogForecast:
    n = int(entry["replications"])
    cleared = entry["cleared"]
    runs = entry.get("per_replication") or {}
    return BacklogForecast(
        process=str(entry["process"]),
        start=str(entry["start"]),
        until=str(entry["until"]),
        hours=float(entry["hours"]),
        target=int(entry["target"]),
        replications=n,
        seed=int(entry["seed"]),
        initial={str(k): int(v) for k, v in entry["initial"]["by_stage"].items()},
        probability=estimate_from_json(cleared["probability"], n),
        time=estimate_from_json(cleared["time"], int(cleared["replications"])),
        backlog=[BacklogPoint(*map(float, p)) for p in entry["backlog"]["series"]],
        final=estimate_from_json(entry["backlog"]["final"], n),
        slas=[breach_from_json(s, n) for s in entry["slas"]],
        scenario=entry.get("scenario"),
        cleared_hours=tuple(
            math.nan if h is None else float(h) for h in runs.get("cleared_hours") or ()
        ),
        final_backlog=tuple(float(x) for x in runs.get("final_backlog") or ()),
    )


def forecast_to_json(forecast: BacklogForecast) -> dict[str, Any]:
    """The stable JSON of a forecast (docs/forecast.md describes every key)."""
    return {
        "kind": KIND,
        "process": forecast.process,
        "scenario": forecast.scenario,
        "start": forecast.start,
        "until": forecast.until,
        "hours": forecast.hours,
        "target": forecast.target,
        "replications": forecast.replications,
        "seed": forecast.seed,
        "initial": {"items": sum(forecast.initial.values()), "by_stage": forecast.initial},
        "cleared": {
            "probability": estimate_to_json(forecast.probability),
            "replications": forecast.cleared_runs,
            "time": estimate_to_json(forecast.time),
        },
        "backlog": {
            "final": estimate_to_json(forecast.final),
            "series": [[p.hours, p.median, p.p10, p.p90] for p in forecast.backlog],
        },
        "per_replication": {
            "cleared_hours": [None if math.isnan(h) else h for h in forecast.cleared_hours],
            "final_backlog": list(forecast.final_backlog),
        },
        "slas": [breach_to_json(s) for s in forecast.slas],
    }
