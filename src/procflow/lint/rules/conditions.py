"""``when`` conditions that can be evaluated: known attributes, possible values, matching types."""

from __future__ import annotations

from collections.abc import Iterator

from procflow.diagnostics import Finding, Location
from procflow.expr import Expr, ExprProblem, check
from procflow.lint.context import LintContext
from procflow.lint.rule import Rule
from procflow.model.validation import inside_string


def _conditions(ctx: LintContext) -> Iterator[tuple[tuple[object, ...], Expr]]:
    """Every condition of the process with its path: the stages', and the truth's."""
    for name, stage in ctx.process.stages.items():
        for suffix, condition in stage.conditions():
            yield ("stages", name, *suffix), condition
    truth = ctx.process.truth
    for i, rule in enumerate(truth.prevalence if truth is not None else []):
        if rule.when is not None:
            yield ("truth", "prevalence", i, "when"), rule.when


def _problems(ctx: LintContext, kind: str) -> Iterator[tuple[ExprProblem, Location]]:
    for path, condition in _conditions(ctx):
        for problem in check(condition, ctx.attributes):
            if problem.kind == kind:
                yield problem, _inside(ctx, path, problem.offset)


def _inside(ctx: LintContext, path: tuple[object, ...], offset: int) -> Location:
    """The location of a character inside the condition text at ``path``."""
    source = ctx.process.source
    if source is None:
        return ctx.locate(path)
    return inside_string(source, path, offset)


class UnknownAttribute(Rule):
    """A condition reads an attribute that no arrival stream gives its items.

    Fails::

        arrivals:
          - {name: incoming, rate: 540 per hour, attributes: {severity: {low: 0.9, high: 0.1}}}
        ...
          - {to: qc_review, when: 'severty == "high"'}

    Passes: ``when: 'severity == "high"'``.
    """

    code = "PF301"
    name = "unknown-attribute"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for problem, where in _problems(ctx, "unknown-attribute"):
            yield self.finding(problem.message, where, problem.hint)


class ImpossibleValue(Rule):
    """A condition compares an attribute with a value it can never take.

    The branch would never be taken (or always be), which is almost always a
    typo in the value or a value missing from the arrival's attributes.

    Fails::

        attributes: {severity: {low: 0.92, high: 0.08}}
        ...
          when: severity == "critical"

    Passes: ``when: severity == "high"``, or add ``critical`` to the attribute.
    """

    code = "PF302"
    name = "impossible-value"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for problem, where in _problems(ctx, "impossible-value"):
            yield self.finding(problem.message, where, problem.hint)


class TypeMismatch(Rule):
    """A condition compares values of different kinds (text with a number, say).

    Such a comparison is always false when the process runs.

    Fails::

        attributes: {words: {lognormal: {mean: 120, sd: 60}}}
        ...
          when: words > "500"

    Passes: ``when: words > 500``.
    """

    code = "PF303"
    name = "type-mismatch"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for problem, where in _problems(ctx, "type-mismatch"):
            yield self.finding(problem.message, where, problem.hint)
