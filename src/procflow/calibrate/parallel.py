"""Parallel work in a log: activities of one case done at the same time, as a split and join.

Double annotation, a policy check beside a legal check: the SOP forks the work,
and the log shows it as two activities of one case that overlap in time. A set
of activities is **parallel** when, in at least :data:`MIN_CASES` cases and in at
least half of the cases that did them all, they were in progress at once (each
started before the others of the set had ended). The fitted file writes such a
set as a ``split`` into one branch per activity and a ``join`` after them, where
the routing of what came next is written.

In the routes of a case, a parallel set counts as one step (its split stage),
whether its activities overlapped that time or came one after the other, and so
does any run of its activities (one of them alone, when an export lost a row).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from procflow.eventlog.visit import Visit

#: The fewest cases in which a set of activities overlapped to be written as parallel work.
MIN_CASES = 30


@dataclass(frozen=True, slots=True)
class Parallel:
    """A parallel set: its ``branches`` (activities), the ``split`` and ``join`` stage names,
    and how many ``cases`` did them at once."""

    branches: tuple[str, ...]
    split: str
    join: str
    cases: int


def find_parallel(
    together: Counter[frozenset[str]], variants: Counter[tuple[str, ...]], taken: set[str]
) -> list[Parallel]:
    """The parallel sets among the sets of activities in progress at once ``together`` (and
    in how many cases, of :func:`overlapping`), with the cases of each variant (its
    activities, by start); named apart from the ``taken`` names."""
    chosen: list[Parallel] = []
    used: set[str] = set()
    for names, count in together.most_common():
        if count < MIN_CASES or names & used:
            continue
        all_of = sum(n for variant, n in variants.items() if names <= set(variant))
        if count * 2 < all_of:
            continue
        branches = tuple(sorted(names))
        split = _unique(" and ".join(branches) + " at once", taken)
        join = _unique("after " + " and ".join(branches), taken | {split})
        chosen.append(Parallel(branches, split, join, count))
        used |= names
        taken |= {split, join}
    return chosen


def overlapping(case: Sequence[Visit]) -> list[list[Visit]]:
    """The case's visits in groups that were in progress at once (by start)."""
    groups: list[list[Visit]] = []
    until = float("-inf")
    for visit in case:
        if groups and visit.started < until:
            groups[-1].append(visit)
        else:
            groups.append([visit])
            until = float("-inf")
        until = max(until, visit.ended)
    return groups


def steps(names: Sequence[str], parallels: Sequence[Parallel]) -> list[str]:
    """A case's route with each run of a parallel set's activities as its split stage."""
    member = {name: p for p in parallels for name in p.branches}
    out: list[str] = []
    index = 0
    while index < len(names):
        parallel = member.get(names[index])
        if parallel is None:
            out.append(names[index])
            index += 1
            continue
        seen: set[str] = set()
        while index < len(names) and names[index] in parallel.branches and names[index] not in seen:
            seen.add(names[index])
            index += 1
        out.append(parallel.split)
    return out


def _unique(name: str, taken: set[str]) -> str:
    while name in taken:
        name = f"{name}_"
    return name
