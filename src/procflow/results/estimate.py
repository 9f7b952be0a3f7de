"""Estimates: a mean over replications with its 95% confidence interval.

Replications are independent runs, so the textbook interval applies: the mean
plus or minus Student's t quantile times the standard error. With one
replication there is no interval. :func:`t_quantile` gives any quantile, for
tests and checks that need other confidence levels.
"""

from __future__ import annotations

import functools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


def t_within(t: float, df: int) -> float:
    """P(|T| <= t) for Student's t with ``df`` (whole) degrees of freedom (A&S 26.7.3-4)."""
    if t <= 0:
        return 0.0
    theta = math.atan(t / math.sqrt(df))
    cos2 = math.cos(theta) ** 2
    if df % 2:  # odd: (2/pi)(theta + sin cos (1 + 2/3 cos^2 + 2*4/(3*5) cos^4 ...))
        term, total = 1.0, 1.0 if df > 1 else 0.0
        for k in range(1, (df - 1) // 2):
            term *= cos2 * (2 * k) / (2 * k + 1)
            total += term
        return 2 / math.pi * (theta + math.sin(theta) * math.cos(theta) * total)
    term = total = 1.0  # even: sin (1 + 1/2 cos^2 + 1*3/(2*4) cos^4 ...)
    for k in range(1, df // 2):
        term *= cos2 * (2 * k - 1) / (2 * k)
        total += term
    return math.sin(theta) * total


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile (p > 0.5) of Student's t with ``df`` degrees of freedom."""
    if df < 1 or not 0.5 < p < 1:
        return math.nan
    if df > 200:  # the Cornish-Fisher expansion is exact to well below 1e-6 here
        z = statistics.NormalDist().inv_cdf(p)
        return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
    target = 2 * p - 1  # P(|T| <= t)
    low, high = 0.0, 1.0
    while t_within(high, df) < target:
        high *= 2
    for _ in range(200):
        middle = (low + high) / 2
        if t_within(middle, df) < target:
            low = middle
        else:
            high = middle
    return high


@functools.cache
def t975(df: int) -> float:
    """The 97.5% quantile of Student's t with ``df`` degrees of freedom (95% intervals)."""
    return t_quantile(0.975, df)


@dataclass(frozen=True)
class Estimate:
    """A mean over replications with its 95% confidence interval."""

    mean: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Estimate:
        """Estimate from per-replication values (NaNs, e.g. no item delivered, are dropped)."""
        xs = [v for v in values if not math.isnan(v)]
        n = len(xs)
        if n == 0:
            return cls(math.nan, math.nan, math.nan, 0)
        mean = math.fsum(xs) / n
        if n == 1:
            return cls(mean, math.nan, math.nan, 1)
        sd = math.sqrt(math.fsum((x - mean) ** 2 for x in xs) / (n - 1))
        half = t975(n - 1) * sd / math.sqrt(n)
        return cls(mean, mean - half, mean + half, n)

    def clipped(self, low: float, high: float) -> Estimate:
        """The interval cut to [low, high] (a share cannot exceed 100%)."""
        return Estimate(self.mean, max(self.low, low), min(self.high, high), self.n)

    @property
    def half_width(self) -> float:
        """Half the interval's width (NaN without an interval)."""
        return (self.high - self.low) / 2

    @property
    def relative_half_width(self) -> float:
        """The half-width as a share of the mean's size (0 for an exact zero, NaN without one)."""
        if self.half_width == 0:
            return 0.0
        return self.half_width / abs(self.mean) if self.mean else math.inf

    def replications_for(self, precision: float) -> int:
        """Replications that would bring the relative half-width to ``precision`` (0.05 = 5%).

        The half-width shrinks like one over the square root of the replications, so
        ``n * (relative half-width / precision)^2``, rounded up; never fewer than now.
        """
        relative = self.relative_half_width
        if self.n < 2 or math.isnan(relative):
            return max(self.n, 2)
        if math.isinf(relative):
            return self.n * 100
        return max(self.n, math.ceil(self.n * (relative / precision) ** 2 - 1e-9))

    def to_dict(self) -> dict[str, Any]:
        """``{"mean": x, "ci95": [lo, hi]}`` (null where undefined)."""
        return {"mean": _num(self.mean), "ci95": [_num(self.low), _num(self.high)]}


def _num(x: float) -> float | None:
    return x if math.isfinite(x) else None
