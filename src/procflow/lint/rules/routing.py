"""Probabilities that make sense: in [0, 1], adding up, with a default branch last."""

from __future__ import annotations

import math
from collections.abc import Iterator

from procflow.analysis import item_classes
from procflow.diagnostics import Finding
from procflow.lint.context import LintContext
from procflow.lint.rule import Rule
from procflow.model.process import CategoricalAttribute
from procflow.model.stage import Branch

#: Rounding slack for shares written with a few decimals (0.33 + 0.33 + 0.34).
TOLERANCE = 1e-6


class ProbabilityOutOfRange(Rule):
    """A probability, rate or share outside [0, 1].

    Branch probabilities, ``error_rate``, ``detection_rate``, attribute
    shares, a truth's ``prevalence``, a decision's ``sensitivity`` and
    ``specificity``, a review's ``sample`` rates and ``false_flag_rate``, a
    stage's ``gold`` rate, ``then`` and ``violating`` are chances: 0.1 means
    10%. A value such as ``10`` or ``-0.2`` is usually a percentage written as
    a number or a typo.

    Fails::

        - to: qc_review
          probability: 10        # 10%? write 0.10

    Passes::

        - to: qc_review
          probability: 0.10
    """

    code = "PF201"
    name = "probability-out-of-range"
    reads = frozenset({"numbers"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for name, stage in ctx.process.stages.items():
            for i, branch in enumerate(stage.next or []):
                if branch.probability is not None:
                    yield from self._check(
                        ctx,
                        branch.probability,
                        ("stages", name, "next", i, "probability"),
                        f"branch {i + 1} of {name!r}",
                    )
            yield from self._check(
                ctx, stage.error_rate, ("stages", name, "error_rate"), f"error_rate of {name!r}"
            )
            if stage.detection_rate is not None:
                yield from self._check(
                    ctx,
                    stage.detection_rate,
                    ("stages", name, "detection_rate"),
                    f"detection_rate of {name!r}",
                )
        for path, chance, what in _quality_shares(ctx):
            yield from self._check(ctx, chance, path, what)
        for i, arrival in enumerate(ctx.process.arrivals):
            for attr, spec in arrival.attributes.items():
                if isinstance(spec, CategoricalAttribute):
                    for value, share in spec.values.items():
                        yield from self._check(
                            ctx,
                            share,
                            ("arrivals", i, "attributes", attr, value),
                            f"share of {attr}={value!r}",
                        )

    def _check(
        self, ctx: LintContext, value: float, path: tuple[object, ...], what: str
    ) -> Iterator[Finding]:
        if not 0 <= value <= 1 or math.isnan(value):
            hint = (
                f"write {value / 100:g} for {value:g}%"
                if 1 < value <= 100
                else ("use a number between 0 and 1")
            )
            yield self.finding(f"{what} is {value:g}, outside 0..1", ctx.locate(path), hint)


def _quality_shares(ctx: LintContext) -> Iterator[tuple[tuple[object, ...], float, str]]:
    """(path, value, what) of the shares of truth, decisions, samples, false flags and gold."""
    truth = ctx.process.truth
    for i, rule in enumerate(truth.prevalence if truth is not None else []):
        path = ("truth", "prevalence", i, "prevalence")
        if isinstance(rule.prevalence, dict):
            for kind, share in rule.prevalence.items():
                yield (*path, kind), share, f"the prevalence of {kind!r}"
        else:
            yield path, rule.prevalence, "a prevalence of truth"
    for name, stage in ctx.process.stages.items():
        decision = stage.decision
        if decision is not None:
            for key in ("sensitivity", "specificity"):
                value = getattr(decision, key)
                if value is not None:
                    yield ("stages", name, "decision", key), value, f"{key} of {name!r}"
            for true, row in (decision.confusion or {}).items():
                for decided, share in row.items():
                    yield (
                        ("stages", name, "decision", "confusion", true, decided),
                        share,
                        f"the share of {true!r} decided as {decided!r} at {name!r}",
                    )
        for i, rate in enumerate(stage.sample or []):
            yield ("stages", name, "sample", i, "rate"), rate.rate, f"a sample rate of {name!r}"
        if stage.false_flag_rate:
            yield (
                ("stages", name, "false_flag_rate"),
                stage.false_flag_rate,
                f"false_flag_rate of {name!r}",
            )
        gold = stage.gold
        for key in ("rate", "then", "violating"):
            value = getattr(gold, key) if gold is not None else None
            if value is not None:
                yield ("stages", name, "gold", key), value, f"the gold {key} of {name!r}"


def _probability_sum(branches: list[Branch]) -> float:
    return math.fsum(b.probability for b in branches if b.probability is not None)


class ProbabilitiesExceedOne(Rule):
    """The probabilities of a stage's branches add up to more than 1.

    One random draw picks among the ``probability`` branches; their total is
    the chance that one of them is taken, so it cannot exceed 1.

    Fails::

        next:
          - {to: qc_review, probability: 0.7}
          - {to: audit, probability: 0.5}       # 0.7 + 0.5 = 1.2

    Passes::

        next:
          - {to: qc_review, probability: 0.7}
          - {to: audit, probability: 0.3}
    """

    code = "PF202"
    name = "probabilities-exceed-one"
    reads = frozenset({"numbers"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for name, stage in ctx.process.stages.items():
            branches = stage.next or []
            total = _probability_sum(branches)
            if total > 1 + TOLERANCE:
                yield self.finding(
                    f"branch probabilities of {name!r} add up to {total:g}, more than 1",
                    ctx.locate(("stages", name, "next")),
                    "lower them so that they add up to at most 1",
                )


class MissingDefaultBranch(Rule):
    """Some items would have nowhere to go: no default branch takes what the others leave.

    When no ``when`` holds and the ``probability`` branches add up to less
    than 1, the remaining items take the last branch with neither ``when``
    nor ``probability``. Without one, they are stuck.

    Fails::

        next:
          - {to: qc_review, when: 'severity == "high"'}
          - {to: qc_review, probability: 0.10}      # and the other 90%?

    Passes::

        next:
          - {to: qc_review, when: 'severity == "high"'}
          - {to: qc_review, probability: 0.10}
          - to: delivered
    """

    code = "PF203"
    name = "missing-default-branch"
    reads = frozenset({"numbers", "structure"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for name, stage in ctx.process.stages.items():
            branches = stage.next or []
            if not branches or any(b.is_default for b in branches):
                continue
            total = _probability_sum(branches)
            if total >= 1 - TOLERANCE or _conditions_cover(ctx, name):
                continue
            yield self.finding(
                f"branches of {name!r} cover only {total:.0%} of the items that no condition "
                "catches, and there is no default branch",
                ctx.locate(("stages", name, "next")),
                "add a last branch with only 'to', or make the probabilities add up to 1",
            )


def _conditions_cover(ctx: LintContext, stage: str) -> bool:
    """Whether every item of every arrival stream satisfies some ``when`` of ``stage``."""
    conditions = ctx.flow.rule(stage).conditions
    if not conditions:
        return False
    return all(
        any(holds(item_class.row) for _, holds, _ in conditions)
        for k in range(len(ctx.process.arrivals))
        for item_class in item_classes(ctx.flow, k)
    )


class BranchAfterDefault(Rule):
    """A branch written after the default branch, or more than one default.

    The default branch (only ``to``) takes whatever the others leave, so it
    must come last and there can be only one; anything after it is never taken.

    Fails::

        next:
          - to: delivered
          - {to: qc_review, probability: 0.1}     # never taken

    Passes::

        next:
          - {to: qc_review, probability: 0.1}
          - to: delivered
    """

    code = "PF204"
    name = "branch-after-default"
    reads = frozenset({"structure"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for name, stage in ctx.process.stages.items():
            branches = stage.next or []
            seen_default = False
            for i, branch in enumerate(branches):
                if seen_default:
                    yield self.finding(
                        f"branch {i + 1} of {name!r} comes after the default branch; the "
                        "default (only 'to') must be the last branch",
                        ctx.locate(("stages", name, "next", i)),
                        "move the default branch (the one with only 'to') to the end",
                    )
                    break
                seen_default = branch.is_default


class AttributeSharesNotOne(Rule):
    """The shares of an attribute's values do not add up to 1.

    ``severity: {low: 0.92, high: 0.08}`` says 92% of items are low severity
    and 8% high; together they must make 100%.

    Fails::

        market: {US: 0.5, ID: 0.3, BR: 0.3}     # 110%

    Passes::

        market: {US: 0.5, ID: 0.3, BR: 0.2}
    """

    code = "PF205"
    name = "attribute-shares"
    reads = frozenset({"numbers"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for i, arrival in enumerate(ctx.process.arrivals):
            for attr, spec in arrival.attributes.items():
                if not isinstance(spec, CategoricalAttribute):
                    continue
                total = math.fsum(spec.values.values())
                if abs(total - 1) > TOLERANCE:
                    yield self.finding(
                        f"shares of attribute {attr!r} add up to {total:g}, not 1",
                        ctx.locate(("arrivals", i, "attributes", attr)),
                        "make the shares of its values add up to 1",
                    )
