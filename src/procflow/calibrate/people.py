"""Who did the work in a log: each resource's visits in time order, and the pools they make.

Calibration goes through the work visits of a log once, in the order they
started, and keeps for each resource (a person, or a pool the log names) only a
few numbers, however long the log is:

- how many of its visits started while another of its visits went on (a
  resource that overlaps more than :data:`POOL_OVERLAP` of the time is a
  **named pool**, such as procflow's own ``annotator``, not a person), and the
  most visits it had at once (a named pool's size);
- the hours of the week it was at work (a visit counts in each hour it
  touches; a person at work in an hour counts once): a team's people at work
  per hour of the week, for its calendar;
- its visits, their handling time and their role, per activity.

From these :meth:`People.pools` makes the pools (see
:mod:`~procflow.calibrate.observe`): a pool per role when the log has roles,
otherwise each named pool apart and people who share an activity in one pool.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from procflow.calibrate.week import WEEK_HOURS
from procflow.eventlog.visit import Visit

#: A resource whose visits overlap more often than this is a pool, not a person.
POOL_OVERLAP = 0.5
#: The resource of visits that name none.
UNASSIGNED = "unassigned"


@dataclass
class Pool:
    """A staff pool seen in the log: its activities, its people, when they worked.

    ``named`` pools are a resource value that worked on many cases at once (its
    size is ``peak``, the most visits at once); otherwise ``people`` are the
    distinct resources and ``heads`` the mean number of them at work in each hour
    of the week. ``busy`` is the handling time of its visits, in minutes.
    """

    name: str
    named: bool
    activities: Counter[str] = field(default_factory=Counter)
    people: set[str] = field(default_factory=set)
    peak: int = 0
    heads: np.ndarray = field(default_factory=lambda: np.zeros(WEEK_HOURS))
    busy: float = 0.0


class Mixed(Exception):
    """Visits without a resource were both work and ends, and the ends were not known when
    they were counted: the log has to be counted again, whole."""


@dataclass
class _Resource:
    """One resource's visits so far, in start order."""

    visits: int = 0
    overlapping: int = 0  # visits that started while another of its visits went on
    busy_until: float = float("-inf")
    going: list[float] = field(default_factory=list)  # the ends of its visits going on, a heap
    peak: int = 0
    hours: list[int] = field(default_factory=lambda: [0] * WEEK_HOURS)  # at work, per hour
    last_hour: int = -1  # the last hour of the log it was at work
    first_hour: bool = False  # at work in the log's first hour
    stages: set[str] = field(default_factory=set)


@dataclass
class _Work:
    """A resource's visits of one activity with one role: how many, their handling time,
    and the place of the first of them in the log (for the order pools are written in)."""

    count: int = 0
    busy: float = 0.0
    first: Any = None


class People:
    """The resources of a log's work visits, given in start order (:meth:`visit`); ``shift``
    is the log's minute 0 on the week timeline (0 a Monday 00:00)."""

    def __init__(self, shift: float) -> None:
        self.shift = shift
        self._resources: defaultdict[str, _Resource] = defaultdict(_Resource)
        self._work: dict[tuple[str, str, tuple[str, ...]], _Work] = {}

    def visit(self, visit: Visit, order: Any, roles: tuple[str, ...]) -> None:
        """One more visit (none started before the last); ``order`` is its place in the log
        by case (comparable with the others'), ``roles`` the values of the role columns."""
        name = visit.pool or UNASSIGNED
        r = self._resources[name]
        started, ended = visit.started, visit.ended
        r.visits += 1
        if started < r.busy_until:
            r.overlapping += 1
        r.busy_until = max(r.busy_until, ended)
        going = r.going
        while going and going[0] <= started:
            heapq.heappop(going)
        heapq.heappush(going, ended)
        r.peak = max(r.peak, len(going))
        first = int((started + self.shift) // 60)
        last = max(first, int((max(started, ended - 1e-9) + self.shift) // 60))
        if last > r.last_hour:
            hours = r.hours
            for hour in range(max(first, r.last_hour + 1), last + 1):
                hours[hour % WEEK_HOURS] += 1
            r.last_hour = last
        r.first_hour = r.first_hour or first == int(self.shift // 60)
        r.stages.add(visit.stage)
        work = self._work.get((name, visit.stage, roles))
        if work is None:
            work = self._work[(name, visit.stage, roles)] = _Work(first=order)
        work.count += 1
        work.busy += ended - started
        if order < work.first:
            work.first = order

    def pools(
        self, role: int | None, ends: set[str], span: float
    ) -> tuple[dict[str, Pool], dict[str, str]]:
        """The pools (by the role column at index ``role`` of the roles given, if any), and
        each activity's pool (the one that did most of it); ``span`` is the log's length.
        The visits of the ``ends`` are left out; raises :class:`Mixed` if they cannot be."""
        unassigned = self._resources.get(UNASSIGNED)
        if unassigned is not None and unassigned.stages & ends:
            if unassigned.stages - ends:
                raise Mixed()
            del self._resources[UNASSIGNED]
        resources = self._resources
        work = sorted(
            ((key, w) for key, w in self._work.items() if key[0] in resources),
            key=lambda item: item[1].first,
        )
        named = {n for n, r in resources.items() if r.overlapping / r.visits > POOL_OVERLAP}
        role_of = [(n, "" if role is None else roles[role]) for (n, _, roles), _ in work]
        if any(value for _, value in role_of):
            group = {n: n for n in named}
            for name, value in role_of:
                group.setdefault(name, value or name)
        else:
            group = _shared_people([(n, s, w.count) for (n, s, _), w in work], named)
        pools: dict[str, Pool] = {}
        for (name, stage, _), w in work:
            pool = pools.setdefault(group[name], Pool(group[name], name in named))
            pool.activities[stage] += w.count
            pool.busy += w.busy
            if not pool.named:
                pool.people.add(name)
        for pool in pools.values():
            members = [resources[n] for n in resources if group[n] == pool.name]
            if pool.named:
                pool.peak = max(r.peak for r in members)
            else:
                pool.heads = self._heads(members, span)
        pool_of: dict[str, str] = {}
        for stage in dict.fromkeys(stage for (_, stage, _), _ in work):
            pool_of[stage] = max(pools.values(), key=lambda p: p.activities[stage]).name
        return pools, pool_of

    def _heads(self, members: list[_Resource], span: float) -> np.ndarray:
        """Distinct people at work in each hour of the log, summed per hour of the week (an
        hour the log covers only in part, its first and last, counts for that part)."""
        start, end = self.shift, self.shift + span
        heads = np.zeros(WEEK_HOURS)
        for r in members:
            heads += np.asarray(r.hours, dtype=float)
        first, last = int(start // 60), int(end // 60)
        for hour in dict.fromkeys((first, last)):
            present = sum(
                1 for r in members if (r.first_hour if hour == first else r.last_hour == hour)
            )
            within = min(hour + 1.0, end / 60) - max(float(hour), start / 60)
            heads[hour % WEEK_HOURS] += present * (min(max(within, 0.0), 1.0) - 1)
        return heads


def _shared_people(work: list[tuple[str, str, int]], named: set[str]) -> dict[str, str]:
    """Resource -> pool: people who share an activity share a pool (named pools stay apart);
    ``work`` is (resource, activity, visits), in the order of the log."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for resource, stage, _ in work:
        if resource not in named:
            parent[find("activity:" + stage)] = find(resource)
    members: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for resource, stage, count in work:
        if resource not in named:
            members[find(resource)][stage] += count
    names = {root: f"{counts.most_common(1)[0][0]} team" for root, counts in members.items()}
    return {r: r if r in named else names[find(r)] for r, _, _ in work}
