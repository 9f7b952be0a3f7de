"""What an event log shows about a process: arrivals, handling times, routes and people.

One pass over the visits of a log (:class:`~procflow.eventlog.reader.VisitLog`),
case by case, collects what a process file needs, before anything is fitted
(a row that repeats another visit of its case exactly, as exports sometimes
write twice, is counted once):

- **arrivals**: a case arrives at its first visit (when it was queued, or
  started); the minutes of the local week they fall in;
- **handling times** per activity (end − start), and how many cases did an
  activity more than once (rework);
- **routes**: how often each activity followed another in a case (in the order
  they started), started a case or ended it; activities done at the same time
  are a parallel set, one step of the route (:mod:`~procflow.calibrate.parallel`),
  and other activities of a case that overlap in time are counted. An
  activity that is always last (and never first), takes no time and has no
  resource is an **end** (procflow's own logs have one, such as ``delivered``);
  when a log has ends, a case that has not reached one was still open when the
  log was cut, and its last step is not counted as an end;
- **pools**: with a role column, each role is a pool of the people (resources)
  who had it. Without one, a resource that works on many cases at once is a pool
  (procflow's own logs name the pool, not the person); otherwise resources are
  people, and activities that share people share a pool. A pool's size is the
  most visits it had at once (for a named pool), or the distinct people at work
  in each hour of the week (for people).

Local time: the minutes of the week are counted in the zone given, with the
offset it has at the log's first event (a change to summer time within the log
shifts later hours by one).
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta, tzinfo
from itertools import groupby, pairwise

import numpy as np

from procflow.calibrate.parallel import Parallel, find_parallel, steps
from procflow.calibrate.week import WEEK_HOURS, hours_covered
from procflow.eventlog.reader import VisitLog
from procflow.eventlog.visit import Visit

#: Where a route starts or ends, in :attr:`Observed.routes`.
START, END = "", ""
#: A resource whose visits overlap more often than this is a pool, not a person.
POOL_OVERLAP = 0.5


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


@dataclass
class Observed:
    """Everything calibration fits, counted from a log (times in minutes)."""

    cases: int
    duplicates: int  # rows of the log that repeat another visit of their case exactly
    open_cases: int
    arrivals: np.ndarray  # minutes of the local week timeline, 0 a Monday 00:00
    arrival_hours: np.ndarray  # hours per hour of the week from the first arrival to the last
    covered: np.ndarray  # hours per hour of the week from the first event to the last
    span: float  # minutes from the first event to the last
    durations: dict[str, list[float]]
    ends: set[str]
    routes: Counter[tuple[str, str]]
    repeated: Counter[str]  # cases that did an activity more than once
    overlaps: Counter[tuple[str, str]]  # overlapping activities that are not parallel sets
    parallels: list[Parallel]  # routes name them by their split stage
    pools: dict[str, Pool]
    pool_of: dict[str, str]  # activity -> pool name
    order: list[str]  # activities, in the order cases reach them


def observe(log: VisitLog, zone: tzinfo, role: str | None) -> Observed:
    """Count what ``log`` shows (see the module); ``role`` is the attribute with the role."""
    origin = log.clock.origin.astimezone(zone)
    monday = origin.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
        days=origin.weekday()
    )
    shift = (origin - monday) / timedelta(minutes=1)  # the log's minute 0 on the week timeline
    durations: dict[str, list[float]] = defaultdict(list)
    last: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    timeless: Counter[str] = Counter()
    sequences: list[list[str]] = []
    arrivals = []
    repeated: Counter[str] = Counter()
    overlaps: Counter[tuple[str, str]] = Counter()
    position: defaultdict[str, float] = defaultdict(float)
    end = 0.0
    kept: list[Visit] = []
    cases: list[list[Visit]] = []
    for _, group in groupby(log.visits, key=lambda v: v.case):
        case = _distinct(list(group))
        kept += case
        cases.append(case)
        arrivals.append(min(v.started if v.enqueued is None else v.enqueued for v in case))
        end = max(end, max(v.ended for v in case))
        names = [v.stage for v in case]
        sequences.append(names)
        last[names[-1]] += 1
        for index, (visit, following) in enumerate(zip(case, [*case[1:], None], strict=True)):
            seen[visit.stage] += 1
            position[visit.stage] += index
            if visit.pool is None and visit.ended == visit.started:
                timeless[visit.stage] += 1
            if following is not None and following.started < visit.ended:
                overlaps[(visit.stage, following.stage)] += 1
        for name, times in Counter(names).items():
            if times > 1:
                repeated[name] += 1
    visits = kept
    firsts = {names[0] for names in sequences}
    ends = {n for n, k in seen.items() if last[n] == k == timeless[n] and n not in firsts}
    parallels = find_parallel(cases, set(seen))
    together = {(a, b) for p in parallels for a in p.branches for b in p.branches}
    overlaps = Counter({pair: n for pair, n in overlaps.items() if pair not in together})
    routes: Counter[tuple[str, str]] = Counter()
    open_cases = 0
    for names in (steps(names, parallels) for names in sequences):
        routes[(START, names[0])] += 1
        routes.update(pairwise(names))
        if names[-1] not in ends:
            if ends:
                open_cases += 1
            else:
                routes[(names[-1], END)] += 1
    for visit in visits:
        if visit.stage not in ends:
            durations[visit.stage].append(visit.ended - visit.started)
    work = [v for v in visits if v.stage not in ends]
    pools, pool_of = _pools(work, role, shift, end)
    order = sorted(seen, key=lambda name: (name in ends, position[name] / seen[name]))
    return Observed(
        cases=len(sequences),
        duplicates=len(log.visits) - len(kept),
        open_cases=open_cases,
        arrivals=np.asarray(arrivals) + shift,
        arrival_hours=hours_covered(min(arrivals) + shift, max(arrivals) + shift),
        covered=hours_covered(shift, shift + end),
        span=end,
        durations=dict(durations),
        ends=ends,
        routes=routes,
        repeated=repeated,
        overlaps=overlaps,
        parallels=parallels,
        pools=pools,
        pool_of=pool_of,
        order=order,
    )


def _distinct(case: list[Visit]) -> list[Visit]:
    """A case's visits without exact repeats (the same activity, resource and times)."""
    seen: set[tuple[str, str | None, float, float]] = set()
    kept = []
    for visit in case:
        key = (visit.stage, visit.pool, visit.started, visit.ended)
        if key not in seen:
            seen.add(key)
            kept.append(visit)
    return kept


def _pools(
    visits: list[Visit], role: str | None, shift: float, span: float
) -> tuple[dict[str, Pool], dict[str, str]]:
    """The pools of the work visits, and each activity's pool (the one that did most of it)."""
    resource_of = [v.pool or "unassigned" for v in visits]
    by_resource: defaultdict[str, list[Visit]] = defaultdict(list)
    for visit, resource in zip(visits, resource_of, strict=True):
        by_resource[resource].append(visit)
    roles = [str(v.attributes.get(role, "")) if role else "" for v in visits]
    named = {r for r, vs in by_resource.items() if _overlap_share(vs) > POOL_OVERLAP}
    if any(roles):
        group = {r: r for r in named}
        for resource, role_name in zip(resource_of, roles, strict=True):
            group.setdefault(resource, role_name or resource)
    else:
        group = _shared_people(visits, resource_of, named)
    pools: dict[str, Pool] = {}
    for visit, resource in zip(visits, resource_of, strict=True):
        name = group[resource]
        pool = pools.setdefault(name, Pool(name, resource in named))
        pool.activities[visit.stage] += 1
        pool.busy += visit.ended - visit.started
        if not pool.named:
            pool.people.add(resource)
    for pool in pools.values():
        members = [v for v, r in zip(visits, resource_of, strict=True) if group[r] == pool.name]
        if pool.named:
            pool.peak = _peak(members)
        else:
            people = [r for r in resource_of if group[r] == pool.name]  # who did each member
            pool.heads = _heads(members, people, shift, shift + span)
    pool_of: dict[str, str] = {}
    for name in {v.stage for v in visits}:
        pool_of[name] = max(pools.values(), key=lambda p: p.activities[name]).name
    return pools, pool_of


def _overlap_share(visits: list[Visit]) -> float:
    """The share of a resource's visits that start while another of its visits goes on."""
    ordered = sorted(visits, key=lambda v: v.started)
    busy_until, overlapping = float("-inf"), 0
    for visit in ordered:
        if visit.started < busy_until:
            overlapping += 1
        busy_until = max(busy_until, visit.ended)
    return overlapping / len(ordered)


def _shared_people(visits: list[Visit], resource_of: list[str], named: set[str]) -> dict[str, str]:
    """Resource -> pool: people who share an activity share a pool (named pools stay apart)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for visit, resource in zip(visits, resource_of, strict=True):
        if resource not in named:
            parent[find("activity:" + visit.stage)] = find(resource)
    members: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for visit, resource in zip(visits, resource_of, strict=True):
        if resource not in named:
            members[find(resource)][visit.stage] += 1
    names = {root: f"{counts.most_common(1)[0][0]} team" for root, counts in members.items()}
    return {r: r if r in named else names[find(r)] for r in resource_of}


def _peak(visits: Iterable[Visit]) -> int:
    """The most visits in progress at once."""
    ends: list[float] = []
    peak = 0
    for visit in sorted(visits, key=lambda v: v.started):
        while ends and ends[0] <= visit.started:
            heapq.heappop(ends)
        heapq.heappush(ends, visit.ended)
        peak = max(peak, len(ends))
    return peak


def _heads(members: list[Visit], people: list[str], start: float, end: float) -> np.ndarray:
    """Distinct people at work in each hour of the log (``members``: a pool's visits, and
    ``people``: who did each), summed per hour of the week (an hour the log covers only in
    part, between ``start`` and ``end``, counts for that part)."""
    at_work: defaultdict[int, set[str]] = defaultdict(set)
    for visit, person in zip(members, people, strict=True):
        first = int((visit.started + start) // 60)
        last = int((max(visit.started, visit.ended - 1e-9) + start) // 60)
        for hour in range(first, max(first, last) + 1):
            at_work[hour].add(person)
    heads = np.zeros(WEEK_HOURS)
    for hour, present in at_work.items():
        within = min(hour + 1.0, end / 60) - max(float(hour), start / 60)  # of the log's span
        heads[hour % WEEK_HOURS] += len(present) * min(max(within, 0.0), 1.0)
    return heads
