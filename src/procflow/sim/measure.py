"""What a replication measures, written under the catalogue's keys.

Two kinds of numbers (see :mod:`procflow.results.catalogue`):

- **window** KPIs (throughput, utilization, queue lengths, cost) are averaged
  over the measured window, from the end of the warm-up to the horizon, and
  taken at the horizon;
- **item** KPIs (cycle times, waits, visits, rework, escaped defects, SLA
  attainment) follow the *cohort*, every item that arrived in the window, to its
  delivery: after the horizon no new items arrive and the run goes on until the
  cohort is delivered (at most a week more). Counting only the items delivered
  by the horizon would leave out the slowest, and bias every percentile low.

When a run cannot follow its cohort to the end (the backlog overflowed, or a queue
keeps growing), item KPIs are over the items delivered, and an SLA counts an item
still in the system as a miss once it has waited past the SLA's max; so do due
dates (an item still open past its due date has breached).

The **backlog** at the horizon (every item in the system, however early it arrived)
gives its ages (median, p90, the oldest item) and, with due dates, how long its items
have before they breach; the same ages are sampled over the run for the time series.

A forecast also tallies its **breaches by day**: each breach under the calendar day
it happened on (an item's due date, or its arrival plus a cycle-time SLA's max),
whether the item was delivered late or is still open at the deadline. A tally per
day, not a list of items: memory stays bounded however large the backlog.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

from procflow.analysis.quality import confusion_figures, rogan_gladen
from procflow.flow.due import NEVER, DueClock
from procflow.flow.routing import Row
from procflow.flow.truth import TruthRule
from procflow.model.process import Process
from procflow.results.catalogue import lookup
from procflow.sim.plan import GoldTally, PlannedStage
from procflow.sim.staff import StaffPool
from procflow.sim.stats import Histogram, TimeAverage


class Kpis(dict[str, float]):
    """KPI values by catalogue key; a key the catalogue does not define is refused."""

    def put(self, key: str, value: float, name: str | int = "") -> None:
        """Set the KPI ``key`` (a catalogue key, ``{name}`` filled with ``name``)."""
        concrete = key.format(name=name)
        lookup(concrete)  # raises KeyError for a KPI nobody defined
        self[concrete] = float(value)


class Open(Protocol):
    """What the measures read of an item still in the system."""

    arrived: float
    due: float
    group: int


class Cohort:
    """The items that arrived in the measured window, followed to their delivery."""

    __slots__ = (
        "arrived",
        "breached",
        "by_value",
        "confusion",
        "cycle",
        "delivered",
        "delivered_defective",
        "due_arrived",
        "escalated_items",
        "exhausted",
        "false_negatives",
        "false_positives",
        "open",
        "positives",
        "removed",
        "reworked_items",
        "reworks",
        "sla_hits",
    )  # fmt: skip

    def __init__(self, slas: int, groups: int = 0) -> None:
        self.arrived = 0
        self.delivered = 0
        self.delivered_defective = 0
        self.reworks = 0
        self.reworked_items = 0
        self.exhausted = 0
        self.escalated_items = 0
        self.sla_hits = [0] * slas
        self.cycle = Histogram()
        #: case -> the cohort's items still in the system
        self.open: dict[int, Open] = {}
        #: per due-date group: the cohort's items, and those delivered after their due date
        self.due_arrived = [0] * groups
        self.breached = [0] * groups
        #: with a truth: the delivered items that violate, the final decisions to remove,
        #: the wrong ones, and per value of ``truth.by`` [delivered, false neg., false pos.]
        self.positives = 0
        self.removed = 0
        self.false_negatives = 0
        self.false_positives = 0
        self.by_value: dict[object, list[int]] = {}
        #: (true class, decided class) -> delivered items
        self.confusion: dict[tuple[object, object], int] = {}

    def decided(self, row: Row, defect: int, truth: TruthRule) -> None:
        """Count a delivered item's final decision: the class its defect says it was decided
        as (:meth:`TruthRule.decided`); removed unless that is a class that stays up."""
        true = row[truth.at]
        decided = truth.decided(true, defect)
        positive = true not in truth.kept
        removed = decided not in truth.kept
        self.positives += positive
        self.removed += removed
        self.false_negatives += positive and not removed
        self.false_positives += removed and not positive
        cell = (true, decided)
        self.confusion[cell] = self.confusion.get(cell, 0) + 1
        if truth.by_at >= 0:
            tally = self.by_value.setdefault(row[truth.by_at], [0, 0, 0])
            tally[0] += 1
            tally[1] += positive and not removed
            tally[2] += removed and not positive


class BreachDays:
    """Breaches by the calendar day they happened, per due-date group and per SLA.

    ``zero`` is the run's time 0 after its midnight and ``length`` one day, both in the
    process's time unit: day 0 is the snapshot's date, -1 the day before, and so on.
    """

    __slots__ = ("due", "length", "slas", "zero")

    def __init__(self, zero: float, length: float, groups: int, slas: int) -> None:
        self.zero = zero
        self.length = length
        self.due: list[dict[int, int]] = [{} for _ in range(groups)]
        self.slas: list[dict[int, int]] = [{} for _ in range(slas)]

    def add(self, tally: dict[int, int], moment: float) -> None:
        """Count one breach that happened at ``moment`` (run time) in ``tally``."""
        day = math.floor((moment + self.zero) / self.length)
        tally[day] = tally.get(day, 0) + 1

    def tallies(
        self,
        cohort: Cohort,
        now: float,
        due: DueClock | None,
        cycle_slas: Sequence[tuple[int, float]],
    ) -> dict[str, dict[int, int]]:
        """Every breach by day at ``now``: those tallied, and the open items already past
        their due date or a cycle-time SLA's max; keyed ``due_dates.<value>`` and ``slas.<k>``."""
        due_days = [dict(t) for t in self.due]
        sla_days = [dict(t) for t in self.slas]
        for item in cohort.open.values():
            if now > item.due:
                self.add(due_days[item.group], item.due)
            for k, limit in cycle_slas:
                if now - item.arrived > limit:
                    self.add(sla_days[k], item.arrived + limit)
        made: dict[str, dict[int, int]] = {}
        if due is not None:
            for g, allowed in enumerate(due.allowed):
                if allowed != NEVER:
                    made[f"due_dates.{due.label(g)}"] = due_days[g]
        for k, _ in cycle_slas:
            made[f"slas.{k}"] = sla_days[k]
        return made


def window_kpis(
    stages: Sequence[PlannedStage],
    pools: dict[str, StaffPool],
    wip: TimeAverage,
    arrived: int,
    delivered: int,
    hours: float,
    now: float,
) -> Kpis:
    """The window KPIs at ``now`` (the horizon, or when the run stopped).

    Rates are over the ``hours`` measured; a run that stopped before any time was
    measured has none (NaN), rather than a count divided by almost nothing.
    """
    k = Kpis()
    k.put("throughput_per_hour", delivered / hours if hours > 0 else math.nan)
    k.put("arrivals_per_hour", arrived / hours if hours > 0 else math.nan)
    k.put("wip", wip.mean(now))
    k.put("backlog", wip.level)
    cost_per_hour = sum(p.cost_per_hour * p.staff.mean(now) for p in pools.values())
    k.put("cost_per_hour", cost_per_hour)
    k.put("cost_per_item", cost_per_hour * hours / delivered if delivered and hours else math.nan)
    for name, pool in pools.items():
        busy = pool.busy.mean(now)
        working = pool.capacity.mean(now)
        k.put("resources.{name}.utilization", busy / working if working > 0 else math.nan, name)
        k.put("resources.{name}.busy", busy, name)
        k.put("resources.{name}.working", working, name)
        k.put("resources.{name}.staff", pool.staff.mean(now), name)
    for stage in stages:
        if stage.queued:
            k.put("stages.{name}.queue_length", stage.queue.mean(now), stage.name)
            k.put("stages.{name}.queue_length_max", stage.queue.maximum, stage.name)
    return k


def _quantile(ordered: Sequence[float], q: float) -> float:
    """The ``q``-quantile of sorted values (the lower of the two middle ones: a real value)."""
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)] if ordered else 0.0


def backlog_ages(items: Sequence[Open], now: float) -> tuple[float, float, float]:
    """The median, 90th percentile and largest age of the items in the system (0 if none).

    ``items`` are in the order they arrived, oldest first (as the engine keeps them), so
    their ages are already sorted: no sorting per sample, however large the backlog.
    """
    n = len(items)
    if not n:
        return 0.0, 0.0, 0.0

    def age(q: float) -> float:
        return now - items[n - 1 - min(int(q * n), n - 1)].arrived

    return age(0.5), age(0.9), now - items[0].arrived


def backlog_kpis(items: Sequence[Open], now: float, due: bool) -> Kpis:
    """The backlog at ``now`` (the horizon): its ages, and with due dates its time to breach."""
    k = Kpis()
    p50, p90, oldest = backlog_ages(items, now)
    k.put("backlog_age.p50", p50)
    k.put("backlog_age.p90", p90)
    k.put("oldest_item_age", oldest)
    if not due:
        return k
    left = sorted(item.due - now for item in items if item.due != NEVER)
    overdue = sum(1 for t in left if t < 0)
    ahead = left[overdue:]
    k.put("backlog_overdue", overdue)
    for q in (10, 50, 90):
        k.put(f"time_to_breach.p{q}", _quantile(ahead, q / 100) if ahead else math.nan)
    return k


def _due_kpis(due: DueClock, cohort: Cohort, now: float) -> Kpis:
    """Breached items of the cohort, overall and per value of the due-date attribute."""
    k = Kpis()
    breached = list(cohort.breached)
    for item in cohort.open.values():  # still in the system past its due date
        if now > item.due:
            breached[item.group] += 1
    dated = [g for g, allowed in enumerate(due.allowed) if allowed != NEVER]
    total = sum(cohort.due_arrived[g] for g in dated)
    k.put("breached_items", sum(breached[g] for g in dated))
    k.put("breached_share", sum(breached[g] for g in dated) / total if total else math.nan)
    for g in dated:
        name = due.label(g)
        arrived = cohort.due_arrived[g]
        k.put("due_dates.{name}.breached", breached[g], name)
        k.put(
            "due_dates.{name}.breached_share", breached[g] / arrived if arrived else math.nan, name
        )
    return k


def _lot_kpis(stage: PlannedStage) -> Kpis:
    """A lot stage's acceptance rate, outgoing quality and inspection load."""
    k = Kpis()
    lots = stage.lots
    assert lots is not None
    name = stage.name
    k.put(
        "stages.{name}.lot_acceptance",
        lots.accepted / lots.decided if lots.decided else math.nan,
        name,
    )
    k.put(
        "stages.{name}.outgoing_quality",
        lots.left_defective / lots.left if lots.left else math.nan,
        name,
    )
    k.put(
        "stages.{name}.inspection_load",
        lots.inspected / lots.entered if lots.entered else math.nan,
        name,
    )
    return k


def _share(part: int, whole: int) -> float:
    return part / whole if whole else math.nan


def _gold_kpis(name: str, gold: GoldTally) -> Kpis:
    """A gold stage's load, and the accuracy its gold tasks measure beside the true one."""
    k = Kpis()
    k.put("stages.{name}.gold_per_item", gold.tasks / gold.real if gold.real else math.nan, name)
    shares = [right / done for done, right in gold.answers.values() if done]
    k.put("stages.{name}.gold_accuracy", sum(shares) / len(shares) if shares else math.nan, name)
    k.put("stages.{name}.gold_annotators", len(shares), name)
    k.put("stages.{name}.true_accuracy", gold.rule.accuracy, name)
    return k


def item_kpis(
    process: Process,
    stages: Sequence[PlannedStage],
    cohort: Cohort,
    now: float,
    due: DueClock | None = None,
) -> Kpis:
    """The item KPIs of the cohort, at the end of the run."""
    k = Kpis()
    delivered = cohort.delivered

    def per_delivered(count: float) -> float:
        return count / delivered if delivered else math.nan

    k.put("cycle_time.mean", cohort.cycle.mean)
    shown = (50, 90, 95, 99)
    for q, value in zip(shown, cohort.cycle.quantiles([q / 100 for q in shown]), strict=True):
        k.put(f"cycle_time.p{q}", value)
    k.put("rework_rate", per_delivered(cohort.reworks))
    k.put("reworked_share", per_delivered(cohort.reworked_items))
    k.put("escaped_defect_rate", per_delivered(cohort.delivered_defective))
    k.put("rework_exhausted_rate", per_delivered(cohort.exhausted))
    arrived = max(cohort.arrived, 1)
    escalating = False
    for stage in stages:
        k.put("stages.{name}.visits", stage.visits / arrived, stage.name)
        if stage.queued:
            k.put("stages.{name}.waiting_time", stage.waits.mean, stage.name)
            k.put("stages.{name}.waiting_time_p90", stage.waits.quantile(0.9), stage.name)
            if stage.escalate_to >= 0:
                escalating = True
                k.put("stages.{name}.escalated", stage.escalated / arrived, stage.name)
        if stage.consensus is not None:
            right, wrong, adjudicated = stage.verdicts
            rounds = right + wrong + adjudicated
            k.put(
                "stages.{name}.labels_per_item",
                stage.labels / rounds if rounds else math.nan,
                stage.name,
            )
            settled = right + wrong
            k.put(
                "stages.{name}.consensus_accuracy",
                right / settled if settled else math.nan,
                stage.name,
            )
            k.put(
                "stages.{name}.disagreement",
                adjudicated / rounds if rounds else math.nan,
                stage.name,
            )
    if escalating:
        k.put("escalated_share", cohort.escalated_items / arrived)
    for stage in stages:
        if stage.lots is not None:
            k.update(_lot_kpis(stage))
        if stage.gold is not None:
            k.update(_gold_kpis(stage.name, stage.gold))
        if stage.by_tenure is not None:
            new, new_picked, others, others_picked = stage.by_tenure
            k.put("stages.{name}.new_hires_sampled", _share(new_picked, new), stage.name)
            k.put("stages.{name}.others_sampled", _share(others_picked, others), stage.name)
    index = {name: i for i, name in enumerate(process.stages)}
    for j, sla in enumerate(process.slas):
        if sla.metric == "cycle_time":
            # an item still in the system has missed once it has waited past the max
            missed = sum(1 for item in cohort.open.values() if now - item.arrived > sla.max)
            known = delivered + missed
            value = cohort.sla_hits[j] / known if known else math.nan
        else:
            value = stages[index[sla.stage or ""]].waits.fraction_at_most(sla.max)
        k.put("slas.{name}.attained", value, j)
    if due is not None:
        k.update(_due_kpis(due, cohort, now))
    if process.truth is not None:
        k.update(_decision_kpis(cohort))
        if process.truth.classes is not None:
            k.update(_class_kpis(cohort, process.truth.values(), process.truth.kept()))
    k.update(_review_kpis(stages, process.truth is not None))
    return k


def _decision_kpis(cohort: Cohort) -> Kpis:
    """The final decisions of the delivered items against their truth."""
    k = Kpis()
    delivered = cohort.delivered

    def per_1000(count: float, of: float) -> float:
        return 1000 * count / of if of else math.nan

    right_removals = cohort.removed - cohort.false_positives
    k.put("violating_share", cohort.positives / delivered if delivered else math.nan)
    k.put("false_negatives_per_1000", per_1000(cohort.false_negatives, delivered))
    k.put("false_positives_per_1000", per_1000(cohort.false_positives, delivered))
    k.put("decision_precision", right_removals / cohort.removed if cohort.removed else math.nan)
    k.put("decision_recall", right_removals / cohort.positives if cohort.positives else math.nan)
    for value, (count, negatives, positives) in cohort.by_value.items():
        k.put("decisions.{name}.false_negatives_per_1000", per_1000(negatives, count), str(value))
        k.put("decisions.{name}.false_positives_per_1000", per_1000(positives, count), str(value))
    return k


def _class_kpis(cohort: Cohort, classes: Sequence[object], kept: Sequence[object]) -> Kpis:
    """With truth.classes: the final decisions' confusion, and each class's recall and
    precision (:func:`procflow.analysis.quality.confusion_figures`, the one definition)."""
    k = Kpis()
    counts = {cell: float(n) for cell, n in cohort.confusion.items()}
    figures = confusion_figures(counts, classes, kept, cohort.delivered)
    k.put("wrong_reason_per_1000", figures.wrong_reason_per_1000)
    for value in classes:
        k.put("classes.{name}.recall", figures.recall[value], str(value))
        k.put("classes.{name}.precision", figures.precision[value], str(value))
        for decided in classes:
            share = figures.confusion[value][decided]
            k.put("confusion.{name}.share", share, f"{value} as {decided}")
    return k


def _review_kpis(stages: Sequence[PlannedStage], truth: bool) -> Kpis:
    """What each review measures of the items it reviews, beside their true quality: for a
    process with truth, or a review that can flag a right item (``false_flag_rate``)."""
    k = Kpis()
    for stage in stages:
        review = stage.rule.review
        if review is None or not (truth or review.false_flag > 0):
            continue
        seen = stage.visits
        measured = stage.flags / seen if seen else math.nan
        k.put("stages.{name}.flagged_share", measured, stage.name)
        k.put(
            "stages.{name}.defective_share", stage.defects_seen / seen if seen else math.nan,
            stage.name,
        )  # fmt: skip
        corrected = rogan_gladen(measured, review.detection_rate, review.false_flag)
        k.put("stages.{name}.corrected_defective_share", corrected, stage.name)
    return k
