"""New hires and measured accuracy that a sample reads, where they cannot mean anything."""

from __future__ import annotations

from collections.abc import Iterator

from procflow.diagnostics import Finding, Severity
from procflow.lint.context import LintContext
from procflow.lint.rule import Rule
from procflow.model.tenure import ANNOTATOR_ACCURACY, NEW_HIRE


class NewHiresExceedPool(Rule):
    """A pool has more new hires than people.

    ``new_hires`` counts people of the pool, among the most it has on duty at once
    (its ``count``, or the peak of its calendar or teams): it cannot be more.

    Fails::

        resources:
          labeler: {count: 20, new_hires: 25}

    Passes: ``new_hires: 5``.
    """

    code = "PF757"
    name = "new-hires-exceed-pool"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for name, resource in ctx.process.resources.items():
            if resource.new_hires > resource.headcount:
                yield self.finding(
                    f"pool {name!r} has {resource.new_hires} new hires, but at most "
                    f"{resource.headcount} people on duty",
                    ctx.locate(("resources", name, "new_hires")),
                    f"give new_hires at most {resource.headcount}, or staff the pool with more",
                    new_hires=resource.new_hires,
                    people=resource.headcount,
                )


class NewHireWithoutNewHires(Rule):
    """A condition reads ``new_hire``, or a stage says how new hires work, without new hires.

    ``new_hire`` is whether the last person who worked on the item in a pool with
    ``new_hires`` is a new hire: without such a pool it is always false, and a stage's
    ``new_hires`` figures apply to the new hires of its own pool only.

    Fails::

        resources:
          labeler: {count: 20}                           # no new_hires
        stages:
          label: {resource: labeler, new_hires: {error_rate: 0.12}, ...}
          qc: {sample: [{when: new_hire, rate: 1.0}, {rate: 0.1}], ...}

    Passes: ``labeler: {count: 20, new_hires: 5}``.
    """

    code = "PF758"
    name = "new-hire-without-new-hires"
    severity = Severity.WARNING

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        resources = ctx.process.resources
        hired = {name for name, r in resources.items() if r.new_hires > 0}
        for name, stage in ctx.process.stages.items():
            pool = stage.resource
            if stage.new_hires is not None and pool in resources and pool not in hired:
                yield self.finding(
                    f"stage {name!r} says how new hires work, but its pool {pool!r} has none",
                    ctx.locate(("stages", name, "new_hires"), key=True),
                    f"give pool {pool!r} new_hires (how many of its people are new), or "
                    "remove the stage's new_hires",
                    stage=name,
                )
            if hired:
                continue
            for path, condition in stage.conditions():
                if NEW_HIRE in condition.attributes():
                    yield self.finding(
                        f"this condition of {name!r} reads new_hire, but no pool has new "
                        "hires: it is always false",
                        ctx.locate(("stages", name, *path)),
                        "give the pool whose work it checks new_hires: 5 (how many of its "
                        "people are new)",
                        stage=name,
                    )


class AccuracyWithoutGold(Rule):
    """A condition reads ``annotator_accuracy``, but no stage has gold tasks to measure it.

    ``annotator_accuracy`` is the share of gold (honeypot) tasks the item's last worker
    at a gold stage got right: without ``gold`` on a stage, nobody is ever measured and
    it is always 1.0.

    Fails::

        stages:
          label: {resource: labeler, error_rate: 0.04, ...}      # no gold
          qc: {sample: [{when: annotator_accuracy < 0.9, rate: 0.5}, {rate: 0.05}], ...}

    Passes: ``gold: {first: 20, then: 0.05}`` on ``label``.
    """

    code = "PF759"
    name = "accuracy-without-gold"
    severity = Severity.WARNING

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        stages = ctx.process.stages
        if any(stage.gold is not None for stage in stages.values()):
            return
        for name, stage in stages.items():
            for path, condition in stage.conditions():
                if ANNOTATOR_ACCURACY in condition.attributes():
                    yield self.finding(
                        f"this condition of {name!r} reads annotator_accuracy, but no stage "
                        "has gold tasks to measure it: it is always 1.0",
                        ctx.locate(("stages", name, *path)),
                        "give the work stage it checks gold: {first: 20, then: 0.05}",
                        stage=name,
                    )
