"""From heads to shifts: the cheapest set of shifts that covers the heads needed all week.

The planner knows how many people must be on the floor in every interval of the week
(``mon 09:00``: 14) and which shifts people may work (:mod:`procflow.model.shifts`).
Choosing how many people work each *shift option* (a template at one start time on one
set of days) is the classic shift-scheduling covering problem, an integer program:

    minimise   Σ cost(option) · people(option)  [+ shortfall cost · heads short · hours]
    such that  in every stretch of the week, the people of the options on the floor then
               (breaks excepted) + heads short ≥ heads needed;
               every template's people within its min and max.

The week is cut into *slots*, the largest step that every interval start, shift start,
length and break falls on (30 minutes for half-hour intervals and shifts on the half
hour), and the requirement of an interval holds in each of its slots, so a shift that
starts mid-interval does not count toward all of it. Without a shortfall cost there is
no heads short: every interval is covered, or :class:`CoverError` says why not. The
program is solved by HiGHS through ``scipy.optimize.milp``, until the plan is proved to
cost at most :data:`MIP_GAP` (1%) more than the cheapest there is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, hstack

from procflow.model.calendar import DAY_MINUTES, DAYS, WEEK_MINUTES, clock_text, week_time
from procflow.model.shifts import ShiftOption, ShiftTemplate

#: The most shift options one pool's program may have (templates × starts × day sets).
MAX_OPTIONS = 20_000
#: How long HiGHS may search before the best plan found is taken (seconds).
TIME_LIMIT = 60.0
#: The search stops once the plan is proved to cost at most this share more than the
#: cheapest: a week of half-hours then solves in seconds, where proving the last 0.5%
#: can take minutes (``benchmarks/staffing_screen.py``).
MIP_GAP = 0.01


class CoverError(ValueError):
    """No set of shifts covers the requirement (or the program cannot be built)."""


@dataclass(frozen=True)
class PlannedShift:
    """People working one shift option every week."""

    option: ShiftOption
    count: int
    #: What one person on this option costs per week.
    cost_per_person: float

    @property
    def template(self) -> str:
        """The name of the template."""
        return self.option.template.name

    @property
    def name(self) -> str:
        """``early 06:00``; a run of days on says its first day: ``five on 08:00 from thu``."""
        option = self.option
        name = f"{self.template} {clock_text(option.start)}"
        if option.first_day is not None and option.template.days_on != 7:
            name += f" from {DAYS[option.first_day]}"
        return name


@dataclass(frozen=True)
class IntervalCover:
    """One interval of the week: heads needed on the floor and heads the shifts put there."""

    start: int
    needed: int
    #: The fewest people on the floor at any moment of the interval.
    on_duty: int

    @property
    def short(self) -> int:
        """Heads missing (0 when covered)."""
        return max(0, self.needed - self.on_duty)

    @property
    def over(self) -> int:
        """Heads beyond the need."""
        return max(0, self.on_duty - self.needed)

    @property
    def label(self) -> str:
        """``mon 09:00``."""
        return week_time(self.start)


@dataclass(frozen=True)
class Cover:
    """The cheapest shifts found for one pool, and what they cover per interval."""

    shifts: list[PlannedShift]
    intervals: list[IntervalCover]
    #: Cost of the shifts per week (the shortfall cost not included).
    cost_per_week: float
    #: The minutes of one slot of the program.
    slot: int
    #: Whether HiGHS proved the plan within :data:`MIP_GAP` of the cheapest (False: it
    #: stopped at its time limit).
    optimal: bool

    @property
    def people(self) -> int:
        """People on the shifts."""
        return sum(s.count for s in self.shifts)

    @property
    def short(self) -> int:
        """Heads missing, summed over the intervals."""
        return sum(i.short for i in self.intervals)


@dataclass(frozen=True)
class PoolShifts:
    """One pool's plan: the working heads asked for, and the shifts that cover them."""

    pool: str
    shrinkage: float
    #: minute of the week -> working heads required from then
    required: dict[int, int]
    cover: Cover


@dataclass
class ShiftPlan:
    """Shifts for every pool of a requirements file."""

    pools: dict[str, PoolShifts]
    interval: int
    notes: list[str] = field(default_factory=list)

    @property
    def short(self) -> int:
        """Heads missing over every pool and interval (0: everything covered)."""
        return sum(p.cover.short for p in self.pools.values())


def shift_cost(option: ShiftOption, cost_per_hour: float) -> float:
    """What one person on ``option`` costs per week: the template's cost per shift, or paid
    hours at the template's cost per hour, else at ``cost_per_hour`` (the pool's)."""
    template = option.template
    if template.cost is not None:
        return template.cost * option.shifts_per_week
    rate = template.cost_per_hour if template.cost_per_hour is not None else cost_per_hour
    return rate * template.paid_hours * option.shifts_per_week


def cover(
    needed: Mapping[int, int],
    interval: int,
    templates: Sequence[ShiftTemplate],
    *,
    cost_per_hour: float = 1.0,
    shortfall_cost_per_hour: float | None = None,
) -> Cover:
    """The cheapest shifts from ``templates`` putting ``needed[start]`` people on the floor
    from each interval ``start`` (minute of the week) for ``interval`` minutes.

    Intervals not in ``needed`` need nobody. With ``shortfall_cost_per_hour`` an interval
    may be left short at that cost per missing head and hour; without, raises
    :class:`CoverError` when no plan covers every interval (naming one that no template
    can reach, or the templates' max counts).
    """
    if not templates:
        raise CoverError("no shift template applies")
    options = [o for t in templates for o in t.options()]
    if len(options) > MAX_OPTIONS:
        raise CoverError(f"{len(options):,} shift options; the limit is {MAX_OPTIONS:,}")
    slot = _slot(needed, interval, templates)
    slots = WEEK_MINUTES // slot
    starts = sorted(needed)
    per_slot = interval // slot
    # coverage: slot s is on the floor for option j
    rows: list[int] = []
    cols: list[int] = []
    for j, option in enumerate(options):
        for a, b in option.windows():
            covered = range(a // slot, b // slot)
            rows.extend(covered)
            cols.extend([j] * len(covered))
    floor = coo_array((np.ones(len(rows)), (rows, cols)), shape=(slots, len(options))).tocsr()
    floor.sum_duplicates()
    need = np.zeros(len(starts) * per_slot)
    slot_of = np.zeros(len(starts) * per_slot, dtype=int)
    for k, start in enumerate(starts):
        block = slice(k * per_slot, (k + 1) * per_slot)
        need[block] = needed[start]
        slot_of[block] = [(start // slot + i) % slots for i in range(per_slot)]
    reached = floor[slot_of].sum(axis=1) if len(options) else np.zeros(len(need))
    if shortfall_cost_per_hour is None:
        unreachable = np.flatnonzero((np.asarray(reached).ravel() == 0) & (need > 0))
        if unreachable.size:
            start = starts[unreachable[0] // per_slot]
            raise CoverError(
                f"{week_time(start)} needs {needed[start]} on the floor but no shift template "
                "is on duty then: add a template (or a start time) that covers it"
            )
    costs = np.array([shift_cost(o, cost_per_hour) for o in options])
    n, m = len(options), len(starts)
    short = shortfall_cost_per_hour is not None
    # variables: people per option, then (soft) heads short per interval
    objective = np.concatenate(
        [costs, np.full(m if short else 0, (shortfall_cost_per_hour or 0) * interval / 60)]
    )
    lhs = floor[slot_of]
    if short:
        owner = coo_array(
            (np.ones(len(need)), (np.arange(len(need)), np.arange(len(need)) // per_slot)),
            shape=(len(need), m),
        )
        lhs = hstack([lhs, owner]).tocsr()
    constraints = [LinearConstraint(lhs, lb=need, ub=np.inf)]
    groups = _template_rows(options, templates, n + (m if short else 0))
    if groups is not None:
        matrix, low, high = groups
        constraints.append(LinearConstraint(matrix, lb=low, ub=high))
    integrality = np.concatenate([np.ones(n), np.zeros(m if short else 0)])
    result = milp(
        objective,
        constraints=constraints,
        integrality=integrality,
        bounds=Bounds(0, np.inf),
        options={"time_limit": TIME_LIMIT, "mip_rel_gap": MIP_GAP},
    )
    if result.x is None:
        raise CoverError(
            "no set of shifts covers every interval within the templates' max counts: raise "
            "a max, add a template, or give shortfall_cost_per_hour to allow short intervals"
        )
    people = np.round(result.x[:n]).astype(int)
    on_floor = floor @ people
    intervals = [
        IntervalCover(
            start,
            needed[start],
            int(min(on_floor[(start // slot + i) % slots] for i in range(per_slot))),
        )
        for start in starts
    ]
    planned = [
        PlannedShift(option, int(count), float(cost))
        for option, count, cost in zip(options, people, costs, strict=True)
        if count > 0
    ]
    return Cover(
        shifts=planned,
        intervals=intervals,
        cost_per_week=float(costs @ people),
        slot=slot,
        optimal=result.status == 0,
    )


def _slot(needed: Mapping[int, int], interval: int, templates: Sequence[ShiftTemplate]) -> int:
    """The largest step every interval start and length, shift start, length and break
    falls on (it divides the day, so the week is whole slots)."""
    if interval <= 0 or WEEK_MINUTES % interval:
        raise CoverError(f"an interval of {interval} min does not divide the week")
    times = [DAY_MINUTES, interval, *needed]
    for template in templates:
        times += [*template.start, *(t for span in template.on_duty for t in span)]
    return reduce(math.gcd, times)


def _template_rows(
    options: Sequence[ShiftOption], templates: Sequence[ShiftTemplate], width: int
) -> tuple[coo_array, np.ndarray, np.ndarray] | None:
    """One row per template with a min or max: the people on its options, and the bounds."""
    bounded = [t for t in templates if t.min > 0 or t.max is not None]
    if not bounded:
        return None
    index = {id(t): k for k, t in enumerate(bounded)}
    rows: list[int] = []
    cols: list[int] = []
    for j, option in enumerate(options):
        if id(option.template) in index:
            rows.append(index[id(option.template)])
            cols.append(j)
    matrix = coo_array((np.ones(len(rows)), (rows, cols)), shape=(len(bounded), width))
    low = np.array([t.min for t in bounded], dtype=float)
    high = np.array([np.inf if t.max is None else t.max for t in bounded])
    return matrix, low, high
