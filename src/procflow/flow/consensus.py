"""What happens at a consensus stage: when to ask one more labeler, and what the labels decide.

Each label of an item is right with the labelers' ``accuracy``; the labels so far
are counted as (right, wrong). Two questions settle a consensus, both answered
here once for the simulator and the analysis:

- **One more label?** A fixed overlap (``labelers: k``) takes k labels. A dynamic
  overlap takes at least ``min`` and at most ``max``, and stops as soon as the
  leading answer is likely enough: with two answers, a uniform prior over them
  (neither answer is more likely before any label) and labelers right with
  probability p, the chance that the answer ahead by d labels is the right one is
  1 / (1 + ((1 - p) / p) ** d). It stops once that reaches ``confidence``.
- **What stands?** With ``agree: majority`` the answer of more than half the labels
  (a fixed overlap) or the leading answer at the stop (a dynamic one, if the
  confidence was reached) stands; with ``agree: unanimous`` only an answer every
  label gave. Anything else goes to ``adjudicate``. A wrong answer that stands
  leaves a defect on the item.

:meth:`ConsensusRule.finals` walks the same two rules over every sequence of labels
(a small Markov chain over the vote counts) and gives the exact chance of each
final count: the consensus accuracy, the disagreement rate and the expected labels
per item follow from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from procflow.model.consensus import Consensus

#: What a consensus decided: the right answer stands, a wrong one stands, or adjudication.
RIGHT, WRONG, ADJUDICATE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class ConsensusRule:
    """A consensus stage's labelers and agreement rule, as plain numbers."""

    accuracy: float
    fewest: int
    most: int
    #: the chance the leading answer must reach (0 for a fixed overlap)
    confidence: float
    unanimous: bool
    #: the stage items go to when the labels settle nothing (-1: none given)
    adjudicate: int
    #: the first ``fewest`` labels are done at once (by different people)
    parallel: bool

    @classmethod
    def of(cls, consensus: Consensus, adjudicate: int) -> ConsensusRule:
        """The rule of a stage's ``consensus`` block (``adjudicate`` as a stage position)."""
        return cls(
            accuracy=consensus.accuracy,
            fewest=consensus.fewest,
            most=consensus.most,
            confidence=consensus.confidence or 0.0,
            unanimous=consensus.agree == "unanimous",
            adjudicate=adjudicate,
            parallel=consensus.mode == "parallel",
        )

    def leading(self, right: int, wrong: int) -> float:
        """The chance that the answer with more labels is the right one (uniform prior)."""
        p = self.accuracy
        lead = abs(right - wrong)
        if p in (0.0, 1.0):
            return 1.0 if lead > 0 else 0.5
        return 1.0 / (1.0 + ((1.0 - p) / p) ** lead)

    def more(self, right: int, wrong: int) -> bool:
        """Whether an item with these labels gets one more."""
        labels = right + wrong
        if labels < self.fewest:
            return True
        if labels >= self.most:
            return False
        return self.confidence > 0 and self.leading(right, wrong) < self.confidence

    def verdict(self, right: int, wrong: int) -> int:
        """What the final labels decide: :data:`RIGHT`, :data:`WRONG` or :data:`ADJUDICATE`."""
        if self.unanimous:
            settled = right == 0 or wrong == 0
        elif self.confidence > 0:
            settled = right != wrong and self.leading(right, wrong) >= self.confidence
        else:
            settled = 2 * max(right, wrong) > right + wrong
        if not settled:
            return ADJUDICATE
        return RIGHT if right > wrong else WRONG

    def finals(self) -> dict[tuple[int, int], float]:
        """The exact chance of every final (right, wrong) count of one item's labels."""
        p = self.accuracy
        states = {(0, 0): 1.0}
        done: dict[tuple[int, int], float] = {}
        while states:
            following: dict[tuple[int, int], float] = {}
            for (right, wrong), chance in states.items():
                if not self.more(right, wrong):
                    done[(right, wrong)] = done.get((right, wrong), 0.0) + chance
                    continue
                for state, step in (((right + 1, wrong), p), ((right, wrong + 1), 1 - p)):
                    if step > 0:
                        following[state] = following.get(state, 0.0) + chance * step
            states = following
        return done

    def expected_labels(self) -> float:
        """Labels per item, on average."""
        return sum((r + w) * chance for (r, w), chance in self.finals().items())

    def shares(self) -> tuple[float, float, float]:
        """The chance that the right answer stands, a wrong one, or adjudication."""
        found = [0.0, 0.0, 0.0]
        for (right, wrong), chance in self.finals().items():
            found[self.verdict(right, wrong)] += chance
        return found[RIGHT], found[WRONG], found[ADJUDICATE]
