"""Queueing formulas: how long work waits in a pool's queue, from its load and its people.

A pool's queue is modelled as M/M/c, the workforce planner's Erlang C: Poisson
arrivals, ``c`` people, exponential handling times. Two refinements make it fit
T&S queues better:

- **Handling-time variability** (Allen–Cunneen): waits scale by ``(1 + c_s²) / 2``,
  where ``c_s²`` is the squared coefficient of variation of handling time (1 for
  exponential times, so the scale is 1; lognormal review times with sd = mean / 2
  wait about 62% as long).
- **Escalation after a wait** (M/M/c+D): items that may wait at most ``T`` before
  moving elsewhere (``escalate_after``) leave the queue and do not delay the
  others. :class:`WaitModel` solves the queue exactly for any mix of such
  deadlines (and items that wait as long as it takes) through the *virtual waiting
  time* ``V``, the wait an item arriving now would have: while all ``c`` people are
  busy, ``V`` falls at rate 1 and jumps by an Exp(``cμ``) amount whenever an item
  arrives that will stay; its density is ``K·exp(-∫₀ᵛ (cμ - Λ(u)) du)``, where
  ``Λ(u)`` is the arrival rate of items that stay when the wait is ``u``. With no
  deadlines this is Erlang C exactly.

Fractional people (a calendar averaged over the week) use the continuous extension
of Erlang's formulas, which agrees with them at whole numbers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from procflow.analysis.patience import Patience, Survival, deadline, integrate, mean_patience
from procflow.model.special import log_upper_gamma


def erlang_b(servers: int, offered_load: float) -> float:
    """Probability that an arriving task finds every one of ``servers`` people busy (Erlang B)."""
    if servers <= 0:
        return 1.0
    blocked = 1.0
    for k in range(1, servers + 1):  # the stable recursion
        blocked = offered_load * blocked / (k + offered_load * blocked)
    return blocked


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arriving task waits in an M/M/c queue (1 when overloaded)."""
    if servers <= 0 or offered_load >= servers:
        return 1.0
    if offered_load <= 0:
        return 0.0
    blocked = erlang_b(servers, offered_load)
    rho = offered_load / servers
    return blocked / (1 - rho * (1 - blocked))


def mmc_wait(servers: int, arrival_rate: float, mean_service: float) -> float:
    """Mean wait in queue of an M/M/c queue (inf when overloaded)."""
    load = arrival_rate * mean_service
    if servers <= 0 or load >= servers:
        return math.inf
    return erlang_c(servers, load) * mean_service / (servers - load)


def allen_cunneen(service_scv: float) -> float:
    """The factor by which handling-time variability scales M/M/c waits: ``(1 + c_s²) / 2``."""
    return (1 + max(service_scv, 0.0)) / 2


def expected_maximum(means: Sequence[float]) -> float:
    """E[max] of independent exponential times with these means (inclusion-exclusion).

    The copies of a split meet at the join when the slowest is done; with
    exponential branch times, E[max] = sum over non-empty subsets S of
    (-1)^(|S|+1) / sum(1/m for m in S). Exact for exponentials, a fair guide
    otherwise (two branches of mean 10 take 15 on average, not 10).
    """
    if any(math.isinf(m) for m in means):
        return math.inf
    rates = [1 / m for m in means if m > 0]
    if not rates:
        return 0.0
    if len(rates) > 12:
        return max(means)  # too many subsets; the largest mean is a lower bound
    total = 0.0
    for size in range(1, len(rates) + 1):
        sign = 1.0 if size % 2 else -1.0
        for subset in itertools.combinations(rates, size):
            total += sign / sum(subset)
    return total


@dataclass(frozen=True)
class Arrivals:
    """Tasks arriving at a queue at ``rate`` that wait at most ``patience``.

    ``patience`` is a time (``math.inf``: no limit) or a distribution of patience
    (:mod:`procflow.analysis.patience`).
    """

    rate: float
    patience: Patience = math.inf


class WaitModel:
    """Waiting at one pool's queue: Erlang C, with patience and variability (module docstring).

    ``servers`` may be fractional (people averaged over a week): the formulas use the
    continuous extension of Erlang's through the incomplete gamma function, which
    agrees with them at whole numbers. ``service_scv`` is the squared coefficient of
    variation of handling time (1: exponential).

    The methods that take a ``patience`` answer for the tasks of one class, the one
    with that patience (a task's chance to leave depends on its own patience only).
    """

    def __init__(
        self,
        servers: float,
        mean_service: float,
        classes: Sequence[Arrivals],
        service_scv: float = 1.0,
    ) -> None:
        self.servers = max(servers, 0.0)
        self.scale = allen_cunneen(service_scv)
        classes = [c for c in classes if c.rate > 0]
        self.total = math.fsum(c.rate for c in classes)
        mu = 1 / mean_service if mean_service > 0 else math.inf
        self._capacity = self.servers * mu
        self._classes = [(c.rate, Survival(c.patience, self.scale)) for c in classes]
        #: the rate of tasks that wait as long as it takes
        lasting = math.fsum(r for r, g in self._classes if g.deadline == math.inf)
        self._exact = all(g.deadline is not None for _, g in self._classes)
        self._log_top = 0.0
        if self._exact:
            self._pieces = self._deadline_pieces()
        else:
            self._top, self._end = self._extent(lasting)
        if self.total == 0 or math.isinf(mu):
            self.stable, self._density = True, 0.0
        elif self.servers == 0:
            # nobody works: every task waits until it leaves (or forever)
            self.stable = lasting == 0
            self._density = math.nan
        else:
            self.stable = self._capacity > lasting
            self._density = self._scale(mu) if self.stable else math.nan

    def _deadline_pieces(self) -> list[tuple[float, float, float, float]]:
        """E(v) in closed form when every patience is a deadline: exponential pieces.

        Each piece is (start, end, decay, log E(start) - log_top), where log_top is the
        log of E's highest value: an overloaded pool's E grows by far more than a float
        holds before its deadlines, so E is kept relative to its top.
        """
        cuts = sorted({g.deadline for _, g in self._classes if g.deadline is not None})
        bounds = [0.0, *(t for t in cuts if 0 < t < math.inf), math.inf]
        pieces = []
        log_height = 0.0
        for start, end in itertools.pairwise(bounds):
            staying = math.fsum(r for r, g in self._classes if g(start) > 0)
            decay = self._capacity - staying
            pieces.append((start, end, decay, log_height))
            if math.isfinite(end):
                log_height -= decay * (end - start)
        self._log_top = max(max(p[3] for p in pieces), log_height)
        return [(s, e, d, h - self._log_top) for s, e, d, h in pieces]

    def _staying(self, u: float) -> float:
        """Λ(u): the arrival rate of tasks that stay when the wait is ``u``."""
        return math.fsum(r * g(u) for r, g in self._classes)

    def _log_e(self, u: float) -> float:
        """log E(u) - log_top = -cμu + Σ λ·∫₀ᵘ Ḡ, relative to its top."""
        grown = math.fsum(r * g.accumulated(u) for r, g in self._classes)
        return grown - self._capacity * u - self._log_top

    def _extent(self, lasting: float) -> tuple[float, float]:
        """Where E peaks (log E is concave: Λ falls) and where it has fallen by e⁻⁶⁰."""
        top = 0.0
        if self._staying(0.0) > self._capacity:
            high = 1.0
            while self._staying(high) > self._capacity and high < 1e12:
                high *= 2
            low = 0.0
            for _ in range(80):
                middle = (low + high) / 2
                low, high = (
                    (middle, high) if self._staying(middle) > self._capacity else (low, middle)
                )
            top = high
        self._log_top = self._log_e(top)
        if self._capacity <= lasting:
            return top, math.inf
        step = max(top, 1 / self._capacity)
        end = top + step
        while self._log_e(end) > -60 and end < 1e15:
            step *= 2
            end = top + step
        return top, end

    def _weighted(self, weight: Callable[[float], float], low: float, high: float) -> float:
        """∫_low^high E(v)·weight(v) dv on the model's time scale (patience with spread)."""
        high = min(high, self._end)
        if high <= low:
            return 0.0
        cuts = [self._top, *(g.deadline for _, g in self._classes if g.deadline is not None)]
        return integrate(lambda v: math.exp(self._log_e(v)) * weight(v), low, high, cuts)

    def _scale(self, mu: float) -> float:
        """K in f(v) = K·E(v): from the states with idle people, and normalization."""
        c, lam = self.servers, self.total
        a = lam / mu
        # sum over idle states relative to the state with c - 1 busy, continued to real c
        log_idle = a + log_upper_gamma(c, a) + math.lgamma(c) - (c - 1) * math.log(a)
        log_idle -= self._log_top  # on E's scale, relative to its top
        waiting = lam * self._beyond(0.0)
        if log_idle > 700:
            return math.exp(math.log(lam) - log_idle)
        return lam / (math.exp(log_idle) + waiting)

    def _beyond(self, t: float) -> float:
        """∫_t^∞ E(v) dv on the model's time scale."""
        if not self._exact:
            return self._weighted(_one, t, math.inf)
        total = 0.0
        for start, end, decay, height in self._pieces:
            if end > t:
                total += _integral(height, decay, start, max(start, t), end)
        return total

    def _moment(self, limit: float) -> float:
        """∫_0^limit v·E(v) dv on the model's time scale."""
        if not self._exact:
            return self._weighted(_identity, 0.0, limit)
        total = 0.0
        for start, end, decay, height in self._pieces:
            if start >= limit:
                break
            total += _first_moment(height, decay, start, start, min(end, limit))
        return total

    def _degenerate(self) -> bool:
        """Whether nobody is ever served (no people, or work piles up without end)."""
        return not self.stable or self.servers == 0

    def wait_probability(self) -> float:
        """The chance that a task waits at all."""
        return self.beyond(0.0)

    def beyond(self, t: float) -> float:
        """The chance that a task arriving now would wait longer than ``t``, had it no deadline."""
        if self.total == 0:
            return 0.0
        if self._degenerate():
            return 1.0
        return min(self._density * self._beyond(t / self.scale), 1.0)

    def abandon_probability(self, patience: Patience) -> float:
        """The share of tasks with this ``patience`` that leave the queue before service.

        ``∫ f(v)·G(v) dv``: a task that finds the wait ``v`` leaves if its patience is
        shorter. For a deadline ``T`` this is :meth:`beyond` ``(T)``.
        """
        fixed = deadline(patience)
        if fixed is not None:
            return self.beyond(fixed) if math.isfinite(fixed) else 0.0
        if self.total == 0:
            return 0.0
        if self._degenerate():
            return 1.0
        survival = Survival(patience, self.scale)
        left = self._weighted(lambda v: 1.0 - survival(v), 0.0, math.inf)
        return min(self._density * left, 1.0)

    def service_level(self, t: float, patience: Patience = math.inf) -> float:
        """The share of all arriving tasks (of this ``patience``) served within ``t``.

        Answered within ``t`` over all arrivals, as the Erlang A literature and
        workforce tools count it: tasks that leave the queue count as missed, even
        those that left before ``t``. ``P(no wait) + ∫₀ᵗ f(v)·Ḡ(v) dv``.
        """
        if self.total == 0:
            return 1.0
        if self._degenerate():
            return 0.0
        survival = Survival(patience, self.scale)
        limit = t / self.scale
        if survival.deadline is not None:
            within = self._beyond(0.0) - self._beyond(min(limit, survival.deadline))
        else:
            within = self._weighted(survival, 0.0, limit)
        return max(1.0 - self.wait_probability() + self._density * within, 0.0)

    def mean_wait(self, patience: Patience = math.inf) -> float:
        """Mean wait of tasks with this ``patience``; those that leave count their wait."""
        if self.total == 0:
            return 0.0
        if self._degenerate():
            return mean_patience(patience)
        survival = Survival(patience, self.scale)
        limit = survival.deadline
        if limit is None:  # ∫ E(u)·E[min(patience, u)] du
            total = self._weighted(survival.accumulated, 0.0, math.inf)
        else:  # ∫ min(u, limit)·E(u) du
            total = self._moment(limit)
            if math.isfinite(limit):
                total += limit * self._beyond(limit)
        return self._density * total * self.scale

    def served_wait(self, patience: Patience = math.inf) -> float:
        """Mean wait of the tasks with this ``patience`` that are served (ASA)."""
        if self.total == 0:
            return 0.0
        if self._degenerate():
            return math.inf
        served = 1.0 - self.abandon_probability(patience)
        if served <= 0:
            return math.inf
        survival = Survival(patience, self.scale)
        if survival.deadline is not None:
            total = self._moment(survival.deadline)
        else:
            total = self._weighted(lambda v: v * survival(v), 0.0, math.inf)
        return self._density * total * self.scale / served


def _one(v: float) -> float:
    return 1.0


def _identity(v: float) -> float:
    return v


def _integral(log_height: float, decay: float, start: float, low: float, high: float) -> float:
    """∫_low^high exp(log_height - decay·(u - start)) du (each exponent at most 0: E is
    kept relative to its top)."""
    if decay == 0:
        return math.exp(log_height) * (high - low)
    at_low = math.exp(log_height - decay * (low - start))
    at_high = 0.0 if math.isinf(high) else math.exp(log_height - decay * (high - start))
    return (at_low - at_high) / decay


def _first_moment(log_height: float, decay: float, start: float, low: float, high: float) -> float:
    """∫_low^high u·exp(log_height - decay·(u - start)) du."""
    if decay == 0:
        return math.exp(log_height) * (high**2 - low**2) / 2

    def antiderivative(u: float) -> float:
        if math.isinf(u):
            return 0.0
        return -math.exp(log_height - decay * (u - start)) * (u / decay + 1 / decay**2)

    return antiderivative(high) - antiderivative(low)
