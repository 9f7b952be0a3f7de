"""The tables of a staffing plan: heads per pool and interval, and each pool's summary.

One row per pool and interval (``--format csv`` and the workbook keep every
interval); the terminal and Markdown show :func:`interval_runs`, consecutive
intervals that need the same heads, so a week of half-hours reads as a few lines
a day.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from procflow.report.format import duration
from procflow.report.tables.cells import Cell, Table, unit_short
from procflow.results.staffing import IntervalPlan, PoolPlan, StaffingPlan

#: What each method is called in a table.
METHOD_WORDS = {
    "erlang_c": "Erlang C",
    "erlang_a": "Erlang A (patience)",
    "modified_offered_load": "lagged load (MOL)",
    "back_office": "back office (SLA window)",
    "no_work": "no work",
    "simulation": "raised by simulation",
}


@dataclass(frozen=True)
class Run:
    """Consecutive intervals of one pool that need the same heads, by the same method."""

    start: str
    end: str
    intervals: tuple[IntervalPlan, ...]

    @property
    def first(self) -> IntervalPlan:
        return self.intervals[0]

    @property
    def peak_load(self) -> float:
        return max(i.offered_load for i in self.intervals)


def interval_runs(pool: PoolPlan) -> Iterator[Run]:
    """The pool's intervals grouped where required, scheduled and method stay the same."""
    group: list[IntervalPlan] = []
    for interval in pool.intervals:
        if group and _key(group[-1]) != _key(interval):
            yield Run(group[0].start, group[-1].end, tuple(group))
            group = []
        group.append(interval)
    if group:
        yield Run(group[0].start, group[-1].end, tuple(group))


def _key(interval: IntervalPlan) -> tuple[int, int, str]:
    return (interval.required, interval.scheduled, interval.method)


def staffing_tables(plan: StaffingPlan) -> list[Table]:
    """The summary per pool, then every interval of every pool."""
    unit = unit_short(plan.time_unit)
    verified = plan.verification is not None
    pools = Table(
        "Pools",
        "pools",
        [
            "Pool",
            "Target",
            "Shrinkage (%)",
            "Peak required",
            "Peak scheduled",
            "Scheduled hours",
        ],
    )
    for pool in plan.pools.values():
        hours = sum(i.scheduled * i.minutes for i in pool.intervals) / 60
        pools.rows.append(
            [
                Cell(pool.name),
                Cell(target_text(pool, plan.time_unit)),
                Cell(pool.shrinkage, "share"),
                Cell(max((i.required for i in pool.intervals), default=0), "count"),
                Cell(max((i.scheduled for i in pool.intervals), default=0), "count"),
                Cell(hours, "number"),
            ]
        )
    headers = [
        "Pool",
        "Start",
        "Minutes",
        "Tasks",
        "Offered load",
        "Required",
        "Scheduled",
        "Service level (%)",
        "Occupancy (%)",
        f"ASA ({unit})",
        "Abandon (%)",
        "Method",
        "Set by",
    ]
    if verified:
        headers += ["Formula required", "Simulated SL (%)", "SL low (%)", "SL high (%)", "Met"]
    intervals = Table("Intervals", "intervals", headers)
    for pool in plan.pools.values():
        for i in pool.intervals:
            row = [
                Cell(pool.name),
                Cell(i.start),
                Cell(i.minutes, "plain"),
                Cell(i.arrivals, "number"),
                Cell(i.offered_load, "number"),
                Cell(i.required, "count"),
                Cell(i.scheduled, "count"),
                Cell(i.service_level, "share"),
                Cell(i.occupancy, "share"),
                Cell(i.asa, "duration"),
                Cell(i.abandon, "share"),
                Cell(i.method),
                Cell(i.binding),
            ]
            if verified:
                check = i.check
                row += [
                    Cell(i.formula, "count"),
                    Cell(check.service_level.mean if check else None, "share"),
                    Cell(check.service_level.low if check else None, "share"),
                    Cell(check.service_level.high if check else None, "share"),
                    Cell(check.met if check else None),
                ]
            intervals.rows.append(row)
    return [pools, intervals]


def target_text(pool: PoolPlan, time_unit: str) -> str:
    """``80% within 20 s; occupancy ≤ 85%`` (or ``keep up``), and where it came from."""
    t = pool.targets
    level, within, wait = t.get("service_level"), t.get("within"), t.get("mean_wait")
    occupancy, abandon = t.get("occupancy"), t.get("abandon")
    parts = []
    if level is not None:
        parts.append(f"{level:.0%} within {duration(within or 0.0, time_unit)}")
    if wait is not None:
        parts.append(f"ASA ≤ {duration(wait, time_unit)}")
    if occupancy is not None:
        parts.append(f"occupancy ≤ {occupancy:.0%}")
    if abandon is not None:
        parts.append(f"abandon ≤ {abandon:.0%}")
    text = "; ".join(parts) or "keep up"
    if pool.target_source.startswith("sla: "):
        text += f" (SLA {pool.target_source.removeprefix('sla: ')!r})"
    return text
