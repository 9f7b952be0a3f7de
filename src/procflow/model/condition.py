"""A ``when`` condition as a field of the format: parsed at load time (docs/expressions.md).

Stages route by conditions, set priorities by them, sample by them, and a process's
truth can depend on them; all are written and checked the same way.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from procflow.expr import Expr, ExprError, parse


def _parse_expression(value: Any) -> Any:
    if isinstance(value, Expr) or value is None:
        return value
    if not isinstance(value, str):
        raise PydanticCustomError(
            "expression", "a condition must be text such as 'severity == \"high\"'"
        )
    try:
        return parse(value)
    except ExprError as exc:
        raise PydanticCustomError(
            "expression",
            "invalid condition: {problem}",
            {"problem": exc.message, "offset": exc.offset, "hint": exc.hint or ""},
        ) from None


#: The JSON Schema of a condition (the key reference recognises it by this description).
CONDITION_SCHEMA: dict[str, Any] = {
    "type": "string",
    "description": 'A condition on item attributes, e.g. severity == "high" and '
    'market in ["ID", "BR"].',
}
#: A ``when`` condition, parsed at load time (see docs/expressions.md).
Condition = Annotated[Expr, BeforeValidator(_parse_expression), WithJsonSchema(CONDITION_SCHEMA)]
