"""The records the engine moves through a process: an item, a consensus's labels so far,
and the parent of a split waiting at its join.

Plain classes with ``__slots__`` (no Pydantic, no dataclass machinery): one is made per
arriving item, per label task and per split, on the simulator's per-event path.
"""

from __future__ import annotations

from typing import Any

from procflow.flow.due import NEVER


class Item:
    """One item in the simulation (or a copy of it in a split's branch, or a label task)."""

    __slots__ = (
        "arrived", "attempts", "attrs", "case", "counted", "defect", "due", "enqueued",
        "escalated", "first", "fork", "group", "hands", "instant", "labels", "moves", "priority",
        "reworked", "seen", "ticket",
    )  # fmt: skip

    def __init__(
        self,
        case: int,
        arrived: float,
        attrs: tuple[Any, ...],
        counted: bool,
        slots: int,
        priority: int,
    ) -> None:
        self.case = case
        self.arrived = arrived
        self.attrs = attrs
        #: arrived in the measured window: its numbers go into the item KPIs
        self.counted = counted
        #: 0, or a defect (with a truth: the number of its wrong decision)
        self.defect: int = False
        self.attempts = [0] * slots
        self.enqueued = 0.0
        self.fork: Fork | None = None
        self.priority = priority
        #: stages this item has entered, and whether its current visit is its first there
        self.seen: set[int] = set()
        self.first = True
        #: while waiting in a queue: the queue entry's number; 0 otherwise
        self.ticket = 0
        self.reworked = False
        self.escalated = False
        #: the time of its latest move, and how many moves it made at that time
        self.instant = arrived
        self.moves = 0
        #: when it is due (never without due dates), and its group (its value under ``within``)
        self.due = NEVER
        self.group = 0
        #: who worked on it, at the stages a separation-of-duties rule reads (see
        #: :mod:`procflow.sim.people`); only in processes with such rules
        self.hands: dict[int, list[int]] = _NOBODY
        #: a label task of a consensus: the labels of its item so far
        self.labels: Labels | None = None


#: ``hands`` of items in processes without separation of duties: never written
_NOBODY: dict[int, list[int]] = {}


class Labels:
    """The labels of one item at a consensus stage so far (its label tasks share it)."""

    __slots__ = ("asked", "item", "pending", "right", "wrong")

    def __init__(self, item: Item, pending: int) -> None:
        self.item = item
        #: label tasks asked for, and those of them not done yet
        self.asked = 0
        self.pending = pending
        self.right = 0
        self.wrong = 0


class Fork:
    """The parent item of a split, waiting at its join for its copies."""

    __slots__ = ("defect", "escalated", "item", "join", "outer", "remaining", "reworked")

    def __init__(self, item: Item, join: int, remaining: int) -> None:
        self.item = item
        self.join = join
        self.remaining = remaining
        self.defect = item.defect
        self.reworked = item.reworked
        self.escalated = item.escalated
        self.outer = item.fork
