"""The field types the process format shares: strict models, probabilities, headcounts.

A ``true`` where a number belongs is a mistake, not a 1: these types refuse it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


#: A probability as written by a user; lint checks that it lies in [0, 1].
Probability = Annotated[
    float,
    BeforeValidator(not_bool),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 1}),
]
#: A whole number of people; ``true`` is not 1.
Headcount = Annotated[int, BeforeValidator(not_bool)]
StaffCount = Annotated[
    int,
    BeforeValidator(not_bool),
    Field(ge=0),
    WithJsonSchema({"type": "integer", "minimum": 0}),
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
