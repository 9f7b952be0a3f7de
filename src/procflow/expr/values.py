"""Values in conditions, and what comparing them means.

A condition compares an item's attribute values with literals: text, numbers and
yes/no values. Values of different types never match: ``tier == "2"`` is simply
false for an item whose tier is the number 2, never an error, and neither is
comparing with an attribute the item does not have. A value used on its own as a
condition holds only when it is a true yes/no value. Numbers from numpy count as
numbers, and numpy booleans as yes/no values, without importing numpy.
"""

from __future__ import annotations

import enum
import numbers
import operator
from collections.abc import Callable
from typing import Any, Literal, TypeAlias

#: A literal value in an expression.
Scalar: TypeAlias = str | int | float | bool

CompareOp = Literal["==", "!=", "<", "<=", ">", ">="]
#: The operators that order values (as opposed to testing equality).
ORDERING = frozenset({"<", "<=", ">", ">="})
#: The operator that means the same with its sides swapped (``3 < x`` is ``x > 3``).
FLIP: dict[str, CompareOp] = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class Kind(enum.Enum):
    """The type class of a value as the language sees it; the value reads in a message."""

    STR = "text"
    NUM = "a number"
    BOOL = "a yes/no value"


def kind_of(value: object) -> Kind | None:
    """The type class of a value as the language sees it; None for anything else."""
    t = type(value)
    if t is str:
        return Kind.STR
    if t is bool:
        return Kind.BOOL
    if t is int or t is float:
        return Kind.NUM
    return _slow_kind(value)


def _slow_kind(value: object) -> Kind | None:
    if isinstance(value, str):
        return Kind.STR
    if isinstance(value, bool):
        return Kind.BOOL
    dtype = getattr(value, "dtype", None)  # numpy scalars, without importing numpy
    if dtype is not None:
        code = getattr(dtype, "kind", "")
        if code == "b":
            return Kind.BOOL
        if code in ("i", "u", "f"):
            return Kind.NUM
        return None
    if isinstance(value, numbers.Real):
        return Kind.NUM
    return None


def compare_values(op: str, left: object, right: object) -> bool:
    """Compare two values; different type classes (or unknown types) compare false."""
    kind = kind_of(left)
    if kind is None or kind is not kind_of(right):
        return False
    if kind is Kind.BOOL:
        left, right = bool(left), bool(right)
    try:
        return bool(OPS[op](left, right))
    except (TypeError, ValueError):
        return False


def truth(value: object) -> bool:
    """A value used on its own as a condition: true only for a true boolean."""
    return value is True or (kind_of(value) is Kind.BOOL and bool(value))


def format_scalar(value: Scalar) -> str:
    """How a literal is written in an expression: ``"high"``, ``500``, ``true``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, float):
        return repr(value)
    return str(value)
