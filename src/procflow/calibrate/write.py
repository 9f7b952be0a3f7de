"""The fitted process as a file a PM reads and reviews: every number with its evidence.

The file is an ordinary process file (the keys of ``docs/format.md``, nothing
new), written so that a reviewer can judge each number where it stands: the
comment beside it says how many observations it rests on and, for a handling
time, which family was chosen and how well it fits. A number that rests on fewer
than :data:`FEW` observations is marked ``CHECK`` and listed among the warnings:
keep it only if it agrees with what the team knows.

- ``arrivals``: one stream; a ``rate``, or a ``schedule`` of windows by day and hour;
  and a ``batch`` stream for each time of day when many cases arrived at once.
- ``resources``: a pool per role (or per group of people, or per named pool); a
  ``count`` (the most visits at once) or a ``calendar`` of the people at work per
  hour of the week (the mean, rounded, at least one in any hour someone worked),
  with the observed utilization in a comment.
- ``stages``: a work stage per activity, with its fitted ``duration`` and its
  routing: the share of visits followed by each activity, the most common last
  (the default branch). Repeats in a case (rework) are a branch back, with their
  count in a comment. Activities done at the same time are a ``split`` into a
  branch each and a ``join`` where the routing after them is written; other
  activities that overlapped in time are noted. A case with several
  first activities starts at a ``start`` decision; cases end at ``done`` (or at
  the log's own end activities).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import numpy as np

from procflow.calibrate.fit import Fit
from procflow.calibrate.observe import END, START, Observed
from procflow.calibrate.people import Pool
from procflow.calibrate.week import (
    WEEK_HOURS,
    Drop,
    Window,
    batch_drops,
    rate_windows,
    shift_windows,
)
from procflow.model.calendar import clock_text, days_text

#: Fewer observations than this make a number a warning.
FEW = 30
#: The highest utilization a fitted pool is given (lint's ceiling, PF404): a pool with fewer
#: people than the fitted work needs at this utilization, in any hour, is given more.
CEILING = 0.9


@dataclass(frozen=True, slots=True)
class Header:
    """What the first comment lines say: the log, its size, what was skipped."""

    name: str
    lines: tuple[str, ...]


def process_text(
    observed: Observed, fits: dict[str, Fit], header: Header, warnings: list[str]
) -> str:
    """The process file of ``observed`` with the fitted ``fits``; appends to ``warnings``."""
    out = [f"# {line}" for line in header.lines]
    out += [f"process: {_q(header.name)}", "time_unit: minute", "", "arrivals:"]
    drops, steady = batch_drops(observed.arrivals)
    windows = _windows(steady, observed)
    out += _arrivals(observed, steady, windows, warnings) + _drops(drops)
    out += ["", "resources:"]
    rates = np.zeros(WEEK_HOURS)  # arrivals per minute, by hour of the week
    for window in windows:
        for day in window.days:
            rates[day * 24 + window.start : day * 24 + window.end] = window.value / 60
    for pool in observed.pools.values():
        activities = [a for a in fits if observed.pool_of[a] == pool.name]
        if activities:
            work = sum(fits[a].fitted_mean * fits[a].observations for a in activities)
            needed = rates * work / observed.cases / CEILING  # drops wait in the queue
            out += _pool(pool, observed, needed, warnings)
    out += ["", "stages:"]
    out += _stages(observed, fits, warnings)
    return "\n".join(out) + "\n"


def _q(name: str) -> str:
    return json.dumps(name, ensure_ascii=False)


def number(value: float) -> str:
    """A fitted number as written: four significant digits, no exponent."""
    text = f"{value:.4g}"
    return f"{value:.6f}".rstrip("0").rstrip(".") if "e" in text else text


def few(count: float, what: str, warnings: list[str]) -> str:
    """The comment's CHECK mark for a number resting on too few observations (and its warning)."""
    if count >= FEW:
        return ""
    warnings.append(f"{what}: only {count:,.0f} observations (fewer than {FEW})")
    return f"; CHECK: fewer than {FEW}"


def _windows(arrivals: np.ndarray, observed: Observed) -> list[Window]:
    """The arrival windows of the week (rates per hour); arrivals all at one moment are one
    rate over the log's span (at least an hour)."""
    hours = (arrivals // 60).astype(int) % WEEK_HOURS
    counts = np.bincount(hours, minlength=WEEK_HOURS)
    if observed.arrival_hours.sum() * 60 < 1:
        span = max(observed.span / 60, 1.0)
        return [Window(tuple(range(7)), 0, 24, len(arrivals) / span, len(arrivals))]
    return rate_windows(counts.astype(float), observed.arrival_hours)


def _drops(drops: list[Drop]) -> list[str]:
    out = []
    for drop in drops:
        at = clock_text(drop.at)
        out += [
            f"  - name: {_q('batch at ' + at)}",
            f"    # {drop.drops} drops of {drop.cases:,} cases in all, at {at} on "
            f"{days_text(drop.days)}: their median size",
            f'    batch: {{size: {drop.size}, days: {_days(drop.days)}, at: "{at}"}}',
        ]
    return out


def _arrivals(
    observed: Observed, steady: np.ndarray, windows: list[Window], warnings: list[str]
) -> list[str]:
    days = observed.span / 1440
    out = ["  - name: cases", f"    # {len(steady):,} cases arrived in {days:,.1f} days"]
    unseen = [d for d in range(7) if not observed.arrival_hours[d * 24 : d * 24 + 24].any()]
    if 0 < len(unseen) < 7:
        out.append(f"    # the log has no {days_text(unseen)}: taken as alike the days it has")
    whole = (
        len(windows) == 1 and len(windows[0].days) == 7 and windows[0].end - windows[0].start == 24
    )
    if whole:
        (window,) = windows
        note = few(window.observations, "the arrival rate", warnings)
        out.append(f"    rate: {_rate(window.value)}   # {window.observations:,.0f} arrivals{note}")
        return out
    out.append("    schedule:   # no arrivals outside these windows")
    for window in windows:
        what = f"arrivals {days_text(window.days)} {window.start:02d}:00-{window.end:02d}:00"
        note = few(window.observations, what, warnings)
        hours = f"{clock_text(window.start * 60)}-{clock_text(window.end * 60, end=True)}"
        out.append(
            f'      - {{days: {_days(window.days)}, hours: "{hours}", '
            f"rate: {_rate(window.value)}}}   # {window.observations:,.0f} arrivals{note}"
        )
    return out


def _rate(per_hour: float) -> str:
    """A rate per hour, or per day when under one an hour."""
    return f"{number(per_hour)} per hour" if per_hour >= 1 else f"{number(per_hour * 24)} per day"


def _pool(pool: Pool, observed: Observed, needed: np.ndarray, warnings: list[str]) -> list[str]:
    """The pool's staffing: never fewer than the fitted work ``needed`` per hour of the week."""
    out = [f"  {_q(pool.name)}:"]
    visits = sum(pool.activities.values())
    if pool.named:
        count = max(pool.peak, int(np.ceil(needed.max() - 1e-9)))
        raised = f" (raised from {pool.peak} for the fitted work)" if count > pool.peak else ""
        note = few(visits, f"pool {pool.name}", warnings)
        out.append(
            f"    count: {count}   # the most visits at once, of {visits:,}{raised}; "
            f"observed utilization {_share(pool.busy, pool.peak * observed.span)}{note}"
        )
        return out
    covered = observed.covered
    mean = np.divide(pool.heads, covered, out=np.zeros_like(covered), where=covered > 0)
    shifts = shift_windows(np.maximum(mean, needed), covered)
    if not shifts:  # the log covers no hour of work: one count for the whole week
        count = max(len(pool.people), int(np.ceil(needed.max() - 1e-9)), 1)
        out.append(f"    count: {count}   # {len(pool.people)} people did {visits:,} visits")
        return out
    out.append(
        f"    # {len(pool.people)} people did {visits:,} visits; observed utilization "
        f"{_share(pool.busy, float(pool.heads.sum()) * 60)} of the hours they were at work"
    )
    out.append("    calendar:   # people at work per hour of the week (the mean, rounded)")
    for index, shift in enumerate(shifts):
        hours = f"{clock_text(shift.start * 60)}-{clock_text(shift.end * 60, end=True)}"
        slots = [d * 24 + h for d in shift.days for h in range(shift.start, shift.end)]
        count = max(int(shift.value), int(np.ceil(needed[slots].max() - 1e-9)))
        seen = float(mean[slots].mean())
        raised = (
            f"; raised from {seen:.1f} at work for the fitted work" if count > seen + 0.5 else ""
        )
        out.append(
            f'      - {{name: shift {index + 1}, days: {_days(shift.days)}, hours: "{hours}", '
            f"count: {count}}}   # over {shift.observations:,.0f} hours seen{raised}"
        )
    return out


def _days(days: tuple[int, ...]) -> str:
    """Days as a PM writes them, quoted when a list (``"mon, wed"``) inside ``{...}``."""
    text = days_text(days)
    return f'"{text}"' if "," in text else text


def _share(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole > 0 else "unknown"


def _stages(observed: Observed, fits: dict[str, Fit], warnings: list[str]) -> list[str]:
    names = set(observed.order)
    end = _unique("done", names)
    start = _unique("start", names)
    firsts = Counter({b: n for (a, b), n in observed.routes.items() if a == START})
    order = [a for a in observed.order if a not in observed.ends]
    branch_of = {name: p for p in observed.parallels for name in p.branches}
    for parallel in observed.parallels:  # the split, its branches and the join together
        at = min(order.index(b) for b in parallel.branches)
        branches = [a for a in order if a in parallel.branches]
        order = [a for a in order if a not in parallel.branches]
        order[at:at] = [parallel.split, *branches, parallel.join]
    splits = {p.split: p for p in observed.parallels}
    joins = {p.join: p for p in observed.parallels}
    out: list[str] = []
    if len(firsts) > 1:
        out += [f"  {_q(start)}:", f"    # how the {sum(firsts.values()):,} cases began"]
        out += _next(firsts, warnings, start)
    elif firsts:  # the stage cases start at comes first (a split with its branches and join)
        (first,) = firsts
        block = (
            [first]
            if first not in splits
            else order[order.index(first) :][: len(splits[first].branches) + 2]
        )
        order = block + [a for a in order if a not in block]
    for activity in order:
        out += [f"  {_q(activity)}:"]
        if activity in splits:
            parallel = splits[activity]
            listed = ", ".join(_q(b) for b in parallel.branches)
            out += [
                f"    # {parallel.cases:,} cases did these at the same time",
                f"    split: [{listed}]",
                f"    join: {_q(parallel.join)}",
            ]
            continue
        if activity in joins:
            source = joins[activity].split
            out.append("    # where the parallel work meets; what came next:")
        else:
            source = activity
        out += [f"    resource: {_q(observed.pool_of[activity])}"] if activity in fits else []
        if activity in fits:
            out += [f"    {line}" for line in duration_lines(fits[activity], activity, warnings)]
        if observed.repeated[activity]:
            out.append(
                f"    # rework: {observed.repeated[activity]:,} cases did this more than once"
            )
        for (a, b), n in sorted(observed.overlaps.items()):
            if a == activity:
                out.append(
                    f"    # {n:,} times {b} started before this ended: parallel work? "
                    "(a split and join may fit better)"
                )
        if activity in branch_of:
            out.append(f"    next: {_q(branch_of[activity].join)}")
            continue
        following = Counter(
            {end if b == END else b: n for (a, b), n in observed.routes.items() if a == source}
        )
        out += _next(following or Counter({end: 0}), warnings, activity)
    for name in [*sorted(observed.ends), *([] if observed.ends else [end])]:
        out += [f"  {_q(name)}:", "    end: true"]
    return out


def _unique(name: str, taken: set[str]) -> str:
    while name in taken:
        name = f"{name}_"
    return name


def duration_lines(fit: Fit, activity: str, warnings: list[str]) -> list[str]:
    """The ``duration`` key of ``fit`` with the comment before it (lines at the key's level)."""
    note = few(fit.observations, f"the handling time of {activity}", warnings)
    if fit.kind == "fixed":
        value = fit.parameters["value"]
        assert isinstance(value, float)
        return [f"duration: {number(value)} min   # all {fit.observations:,} times the same{note}"]
    if fit.kind == "empirical":
        values = fit.parameters["values"]
        assert isinstance(values, tuple)
        lines = [
            f"# {fit.observations:,} times, mean {number(fit.mean)} min; empirical because "
            f"{fit.why}{note}",
            "duration:   # minutes, each value equally likely",
        ]
        texts = [number(v) for v in values]
        rows = [", ".join(texts[i : i + 12]) for i in range(0, len(texts), 12)]
        last = len(rows) - 1
        lines += [
            f"{'  empirical: [' if i == 0 else '    '}{row}{']' if i == last else ','}"
            for i, row in enumerate(rows)
        ]
        return lines
    parts = ", ".join(
        f"{key}: {number(value)}{'' if key == 'shape' else ' min'}"
        for key, value in fit.parameters.items()
        if isinstance(value, float)
    )
    return [
        f"# {fit.observations:,} times, mean {number(fit.mean)} min; {fit.kind} by AIC, "
        f"KS distance {fit.ks:.3f}{note}",
        f"duration: {{{fit.kind}: {{{parts}}}}}",
    ]


def _next(following: Counter[str], warnings: list[str], activity: str) -> list[str]:
    """The ``next`` of a stage from the counts of what followed it: one target, or the
    shares of all but the most common, which is the default branch, last."""
    total = sum(following.values())
    if len(following) == 1:
        ((target, n),) = following.items()
        return [f"    next: {_q(target)}   # {n:,} of {total:,}"]
    ranked = following.most_common()
    out = ["    next:"]
    note = few(total, f"the routing after {activity}", warnings)
    for target, n in ranked[1:]:
        share = max(round(n / total, 4), 0.0001)
        out += [
            f"      - to: {_q(target)}",
            f"        probability: {share}   # {n:,} of {total:,}{note}",
        ]
    target, n = ranked[0]
    out.append(f"      - to: {_q(target)}   # the rest: {n:,} of {total:,}")
    return out
