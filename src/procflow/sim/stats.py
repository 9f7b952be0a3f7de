"""Streaming statistics: memory bounded by the model, never by the number of items.

Percentiles come from a fine log-spaced histogram (0.5% bins from a millionth
of a time unit to ten million units), counts and sums from running totals, and
queue lengths and utilization from time-weighted areas.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence

#: Bin edges grow by this factor: quantiles are exact to about ±0.25%.
RATIO = 1.005
LOW = 1e-6
_LOG_RATIO = math.log(RATIO)
BINS = int(math.log(1e7 / LOW) / _LOG_RATIO) + 2


#: Samples of queues, staff and work in progress per replication (bounded memory): the
#: time series behind the charts, and the evidence for a queue that keeps growing.
SAMPLES = 240


class Histogram:
    """Counts of positive values in log-spaced bins (plus an exact count of zeros)."""

    __slots__ = ("count", "counts", "maximum", "total", "zeros")

    def __init__(self) -> None:
        self.counts = [0] * BINS
        self.zeros = 0
        self.count = 0
        self.total = 0.0
        self.maximum = 0.0

    def add(self, value: float) -> None:
        """Record one value."""
        self.count += 1
        self.total += value
        if value > self.maximum:
            self.maximum = value
        if value <= LOW:
            self.zeros += 1
            return
        index = int(math.log(value / LOW) / _LOG_RATIO) + 1
        self.counts[index if index < BINS else BINS - 1] += 1

    @property
    def mean(self) -> float:
        """The exact mean of the recorded values."""
        return self.total / self.count if self.count else math.nan

    def quantile(self, q: float) -> float:
        """The ``q``-quantile (0..1), interpolated geometrically within its bin."""
        return self.quantiles((q,))[0]

    def quantiles(self, qs: Sequence[float]) -> list[float]:
        """The ``q``-quantiles (0..1) of ``qs``: one pass over the bins for all of them (a
        replication asks for 99 percentiles, and a pass is 6,000 bins)."""
        if not self.count:
            return [math.nan] * len(qs)
        # cumulative counts: the values in bins 0..i (bin 0 holds the zeros)
        below = list(itertools.accumulate(self.counts[1:], initial=self.zeros))
        found = []
        for q in qs:
            rank = q * self.count
            if rank <= self.zeros:
                found.append(0.0)
                continue
            index = bisect.bisect_left(below, rank)  # the first bin that reaches the rank
            if index >= BINS:
                found.append(self.maximum)
                continue
            seen = float(below[index - 1])
            low = LOW * RATIO ** (index - 1)
            fraction = (rank - seen) / self.counts[index]
            found.append(float(min(low * RATIO**fraction, self.maximum)))
        return found

    def fraction_at_most(self, limit: float) -> float:
        """Share of values <= ``limit`` (bin-interpolated)."""
        if not self.count:
            return math.nan
        if limit <= LOW:
            return self.zeros / self.count
        position = math.log(limit / LOW) / _LOG_RATIO + 1
        whole = min(int(position), BINS)
        below = float(self.zeros + sum(self.counts[1:whole]))
        if whole < BINS:
            below += self.counts[whole] * (position - whole)
        return min(below / self.count, 1.0)


class TimeAverage:
    """The time-weighted average and maximum of a level (queue length, busy staff)."""

    __slots__ = ("area", "level", "maximum", "since", "start")

    def __init__(self, start: float = 0.0) -> None:
        self.level = 0
        self.area = 0.0
        self.since = start
        self.start = start
        self.maximum = 0

    def move(self, now: float, delta: int) -> None:
        """Change the level by ``delta`` at time ``now``."""
        self.area += self.level * (now - self.since)
        self.since = now
        self.level += delta
        if self.level > self.maximum:
            self.maximum = self.level

    def reset(self, now: float) -> None:
        """Forget the past (end of warm-up), keeping the current level."""
        self.area = 0.0
        self.since = now
        self.start = now
        self.maximum = self.level

    def mean(self, now: float) -> float:
        """The average level from the last reset to ``now``."""
        span = now - self.start
        return (self.area + self.level * (now - self.since)) / span if span > 0 else 0.0


class IntervalTally:
    """Per interval of the week, the tasks that joined a queue and those answered in time.

    A task counts in the interval it started waiting in (the week repeats); it is
    answered in time if its wait was at most ``within``, and never if it left the
    queue (escalated) first. Memory: two counters per interval.
    """

    __slots__ = ("length", "met", "period", "tasks", "within")

    def __init__(self, length: float, period: float, within: float) -> None:
        self.length = length
        self.period = period
        self.within = within
        count = max(round(period / length), 1)
        self.tasks = [0] * count
        self.met = [0] * count

    def add(self, enqueued: float, wait: float, answered: bool = True) -> None:
        """Record one task that started waiting at ``enqueued`` and waited ``wait``."""
        k = int((enqueued % self.period) // self.length)
        if k >= len(self.tasks):
            k = len(self.tasks) - 1  # rounding at the end of the week
        self.tasks[k] += 1
        if answered and wait <= self.within:
            self.met[k] += 1
