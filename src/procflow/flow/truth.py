"""An item's truth and model score, compiled: the one definition the simulator and analysis read.

A process with ``truth`` gives each arriving item two more attributes after its own:
whether it violates (true with the ``prevalence`` of the first rule whose condition
holds on its other attributes) and, with a ``score``, a model's score drawn from the
distribution of its class. Conditions read both like any attribute (``when: score >=
0.9``). The simulator draws them (:meth:`TruthRule.complete`); the analysis splits
each class of items by them, exactly (see :mod:`procflow.analysis.classes`).

An item no stage has decided on yet stays up: a violating one is then a false
negative, which is the quality model's defect (:meth:`TruthRule.undecided_wrong`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from procflow.model.distributions import Distribution
from procflow.model.process import Process


def clamp(share: float) -> float:
    """A share within 0..1: lint refuses others (PF201); clamped, a broken file stays
    analysable (NaN: 0)."""
    return min(max(share, 0.0), 1.0) if share == share else 0.0


if TYPE_CHECKING:  # routing compiles the truth with the stages: it imports this module
    from procflow.flow.routing import Predicate, Row


@dataclass(frozen=True, slots=True)
class TruthRule:
    """Where an item's truth and score sit in its row, and how they are drawn."""

    #: the row position of the truth (True: violating)
    at: int
    #: (predicate or None for always, prevalence) rules; the first that holds wins
    prevalence: tuple[tuple[Predicate | None, float], ...]
    #: the row position of the score (-1: none) and its distributions (violating, benign)
    score_at: int
    positive: Distribution | None
    negative: Distribution | None
    #: the row position of the attribute the false negatives and positives are broken down
    #: by (-1: none)
    by_at: int

    def prevalence_of(self, row: Row) -> float:
        """The chance that an item with these attributes violates."""
        for holds, share in self.prevalence:
            if holds is None or holds(row):
                return share
        return 0.0

    def complete(self, row: Row, u: float, score: float | None) -> Row:
        """The row with its truth set (violating when ``u`` < prevalence) and its score."""
        values = list(row)
        positive = u < self.prevalence_of(row)
        values[self.at] = positive
        if self.score_at >= 0:
            values[self.score_at] = score
        return tuple(values)

    def score_of(self, positive: bool) -> Distribution:
        """The score distribution of a class (with a score)."""
        found = self.positive if positive else self.negative
        assert found is not None
        return found

    def undecided_wrong(self, row: Row) -> bool:
        """Whether an item no stage decided on yet is wrongly up: whether it violates."""
        return bool(row[self.at])


def compile_truth(process: Process, positions: Mapping[str, int]) -> TruthRule | None:
    """The compiled truth of a process (None without one)."""
    truth = process.truth
    if truth is None:
        return None
    rules = tuple(
        (rule.when.compile(positions) if rule.when is not None else None, clamp(rule.prevalence))
        for rule in truth.prevalence
    )
    score = truth.score
    return TruthRule(
        at=positions[truth.attribute],
        prevalence=rules,
        score_at=positions[score.attribute] if score is not None else -1,
        positive=score.positive if score is not None else None,
        negative=score.negative if score is not None else None,
        by_at=positions.get(truth.by, -1) if truth.by is not None else -1,
    )
