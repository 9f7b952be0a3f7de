"""How far apart two event logs are: the distribution distances Simod reports.

When a model is checked against history, averages can agree while the shapes
differ: the same mean cycle time from a model where every case takes a day and
from history where half take an hour and half two days. The *earth mover's
distance* (EMD, the Wasserstein-1 distance) measures the shape: picture each
log's values as piles of earth along a line; the distance is how far, on
average, each unit of earth has to move to turn one pile into the other. Two
identical logs are 0 apart; a log whose every case took 3 hours longer is 3
hours away.

The four measures follow Simod's ``log-distance-measures`` package (Chapela-Campa
and Camargo), so that a figure here can be set beside a published one. Every
time is in hours; bins are one hour wide:

- :func:`cycle_time_emd`: each case's cycle time (last end - first start),
  less the shortest of both logs, in whole hours; the EMD of the two samples.
- :func:`absolute_emd`: each event's time (every start and every end) on the
  clock, in whole hours; the EMD. Used for events and, on each case's arrival
  only, for arrivals (Simod's *case arrival distribution*).
- :func:`circadian_emd`: per day of the week, the EMD of the hour of the day
  (0-23) of that day's events; the mean over the seven days. A day with events
  in one log and none in the other counts as 23 (the farthest two hours are);
  a day with none in either, 0.

Times are hours on the week's clock: 0 is Monday 00:00 of the week the log
starts in, so ``t // 24 % 7`` is the day (0 Monday) and ``t % 24`` the hour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

#: The distance of a day of the week with events in one log only (Simod: 23 hours).
MISSING_DAY = 23.0


def emd(first: Sequence[float], second: Sequence[float]) -> float:
    """The earth mover's (Wasserstein-1) distance between two samples; NaN if one is empty."""
    if not first or not second:
        return math.nan
    from scipy.stats import wasserstein_distance

    return float(wasserstein_distance(first, second))


def _bins(values: Sequence[float], origin: float = 0.0) -> list[int]:
    """Each value's whole hours after ``origin`` (one-hour bins)."""
    return [math.floor(v - origin) for v in values]


def cycle_time_emd(first: Sequence[float], second: Sequence[float]) -> float:
    """The EMD of two logs' cycle times (hours), binned by the hour from the shortest."""
    if not first or not second:
        return math.nan
    shortest = min(min(first), min(second))
    return emd(_bins(first, shortest), _bins(second, shortest))


def absolute_emd(first: Sequence[float], second: Sequence[float]) -> float:
    """The EMD of two logs' event times (hours on the week's clock), binned by the clock hour."""
    return emd(_bins(first), _bins(second))


def circadian_emd(first: Sequence[float], second: Sequence[float]) -> float:
    """The mean over the days of the week of the EMD of the hours of the day of their events."""
    if not first or not second:
        return math.nan
    hours: tuple[list[list[int]], list[list[int]]] = (
        [[] for _ in range(7)],
        [[] for _ in range(7)],
    )
    for log, times in zip(hours, (first, second), strict=True):
        for t in times:
            whole = math.floor(t)
            log[whole // 24 % 7].append(whole % 24)
    days = []
    for one, other in zip(*hours, strict=True):
        if one and other:
            days.append(emd(one, other))
        else:
            days.append(MISSING_DAY if one or other else 0.0)
    return math.fsum(days) / 7
