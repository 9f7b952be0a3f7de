"""What goes wrong with a condition's text: :class:`ExprError`, located by character offset.

The parser raises it for text that is not a condition, and the compiler for a
condition that reads an attribute the simulator does not have. The loader turns
it into a located finding, so ``offset`` (0-based, into the condition's text) is
what lets a PM see where the mistake is, and ``hint`` says how to fix it.
"""

from __future__ import annotations


class ExprError(Exception):
    """An expression could not be parsed (or compiled); ``offset`` is where, 0-based."""

    def __init__(self, message: str, offset: int, hint: str | None = None) -> None:
        super().__init__(message, offset, hint)  # all in args, so it pickles
        self.message = message
        self.offset = offset
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ExprError({self.message!r}, offset={self.offset}, hint={self.hint!r})"
