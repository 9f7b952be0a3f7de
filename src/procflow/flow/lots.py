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

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from procflow.model.lots import ByAttribute, EveryItems, Lots
from procflow.model.process import Process
from procflow.model.z14 import is_aql, z14_plan

if TYPE_CHECKING:
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
    #: the stage's rule with its review (an inspected item), and without it: the route
    #: of an item that goes on by ``next``
    inspected: StageRule
    passing: StageRule

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
        """The share of a lot's items in its sample (1 when the lot size is not known)."""
        return min(self.sample / self.size, 1.0) if self.size else 1.0

    def outcomes(self, defective: bool, attempts: tuple[int, ...], row: Row) -> list[Outcome]:
        """How an item leaves, for the analysis: inspected with the sample's share, else
        passed on, as if every lot were accepted (the OC curve says how many are not)."""
        from procflow.flow.routing import Outcome

        share = self.sampled_share
        found: list[Outcome] = []
        for source, weight in ((self.inspected, share), (self.passing, 1 - share)):
            if weight > 0:
                found += [
                    Outcome(o.target, o.defective, o.attempts, o.review, o.probability * weight)
                    for o in source.outcomes(defective, attempts, row)
                ]
        return found


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
        inspected=rule,
        passing=replace(rule, review=None),
    )
