"""Names that must refer to something: stages, staff pools, and pools nobody uses."""

from __future__ import annotations

from collections.abc import Iterator

from procflow.diagnostics import Finding, Location, Severity
from procflow.diagnostics.suggest import did_you_mean
from procflow.lint.context import LintContext
from procflow.lint.rule import Rule


class UnknownStage(Rule):
    """A route, split, join or arrival names a stage that does not exist.

    Items sent to a stage that is not defined have nowhere to go: the SOP is
    broken wherever this happens. Usually a typo, or a stage renamed in one
    place only.

    Fails::

        label:
          resource: annotator
          duration: 4 min
          next: qc_reveiw        # there is no stage 'qc_reveiw'

    Passes::

        label:
          resource: annotator
          duration: 4 min
          next: qc_review

    The stages that are unreachable only because of the typo are named in its message
    ("...and makes 3 stages unreachable (...)") rather than reported one by one (``PF103``).
    """

    code = "PF101"
    name = "unknown-stage"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        stages = ctx.process.stages
        for route in ctx.graph.dangling:
            what = {
                "next": "routes to",
                "defect": "sends defects to",
                "split": "splits into",
                "escalate": "escalates to",
                "reject": "sends rejected lots to",
                "adjudicate": "sends unsettled labels to",
            }
            message = (
                f"stage {route.source!r} {what[route.kind]} {route.target!r}, which is not a stage"
            )
            yield self._typo(ctx, message, ctx.locate(route.path), route.source, route.target)
        for name, stage in stages.items():
            if stage.join is not None and stage.join not in stages:
                yield self.finding(
                    f"split {name!r} joins at {stage.join!r}, which is not a stage",
                    ctx.locate(("stages", name, "join")),
                    did_you_mean(stage.join, stages),
                )
        for i, arrival in enumerate(ctx.process.arrivals):
            if arrival.to is not None and arrival.to not in stages:
                message = f"arrivals {arrival.name!r} enter at {arrival.to!r}, which is not a stage"
                yield self._typo(ctx, message, ctx.locate(("arrivals", i, "to")), None, arrival.to)

    def _typo(
        self, ctx: LintContext, message: str, where: Location, source: str | None, target: str
    ) -> Finding:
        """The finding of a route to ``target``, with the stages it alone makes unreachable."""
        meant, behind = ctx.misspelt_routes.get((source, target), (None, []))
        if len(behind) == 1:
            message += f", and makes stage {behind[0]!r} unreachable"
        elif behind:
            message += f", and makes {len(behind)} stages unreachable ({', '.join(behind)})"
        hint = did_you_mean(target, ctx.process.stages) or "define the stage or fix the name"
        return self.finding(message, where, hint, target=target, meant=meant, unreachable=behind)


class UnknownResource(Rule):
    """A stage names a staff pool that is not defined under ``resources``.

    Fails::

        resources:
          annotator: {count: 40}
        stages:
          label: {resource: anotator, duration: 4 min, next: done}

    Passes::

        stages:
          label: {resource: annotator, duration: 4 min, next: done}
    """

    code = "PF102"
    name = "unknown-resource"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        pools = ctx.process.resources
        used = {s.resource for s in ctx.process.stages.values()}
        for name, stage in ctx.process.stages.items():
            if stage.resource is not None and stage.resource not in pools:
                meant = ctx.misspelt_pools.get(stage.resource)
                message = f"stage {name!r} uses staff pool {stage.resource!r}, which is not defined"
                if meant is not None and meant not in used:
                    message += f", and leaves {meant!r} unused"
                yield self.finding(
                    message,
                    ctx.locate(("stages", name, "resource")),
                    did_you_mean(stage.resource, pools) or "add it under resources",
                    pool=stage.resource,
                    meant=meant,
                )


class UnusedResource(Rule):
    """A staff pool that no stage uses.

    Not an error (a pool may be kept for a scenario that moves work to it), but
    usually a leftover from a renamed stage, and its cost would be counted for
    nothing.

    Fails::

        resources:
          annotator: {count: 40}
          night_shift: {count: 6}     # no stage uses night_shift

    Passes: every pool is named by some stage's ``resource``.

    A pool left unused only because a stage misspells its name is not reported here:
    the ``PF102`` of the typo says so.
    """

    code = "PF106"
    name = "unused-resource"
    reads = frozenset({"structure"})
    severity = Severity.WARNING

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        # a pool that a misspelt name means is reported with the typo (PF102)
        used = {s.resource for s in ctx.process.stages.values()} | set(ctx.misspelt_pools.values())
        for name in ctx.process.resources:
            if name not in used:
                yield self.finding(
                    f"staff pool {name!r} is not used by any stage",
                    ctx.locate(("resources", name), key=True),
                    "remove it, or name it as the resource of a stage",
                )


class MissingSkill(Rule):
    """Work needs a skill that no team of its staff pool has: it would wait forever.

    A stage's ``skill`` (or, with ``skill_from``, every value the attribute can
    take) must be among the ``skills`` of some team of the stage's pool. A pool
    without teams takes any work.

    Fails::

        resources:
          reviewer:
            teams:
              - {skills: [ID], count: 8}
              - {skills: [BR], count: 6}
        stages:
          review: {resource: reviewer, duration: 4 min, skill_from: market, next: done}
          # market is one of ID, BR, JP: nobody reads Japanese

    Passes: add a team with ``skills: [JP]``.
    """

    code = "PF403"
    name = "missing-skill"
    reads = frozenset({"structure"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        process = ctx.process
        for name, stage in process.stages.items():
            pool = process.resources.get(stage.resource or "")
            if pool is None or pool.teams is None:
                continue
            have = pool.skills
            if stage.skill is not None and stage.skill not in have:
                yield self.finding(
                    f"stage {name!r} needs skill {stage.skill!r}, which no team of "
                    f"{stage.resource!r} has",
                    ctx.locate(("stages", name, "skill")),
                    did_you_mean(stage.skill, have) or "add a team with that skill",
                )
            if stage.skill_from is None:
                continue
            spec = ctx.attributes.get(stage.skill_from)
            where = ctx.locate(("stages", name, "skill_from"))
            if spec is None:
                yield self.finding(
                    f"stage {name!r} takes its skill from {stage.skill_from!r}, which is not an "
                    "attribute of any arrival stream",
                    where,
                    did_you_mean(stage.skill_from, ctx.attributes),
                )
                continue
            missing = sorted(str(v) for v in spec.values if str(v) not in have)
            if spec.kind != "categorical" or missing:
                what = ", ".join(missing) if missing else "numbers"
                yield self.finding(
                    f"stage {name!r} needs the skill named by {stage.skill_from!r}; no team of "
                    f"{stage.resource!r} has {what}",
                    where,
                    "add teams with those skills, or route that work elsewhere",
                )
