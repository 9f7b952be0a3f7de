"""Checking a condition against what the process says about its attributes: :func:`check`.

A condition can be well formed and still never be true for any item:
``severity == "hgih"`` (a typo), ``market == "UK"`` when the markets are US, ID
and BR, ``words < 0`` when word counts are never negative, ``tier == "2"`` when
tiers are the numbers 1 to 3, or an attribute the process does not define. The
process runs such conditions without complaint (the comparison is just false),
so :func:`check` is what finds them when the file is linted: each problem says,
in a PM's words, why the condition can't hold, points at the offending token,
and where it can, suggests the fix.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from procflow.diagnostics.suggest import closest
from procflow.expr.expression import Expr
from procflow.expr.lexer import NUMBER, number_value
from procflow.expr.syntax import Attr, Bare, Compare, Cond, Const, Member, Not, Value
from procflow.expr.values import (
    FLIP,
    ORDERING,
    Kind,
    Scalar,
    compare_values,
    format_scalar,
    kind_of,
)


@dataclass(frozen=True)
class AttributeSpec:
    """What :func:`check` knows about an attribute: its kind and its possible values.

    Categorical attributes list their ``values`` (str, int, float or bool, as YAML
    gave them; empty means unknown). Numeric attributes may give inclusive
    ``low``/``high`` bounds (a lognormal duration is never below 0).
    """

    name: str
    kind: Literal["categorical", "numeric"]
    values: frozenset[object] = frozenset()
    low: float | None = None
    high: float | None = None


_ProblemKind = Literal["unknown-attribute", "impossible-value", "type-mismatch"]


@dataclass(frozen=True)
class ExprProblem:
    """A problem :func:`check` found: kind, a message in a PM's words, where, and a hint."""

    kind: _ProblemKind
    message: str
    offset: int
    hint: str | None = None


_PLURAL = {Kind.STR: "text", Kind.NUM: "numbers", Kind.BOOL: "yes/no values"}


def check(expr: Expr, attributes: Mapping[str, AttributeSpec]) -> list[ExprProblem]:
    """Problems with ``expr`` given what is known about the attributes, in text order.

    Reports unknown attributes (with a did-you-mean hint), values an attribute can
    never take (including values outside a numeric attribute's bounds), and type
    mismatches. Offsets point at the offending token: the attribute name, the
    literal value, or the operator for comparisons that can't work at all.
    """
    checker = _Checker(attributes)
    checker.node(expr.root)
    return sorted(checker.problems, key=lambda p: p.offset)


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value + "'"
    return str(value)


def _show_values(values: frozenset[object], limit: int = 10) -> str:
    ordered = sorted(values, key=_value_order)
    shown = ", ".join(_show(v) for v in ordered[:limit])
    if len(ordered) > limit:
        shown += f", … ({len(ordered) - limit} more)"
    return shown


def _value_kinds(spec: AttributeSpec) -> frozenset[Kind | None]:
    return frozenset(kind_of(v) for v in spec.values)


def _range_text(spec: AttributeSpec) -> str:
    if spec.low is not None and spec.high is not None:
        if spec.low == spec.high:
            return f"always {_num(spec.low)}"
        return f"always between {_num(spec.low)} and {_num(spec.high)}"
    if spec.low is not None:
        return f"always at least {_num(spec.low)}"
    return f"always at most {_num(spec.high)}"


def _num(x: float | None) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def _never_in_range(op: str, lit: float, low: float | None, high: float | None) -> bool:
    """Whether ``x op lit`` is false for every x in [low, high] (None: unbounded)."""
    above = low is not None and lit < low
    below = high is not None and lit > high
    if op == "==":
        return above or below
    if op == "!=":
        return low is not None and low == high == lit
    if op == "<":
        return low is not None and low >= lit
    if op == "<=":
        return low is not None and low > lit
    if op == ">":
        return high is not None and high <= lit
    return high is not None and high < lit  # ">="


def _as_number(text: str) -> int | float | None:
    """The number a piece of text spells (``"500"`` -> 500), if it spells one."""
    text = text.strip()
    if not NUMBER.fullmatch(text):
        return None
    number = number_value(text)
    return None if isinstance(number, float) and math.isinf(number) else number


class _Checker:
    def __init__(self, specs: Mapping[str, AttributeSpec]) -> None:
        self.specs = specs
        self.problems: list[ExprProblem] = []

    def add(self, kind: _ProblemKind, message: str, offset: int, hint: str | None = None) -> None:
        self.problems.append(ExprProblem(kind, message, offset, hint))

    def spec(self, value: Value, other: Value | None = None) -> AttributeSpec | None:
        """The spec of an attribute, reporting it if unknown; None for literals and unknowns.

        ``other`` is the other side of a comparison: if it is a categorical attribute
        that takes the unknown name as a text value, the hint says to quote it.
        """
        if isinstance(value, Const):
            return None
        spec = self.specs.get(value.name)
        if spec is not None:
            return spec
        hint = self.did_you_mean(value.name)
        other_spec = self.specs.get(other.name) if isinstance(other, Attr) else None
        if other_spec is not None and value.name in other_spec.values:
            quoted = format_scalar(value.name)
            hint = f"'{value.name}' is a value of {other_spec.name}: put it in quotes, {quoted}"
        self.add("unknown-attribute", f"there is no attribute '{value.name}'", value.offset, hint)
        return None

    def did_you_mean(self, name: str) -> str | None:
        names = sorted(self.specs)
        if not names:
            return None
        close = closest(name, names)
        if close is not None:
            return f"did you mean '{close}'?"
        shown = ", ".join(names[:10]) + (", …" if len(names) > 10 else "")
        return f"known attributes: {shown}"

    def node(self, node: Cond) -> None:
        if isinstance(node, Compare):
            self.compare(node)
        elif isinstance(node, Member):
            spec = self.spec(node.operand)
            if spec is not None:
                for item in node.items:
                    self.against_literal(spec, "==", item, item.offset)
        elif isinstance(node, Bare):
            spec = self.spec(node.value)
            if spec is not None:
                self.bare(spec, node.value)
        elif isinstance(node, Not):
            self.node(node.operand)
        else:
            for child in node.operands:
                self.node(child)

    def bare(self, spec: AttributeSpec, value: Value) -> None:
        if spec.kind == "numeric":
            self.add(
                "type-mismatch",
                f"{spec.name} is a number, so it can't be a condition on its own",
                value.offset,
                f"compare it with a number, e.g. {spec.name} > 0",
            )
        elif spec.values and _value_kinds(spec) != {Kind.BOOL}:
            example = _literal(sorted(spec.values, key=_value_order)[0])
            self.add(
                "type-mismatch",
                f"{spec.name} is not a yes/no attribute (it is one of "
                f"{_show_values(spec.values)}), so it can't be a condition on its own",
                value.offset,
                f"compare it with a value, e.g. {spec.name} == {example}",
            )

    def compare(self, node: Compare) -> None:
        left = self.spec(node.left, node.right)
        right = self.spec(node.right, node.left)
        if isinstance(node.left, Attr) and isinstance(node.right, Attr):
            if left is not None and right is not None:
                self.attr_vs_attr(node, left, right)
        elif left is not None:
            assert isinstance(node.right, Const)
            self.against_literal(left, node.op, node.right, node.offset, str(node))
        elif right is not None:
            assert isinstance(node.left, Const)
            self.against_literal(right, FLIP[node.op], node.left, node.offset, str(node))

    def attr_vs_attr(self, node: Compare, left: AttributeSpec, right: AttributeSpec) -> None:
        problem: str | None = None
        if left.kind != right.kind:
            problem = f"{left.name} is {_spec_kind(left)} but {right.name} is {_spec_kind(right)}"
        elif left.kind == "categorical" and left.values and right.values:
            lk, rk = _value_kinds(left), _value_kinds(right)
            if not lk & rk:
                problem = f"{left.name} and {right.name} never have values of the same type"
            elif node.op in ORDERING and (lk | rk) != {Kind.NUM}:
                problem = (
                    f"'{node.op}' compares numbers, but {left.name} and {right.name} are categories"
                )
        if problem is not None:
            self.add("type-mismatch", f"{problem}, so they can't be compared", node.offset)

    def against_literal(
        self, spec: AttributeSpec, op: str, lit: Const, op_offset: int, written: str = ""
    ) -> None:
        """Check ``attribute op literal`` (``op`` as if the attribute were on the left).

        ``written`` is the comparison as the user wrote it, for messages.
        """
        value = lit.value
        kind = kind_of(value)
        assert kind is not None
        written = written or f"{spec.name} {op} {_literal(value)}"
        if spec.kind == "numeric":
            self.numeric(spec, op, lit, kind, written)
            return
        if not spec.values:
            return  # possible values unknown: nothing to check against
        kinds = _value_kinds(spec)
        if op in ORDERING and kinds != {Kind.NUM}:
            self.add(
                "type-mismatch",
                f"'{op}' compares numbers, but {spec.name} is a category "
                f"(one of {_show_values(spec.values)})",
                op_offset,
                f"use == or 'in' to test {spec.name}",
            )
        elif kind not in kinds:
            plural = " or ".join(sorted(_PLURAL[k] for k in kinds if k is not None))
            self.add(
                "type-mismatch",
                f"{spec.name} is never {_show(value)}: its values are {plural} "
                f"({_show_values(spec.values)}), and {_show(value)} is {kind.value}",
                lit.offset,
                _requote_hint(value, spec.values),
            )
        elif op in ORDERING:
            if not any(compare_values(op, v, value) for v in spec.values):
                self.add(
                    "impossible-value",
                    f"{written} is never true: {spec.name} is one of {_show_values(spec.values)}",
                    lit.offset,
                )
        elif not any(compare_values("==", v, value) for v in spec.values):
            self.add(
                "impossible-value",
                f"{spec.name} is never {_show(value)}; it is one of {_show_values(spec.values)}",
                lit.offset,
                _closest_text(value, spec.values),
            )

    def numeric(self, spec: AttributeSpec, op: str, lit: Const, kind: Kind, written: str) -> None:
        value = lit.value
        if kind is not Kind.NUM:
            number = _as_number(value) if isinstance(value, str) else None
            self.add(
                "type-mismatch",
                f"{spec.name} is a number, but {_show(value)} is {kind.value}",
                lit.offset,
                None if number is None else f"write {_literal(number)} without quotes",
            )
            return
        assert isinstance(value, int | float)
        bounded = spec.low is not None or spec.high is not None
        if bounded and _never_in_range(op, value, spec.low, spec.high):
            if op == "==":
                message = f"{spec.name} is never {_literal(value)}; it is {_range_text(spec)}"
            else:
                message = f"{written} is never true: {spec.name} is {_range_text(spec)}"
            self.add("impossible-value", message, lit.offset)


def _value_order(value: object) -> tuple[str, str]:
    return (type(value).__name__, str(value))


def _requote_hint(value: Scalar, values: frozenset[object]) -> str | None:
    """For ``tier == "2"`` (values are numbers) or ``code == 2`` (values are text)."""
    for candidate in sorted(values, key=_value_order):
        if isinstance(value, str) and not isinstance(candidate, str):
            if _literal(candidate) == value.strip():
                return f"write {_literal(candidate)} without quotes"
        elif isinstance(candidate, str) and _literal(value) == candidate:
            return f"put it in quotes: {format_scalar(candidate)}"
    return None


def _closest_text(value: Scalar, values: frozenset[object]) -> str | None:
    if not isinstance(value, str):
        return None
    texts = sorted(v for v in values if isinstance(v, str))
    close = closest(value, texts)
    return f"did you mean '{close}'?" if close is not None else None


def _literal(value: object) -> str:
    """How a value (from YAML or a literal) is written in an expression."""
    if isinstance(value, bool | str | int | float):
        return format_scalar(value)
    return str(value)


def _spec_kind(spec: AttributeSpec) -> str:
    return "a number" if spec.kind == "numeric" else "a category"
