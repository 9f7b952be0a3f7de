"""What the engine does at the quality stages: gold tasks, lots and consensus labels.

Each function is a method of :class:`~procflow.sim.engine.Engine` (the class binds them),
written here by subject so that the engine keeps the flow every process has; a process
without gold, lots or consensus never calls one of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import simpy

from procflow.flow.routing import CAUGHT
from procflow.sim.items import Item, Labels
from procflow.sim.lots import Lot, LotKeeper
from procflow.sim.people import Person
from procflow.sim.plan import INSPECTED, GoldTally, PlannedStage
from procflow.sim.stats import SAMPLES

if TYPE_CHECKING:
    from procflow.sim.engine import Engine


# ----------------------------------------------------------------- gold


def gold_done(engine: Engine, event: Any) -> None:  # a simpy.Event, as for _complete
    """A real task is done at a gold stage: the person may go on to a gold task."""
    item: Item
    stage: PlannedStage
    item, stage, person, enqueued, started = event.value
    now = engine.env.now
    if engine.events is not None:
        engine._log(item, stage.name, stage.pool.who(person), enqueued, started, now)
    gold = cast(GoldTally, stage.gold)
    gold.real += item.counted
    engine._after_task(stage, person, item.counted, now)
    # as in _complete (written twice so that _complete stays one call per event)
    target, review = stage.leave(item, stage.draws)
    if review:
        if review == INSPECTED:
            engine._lot_inspected(item, stage)
            return
        engine._reviewed(item, stage, review)
    engine.enter(item, target)


def gold_answered(engine: Engine, event: Any) -> None:  # a simpy.Event; Any: its value is a tuple
    """A gold task is done: the person's answer counts towards their measured accuracy."""
    stage: PlannedStage
    counted: bool
    stage, person, counted = event.value
    cast(GoldTally, stage.gold).answer(person)
    engine._after_task(stage, person, counted, engine.env.now)


def after_task(engine: Engine, stage: PlannedStage, person: Any, counted: bool, now: float) -> None:
    """The person's next task: a gold one (they stay busy), or their pool's next."""
    gold = cast(GoldTally, stage.gold)
    if isinstance(person, Person) and gold.more(person.number):
        gold.tasks += counted
        timer = engine.env.timeout(gold.duration(), (stage, person, counted))
        timer.callbacks.append(engine._gold_answered)
        return
    pool = stage.pool
    following = pool.release(person, now)
    if following is not None:
        nxt, at = following
        at.queue.move(now, -1)
        engine._start(nxt, at, now - nxt.enqueued, person)


# ----------------------------------------------------------------- lots


def enter_lot(engine: Engine, item: Item, stage: PlannedStage) -> None:
    """An item reaches a lot stage: it joins its lot, and is inspected if sampled."""
    keeper = cast(LotKeeper, stage.lots)
    now = engine.env.now
    lot, sampled, new = keeper.join(item, now)
    if new and keeper.timed:
        timer = engine.env.timeout(keeper.day_end(now) - now, (stage, lot))
        timer.callbacks.append(engine._end_lot_day)
    if sampled:
        lot.pending += 1
        engine._to_inspection(item, stage, lot, True)
    else:
        lot.held.append((item, False))
    engine._decide_if_ready(stage, lot)


def to_inspection(engine: Engine, item: Item, stage: PlannedStage, lot: Lot, sampled: bool) -> None:
    """Inspect an item of ``lot``: by the stage's pool (queued), or at once."""
    if stage.duration is None:
        engine._inspected(item, stage, lot, sampled)
        return
    cast(LotKeeper, stage.lots).members[id(item)] = (lot, sampled)
    engine._queue_or_start(item, stage)


def lot_inspected(engine: Engine, item: Item, stage: PlannedStage) -> None:
    """The stage's pool finished inspecting an item of a lot."""
    lot, sampled = cast(LotKeeper, stage.lots).members.pop(id(item))
    engine._inspected(item, stage, lot, sampled)


def inspected(engine: Engine, item: Item, stage: PlannedStage, lot: Lot, sampled: bool) -> None:
    """What an inspection of an item of ``lot`` found: a caught defect goes to rework;
    otherwise a sampled item waits for its lot, an item of a rejected lot goes on."""
    keeper = cast(LotKeeper, stage.lots)
    rule = keeper.rule
    keeper.inspected += item.counted
    if rule.caught(item, stage.draws.detect):
        lot.found += sampled
        engine._reviewed(item, stage, CAUGHT)
        keeper.leaving(item)
        engine.enter(item, rule.on_defect)
    elif sampled:
        lot.held.append((item, True))
    else:
        keeper.leaving(item)
        engine.enter(item, rule.route(item, stage.draws))
    if sampled:
        lot.pending -= 1
        engine._decide_if_ready(stage, lot)


def end_lot_day(engine: Engine, event: Any) -> None:  # a simpy.Event; Any: its value is a tuple
    stage: PlannedStage
    lot: Lot
    stage, lot = event.value
    cast(LotKeeper, stage.lots).end_day(lot)
    engine._decide_if_ready(stage, lot)


def decide_if_ready(engine: Engine, stage: PlannedStage, lot: Lot) -> None:
    """A complete lot whose sample is inspected: accept it, or reject it."""
    keeper = cast(LotKeeper, stage.lots)
    if not keeper.ready(lot):
        return
    rule = keeper.rule
    accepted = keeper.decide(lot)
    held, lot.held = lot.held, []
    for item, sampled in held:
        if accepted or (rule.inspect_rejected and sampled):
            keeper.leaving(item)
            engine.enter(item, rule.route(item, stage.draws))
        elif rule.inspect_rejected:
            engine._to_inspection(item, stage, lot, False)
        else:
            keeper.leaving(item)
            engine.enter(item, rule.on_reject)


def flush_lots(engine: Engine, _: simpy.Event) -> None:
    """Past the horizon, once every item left is waiting in a lot that will not fill
    up: decide those lots as they are, so the cohort can be delivered."""
    if engine.done.triggered:
        return
    stages = engine.plan.lot_stages
    keepers = [cast(LotKeeper, s.lots) for s in stages]
    if engine.wip.level <= sum(k.held() for k in keepers):
        for stage, keeper in zip(stages, keepers, strict=True):
            for lot in keeper.flush():
                engine._decide_if_ready(stage, lot)
    step = engine.settings.horizon / SAMPLES
    engine.env.timeout(step).callbacks.append(engine._flush_lots)


# ----------------------------------------------------------------- consensus


def start_labels(engine: Engine, item: Item, stage: PlannedStage) -> None:
    """An item reaches a consensus stage: its first label tasks join the queue."""
    rule = stage.consensus
    assert rule is not None
    labels = Labels(item, rule.fewest if rule.parallel else 1)
    for _ in range(labels.pending):
        engine._ask_label(labels, stage)


def ask_label(engine: Engine, labels: Labels, stage: PlannedStage) -> None:
    """One more label task of ``labels``'s item, for someone who has not labeled it."""
    item = labels.item
    task = Item(item.case, item.arrived, item.attrs, item.counted, 0, item.priority)
    task.due = item.due
    task.hands = item.hands
    task.labels = labels
    # the item's first label keeps its own handling-time draw; the others draw afresh
    labels.asked += 1
    task.first = item.first and labels.asked == 1
    engine._queue_or_start(task, stage)


def labeled(engine: Engine, event: Any) -> None:  # a simpy.Event, as for _complete
    """A label is done: ask for the next, wait for the others, or settle the item."""
    task: Item
    stage: PlannedStage
    team: Any
    enqueued: float
    started: float
    task, stage, team, enqueued, started = event.value
    pool = stage.pool
    now = engine.env.now
    if engine.events is not None:
        engine._log(task, stage.name, pool.who(team), enqueued, started, now)
    # as in _complete (written twice so that _complete stays one call per event)
    following = pool.release(team, now)
    if following is not None:
        nxt, at = following
        at.queue.move(now, -1)
        engine._start(nxt, at, now - nxt.enqueued, team)
    labels = task.labels
    rule = stage.consensus
    assert labels is not None and rule is not None
    if stage.draws.label(task.case, task.first) < rule.accuracy:
        labels.right += 1
    else:
        labels.wrong += 1
    labels.pending -= 1
    item = labels.item
    stage.labels += item.counted
    if labels.pending:
        return  # the other labels of this round are not in yet
    if rule.more(labels.right, labels.wrong):
        labels.pending = 1
        engine._ask_label(labels, stage)
        return
    if item.counted:
        stage.verdicts[rule.verdict(labels.right, labels.wrong)] += 1
    target, review = stage.rule.settle(item, labels.right, labels.wrong, stage.draws)
    if review:
        engine._reviewed(item, stage, review)
    engine.enter(item, target)
