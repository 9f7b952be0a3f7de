"""Shift templates: the shifts a team may work, from which ``procflow shifts`` builds a calendar.

A workforce planner does not pick heads per half-hour; people work shifts. A shift
template says which shifts are allowed::

    shift_templates:
      - name: early
        start: ["06:00", "07:00", "08:00"]    # the start times allowed
        length: 8.5 hours                     # from start to end, breaks included
        breaks: [{after: 4 hours, length: 30 min}]   # unpaid, off the floor
        days: mon-fri                         # the days worked
      - name: rotating
        start: {from: "06:00", to: "14:00", every: 30 min}
        length: 8 hours
        days_on: 5                            # five consecutive days on, two off
        cost_per_hour: 18
        max: 12                               # at most 12 people on this template
      - name: weekend part-time
        start: "10:00"
        length: 4 hours
        days: sat, sun

One *shift option* is a template with one start time and one set of days: a template
with ``days`` has one option per start time; one with ``days_on: 5`` has seven per start
time (the run of five days can begin on any day of the week). The covering program
decides how many people work each option. Bare numbers in durations are minutes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from procflow.diagnostics import LoadError
from procflow.diagnostics.checks import INVALID_VALUE
from procflow.model.calendar import (
    DAY_MINUTES,
    WEEK_MINUTES,
    Days,
    parse_clock,
)
from procflow.model.fields import MAX_HEADCOUNT, STRICT, not_bool
from procflow.model.quantities import DURATION_SCHEMA, Duration, parse_duration
from procflow.model.staffing import MAX_COST_PER_HOUR
from procflow.model.validation import translate_errors
from procflow.source import load_document

#: The most start times one template may list (a start every minute of the day).
MAX_STARTS = DAY_MINUTES
_CLOCK_SCHEMA: dict[str, Any] = {"type": "string", "pattern": r"^\s*\d{1,2}(:\d{2})?\s*$"}


def _whole_minutes(value: float, what: str) -> int:
    if value != round(value):
        raise PydanticCustomError(
            "shift_minutes",
            "{what} must be whole minutes, got {value}",
            {"what": what, "value": value},
        )
    return round(value)


def parse_starts(value: Any) -> tuple[int, ...]:
    """Start times as minutes after midnight: ``"06:00"``, a list, or ``{from, to, every}``."""
    if isinstance(value, str):
        starts = [parse_clock(value)]
    elif isinstance(value, list) and value:
        starts = [parse_clock(str(v)) for v in value]
    elif isinstance(value, dict) and set(value) == {"from", "to", "every"}:
        first, last = parse_clock(str(value["from"])), parse_clock(str(value["to"]))
        step = _whole_minutes(parse_duration(value["every"], "minute"), "every")
        if step <= 0 or last < first:
            raise PydanticCustomError(
                "shift_start", "start {from, to, every} needs from <= to and every above 0"
            )
        if (last - first) // step + 1 > MAX_STARTS:
            raise PydanticCustomError("shift_start", "too many start times")
        starts = list(range(first, last + 1, step))
    else:
        raise PydanticCustomError(
            "shift_start",
            "start is a time ('06:00'), a list of times, or {from: '06:00', to: '10:00', "
            "every: 30 min}",
        )
    if any(s >= DAY_MINUTES for s in starts):
        raise PydanticCustomError("shift_start", "a shift starts before 24:00")
    return tuple(sorted(set(starts)))


StartTimes = Annotated[
    tuple[int, ...],
    BeforeValidator(parse_starts),
    WithJsonSchema(
        {
            "anyOf": [
                _CLOCK_SCHEMA,
                {"type": "array", "items": _CLOCK_SCHEMA, "minItems": 1},
                {
                    "type": "object",
                    "properties": {
                        "from": {**_CLOCK_SCHEMA, "description": "The first start time."},
                        "to": {**_CLOCK_SCHEMA, "description": "The last start time."},
                        "every": {**DURATION_SCHEMA, "description": "The step between starts."},
                    },
                    "required": ["from", "to", "every"],
                    "additionalProperties": False,
                },
            ],
            "description": "Start times: '06:00', a list, or {from, to, every}.",
        }
    ),
]


class ShiftBreak(BaseModel):
    """An unpaid break at a fixed time into the shift: ``{after: 4 hours, length: 30 min}``."""

    model_config = STRICT
    after: Duration = Field(description="How long after the start of the shift it begins.")
    length: Duration = Field(description="How long it lasts; the person is off the floor.")


class ShiftTemplate(BaseModel):
    """One kind of shift people may work; the covering program picks how many of each."""

    model_config = STRICT
    name: str = Field(min_length=1, description="The name of the template, such as early.")
    pools: list[str] | None = Field(
        default=None,
        min_length=1,
        description="The staff pools that may work it; by default every pool.",
    )
    start: StartTimes = Field(
        description="The start times allowed: '06:00', a list, or {from, to, every}."
    )
    length: Duration = Field(description="From the start to the end, breaks included: 8 hours.")
    breaks: list[ShiftBreak] = Field(
        default_factory=list, description="Unpaid breaks, off the floor: [{after, length}]."
    )
    days: Days | None = Field(
        default=None,
        description="The days worked (by default every day); or give days_on instead.",
    )
    days_on: int | None = Field(
        default=None,
        ge=1,
        le=7,
        description="Consecutive days on, from any day of the week, then the rest off: 5.",
    )
    cost: Annotated[float | None, BeforeValidator(not_bool)] = Field(
        default=None, ge=0, le=MAX_COST_PER_HOUR, description="The cost of one shift (one day)."
    )
    cost_per_hour: Annotated[float | None, BeforeValidator(not_bool)] = Field(
        default=None,
        ge=0,
        le=MAX_COST_PER_HOUR,
        description="The cost of one paid hour (breaks unpaid); by default the pool's.",
    )
    min: int = Field(default=0, ge=0, le=MAX_HEADCOUNT, description="The fewest people on it.")
    max: int | None = Field(
        default=None, ge=0, le=MAX_HEADCOUNT, description="The most people on it."
    )

    @model_validator(mode="after")
    def _consistent(self) -> ShiftTemplate:
        length = _whole_minutes(self.length, "length")
        if not 0 < length < DAY_MINUTES:
            raise _at("length", "a shift lasts more than 0 and less than 24 hours")
        end = 0
        for k, pause in enumerate(self.breaks):
            after = _whole_minutes(pause.after, "a break's after")
            span = _whole_minutes(pause.length, "a break's length")
            if after <= end or span <= 0 or after + span >= length:
                raise _at(
                    ("breaks", k),
                    "breaks fall inside the shift, in order, apart, and last more than 0",
                )
            end = after + span
        if self.days is not None and self.days_on is not None:
            raise _at("days_on", "give days (the days worked) or days_on, not both")
        if self.cost is not None and self.cost_per_hour is not None:
            raise _at("cost_per_hour", "give cost (per shift) or cost_per_hour, not both")
        if self.max is not None and self.max < self.min:
            raise _at("max", "max must be at least min")
        return self

    @property
    def on_duty(self) -> list[tuple[int, int]]:
        """(start, end) minutes after the start of the shift when the person is on the floor."""
        pieces, begin = [], 0
        for pause in self.breaks:
            pieces.append((begin, round(pause.after)))
            begin = round(pause.after + pause.length)
        return [*pieces, (begin, round(self.length))]

    @property
    def paid_hours(self) -> float:
        """Hours paid per shift: its length less its breaks."""
        return sum(b - a for a, b in self.on_duty) / 60

    def options(self) -> Iterator[ShiftOption]:
        """Every start time with every set of days this template allows."""
        if self.days_on is None:
            day_sets = [self.days if self.days is not None else tuple(range(7))]
        else:
            runs = 1 if self.days_on == 7 else 7
            day_sets = [
                tuple(sorted((first + k) % 7 for k in range(self.days_on))) for first in range(runs)
            ]
        for start in self.start:
            for first, days in enumerate(day_sets):
                yield ShiftOption(self, start, days, first if self.days_on else None)


@dataclass(frozen=True)
class ShiftOption:
    """A template at one start time on one set of days: what one person works each week."""

    template: ShiftTemplate
    #: Minutes after midnight.
    start: int
    #: The days the shift starts on (mon=0).
    days: tuple[int, ...]
    #: For a ``days_on`` template, the first day of the run.
    first_day: int | None = None

    def windows(self) -> list[tuple[int, int]]:
        """(start, end) minutes of the week on the floor, split where the week wraps."""
        spans: list[tuple[int, int]] = []
        for day in self.days:
            base = day * DAY_MINUTES + self.start
            for a, b in self.template.on_duty:
                lo, hi = (base + a) % WEEK_MINUTES, (base + a) % WEEK_MINUTES + (b - a)
                if hi <= WEEK_MINUTES:
                    spans.append((lo, hi))
                else:
                    spans.extend([(lo, WEEK_MINUTES), (0, hi - WEEK_MINUTES)])
        return spans

    @property
    def shifts_per_week(self) -> int:
        """Shifts one person on this option works each week."""
        return len(self.days)


def _at(key: str | tuple[str, int], message: str) -> PydanticCustomError:
    """An error about one key of a template (the located finding points at it)."""
    return PydanticCustomError("shift_template", message, {"key": key})


class ShiftTemplatesFile(BaseModel):
    """The shape of a shift templates file."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="procflow shift templates")
    shift_templates: list[ShiftTemplate] = Field(
        min_length=1, description="The shifts people may work, one template each."
    )
    shortfall_cost_per_hour: Annotated[float | None, BeforeValidator(not_bool)] = Field(
        default=None,
        gt=0,
        le=MAX_COST_PER_HOUR,
        description="If given, an interval may be left short of heads at this cost per missing "
        "head and hour; if not, every interval is covered or there is no plan.",
    )
    description: str = Field(default="", description="Free text.")

    @model_validator(mode="after")
    def _unique(self) -> ShiftTemplatesFile:
        seen: set[str] = set()
        for k, template in enumerate(self.shift_templates):
            if template.name in seen:
                raise PydanticCustomError(
                    "shift_template",
                    "two templates are named {name}; give each its own name",
                    {"name": repr(template.name), "key": ("shift_templates", k, "name")},
                )
            seen.add(template.name)
        return self

    def for_pool(self, pool: str) -> list[ShiftTemplate]:
        """The templates a pool may work."""
        return [t for t in self.shift_templates if t.pools is None or pool in t.pools]


def load_templates(path: str | Path, text: str | None = None) -> ShiftTemplatesFile:
    """Read a shift templates file; :class:`LoadError` with every problem located."""
    doc = load_document(path, text)
    if not isinstance(doc.data, dict) or "shift_templates" not in doc.data:
        raise LoadError(
            [
                *doc.findings,
                INVALID_VALUE.finding(
                    "a shift templates file starts with shift_templates: a list of shifts",
                    doc.locate(()),
                    "see docs/format.md#shift-templates",
                ),
            ]
        )
    try:
        templates = ShiftTemplatesFile.model_validate(doc.data)
    except ValidationError as exc:
        raise LoadError([*doc.findings, *translate_errors(exc, doc, ShiftTemplatesFile)]) from None
    if doc.findings:
        raise LoadError(doc.findings)
    return templates
