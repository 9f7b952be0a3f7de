"""What breaches over a forecast: each SLA, each due date, and on which day.

A forecast lists one entry per promise the process makes:

- each **SLA** of ``slas:`` ("95% of reports actioned within 24 hours"): its breach
  rate (1 − the share attained; an item still open past the SLA's max counts as
  breached) and the breached items that rate means;
- with ``due_dates:``, **all due dates** together and each **due-date class**, one per
  value of the attribute that sets them ("severity=high: due within 4 h"): the items
  delivered after their due date or still open past it at the deadline, and their
  share of the class's items.

Each entry of a due date or of a cycle-time SLA also says **by day** when its
breaches happened: the breached items per calendar day (the day of the due date,
or of arrival plus the SLA's max), as the mean over replications with its 95%
interval. Days run from the snapshot's date (or the earliest day a snapshot item
was already late) to the deadline's. A waiting-time SLA's breaches happen per
task at its stage, and have no day here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from procflow.flow.due import NEVER
from procflow.model.duedates import DueDates
from procflow.model.quantities import TimeUnit, convert, format_duration
from procflow.results.estimate import Estimate
from procflow.results.records import Replication, Results

#: What an entry is about: an SLA of ``slas:``, or due dates (all, or one class).
BreachKind = Literal["sla", "due_date"]


@dataclass(frozen=True)
class DayBreaches:
    """The items that breached on one calendar day (ISO date), over replications."""

    day: str
    breached: Estimate


@dataclass(frozen=True)
class SlaBreach:
    """An SLA or a due date over the forecast: its breach rate, the items that breach it,
    and the breaches per day."""

    name: str
    breach_rate: Estimate
    breached: Estimate
    kind: BreachKind = "sla"
    #: a due-date class: the attribute that sets it and its value (None: all due dates),
    #: and the hours it allows (None: several)
    by: str | None = None
    value: str | None = None
    within_hours: float | None = None
    by_day: tuple[DayBreaches, ...] = ()


def sla_breaches(
    results: Results,
    runs: Sequence[Replication],
    *,
    hours: float,
    first_day: date,
    last_day: date,
    due: DueDates | None,
    time_unit: TimeUnit,
) -> list[SlaBreach]:
    """The SLA entries of a forecast of ``hours`` (first the SLAs, then the due dates), days
    from ``first_day`` (the snapshot's date, day 0 of the runs' tallies) to ``last_day``."""
    days = _Days(runs, first_day, last_day)
    arrived = [r.kpis.get("arrivals_per_hour", math.nan) * hours for r in runs]
    made = []
    for k, sla in enumerate(results.slas):
        rates = [1.0 - r.kpis.get(f"slas.{k}.attained", math.nan) for r in runs]
        tasks = arrived
        if sla.metric == "waiting_time" and sla.stage is not None:
            visits = [r.kpis.get(f"stages.{sla.stage}.visits", math.nan) for r in runs]
            tasks = [a * v for a, v in zip(arrived, visits, strict=True)]
        breached = [rate * t for rate, t in zip(rates, tasks, strict=True)]
        made.append(
            SlaBreach(
                sla.name,
                Estimate.of(rates, "share"),
                Estimate.of(breached, "nonnegative"),
                by_day=days.of([f"slas.{k}"]),
            )
        )
    if due is not None:
        made.extend(_due_breaches(runs, days, due, time_unit))
    return made


def _due_breaches(
    runs: Sequence[Replication], days: _Days, due: DueDates, unit: TimeUnit
) -> list[SlaBreach]:
    """All due dates together (when there are several classes), then each class."""
    classes: list[tuple[str, float]] = [(str(v), t) for v, t in due.within.items()]
    if due.otherwise is not None:
        classes.append(("other", due.otherwise))
    keys = [f"due_dates.{label}" for label, _ in classes]
    made = []
    if len(classes) > 1:
        made.append(
            _due_entry(runs, "all due dates", "breached_items", "breached_share", days.of(keys))
        )
    for (label, allowed), key in zip(classes, keys, strict=True):
        within = format_duration(allowed, unit)
        name = f"{due.by}={label}: due within {within}" if due.by else f"due within {within}"
        entry = _due_entry(runs, name, f"{key}.breached", f"{key}.breached_share", days.of([key]))
        hours = convert(allowed, unit, "hour") if allowed != NEVER else None
        made.append(
            SlaBreach(
                entry.name,
                entry.breach_rate,
                entry.breached,
                "due_date",
                due.by,
                label if due.by else None,
                hours,
                entry.by_day,
            )
        )
    return made


def _due_entry(
    runs: Sequence[Replication], name: str, items: str, share: str, by_day: tuple[DayBreaches, ...]
) -> SlaBreach:
    return SlaBreach(
        name,
        Estimate.of([r.kpis.get(share, math.nan) for r in runs], "share"),
        Estimate.of([r.kpis.get(items, math.nan) for r in runs], "nonnegative"),
        "due_date",
        by_day=by_day,
    )


class _Days:
    """The runs' breaches per day (their ``by_day`` tallies), summed over keys."""

    def __init__(self, runs: Sequence[Replication], first_day: date, last_day: date) -> None:
        self.runs = runs
        self.first_day = first_day
        self.last = (last_day - first_day).days

    def of(self, keys: Sequence[str]) -> tuple[DayBreaches, ...]:
        """Each day's breaches under ``keys`` (none when no run tallied them)."""
        tallies = [[r.by_day[k] for k in keys if k in r.by_day] for r in self.runs]
        if not any(tallies):
            return ()
        early = min((d for t in tallies for tally in t for d, n in tally.items() if n), default=0)
        rows = []
        for d in range(min(early, 0), self.last + 1):
            counts = [float(sum(tally.get(d, 0) for tally in t)) for t in tallies]
            day = (self.first_day + timedelta(days=d)).isoformat()
            rows.append(DayBreaches(day, Estimate.of(counts, "nonnegative")))
        return tuple(rows)


def estimate_to_json(e: Estimate) -> dict[str, Any]:
    """``{"mean", "ci95"}``, null where undefined."""
    return {
        "mean": None if math.isnan(e.mean) else e.mean,
        "ci95": [None if math.isnan(e.low) else e.low, None if math.isnan(e.high) else e.high],
    }


def estimate_from_json(entry: Any, n: int) -> Estimate:
    """An estimate written by :func:`estimate_to_json` back, over ``n`` replications."""
    low, high = entry.get("ci95") or [None, None]

    def num(x: Any) -> float:
        return math.nan if x is None else float(x)

    return Estimate(num(entry.get("mean")), num(low), num(high), n)


def breach_to_json(s: SlaBreach) -> dict[str, Any]:
    """One ``slas[]`` entry of the forecast JSON (docs/forecast.md describes every key)."""
    return {
        "name": s.name,
        "kind": s.kind,
        "by": s.by,
        "value": s.value,
        "within_hours": s.within_hours,
        "breached": estimate_to_json(s.breached),
        "breach_rate": estimate_to_json(s.breach_rate),
        "by_day": [{"day": d.day, "breached": estimate_to_json(d.breached)} for d in s.by_day],
    }


def breach_from_json(entry: Mapping[str, Any], n: int) -> SlaBreach:
    """A ``slas[]`` entry back into its record (``n`` replications)."""
    return SlaBreach(
        str(entry["name"]),
        estimate_from_json(entry["breach_rate"], n),
        estimate_from_json(entry["breached"], n),
        entry.get("kind", "sla"),
        entry.get("by"),
        entry.get("value"),
        entry.get("within_hours"),
        tuple(
            DayBreaches(str(d["day"]), estimate_from_json(d["breached"], n))
            for d in entry.get("by_day") or ()
        ),
    )
