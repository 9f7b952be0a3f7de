"""Loops that take no time: an item would go round them forever without the clock moving.

Time passes for an item only while it waits in a queue or is worked on. Decisions and
splits take none, nor does work whose duration is always 0, nor escalation after
``0 min`` or after a patience that is always 0 (an item that has to wait leaves the
queue at once). A patience distribution that is 0 only sometimes (an empirical one
with some zeros) lets time pass on most rounds: the loop ends, and is not reported.
A loop made only of moves that take no time has an item going round it at one
instant: the simulation could never get past that moment.
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from procflow.diagnostics import Finding
from procflow.flow.graph import Route
from procflow.flow.routing import StageRule
from procflow.lint.context import LintContext
from procflow.lint.rule import Rule


class InstantLoop(Rule):
    """A loop an item would go round at one instant, because nothing on it takes time.

    A stage that escalates to itself (its waiting items leave its queue only to join
    it again), two stages that escalate to each other after ``0 min``, or decision
    stages that route back to one another: no work is done on the way, so the clock
    never moves and the simulation cannot get past that moment. The finding points at
    the route that closes the loop. A rework loop of decisions bounded by
    ``max_attempts`` is fine: it ends after that many rounds.

    Fails::

        triage:  {resource: moderator, duration: 2 min, escalate_after: 0 min,
                  escalate_to: senior, next: done}
        senior:  {resource: specialist, duration: 5 min, escalate_after: 0 min,
                  escalate_to: triage, next: done}   # triage ⇄ senior at one instant

    Passes: ``escalate_after: 30 min`` or ``escalate_after: {exponential: 30 min}`` on
    either stage, or ``escalate_to`` a stage that
    does not lead back.
    """

    code = "PF109"
    name = "instant-loop"
    reads = frozenset({"numbers", "structure"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        rules = ctx.flow.rules
        index = ctx.flow.index
        instant = nx.DiGraph()
        for route in ctx.graph.routes():
            source = rules[index[route.source]]
            if route.kind == "escalate" and route.source == route.target:
                yield self.finding(
                    f"stage {route.source!r} escalates to itself: an item that waited "
                    "leaves its queue only to join it again",
                    ctx.locate(route.path),
                    "escalate to another stage (a senior pool, say), or remove escalate_to",
                    stage=route.source,
                )
            elif _takes_no_time(source, route):
                instant.add_edge(route.source, route.target, route=route)
        order = {name: k for k, name in enumerate(ctx.process.stages)}
        for group in nx.strongly_connected_components(instant):
            first = min(group, key=order.__getitem__)
            if len(group) == 1 and not instant.has_edge(first, first):
                continue
            cycle = _cycle_from(instant.subgraph(group), first)
            closing: Route = instant.edges[cycle[-2], first]["route"]
            loop = " → ".join(cycle)
            yield self.finding(
                f"items can go round {loop} at one instant: nothing on this loop takes "
                "time (decisions, splits, escalation after 0), so the simulation could never "
                "get past that moment",
                ctx.locate(closing.path),
                "give the loop a work stage, escalate after more than 0, or bound the rework "
                "with max_attempts",
                loop=cycle,
            )


def _takes_no_time(source: StageRule, route: Route) -> bool:
    """Whether an item can take ``route`` out of ``source`` at the instant it arrived there."""
    if route.kind == "defect" and source.review is not None and source.review.max_attempts:
        return False  # rounds of a bounded rework loop are counted: the loop ends
    if source.kind in ("decision", "split"):
        return True
    if source.kind != "work":
        return False
    if route.kind == "escalate":
        return source.escalation is not None and source.escalation.instant
    return source.duration is not None and source.duration.mean <= 0


def _cycle_from(graph: nx.DiGraph, first: str) -> list[str]:
    """A cycle of ``graph`` through ``first``, as stage names from it back to it."""
    back = nx.shortest_path(graph.reverse(copy=False), first)  # target -> path to first
    for successor in graph.successors(first):
        if successor in back:
            return [first, *reversed(back[successor])]
    return [first, first]
