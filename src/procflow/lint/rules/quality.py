"""Truth, decisions and thresholds that make sense: decisions with a truth to judge them by,
truth attributes of their own, and score thresholds in an order where each branch is taken."""

from __future__ import annotations

from collections.abc import Iterator

from procflow.analysis import item_classes
from procflow.diagnostics import Finding, Severity
from procflow.lint.context import LintContext
from procflow.lint.rule import Rule


class DecisionWithoutTruth(Rule):
    """A stage decides (``decides`` or ``decision``) but the process has no ``truth``.

    A decision is right or wrong against what the item really is: without a
    ``truth`` (whether items violate, and how many), there is nothing to judge
    it by, and the stage's decision would be ignored.

    Fails::

        stages:
          moderate:
            resource: moderator
            duration: 4 min
            decision: {sensitivity: 0.92, specificity: 0.98}   # and no truth: above

    Passes::

        truth: {attribute: violating, prevalence: 0.06}
        stages:
          moderate:
            resource: moderator
            duration: 4 min
            decision: {sensitivity: 0.92, specificity: 0.98}
    """

    code = "PF206"
    name = "decision-without-truth"
    reads = frozenset({"structure"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        if ctx.process.truth is not None:
            return
        for name, stage in ctx.process.stages.items():
            key = "decides" if stage.decides is not None else "decision"
            if stage.decides is None and stage.decision is None:
                continue
            yield self.finding(
                f"stage {name!r} decides, but the process has no truth to judge its decisions by",
                ctx.locate(("stages", name, key), key=True),
                "add truth: {attribute: violating, prevalence: 0.06} (the share of items "
                "that violate), or remove the decision",
                stage=name,
            )


class ShadowedBranch(Rule):
    """A ``when`` branch is never taken: the branches before it catch every item it would.

    Branches are tried in order and the first whose condition holds wins, so
    thresholds on a score must go from the strictest to the loosest. Here
    every item with a score of 0.9 or more already has one of 0.4 or more: the
    auto-removal is never reached.

    Fails::

        next:
          - {to: human_review, when: score >= 0.4}
          - {to: auto_remove, when: score >= 0.9}    # never taken
          - to: auto_approve

    Passes::

        next:
          - {to: auto_remove, when: score >= 0.9}
          - {to: human_review, when: score >= 0.4}
          - to: auto_approve
    """

    code = "PF207"
    name = "shadowed-branch"
    severity = Severity.WARNING
    reads = frozenset({"numbers", "structure"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        rows = [
            item_class.row
            for k in range(len(ctx.process.arrivals))
            for item_class in item_classes(ctx.flow, k)
            if item_class.share > 0
        ]
        for name, stage in ctx.process.stages.items():
            written = [i for i, branch in enumerate(stage.next or []) if branch.when is not None]
            conditions = ctx.flow.rule(name).conditions
            for k in range(1, len(conditions)):
                expr, holds, _ = conditions[k]
                reached = [row for row in rows if holds(row)]
                earlier = [h for _, h, _ in conditions[:k]]
                if not reached or not all(any(h(row) for h in earlier) for row in reached):
                    continue
                yield self.finding(
                    f"branch {written[k] + 1} of {name!r} ({expr}) is never taken: the "
                    "branches before it catch every item it would",
                    ctx.locate(("stages", name, "next", written[k], "when")),
                    "put the stricter condition first (the highest threshold first)",
                    stage=name,
                    branch=written[k] + 1,
                )


class TruthAttributes(Rule):
    """The truth's attributes clash with the items' own, or ``truth.by`` names none of them.

    ``truth.attribute`` (and the score's ``attribute``) are attributes the
    truth gives every item: an arrival stream's attribute of the same name
    would be overwritten. ``truth.by`` breaks the false negatives and
    positives down by one of the items' own attributes, so it must be one.

    Fails::

        arrivals:
          - {name: reports, rate: 300 per hour, attributes: {severity: {low: 0.9, high: 0.1}}}
        truth: {attribute: violating, prevalence: 0.06, by: severty}

    Passes: ``by: severity``.
    """

    code = "PF208"
    name = "truth-attributes"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        truth = ctx.process.truth
        if truth is None:
            return
        own = ctx.process.attributes()
        named: list[tuple[tuple[str, ...], str]] = [(("attribute",), truth.attribute)]
        if truth.score is not None:
            named.append((("score", "attribute"), truth.score.attribute))
        for suffix, value in named:
            if value in own:
                yield self.finding(
                    f"the truth's attribute {value!r} is also an attribute of the arriving items",
                    ctx.locate(("truth", *suffix)),
                    "give it a name of its own (truth.attribute, or the score's attribute)",
                    attribute=value,
                )
        if truth.by is not None and truth.by not in own:
            yield self.finding(
                f"truth.by names {truth.by!r}, which is not an attribute of the arriving items",
                ctx.locate(("truth", "by")),
                "name one of the arrival streams' attributes, such as severity",
                attribute=truth.by,
            )
