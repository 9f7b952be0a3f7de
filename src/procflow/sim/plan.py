"""The plan of one replication: the compiled flow laid out flat for the simulator's hot path.

The engine handles hundreds of thousands of events per second, so nothing in its
per-event path looks anything up by name or touches a Pydantic object. The plan
does that once per replication: for every stage it keeps its
:class:`~procflow.flow.StageRule` (what happens there, the one definition), the
staff pool, the stage's random streams keyed by item, and the statistics the
stage collects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from procflow.flow.compiler import Flow
from procflow.flow.consensus import ConsensusRule
from procflow.flow.due import compile_due
from procflow.flow.gold import GoldRule
from procflow.flow.routing import NOWHERE, Predicate, Row, StageRule
from procflow.model.quantities import convert
from procflow.model.tenure import ANNOTATOR_ACCURACY, NEW_HIRE, UNMEASURED_ACCURACY
from procflow.sim.lots import LotKeeper
from procflow.sim.people import PeoplePool, Person
from procflow.sim.staff import Skill, StaffPool
from procflow.sim.stats import Histogram, IntervalTally, TimeAverage
from procflow.sim.streams import ItemStream, Stream, generator, item_uniforms, uniforms

#: What the engine does with an item entering a stage; SAMPLED: a work stage whose review
#: samples, where an item it does not pick skips the work
WORK, DECISION, SPLIT, END, LOT, CONSENSUS, SAMPLED = 0, 1, 2, 3, 4, 5, 6
#: The review code a lot stage's work returns (beyond flow.routing's): the item was
#: inspected, its lot decides.
INSPECTED = 6
_KIND = {"work": WORK, "decision": DECISION, "split": SPLIT, "end": END}


def _never(case: int, first: bool) -> float:
    raise AssertionError("this stage's rule never draws from this stream")


class StageDraws:
    """A stage's quality and routing draws, each keyed by item (see :class:`ItemStream`).

    Only the streams the rule can consult exist; the others are never called.
    """

    __slots__ = ("decide", "detect", "error", "flag", "label", "route", "sample")

    def __init__(self, rule: StageRule, seed: int, replication: int) -> None:
        name = rule.name
        self.detect: Callable[[int, bool], float] = _never
        self.error: Callable[[int, bool], float] = _never
        self.route: Callable[[int, bool], float] = _never
        #: whether a consensus label is right: below the labelers' accuracy
        self.label: Callable[[int, bool], float] = _never
        if rule.consensus is not None:
            self.label = item_uniforms(seed, replication, f"label:{name}")
        self.flag: Callable[[int, bool], float] = _never
        self.decide: Callable[[int, bool], float] = _never
        self.sample: Callable[[int, bool], float] = _never
        work = rule if rule.novice is None else rule.novice  # new hires' figures too
        if rule.review is not None:
            self.detect = item_uniforms(seed, replication, f"detect:{name}")
            if rule.review.false_flag > 0:
                self.flag = item_uniforms(seed, replication, f"flag:{name}")
        if rule.error_rate > 0 or work.error_rate > 0:
            self.error = item_uniforms(seed, replication, f"error:{name}")
        if rule.cumulative:
            self.route = item_uniforms(seed, replication, f"route:{name}")
        drawn = (r.decision for r in (rule, work) if r.decision is not None)
        if any(code < 0 for decision in drawn for code, _ in decision.values()):
            self.decide = item_uniforms(seed, replication, f"decide:{name}")
        if rule.sample:
            self.sample = item_uniforms(seed, replication, f"sample:{name}")


def _inspected(item: object, draws: object) -> tuple[int, int]:
    return -1, INSPECTED


class PlannedStage:
    """One stage in the simulator: its rule, pool, streams and statistics."""

    __slots__ = (
        "accuracy_at", "by_interval", "by_tenure", "complete", "consensus", "defects_seen",
        "draws", "duration", "escalate_after", "escalate_to", "escalated", "flags", "gold",
        "index", "join", "kind", "labels", "leave", "lots", "marks", "name", "new_hire_at",
        "not_by", "patience", "pool", "priority", "queue", "queued", "remembered", "rule",
        "same_person", "sampled", "skill", "skill_from", "skip", "split", "verdicts", "visits",
        "waits",
    )  # fmt: skip

    def __init__(
        self,
        rule: StageRule,
        pool: StaffPool | None,
        seed: int,
        replication: int,
        lots: LotKeeper | None = None,
    ) -> None:
        self.rule = rule
        self.index = rule.index
        self.name = rule.name
        self.kind = _KIND[rule.kind]
        if rule.consensus is not None:
            self.kind = CONSENSUS
        elif rule.sample and rule.kind == "work":
            self.kind = SAMPLED
        #: a work stage: it has a queue (a consensus stage is one)
        self.queued = rule.kind == "work"
        #: what the engine calls when a task here is done (set by the engine)
        self.complete: Callable[[Any], None] = _never_done
        self.consensus: ConsensusRule | None = rule.consensus
        #: separation of duties, within this stage's pool: the stages whose workers of an
        #: item may not take it here; and whether a rule reads who worked here
        self.not_by: tuple[int, ...] = ()
        self.remembered = False
        #: the row positions a person taking a task here writes what a sample reads of its
        #: worker into: ``new_hire`` (a pool with new hires) and ``annotator_accuracy`` (a
        #: gold stage); -1: not written; ``marks``: either is (see sim.people.mark)
        self.new_hire_at = -1
        self.accuracy_at = -1
        self.marks = False
        #: work here on an item is always done by the person who did it first (rework
        #: sent back with ``back_to: same_person``)
        self.same_person = False
        #: at a consensus stage: labels done, and the verdicts (right, wrong, adjudicate)
        self.labels = 0
        self.verdicts = [0, 0, 0]
        #: the pool of a work stage (None elsewhere: the engine reads it at work stages only)
        self.pool = cast(StaffPool, pool)
        self.duration: ItemStream | None = None
        if rule.duration is not None:
            self.duration = ItemStream(
                seed, replication, f"duration:{rule.name}", rule.duration.sample
            )
        self.draws = StageDraws(rule, seed, replication)
        #: the rule's steps 3 to 5 (review, error, route), bound once
        self.leave: Callable[..., tuple[int, int]] = rule.depart
        #: a lot stage: its lots; its work is the sample's inspection, whose outcome the
        #: lot decides (:meth:`Engine._lot_inspected`)
        self.lots = lots
        if lots is not None:
            self.kind = LOT
            self.leave = _inspected
        #: a sampling review: whether an item is picked, and the route of one that is not
        self.sampled: Callable[..., bool] = rule.sampled
        self.skip: Callable[..., tuple[int, int]] = rule.skip
        #: with new hires: [new hires' items seen, picked, the others' seen, picked]
        self.by_tenure: list[int] | None = None
        self.priority: tuple[tuple[Predicate | None, int], ...] = rule.priority
        self.split = rule.split
        self.join = rule.join
        escalation = rule.escalation
        self.escalate_to = escalation.to if escalation else -1
        #: how long a waiting item may wait: fixed (escalate_after), or drawn per item
        #: (patience, keyed by item like the handling times; None when fixed)
        fixed = escalation.fixed if escalation else None
        self.escalate_after = fixed if fixed is not None else 0.0
        self.patience: ItemStream | None = None
        if escalation is not None and fixed is None:
            self.patience = ItemStream(
                seed, replication, f"patience:{rule.name}", escalation.patience.sample
            )
        self.skill: Skill = rule.skill
        self.skill_from = rule.skill_from
        self.visits = 0
        self.escalated = 0
        #: at a review: items it flagged (caught, or flagged without a defect), and items
        #: it saw with a defect (caught or missed): its measured and its true quality
        self.flags = 0
        self.defects_seen = 0
        self.queue = TimeAverage()
        self.waits = Histogram()
        #: gold tasks among this stage's work (None for most stages)
        self.gold = GoldTally(rule.gold, rule, seed, replication) if rule.gold else None
        #: the pool's waits per interval of the week, when the run counts them
        self.by_interval: IntervalTally | None = None


class GoldTally:
    """A gold stage's streams and counts: its gold tasks, and each person's answers."""

    __slots__ = ("answers", "duration", "next", "real", "right", "rule", "tasks")

    def __init__(self, gold: GoldRule, rule: StageRule, seed: int, replication: int) -> None:
        self.rule = gold
        name = rule.name
        #: whether a person's next task is gold, whether they answer one right, and how
        #: long it takes (gold tasks are no items: plain streams, in the order drawn)
        self.next: Stream = uniforms(seed, replication, f"gold:{name}")
        self.right: Stream = uniforms(seed, replication, f"gold-right:{name}")
        assert rule.duration is not None
        self.duration = Stream(
            generator(seed, replication, f"gold-duration:{name}"), rule.duration.sample
        )
        #: gold tasks, and real tasks done here, of the measured items' work
        self.tasks = 0
        self.real = 0
        #: per person (by number): [gold tasks answered, answered right]
        self.answers: dict[int, list[int]] = {}

    def more(self, person: int) -> bool:
        """Whether this person's next task here is gold: one of their first, or drawn."""
        answers = self.answers.get(person)
        done = answers[0] if answers is not None else 0
        return done < self.rule.first or self.next() < self.rule.share

    def answer(self, person: Person) -> None:
        """This person answered a gold task: right with the stage's accuracy (a new hire's,
        for a new hire)."""
        answers = self.answers.setdefault(person.number, [0, 0])
        answers[0] += 1
        answers[1] += self.right() < self.rule.accuracy_of(person.new_hire)

    def measured(self, person: int) -> float:
        """The share of their gold tasks here this person got right so far (``1.0`` before
        the first: see :data:`~procflow.model.tenure.UNMEASURED_ACCURACY`)."""
        answers = self.answers.get(person)
        if answers is None or answers[0] == 0:
            return UNMEASURED_ACCURACY
        return answers[1] / answers[0]


class Plan:
    """Everything one replication needs, flattened: stages, pools, entries, units, due dates."""

    def __init__(
        self,
        flow: Flow,
        seed: int,
        replication: int,
        start: float = 0.0,
        on_shift: Mapping[str, int] | None = None,
    ) -> None:
        process = flow.process
        self.flow = flow
        #: process time units -> minutes (shift and schedule times are minutes of the week)
        self.unit_minutes = convert(1.0, process.time_unit, "minute")
        self.unit_hours = convert(1.0, process.time_unit, "hour")
        #: the minute of the week at the run's time 0 (Monday 00:00, or a snapshot's time)
        self.start = start
        #: a snapshot's people on shift per pool (until its next calendar change)
        people = on_shift or {}
        named = people_pools(flow)
        self.pools = {
            name: (PeoplePool if name in named else StaffPool)(
                name, r, self.unit_minutes, start, people.get(name)
            )
            for name, r in process.resources.items()
        }
        self.stages = [
            PlannedStage(
                rule,
                self.pools[rule.pool] if rule.pool is not None else None,
                seed,
                replication,
                LotKeeper(rule.lots, self.unit_minutes, start) if rule.lots is not None else None,
            )
            for rule in flow.rules
        ]
        #: the lot stages (none for most processes: the engine then never looks at lots)
        self.lot_stages = [s for s in self.stages if s.lots is not None]
        for rule, stage in zip(flow.rules, self.stages, strict=True):
            if rule.pool in named:
                stage.not_by = tuple(
                    s for s in rule.not_by if s != NOWHERE and flow.rules[s].pool == rule.pool
                )
                for s in stage.not_by:
                    self.stages[s].remembered = True
            for s in _same_person(flow, rule):
                self.stages[s].same_person = self.stages[s].remembered = True
        _mark_workers(flow, self.stages, named)
        #: items must remember who worked on them (``item.hands``)
        self.named = bool(named)
        self.attributes = flow.attributes
        self.attr_index = {name: k for k, name in enumerate(flow.attributes)}
        self.slots = flow.bounded
        self.entries = [entry for _, entry in flow.entries]
        #: each arriving item's due date (None: the process has no due dates)
        self.due = compile_due(process, flow.attributes, start)


def _counting(rule: StageRule, counts: list[int], at: int) -> Callable[[Any, Any], bool]:
    """:meth:`StageRule.sampled` that counts what the sample picks of new hires' work
    (``counts``: new hires' items seen and picked, the others' seen and picked)."""
    sampled = rule.sampled

    def counting(item: Any, draws: Any) -> bool:
        picked = sampled(item, draws)
        if item.counted:
            k = 0 if item.attrs[at] else 2
            counts[k] += 1
            counts[k + 1] += picked
        return picked

    return counting


def _never_done(event: Any) -> None:
    raise AssertionError("the engine sets what happens when a task is done")


def people_pools(flow: Flow) -> frozenset[str]:
    """The pools whose people must be told apart: a separation-of-duties rule reads them,
    rework goes back to the same person there, or gold tasks measure each person.

    A ``not_by`` on a stage of another pool separates nothing (different people).
    """
    separated = {
        rule.pool
        for rule in flow.rules
        if rule.pool is not None
        and any(s != NOWHERE and flow.rules[s].pool == rule.pool for s in rule.not_by)
    }
    returned = {flow.rules[s].pool for rule in flow.rules for s in _same_person(flow, rule)}
    gold = {rule.pool for rule in flow.rules if rule.gold is not None}
    named = separated | returned | gold | _new_hire_pools(flow)
    return frozenset(p for p in named if p is not None)


def _new_hire_pools(flow: Flow) -> set[str]:
    """The pools with new hires, when something reads ``new_hire`` (none otherwise)."""
    if NEW_HIRE not in flow.attributes:
        return set()
    return {name for name, r in flow.process.resources.items() if r.new_hires > 0}


def _mark_workers(flow: Flow, stages: list[PlannedStage], named: frozenset[str]) -> None:
    """The stages whose workers write ``new_hire`` and ``annotator_accuracy`` into the row."""
    position = {name: k for k, name in enumerate(flow.attributes)}
    new_hires = _new_hire_pools(flow)
    for rule, stage in zip(flow.rules, stages, strict=True):
        if new_hires and stage.kind == SAMPLED:
            stage.by_tenure = [0, 0, 0, 0]
            stage.sampled = _counting(rule, stage.by_tenure, position[NEW_HIRE])
        if rule.pool not in named:
            continue
        if rule.pool in new_hires:
            stage.new_hire_at = position[NEW_HIRE]
        if rule.gold is not None and ANNOTATOR_ACCURACY in position:
            stage.accuracy_at = position[ANNOTATOR_ACCURACY]
        stage.marks = stage.new_hire_at >= 0 or stage.accuracy_at >= 0


def _same_person(flow: Flow, rule: StageRule) -> tuple[int, ...]:
    """The work stage a review sends rework back to the same person at (none, or one)."""
    review = rule.review
    if review is None or not review.same_person or review.on_defect == NOWHERE:
        return ()
    target = flow.rules[review.on_defect]
    return (target.index,) if target.kind == "work" and target.consensus is None else ()


def skill_of(stage: PlannedStage, row: Row) -> Skill:
    """The skill an item's work at ``stage`` needs: fixed, or named by one of its attributes."""
    if stage.skill_from < 0:
        return stage.skill
    value: Any = row[stage.skill_from]
    return None if value is None else str(value)
