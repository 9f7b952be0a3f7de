"""Conditions compiled into closures, for the simulator's hot path.

The simulator keeps an item's attributes in a row (a tuple, positioned by an
index of names) and tests routing conditions millions of times a run, so a
condition is turned once into nested closures over row positions. Each closure
takes the fast path when a value has exactly the literal's Python type and falls
back to :func:`~procflow.expr.values.compare_values` otherwise (numpy scalars,
mixed types), so compiled predicates always agree with
:func:`~procflow.expr.interpreter.evaluate`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from procflow.expr.errors import ExprError
from procflow.expr.interpreter import evaluate
from procflow.expr.syntax import And, Attr, Bare, Compare, Cond, Const, Member, Not
from procflow.expr.values import FLIP, OPS, Kind, Scalar, compare_values, kind_of, truth

#: An item's attribute values, by position.
Row = Sequence[object]
#: A compiled condition: takes an item's attribute values by position.
Predicate = Callable[[Row], bool]

_FAST_TYPES: dict[Kind, frozenset[type]] = {
    Kind.STR: frozenset({str}),
    Kind.NUM: frozenset({int, float}),
    Kind.BOOL: frozenset({bool}),
}


def compile_condition(node: Cond, index: Mapping[str, int]) -> Predicate:
    """A predicate over a row of attribute values positioned by ``index``.

    Raises :class:`ExprError` if the condition reads an attribute not in ``index``.
    """
    if isinstance(node, Compare):
        return _compile_compare(node, index)
    if isinstance(node, Member):
        return _compile_member(node, index)
    if isinstance(node, Bare):
        if isinstance(node.value, Const):
            return _const(truth(node.value.value))
        i = _position(node.value, index)

        def bare(row: Row) -> bool:
            v = row[i]
            return v is True or (v is not False and truth(v))

        return bare
    if isinstance(node, Not):
        inner = compile_condition(node.operand, index)
        return lambda row: not inner(row)
    parts = tuple(compile_condition(o, index) for o in node.operands)
    if isinstance(node, And):
        if len(parts) == 2:
            a, b = parts
            return lambda row: a(row) and b(row)

        def all_of(row: Row) -> bool:
            for part in parts:  # noqa: SIM110 - a plain loop beats all() in the hot path
                if not part(row):
                    return False
            return True

        return all_of
    if len(parts) == 2:
        a, b = parts
        return lambda row: a(row) or b(row)

    def any_of(row: Row) -> bool:
        for part in parts:  # noqa: SIM110 - a plain loop beats any() in the hot path
            if part(row):
                return True
        return False

    return any_of


def _const(result: bool) -> Predicate:
    if result:
        return lambda row: True
    return lambda row: False


def _position(attr: Attr, index: Mapping[str, int]) -> int:
    try:
        return index[attr.name]
    except KeyError:
        raise ExprError(
            f"attribute '{attr.name}' is not available", attr.offset, "check the attribute name"
        ) from None


def _compile_compare(node: Compare, index: Mapping[str, int]) -> Predicate:
    left, right, op = node.left, node.right, node.op
    if isinstance(left, Const) and isinstance(right, Const):
        return _const(compare_values(op, left.value, right.value))
    if isinstance(left, Attr) and isinstance(right, Attr):
        i, j = _position(left, index), _position(right, index)
        return lambda row: compare_values(op, row[i], row[j])
    if isinstance(left, Const):
        assert isinstance(right, Attr)
        left, right, op = right, left, FLIP[op]
    assert isinstance(left, Attr) and isinstance(right, Const)
    i = _position(left, index)
    lit = right.value
    kind = kind_of(lit)
    assert kind is not None
    fast = _FAST_TYPES[kind]
    fn: Callable[[Any, Any], bool] = OPS[op]
    if op == "==":

        def eq(row: Row) -> bool:
            v = row[i]
            if type(v) in fast:
                return v == lit
            return compare_values("==", v, lit)

        return eq

    def cmp(row: Row) -> bool:
        v = row[i]
        if type(v) in fast:
            return fn(v, lit)
        return compare_values(op, v, lit)

    return cmp


def _compile_member(node: Member, index: Mapping[str, int]) -> Predicate:
    if isinstance(node.operand, Const):
        return _const(evaluate(node, {}))
    i = _position(node.operand, index)
    groups: dict[Kind, set[Scalar]] = {}
    for item in node.items:
        kind = kind_of(item.value)
        assert kind is not None
        groups.setdefault(kind, set()).add(item.value)
    frozen = {k: frozenset(v) for k, v in groups.items()}
    if node.negated:
        if len(frozen) != 1:
            # Some item always differs in type from the value, and that comparison is false.
            return _const(False)
        ((kind, values),) = frozen.items()
        fast = _FAST_TYPES[kind]

        def not_in(row: Row) -> bool:
            v = row[i]
            if type(v) in fast:
                return v not in values
            k = kind_of(v)
            if k is not kind:
                return False
            return (bool(v) if k is Kind.BOOL else v) not in values

        return not_in
    if len(frozen) == 1:
        ((kind, values),) = frozen.items()
        fast = _FAST_TYPES[kind]

        def in_one(row: Row) -> bool:
            v = row[i]
            if type(v) in fast:
                return v in values
            k = kind_of(v)
            if k is not kind:
                return False
            return (bool(v) if k is Kind.BOOL else v) in values

        return in_one

    def in_any(row: Row) -> bool:
        v = row[i]
        k = kind_of(v)
        values = frozen.get(k) if k is not None else None
        if values is None:
            return False
        return (bool(v) if k is Kind.BOOL else v) in values

    return in_any
