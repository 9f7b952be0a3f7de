"""What a lint rule is: a small object with a stable code, a name, a severity and a check.

A rule's docstring is its documentation: the first line is its summary, the rest
(rationale, a failing and a passing example) becomes ``docs/rules/<CODE>.md``.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from procflow.diagnostics import Finding, Location, RuleInfo, Severity
from procflow.model.salvage import Touched

if TYPE_CHECKING:
    from procflow.lint.context import LintContext


class Rule:
    """Base of every lint rule; subclasses set the metadata and implement :meth:`check`."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    #: what of a process its findings depend on besides names: ``numbers`` (rates, counts,
    #: probabilities), ``structure`` (routes, who does the work). A file that did not load
    #: is checked with placeholders in (:mod:`procflow.model.salvage`); the rules that read
    #: what the placeholders changed are left out then.
    reads: ClassVar[frozenset[Touched]] = frozenset()

    @classmethod
    def summary(cls) -> str:
        """The first line of the rule's docstring."""
        return inspect.getdoc(cls).splitlines()[0] if cls.__doc__ else cls.name  # type: ignore[union-attr]

    @classmethod
    def documentation(cls) -> str:
        """The rule's full docstring, which is its documentation page."""
        return inspect.getdoc(cls) or cls.name

    @classmethod
    def info(cls) -> RuleInfo:
        """This rule's metadata."""
        return RuleInfo(cls.code, cls.name, cls.severity, cls.summary())

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        """Yield the findings of this rule on one process."""
        raise NotImplementedError

    def finding(
        self, message: str, location: Location, hint: str | None = None, **args: Any
    ) -> Finding:
        """A finding of this rule at ``location``; ``args`` are the data of its message."""
        return Finding(self.code, self.name, self.severity, message, location, hint, args=args)
