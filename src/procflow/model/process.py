"""The process model: one SOP as validated, frozen Pydantic objects.

A process is what a PM writes in one YAML file: where work comes from
(``arrivals``), who does it (``resources``: staff pools), the steps it goes
through (``stages``), and the promises made about it (``slas``). The classes
here mirror the YAML keys one to one, so that an error in a user's file can be
pointed at by the same path (``stages.label.duration.lognormal.sd``).

Validation here is about shape: types, units, required and unknown keys, and
what must hold inside one stage. Questions that need the whole process (does
every stage lead to an end? do probabilities add up? can the staff keep up?)
are lint rules, so that all of them are explained together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from procflow.diagnostics import Location
from procflow.model.calendar import (
    DAY_MINUTES,
    WEEK_MINUTES,
    Days,
    Hours,
    WeeklyProfile,
    every_day,
    parse_clock,
    week_intervals,
    whole_day,
)
from procflow.model.distributions import KINDS, Distribution
from procflow.model.duedates import DueDates
from procflow.model.fields import (
    STRICT,
    BatchSize,
    PriorityValue,
    Probability,
)
from procflow.model.quality import Truth
from procflow.model.quantities import ATTRIBUTE_CONTEXT, Duration, Rate, TimeUnit, convert
from procflow.model.slas import SLA
from procflow.model.staffing import Resource
from procflow.model.stage import Stage
from procflow.model.tenure import ANNOTATOR_ACCURACY, NEW_HIRE
from procflow.source import DocPath, Document

#: The name ``when`` conditions read an item's attempt number by (not an attribute's name).
ATTEMPT = "attempt"


class CategoricalAttribute(BaseModel):
    """An item attribute with named values and their shares: ``{low: 0.92, high: 0.08}``."""

    model_config = STRICT
    values: dict[str | int | bool, Probability] = Field(
        description="Each value with its share of items, from 0 to 1; the shares add up to 1."
    )


class NumericAttribute(BaseModel):
    """An item attribute drawn from a distribution, e.g. the word count of a post."""

    model_config = STRICT
    distribution: Distribution = Field(description="The distribution values are drawn from.")


def _attribute(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, CategoricalAttribute | NumericAttribute):
        return value
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in KINDS:
        # its parameters are numbers (words, followers), not times: their own limit
        context = {**(info.context or {}), ATTRIBUTE_CONTEXT: True}
        return NumericAttribute.model_validate({"distribution": value}, context=context)
    if isinstance(value, dict) and value:
        return CategoricalAttribute(values=value)
    raise PydanticCustomError(
        "attribute",
        "an attribute is a mapping of values to shares, such as {low: 0.9, high: 0.1}, "
        "or a distribution such as {lognormal: {mean: 120, sd: 60}}",
    )


Attribute = Annotated[
    CategoricalAttribute | NumericAttribute,
    BeforeValidator(_attribute),
    WithJsonSchema(
        {
            "type": "object",
            "description": "Values with their shares (summing to 1), e.g. {low: 0.92, high: 0.08}, "
            "or a distribution for a numeric attribute, e.g. {lognormal: {mean: 120, sd: 60}}.",
        }
    ),
]


class RatePeriod(BaseModel):
    """Arrivals at ``rate`` during a recurring window of the week."""

    model_config = STRICT
    days: Days = every_day()
    hours: Hours = whole_day()
    rate: Rate = Field(description="Arrivals during the window, such as '620 per hour'.")


def _clock_list(value: Any) -> Any:
    times = value if isinstance(value, list) else [value]
    return tuple(parse_clock(str(t)) for t in times)


class Batch(BaseModel):
    """A scheduled drop: ``size`` items at once, on ``days`` at each time in ``at``."""

    model_config = STRICT
    size: BatchSize = Field(description="How many items land at once.")
    days: Days = every_day()
    at: Annotated[
        tuple[int, ...],
        BeforeValidator(_clock_list),
        WithJsonSchema(
            {
                "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                "description": "Time(s) of day of the drop: '09:00' or ['09:00', '14:00'].",
            }
        ),
    ]

    def times(self) -> list[int]:
        """Minutes of the week at which a batch lands, in order."""
        return sorted(day * DAY_MINUTES + t for day in self.days for t in self.at)


class Arrival(BaseModel):
    """A stream of incoming items: Poisson at a rate (or by schedule), or batch drops."""

    model_config = STRICT
    name: str = Field(min_length=1, description="The name of the stream, such as incoming.")
    rate: Rate | None = Field(
        default=None,
        description="How many items arrive, such as '540 per hour'; a stream gives rate, "
        "every, a schedule or a batch.",
    )
    every: Duration | None = Field(
        default=None, description="The mean time between items, instead of a rate: '5 min'."
    )
    schedule: list[RatePeriod] | None = Field(
        default=None,
        min_length=1,
        description="Rates that change by day and hour: the first window that matches wins; "
        "outside every window, rate or every.",
    )
    batch: Batch | None = Field(
        default=None, description="Many items at once at set times, instead of a rate."
    )
    to: str | None = Field(
        default=None,
        description="The stage its items enter at; default: the first stage under stages.",
    )
    attributes: dict[str, Attribute] = Field(
        default_factory=dict,
        description="Properties of each item, drawn when it arrives, that conditions read.",
    )
    priority: PriorityValue = Field(
        default=0, description="The priority its items start with (higher is served first)."
    )
    description: str = Field(default="", description="Free text.")

    #: The length of a week in the process's time unit (set at validation).
    _week: float = PrivateAttr(default=WEEK_MINUTES)

    @field_validator("attributes")
    @classmethod
    def _not_attempt(cls, value: dict[str, Any]) -> dict[str, Any]:
        if ATTEMPT in value:
            raise PydanticCustomError(
                "reserved",
                "'attempt' is not an attribute: conditions read it as the item's attempt "
                "number at a stage; give the attribute another name",
            )
        for name in (NEW_HIRE, ANNOTATOR_ACCURACY):
            if name in value:
                raise PydanticCustomError(
                    "reserved",
                    "{name} is not an attribute: conditions read it of the person who "
                    "worked on the item; give the attribute another name",
                    {"name": repr(name)},
                )
        return value

    @model_validator(mode="after")
    def _one_rate(self, info: ValidationInfo) -> Arrival:
        given = [k for k in ("rate", "every", "batch") if getattr(self, k) is not None]
        if self.batch is not None and (len(given) > 1 or self.schedule is not None):
            raise PydanticCustomError(
                "arrival_rate", "a batch stream takes no rate, every or schedule"
            )
        if len(given) > 1:
            raise PydanticCustomError(
                "arrival_rate", "give the arrival rate once: either rate or every"
            )
        if not given and self.schedule is None:
            raise PydanticCustomError(
                "arrival_rate",
                "say how items arrive: rate (e.g. '540 per hour'), every (e.g. '5 min'), "
                "schedule (rates by day and hour) or batch (drops of many items)",
            )
        if self.every is not None and self.every <= 0:
            raise PydanticCustomError("arrival_rate", "every must be longer than 0")
        if self.batch is None and self.rate_profile().mean() <= 0:
            key = "rate" if self.schedule is None else "schedule"
            raise PydanticCustomError(
                "arrival_rate",
                "arrival stream {name} has a rate of 0: it sends no items",
                {
                    "name": repr(self.name),
                    "key": key,
                    "hint": "remove the stream, or give it a rate such as '540 per hour' "
                    "(a schedule may set 0 for some hours, not for all of them)",
                },
            )
        unit = (info.context or {}).get("time_unit", "minute")
        self._week = convert(1.0, "week", unit)
        return self

    @property
    def base_rate(self) -> float:
        """Arrivals per time unit outside the schedule's windows (``rate`` or ``every``)."""
        if self.rate is not None:
            return self.rate
        return 1.0 / self.every if self.every is not None else 0.0

    def rate_profile(self) -> WeeklyProfile:
        """Poisson arrivals per time unit over the minutes of the week (zero for batches)."""
        if self.batch is not None:
            return WeeklyProfile.constant(0.0)
        if self.schedule is None:
            return WeeklyProfile.constant(self.base_rate)
        windows = [(week_intervals(p.days, p.hours), p.rate) for p in self.schedule]
        return WeeklyProfile.first_match(windows, self.base_rate)

    @property
    def rate_per_unit(self) -> float:
        """Mean arrivals per process time unit, averaged over the week."""
        if self.batch is not None:
            return self.batch.size * len(self.batch.times()) / self._week
        return self.rate_profile().mean()


class Process(BaseModel):
    """One SOP: arrivals, staff pools, stages and SLAs, with times in ``time_unit``."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="procflow process")
    process: str = Field(min_length=1, description="The process name.")
    description: str = Field(default="", description="Free text: what the SOP is for.")
    time_unit: TimeUnit = "minute"
    arrivals: list[Arrival] = Field(min_length=1, description="Streams of incoming items.")
    resources: dict[str, Resource] = Field(default_factory=dict, description="Staff pools.")
    stages: dict[str, Stage] = Field(
        min_length=1, description="The steps of the process; items enter at the first."
    )
    slas: list[SLA] = Field(default_factory=list, description="Service-level targets.")
    due_dates: DueDates | None = Field(
        default=None,
        description="When each item is due, by one of its attributes: {by: severity, within: "
        "{high: 4 hours, low: 48 hours}}.",
    )
    truth: Truth | None = Field(
        default=None,
        description="Whether each item really violates (drawn at arrival), for decisions: "
        "{attribute: violating, prevalence: 0.06}.",
    )

    _source: Document | None = PrivateAttr(default=None)
    _files_read: tuple[Path, ...] = PrivateAttr(default=())

    @field_validator("time_unit", mode="before")
    @classmethod
    def _unit(cls, value: Any) -> Any:
        from procflow.model.quantities import parse_unit

        return parse_unit(value) if isinstance(value, str) else value

    @property
    def name(self) -> str:
        """The process name."""
        return self.process

    @property
    def source(self) -> Document | None:
        """The document this process was loaded from, if any."""
        return self._source

    @property
    def files_read(self) -> tuple[Path, ...]:
        """The files read besides the process file itself: its empirical CSVs."""
        return self._files_read

    def locate(self, path: DocPath, *, key: bool = False) -> Location:
        """Where a path of this process is written in its file."""
        if self._source is None:
            return Location("<memory>", 1, 1)
        return self._source.locate(path, key=key)

    def entry_stage(self, arrival: Arrival) -> str:
        """The stage an arrival stream's items enter at."""
        return arrival.to if arrival.to is not None else next(iter(self.stages))

    def attributes(self) -> dict[str, list[CategoricalAttribute | NumericAttribute]]:
        """Every attribute name with its definitions across arrival streams."""
        found: dict[str, list[CategoricalAttribute | NumericAttribute]] = {}
        for arrival in self.arrivals:
            for name, attribute in arrival.attributes.items():
                found.setdefault(name, []).append(attribute)
        return found
