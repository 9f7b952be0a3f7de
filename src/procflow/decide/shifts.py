"""``procflow shifts``: turn required heads per interval into a calendar of shifts.

The planner has the heads required per pool and half-hour (``procflow staff``'s CSV)
and the shifts people may work (a shift templates file). For every pool in the
requirements, :func:`plan_shifts` finds the cheapest shifts covering them
(:mod:`procflow.analysis.shifts`), and :func:`calendar_text` writes them as the pool's
``calendar``: into a copy of the process (everything else kept as the PM wrote it), or
as a ``resources:`` block to paste.

The requirement is of people *working*; the calendar says who is *on duty*. With a
process, each interval needs the heads ``procflow staff`` schedules for it after the
pool's shrinkage (:func:`procflow.model.staffing.scheduled_heads`: the planners'
⌈working / (1 − shrinkage)⌉, never fewer than the simulator needs), and shifts are priced
at the pool's ``cost_per_hour`` unless their template gives a cost. Without a process
there is no shrinkage; without a cost (the template's or the pool's) an hour costs 1,
so that the cheapest plan has the fewest paid hours.
"""

from __future__ import annotations

import json

from procflow.analysis.shifts import Cover, PoolShifts, ShiftPlan, cover
from procflow.diagnostics.suggest import did_you_mean
from procflow.model.calendar import DAY_MINUTES, clock_text, days_text
from procflow.model.process import Process
from procflow.model.requirements import Requirements
from procflow.model.shifts import ShiftTemplatesFile
from procflow.model.staffing import scheduled_heads
from procflow.source import Document, load_document
from procflow.source.edit import replace_key


class ShiftsError(ValueError):
    """The plan cannot be made: a pool the process does not have, a pool with teams."""


def plan_shifts(
    requirements: Requirements,
    templates: ShiftTemplatesFile,
    process: Process | None = None,
) -> ShiftPlan:
    """The cheapest shifts covering ``requirements`` for every pool they name.

    Raises :class:`ShiftsError` for a pool the process lacks or staffs with teams, and
    :class:`~procflow.analysis.shifts.CoverError` when no plan covers a pool.
    """
    notes: list[str] = []
    pools: dict[str, PoolShifts] = {}
    for pool, required in requirements.pools.items():
        shrinkage, cost_per_hour = 0.0, 1.0
        if process is not None:
            resource = process.resources.get(pool)
            if resource is None:
                hint = did_you_mean(pool, process.resources) or ""
                raise ShiftsError(f"the process has no staff pool {pool!r}. {hint}".strip())
            if resource.teams is not None:
                raise ShiftsError(
                    f"{pool!r} is staffed by teams; shifts are planned for a pool without teams"
                )
            shrinkage = resource.shrinkage
            cost_per_hour = resource.cost_per_hour or 1.0
        chosen = templates.for_pool(pool)
        if not chosen:
            raise ShiftsError(f"no shift template applies to pool {pool!r} (see their pools:)")
        priced = all(t.cost is not None or t.cost_per_hour is not None for t in chosen)
        if not priced and (process is None or not process.resources[pool].cost_per_hour):
            notes.append(f"{pool}: no cost per hour given: the plan has the fewest paid hours")
        needed = {start: scheduled_heads(heads, shrinkage) for start, heads in required.items()}
        found = cover(
            needed,
            requirements.interval,
            chosen,
            cost_per_hour=cost_per_hour,
            shortfall_cost_per_hour=templates.shortfall_cost_per_hour,
        )
        if not found.optimal:
            notes.append(f"{pool}: the solver stopped at its time limit; the plan may cost more")
        pools[pool] = PoolShifts(pool, shrinkage, dict(required), found)
    return ShiftPlan(pools, requirements.interval, notes)


def calendar_entries(found: Cover) -> list[dict[str, str | int]]:
    """The calendar of a pool's shifts: one entry per shift option and stretch between
    breaks (``{name, days, hours, count}``), as a process file's ``calendar`` holds them."""
    entries: list[dict[str, str | int]] = []
    for shift in found.shifts:
        option = shift.option
        for a, b in option.template.on_duty:
            begin = option.start + a
            later = begin // DAY_MINUTES  # a stretch after midnight is on the next days
            entries.append(
                {
                    "name": shift.name,
                    "days": days_text((d + later) % 7 for d in option.days),
                    "hours": f"{clock_text(begin)}-{clock_text(option.start + b, end=True)}",
                    "count": shift.count,
                }
            )
    return entries


def _calendar_lines(found: Cover) -> list[str]:
    entries = calendar_entries(found)
    if not entries:
        return ["count: 0                 # procflow shifts: no shifts"]
    lines = ["calendar:                # written by procflow shifts"]
    for entry in entries:
        fields = ", ".join(
            f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in entry.items()
        )
        lines.append(f"  - {{{fields}}}")
    return lines


def calendar_text(plan: ShiftPlan, process: Document | None = None) -> str:
    """The plan as YAML: ``process`` with each planned pool's staffing replaced by its
    calendar (the rest of the file as written), or without a process a ``resources:``
    block with one calendar per pool. Raises :class:`~procflow.source.edit.EditError`
    for a pool written in flow style."""
    if process is None:
        lines = ["resources:"]
        for pool, planned in plan.pools.items():
            lines.append(f"  {json.dumps(pool, ensure_ascii=False)}:")
            lines += [f"    {line}" for line in _calendar_lines(planned.cover)]
        return "\n".join(lines) + "\n"
    for pool, planned in plan.pools.items():
        resource = process.data["resources"][pool]
        key = "calendar" if "calendar" in resource else "count"
        text = replace_key(process, ("resources", pool, key), _calendar_lines(planned.cover))
        process = load_document(process.path, text)
    return process.text
