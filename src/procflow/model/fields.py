"""The field types the process format shares: strict models, shares, percentiles, headcounts.

A ``true`` where a number belongs is a mistake, not a 1: these types refuse it. So
is a percentage where a share belongs (``probability: 10%``) or a share where a
percentile belongs (``percentile: 0.9``): each is refused with the way to write it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field, GetJsonSchemaHandler, WithJsonSchema
from pydantic_core import PydanticCustomError, core_schema

STRICT = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError(
            "number", "expected a number, got {value}", {"value": repr(value)}
        )
    return value


_PERCENT = re.compile(r"^\s*(?P<n>[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*%\s*$")


def _percent(value: Any) -> Decimal | None:
    """The number of a percentage written as text (``'10%'`` -> 10), else None."""
    match = _PERCENT.match(value) if isinstance(value, str) else None
    return Decimal(match["n"]) if match else None


def _plain(number: Decimal) -> str:
    """A decimal as a PM writes it: ``0.10``, ``0.125``, ``90``, ``99.9``."""
    text = format(number.normalize(), "f")
    if "." in text and len(text.split(".")[1]) == 1 and text.startswith(("0.", "-0.")):
        text += "0"  # 0.1 -> 0.10: reads as "ten percent"
    return text


def share(value: Any) -> Any:
    """A share from 0 to 1 (a probability, a rate of errors, a part of the time).

    ``10%`` is refused with the share to write instead (``0.10``); the range is
    checked by lint (PF201) or by the field.
    """
    value = not_bool(value)
    percent = _percent(value)
    if percent is not None:
        raise PydanticCustomError(
            "percent_share",
            "expected a share from 0 to 1, got {value}",
            {
                "value": repr(value),
                "hint": f"write {_plain(percent / 100)}: shares are written from 0 to 1, "
                "without a % sign",
            },
        )
    return value


def _ordinal(number: Decimal) -> str:
    text = _plain(number)
    if "." in text or text.endswith(("11", "12", "13")):
        return f"{text}th"
    return text + {"1": "st", "2": "nd", "3": "rd"}.get(text[-1], "th")


def percentile(value: Any) -> Any:
    """A percentile, written in percent (``90`` for the 90th): not ``90%``, not ``0.9``."""
    value = not_bool(value)
    percent = _percent(value)
    if percent is not None:
        raise PydanticCustomError(
            "percentile",
            "expected a number from 1 to 100, got {value}",
            {
                "value": repr(value),
                "hint": f"write {_plain(percent)}: percentiles are written in percent, "
                "without a % sign",
            },
        )
    if isinstance(value, int | float) and 0 < value < 1:
        number = Decimal(repr(float(value))) * 100
        raise PydanticCustomError(
            "percentile",
            "percentile {value} is below 1",
            {
                "value": repr(value),
                "hint": f"percentiles are in percent: write {_plain(number)} for the "
                f"{_ordinal(number)}",
            },
        )
    return value


#: A probability or share as written by a user; lint checks that it lies in [0, 1].
Probability = Annotated[
    float,
    BeforeValidator(share),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 1}),
]
#: A percentile of a time, in percent: above 0 (in practice 1 or more) and at most 100.
Percentile = Annotated[
    float,
    BeforeValidator(percentile),
    Field(gt=0, le=100),
    WithJsonSchema({"type": "number", "minimum": 1, "maximum": 100}),
]
#: The most people in one pool, team or shift: more is a slip (digits too many).
MAX_HEADCOUNT = 1_000_000
#: The most items in the system at once: the simulator stops a replication there (a hopelessly
#: unstable process), so a batch drop is at most this large.
MAX_WIP = 50_000
#: The most reviews of one item at one review stage (``max_attempts``). The analysis keeps
#: a state per attempt of a review in a loop, so the bound keeps it quick (no SOP reviews
#: one item a hundred times).
MAX_ATTEMPTS = 100
#: The highest and lowest priority (higher is served first).
MAX_PRIORITY = 1_000_000

#: A whole number of people on duty, from 0 to :data:`MAX_HEADCOUNT`; ``true`` is not 1.
Headcount = Annotated[
    int,
    BeforeValidator(not_bool),
    Field(ge=0, le=MAX_HEADCOUNT),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_HEADCOUNT}),
]
#: How many items land at once in a batch drop: from 1 to :data:`MAX_WIP`.
BatchSize = Annotated[
    int,
    BeforeValidator(not_bool),
    Field(gt=0, le=MAX_WIP),
    WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_WIP}),
]
#: A priority, from -:data:`MAX_PRIORITY` to :data:`MAX_PRIORITY`.
PriorityValue = Annotated[
    int,
    BeforeValidator(not_bool),
    Field(ge=-MAX_PRIORITY, le=MAX_PRIORITY),
    WithJsonSchema({"type": "integer", "minimum": -MAX_PRIORITY, "maximum": MAX_PRIORITY}),
]


@dataclass(frozen=True)
class LazyJsonSchema:
    """A field's JSON Schema, built when a schema is asked for (``procflow schema``).

    Like pydantic's ``WithJsonSchema``, but the schema of a nested model is not computed
    when the module is imported: every command would pay for it, only editors use it.
    """

    build: Callable[[], dict[str, Any]]

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return self.build()
