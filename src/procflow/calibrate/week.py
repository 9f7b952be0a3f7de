"""The working week of a log: how many items arrived, and how many people worked, hour by hour.

Arrivals peak in the afternoon and fall at night; people work shifts. Both are
counted per **hour of the week** (Monday 00:00-01:00 is hour 0, Sunday
23:00-24:00 hour 167) in the team's local time, and then written the way a PM
writes them: a few windows of days and hours, not 168 numbers.

- **Arrival rates** (:func:`rate_windows`): the days are taken together when
  weekdays and weekends arrive at the same rate, else apart; within them,
  neighbouring hours share a window while their counts agree with one rate
  (within four standard deviations of a Poisson count; then neighbouring
  windows whose rates agree are merged), and a rate that is
  the same all week is one ``rate``. An hour the log never covered, or where
  nothing arrived, has no window (no arrivals then).
- **Batch drops** (:func:`batch_drops`): a minute in which at least
  :data:`BATCH_MIN` cases arrived, and ten times more than the log's average
  minute, is a drop; drops at the same time of day are one ``batch`` stream, on
  the days they happened, of their median size. Their cases are left out of the
  rates.
- **People on duty** (:func:`shift_windows`): two hours are *near* when their
  people at work differ by at most a quarter of the busiest hour's, or by at
  most one person. Days whose every hour is near the others' are taken
  together (all days, else weekdays and weekends); neighbouring hours near one
  mean are one shift, of that mean rounded to whole people, and a single hour
  between two shifts joins the one before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: The fewest cases that arrive in one minute to be a batch drop.
BATCH_MIN = 10
#: The hours of a week.
WEEK_HOURS = 168
#: How many standard deviations a count may be from its window's rate and still belong to it
#: (four: among the 168 hours of a week, three would split a steady rate by chance).
Z = 4.0
#: People at work differ by chance from hour to hour: hours within this share of the busiest
#: hour's people (or one person, whichever is more) of each other are one shift.
SHIFT_TOLERANCE = 0.25
_WEEKDAYS = tuple(range(5))
_WEEKENDS = (5, 6)


def hours_covered(start: float, end: float) -> np.ndarray:
    """How many hours of each hour of the week lie between two minutes of the local week
    timeline (0 is a Monday 00:00; a log may run over many weeks)."""
    covered = np.zeros(WEEK_HOURS)
    hour = int(start // 60)
    while hour * 60 < end:
        part = (min((hour + 1) * 60, end) - max(hour * 60, start)) / 60
        covered[hour % WEEK_HOURS] += part
        hour += 1
    return covered


@dataclass(frozen=True, slots=True)
class Drop:
    """Batch drops at one time of day (``at``, minutes from midnight) on ``days``: ``size`` is
    their median number of cases, ``drops`` how many there were, ``cases`` all their cases."""

    days: tuple[int, ...]
    at: int
    size: int
    drops: int
    cases: int


def batch_drops(arrivals: np.ndarray) -> tuple[list[Drop], np.ndarray]:
    """The batch drops among arrivals (minutes of the week timeline), and the arrivals that
    are not in one."""
    minutes = np.floor(arrivals).astype(np.int64)
    if len(minutes) == 0:
        return [], arrivals
    values, counts = np.unique(minutes, return_counts=True)
    span = max(float(minutes.max() - minutes.min()) + 1, 1.0)
    threshold = max(BATCH_MIN, 10 * len(minutes) / span)
    dropped = values[counts >= threshold]
    by_time: dict[int, list[tuple[int, int]]] = {}
    for minute, count in zip(values, counts, strict=True):
        if count >= threshold:
            week_minute = int(minute) % (WEEK_HOURS * 60)
            by_time.setdefault(week_minute % 1440, []).append((week_minute // 1440, int(count)))
    drops = [
        Drop(
            tuple(sorted({day for day, _ in seen})),
            at,
            int(np.median([c for _, c in seen])),
            len(seen),
            sum(c for _, c in seen),
        )
        for at, seen in sorted(by_time.items())
    ]
    return drops, arrivals[~np.isin(minutes, dropped)]


@dataclass(frozen=True, slots=True)
class Window:
    """A stretch of the week: ``days`` (0 is Monday), from ``start`` to ``end`` (hours of the
    day, ``end`` up to 24), with ``value`` (a rate per hour, or people on duty), resting on
    ``observations`` (items counted, or hours seen)."""

    days: tuple[int, ...]
    start: int
    end: int
    value: float
    observations: float


def rate_windows(counts: np.ndarray, covered: np.ndarray) -> list[Window]:
    """Arrival windows (rates per hour) from counts and hours covered per hour of the week."""
    together = _pooled(counts, covered, range(7))
    weekdays = _pooled(counts, covered, _WEEKDAYS)
    weekends = _pooled(counts, covered, _WEEKENDS)
    groups: list[tuple[int, ...]] = [tuple(range(7))]
    if _differ(weekdays, weekends):
        groups = [_WEEKDAYS, _WEEKENDS]
    windows = []
    for days in groups:
        c, e = _pooled(counts, covered, days) if len(days) < 7 else together
        windows += [
            Window(days, a, b, total / hours, total)
            for a, b, total, hours in _runs(c, e)
            if total > 0
        ]
    return windows


def _pooled(
    counts: np.ndarray, covered: np.ndarray, days: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Counts and hours covered per hour of the day, over ``days``."""
    c = counts.reshape(7, 24)[list(days)].sum(axis=0)
    e = covered.reshape(7, 24)[list(days)].sum(axis=0)
    return c, e


def _differ(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> bool:
    """Whether two groups of days arrive at different rates (over the hours both cover)."""
    both = (a[1] > 0) & (b[1] > 0)
    if not both.any():
        return bool(a[1].sum() and b[1].sum())
    (ca, ea), (cb, eb) = ((c[both].sum(), e[both].sum()) for c, e in (a, b))
    ra, rb = ca / ea, cb / eb
    return bool(abs(ra - rb) > Z * np.sqrt(max(ra / ea + rb / eb, 1e-12)))


def _runs(counts: np.ndarray, covered: np.ndarray) -> list[tuple[int, int, float, float]]:
    """Neighbouring hours whose counts agree with one rate: (start, end, count, hours)."""
    runs: list[list[float]] = []
    for hour in range(24):
        c, e = float(counts[hour]), float(covered[hour])
        if e == 0:
            runs.append([hour, hour + 1, 0.0, 0.0])
            continue
        if runs and runs[-1][3] > 0 and runs[-1][1] == hour:
            expected = runs[-1][2] / runs[-1][3] * e
            if abs(c - expected) <= Z * np.sqrt(max(expected, 1.0)):
                runs[-1][1:] = [hour + 1, runs[-1][2] + c, runs[-1][3] + e]
                continue
        runs.append([hour, hour + 1, c, e])
    merged: list[list[float]] = []
    for run in runs:
        if merged and merged[-1][3] > 0 and run[3] > 0 and merged[-1][1] == run[0]:
            (c1, e1), (c2, e2) = merged[-1][2:], run[2:]
            r1, r2 = c1 / e1, c2 / e2
            if abs(r1 - r2) <= Z * np.sqrt(max(r1 / e1 + r2 / e2, 1 / e1 + 1 / e2)):
                merged[-1][1:] = [run[1], c1 + c2, e1 + e2]
                continue
        merged.append(run)
    return [(int(a), int(b), c, e) for a, b, c, e in merged if e > 0]


def shift_windows(heads: np.ndarray, hours: np.ndarray) -> list[Window]:
    """Shifts from the mean people at work per hour of the week (``heads``), with ``hours``
    seen of each: days taken together where their hours are near (see the module), and
    neighbouring hours one shift while they stay near its mean; each shift's count is that
    mean rounded (at least one where anyone worked)."""
    by_day = heads.reshape(7, 24).copy()
    seen = hours.reshape(7, 24).copy()
    unseen = seen.sum(axis=1) == 0
    if unseen.any() and not unseen.all():  # days the log lacks: like the days it has
        by_day[unseen] = _mean_profile(by_day, seen, [d for d in range(7) if not unseen[d]])
        seen[unseen] = 1.0
    near = max(SHIFT_TOLERANCE * float(heads.max()), 1.0)
    groups: list[tuple[int, ...]] = []
    for candidate in (tuple(range(7)), _WEEKDAYS, _WEEKENDS):
        if set(candidate) & {d for g in groups for d in g}:
            continue
        profile = _mean_profile(by_day, seen, candidate)
        if all(np.all(np.abs(by_day[d] - profile)[seen[d] > 0] <= near) for d in candidate):
            groups.append(candidate)
    groups += [(d,) for d in range(7) if all(d not in g for g in groups)]
    windows: list[Window] = []
    for days in sorted(groups):
        profile = _mean_profile(by_day, seen, days)
        weight = seen[list(days)].sum(axis=0)
        runs: list[list[float]] = []
        for hour in range(24):
            value = float(profile[hour])
            if runs and value > 0 and runs[-1][2] > 0 and abs(value - runs[-1][2]) <= near:
                a, _, mean, w = runs[-1]
                total = w + weight[hour]
                merged = (mean * w + value * weight[hour]) / total if total else mean
                runs[-1] = [a, hour + 1, merged, total]
            else:
                runs.append([hour, hour + 1, value, float(weight[hour])])
        for a, b, mean, w in _absorb_blips(runs):
            count = float(max(1, int(mean + 0.5)))
            last = windows[-1] if windows else None
            if mean <= 0:
                continue
            if last and last.days == days and last.end == a and last.value == count:
                windows[-1] = Window(days, last.start, int(b), count, last.observations + w)
            else:
                windows.append(Window(days, int(a), int(b), count, w))
    return windows


def _absorb_blips(runs: list[list[float]]) -> list[list[float]]:
    """Runs with each one-hour run between two others (of people at work) merged into the one
    before it: an hour's chance dip or peak is no shift of its own."""
    merged: list[list[float]] = []
    for index, run in enumerate(runs):
        blip = run[1] - run[0] == 1 and 0 < index < len(runs) - 1 and run[2] > 0
        if blip and merged and merged[-1][2] > 0:
            a, _, mean, w = merged[-1]
            total = w + run[3]
            merged[-1] = [a, run[1], (mean * w + run[2] * run[3]) / total if total else mean, total]
        else:
            merged.append(run)
    return merged


def _mean_profile(by_day: np.ndarray, seen: np.ndarray, days: Sequence[int]) -> np.ndarray:
    """The mean per hour of the day over ``days``, weighted by the hours seen (an hour never
    seen: the plain mean of its values, such as the people the fitted work needs)."""
    total = seen[list(days)].sum(axis=0)
    summed = (by_day[list(days)] * seen[list(days)]).sum(axis=0)
    plain = by_day[list(days)].mean(axis=0)
    profile: np.ndarray = np.divide(summed, total, out=plain.copy(), where=total > 0)
    return profile
