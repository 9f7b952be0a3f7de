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

    A stage that is unreachable only because a route names a misspelt stage (``next:
    sample_for_q`` for ``sample_for_qc``) is not reported here: the ``PF101`` of the typo
    says which stages it makes unreachable.
    """

    code = "PF103"
    name = "unreachable-stage"
    reads = frozenset({"structure"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        reachable = ctx.graph.reachable()
        # stages behind a misspelt stage name are reported with it (PF101)
        echoes = {name for _, behind in ctx.misspelt_routes.values() for name in behind}
        for name in ctx.process.stages:
            if name not in reachable and name not in echoes:
                yield self.finding(
                    f"stage {name!r} cannot be reached from any arrival stream",
                    ctx.locate(("stages", name), key=True),
                    "route some stage to it, or remove it",
                    stage=name,
                )


def _dead_ends(ctx: LintContext) -> set[str]:
    """Stages that are not ends and have no route out to a stage that exists."""
    return {
        name
        for name, stage in ctx.process.stages.items()
        if not stage.end and ctx.graph.graph.out_degree(name) == 0
    }


def _nowhere_to_go(ctx: LintContext) -> list[str]:
    """Stages that say nowhere for the items leaving them (not ends, no next, no split)."""
    return [
        name
        for name, stage in ctx.process.stages.items()
        if not stage.end and not stage.split and not stage.next
    ]


class NowhereToGo(Rule):
    """A stage that is not an end but has no ``next`` or ``split``: items leaving it are stuck.

    Items finishing it would pile up forever. A review needs a ``next`` too: its
    ``on_defect`` only says where the defects it catches go, not where the items
    that pass it go.

    Fails::

        qc_review:
          resource: qc_reviewer
          duration: 3 min
          detection_rate: 0.85
          on_defect: label          # and the items that pass review?

    Passes::

        qc_review:
          resource: qc_reviewer
          duration: 3 min
          detection_rate: 0.85
          on_defect: label
          next: delivered
    """

    code = "PF105"
    name = "nowhere-to-go"
    reads = frozenset({"structure"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for name in _nowhere_to_go(ctx):
            stage = ctx.process.stages[name]
            if stage.is_review:
                yield self.finding(
                    f"stage {name!r} sends the defects it catches to {stage.on_defect!r}, but "
                    "has no next stage for the items that pass review",
                    ctx.locate(("stages", name), key=True),
                    "add 'next: <stage>' for the items that pass",
                )
                continue
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
    reads = frozenset({"structure"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        finishing = ctx.graph.reaching_end()
        dead = _dead_ends(ctx) | set(_nowhere_to_go(ctx))
        stuck_downstream = set(dead)
        for name in dead:
            stuck_downstream |= nx.ancestors(ctx.graph.graph, name)
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
    probabilities that send everything back. The finding names the loop and
    points at the route that closes it. Bound it with ``max_attempts`` or fix the
    rates.

    Fails::

        label:  {resource: annotator, duration: 4 min, error_rate: 1.0, next: review}
        review: {resource: reviewer, duration: 3 min, detection_rate: 1.0,
                 on_defect: label, next: done}    # label → review → label forever

    Passes: ``error_rate`` below 1, or ``max_attempts: 3`` on ``review``.
    """

    code = "PF107"
    name = "endless-loop"
    reads = frozenset({"numbers", "structure"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        capacity = ctx.capacity
        if capacity.loop is None or any(
            set(capacity.loop) <= set(loop.cycle) for loop in ctx.instant_loops
        ):
            return  # a loop at one instant is PF109's: its chances are not the problem
        cycle = " → ".join(capacity.loop)
        path: tuple[object, ...] = ("stages",)
        if capacity.loop_closed_by is not None and len(capacity.loop) > 1:
            source, caught = capacity.loop_closed_by
            path = _closing_route(ctx, source, capacity.loop[0], caught)
        yield self.finding(
            f"items can cycle forever through {cycle}: no way out of the loop has a chance "
            "above zero",
            ctx.locate(path, key=path == ("stages",)),
            "add max_attempts to the review, or lower error_rate/detection_rate below 1",
        )


def _closing_route(ctx: LintContext, source: str, target: str, caught: bool) -> tuple[object, ...]:
    """Where the route from ``source`` back to ``target`` is written (its on_defect if caught)."""
    routes = [r for r in ctx.graph.routes(source) if r.target == target]
    routes.sort(key=lambda r: (r.kind != "defect") if caught else (r.kind == "defect"))
    return routes[0].path if routes else ("stages", source)


class SplitWithoutJoin(Rule):
    """A parallel split whose branches do not all meet at its join.

    Every branch of a ``split`` must lead to the ``join`` stage (and not to an
    end first); otherwise the join would wait forever for the missing copy. A
    branch that is the split itself, or leads back to it before the join, would
    make every item fork again without end: it is reported too, and the
    analysis is not run on such a process.

    Fails::

        double_label: {split: [label_a, label_b], join: compare}
        label_a: {resource: annotator, duration: 4 min, next: compare}
        label_b: {resource: annotator, duration: 4 min, next: delivered}  # skips the join

    Passes: ``label_b`` also has ``next: compare``.
    """

    code = "PF108"
    name = "split-without-join"
    reads = frozenset({"structure"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        graph = ctx.graph.graph
        stages = ctx.process.stages
        loops = ctx.graph.split_loops()
        for name, index in loops:
            branch = stages[name].split[index]  # type: ignore[index]
            yield self.finding(
                f"split {name!r} has itself as a branch"
                if branch == name
                else f"branch {branch!r} of split {name!r} leads back to the split before "
                "its join: every item would fork again without end",
                ctx.locate(("stages", name, "split", index)),
                "branches are the parallel work: route each to the join, not to the split",
            )
        for name, stage in stages.items():
            if stage.split is None or stage.join is None or stage.join not in stages:
                continue
            without_join = graph.subgraph(n for n in graph if n != stage.join)
            for index, branch in enumerate(stage.split):
                if branch not in stages or (name, index) in loops:
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
                # the first time a path from the branch meets the join, it comes from ahead
                if not any(graph.has_edge(n, stage.join) for n in ahead):
                    yield self.finding(
                        f"branch {branch!r} of split {name!r} never reaches the join "
                        f"{stage.join!r}",
                        where,
                        f"route {branch!r} to {stage.join!r}",
                    )
                elif any(stages[n].end for n in ahead):
                    yield self.finding(
                        f"branch {branch!r} of split {name!r} can bypass the join {stage.join!r}",
                        where,
                        "every path of a branch must end at the join",
                    )
