"""Patience: how long a waiting task stays in a queue before it leaves it.

A task that is not picked up in time escalates (``escalate_after``, with
``escalate_to`` another team) or is abandoned (``escalate_to`` an end stage: the
report expires, the user withdraws). How long it stays is its *patience*: the
same for every task (a deadline, "escalate after 2 hours"), or a distribution
(``{exponential: {mean: 5 min}}``: some tasks are given up on early, others
late). The queueing formulas need its **survival** ``Ḡ(u)``, the chance that a
task would still be waiting at ``u`` had nobody picked it up, and the places
where ``Ḡ`` has a step or a kink, so that integrals are cut there.
"""

from __future__ import annotations

import math

import numpy as np

from procflow.model.distributions import Distribution, Empirical, Exponential, Triangular, Uniform

#: A task's patience: a fixed time (``math.inf``: it waits as long as it takes) or a law.
Patience = float | Distribution

#: The most steps of an empirical patience that integrals are cut at; beyond, its steps
#: are close together and the panels between them are fine enough.
MAX_STEPS = 256


def deadline(patience: Patience) -> float | None:
    """The patience of every task, when it is the same for all (a law without spread)."""
    if isinstance(patience, int | float):
        return float(patience)
    return patience.mean if patience.variance == 0 else None


def mean_patience(patience: Patience) -> float:
    """The mean patience (inf when tasks wait as long as it takes)."""
    fixed = deadline(patience)
    return fixed if fixed is not None else patience.mean  # type: ignore[union-attr]


class Survival:
    """The survival of a patience, on a time axis divided by ``scale``.

    The queueing formulas work on the Allen–Cunneen time scale (waits divided by
    ``(1 + c_s²) / 2``), so a patience ``τ`` is ``τ / scale`` there.
    """

    __slots__ = ("_law", "_scale", "deadline")

    def __init__(self, patience: Patience, scale: float) -> None:
        fixed = deadline(patience)
        self._scale = scale
        #: the deadline on the scaled axis; None for a law with spread
        self.deadline = None if fixed is None else fixed / scale
        self._law = None if fixed is not None or isinstance(patience, int | float) else patience

    def __call__(self, u: float) -> float:
        """Ḡ(u): the chance that patience exceeds ``u``."""
        if self._law is None:
            return 1.0 if self.deadline is None or u < self.deadline else 0.0
        return 1.0 - self._law.cdf(u * self._scale)

    def at(self, nodes: np.ndarray) -> np.ndarray:
        """Ḡ at every node."""
        law = self._law
        if law is None:
            limit = math.inf if self.deadline is None else self.deadline
            return (nodes < limit).astype(float)
        if isinstance(law, Exponential) and law.mean > 0:
            result: np.ndarray = np.exp(-nodes * (self._scale / law.mean))
            return result
        cdf = np.fromiter((law.cdf(u) for u in (nodes * self._scale).flat), float, nodes.size)
        result = 1.0 - cdf.reshape(nodes.shape)
        return result

    def cuts(self) -> list[float]:
        """Where Ḡ has a step or a kink (on the scaled axis)."""
        law = self._law
        if law is None:
            return [] if self.deadline is None else [self.deadline]
        if isinstance(law, Uniform):
            points = [law.low, law.high]
        elif isinstance(law, Triangular):
            points = [law.low, law.mode, law.high]
        elif isinstance(law, Empirical):
            values = sorted(set(law.values))
            points = values if len(values) <= MAX_STEPS else []
        else:
            points = []
        return [p / self._scale for p in points]
