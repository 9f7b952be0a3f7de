"""Conditions on items: the small language of ``when:`` routing (and priority rules).

In a PM's words: a condition is a yes/no question about the item being worked on,
written with the item's attributes. For example::

    severity == "high"
    market in ["ID", "BR"]
    words > 500 and not (severity == "low" and market == "US")

You can compare an attribute with a value (``== != < <= > >=``), test whether it
is one of a list of values (``in [...]``, ``not in [...]``), and combine tests
with ``and``, ``or`` and ``not``. Text goes in double or single quotes, numbers
are written plainly (``500``, ``0.25``, ``-3``), and yes/no values are ``true``
and ``false``. A yes/no attribute can be used on its own (``is_repeat_offender``).
``not`` binds tighter than ``and``, which binds tighter than ``or``; use
parentheses when in doubt. Keywords are lowercase.

A comparison between values of different types (a number with text, say) is
simply false when the process runs; :func:`check` reports it when the file is
linted, together with unknown attributes and values an attribute can never take.

For programmers: :func:`parse` turns text into an :class:`Expr` (or raises
:class:`ExprError` with a character offset), :meth:`Expr.evaluate` interprets it
on a mapping, and :meth:`Expr.compile` builds a closure over a positional row for
the simulator's hot path. Nothing here uses ``eval``.

Where things live: :mod:`~procflow.expr.values` (what comparing values means),
:mod:`~procflow.expr.syntax` (the tree of a parsed condition),
:mod:`~procflow.expr.lexer` and :mod:`~procflow.expr.parser` (text to tree, with
the grammar), :mod:`~procflow.expr.expression` (:class:`Expr`),
:mod:`~procflow.expr.interpreter` and :mod:`~procflow.expr.compiler` (running a
condition), :mod:`~procflow.expr.checker` (:func:`check`) and
:mod:`~procflow.expr.errors` (:class:`ExprError`). Import from ``procflow.expr``;
the modules' other names are internal.
"""

from __future__ import annotations

from procflow.expr.checker import AttributeSpec, ExprProblem, check
from procflow.expr.errors import ExprError
from procflow.expr.expression import Expr
from procflow.expr.parser import MAX_DEPTH, MAX_LENGTH, parse
from procflow.expr.syntax import And, Attr, Bare, Compare, Cond, Const, Member, Not, Or, Value
from procflow.expr.values import Scalar

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "And",
    "Attr",
    "AttributeSpec",
    "Bare",
    "Compare",
    "Cond",
    "Const",
    "Expr",
    "ExprError",
    "ExprProblem",
    "Member",
    "Not",
    "Or",
    "Scalar",
    "Value",
    "check",
    "parse",
]
