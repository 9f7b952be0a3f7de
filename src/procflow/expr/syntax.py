"""The shape of a parsed condition: a small tree of comparisons joined by and, or, not.

``severity == "high" and not market in ["US"]`` is an :class:`And` of a
:class:`Compare` (an :class:`Attr` against a :class:`Const`) and a :class:`Not`
of a :class:`Member` test. Nodes are frozen and compare by structure, not by
where they were written: each keeps the ``offset`` of the text it came from for
messages, but two spellings of the same condition are equal. ``str()`` of a node
is its canonical spelling (double quotes, minimal parentheses).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeAlias

from procflow.expr.values import CompareOp, Scalar, format_scalar


@dataclass(frozen=True)
class Const:
    """A literal value: text, a number or true/false."""

    value: Scalar
    offset: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return format_scalar(self.value)


@dataclass(frozen=True)
class Attr:
    """A reference to an item attribute by name."""

    name: str
    offset: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return self.name


Value: TypeAlias = Const | Attr


@dataclass(frozen=True)
class Compare:
    """``left op right``; ``offset`` is the operator's."""

    op: CompareOp
    left: Value
    right: Value
    offset: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"


@dataclass(frozen=True)
class Member:
    """``operand in [items]`` (or ``not in``); ``offset`` is the keyword's."""

    operand: Value
    items: tuple[Const, ...]
    negated: bool = False
    offset: int = field(default=0, compare=False)

    def __str__(self) -> str:
        keyword = "not in" if self.negated else "in"
        return f"{self.operand} {keyword} [{', '.join(str(i) for i in self.items)}]"


@dataclass(frozen=True)
class Bare:
    """A value used on its own as a condition (a boolean attribute, ``true``, ``false``)."""

    value: Value

    @property
    def offset(self) -> int:
        """Where the value is written."""
        return self.value.offset

    def __str__(self) -> str:
        return str(self.value)


@dataclass(frozen=True)
class Not:
    """``not operand``."""

    operand: Cond
    offset: int = field(default=0, compare=False)

    def __str__(self) -> str:
        inner = str(self.operand)
        if isinstance(self.operand, Bare | Not):
            return f"not {inner}"
        return f"not ({inner})"


@dataclass(frozen=True)
class And:
    """All operands hold (two or more, never directly nested in another ``And``)."""

    operands: tuple[Cond, ...]
    offset: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return " and ".join(f"({o})" if isinstance(o, Or) else str(o) for o in self.operands)


@dataclass(frozen=True)
class Or:
    """At least one operand holds (two or more, never directly nested in another ``Or``)."""

    operands: tuple[Cond, ...]
    offset: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return " or ".join(str(o) for o in self.operands)


Cond: TypeAlias = Compare | Member | Bare | Not | And | Or


def attribute_names(root: Cond) -> frozenset[str]:
    """The names of the attributes a condition reads."""
    return frozenset(v.name for node in _walk(root) for v in _values(node) if isinstance(v, Attr))


def compared_constants(root: Cond) -> dict[str, set[Scalar]] | None:
    """The constants each attribute is compared with, or None if two attributes are compared.

    A condition's truth for an item changes only where an attribute crosses one of
    these values, which lets the analysis split a numeric attribute's range exactly.
    """
    found: dict[str, set[Scalar]] = {}
    for node in _walk(root):
        if isinstance(node, Compare):
            if isinstance(node.left, Attr) and isinstance(node.right, Attr):
                return None
            attr, const = (
                (node.left, node.right)
                if isinstance(node.left, Attr)
                else (
                    node.right,
                    node.left,
                )
            )
            if isinstance(attr, Attr) and isinstance(const, Const):
                found.setdefault(attr.name, set()).add(const.value)
        elif isinstance(node, Member) and isinstance(node.operand, Attr):
            found.setdefault(node.operand.name, set()).update(i.value for i in node.items)
        elif isinstance(node, Bare) and isinstance(node.value, Attr):
            found.setdefault(node.value.name, set())
    return found


def _walk(node: Cond) -> Iterator[Cond]:
    yield node
    if isinstance(node, Not):
        yield from _walk(node.operand)
    elif isinstance(node, And | Or):
        for child in node.operands:
            yield from _walk(child)


def _values(node: Cond) -> Iterator[Value]:
    if isinstance(node, Compare):
        yield node.left
        yield node.right
    elif isinstance(node, Member):
        yield node.operand
    elif isinstance(node, Bare):
        yield node.value
