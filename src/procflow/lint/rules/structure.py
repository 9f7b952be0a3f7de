"""The shape of the flow: every stage reachable, every item able to finish, splits that rejoin."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from procflow.diagnostics import Finding
from procflow.lint.context import LintContext
from procflow.lint.rule import Rule


class UnreachableStage(Rule):
    """A stage that no item can ever reach from any arrival stream.

    Its staff, SLAs and rules have no effect; usually a route to it was
    deleted or misspelt.

    Fails::

        stages:
          label: {resource: annotator, duration: 4 min, next: done}
          audit: {resource: auditor, duration: 9 min, next: done}   # nothing routes here
          done: {end: true}

    Passes: some stage's ``next``, ``on_defect`` or ``split`` leads to ``audit``.
    """

    code = "PF103"
    name = "unreachable-stage"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        reachable = ctx.flow.reachable()
        for name in ctx.process.stages:
            if name not in reachable:
                yield self.finding(
                    f"stage {name!r} cannot be reached from any arrival stream",
                    ctx.locate(("stages", name), key=True),
                    "route some stage to it, or remove it",
                )


def _dead_ends(ctx: LintContext) -> set[str]:
    return {
        name
        for name, stage in ctx.process.stages.items()
        if not stage.end and ctx.flow.graph.out_degree(name) == 0
    }


class NowhereToGo(Rule):
    """A stage that is not an end but has no ``next``, ``split`` or valid route out.

    Items finishing it would pile up forever.

    Fails::

        qc_review:
          resource: qc_reviewer
          duration: 3 min           # no next: where do reviewed items go?

    Passes::

        qc_review:
          resource: qc_reviewer
          duration: 3 min
          next: delivered
    """

    code = "PF105"
    name = "nowhere-to-go"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for name in sorted(_dead_ends(ctx), key=list(ctx.process.stages).index):
            stage = ctx.process.stages[name]
            if stage.next or stage.split:
                continue  # its routes point at unknown stages: PF101 says so
            yield self.finding(
                f"stage {name!r} is not an end and has no next stage",
                ctx.locate(("stages", name), key=True),
                "add 'next: <stage>', or 'end: true' if items finish here",
            )


class NoEndReachable(Rule):
    """A stage from which no end stage can be reached: items entering it never finish.

    Typically a loop whose every exit was routed back into it.

    Fails::

        review:   {resource: reviewer, duration: 3 min, next: recheck}
        recheck:  {resource: reviewer, duration: 2 min, next: review}   # no way out

    Passes: some branch of the loop leads to an end stage.
    """

    code = "PF104"
    name = "no-end-reachable"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        finishing = ctx.flow.reaching_end()
        dead = _dead_ends(ctx)
        stuck_downstream = set(dead)
        for name in dead:
            stuck_downstream |= nx.ancestors(ctx.flow.graph, name)
        for name in ctx.process.stages:
            if name in finishing or name in stuck_downstream:
                continue  # fine, or explained by nowhere-to-go at the dead end
            yield self.finding(
                f"no end stage can be reached from stage {name!r}: items entering it never finish",
                ctx.locate(("stages", name), key=True),
                "route some branch of this loop to an end stage",
            )


class EndlessRework(Rule):
    """A loop that items can enter but, with the rates given, (almost) never leave.

    For example a review that always finds a defect that the rework always
    reintroduces (``error_rate: 1`` with ``detection_rate: 1``), or routing
    probabilities that send everything back. Bound it with ``max_attempts`` or
    fix the rates.

    Fails::

        label:  {resource: annotator, duration: 4 min, error_rate: 1.0, next: review}
        review: {resource: reviewer, duration: 3 min, detection_rate: 1.0,
                 on_defect: label, next: done}

    Passes: ``error_rate`` below 1, or ``max_attempts: 3`` on ``review``.
    """

    code = "PF107"
    name = "endless-loop"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        if not ctx.capacity.endless:
            return
        stages = ctx.process.stages
        loops = [loop for loop in ctx.flow.loops() if not self._has_exit(ctx, loop)]
        for loop in loops:
            first = min(loop, key=list(stages).index)
            yield self.finding(
                f"items can cycle forever through {', '.join(sorted(loop, key=list(stages).index))}"
                ": no way out of the loop has a chance above zero",
                ctx.locate(("stages", first), key=True),
                "add max_attempts to the review, or lower error_rate/detection_rate below 1",
            )
        if not loops:
            yield self.finding(
                "some items can cycle forever: the expected work per item is unbounded",
                ctx.locate(("stages",), key=True),
                "check the rework loops' error_rate, detection_rate and max_attempts",
            )

    @staticmethod
    def _has_exit(ctx: LintContext, loop: set[str]) -> bool:
        stages = ctx.process.stages
        if any(stages[n].max_attempts is not None for n in loop):
            return True
        always_defective = any(stages[n].error_rate >= 1 for n in loop)
        for name in loop:
            stage = stages[name]
            leave = 1.0
            if stage.on_defect is not None and always_defective:
                leave = 1 - min(stage.detection_rate or 0.0, 1.0)
            branches = stage.next or []
            taken = 0.0
            for branch in branches:
                inside = branch.to in loop
                if branch.when is not None and not inside:
                    return True
                if branch.probability is not None:
                    taken += branch.probability
                    if not inside and branch.probability > 0 and leave > 0:
                        return True
                if branch.is_default and not inside and taken < 1 and leave > 0:
                    return True
            if stage.split and any(t not in loop for t in stage.split):
                return True
        return False


class SplitWithoutJoin(Rule):
    """A parallel split whose branches do not all meet at its join.

    Every branch of a ``split`` must lead to the ``join`` stage (and not to an
    end first); otherwise the join would wait forever for the missing copy.

    Fails::

        double_label: {split: [label_a, label_b], join: compare}
        label_a: {resource: annotator, duration: 4 min, next: compare}
        label_b: {resource: annotator, duration: 4 min, next: delivered}  # skips the join

    Passes: ``label_b`` also has ``next: compare``.
    """

    code = "PF108"
    name = "split-without-join"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        graph = ctx.flow.graph
        stages = ctx.process.stages
        for name, stage in stages.items():
            if stage.split is None or stage.join is None or stage.join not in stages:
                continue
            without_join = graph.subgraph(n for n in graph if n != stage.join)
            for index, branch in enumerate(stage.split):
                if branch not in stages:
                    continue
                where = ctx.locate(("stages", name, "split", index))
                if branch == stage.join:
                    yield self.finding(
                        f"split {name!r} has its join {stage.join!r} as a branch",
                        where,
                        "branches are the parallel work; the join is where they meet",
                    )
                    continue
                ahead = {branch} | nx.descendants(without_join, branch)
                if stage.join not in nx.descendants(graph, branch):
                    yield self.finding(
                        f"branch {branch!r} of split {name!r} never reaches the join "
                        f"{stage.join!r}",
                        where,
                        f"route {branch!r} to {stage.join!r}",
                    )
                elif any(stages[n].end for n in ahead) or name in ahead:
                    yield self.finding(
                        f"branch {branch!r} of split {name!r} can bypass the join {stage.join!r}",
                        where,
                        "every path of a branch must end at the join",
                    )
