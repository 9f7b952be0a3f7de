"""QC by tenure: what escapes from new hires' work and from the rest, and what QC costs.

A pool of 20 onboards 5 new hires who make 3x the errors for their first weeks. QC
can sample 100% of the new hires' work and 10% of the rest, or 20% of everyone. With
each group ``g`` working on a share ``w_g`` of the items and leaving defects at a rate
``d_g``, sampled at ``s_g`` by a review that catches a share ``r`` of the defects it
sees, one review pass lets through

    escaped = sum over g of  w_g * d_g * (1 - s_g * r)

and reviews ``sum over g of w_g * s_g`` items per item (the QC load). The figures here
are that sum over the exact item classes (:mod:`procflow.analysis.classes`), for every
work stage whose new hires work differently and each sampled review it sends items to
straight away; the traffic equations give the same escaped share for the process as a
whole (:class:`~procflow.analysis.capacity.Quality`).

The new hires do their share ``p`` of the working people's *tasks*, as they work as fast
as the rest. Of the *items* they do a little less when more of their work comes back to
them as rework (``back_to: same_person``): with ``t_g`` the pool's tasks per item of group
``g``, ``w = p t_rest / (p t_rest + (1 - p) t_new)`` (:func:`by_tasks`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from procflow.analysis.classes import ItemClass, new_hire_pool
from procflow.analysis.traffic import Tally
from procflow.flow.compiler import Flow
from procflow.flow.routing import StageRule
from procflow.flow.truth import right_share
from procflow.model.tenure import NEW_HIRE


def by_tasks(
    flow: Flow, classes: Sequence[ItemClass], weights: Sequence[float], tallies: Sequence[Tally]
) -> list[float]:
    """The classes' weights with the new hires' share of the items that gives them their
    share of the pool's tasks (``tallies``: each class's traffic; the weights as they
    were without new hires, or when the groups' tasks per item are alike)."""
    pool = new_hire_pool(flow)
    at = flow.attributes.index(NEW_HIRE) if NEW_HIRE in flow.attributes else -1
    if pool is None or at < 0:
        return list(weights)
    people = flow.process.resources[pool].new_hire_share
    tasks = {True: 0.0, False: 0.0}
    for item_class, weight, tally in zip(classes, weights, tallies, strict=True):
        done = sum(tally.visits.get(r.index, 0.0) * r.worked for r in flow.rules if r.pool == pool)
        tasks[bool(item_class.row[at])] += weight * done
    if not 0 < people < 1 or tasks[True] <= 0 or tasks[False] <= 0:
        return list(weights)
    # per item of each group (each holds its share of the weights, people and 1 - people)
    new, rest = tasks[True] / people, tasks[False] / (1 - people)
    share = people * rest / (people * rest + (1 - people) * new)
    scale = {True: share / people, False: (1 - share) / (1 - people)}
    return [w * scale[bool(c.row[at])] for c, w in zip(classes, weights, strict=True)]


@dataclass(frozen=True)
class TenureGroup:
    """One group of workers at a stage: the new hires, or the rest."""

    group: str  #: "new hires" or "the rest"
    work: float  #: its share of the items worked on at the stage
    defect_rate: float  #: the share of its work that leaves a defect (a wrong decision)
    sampled: float  #: the share of its work the review samples
    escaped: float  #: the share of its work that goes on with a defect: d * (1 - s * r)


@dataclass(frozen=True)
class TenureFigures:
    """A work stage with new hires and the sampled review after it, group by group."""

    stage: str
    review: str
    detection_rate: float
    groups: tuple[TenureGroup, ...]

    @property
    def escaped(self) -> float:
        """The share of the stage's work that passes the review with a defect."""
        return sum(g.work * g.escaped for g in self.groups)

    @property
    def sampled(self) -> float:
        """The review's load: items it reviews per item the stage worked on."""
        return sum(g.work * g.sampled for g in self.groups)


def tenure_figures(
    flow: Flow, classes: Sequence[ItemClass], weights: Sequence[float]
) -> list[TenureFigures]:
    """The figures of every work stage with new hires' own figures and a sampled review
    it leads to directly, in file order (``weights``: each class's share of all items)."""
    found = []
    for rule in flow.rules:
        if rule.novice is None:
            continue
        targets = {t for _, _, t in rule.conditions} | {*rule.drawn, rule.default}
        for target in sorted(t for t in targets if t >= 0):
            review = flow.rules[target]
            if review.review is None or not review.sample:
                continue
            detection = review.review.detection_rate
            groups = tuple(
                _group(rule, review, detection, classes, weights, new) for new in (True, False)
            )
            found.append(
                TenureFigures(
                    rule.name, review.name, detection, tuple(g for g in groups if g is not None)
                )
            )
    return found


def _group(
    work: StageRule,
    review: StageRule,
    detection: float,
    classes: Sequence[ItemClass],
    weights: Sequence[float],
    new: bool,
) -> TenureGroup | None:
    """One group's figures, weighed over its item classes (None: it works on none)."""
    rule = work.novice if new and work.novice is not None else work
    total = defective = sampled = escaped = 0.0
    for item_class, weight in zip(classes, weights, strict=True):
        row = item_class.row
        if row[work.new_hire_at] is not new:
            continue
        d = _defect_rate(rule, row)
        s = review.sample_rate(row)
        total += weight
        defective += weight * d
        sampled += weight * s
        escaped += weight * d * (1 - s * detection)
    if total <= 0:
        return None
    return TenureGroup(
        "new hires" if new else "the rest",
        total / math.fsum(weights),
        defective / total,
        sampled / total,
        escaped / total,
    )


def _defect_rate(rule: StageRule, row: tuple[object, ...]) -> float:
    """The chance that this rule's work on an item of this class leaves it defective."""
    if rule.decision is not None:
        return 1 - right_share(rule.decision[row[rule.truth_at]])
    return rule.error_rate
