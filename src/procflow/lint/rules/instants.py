"""Loops an item would go round at one instant (see :mod:`procflow.lint.loops`)."""

from __future__ import annotations

from collections.abc import Iterator

from procflow.diagnostics import Finding
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
        for route in ctx.graph.routes():
            if route.kind == "escalate" and route.source == route.target:
                yield self.finding(
                    f"stage {route.source!r} escalates to itself: an item that waited "
                    "leaves its queue only to join it again",
                    ctx.locate(route.path),
                    "escalate to another stage (a senior pool, say), or remove escalate_to",
                    stage=route.source,
                )
        for loop in ctx.instant_loops:
            yield self.finding(
                f"items can go round {' → '.join(loop.cycle)} at one instant: nothing on "
                "this loop takes time (decisions, splits, escalation after 0), so the "
                "simulation could never get past that moment",
                ctx.locate(loop.closing.path),
                "give the loop a work stage, escalate after more than 0, or bound the rework "
                "with max_attempts",
                loop=list(loop.cycle),
            )
