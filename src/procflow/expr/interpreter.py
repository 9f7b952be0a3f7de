"""Deciding whether a condition holds for one item, by walking its tree.

This is the reference meaning of a condition: the linter and the tests use it,
and the simulator's compiled predicates (:mod:`procflow.expr.compiler`) must
agree with it. An attribute the item does not have compares false.
"""

from __future__ import annotations

from collections.abc import Mapping

from procflow.expr.syntax import And, Bare, Compare, Cond, Const, Member, Not, Value
from procflow.expr.values import compare_values, truth


def evaluate(node: Cond, item: Mapping[str, object]) -> bool:
    """Whether the condition ``node`` holds for ``item`` (attribute values by name)."""
    if isinstance(node, Compare):
        return compare_values(node.op, _get(node.left, item), _get(node.right, item))
    if isinstance(node, Member):
        value = _get(node.operand, item)
        if node.negated:
            return all(compare_values("!=", value, c.value) for c in node.items)
        return any(compare_values("==", value, c.value) for c in node.items)
    if isinstance(node, Bare):
        return truth(_get(node.value, item))
    if isinstance(node, Not):
        return not evaluate(node.operand, item)
    if isinstance(node, And):
        return all(evaluate(o, item) for o in node.operands)
    return any(evaluate(o, item) for o in node.operands)


def _get(value: Value, item: Mapping[str, object]) -> object:
    if isinstance(value, Const):
        return value.value
    return item.get(value.name)
