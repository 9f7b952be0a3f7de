"""Staffing formulas: how many people must work in an interval to meet the targets.

A workforce planner staffs each interval (a half-hour, say) of a queue from its
**offered load**: tasks arriving × handling time, in busy people (Erlangs). With
rework, QC samples and routing counted, that is the traffic analysis's load per
pool (:mod:`procflow.analysis.capacity`). The fewest *working* heads that meet
every target the PM sets are **required**:

- **service level**: the share of tasks answered within a wait (80% within 20 s);
- **mean wait** (ASA, the average speed of answer);
- **occupancy cap**: the share of working time spent handling tasks (at most 85%);
- **P(abandon)**: the share of tasks that leave the queue, or escalate, after
  waiting their patience (``escalate_after``), at most 5%.

The queue of one interval is :class:`~procflow.analysis.queueing.WaitModel`:
Erlang C, and with a patience Erlang C with deadlines (M/M/c+G; Erlang A when the
patience is exponential). Paid heads are more than working ones: part of paid time
is shrinkage, and planners round up, so **scheduled** = ⌈required / (1 − shrinkage)⌉.

Two corrections where interval-by-interval Erlang goes wrong for T&S work:

- **Modified offered load** (Green, Kolesar & Whitt 2007): when handling times are
  long against the interval, the people busy now are serving tasks that arrived
  earlier, so the load of an interval lags its arrivals. :func:`modified_offered_loads`
  gives the load of an infinite-server queue fed by the interval rates, which the
  formulas then take as the interval's load.
- **Back office** (email and review queues staffed to an SLA window of hours, as
  WFM tools staff asynchronous work): when the window is far longer than handling
  time, what matters is clearing each interval's arrivals before their window
  closes, not the wait distribution. :func:`back_office_loads` spreads each
  interval's work over its window; the heads are those that carry it under the
  occupancy cap.

Every :class:`Requirement` says which method produced it and which target set it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from procflow.analysis.patience import mean_patience
from procflow.analysis.queueing import Arrivals, WaitModel

#: How a required number of heads was found.
Method = Literal["erlang_c", "erlang_a", "modified_offered_load", "back_office", "no_work"]
#: The target that set the number (the others are met with room to spare).
Binding = Literal["service_level", "mean_wait", "occupancy", "abandon", "keep_up", "none"]

#: Use the modified offered load when a task's handling time is at least this share
#: of the interval: shorter tasks end within the interval they arrive in, and the
#: stationary formula per interval (SIPP) is accurate (Green, Kolesar & Whitt 2007).
LAG_SHARE = 0.25
#: Staff as a back office when the SLA window is at least this many handling times
#: and at least one interval long: waits are then set by the backlog, not the queue.
BACK_OFFICE_HANDLING_TIMES = 10


@dataclass(frozen=True)
class Targets:
    """What the staffing must achieve in every interval (None: no such target)."""

    service_level: float | None = None  #: share of tasks answered within ``within``
    within: float = 0.0  #: the wait of the service level, in the process's time unit
    mean_wait: float | None = None  #: the highest mean wait (ASA)
    occupancy: float | None = None  #: the highest share of working time spent on tasks
    abandon: float | None = None  #: the highest share of tasks leaving after their patience

    @property
    def any(self) -> bool:
        """Whether some target is set."""
        return any(
            t is not None
            for t in (self.service_level, self.mean_wait, self.occupancy, self.abandon)
        )


@dataclass(frozen=True)
class Demand:
    """One pool's work in one interval: tasks per time unit by patience, handling times."""

    classes: tuple[Arrivals, ...]  #: tasks joining the queue, each class with its patience
    mean_service: float  #: mean handling time (AHT)
    service_scv: float = 1.0  #: squared coefficient of variation of handling time

    @property
    def arrival_rate(self) -> float:
        """Tasks joining the queue per time unit."""
        return math.fsum(c.rate for c in self.classes)

    @property
    def offered_load(self) -> float:
        """Busy people the tasks need, in Erlangs (arrival rate × AHT)."""
        return self.arrival_rate * self.mean_service

    @property
    def patient(self) -> bool:
        """Whether every task waits as long as it takes (no patience)."""
        return all(mean_patience(c.patience) == math.inf for c in self.classes)

    def scaled(self, load: float) -> Demand:
        """The same work mix at another offered load (a modified offered load)."""
        factor = load / self.offered_load if self.offered_load > 0 else 0.0
        classes = tuple(Arrivals(c.rate * factor, c.patience) for c in self.classes)
        return Demand(classes, self.mean_service, self.service_scv)


@dataclass(frozen=True)
class Requirement:
    """The fewest working heads meeting the targets in one interval, and what they give."""

    required: int  #: working heads
    offered_load: float  #: busy people the work needs (Erlangs)
    service_level: float  #: share answered within the target wait (NaN without one)
    mean_wait: float  #: mean wait in queue (ASA)
    occupancy: float  #: share of working time spent handling tasks
    abandon: float  #: share of tasks leaving after their patience (NaN without patience)
    method: Method
    binding: Binding


def measure(demand: Demand, servers: int, targets: Targets) -> Requirement:
    """What ``servers`` working heads give: service level, ASA, occupancy, abandonment."""
    load = demand.offered_load
    model = WaitModel(servers, demand.mean_service, demand.classes, demand.service_scv)
    patient = demand.patient
    if patient and servers <= load and load > 0:
        inf = math.inf
        return Requirement(servers, load, 0.0, inf, 1.0, math.nan, "erlang_c", "keep_up")
    total = demand.arrival_rate
    abandon = math.nan if patient else _abandon_share(model, demand.classes, total)
    served = load * (1 - (0.0 if patient else abandon))
    occupancy = served / servers if servers > 0 else (1.0 if load > 0 else 0.0)
    level = math.nan
    if targets.service_level is not None:
        level = _service_level(model, demand.classes, total, targets.within)
    mean_wait = _mean_wait(model, demand.classes, total)
    method: Method = "erlang_c" if patient else "erlang_a"
    return Requirement(servers, load, level, mean_wait, occupancy, abandon, method, "none")


def required_heads(demand: Demand, targets: Targets) -> Requirement:
    """The fewest working heads meeting every target (bisection: each improves with heads).

    Without targets the heads only have to keep up (more than the offered load). The
    search starts from square-root staffing, A + 2√A (Halfin & Whitt), which meets
    the usual targets, so a handful of queue solves decide each interval.
    """
    load = demand.offered_load
    if load <= 0:
        return Requirement(0, 0.0, 1.0, 0.0, 0.0, math.nan, "no_work", "none")
    seen: dict[int, Requirement] = {}

    def at(servers: int) -> Requirement:
        if servers not in seen:
            seen[servers] = measure(demand, servers, targets)
        return seen[servers]

    # at or below the load a queue without patience never keeps up: a sure miss
    low = math.floor(load) if demand.patient else 0
    high = math.floor(load) + 1 + math.ceil(2 * math.sqrt(load))
    while _missed(at(high), targets):
        low, high = high, high + (high - low)
    while high - low > 1:
        middle = (low + high) // 2
        if _missed(at(middle), targets):
            low = middle
        else:
            high = middle
    binding = _missed(at(high - 1), targets) if high > 1 else "keep_up"
    return replace(at(high), binding=binding or "keep_up")


def modified_offered_loads(
    rates: Sequence[float], mean_service: float, length: float, *, periodic: bool = True
) -> list[float]:
    """Per interval of a repeating week, the load lagged by handling time (MOL).

    The mean number busy in an infinite-server queue with exponential handling times
    fed by arrivals at ``rates`` (per time unit, one per interval of ``length``),
    averaged over each interval: within an interval of rate λ the busy number m
    moves towards λ·AHT as m(t) = λ·AHT + (m₀ − λ·AHT)·e^(−t/AHT). The week repeats,
    so the level at its start is the one the week returns to (a fixed point); a
    forecast (``periodic=False``) starts at the first interval's own level.
    """
    if mean_service <= 0:
        return [0.0 for _ in rates]
    decay = math.exp(-length / mean_service)
    mean_decay = mean_service / length * (1 - decay)
    # m at the week's end is linear in m at its start: m_end = decay^n·m0 + rest
    rest = 0.0
    for rate in rates:
        rest = rate * mean_service + (rest - rate * mean_service) * decay
    start = rest / (1 - decay ** len(rates)) if decay < 1 else rest
    if not periodic:
        start = rates[0] * mean_service if rates else 0.0
    loads = []
    level = start
    for rate in rates:
        steady = rate * mean_service
        loads.append(steady + (level - steady) * mean_decay)
        level = steady + (level - steady) * decay
    return loads


def back_office_loads(loads: Sequence[float], window: int, *, periodic: bool = True) -> list[float]:
    """Per interval, the work to carry when each interval's work may take ``window`` intervals.

    Work arriving in an interval is due by the end of its window and spread evenly
    over it, so an interval carries the average load of the ``window`` intervals
    ending with it (the week repeats; before a forecast's first interval there is none).
    """
    n = len(loads)
    width = max(window, 1)
    return [
        math.fsum(loads[(k - j) % n] for j in range(width) if periodic or k - j >= 0) / width
        for k in range(n)
    ]


def back_office_heads(carried: float, demand: Demand, targets: Targets) -> Requirement:
    """The fewest heads that carry ``carried`` Erlangs under the occupancy cap (more than
    the carried load). The interval's own service level and wait are those of its queue
    where the heads keep up with its own work; where they carry a backlog instead, the
    stationary formulas do not apply and they are NaN (``--verify`` measures them)."""
    cap = targets.occupancy if targets.occupancy is not None else 1.0
    heads = max(math.floor(carried / cap + 1e-9) + 1, 1) if carried > 0 else 0
    if heads == 0:
        return Requirement(0, demand.offered_load, 1.0, 0.0, 0.0, math.nan, "no_work", "none")
    found = measure(demand, heads, targets)
    if found.binding == "keep_up":  # a backlog carried over: no steady state
        found = replace(found, service_level=math.nan, mean_wait=math.nan)
    binding: Binding = "occupancy" if targets.occupancy is not None else "keep_up"
    return replace(found, occupancy=carried / heads, method="back_office", binding=binding)


def lagged(handling: float, length: float) -> bool:
    """Whether handling times are long enough against the interval to lag its load."""
    return handling >= LAG_SHARE * length


def back_office(handling: float, length: float, targets: Targets) -> bool:
    """Whether the SLA window is far longer than handling time: staff to clear the backlog."""
    return (
        targets.service_level is not None
        and targets.within >= BACK_OFFICE_HANDLING_TIMES * handling
        and targets.within >= length
    )


def _missed(found: Requirement, targets: Targets) -> Binding | None:
    """The first target ``found`` misses, or None."""
    if found.binding == "keep_up":
        return "keep_up"
    if targets.service_level is not None and found.service_level < targets.service_level:
        return "service_level"
    if targets.mean_wait is not None and found.mean_wait > targets.mean_wait:
        return "mean_wait"
    if targets.occupancy is not None and found.occupancy > targets.occupancy:
        return "occupancy"
    if targets.abandon is not None and found.abandon > targets.abandon:  # NaN: no patience
        return "abandon"
    if not targets.any and found.required <= found.offered_load:
        return "keep_up"  # as if no task left: leaving is not a plan
    return None


def _abandon_share(model: WaitModel, classes: Sequence[Arrivals], total: float) -> float:
    """The share of tasks that leave the queue before anyone picks them up."""
    if total <= 0:
        return 0.0
    return math.fsum(c.rate * model.abandon_probability(c.patience) for c in classes) / total


def _service_level(
    model: WaitModel, classes: Sequence[Arrivals], total: float, within: float
) -> float:
    """The share of all tasks answered within ``within``: those leaving are not answered."""
    if total <= 0:
        return 1.0
    return math.fsum(c.rate * model.service_level(within, c.patience) for c in classes) / total


def _mean_wait(model: WaitModel, classes: Sequence[Arrivals], total: float) -> float:
    """The average speed of answer: the mean wait of the tasks that are answered."""
    if total <= 0:
        return 0.0
    answered = [c.rate * (1 - model.abandon_probability(c.patience)) for c in classes]
    if math.fsum(answered) <= 0:
        return math.inf
    waits = [model.served_wait(c.patience) for c in classes]
    return math.fsum(a * w for a, w in zip(answered, waits, strict=True)) / math.fsum(answered)
