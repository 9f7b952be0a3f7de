"""Fitting a handling-time distribution to the times a log recorded.

A PM's file says ``duration: {lognormal: {mean: 4.2, sd: 1.6}}``; calibration
finds that line from the handling times of one activity. Four families are
fitted by maximum likelihood with SciPy, all starting at zero as handling
times do: exponential, gamma, lognormal and weibull. The one with the lowest
AIC (Akaike's information criterion, ``2 × parameters − 2 × log-likelihood``:
the best fit, with a penalty for each parameter) is chosen. Its fit quality
is the Kolmogorov–Smirnov distance between the fitted and the observed
distribution (the largest gap between the two, 0 is a perfect fit).

The **empirical** fallback is used when no family fits: when the best is more
than :data:`MAX_KS` away, when more than :data:`MAX_ZERO_SHARE` of the times
are zero (instant work no family can hold), or with fewer than
:data:`MIN_FIT` times; it holds the observed times (with more than :data:`QUANTILES`, the
mean of each of that many equal shares of them in order, so the mean is kept). Times
that are all the same are a ``fixed`` duration.

An activity done more than :data:`MAX_SAMPLE` times is fitted to a sample of that many
of its times (:class:`Sample`), the same whatever the order of the log's rows, and its
mean is that of all of them: memory stays the same for a log of a week or of a year.
"""

from __future__ import annotations

import heapq
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import special, stats

#: The largest Kolmogorov–Smirnov distance accepted for a family; beyond it, empirical.
MAX_KS = 0.1
#: The largest share of zero times a family is fitted to (zeros are left out of its fit).
MAX_ZERO_SHARE = 0.05
#: Fewer times than this are written as they are (an empirical duration).
MIN_FIT = 10
#: The most values an empirical duration lists (the means of equal shares of the times).
QUANTILES = 50
#: The most times kept of one activity (a sample of them beyond), and a family is fitted to.
MAX_SAMPLE = 20_000


@dataclass(frozen=True, slots=True)
class Fit:
    """A fitted distribution: its ``kind`` (``gamma``...) and parameters, in the log's unit.

    ``parameters`` are the format's own (``mean`` and ``sd`` for a lognormal, ``shape``
    and ``scale`` for a gamma or weibull, ``mean`` for an exponential, ``values`` for an
    empirical, ``value`` for a fixed time). ``ks`` is the fit's Kolmogorov–Smirnov
    distance (None for empirical and fixed), ``aic`` its AIC; ``observations`` how many
    times it rests on; ``why`` says why an empirical duration was chosen.
    """

    kind: str
    parameters: dict[str, float | tuple[float, ...]]
    observations: int
    mean: float
    ks: float | None = None
    aic: float | None = None
    why: str = ""

    @property
    def fitted_mean(self) -> float:
        """The mean of the fitted distribution (what the simulation will draw on average)."""
        p = self.parameters
        if self.kind == "gamma":
            return float(p["shape"]) * float(p["scale"])  # type: ignore[arg-type]
        if self.kind == "weibull":
            shape, scale = float(p["shape"]), float(p["scale"])  # type: ignore[arg-type]
            return scale * float(special.gamma(1 + 1 / shape))
        if self.kind == "empirical":
            return float(np.mean(p["values"]))
        return float(p["value"] if self.kind == "fixed" else p["mean"])  # type: ignore[arg-type]


@dataclass
class Sample:
    """The handling times of one activity: all of them up to ``size``, beyond that the
    ``size`` whose visits hash lowest (a uniform sample that does not depend on the order
    they are added in), with the ``count`` and the ``total`` of all."""

    size: int = field(default_factory=lambda: MAX_SAMPLE)
    count: int = 0
    total: float = 0.0
    _kept: list[tuple[int, float]] = field(default_factory=list)  # (-hash, time), a heap once full

    def add(self, time: float, visit: bytes) -> None:
        """One more ``time``; ``visit`` names its visit (the same visit, the same hash)."""
        self.count += 1
        self.total += time
        rank = -zlib.crc32(visit)
        kept = self._kept
        if len(kept) < self.size:
            kept.append((rank, time))
            if len(kept) == self.size:
                heapq.heapify(kept)
        elif rank > kept[0][0]:
            heapq.heapreplace(kept, (rank, time))

    def fit(self) -> Fit:
        """The distribution of the times (:func:`fit_duration`)."""
        times = [time for _, time in self._kept]
        if self.count == len(times):
            return fit_duration(times)
        return fit_duration(times, self.count, self.total / self.count)


def fit_duration(
    times: Sequence[float], observations: int | None = None, mean: float | None = None
) -> Fit:
    """The distribution of ``times`` (at least one, none negative), as described above;
    with ``observations`` (and their ``mean``), ``times`` is a sample of that many."""
    x = np.sort(np.asarray(times, dtype=float))
    n = len(x) if observations is None else observations
    mean = float(x.mean()) if mean is None else mean
    if x[0] == x[-1]:
        return Fit("fixed", {"value": float(x[0])}, n, mean)
    if n < MIN_FIT:
        return _empirical(x, n, mean, f"only {n} times: too few to fit a distribution")
    zeros = int(np.count_nonzero(x == 0))
    if zeros > MAX_ZERO_SHARE * len(x):
        return _empirical(x, n, mean, f"{zeros / len(x):.0%} of the times are zero")
    positive = x[zeros:]
    candidates = [fit for fit in (_family(name, positive, n) for name in _FAMILIES) if fit]
    if not candidates:
        return _empirical(x, n, mean, "no family could be fitted")
    best = min(candidates, key=lambda f: f[1])
    kind, aic, ks, parameters = best
    if ks > MAX_KS:
        why = f"the best family ({kind}) is {ks:.2f} away (KS), more than {MAX_KS}"
        return _empirical(x, n, mean, why)
    return Fit(kind, parameters, n, mean, ks, aic)


_FAMILIES = ("exponential", "gamma", "lognormal", "weibull")


def _family(
    name: str, x: np.ndarray, n: int
) -> tuple[str, float, float, dict[str, float | tuple[float, ...]]] | None:
    """(name, AIC, KS, the format's parameters) of one family fitted to ``x``; None if it fails."""
    with np.errstate(all="ignore"):
        try:
            if name == "exponential":
                dist = stats.expon(scale=x.mean())
                parameters: dict[str, float | tuple[float, ...]] = {"mean": float(x.mean())}
                k = 1
            elif name == "gamma":
                shape, _, scale = stats.gamma.fit(x, floc=0)
                dist = stats.gamma(shape, scale=scale)
                parameters, k = {"shape": float(shape), "scale": float(scale)}, 2
            elif name == "lognormal":
                logs = np.log(x)
                mu, sigma = float(logs.mean()), float(logs.std())
                dist = stats.lognorm(sigma, scale=np.exp(mu))
                mean = float(np.exp(mu + sigma**2 / 2))
                sd = mean * float(np.sqrt(np.expm1(sigma**2)))
                parameters, k = {"mean": mean, "sd": sd}, 2
            else:
                shape, _, scale = stats.weibull_min.fit(x, floc=0)
                dist = stats.weibull_min(shape, scale=scale)
                parameters, k = {"shape": float(shape), "scale": float(scale)}, 2
            loglik = float(np.sum(dist.logpdf(x))) * n / len(x)
            ks = float(stats.kstest(x, dist.cdf).statistic)
        except (ValueError, RuntimeError, FloatingPointError):
            return None
    values = [v for v in parameters.values() if isinstance(v, float)]
    if not np.isfinite(loglik) or not all(np.isfinite(v) and v > 0 for v in values):
        return None
    return name, 2 * k - 2 * loglik, ks, parameters


def _empirical(x: np.ndarray, n: int, mean: float, why: str) -> Fit:
    # more times than it lists: the mean of each of QUANTILES equal shares of them, in order,
    # so that a rare long time (a task left open overnight) still counts in the mean
    values = x if len(x) <= QUANTILES else [p.mean() for p in np.array_split(np.sort(x), QUANTILES)]
    return Fit("empirical", {"values": tuple(float(v) for v in values)}, n, mean, why=why)
