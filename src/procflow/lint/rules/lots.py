"""Lot acceptance plans that can work: a known lot size, a real AQL, a sample that decides."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from procflow.diagnostics import Finding, Severity
from procflow.flow.lots import batch_sizes, lot_plan
from procflow.lint.context import LintContext
from procflow.lint.rule import Rule
from procflow.model.lots import EveryItems, Lots
from procflow.model.z14 import AQLS, is_aql


def _lot_stages(ctx: LintContext) -> Iterator[tuple[str, Lots]]:
    for name, stage in ctx.process.stages.items():
        if stage.lots is not None:
            yield name, stage.lots


def _plan_path(name: str, lots: Lots) -> tuple[object, ...]:
    """Where the plan is written: ``plan.sample``, or ``aql`` for a looked-up plan."""
    if lots.plan is not None:
        return ("stages", name, "lots", "plan", "sample")
    return ("stages", name, "lots", "aql")


class SampleLargerThanLot(Rule):
    """A lot plan inspects more items than a lot holds.

    A plan (n, c) inspects n items of each lot. When a lot holds fewer than n items,
    every item is inspected and the plan is 100% inspection in disguise: the cost of
    inspecting everything, with the acceptance number deciding little. With an AQL, the
    Z1.4 table can lead to such a plan for small lots (its arrows point to a larger
    sample); the standard says to inspect every item then.

    Fails::

        lots:
          by: {every: 100}
          plan: {sample: 125, accept: 7}   # 125 of a lot of 100

    Passes::

        lots:
          by: {every: 2000}
          plan: {sample: 125, accept: 7}
    """

    code = "PF251"
    name = "sample-larger-than-lot"
    severity = Severity.WARNING
    reads = frozenset({"numbers"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for name, lots in _lot_stages(ctx):
            size = lots.known_size(batch_sizes(ctx.process))
            plan = lot_plan(lots, size)
            if size is None or plan is None or plan[0] <= size:
                continue
            sample = plan[0]
            yield self.finding(
                f"stage {name!r} inspects {sample} items of lots of {size}: every item is "
                "inspected",
                ctx.locate(_plan_path(name, lots)),
                "make the lots larger, or the sample smaller (a plan from the table for a "
                "larger lot)",
                stage=name,
                sample=sample,
                size=size,
            )


class UnknownAql(Rule):
    """An AQL that is not a column of the ANSI/ASQ Z1.4 table.

    Plans are looked up in the table's columns: 0.010, 0.015, 0.025, 0.040, 0.065,
    0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5, 10, and (in defects per
    hundred items) 15 to 1000. Any other value has no plan.

    Fails::

        lots:
          by: batch
          aql: 3               # not a column

    Passes::

        lots:
          by: batch
          aql: 2.5
    """

    code = "PF252"
    name = "unknown-aql"
    reads = frozenset({"numbers"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for name, lots in _lot_stages(ctx):
            if lots.aql is None or is_aql(lots.aql):
                continue
            nearest = min(AQLS, key=lambda column: abs(column - lots.aql))  # type: ignore[operator]
            yield self.finding(
                f"stage {name!r} has AQL {lots.aql:g}, which is not in the Z1.4 table",
                ctx.locate(("stages", name, "lots", "aql")),
                f"the nearest AQL of the table is {nearest:g}",
                stage=name,
                aql=lots.aql,
                nearest=nearest,
            )


class LotSizeMissing(Rule):
    """A lot stage whose lot size cannot be known, where it is needed.

    The Z1.4 plan of an AQL depends on the lot size, and a stage with ``by: batch``
    waits for a batch drop's items to be complete: both need to know how many items a
    lot holds. ``by: {every: N}`` says it (N); ``by: batch`` takes the size of the
    process's batch drops when they all have one size; otherwise say it with ``size``.

    Fails::

        lots:
          by: {attribute: vendor, per: day}
          aql: 2.5             # how many items does a vendor deliver in a day?

    Passes::

        lots:
          by: {attribute: vendor, per: day}
          size: 2000
          aql: 2.5
    """

    code = "PF253"
    name = "lot-size-missing"
    reads = frozenset({"numbers", "structure"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        sizes = batch_sizes(ctx.process)
        for name, lots in _lot_stages(ctx):
            if lots.known_size(sizes) is not None or isinstance(lots.by, EveryItems):
                continue
            if lots.by == "batch":
                why = (
                    "the process has no batch drops"
                    if not sizes
                    else f"its batch drops have {len(sizes)} sizes"
                )
                message = f"stage {name!r} forms lots by batch, but {why}"
            elif lots.aql is not None:
                message = (
                    f"stage {name!r} looks up its plan from AQL {lots.aql:g} without a lot size"
                )
            else:
                continue
            yield self.finding(
                message,
                ctx.locate(("stages", name, "lots"), key=True),
                "say how many items a lot holds: size: 2000",
                stage=name,
                sizes=sorted(sizes),
            )


class PlanAcceptsEveryLot(Rule):
    """A lot plan that accepts a lot whatever its sample shows.

    A plan (n, c) rejects a lot when more than c of its n sampled items are defective.
    With c as large as n or larger, no sample can reject a lot: the inspection costs
    time and decides nothing. Usually sample and accept are swapped.

    Fails::

        plan: {sample: 7, accept: 125}

    Passes::

        plan: {sample: 125, accept: 7}
    """

    code = "PF254"
    name = "plan-accepts-every-lot"
    severity = Severity.WARNING
    reads = frozenset({"numbers"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for name, lots in _lot_stages(ctx):
            plan = lots.plan
            if plan is None or plan.accept < plan.sample:
                continue
            yield self.finding(
                f"stage {name!r} accepts a lot with up to {plan.accept} defects in a sample of "
                f"{plan.sample}: it accepts every lot",
                ctx.locate(("stages", name, "lots", "plan", "accept")),
                "make accept smaller than sample, such as {sample: 125, accept: 7}",
                stage=name,
                sample=plan.sample,
                accept=plan.accept,
            )


class BatchLotRevisited(Rule):
    """Items can come back to a stage that forms its lots by batch drop.

    A lot by ``batch`` is complete when every item of its drop has reached the stage.
    An item that comes back later (its rework leads back to the stage) belongs to a
    drop whose lot is already decided: it starts a lot of its own drop again, which
    fills only if every item of the drop comes back, so those items would wait to the
    end of the run. Send reworked items on rather than back, or form lots
    ``by: {every: N}`` or ``by: {attribute: ..., per: day}``, which returning items
    simply join.

    Fails::

        acceptance:
          detection_rate: 0.9
          on_defect: fix
          lots: {by: batch, plan: {sample: 125, accept: 7}}
          next: done
        fix: {resource: fixer, duration: 2 min, next: acceptance}   # back to the lots

    Passes::

        fix: {resource: fixer, duration: 2 min, next: done}
    """

    code = "PF255"
    name = "batch-lot-revisited"
    reads = frozenset({"structure"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        graph = ctx.graph.graph
        for name, lots in _lot_stages(ctx):
            if lots.by != "batch":
                continue
            back = next(
                (
                    r
                    for r in ctx.graph.routes(name)
                    if r.target == name or name in nx.descendants(graph, r.target)
                ),
                None,
            )
            if back is None:
                continue
            yield self.finding(
                f"stage {name!r} forms lots by batch drop, but items can come back to it "
                f"(from {back.target!r}): they would wait for a lot that never fills",
                ctx.locate(back.path),
                "send reworked items on rather than back, or form lots by {every: N}",
                stage=name,
                via=back.target,
            )
