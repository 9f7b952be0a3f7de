"""What an event log says about a process, in the numbers a PM checks a model by.

``procflow validate`` holds a process file against what really happened: it
measures the real log and the logs the model simulates *the same way*, so that
a difference is the model's, not the measurement's. :class:`Profiler` is that
one way: it takes the visits of a log (read from a file, or from the engine as
an :class:`~procflow.eventlog.visit.EventSink`) and gives a :class:`LogProfile`:

- per case (the visits of one item, in start order): its **arrival** (the first
  enqueue time, or, when the real log has none, the first start), its **cycle
  time** (last end - arrival) and its **variant** (the activities it went
  through, in order; activities that overlap in time, the branches of a
  split, have no order between them and are written in name order);
- per activity: the mean **handling time** (end - start) and the mean **wait**
  (start - enqueue; without enqueue times, start - the end of the case's
  latest visit before it, 0 for its first);
- per pool: **utilization**, the handling time of its activities worked within
  the period, divided by the people working on it on average over the week
  (from the process file) times the period's length;
- **throughput per day**: the cases done by the period's end, per day of it;
- every event's time (each start and each end) and every arrival on the
  week's clock (hours from Monday 00:00 of the log's first week), for the
  distances of :mod:`procflow.analysis.distances` and the charts.

Only the cases that arrive in the *period* (:attr:`Lens.start`, for
:attr:`Lens.length`) count. Visits to end stages (procflow's logs record
delivery as one) are not activities and are left out; activities are named
by the stage they map to (:attr:`Lens.stage_of`), others keep their own name.
The profile keeps the times of every event, so it grows with the log.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from procflow.eventlog.visit import Visit

#: The arrow between the activities of a variant.
ARROW = " → "


@dataclass(frozen=True)
class Lens:
    """How to read a log against a process: times in the log's unit, from its time 0."""

    #: activity name -> stage name (an activity not here keeps its name)
    stage_of: Mapping[str, str]
    #: the process's end stages: a visit there is a delivery, not an activity
    ends: frozenset[str]
    #: work stage -> its pool
    pool_of: Mapping[str, str]
    #: pool -> people working on it, averaged over the week
    working: Mapping[str, float]
    #: the period: cases arriving from ``start`` for ``length`` count
    start: float
    length: float
    #: where the log's time 0 falls in its week, in the log's unit from Monday 00:00
    week: float
    #: hours per unit of the log's time
    hours: float
    #: waits and arrivals from enqueue times (the real log has them) or from starts
    queued: bool

    @property
    def day(self) -> float:
        """Units of the log's time per day."""
        return 24.0 / self.hours


@dataclass(frozen=True)
class LogProfile:
    """One log measured: values by key, and the samples the distances compare (hours)."""

    #: ``throughput_per_day``, ``cycle_time.mean|p50|p90``, ``stages.<s>.waiting_time``,
    #: ``stages.<s>.handling_time``, ``resources.<p>.utilization`` (times in the log's unit)
    values: dict[str, float]
    cycle_times: tuple[float, ...]
    arrivals: tuple[float, ...]
    events: tuple[float, ...]
    #: variant (activities joined by an arrow) -> cases
    variants: dict[str, int]
    cases: int
    #: the observations each value rests on (cases, or the visits of a stage or pool)
    counts: dict[str, int]


_Step = tuple[str, float | None, float, float]


class Profiler:
    """Collects the visits of a log (an :class:`EventSink`), then measures them."""

    def __init__(self, lens: Lens) -> None:
        self.lens = lens
        self._cases: defaultdict[str, list[_Step]] = defaultdict(list)

    def visit(self, visit: Visit) -> None:
        """Keep a visit, named by its stage; deliveries are left out."""
        stage = self.lens.stage_of.get(visit.stage, visit.stage)
        if stage not in self.lens.ends:
            self._cases[visit.case].append((stage, visit.enqueued, visit.started, visit.ended))

    def profile(self) -> LogProfile:
        """The measures of the visits seen (see the module's description)."""
        lens = self.lens
        end = lens.start + lens.length
        waits: defaultdict[str, list[float]] = defaultdict(list)
        handling: defaultdict[str, list[float]] = defaultdict(list)
        busy: defaultdict[str, float] = defaultdict(float)
        cycles: list[float] = []
        arrivals: list[float] = []
        events: list[float] = []
        variants: Counter[str] = Counter()
        done = 0
        for steps in self._cases.values():
            steps.sort(key=lambda s: (s[2], s[3]))
            arrival = min(_arrival(s, lens.queued) for s in steps)
            if not lens.start <= arrival <= end:
                continue
            last = max(s[3] for s in steps)
            cycles.append(last - arrival)
            done += last <= end
            arrivals.append(arrival)
            variants[_variant(steps)] += 1
            for k, (stage, enqueued, started, ended) in enumerate(steps):
                if lens.queued and enqueued is not None:
                    ready = enqueued
                else:
                    ready = max((s[3] for s in steps[:k] if s[3] <= started), default=arrival)
                waits[stage].append(started - ready)
                handling[stage].append(ended - started)
                pool = lens.pool_of.get(stage)
                if pool is not None:  # the work done within the period
                    busy[pool] += max(0.0, min(ended, end) - max(started, lens.start))
                events += (started, ended)
        values = {
            "throughput_per_day": done / (lens.length / lens.day) if lens.length else math.nan,
            "cycle_time.mean": math.fsum(cycles) / len(cycles) if cycles else math.nan,
            "cycle_time.p50": _decile(cycles, 5),
            "cycle_time.p90": _decile(cycles, 9),
        }
        counts = dict.fromkeys(values, len(cycles))
        for stage in lens.pool_of:
            for key, seen in (("waiting_time", waits), ("handling_time", handling)):
                values[f"stages.{stage}.{key}"] = _mean(seen.get(stage, []))
                counts[f"stages.{stage}.{key}"] = len(seen.get(stage, []))
        for pool, people in lens.working.items():
            capacity = people * lens.length
            key = f"resources.{pool}.utilization"
            values[key] = busy[pool] / capacity if capacity else math.nan
            counts[key] = sum(len(v) for s, v in handling.items() if lens.pool_of.get(s) == pool)
        hours, shift = lens.hours, lens.week
        return LogProfile(
            values,
            tuple(c * hours for c in cycles),
            tuple((a + shift) * hours for a in arrivals),
            tuple((t + shift) * hours for t in events),
            dict(variants),
            len(cycles),
            counts,
        )


def _arrival(step: _Step, queued: bool) -> float:
    enqueued = step[1]
    return enqueued if queued and enqueued is not None else step[2]


def _decile(values: list[float], k: int) -> float:
    """The ``k``-th decile, interpolated between order statistics (NaN without values)."""
    if len(values) < 2:
        return values[0] if values else math.nan
    return statistics.quantiles(values, n=10, method="inclusive")[k - 1]


def _mean(values: list[float]) -> float:
    return math.fsum(values) / len(values) if values else math.nan


def profile_of(visits: Iterable[Visit], lens: Lens) -> LogProfile:
    """The profile of a log already read."""
    profiler = Profiler(lens)
    for visit in visits:
        profiler.visit(visit)
    return profiler.profile()


def _variant(steps: list[_Step]) -> str:
    """The activities of a case in start order (``steps`` is sorted so), those that
    overlap in time (parallel work) in name order: which branch of a split started a
    moment earlier is not the path the case took."""
    names: list[str] = []
    group: list[str] = []
    until = -math.inf
    for stage, _, started, ended in steps:
        if group and started >= until:
            names.extend(sorted(group))
            group = []
        group.append(stage)
        until = max(until, ended) if len(group) > 1 else ended
    names.extend(sorted(group))
    return ARROW.join(names)
