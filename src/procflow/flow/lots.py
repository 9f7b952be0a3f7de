"""What a lot stage does with a lot: the one definition the engine and the analysis read.

A review stage with ``lots`` (see :mod:`procflow.model.lots`) groups the items that
reach it into lots, and for each lot:

1. **Sample.** The first ``sample`` items of the lot are inspected: a defect is
   caught with the stage's ``detection_rate``, counted as found, cleared, and the
   item goes to ``on_defect`` (rework), as at any review. The items of the lot that
   were not caught wait for the lot to be complete.
2. **Decide.** A complete lot with at most ``accept`` defects found is accepted: its
   waiting items go on by ``next``. Otherwise it is rejected: with ``on_reject:
   inspect`` each waiting item that was not in the sample is inspected as in step 1
   and goes on by ``next`` when nothing is caught; with ``on_reject: <stage>`` every
   waiting item goes to that stage.

A lot is complete when ``every`` items have reached the stage (``by: {every: N}``),
when the batch drop's items have all reached it (``by: batch``; a drop is the items
that arrived at the same moment), or when its day is over (``by: {attribute: ...,
per: day}``); and, in every case, once the sample's inspections are done.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from procflow.model.lots import ByAttribute, EveryItems, Lots
from procflow.model.process import Process
from procflow.model.z14 import is_aql, z14_plan

if TYPE_CHECKING:
    from procflow.flow.compiler import Flow
    from procflow.flow.routing import Draws, ItemState, Outcome, Row, StageRule

#: How a stage groups items into lots: by batch drop, every N items, attribute and day.
BATCH, EVERY, ATTRIBUTE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class LotRule:
    """A lot stage's plan, compiled: grouping, (n, c), and where rejected lots go."""

    grouping: int
    #: items per lot: ``every``, the batch size, or ``size`` (0: not known, lint PF253)
    size: int
    #: the row position of the grouping attribute (-1 unless by attribute)
    attribute: int
    sample: int
    accept: int
    #: a rejected lot is inspected in full (else it goes to ``on_reject``)
    inspect_rejected: bool
    on_reject: int
    detection_rate: float
    on_defect: int
    #: the stage's rule without its review: the route of an item that goes on by ``next``
    passing: StageRule
    #: the share of items reaching the stage that carry a defect: set by the analysis,
    #: which solves for it (the simulator does not read it)
    incoming: float = 0.0

    def caught(self, item: ItemState, draw: Callable[[int, bool], float]) -> bool:
        """Step 1 for one item: whether its inspection catches a defect (then cleared)."""
        if item.defect and draw(item.case, item.first) < self.detection_rate:
            item.defect = False
            return True
        return False

    def accepts(self, found: int) -> bool:
        """Step 2: whether a lot with ``found`` defects found in its sample is accepted."""
        return found <= self.accept

    def route(self, item: ItemState, draws: Draws) -> int:
        """Where an item of an accepted lot (or one that passed full inspection) goes."""
        return self.passing.leave(item, draws)[0]

    @property
    def sampled_share(self) -> float:
        """The chance that an item is in its lot's sample (1 when the lot size is unknown)."""
        return min(self.sample / self.size, 1.0) if self.size else 1.0

    def acceptance(self, others: int) -> float:
        """The chance that a lot is accepted, seen from one of its items: at most ``accept``
        defects found among ``others`` inspected items (not this one), each found with
        the incoming defect rate times ``detection_rate``."""
        found = self.incoming * self.detection_rate
        return sum(
            math.comb(others, k) * found**k * (1 - found) ** (others - k)
            for k in range(min(self.accept, others) + 1)
        )

    @property
    def worked(self) -> float:
        """Inspections per item reaching the stage: its sample, and the rest of the lots
        rejected and inspected in full."""
        share = self.sampled_share
        rest = (1 - share) * (1 - self.acceptance(self.sample)) if self.inspect_rejected else 0.0
        return share + rest

    def outcomes(self, defective: int, attempts: tuple[int, ...], row: Row) -> list[Outcome]:
        """How an item leaves, for the analysis, given the ``incoming`` defect rate.

        An item is in the sample with chance n/N; a sampled defect is caught with
        ``detection_rate``; a lot is accepted with the binomial chance of at most
        ``accept`` found among the sample's other items (:meth:`acceptance`). Every lot
        is decided alike, so these per-item chances give the exact expected visits.
        """
        from procflow.flow.routing import CAUGHT, PASSED, Outcome

        share, r = self.sampled_share, self.detection_rate
        n = self.sample if not self.size else min(self.sample, self.size)
        found: list[Outcome] = []

        def go_on(weight: float) -> None:  # by next (the rule without its review)
            found.extend(
                Outcome(o.target, o.defective, o.attempts, o.review, o.probability * weight)
                for o in self.passing.outcomes(defective, attempts, row)
            )

        def caught(weight: float) -> None:
            found.append(Outcome(self.on_defect, False, attempts, CAUGHT, weight))

        def rejected(weight: float, inspected: bool) -> None:
            if not self.inspect_rejected:
                found.append(Outcome(self.on_reject, defective, attempts, PASSED, weight))
            elif defective and not inspected:
                caught(weight * r)
                go_on(weight * (1 - r))
            else:
                go_on(weight)

        # in the sample: a defect may be caught; the rest wait for the lot's decision
        waiting = share * (1 - r) if defective else share
        if defective:
            caught(share * r)
        accepted = self.acceptance(n - 1)
        go_on(waiting * accepted)
        rejected(waiting * (1 - accepted), True)
        # not in the sample: the lot's decision, then full inspection or on_reject
        accepted = self.acceptance(n)
        go_on((1 - share) * accepted)
        rejected((1 - share) * (1 - accepted), False)
        return [o for o in found if o.probability > 0]


def with_incoming(flow: Flow, rates: dict[int, float]) -> Flow:
    """``flow`` with the incoming defect rate of each lot stage (by position) set."""
    rules = tuple(
        replace(rule, lots=replace(rule.lots, incoming=rates[rule.index]))
        if rule.lots is not None and rule.index in rates
        else rule
        for rule in flow.rules
    )
    return replace(flow, rules=rules)


def batch_sizes(process: Process) -> set[int]:
    """The sizes of the process's batch drops."""
    return {a.batch.size for a in process.arrivals if a.batch is not None}


def lot_plan(lots: Lots, size: int | None) -> tuple[int, int] | None:
    """The plan (n, c) of a stage's lots: given, or looked up in Z1.4 from the lot size.

    None when the AQL cannot be looked up (not a column of the table, or no lot size:
    lint reports both, PF252 and PF253).
    """
    if lots.plan is not None:
        return lots.plan.sample, lots.plan.accept
    assert lots.aql is not None
    if size is None or size < 2 or not is_aql(lots.aql):
        return None
    plan = z14_plan(size, lots.aql)
    return plan.sample, plan.accept


def compile_lots(
    lots: Lots,
    rule: StageRule,
    process: Process,
    at: Callable[[str | None], int],
    positions: dict[str, int],
) -> LotRule:
    """The :class:`LotRule` of a lot stage whose rule (with its review) is ``rule``."""
    size = lots.known_size(batch_sizes(process))
    sample, accept = lot_plan(lots, size) or (1, 0)
    by = lots.by
    grouping = EVERY if isinstance(by, EveryItems) else ATTRIBUTE if by != "batch" else BATCH
    review = rule.review
    assert review is not None  # a lot stage is a review (validated)
    return LotRule(
        grouping=grouping,
        size=size or 0,
        attribute=positions.get(by.attribute, -1) if isinstance(by, ByAttribute) else -1,
        sample=sample,
        accept=accept,
        inspect_rejected=lots.rejects_to_stage is None,
        on_reject=at(lots.rejects_to_stage),
        detection_rate=review.detection_rate,
        on_defect=review.on_defect,
        passing=replace(rule, review=None),
    )
