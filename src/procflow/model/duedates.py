"""Due dates: the time by which each item must be done, set by one of its attributes.

A PM promises "high-severity reports within 4 hours, the rest within 48 hours":
a clock per item that starts when the item arrives. ``due_dates`` says which
attribute sets it (``by: severity``) and how long each of its values has
(``within``); ``otherwise`` covers the values not listed. The clock counts
calendar time, or only ``business_hours`` (``{days: mon-fri, hours: "09:00-17:00"}``):
then 8 hours from Friday 17:00 is Monday 17:00.

An item *breaches* when it is delivered after its due date, or is still in the
system past it. SLAs (``slas:``) say what share of items must meet a target; due
dates say when each item is late, so that reports can count the breached items
and say which of the open ones breach first.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from procflow.model.calendar import Days, Hours, every_day, week_intervals, whole_day
from procflow.model.fields import STRICT
from procflow.model.quantities import Duration

#: An attribute value as the YAML holds it (a market code, a severity, a tier number).
Value = str | int | bool


class BusinessHours(BaseModel):
    """A weekly window the due-date clock runs in: ``{days: mon-fri, hours: "09:00-17:00"}``."""

    model_config = STRICT
    days: Days = every_day()
    hours: Hours = whole_day()


def _windows(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


class DueDates(BaseModel):
    """When each item is due: ``within`` a time of its arrival, by the value of attribute ``by``."""

    model_config = STRICT
    by: str | None = Field(
        default=None,
        description="The attribute whose value sets the due date, such as severity; "
        "without it every item has the time in otherwise.",
    )
    within: dict[Value, Duration] = Field(
        default_factory=dict,
        description="The time each value of the attribute has, from the item's arrival: "
        "{high: 4 hours, low: 48 hours}.",
    )
    otherwise: Duration | None = Field(
        default=None,
        description="The time items have whose value is not under within; without it they "
        "have no due date.",
    )
    business_hours: Annotated[list[BusinessHours], BeforeValidator(_windows)] | None = Field(
        default=None,
        min_length=1,
        description="Count only these hours of the week, such as {days: mon-fri, hours: "
        '"09:00-17:00"}; without it the clock counts calendar time.',
    )

    @model_validator(mode="after")
    def _complete(self) -> DueDates:
        if self.within and self.by is None:
            raise PydanticCustomError(
                "due_dates", "within lists values of an attribute: say which one with 'by'"
            )
        if not self.within and self.otherwise is None:
            raise PydanticCustomError(
                "due_dates",
                "say how long items have: within (by attribute value) or otherwise (all items)",
            )
        return self

    def windows(self) -> list[tuple[int, int]] | None:
        """The business hours as minutes of the week, or None for calendar time."""
        if self.business_hours is None:
            return None
        return [span for b in self.business_hours for span in week_intervals(b.days, b.hours)]

    def allowed(self, value: Any) -> float | None:
        """The time an item with ``value`` has (in the process's time unit), or None."""
        return self.within.get(value, self.otherwise)
