"""The staffing levers ``optimize`` turns: a pool's count, a calendar's size, a team's size.

A pool staffed with ``count: 12`` is one lever: its headcount. A pool with a
``calendar`` of shifts is one lever too: its heads, the sum of its shifts' counts, with
every shift scaled by the same factor and rounded (a calendar of 19 early, 19 late and
5 night at 43 heads becomes 21, 21 and 6 at 48: the shape of the week is kept). A pool
with ``teams`` has one lever per team (``reviewers.indonesian``), each its count or its
calendar as above; the skills of the teams stay as written.

For the analytic screen every lever knows, at each of its levels, the people working on
average over the week (shifts, shrinkage rounded per team: the rule of
:func:`procflow.model.staffing.working_people`) and the people paid on average, as arrays
over its levels, so that a grid of plans is priced and screened with array sums.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from procflow.model.calendar import WEEK_MINUTES, week_intervals
from procflow.model.process import Process
from procflow.model.staffing import Resource, Shift

#: Without bounds, a lever takes these multiples of today's heads.
DEFAULT_FACTORS = (0.8, 0.9, 1.0, 1.1, 1.2)
#: A half-up rounding of a product taken in decimal, as :func:`working_people` does.
_HALF = 0.5 + 1e-9


@dataclass(frozen=True)
class Lever:
    """One headcount the search may change, and what each of its levels means."""

    #: ``pool``, or ``pool.team`` for a team (the team's name, or its position from 0)
    key: str
    pool: str
    #: the position of the team in the pool's ``teams``, None for the pool itself
    team: int | None
    #: the skills of the team (None: the pool takes any work)
    skills: frozenset[str] | None
    #: today's heads: the count, or the sum of the calendar's shift counts
    today: int
    #: the shifts' counts today (empty for a count)
    shifts: tuple[int, ...]
    #: per shift, the minutes of each step of the week it is on duty (steps × shifts)
    on_duty: np.ndarray = field(repr=False, compare=False)
    #: the length of each step of the week, minutes
    steps: np.ndarray = field(repr=False, compare=False)
    shrinkage: float = 0.0
    cost_per_hour: float = 0.0

    @property
    def path(self) -> str:
        """Where the lever's staffing is written in the process file."""
        base = f"resources.{self.pool}"
        return base if self.team is None else f"{base}.teams[{self.team}]"

    def counts(self, heads: int) -> tuple[int, ...]:
        """Each shift's count at ``heads`` (today's shape, scaled and rounded half up)."""
        if not self.shifts or self.today == 0:
            return (heads,) if not self.shifts else tuple(0 for _ in self.shifts)
        return tuple(int(c * heads / self.today + _HALF) for c in self.shifts)

    def distinct(self, levels: Iterable[int]) -> list[int]:
        """``levels`` without those that staff the shifts as a smaller one does (18 and 19
        heads over shifts of 12 and 4 both round to 14 and 5)."""
        seen: dict[tuple[int, ...], int] = {}
        for heads in sorted(levels):
            seen.setdefault(self.counts(heads), heads)
        return list(seen.values())

    def changes(self, heads: int) -> dict[str, Any]:
        """The scenario changes that staff the lever with ``heads``."""
        if not self.shifts:
            return {f"{self.path}.count": heads}
        return {f"{self.path}.calendar[{k}].count": n for k, n in enumerate(self.counts(heads))}

    def working(self, levels: Sequence[int]) -> np.ndarray:
        """People working on average over the week at each level (whole people per step)."""
        people = self._on_duty(levels)
        working = np.floor(people * (1 - self.shrinkage) + _HALF)
        mean: np.ndarray = (working @ self.steps) / WEEK_MINUTES
        return mean

    def paid(self, levels: Sequence[int]) -> np.ndarray:
        """People on duty on average over the week at each level."""
        mean: np.ndarray = (self._on_duty(levels) @ self.steps) / WEEK_MINUTES
        return mean

    def _on_duty(self, levels: Sequence[int]) -> np.ndarray:
        """People on duty per step of the week (levels × steps)."""
        counts = np.array([self.counts(n) for n in levels], dtype=float)
        people: np.ndarray = counts @ self.on_duty.T
        return people


def levers(process: Process) -> list[Lever]:
    """Every lever of the process: one per pool, one per team of a pool with teams."""
    found: list[Lever] = []
    for name, resource in process.resources.items():
        if resource.teams is None:
            found.append(
                _lever(name, name, None, None, resource, resource.count, resource.calendar)
            )
            continue
        for k, team in enumerate(resource.teams):
            key = f"{name}.{team.name or k}"
            skills = frozenset(team.skills)
            found.append(_lever(key, name, k, skills, resource, team.count, team.calendar))
    return found


def _lever(
    key: str,
    pool: str,
    team: int | None,
    skills: frozenset[str] | None,
    resource: Resource,
    count: int | None,
    calendar: list[Shift] | None,
) -> Lever:
    shifts = calendar or []
    windows = [(week_intervals(s.days, s.hours), 1.0) for s in shifts] or [
        ([(0, WEEK_MINUTES)], 1.0)
    ]
    cuts = sorted({0, *(t for spans, _ in windows for span in spans for t in span)})
    ends = [*cuts[1:], WEEK_MINUTES] if cuts[-1] != WEEK_MINUTES else cuts[1:]
    starts = cuts[: len(ends)]
    on_duty = np.array(
        [
            [float(any(a <= (s + e) / 2 < b for a, b in spans)) for spans, _ in windows]
            for s, e in zip(starts, ends, strict=True)
        ]
    )
    today = count if calendar is None else sum(s.count for s in shifts)
    assert today is not None  # validated: a count or a calendar
    return Lever(
        key=key,
        pool=pool,
        team=team,
        skills=skills,
        today=today,
        shifts=tuple(s.count for s in shifts),
        on_duty=on_duty,
        steps=np.array([e - s for s, e in zip(starts, ends, strict=True)], dtype=float),
        shrinkage=resource.shrinkage,
        cost_per_hour=resource.cost_per_hour,
    )


def default_levels(lever: Lever) -> list[int]:
    """Today's heads times :data:`DEFAULT_FACTORS`, rounded, without repeats (nor levels
    that staff the shifts alike)."""
    return lever.distinct({max(0, round(lever.today * f)) for f in DEFAULT_FACTORS})
