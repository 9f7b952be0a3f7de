"""SLAs that measure something that exists."""

from __future__ import annotations

from collections.abc import Iterator

from procflow.diagnostics import Finding
from procflow.diagnostics.suggest import did_you_mean
from procflow.lint.context import LintContext
from procflow.lint.rule import Rule
from procflow.model.slas import SLA_METRICS


class UnknownSlaMetric(Rule):
    """An SLA on a metric procflow does not know.

    SLAs are targets on ``cycle_time`` (arrival to end) or on a stage's
    ``waiting_time`` (time in its queue).

    Fails::

        slas:
          - {name: fast, metric: turnaround, percentile: 90, max: 4 hours}

    Passes: ``metric: cycle_time``.
    """

    code = "PF501"
    name = "unknown-sla-metric"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for i, sla in enumerate(ctx.process.slas):
            if sla.metric not in SLA_METRICS:
                yield self.finding(
                    f"SLA {sla.name!r} measures {sla.metric!r}; metrics are "
                    f"{', '.join(SLA_METRICS)}",
                    ctx.locate(("slas", i, "metric")),
                    did_you_mean(sla.metric, SLA_METRICS),
                )


class UnknownSlaStage(Rule):
    """An SLA on a stage that does not exist, or a waiting-time SLA without a stage.

    Fails::

        slas:
          - {name: QC picked up fast, metric: waiting_time, stage: qc_reveiw, max: 30 min}

    Passes: ``stage: qc_review``.
    """

    code = "PF502"
    name = "unknown-sla-stage"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        stages = ctx.process.stages
        for i, sla in enumerate(ctx.process.slas):
            if sla.stage is not None and sla.stage not in stages:
                yield self.finding(
                    f"SLA {sla.name!r} is on stage {sla.stage!r}, which is not a stage",
                    ctx.locate(("slas", i, "stage")),
                    did_you_mean(sla.stage, stages),
                )
            elif sla.metric == "cycle_time" and sla.stage is not None:
                yield self.finding(
                    f"SLA {sla.name!r} measures cycle_time, which is end to end: it takes no stage",
                    ctx.locate(("slas", i, "stage")),
                    "remove 'stage', or use metric: waiting_time for one stage's queue",
                )
            elif sla.metric == "waiting_time" and sla.stage is None:
                yield self.finding(
                    f"SLA {sla.name!r} measures waiting_time but names no stage",
                    ctx.locate(("slas", i)),
                    "add 'stage: <name>' (waiting is measured at one stage's queue)",
                )


class SlaOnStageWithoutQueue(Rule):
    """A waiting-time SLA on a stage where items never wait: a decision, a split or an end.

    Only a work stage (one with a ``resource``) has a queue: a decision routes an
    item the moment it arrives, a split forks it, an end delivers it. An SLA on
    the waiting at such a stage measures nothing, yet reports said "missed". Put
    it on the work stage whose queue you mean, or measure ``cycle_time``.

    Fails::

        stages:
          triage:                # a decision: no resource, items pass at once
            next:
              - {to: urgent_review, when: severity == "high"}
              - to: review
        slas:
          - {name: triaged fast, metric: waiting_time, stage: triage, max: 10 min}

    Passes: ``stage: review`` (a work stage, with a queue).
    """

    code = "PF503"
    name = "sla-on-stage-without-queue"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        stages = ctx.process.stages
        for i, sla in enumerate(ctx.process.slas):
            stage = stages.get(sla.stage) if sla.stage is not None else None
            if sla.metric != "waiting_time" or stage is None or stage.kind == "work":
                continue
            yield self.finding(
                f"SLA {sla.name!r} measures the waiting at {sla.stage!r}, a {stage.kind} "
                "stage where items never wait",
                ctx.locate(("slas", i, "stage")),
                "name the work stage whose queue you mean, or use metric: cycle_time",
            )
