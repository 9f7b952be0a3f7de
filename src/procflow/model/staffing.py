"""Who does the work: staff pools, their shifts, teams with skills, and shrinkage.

A pool is, say, the 44 annotators of a queue: ``count`` people always on duty, or a
``calendar`` of weekly shifts (a day shift Monday to Friday, a smaller night
shift), or ``teams`` with skills (the reviewers who read Indonesian, those who read
Portuguese), each with its own count or calendar. Part of paid time goes to
meetings, training and breaks (*shrinkage*): the people working are those on duty
times (1 - shrinkage), rounded to whole people per team by :func:`working_people`,
the one rule the analysis, lint and the simulator share.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from procflow.model.calendar import (
    Days,
    Hours,
    WeeklyProfile,
    every_day,
    week_intervals,
    whole_day,
)
from procflow.model.fields import STRICT, Headcount, not_bool, share
from procflow.model.quantities import Duration
from procflow.model.tenure import new_hires_among

#: The order a pool takes waiting work in (within a priority, except for aging).
Serve = Literal["first_come", "earliest_due", "aging"]
SERVE_ORDERS: tuple[Serve, ...] = ("first_come", "earliest_due", "aging")


class Shift(BaseModel):
    """People on duty in a weekly window: ``{days: mon-fri, hours: "08:00-16:00", count: 30}``."""

    model_config = STRICT
    name: str = Field(default="", description="The name of the shift, such as early.")
    days: Days = every_day()
    hours: Hours = whole_day()
    count: Headcount = Field(description="People on duty during the shift.")


#: The highest cost of one person for one hour, in any currency (a billion).
MAX_COST_PER_HOUR = 1e9


def working_people(on_duty: float, shrinkage: float) -> int:
    """People taking work when ``on_duty`` are paid and ``shrinkage`` of the time is lost.

    On duty × (1 − shrinkage), rounded to whole people, a half up: 45 people at 30%
    shrinkage are 31.5, so 32 work. The product is taken in decimal, as the PM
    wrote the numbers (in binary floating point 45 × 0.7 is 31.4999…).
    This is the one definition the analysis, lint and the simulator use.
    """
    exact = Fraction(repr(float(on_duty))) * (1 - Fraction(repr(float(shrinkage))))
    return int(exact + Fraction(1, 2))  # not negative: truncating is rounding down


def _shifts_profile(count: int | None, calendar: list[Shift] | None) -> WeeklyProfile:
    if calendar is None:
        return WeeklyProfile.constant(float(count or 0))
    return WeeklyProfile.summed(
        [(week_intervals(s.days, s.hours), float(s.count)) for s in calendar]
    )


class Team(BaseModel):
    """Part of a pool with particular skills (languages, say): only they take that work."""

    model_config = STRICT
    name: str = Field(default="", description="The name of the team.")
    skills: list[str] = Field(min_length=1, description="The skills the team has: languages...")
    count: Headcount | None = Field(
        default=None, description="People always on duty, or a calendar."
    )
    calendar: list[Shift] | None = Field(
        default=None, min_length=1, description="Weekly shifts, instead of count."
    )

    @model_validator(mode="after")
    def _staffed(self) -> Team:
        if (self.count is None) == (self.calendar is None):
            raise PydanticCustomError(
                "missing_staff", "give the team either count (always on duty) or a calendar"
            )
        return self

    def staff(self) -> WeeklyProfile:
        """People of this team on duty over the minutes of the week."""
        return _shifts_profile(self.count, self.calendar)


class Resource(BaseModel):
    """A staff pool: the people who do the work of the stages that name it.

    ``count`` people on duty around the clock, or a ``calendar`` of shifts, or
    ``teams`` with skills (each with its own count or calendar). ``shrinkage``
    is the share of paid time not available for this work (meetings, training,
    breaks), so ``count * (1 - shrinkage)`` people work.
    """

    model_config = STRICT
    count: Headcount | None = Field(
        default=None,
        description="People on duty at all times; a pool gives count, calendar or teams.",
    )
    calendar: list[Shift] | None = Field(
        default=None, min_length=1, description="Shifts: who is on duty when, instead of count."
    )
    teams: list[Team] | None = Field(
        default=None,
        min_length=1,
        description="Teams with skills, each with its own count or calendar, instead of count.",
    )
    shrinkage: Annotated[float, BeforeValidator(share)] = Field(
        default=0.0,
        ge=0,
        lt=1,
        description="The share of paid time not spent on this work, from 0 up to 1: 0.15.",
    )
    cost_per_hour: Annotated[float, BeforeValidator(not_bool)] = Field(
        default=0.0,
        ge=0,
        le=MAX_COST_PER_HOUR,
        description="Cost of one person on duty for one hour, in your currency.",
    )
    serve: Serve = Field(
        default="first_come",
        description="The order waiting work is taken in: first_come (highest priority, then "
        "the longest waiting), earliest_due (highest priority, then the earliest due date), "
        "or aging (priority rises by one for every 'aging' an item waits).",
    )
    aging: Duration | None = Field(
        default=None,
        description="With serve: aging, the wait worth one priority level, such as '1 hour'.",
    )
    new_hires: int = Field(
        default=0,
        ge=0,
        description="How many of its people are new hires, whose work a stage's new_hires "
        "describes and a review's sample can target (when: new_hire).",
    )
    description: str = Field(default="", description="Free text.")

    @model_validator(mode="after")
    def _aging(self) -> Resource:
        if (self.serve == "aging") != (self.aging is not None):
            raise PydanticCustomError(
                "serve",
                "serve: aging and aging go together: aging is the wait worth one priority "
                "level, such as aging: 1 hour",
            )
        if self.aging is not None and self.aging <= 0:
            raise PydanticCustomError("serve", "aging must be longer than 0")
        return self

    @model_validator(mode="after")
    def _staffed(self) -> Resource:
        given = [k for k in ("count", "calendar", "teams") if getattr(self, k) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "missing_staff",
                "give the staff pool one of: count (always on duty), a calendar of shifts, "
                "or teams with skills",
            )
        return self

    @property
    def on_duty(self) -> WeeklyProfile:
        """People on duty (paid) over the minutes of the week."""
        return WeeklyProfile.summed(
            [([(a, b)], v) for _, profile in self.teams_on_duty for a, b, v in profile.steps()]
        )

    @property
    def skills(self) -> set[str]:
        """Every skill some team of the pool has (empty: no teams, anyone takes anything)."""
        return {skill for team in self.teams or [] for skill in team.skills}

    @property
    def mean_staff(self) -> float:
        """Average people on duty over the week."""
        return self.on_duty.mean()

    @property
    def teams_on_duty(self) -> list[tuple[frozenset[str] | None, WeeklyProfile]]:
        """(skills, people on duty) per team; one group with skills None without teams."""
        if self.teams is None:
            return [(None, _shifts_profile(self.count, self.calendar))]
        return [(frozenset(t.skills), t.staff()) for t in self.teams]

    @property
    def teams_working(self) -> list[tuple[frozenset[str] | None, WeeklyProfile]]:
        """(skills, people working over the week) per team: each team rounded on its own."""
        return [
            (
                skills,
                WeeklyProfile.summed(
                    [
                        ([(a, b)], float(working_people(v, self.shrinkage)))
                        for a, b, v in profile.steps()
                    ]
                ),
            )
            for skills, profile in self.teams_on_duty
        ]

    @property
    def working(self) -> WeeklyProfile:
        """People working over the week: on duty less shrinkage, whole people per team."""
        return WeeklyProfile.summed(
            [([(a, b)], v) for _, team in self.teams_working for a, b, v in team.steps()]
        )

    @property
    def headcount(self) -> int:
        """The most people on duty at once: those the pool's people are numbered among."""
        return int(self.on_duty.peak())

    @property
    def new_hire_share(self) -> float:
        """The new hires' share of the people working, over the week: of the work too,
        when they work as fast as the rest (0 without new hires)."""
        if self.new_hires <= 0:
            return 0.0
        headcount = self.headcount
        steps = [(b - a, int(v)) for a, b, v in self.working.steps()]
        people = math.fsum(length * working for length, working in steps)
        new = math.fsum(
            length * new_hires_among(working, self.new_hires, headcount)
            for length, working in steps
        )
        return new / people if people > 0 else 0.0

    @property
    def capacity(self) -> float:
        """Average people working on the process (on duty less shrinkage, whole people)."""
        return self.working.mean()


def scheduled_heads(working: int, shrinkage: float) -> int:
    """People to schedule (on duty) so that ``working`` work: ⌈working / (1 − shrinkage)⌉,
    the planners' rule (14 working at 30% shrinkage: 20; 13: 19).

    Taken in decimal as the PM wrote the shrinkage (in binary 14 / 0.7 is
    20.000000000000004). Never fewer than :func:`working_people` needs, so a plan
    simulated as a calendar has at least ``working`` people working.
    """
    if working <= 0:
        return 0
    return math.ceil(working / (1 - Fraction(repr(float(shrinkage)))))
