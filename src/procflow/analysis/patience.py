"""Patience: how long a waiting task stays in a queue before it leaves it.

A task that is not picked up in time escalates (``escalate_after``, with
``escalate_to`` another team) or is abandoned (``escalate_to`` an end stage: the
report expires, the user withdraws). How long it stays is its *patience*: the
same for every task (a deadline, "escalate after 2 hours"), or a distribution
(``{exponential: {mean: 5 min}}``: some tasks are given up on early, others
late). The queueing formulas need two things of it, for a wait ``u``:

- the **survival** ``Ḡ(u)``, the chance that a task would still be waiting at
  ``u`` had nobody picked it up;
- the **accumulated survival** ``∫₀ᵘ Ḡ``, the mean of ``min(patience, u)``: the
  time a task whose wait would be ``u`` actually spends waiting.

Both are exact for deadlines, exponential and uniform patience, and computed by
adaptive quadrature of the distribution function for the other kinds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Protocol


class PatienceLaw(Protocol):
    """A distribution of patience (any of :mod:`procflow.model.distributions`)."""

    @property
    def kind(self) -> str: ...

    @property
    def mean(self) -> float: ...

    @property
    def variance(self) -> float: ...

    def cdf(self, x: float) -> float: ...


#: A task's patience: a fixed time (``math.inf``: it waits as long as it takes) or a law.
Patience = float | PatienceLaw


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

    __slots__ = ("_accumulated", "_at", "_law", "_scale", "deadline")

    def __init__(self, patience: Patience, scale: float) -> None:
        fixed = deadline(patience)
        self._scale = scale
        #: the deadline on the scaled axis; None for a law with spread
        self.deadline = None if fixed is None else fixed / scale
        self._law: PatienceLaw | None = None if fixed is not None else patience  # type: ignore[assignment]
        self._at = 0.0
        self._accumulated = 0.0

    def __call__(self, u: float) -> float:
        """Ḡ(u): the chance that patience exceeds ``u``."""
        if self.deadline is not None:
            return 1.0 if u < self.deadline else 0.0
        assert self._law is not None
        return 1.0 - self._law.cdf(u * self._scale)

    def accumulated(self, u: float) -> float:
        """∫₀ᵘ Ḡ: the mean of ``min(patience, u)``."""
        if self.deadline is not None:
            return min(u, self.deadline)
        law = self._law
        assert law is not None
        s = self._scale
        if law.kind == "exponential":
            theta = law.mean / s
            return theta * -math.expm1(-u / theta) if theta > 0 else 0.0
        if law.kind == "uniform":
            # a uniform's ends from its moments: mean ∓ √3·sd
            half = math.sqrt(3 * law.variance) / s
            low, high = law.mean / s - half, law.mean / s + half
            if u <= low:
                return u
            if u >= high:
                return law.mean / s
            return low + (u - low) - (u - low) ** 2 / (2 * (high - low))
        # quadrature from the last point asked for: the outer integrals ask in order
        start, base = (self._at, self._accumulated) if u >= self._at else (0.0, 0.0)
        value = base + integrate(self, start, u)
        self._at, self._accumulated = u, value
        return value


def integrate(
    function: Callable[[float], float], low: float, high: float, points: Sequence[float] = ()
) -> float:
    """∫_low^high function, by adaptive quadrature (QUADPACK) to a relative 1e-11.

    ``points`` are where the function has kinks or steps (deadlines, its peak).
    SciPy is imported here, on first use: it takes longer to import than ``procflow
    lint`` takes to run, and only queues with a patience distribution need it.
    """
    from scipy.integrate import quad

    inside = sorted({p for p in points if low < p < high})
    value, _ = quad(function, low, high, points=inside or None, epsabs=0.0, epsrel=1e-11, limit=400)
    return float(value)
