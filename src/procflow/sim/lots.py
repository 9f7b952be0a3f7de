"""The lots a lot stage holds during a run, and what it counts of them.

A lot stage (see :mod:`procflow.flow.lots`) keeps, per open lot, only that lot's
waiting items: a lot is forgotten once it is decided, so memory grows with the lots
still being filled, never with the run. :class:`LotKeeper` is the bookkeeping; the
engine moves the items (into inspection, to rework, on by ``next``) and sets the
timers that end a day's lots.
"""

from __future__ import annotations

import math
from typing import Any

from procflow.flow.lots import ATTRIBUTE, BATCH, EVERY, LotRule
from procflow.model.calendar import DAY_MINUTES


class Lot:
    """One lot being filled: its waiting items (with whether each was in the sample)."""

    __slots__ = ("complete", "counted", "decided", "found", "held", "joined", "key", "pending")

    def __init__(self, key: object, counted: bool) -> None:
        self.key = key
        #: its first item arrived in the measured window: the lot counts in the KPIs
        self.counted = counted
        self.joined = 0
        self.found = 0
        #: sampled items not yet inspected
        self.pending = 0
        self.held: list[tuple[Any, bool]] = []
        #: no more items will join (full, or its day is over)
        self.complete = False
        self.decided = False


class LotKeeper:
    """The open lots of one lot stage, and its counts for the KPIs."""

    __slots__ = (
        "accepted", "decided", "entered", "inspected", "left", "left_defective", "members",
        "open", "rule", "start", "unit_minutes",
    )  # fmt: skip

    def __init__(self, rule: LotRule, unit_minutes: float, start: float) -> None:
        self.rule = rule
        self.unit_minutes = unit_minutes
        self.start = start
        self.open: dict[object, Lot] = {}
        #: items in inspection by the stage's pool -> their lot, and whether in its sample
        self.members: dict[int, tuple[Lot, bool]] = {}
        self.entered = 0
        self.inspected = 0
        self.left = 0
        self.left_defective = 0
        self.decided = 0
        self.accepted = 0

    @property
    def timed(self) -> bool:
        """Whether lots end with their day (by attribute) rather than when full."""
        return self.rule.grouping == ATTRIBUTE

    def day_end(self, now: float) -> float:
        """The run time at which the day of ``now`` ends (lots by attribute and day)."""
        minute = self.start + now * self.unit_minutes
        return ((math.floor(minute / DAY_MINUTES) + 1) * DAY_MINUTES - self.start) / (
            self.unit_minutes
        )

    def join(self, item: Any, now: float) -> tuple[Lot, bool, bool]:
        """Put ``item`` in its lot: (the lot, whether it is in the sample, whether the lot
        is new)."""
        rule = self.rule
        grouping = rule.grouping
        if grouping == EVERY:
            key: object = None
        elif grouping == BATCH:
            key = item.arrived
        else:
            key = (item.attrs[rule.attribute], self.day_end(now))
        lot = self.open.get(key)
        new = lot is None
        if lot is None:
            lot = self.open[key] = Lot(key, item.counted)
        lot.joined += 1
        self.entered += item.counted
        if grouping != ATTRIBUTE and lot.joined >= rule.size:
            lot.complete = True
            del self.open[key]  # the next item of this key starts a new lot
        return lot, lot.joined <= rule.sample, new

    def end_day(self, lot: Lot) -> None:
        """The day of a lot by attribute is over: no more items join it."""
        lot.complete = True
        if self.open.get(lot.key) is lot:
            del self.open[lot.key]

    def ready(self, lot: Lot) -> bool:
        """Whether the lot can be decided: complete, its sample inspected, not yet decided."""
        return lot.complete and lot.pending == 0 and not lot.decided

    def decide(self, lot: Lot) -> bool:
        """Decide a ready lot (counted in the KPIs): whether it is accepted."""
        accepted = self.rule.accepts(lot.found)
        lot.decided = True
        if lot.counted:
            self.decided += 1
            self.accepted += accepted
        return accepted

    def leaving(self, item: Any) -> None:
        """Count an item leaving the stage (for the outgoing quality)."""
        if item.counted:
            self.left += 1
            self.left_defective += item.defect > 0

    def flush(self) -> list[Lot]:
        """Every open lot, now complete: the run is ending and no item will join them."""
        lots = list(self.open.values())
        for lot in lots:
            lot.complete = True
        self.open.clear()
        return lots

    def held(self) -> int:
        """Items waiting in lots (open or waiting for their sample)."""
        return sum(len(lot.held) for lot in self.open.values())
