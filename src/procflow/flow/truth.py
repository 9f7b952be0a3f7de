"""An item's truth and model score, compiled: the one definition the simulator and analysis read.

A process with ``truth`` gives each arriving item two more attributes after its own:
its true class (with the share of the first ``prevalence`` rule whose condition holds
on its other attributes) and, with a ``score``, a model's score drawn from the
distribution of its class. Two classes are the plain case: the attribute is true for
a violating item, false for a benign one. With ``classes`` (hate, spam, nudity,
benign) it holds the class name, and the ``keep`` class takes the share the others
leave. Conditions read both like any attribute (``when: policy == "hate"``, ``when:
score >= 0.9``). The simulator draws them (:meth:`TruthRule.class_of`); the analysis
splits each class of items by them, exactly (see :mod:`procflow.analysis.classes`).

An item's decision is the quality model's defect, as a number: 0 when the decision
is its true class, ``k`` when it is the ``k``-th other class of :attr:`TruthRule.order`
(the keep class first, then the others as written). With two classes the only wrong
decision is 1 (a violating item kept, a benign one removed), so the defect is the
plain defect bit of a process without truth; a stage's error (``error_rate``) or a
consensus's wrong answer is that decision 1 with more classes too: a violating item
kept up, a kept one removed as the first class that is not kept. An item no stage
decided on yet stays up (:meth:`TruthRule.undecided_wrong`).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from procflow.model.distributions import Distribution
from procflow.model.process import Process
from procflow.model.quality import Prevalence


def clamp(share: float) -> float:
    """A share within 0..1: lint refuses others (PF201); clamped, a broken file stays
    analysable (NaN: 0)."""
    return min(max(share, 0.0), 1.0) if share == share else 0.0


if TYPE_CHECKING:  # routing compiles the truth with the stages: it imports this module
    from procflow.flow.routing import Predicate, Row


@dataclass(frozen=True, slots=True)
class TruthRule:
    """Where an item's truth and score sit in its row, and how they are drawn."""

    #: the row position of the truth (its class: True/False, or a class name)
    at: int
    #: (predicate or None for always, ((class, cumulative share), ...)) rules, the first
    #: that holds wins; the rest of the items are of class :attr:`rest`
    prevalence: tuple[tuple[Predicate | None, tuple[tuple[object, float], ...]], ...]
    #: the row position of the score (-1: none), and per class its distribution's name and
    #: the distribution (violating classes: positive, kept ones: negative, unless the
    #: score gives the class one of its own)
    score_at: int
    scores: Mapping[object, tuple[str, Distribution]]
    #: the row position of the attribute the false negatives and positives are broken down
    #: by (-1: none)
    by_at: int
    #: the classes (True, False without ``classes``), those whose items stay up, and the
    #: class of the items no prevalence rule gives a class (the first kept one)
    classes: tuple[object, ...] = (True, False)
    kept: frozenset[object] = frozenset({False})
    rest: object = False
    #: per true class, the decisions by defect number: itself, then the kept classes, then
    #: the others (see the module docstring)
    order: Mapping[object, tuple[object, ...]] = field(default_factory=dict)
    #: per true class, the defect of an item still undecided (kept up)
    undecided: Mapping[object, int] = field(default_factory=dict)

    @property
    def many(self) -> bool:
        """Whether the truth has more classes than violating or not (``truth.classes``)."""
        return self.classes != (True, False)

    def shares_of(self, row: Row) -> tuple[tuple[object, float], ...]:
        """(class, share) of the items with these attributes: every class, adding up to 1."""
        shares = dict.fromkeys(self.classes, 0.0)
        below = 0.0
        for value, cumulative in self._rule(row):
            shares[value] += max(min(cumulative, 1.0) - below, 0.0)
            below = max(below, min(cumulative, 1.0))
        shares[self.rest] += 1.0 - below
        return tuple(shares.items())

    def class_of(self, row: Row, u: float) -> object:
        """The true class of an item with these attributes, for a uniform draw ``u``."""
        for value, cumulative in self._rule(row):
            if u < cumulative:
                return value
        return self.rest

    def _rule(self, row: Row) -> tuple[tuple[object, float], ...]:
        for holds, shares in self.prevalence:
            if holds is None or holds(row):
                return shares
        return ()

    def complete(self, row: Row, value: object, score: float | None) -> Row:
        """The row with its truth set to class ``value`` and its score."""
        values = list(row)
        values[self.at] = value
        if self.score_at >= 0:
            values[self.score_at] = score
        return tuple(values)

    def violates(self, value: object) -> bool:
        """Whether an item of this class violates (is not of a class that stays up)."""
        return value not in self.kept

    def score_of(self, value: object) -> Distribution:
        """The score distribution of the items of a class (with a score)."""
        return self.scores[value][1]

    def decided(self, value: object, defect: int) -> object:
        """The class an item of true class ``value`` was decided as, by its defect number."""
        return self.order[value][defect]

    def undecided_wrong(self, row: Row) -> int:
        """The defect of an item no stage decided on yet, so still up: the decision to keep."""
        return self.undecided.get(row[self.at], 0)

    def table(
        self, matrix: Mapping[object, Mapping[object, float]]
    ) -> dict[object, tuple[int, tuple[float, ...]]]:
        """Per true class, a decision with this confusion matrix as (the defect every item
        gets, or -1 and the cumulative shares of the defects to draw from).

        A row of one decision needs no draw; a class the matrix has no row for is decided
        right (lint reports the gap, PF219).
        """
        found: dict[object, tuple[int, tuple[float, ...]]] = {}
        for value in self.classes:
            row = matrix.get(value, {value: 1.0})
            shares = [clamp(row.get(decided, 0.0)) for decided in self.order[value]]
            drawn = [k for k, share in enumerate(shares) if share > 0]
            if len(drawn) <= 1:
                found[value] = (drawn[0] if drawn else 0, ())
            else:
                found[value] = (-1, tuple(itertools.accumulate(shares[:-1])))
        found[None] = found[self.rest]  # an item of a snapshot, its truth unknown: kept class
        return found


def right_share(decision: tuple[int, tuple[float, ...]]) -> float:
    """The chance a decision of :meth:`TruthRule.table` (one class's entry) is right."""
    code, cuts = decision
    if code >= 0:
        return 1.0 if code == 0 else 0.0
    return cuts[0]  # the first share drawn is the right class's


def compile_truth(process: Process, positions: Mapping[str, int]) -> TruthRule | None:
    """The compiled truth of a process (None without one)."""
    truth = process.truth
    if truth is None:
        return None
    classes = truth.values()
    kept = tuple(v for v in truth.kept() if v in classes) or classes[-1:]
    rules = tuple(
        (
            rule.when.compile(positions) if rule.when is not None else None,
            _cumulative(rule, classes),
        )
        for rule in truth.prevalence
    )
    score = truth.score
    order: dict[object, tuple[object, ...]] = {
        value: (value, *(k for k in kept if k != value), *(c for c in classes if c not in kept))
        for value in classes
    }
    order[None] = order[kept[0]]  # see :meth:`TruthRule.table`
    return TruthRule(
        at=positions[truth.attribute],
        prevalence=rules,
        score_at=positions[score.attribute] if score is not None else -1,
        scores={
            value: score.of(value, value not in kept) for value in classes if score is not None
        },
        by_at=positions.get(truth.by, -1) if truth.by is not None else -1,
        classes=classes,
        kept=frozenset((*kept, None)),  # a snapshot's item, its truth unknown: kept
        rest=kept[0],
        order={value: tuple(dict.fromkeys(o)) for value, o in order.items()},
        undecided={value: tuple(dict.fromkeys(o)).index(kept[0]) for value, o in order.items()},
    )


def _cumulative(rule: Prevalence, classes: Sequence[object]) -> tuple[tuple[object, float], ...]:
    """A prevalence rule as (class, cumulative share): a bare share is that of True. Shares
    of classes the truth does not have are left out (lint reports them, PF219)."""
    given = rule.prevalence
    shares: dict[object, float] = (
        {value: share for value, share in given.items()}
        if isinstance(given, dict)
        else {True: given}
    )
    found: list[tuple[object, float]] = []
    total = 0.0
    for value, share in shares.items():
        if value not in classes:
            continue
        total += clamp(share)
        found.append((value, total))
    return tuple(found)
