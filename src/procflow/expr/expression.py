"""A parsed condition, :class:`Expr`: the text a PM wrote and the tree it means.

An :class:`Expr` comes from :func:`procflow.expr.parse`. It can say which
attributes it reads, be evaluated on an item's attributes by name, or be
compiled into a fast predicate over a row of values for the simulator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from procflow.expr.compiler import Predicate, compile_condition
from procflow.expr.interpreter import evaluate
from procflow.expr.syntax import Cond, attribute_names, compared_constants
from procflow.expr.values import Scalar


@dataclass(frozen=True)
class Expr:
    """A parsed condition. Equality compares structure, not spelling or spacing."""

    text: str = field(compare=False)
    root: Cond

    def attributes(self) -> frozenset[str]:
        """The names of the attributes the condition reads."""
        return attribute_names(self.root)

    def compared_constants(self) -> dict[str, set[Scalar]] | None:
        """The constants each attribute is compared with (None: it compares two attributes)."""
        return compared_constants(self.root)

    def evaluate(self, item: Mapping[str, object]) -> bool:
        """Whether the condition holds for ``item``; missing attributes compare false."""
        return evaluate(self.root, item)

    def compile(self, index: Mapping[str, int]) -> Predicate:
        """A fast predicate over a row of attribute values, positioned by ``index``.

        Raises :class:`~procflow.expr.ExprError` if the condition reads an attribute
        not in ``index``.
        """
        return compile_condition(self.root, index)

    def __str__(self) -> str:
        return str(self.root)

    def __repr__(self) -> str:
        return f"Expr({str(self)!r})"
