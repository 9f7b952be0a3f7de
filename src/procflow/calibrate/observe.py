"""What an event log shows about a process: arrivals, handling times, routes and people.

A :class:`Tally` takes the cases of a log one at a time, whole (in any order:
:mod:`~procflow.calibrate.stream` gives them as they end), and its work visits
in the order they started (:mod:`~procflow.calibrate.people`), and keeps only
counts: per activity, per resource, per variant (the activities of a case, in
order), and a sample of handling times (:class:`~procflow.calibrate.fit.Sample`).
It collects what a process file needs, before anything is fitted (a row that
repeats another visit of its case exactly, as exports sometimes write twice, is
counted once):

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

What comes first (the order of activities, pools and routes in the file, and
which of two equal counts wins) is what comes first in the log by case id and
start, whatever the order the cases were given in: a log calibrates the same
whatever the order of its rows.

Local time: the minutes of the week are counted in the zone given, with the
offset it has at the log's first event (a change to summer time within the log
shifts later hours by one).
"""

from __future__ import annotations

import struct
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from itertools import pairwise
from typing import Any

import numpy as np

from procflow.calibrate.fit import Sample
from procflow.calibrate.parallel import Parallel, find_parallel, overlapping, steps
from procflow.calibrate.people import People, Pool
from procflow.calibrate.week import hours_covered
from procflow.eventlog.visit import Visit, case_order

#: Where a route starts or ends, in :attr:`Observed.routes`.
START, END = "", ""
#: The column of the role, when there is one (a pool per role); as Simod and PM4Py name it.
ROLE_COLUMNS = ("role", "org:role")
#: A visit's times as bytes, to tell it by (with its case and activity).
_TIMES = struct.Struct("dd").pack


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
    durations: dict[str, Sample]
    ends: set[str]
    routes: Counter[tuple[str, str]]
    repeated: Counter[str]  # cases that did an activity more than once
    overlaps: Counter[tuple[str, str]]  # overlapping activities that are not parallel sets
    parallels: list[Parallel]  # routes name them by their split stage
    pools: dict[str, Pool]
    pool_of: dict[str, str]  # activity -> pool name
    order: list[str]  # activities, in the order cases reach them


def week_shift(origin: datetime, zone: tzinfo) -> float:
    """The minute of the local week timeline (0 a Monday 00:00) of ``origin``, a datetime:
    the log's minute 0."""
    local = origin.astimezone(zone)
    monday = local.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
        days=local.weekday()
    )
    return float((local - monday) / timedelta(minutes=1))


class Tally:
    """What a log shows, counted as it is read (see the module). ``shift`` is the log's
    minute 0 on the week timeline; ``role`` the column of the role, if given."""

    def __init__(self, shift: float, role: str | None) -> None:
        self.shift = shift
        self.people = People(shift)
        self.roles = (role,) if role is not None else ROLE_COLUMNS
        self._given = role is not None
        self.samples: defaultdict[str, Sample] = defaultdict(Sample)
        self.cases = 0
        self.arrivals = array("d")  # the cases' arrivals, in minutes of the log
        self.end = 0.0
        self.variants: Counter[tuple[str, ...]] = Counter()
        self.timeless: Counter[str] = Counter()
        self.overlaps: Counter[tuple[str, str]] = Counter()
        self.together: Counter[frozenset[str]] = Counter()
        self._first: dict[Any, Any] = {}  # variant or parallel set -> where it is first seen
        self._role_columns: set[tuple[str, str]] = set()  # (column, activity) with a value

    def work(self, visit: Visit, order: Any) -> None:
        """A work visit (none started before the last one given): who did it, its handling
        time; ``order`` is its place in the log by case, comparable with the others'."""
        attributes = visit.attributes
        roles = tuple([str(attributes[c]) if c in attributes else "" for c in self.roles])
        if any(roles):
            pairs = zip(self.roles, roles, strict=True)
            self._role_columns.update((c, visit.stage) for c, r in pairs if r)
        self.people.visit(visit, order, roles)
        key = _TIMES(visit.started, visit.ended) + f"{visit.case}\0{visit.stage}".encode()
        self.samples[visit.stage].add(visit.ended - visit.started, key)

    def case(self, case: list[Visit]) -> None:
        """A case's visits, by start (and end), without exact repeats."""
        key = case_order(case[0].case)
        self.cases += 1
        self.arrivals.append(min(v.started if v.enqueued is None else v.enqueued for v in case))
        self.end = max(self.end, max(v.ended for v in case))
        names = tuple(v.stage for v in case)
        self.variants[names] += 1
        self._seen(names, (key, 0))
        for visit, following in zip(case, [*case[1:], None], strict=True):
            if visit.pool is None and visit.ended == visit.started:
                self.timeless[visit.stage] += 1
            if following is not None and following.started < visit.ended:
                self.overlaps[(visit.stage, following.stage)] += 1
        for index, group in enumerate(overlapping(case)):
            stages = [v.stage for v in group]
            if len(stages) > 1 and len(set(stages)) == len(stages):
                together = frozenset(stages)
                self.together[together] += 1
                self._seen(together, (key, index))

    def _seen(self, what: Any, where: Any) -> None:
        first = self._first.get(what)
        if first is None or where < first:
            self._first[what] = where

    def _ordered(self, counts: Counter[Any]) -> Counter[Any]:
        """``counts`` in the order the log first shows them, by case."""
        return Counter({k: counts[k] for k in sorted(counts, key=self._first.__getitem__)})

    def role(self, ends: set[str]) -> int | None:
        """The index of the role column among those counted: the one given, or the first
        that has a value in the log's work (the visits of ``ends`` left out)."""
        if self._given:
            return 0
        valued = {column for column, stage in self._role_columns if stage not in ends}
        return next((i for i, c in enumerate(self.roles) if c in valued), None)

    def ends(self) -> set[str]:
        """The activities that are ends: always last (never first), instant, no resource."""
        seen, last = self._per_activity(self._ordered(self.variants))[:2]
        firsts = {names[0] for names in self.variants}
        timeless = self.timeless
        return {n for n, k in seen.items() if last[n] == k == timeless[n] and n not in firsts}

    def _per_activity(
        self, variants: Counter[tuple[str, ...]]
    ) -> tuple[Counter[str], Counter[str], defaultdict[str, float], Counter[str]]:
        """Per activity: the visits, the cases it ended, the sum of its places in them, and
        the cases that did it more than once."""
        seen: Counter[str] = Counter()
        last: Counter[str] = Counter()
        repeated: Counter[str] = Counter()
        position: defaultdict[str, float] = defaultdict(float)
        for names, count in variants.items():
            last[names[-1]] += count
            for index, name in enumerate(names):
                seen[name] += count
                position[name] += index * count
            for name, times in Counter(names).items():
                if times > 1:
                    repeated[name] += count
        return seen, last, position, repeated

    def observed(self, duplicates: int) -> Observed:
        """Everything counted (see the module); ``duplicates`` rows repeated another.
        Raises :class:`~procflow.calibrate.people.Mixed` when the work visits given
        included ends that have to be left out."""
        variants = self._ordered(self.variants)
        seen, _, position, repeated = self._per_activity(variants)
        ends = self.ends()
        parallels = find_parallel(self._ordered(self.together), variants, set(seen))
        together = {(a, b) for p in parallels for a in p.branches for b in p.branches}
        overlaps = Counter({pair: n for pair, n in self.overlaps.items() if pair not in together})
        routes: Counter[tuple[str, str]] = Counter()
        open_cases = 0
        for variant, count in variants.items():
            names = steps(variant, parallels)
            routes[(START, names[0])] += count
            for pair in pairwise(names):
                routes[pair] += count
            if names[-1] not in ends:
                if ends:
                    open_cases += count
                else:
                    routes[(names[-1], END)] += count
        pools, pool_of = self.people.pools(self.role(ends), ends, self.end)
        order = sorted(seen, key=lambda name: (name in ends, position[name] / seen[name]))
        arrivals = np.asarray(self.arrivals) + self.shift
        return Observed(
            cases=self.cases,
            duplicates=duplicates,
            open_cases=open_cases,
            arrivals=arrivals,
            arrival_hours=hours_covered(float(arrivals.min()), float(arrivals.max())),
            covered=hours_covered(self.shift, self.shift + self.end),
            span=self.end,
            durations={n: self.samples[n] for n in seen if n not in ends and n in self.samples},
            ends=ends,
            routes=routes,
            repeated=repeated,
            overlaps=overlaps,
            parallels=parallels,
            pools=pools,
            pool_of=pool_of,
            order=order,
        )
