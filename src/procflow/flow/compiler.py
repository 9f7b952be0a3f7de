"""A process compiled for the simulator, the analysis and lint: a :class:`Flow`.

:func:`compile_flow` turns each stage of a validated process into its
:class:`~procflow.flow.routing.StageRule` (what happens to an item there, the one
definition), positions the attributes of an item's row, and works out which rework
counters an item can still read (:func:`returning`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import networkx as nx

from procflow.expr import Expr
from procflow.flow.consensus import ConsensusRule
from procflow.flow.gold import GoldRule, compile_gold
from procflow.flow.graph import FlowGraph, build_graph
from procflow.flow.lots import compile_lots
from procflow.flow.routing import (
    NOWHERE,
    Escalation,
    Predicate,
    ReviewRule,
    StageRule,
)
from procflow.flow.truth import TruthRule, clamp, compile_truth
from procflow.model.lots import ByAttribute
from procflow.model.process import ATTEMPT, Process
from procflow.model.quality import Accuracy
from procflow.model.stage import Stage
from procflow.model.tenure import NEW_HIRE


@dataclass(frozen=True)
class Flow:
    """A compiled process: its graph, and one :class:`StageRule` per stage in file order."""

    process: Process
    graph: FlowGraph
    rules: tuple[StageRule, ...]
    #: stage name -> position
    index: dict[str, int]
    #: the attribute names of an item's row, in order
    attributes: tuple[str, ...]
    #: how many reviews bound rework with ``max_attempts`` (the length of an item's counters)
    bounded: int
    #: (arrival stream position, entry stage position)
    entries: tuple[tuple[int, int], ...]
    #: per stage, per counter: whether an item at the stage can still come back to that
    #: review (see :func:`returning`); the other counters can no longer change anything
    returning: tuple[tuple[bool, ...], ...]
    #: the items' truth and model score (None: the process has no truth)
    truth: TruthRule | None = None

    def rule(self, name: str) -> StageRule:
        """The rule of a stage by name."""
        return self.rules[self.index[name]]

    def name(self, index: int) -> str:
        """A stage's name by position ("nowhere" for :data:`NOWHERE`)."""
        return self.rules[index].name if index != NOWHERE else "nowhere"


def row_attributes(process: Process) -> tuple[str, ...]:
    """The attributes of an item's row: those streams draw, and those conditions, skills and
    due dates read."""
    names = set(process.attributes())
    for stage in process.stages.values():
        for _, condition in stage.conditions():
            names |= condition.attributes()
        if stage.skill_from is not None:
            names.add(stage.skill_from)
        if stage.lots is not None and isinstance(stage.lots.by, ByAttribute):
            names.add(stage.lots.by.attribute)
    if process.due_dates is not None and process.due_dates.by is not None:
        names.add(process.due_dates.by)
    if any(stage.new_hires is not None for stage in process.stages.values()):
        names.add(NEW_HIRE)  # the rule of the new hires' work reads it
    truth = process.truth
    if truth is not None:
        names.update(truth.attributes())
        for rule in truth.prevalence:
            if rule.when is not None:
                names |= rule.when.attributes()
        if truth.by is not None:
            names.add(truth.by)
    return tuple(sorted(names))


def compile_flow(process: Process) -> Flow:
    """Compile every stage of a validated process into its :class:`StageRule`.

    Routes to stages that do not exist point :data:`NOWHERE` (lint reports them),
    so a broken file still compiles for lint to explain.
    """
    index = {name: i for i, name in enumerate(process.stages)}
    attributes = row_attributes(process)
    positions = {name: i for i, name in enumerate(attributes)}
    truth = compile_truth(process, positions)
    bounded = [n for n, s in process.stages.items() if s.max_attempts is not None]

    def at(name: str | None) -> int:
        return index.get(name, NOWHERE) if name is not None else NOWHERE

    rules = []
    for i, (name, stage) in enumerate(process.stages.items()):
        conditions: list[tuple[Expr, Predicate, int]] = []
        cumulative: list[float] = []
        drawn: list[int] = []
        default = NOWHERE
        total = 0.0
        for branch in stage.next or []:
            if branch.when is not None:
                conditions.append((branch.when, branch.when.compile(positions), at(branch.to)))
            elif branch.probability is not None:
                # lint refuses values outside [0, 1]; clamped, a broken file stays analysable
                total += min(max(branch.probability, 0.0), 1.0)
                cumulative.append(total)
                drawn.append(at(branch.to))
            elif default == NOWHERE:
                default = at(branch.to)
        review = None
        if stage.on_defect is not None:
            review = ReviewRule(
                detection_rate=stage.detection_rate or 0.0,
                on_defect=at(stage.on_defect),
                max_attempts=stage.max_attempts or 0,
                slot=bounded.index(name) if name in bounded else -1,
                same_person=stage.back_to == "same_person",
                false_flag=clamp(stage.false_flag_rate),
            )
        escalation = None
        if stage.escalate_to is not None and stage.escalate_after is not None:
            escalation = Escalation(stage.escalate_after, at(stage.escalate_to))
        consensus = None
        if stage.consensus is not None:
            consensus = ConsensusRule.of(stage.consensus, at(stage.consensus.adjudicate))
        priority = tuple(
            (rule.when.compile(positions) if rule.when is not None else None, rule.value)
            for rule in stage.priority or []
        )
        gold = compile_gold(stage, truth is not None)
        rule = StageRule(
            index=i,
            name=name,
            kind=stage.kind,
            pool=stage.resource,
            duration=stage.duration,
            conditions=tuple(conditions),
            cumulative=tuple(cumulative),
            drawn=tuple(drawn),
            default=default,
            review=review,
            error_rate=stage.error_rate,
            split=tuple(at(b) for b in stage.split or []),
            join=at(stage.join),
            escalation=escalation,
            priority=priority,
            skill=stage.skill,
            skill_from=positions[stage.skill_from] if stage.skill_from is not None else -1,
            consensus=consensus,
            not_by=tuple(at(n) for n in stage.not_by or [])
            + ((i,) if stage.consensus is not None else ()),
            tasks=_tasks(consensus, gold),
            decision=_decision(stage, truth) if truth is not None else None,
            truth_at=truth.at if truth is not None else -1,
            sample=tuple(
                (rate.when.compile(positions) if rate.when is not None else None, clamp(rate.rate))
                for rate in stage.sample or []
            ),
            gold=gold,
        )
        if stage.lots is not None:
            rule = replace(rule, lots=compile_lots(stage.lots, rule, process, at, positions))
        rules.append(rule)
    entries = tuple(
        (k, at(process.entry_stage(arrival))) for k, arrival in enumerate(process.arrivals)
    )
    back = returning(rules, len(bounded))
    if ATTEMPT in positions:
        rules = [
            replace(
                rule,
                attempt_at=positions[ATTEMPT],
                attempt_slots=tuple(k for k, keep in enumerate(back[rule.index]) if keep),
            )
            if any(ATTEMPT in c.attributes() for c, _, _ in rule.conditions)
            else rule
            for rule in rules
        ]
    # a sampling review's route for the items it does not pick: the rule without its work
    rules = [
        replace(
            rule,
            passing=replace(rule, review=None, error_rate=0.0, decision=None, sample=(), gold=None),
        )
        if rule.sample
        else rule
        for rule in rules
    ]
    if NEW_HIRE in positions:
        rules = [_with_novice(rule, process.stages[rule.name], positions, truth) for rule in rules]
    return Flow(
        process,
        build_graph(process),
        tuple(rules),
        index,
        attributes,
        len(bounded),
        entries,
        back,
        truth,
    )


def _with_novice(
    rule: StageRule, stage: Stage, positions: dict[str, int], truth: TruthRule | None
) -> StageRule:
    """The rule with its new hires' own (``new_hires`` on the stage), when they differ."""
    work = stage.new_hires
    if work is None or rule.consensus is not None:
        return rule
    decision = rule.decision
    if work.decision is not None and decision is not None and truth is not None:
        decision = _judged(work.decision, truth)
    error_rate = rule.error_rate if work.error_rate is None else clamp(work.error_rate)
    novice = replace(rule, error_rate=error_rate, decision=decision)
    return replace(rule, novice=novice, new_hire_at=positions[NEW_HIRE])


def _tasks(consensus: ConsensusRule | None, gold: GoldRule | None) -> float:
    """The pool's tasks per visit: a consensus's expected labels, or one real task and its
    gold tasks (each person's first gold tasks are a one-off the steady load leaves out)."""
    if consensus is not None:
        return consensus.expected_labels()
    return 1.0 + gold.per_task if gold is not None else 1.0


def _decision(stage: Stage, truth: TruthRule) -> dict[object, tuple[int, tuple[float, ...]]] | None:
    """The decision of a stage that decides, by its confusion matrix (:meth:`TruthRule.table`):
    ``decides`` is one column of 1s (keep: the first kept class; remove: the first other
    one), a ``decision`` its own matrix (sensitivity and specificity: that of two classes)."""
    if stage.decides is not None:
        named = {"keep": truth.rest, "remove": _violating(truth)}.get(stage.decides, stage.decides)
        return truth.table({value: {named: 1.0} for value in truth.classes})
    if stage.decision is not None:
        return _judged(stage.decision, truth)
    return None


def _judged(accuracy: Accuracy, truth: TruthRule) -> dict[object, tuple[int, tuple[float, ...]]]:
    """The decision table of a person's or a model's accuracy (its confusion matrix)."""
    return truth.table(accuracy.matrix(_violating(truth), truth.rest))


def _violating(truth: TruthRule) -> object:
    """The class ``remove`` and a sensitivity decide: the first one not kept."""
    return next((c for c in truth.classes if c not in truth.kept), truth.rest)


def returning(rules: Sequence[StageRule], slots: int) -> tuple[tuple[bool, ...], ...]:
    """Per stage: which bounded reviews' counters an item there may still read.

    A review's counter is only read at the review, so it matters while the item can
    come back to it. An item that caught at review ``r`` and is now at stage ``s`` went
    from ``r`` to ``s``; it can come back exactly when ``s`` also leads to ``r``, i.e.
    when both lie in one loop (a strongly connected group of stages). Every move a
    rule can make counts: branches, rework, escalation, split branches and the join.
    """
    moves = nx.DiGraph()
    moves.add_nodes_from(range(len(rules)))
    for rule in rules:
        targets = {t for _, _, t in rule.conditions} | set(rule.drawn)
        targets |= {rule.default, *rule.split, rule.join}
        if rule.review is not None:
            targets.add(rule.review.on_defect)
        if rule.escalation is not None:
            targets.add(rule.escalation.to)
        if rule.lots is not None:
            targets.add(rule.lots.on_reject)
        if rule.consensus is not None:
            targets.add(rule.consensus.adjudicate)
        moves.add_edges_from((rule.index, t) for t in targets if t != NOWHERE)
    group = {
        i: k for k, members in enumerate(nx.strongly_connected_components(moves)) for i in members
    }
    reviews = {r.review.slot: r.index for r in rules if r.review is not None and r.review.slot >= 0}
    return tuple(
        tuple(group[reviews[slot]] == group[rule.index] for slot in range(slots)) for rule in rules
    )
