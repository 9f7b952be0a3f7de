"""What happens to an item at a stage: the one definition the engine, the analysis and lint read.

A process file says, stage by stage, who does the work, how items leave, and where
a review sends what it catches. :func:`compile_flow` turns that into one plain
:class:`StageRule` per stage, once: stage names become positions, conditions are
compiled, probabilities become cumulative tables. Three readers use these records:

- the simulator calls :meth:`StageRule.leave` for every item leaving a stage, with
  real random draws;
- the analysis calls :meth:`StageRule.outcomes`, which evaluates that same
  :meth:`StageRule.leave` on every region of the random draws and weighs each by
  its probability, so the traffic equations cannot drift from the simulation;
- lint and the analysis walk the same outcomes to find items that can loop forever.

The order of events at a stage
------------------------------
1. **Entering.** An item entering a stage takes the first ``priority`` rule that
   holds. A ``split`` forks it into one copy per branch; the split's ``join``
   waits for every copy and merges them (the merged item is defective if any copy
   is), then acts as the stage it is. An ``end`` stage delivers the item.
2. **Work.** A review with a ``sample`` plan first draws whether it reviews this
   item (the rate of the first rule that holds); an item it does not pick skips the
   work and the review and goes on by step 5 (:meth:`StageRule.skip`). At a work
   stage the item waits in its pool's queue (or, after ``escalate_after``, leaves
   the queue for ``escalate_to`` and nothing else happens here) and is worked on.
   A decision stage does no work: steps 3 to 5 happen as soon as the item arrives.
3. **Review.** If the item carries a defect and the stage reviews
   (``detection_rate`` with ``on_defect``), the review catches it with probability
   ``detection_rate``. A caught defect is cleared and the item goes to
   ``on_defect`` (rework), unless it is the ``max_attempts``-th catch of this
   review: then the item goes on, still defective ("rework exhausted"). A review
   with a ``false_flag_rate`` flags an item without a defect with that chance and
   sends it to ``on_defect`` as well (it stays without a defect; a flag counts as a
   catch towards ``max_attempts``).
4. **Error, or decision.** An item going on without a defect picks one up from this
   stage's own work with probability ``error_rate``: a review never catches the
   errors made at the review itself; a later review may. With a process ``truth``
   (see :mod:`procflow.flow.truth`), the defect is a wrong decision: a stage that
   decides (``decides``, or ``decision`` accuracy per class) gives the item its
   decision anew, drawn from its confusion-matrix row for the item's true class
   (with two classes: right with the sensitivity for a violating item, the
   specificity for a benign one), and the item's defect is that decision: none when
   it is right, else the number of the wrong class (:meth:`TruthRule.table`). Work a
   new hire did (the row's ``new_hire``, see :mod:`procflow.model.tenure`) takes the
   error rate and decision of the stage's ``new_hires`` (:attr:`StageRule.novice`).
   At a **consensus** stage (``consensus``) the work is several labels by different
   people, and instead of steps 3 and 4 the labels settle the item
   (:mod:`procflow.flow.consensus`): labels that settle nothing send it to
   ``adjudicate``, a wrong answer that stands leaves a defect (:meth:`StageRule.settle`).
5. **Route.** The first ``when`` branch whose condition holds (``attempt`` reads
   the item's attempt number in its bounded rework loop: :meth:`StageRule.attempt`);
   otherwise one draw among the ``probability`` branches (in the order written);
   otherwise the default branch (only ``to``). Without one, the item has nowhere to
   go (lint reports it).

This holds for every stage that may review: work stages, decision stages, and
joins (which are work or decision stages). A review with ``lots`` inspects only a
sample of each lot and decides on the whole lot: :mod:`procflow.flow.lots` says how,
with this stage's rule for the items it inspects and passes on.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from procflow.expr import Expr
from procflow.flow.consensus import ADJUDICATE, WRONG, ConsensusRule
from procflow.flow.gold import GoldRule
from procflow.flow.lots import LotRule
from procflow.model.distributions import Distribution
from procflow.model.stage import StageKind

#: An item's attribute values, positioned by :attr:`Flow.attributes`.
Row = tuple[Any, ...]
Predicate = Callable[[Row], bool]
#: Stage position standing for "nowhere": a route to a stage that does not exist, or none.
NOWHERE = -1

#: What a review did to an item leaving its stage: let it pass, sent its defect back to
#: rework, or caught it on the last allowed attempt and let it go on; flagged an item
#: without a defect and sent it back (a false flag), or missed the defect it carried; or
#: the item skipped it (its sample did not pick the item).
PASSED, CAUGHT, EXHAUSTED, FLAGGED, MISSED, SKIPPED = 0, 1, 2, 3, 4, 5
#: What a review did that sends an item back to ``on_defect``.
SENT_BACK = (CAUGHT, FLAGGED)


class ItemState(Protocol):
    """What :meth:`StageRule.leave` reads and changes of an item."""

    #: the item carries a defect (with a truth: its wrong decision's number, see
    #: :mod:`procflow.flow.truth`)
    defect: int
    #: catches so far per bounded review (positions: :attr:`ReviewRule.slot`)
    attempts: list[int]
    #: its attribute values (positions: :attr:`Flow.attributes`)
    attrs: Row
    #: its number, and whether this is its first visit here (keys of its random draws)
    case: int
    first: bool


class Draws(Protocol):
    """The uniform random numbers an item's departure from one stage may consult."""

    @property
    def detect(self) -> Callable[[int, bool], float]:
        """Whether the review catches a defect: caught below ``detection_rate``."""

    @property
    def error(self) -> Callable[[int, bool], float]:
        """Whether the work leaves a defect: below ``error_rate``."""

    @property
    def route(self) -> Callable[[int, bool], float]:
        """Which probability branch is taken: by the cumulative table."""

    @property
    def flag(self) -> Callable[[int, bool], float]:
        """Whether the review flags an item without a defect: below ``false_flag_rate``."""

    @property
    def decide(self) -> Callable[[int, bool], float]:
        """Whether the stage's decision is right: below the accuracy for the item's class."""

    @property
    def sample(self) -> Callable[[int, bool], float]:
        """Whether a review's sample picks the item: below its rate."""


@dataclass(frozen=True, slots=True)
class ReviewRule:
    """A review: catches defects with ``detection_rate``, sends them to ``on_defect``."""

    detection_rate: float
    on_defect: int
    #: 0: every catch is sent back; n: the n-th catch of the same item goes on
    max_attempts: int
    #: the item's counter of catches at this review (-1 when unbounded)
    slot: int
    #: rework at ``on_defect`` goes back to the person who did the work there
    same_person: bool = False
    #: the chance of flagging an item without a defect (sending it back all the same)
    false_flag: float = 0.0


@dataclass(frozen=True, slots=True)
class Escalation:
    """An item that has waited its ``patience`` in the queue leaves it for stage ``to``.

    The patience is drawn per item (a fixed duration is the same for every item);
    ``fixed`` is that duration when the patience is fixed, None for a distribution.
    """

    patience: Distribution
    to: int

    @property
    def fixed(self) -> float | None:
        """The patience of every item, when it is a fixed duration."""
        return self.patience.mean if self.patience.variance == 0 else None

    @property
    def instant(self) -> bool:
        """Whether every item escalates the moment it joins the queue (patience always 0)."""
        return self.patience.cdf(0.0) >= 1


@dataclass(frozen=True, slots=True)
class Outcome:
    """One way an item leaves a stage, with its probability (see :meth:`StageRule.outcomes`)."""

    target: int
    defective: int
    attempts: tuple[int, ...]
    review: int
    probability: float


@dataclass(frozen=True, slots=True)
class StageRule:
    """Everything that happens at one stage, as plain tables (see the module docstring)."""

    index: int
    name: str
    kind: StageKind
    pool: str | None
    duration: Distribution | None
    #: (condition, predicate over a row, target) of the ``when`` branches, in order
    conditions: tuple[tuple[Expr, Predicate, int], ...]
    #: cumulative probabilities of the ``probability`` branches, and their targets
    cumulative: tuple[float, ...]
    drawn: tuple[int, ...]
    default: int
    review: ReviewRule | None
    error_rate: float
    split: tuple[int, ...]
    join: int
    escalation: Escalation | None
    #: (predicate or None for always, value) priority rules; the first that holds wins
    priority: tuple[tuple[Predicate | None, int], ...]
    #: the skill the work needs, or the row position of the attribute that names it
    skill: str | None
    skill_from: int
    #: lot acceptance sampling at this review (see :mod:`procflow.flow.lots`)
    lots: LotRule | None = None
    #: several people label each item (None: one person works on it)
    consensus: ConsensusRule | None = None
    #: separation of duties: the stages whose worker of an item may not work on it here
    #: (the stage itself for a consensus: nobody labels one item twice)
    not_by: tuple[int, ...] = ()
    #: tasks per visit: a consensus's expected labels, one real task plus its gold tasks
    #: (:attr:`GoldRule.per_task`), else 1 (see :attr:`worked`)
    tasks: float = 1.0
    #: the row position of ``attempt``, when this stage's branches read it (-1: they do not),
    #: and the bounded reviews whose catches count in it (those whose loop holds the stage)
    attempt_at: int = -1
    attempt_slots: tuple[int, ...] = ()
    #: the stage's decision per true class (see :meth:`TruthRule.table`), None when it
    #: does not decide
    decision: Mapping[object, tuple[int, tuple[float, ...]]] | None = None
    #: the row position of the item's truth (-1: the process has none)
    truth_at: int = -1
    #: a review's sample plan: (predicate or None for always, rate); empty: every item
    sample: tuple[tuple[Predicate | None, float], ...] = ()
    #: with a sample: this rule without its review, error and decision (the skip's route)
    passing: StageRule | None = None
    #: gold (honeypot) tasks among this stage's work (see :mod:`procflow.flow.gold`)
    gold: GoldRule | None = None
    #: this rule with the error rate and decision of the pool's new hires (None: they work
    #: as everyone), taken when the row's ``new_hire`` (at :attr:`new_hire_at`) is true
    novice: StageRule | None = None
    new_hire_at: int = -1

    @property
    def worked(self) -> float:
        """The pool's tasks per visit here: a consensus's labels or a task and its gold
        tasks (:attr:`tasks`), the share of the items a lot stage inspects
        (:attr:`LotRule.worked`), else 1."""
        return self.lots.worked if self.lots is not None else self.tasks

    @property
    def depart(self) -> Callable[[ItemState, Draws], tuple[int, int]]:
        """:meth:`leave`, or :meth:`leave_counting` where the branches read ``attempt``, or
        :meth:`leave_by_tenure` where new hires work differently."""
        if self.novice is not None:
            return self.leave_by_tenure
        return self.leave_counting if self.attempt_at >= 0 else self.leave

    def leave_by_tenure(self, item: ItemState, draws: Draws) -> tuple[int, int]:
        """:meth:`depart` by the new hires' rule (:attr:`novice`) when a new hire did the
        work (the row's ``new_hire``), else by this stage's own."""
        if item.attrs[self.new_hire_at]:
            assert self.novice is not None
            return self.novice.depart(item, draws)
        return self.leave_counting(item, draws) if self.attempt_at >= 0 else self.leave(item, draws)

    def attempt(self, attempts: Sequence[int]) -> int:
        """The item's attempt here: 1, plus the times its rework loop sent it back so far."""
        return 1 + sum(attempts[slot] for slot in self.attempt_slots)

    def leave_counting(self, item: ItemState, draws: Draws) -> tuple[int, int]:
        """:meth:`leave` with the item's attempt number in its row (``when: attempt > 1``).

        A catch here sends the item back before any branch is read, so the branches
        read the attempt the item arrived with.
        """
        attrs = item.attrs
        at = self.attempt_at
        item.attrs = (*attrs[:at], self.attempt(item.attempts), *attrs[at + 1 :])
        try:
            return self.leave(item, draws)
        finally:
            item.attrs = attrs

    def settle(self, item: ItemState, right: int, wrong: int, draws: Draws) -> tuple[int, int]:
        """Where an item goes once its labels at this consensus stage are in.

        Labels that settle nothing send it to ``adjudicate``; a wrong answer that stands
        leaves a defect on it (a right one leaves it as it was); then it is routed.
        """
        consensus = self.consensus
        assert consensus is not None
        verdict = consensus.verdict(right, wrong)
        if verdict == ADJUDICATE:
            return consensus.adjudicate, PASSED
        if verdict == WRONG:
            item.defect = True
        return self.depart(item, draws)

    def leave(self, item: ItemState, draws: Draws) -> tuple[int, int]:
        """Steps 3 to 5: where ``item`` goes next, and what the review did to it.

        The item's ``defect`` is updated (cleared when caught, set by this stage's
        error) and a catch sent back to rework counts in its ``attempts``. Draws are
        consulted only when they matter: a defect for the review, no defect for the
        error, no condition that holds for the route.
        """
        review = self.review
        outcome = PASSED
        if review is not None and item.defect:
            if draws.detect(item.case, item.first) < review.detection_rate:
                slot = review.slot
                if slot < 0 or item.attempts[slot] + 1 < review.max_attempts:
                    if slot >= 0:
                        item.attempts[slot] += 1
                    item.defect = False
                    return review.on_defect, CAUGHT
                outcome = EXHAUSTED
            else:
                outcome = MISSED
        elif (
            review is not None
            and review.false_flag > 0
            and draws.flag(item.case, item.first) < review.false_flag
        ):
            slot = review.slot
            if slot < 0 or item.attempts[slot] + 1 < review.max_attempts:
                if slot >= 0:
                    item.attempts[slot] += 1
                return review.on_defect, FLAGGED
            outcome = EXHAUSTED
        elif (
            self.error_rate > 0
            and not item.defect
            and draws.error(item.case, item.first) < self.error_rate
        ):
            item.defect = True
        elif self.decision is not None:
            code, cuts = self.decision[item.attrs[self.truth_at]]
            if code < 0:  # a decision drawn by the matrix row of the item's class
                code = bisect.bisect_right(cuts, draws.decide(item.case, item.first))
            item.defect = code
        # step 5, the route: written here rather than in a method of its own, as it
        # runs for every item at every stage
        row = item.attrs
        for _, holds, target in self.conditions:
            if holds(row):
                return target, outcome
        if self.cumulative:
            k = bisect.bisect_right(self.cumulative, draws.route(item.case, item.first))
            if k < len(self.drawn):
                return self.drawn[k], outcome
        return self.default, outcome

    def sampled(self, item: ItemState, draws: Draws) -> bool:
        """Step 2: whether a review's sample picks ``item`` (the rate of the first rule)."""
        return self.sample_rate(item.attrs) > draws.sample(item.case, item.first)

    def sample_rate(self, row: Row) -> float:
        """The share of items with these attributes the review samples (1 without a plan)."""
        if not self.sample:
            return 1.0
        for holds, rate in self.sample:
            if holds is None or holds(row):
                return rate
        return 0.0

    def skip(self, item: ItemState, draws: Draws) -> tuple[int, int]:
        """Step 5 alone, for an item the sample did not pick: where it goes, untouched."""
        assert self.passing is not None
        return self.passing.depart(item, draws)[0], SKIPPED

    def outcomes(self, defective: int, attempts: tuple[int, ...], row: Row) -> list[Outcome]:
        """Every way an item in this state leaves the stage, with its probability.

        :meth:`leave` is piecewise constant in its uniform draws, so evaluating it
        once inside every region between the thresholds (``detection_rate``,
        ``error_rate``, the cumulative branch table), weighted by the regions'
        widths, gives the exact distribution: the analysis reads the simulator's
        own definition.
        """
        if self.lots is not None:
            return self.lots.outcomes(defective, attempts, row)
        if self.novice is not None and row[self.new_hire_at]:
            return self.novice.outcomes(defective, attempts, row)
        found: dict[tuple[int, int, tuple[int, ...], int], float] = defaultdict(float)
        if self.consensus is not None:
            for (good, bad), chance in self.consensus.finals().items():
                for u_route, p_route in _regions(self.cumulative):
                    probe = _Probe(defective, list(attempts), row)
                    fixed = _Fixed(1.0, 1.0, 1.0, 1.0, 1.0, u_route)
                    target, settled = self.settle(probe, good, bad, fixed)
                    key = (target, probe.defect, tuple(probe.attempts), settled)
                    found[key] += chance * p_route
            return [Outcome(*key, p) for key, p in found.items() if p > 0]
        review = self.review
        right: tuple[float, ...] = ()
        if self.decision is not None:
            right = self.decision[row[self.truth_at]][1]
        axes = (
            (review.detection_rate,) if review is not None else (),
            (review.false_flag,) if review is not None else (),
            (self.error_rate,),
            right,
            (self.sample_rate(row),) if self.sample else (),
            self.cumulative,
        )
        for regions in itertools.product(*(list(_regions(cuts)) for cuts in axes)):
            probe = _Probe(defective, list(attempts), row)
            draws = _Fixed(*(u for u, _ in regions))
            if not self.sample or self.sampled(probe, draws):
                target, what = self.depart(probe, draws)
            else:
                target, what = self.skip(probe, draws)
            key = (target, probe.defect, tuple(probe.attempts), what)
            found[key] += math.prod(p for _, p in regions)
        return [Outcome(*key, p) for key, p in found.items() if p > 0]


def _regions(cuts: tuple[float, ...]) -> Iterator[tuple[float, float]]:
    """(midpoint, width) of the pieces [0, c1), [c1, c2) ... [ck, 1) of the unit interval."""
    low = 0.0
    for cut in (*cuts, 1.0):
        high = min(max(cut, low), 1.0)
        if high > low:
            yield (low + high) / 2, high - low
        low = high


class _Probe:
    """An item in a given state, sent through :meth:`StageRule.leave` by :meth:`outcomes`."""

    __slots__ = ("attempts", "attrs", "case", "defect", "first")

    def __init__(self, defect: int, attempts: list[int], attrs: Row) -> None:
        self.defect = defect
        self.attempts = attempts
        self.attrs = attrs
        self.case = 0
        self.first = True


class _Fixed:
    """Draws that return fixed numbers: one point of each region, for :meth:`outcomes`."""

    __slots__ = ("decide", "detect", "error", "flag", "route", "sample")

    def __init__(
        self, detect: float, flag: float, error: float, decide: float, sample: float, route: float
    ) -> None:
        self.detect = _constant(detect)
        self.flag = _constant(flag)
        self.error = _constant(error)
        self.decide = _constant(decide)
        self.sample = _constant(sample)
        self.route = _constant(route)


def _constant(value: float) -> Callable[[int, bool], float]:
    return lambda _case, _first: value
