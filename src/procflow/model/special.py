"""Special functions the formulas need: the incomplete gamma function and the normal CDF.

The regularized incomplete gamma function gives Erlang's formulas for fractional
numbers of people (:mod:`procflow.analysis.queueing`) and the distribution
function of gamma handling times; the normal CDF that of normal and lognormal ones.
"""

from __future__ import annotations

import math


def normal_cdf(x: float) -> float:
    """P(Z <= x) for a standard normal Z."""
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def lower_gamma(s: float, x: float) -> float:
    """P(s, x), the regularized lower incomplete gamma function: a Gamma(s, 1) CDF at x."""
    if x <= 0:
        return 0.0
    return -math.expm1(log_upper_gamma(s, x))


def log_upper_gamma(s: float, x: float) -> float:
    """log Q(s, x), the regularized upper incomplete gamma function (s > 0, x >= 0).

    For whole ``s``, Q(s, x) is the chance that a Poisson(x) count is below ``s``.
    A series below ``s + 1``, Lentz's continued fraction above (Numerical Recipes).
    """
    if x <= 0:
        return 0.0
    log_prefix = -x + s * math.log(x) - math.lgamma(s)
    if x < s + 1:
        term = total = 1 / s
        n = s
        for _ in range(100_000):
            n += 1
            term *= x / n
            total += term
            if term < total * 1e-17:
                break
        lower = math.exp(log_prefix + math.log(total))
        return math.log1p(-lower) if lower < 1 else -math.inf
    tiny = 1e-300
    b = x + 1 - s
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 100_000):
        an = -i * (i - s)
        b += 2
        d = an * d + b
        d = d if abs(d) > tiny else tiny
        c = b + an / c
        c = c if abs(c) > tiny else tiny
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16:
            break
    return log_prefix + math.log(h)
