"""Consensus labeling, separation of duties and attempt numbers that cannot work as written."""

from __future__ import annotations

from collections.abc import Iterator

from procflow.diagnostics import Finding, Severity
from procflow.diagnostics.suggest import did_you_mean
from procflow.lint.context import LintContext
from procflow.lint.rule import Rule
from procflow.model.process import ATTEMPT, Process
from procflow.model.stage import Stage


def _most_working(process: Process, pool: str) -> int:
    """The most people of a pool working at once over the week (0 for an unknown pool)."""
    resource = process.resources.get(pool)
    return int(resource.working.peak()) if resource is not None else 0


def _overlap_key(stage: Stage) -> str:
    """The key that sets a consensus's most labels: labelers, or max."""
    assert stage.consensus is not None
    return "labelers" if stage.consensus.labelers is not None else "max"


def _hands(stage: Stage) -> int:
    """How many people of its pool work on one item at a stage (its labelers, or one)."""
    return stage.consensus.most if stage.consensus is not None else 1


class ConsensusLargerThanPool(Rule):
    """A consensus asks for more different labelers than its pool ever has at work.

    Each label of an item is done by a different person, so an item that needs 3
    labels needs 3 people of the pool working at the same time, at least once: with
    fewer, the item waits for a labeler who does not exist, forever.

    Fails::

        resources:
          annotator: {count: 2}
        stages:
          label:
            resource: annotator
            consensus: {labelers: 3, accuracy: 0.8}

    Passes: ``count: 6``, or ``labelers: 2``.
    """

    code = "PF750"
    name = "consensus-larger-than-pool"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        process = ctx.process
        for name, stage in process.stages.items():
            if stage.consensus is None or stage.resource not in process.resources:
                continue
            most = stage.consensus.most
            people = _most_working(process, stage.resource)
            if most > people:
                key = _overlap_key(stage)
                yield self.finding(
                    f"stage {name!r} needs {most} different labelers per item, and pool "
                    f"{stage.resource!r} has at most {people} working at once",
                    ctx.locate(("stages", name, "consensus", key)),
                    f"staff {stage.resource!r} with at least {most} people working, or lower "
                    f"{key} to {max(people, 1)}",
                    labels=most,
                    people=people,
                )


class SeparationNeedsMorePeople(Rule):
    """A ``not_by`` rule leaves nobody in the pool allowed to do the work.

    ``not_by: label`` keeps the people who labeled an item from reviewing it. When
    labeling and review share a pool, the review needs someone besides the item's
    labelers: one more person than the labelers of one item. A pool that small
    never has an allowed reviewer for some items, which then wait forever.

    Fails::

        resources:
          annotator: {count: 3}
        stages:
          label: {resource: annotator, consensus: {labelers: 3, accuracy: 0.8}, ...}
          peer_review: {resource: annotator, not_by: label, ...}   # needs a 4th person

    Passes: ``count: 8``, or a review pool of its own.
    """

    code = "PF751"
    name = "separation-needs-more-people"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        process = ctx.process
        stages = process.stages
        for name, stage in stages.items():
            for k, other in enumerate(stage.not_by or []):
                if other not in stages or stages[other].resource != stage.resource:
                    continue  # unknown (PF752), or another pool: different people anyway
                if stage.resource not in process.resources or other == name:
                    continue
                need = _hands(stages[other]) + _hands(stage)
                people = _most_working(process, stage.resource)
                if need > people:
                    yield self.finding(
                        f"stage {name!r} may not be done by the {_hands(stages[other])} "
                        f"person(s) who worked on the item at {other!r}: that takes {need} "
                        f"people of pool {stage.resource!r} at work, and it has at most {people}",
                        ctx.locate(("stages", name, "not_by", k)),
                        f"staff {stage.resource!r} with at least {need} people working, or give "
                        f"{name!r} a pool of its own",
                        need=need,
                        people=people,
                    )


class NotByUnknownStage(Rule):
    """A ``not_by`` names a stage that does not exist, or one where nobody works.

    ``not_by`` keeps the people who worked on an item at another stage from
    working on it here; that stage must be a work stage of the process.

    Fails::

        peer_review: {resource: annotator, not_by: lable, ...}   # no stage 'lable'

    Passes: ``not_by: label``.
    """

    code = "PF752"
    name = "not-by-unknown-stage"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        stages = ctx.process.stages
        for name, stage in stages.items():
            for k, other in enumerate(stage.not_by or []):
                where = ctx.locate(("stages", name, "not_by", k))
                if other not in stages:
                    yield self.finding(
                        f"stage {name!r} is not_by {other!r}, which is not a stage",
                        where,
                        did_you_mean(other, stages) or "name a work stage",
                        target=other,
                    )
                elif stages[other].resource is None:
                    yield self.finding(
                        f"stage {name!r} is not_by {other!r}, where nobody works "
                        f"(a {stages[other].kind} stage)",
                        where,
                        "name the work stage whose people must not do this work",
                        target=other,
                    )


class UnsettledWithoutAdjudication(Rule):
    """A consensus can leave items unsettled, and says nowhere to send them.

    Under ``agree: unanimous`` any disagreement, under ``agree: majority`` a tie (an
    even number of labels split evenly), and under a dynamic overlap an item that
    reaches ``max`` without the confidence: each goes to the consensus's
    ``adjudicate`` stage. Without one, those items have nowhere to go.

    Fails::

        consensus: {labelers: 2, accuracy: 0.8}   # 1 against 1 happens 32% of the time

    Passes: ``consensus: {labelers: 2, accuracy: 0.8, adjudicate: adjudicate}``, or
    ``labelers: 3`` (a majority of 3 always exists).
    """

    code = "PF753"
    name = "unsettled-without-adjudication"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for rule in ctx.flow.rules:
            consensus = rule.consensus
            stage = ctx.process.stages[rule.name]
            if consensus is None or stage.consensus is None or stage.consensus.adjudicate:
                continue
            unsettled = consensus.shares()[2]
            if unsettled > 0:
                yield self.finding(
                    f"stage {rule.name!r} leaves {unsettled:.1%} of items unsettled by its "
                    "labels, and its consensus has no adjudicate stage to send them to",
                    ctx.locate(("stages", rule.name, "consensus"), key=True),
                    "add adjudicate: <stage> to the consensus, or use an odd number of "
                    "labelers with agree: majority",
                    share=unsettled,
                )


class ConsensusNoBetterThanChance(Rule):
    """Labelers right at most half the time: more of them make the consensus worse.

    With an accuracy of 0.5 a label is a coin toss, and below it the majority is
    wrong more often than one labeler. Usually the accuracy is written as the
    error rate (0.1 meant as "10% wrong").

    Fails::

        consensus: {labelers: 3, accuracy: 0.1}

    Passes: ``accuracy: 0.9``.
    """

    code = "PF754"
    name = "consensus-no-better-than-chance"
    severity = Severity.WARNING

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for name, stage in ctx.process.stages.items():
            if stage.consensus is not None and stage.consensus.accuracy <= 0.5:
                accuracy = stage.consensus.accuracy
                yield self.finding(
                    f"labelers of {name!r} are right {accuracy:.0%} of the time: no better "
                    "than chance, and a consensus of them is worse than one",
                    ctx.locate(("stages", name, "consensus", "accuracy")),
                    f"write the chance a label is right ({1 - accuracy:g} if {accuracy:g} is "
                    "the error rate)",
                    accuracy=accuracy,
                )


class AttemptNeverCounts(Rule):
    """A condition reads ``attempt`` where it is always 1.

    ``attempt`` is the item's attempt number in a rework loop: 1 the first time
    through, 2 once a review has sent it back, and so on. It counts the catches of
    the reviews with ``max_attempts`` whose loop holds the stage (the bound keeps the
    count finite, so the analysis can follow it). At a stage in no such loop, or in
    a ``priority`` rule (read when an item arrives at a stage, before any count), it
    is always 1 and the condition never changes anything.

    Fails::

        qa_review: {resource: qa, detection_rate: 0.9, on_defect: rework, ...}  # no max_attempts
        rework:
          next:
            - {to: senior_fix, when: attempt >= 3}

    Passes: ``max_attempts: 4`` on ``qa_review``.
    """

    code = "PF755"
    name = "attempt-never-counts"
    severity = Severity.WARNING

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for rule in ctx.flow.rules:
            stage = ctx.process.stages[rule.name]
            for path, condition in stage.conditions():
                if ATTEMPT not in condition.attributes():
                    continue
                if path[0] == "priority":
                    why = "a priority rule is read as the item arrives, before any attempt counts"
                    hint = "route by attempt in next branches, to a stage with its own priority"
                elif not rule.attempt_slots:
                    why = f"{rule.name!r} is in no rework loop bounded by max_attempts"
                    hint = "give the review whose on_defect leads here max_attempts"
                else:
                    continue
                yield self.finding(
                    f"attempt is always 1 in this condition of {rule.name!r}: {why}",
                    ctx.locate(("stages", rule.name, *path)),
                    hint,
                    stage=rule.name,
                )


class SamePersonWithoutWork(Rule):
    """``back_to: same_person`` sends rework to a stage where no one person did the work.

    Rework goes back to the person who did the work at the review's ``on_defect``
    stage. That stage must be a work stage done by one person: a decision stage has
    nobody, and a consensus stage has several labelers (and never asks one twice).
    Without one, the rework goes to anyone, as if ``back_to`` were not written.

    Fails::

        qa_review: {on_defect: rework_router, back_to: same_person, ...}  # a decision stage

    Passes: ``on_defect: label`` (the work stage whose labeler redoes the task).
    """

    code = "PF756"
    name = "same-person-without-work"
    severity = Severity.WARNING

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        stages = ctx.process.stages
        for name, stage in stages.items():
            target = stages.get(stage.on_defect or "")
            if stage.back_to != "same_person" or target is None:
                continue
            if target.kind != "work" or target.consensus is not None:
                what = "a consensus stage" if target.consensus is not None else target.kind
                yield self.finding(
                    f"{name!r} sends rework back to the same person at {stage.on_defect!r}, "
                    f"where no one person did the work (a {what} stage): anyone redoes it",
                    ctx.locate(("stages", name, "back_to")),
                    "send on_defect to the work stage to redo, or drop back_to",
                    target=stage.on_defect,
                )
