"""Consensus labeling in closed form: how often the labels are right, disagree, and how many.

From one labeler's accuracy p (the chance a label is right; right or wrong, and
wrong labels agree with each other) the outcome of k labels follows from the
binomial: the majority of 3 is right with probability p³ + 3p²(1 - p) (0.784 for
p = 0.7, 0.896 for 0.8, 0.972 for 0.9), and under unanimity the labels disagree
with probability 1 - pᵏ - (1 - p)ᵏ. A dynamic overlap (labelers added one at a
time until the leading answer is likely enough) has no such formula, but its
vote counts form a small Markov chain whose end states and their chances are
computed exactly (:meth:`procflow.flow.consensus.ConsensusRule.finals`, the same
rule the simulator follows): the expected labels per item, the disagreement rate
and the accuracy are sums over them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from procflow.flow.compiler import Flow


@dataclass(frozen=True)
class ConsensusFigures:
    """What one consensus stage gives, exactly, per item that reaches it."""

    stage: str
    #: labels per item, on average (each a task of the pool)
    labels: float
    #: of the items the labels settle, the share whose answer is right
    accuracy: float
    #: the share the labels do not settle, sent to adjudicate
    disagreement: float
    #: the share of all items whose answer stands wrong (each leaves a defect)
    wrong: float


def consensus_figures(flow: Flow) -> list[ConsensusFigures]:
    """The figures of every consensus stage of a compiled process, in file order."""
    found = []
    for rule in flow.rules:
        consensus = rule.consensus
        if consensus is None:
            continue
        right, wrong, adjudicate = consensus.shares()
        settled = right + wrong
        found.append(
            ConsensusFigures(
                rule.name,
                consensus.expected_labels(),
                right / settled if settled > 0 else math.nan,
                adjudicate,
                wrong,
            )
        )
    return found


def majority_accuracy(accuracy: float, labelers: int) -> float:
    """The chance that more than half of ``labelers`` labels are right (ties excluded)."""
    return sum(
        math.comb(labelers, r) * accuracy**r * (1 - accuracy) ** (labelers - r)
        for r in range(labelers // 2 + 1, labelers + 1)
    )


def unanimous_disagreement(accuracy: float, labelers: int) -> float:
    """The chance that ``labelers`` labels are not all the same: 1 - pᵏ - (1 - p)ᵏ."""
    return 1 - accuracy**labelers - (1 - accuracy) ** labelers
