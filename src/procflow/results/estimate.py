"""Estimates: a mean over replications with its 95% confidence interval.

Replications are independent runs, so the textbook interval applies: the mean
plus or minus Student's t quantile times the standard error. With one
replication there is no interval. :func:`t_quantile` gives any quantile, for
tests and checks that need other confidence levels.

Few replications make that interval wide, and a wide symmetric interval can
leave the KPI's range: a backlog of "-13.7 … 100.7" items, a rework rate below
zero, an SLA attained above 100%. So the interval is built on the scale that
fits the KPI's :data:`Bounds` (the KPI catalogue says which each KPI has):

- ``"any"`` (differences between scenarios): the t interval, mean ± t·se.
- ``"nonnegative"`` (times, counts, money): on the log scale, by the delta
  method, mean·exp(±t·se/mean). Both bounds stay above zero.
- ``"share"`` (a fraction in 0..1): on the logit scale, by the delta method,
  logit(mean) ± t·se/(mean·(1 − mean)), turned back into a share. Both bounds
  stay within 0..100%.

Each contains the mean, and when the interval is narrow (se small against the
distance to the range's edge) it is the t interval to the first order, so many
replications give the textbook answer. The standard error ``se`` is kept beside
the interval for whatever needs the spread itself (a comparison, a stopping rule).
"""

from __future__ import annotations

import functools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

#: The values a KPI can take: any number, none below zero, or a share in 0..1.
Bounds = Literal["any", "nonnegative", "share"]


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


#: exp() of more than this overflows a float; the bound is then infinite.
_EXP_LIMIT = 700.0


def _exp(x: float) -> float:
    return math.exp(x) if x < _EXP_LIMIT else math.inf


def _expit(x: float) -> float:
    """The share whose logit is ``x`` (computed without overflow either side)."""
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    z = math.exp(max(x, -_EXP_LIMIT))
    return z / (1 + z)


def interval(mean: float, half: float, bounds: Bounds = "any") -> tuple[float, float]:
    """The 95% interval around ``mean`` whose t half-width is ``half`` (t times the se),
    on the scale that keeps it within ``bounds`` (see the module's description).

    A mean on the edge of its range (0, or 0 or 1 for a share) with a spread cannot
    come from values within the range; the t interval is then cut at the edge.
    """
    if bounds == "any" or half == 0:
        return mean - half, mean + half
    if bounds == "nonnegative":
        if mean <= 0:
            return max(mean - half, 0.0), max(mean + half, 0.0)
        return mean * _exp(-half / mean), mean * _exp(half / mean)
    if not 0 < mean < 1:
        return min(max(mean - half, 0.0), 1.0), min(max(mean + half, 0.0), 1.0)
    centre = math.log(mean / (1 - mean))
    spread = half / (mean * (1 - mean))
    return _expit(centre - spread), _expit(centre + spread)


@dataclass(frozen=True)
class Estimate:
    """A mean over replications with its 95% confidence interval and standard error."""

    mean: float
    low: float
    high: float
    n: int
    #: the standard error of the mean (sample sd / sqrt(n)); NaN without one
    se: float = math.nan

    @classmethod
    def of(cls, values: Sequence[float], bounds: Bounds = "any") -> Estimate:
        """Estimate from per-replication values (NaNs, e.g. no item delivered, are dropped),
        with the interval that stays within the KPI's ``bounds``."""
        xs = [v for v in values if not math.isnan(v)]
        n = len(xs)
        if n == 0:
            return cls(math.nan, math.nan, math.nan, 0)
        mean = math.fsum(xs) / n
        if n == 1:
            return cls(mean, math.nan, math.nan, 1)
        se = math.sqrt(math.fsum((x - mean) ** 2 for x in xs) / (n - 1) / n)
        low, high = interval(mean, t975(n - 1) * se, bounds)
        return cls(mean, low, high, n, se)

    @classmethod
    def wilson(cls, successes: int, n: int) -> Estimate:
        """The share ``successes / n`` with its 95% Wilson score interval (a share of
        replications: stays within 0..1 and is not empty at 0 or n, unlike the t interval)."""
        if n == 0:
            return cls(math.nan, math.nan, math.nan, 0)
        p = successes / n
        z = 1.959963984540054
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        low = 0.0 if successes == 0 else max(centre - half, 0.0)
        high = 1.0 if successes == n else min(centre + half, 1.0)
        return cls(p, low, high, n, math.sqrt(p * (1 - p) / n))

    @property
    def half_width(self) -> float:
        """Half the interval's width (NaN without an interval)."""
        return (self.high - self.low) / 2

    @property
    def relative_half_width(self) -> float:
        """The t half-width (t times the standard error) as a share of the mean's size: the
        relative precision of the mean (0 for an exact zero, NaN without an interval).

        It is the half-width of the plain t interval, not of the bounded one shown
        (whose two sides differ); without a standard error, the shown half-width."""
        half = self.half_width if math.isnan(self.se) else t975(self.n - 1) * self.se
        if half == 0:
            return 0.0
        return half / abs(self.mean) if self.mean else math.inf

    def replications_for(self, precision: float) -> int:
        """Replications that would bring the relative half-width to ``precision`` (0.05 = 5%).

        The half-width is t(n-1) times the standard error, and the standard error
        shrinks like one over the square root of the replications: the answer is the
        fewest replications whose t half-width, with the spread seen so far, is within
        ``precision`` of the mean (more than now when the interval is wider). Without
        a standard error (a document of an earlier release), the square-root law on
        the half-width: ``n * (relative half-width / precision)^2``, rounded up.
        Never fewer than now.
        """
        relative = self.relative_half_width
        if self.n < 2 or math.isnan(relative):
            return max(self.n, 2)
        if relative <= precision:
            return self.n
        if math.isinf(relative):
            return self.n * 100
        if math.isnan(self.se):
            return max(self.n, math.ceil(self.n * (relative / precision) ** 2 - 1e-9))
        sd = self.se * math.sqrt(self.n)
        target = precision * abs(self.mean)

        def enough(m: int) -> bool:
            return t975(m - 1) * sd / math.sqrt(m) <= target

        low = max(self.n, math.ceil((1.959964 * sd / target) ** 2))  # t > z: never enough below
        high = low
        while not enough(high):
            low, high = high + 1, 2 * high
        while low < high:  # the fewest enough: the t half-width only shrinks with more
            middle = (low + high) // 2
            low, high = (middle + 1, high) if not enough(middle) else (low, middle)
        return max(high, self.n + 1)

    def to_dict(self) -> dict[str, Any]:
        """``{"mean": x, "ci95": [lo, hi], "se": s}`` (null where undefined)."""
        return {
            "mean": _num(self.mean),
            "ci95": [_num(self.low), _num(self.high)],
            "se": _num(self.se),
        }


def _num(x: float) -> float | None:
    return x if math.isfinite(x) else None
