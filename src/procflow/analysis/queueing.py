"""Queueing formulas: how long work waits in a pool's queue, from its load and its people.

A pool's queue is modelled as M/M/c, the workforce planner's Erlang C: Poisson
arrivals, ``c`` people, exponential handling times. Two refinements make it fit
T&S queues better:

- **Handling-time variability** (Allen–Cunneen): waits scale by ``(1 + c_s²) / 2``,
  where ``c_s²`` is the squared coefficient of variation of handling time (1 for
  exponential times, so the scale is 1; lognormal review times with sd = mean / 2
  wait about 62% as long).
- **Leaving after a wait** (M/M/c+G): items that wait at most a time before moving
  elsewhere (``escalate_after``, a fixed deadline or a patience distribution:
  :mod:`procflow.analysis.patience`) leave the queue and do not delay the others.
  :class:`WaitModel` solves the queue for any mix of such items (and items that
  wait as long as it takes) through the *virtual waiting time* ``V``, the wait an
  item arriving now would have: while all ``c`` people are busy, ``V`` falls at
  rate 1 and jumps by an Exp(``cμ``) amount whenever an item arrives that will
  stay; its density is ``K·exp(-cμv + Σ λ∫₀ᵛ Ḡ(u) du)`` (Baccelli & Hebuterne
  1981; Zeltyn & Mandelbaum 2005), where ``Ḡ`` is a class's patience survival.
  With deadlines only (M/M/c+D) the exponent is piecewise linear and every
  figure is in closed form; with a patience distribution the integrals are taken
  on Gauss–Legendre panels (:mod:`procflow.analysis.panels`). Exponential
  patience is Erlang A; no patience at all is Erlang C exactly.

Fractional people (a calendar averaged over the week) use the continuous extension
of Erlang's formulas, which agrees with them at whole numbers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from procflow.analysis.panels import Panels
from procflow.analysis.patience import Patience, Survival, deadline, mean_patience
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
        self._patience = [(c.rate, c.patience) for c in classes]
        self._classes = [(c.rate, Survival(c.patience, self.scale)) for c in classes]
        #: the rate of tasks that wait as long as it takes
        lasting = math.fsum(r for r, g in self._classes if g.deadline == math.inf)
        #: deadlines only: E in closed form (exponential pieces); else on panels
        self._exact = all(g.deadline is not None for _, g in self._classes)
        self._log_top = 0.0
        self._pieces: list[tuple[float, float, float, float]] = []
        self._panels: Panels | None = None
        #: Ḡ of each patience asked about, at the nodes of the model's panels
        self._cache: dict[Patience, np.ndarray] = {}
        if self._exact:
            self._pieces = self._deadline_pieces()
        elif self.total > 0 and self._capacity > lasting and math.isfinite(mu):
            self._panels = self._grid()
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

    def _staying_at(self, panels: Panels, patience: Patience) -> np.ndarray:
        """Ḡ of ``patience`` at the panels' nodes (kept for the model's own panels)."""
        base = panels is self._panels
        if base and patience in self._cache:
            return self._cache[patience]
        staying = Survival(patience, self.scale).at(panels.nodes)
        if base:
            self._cache[patience] = staying
        return staying

    def _curve(self, panels: Panels, patience: Patience | None = None) -> _Curve:
        """E (relative to its top) at the panels' nodes, with Ḡ and ∫Ḡ of ``patience``."""
        x = panels.nodes
        grown = np.zeros_like(x)
        for rate, own in self._patience:
            grown += rate * panels.running(self._staying_at(panels, own))
        log_e = grown - self._capacity * x - self._log_top
        if patience is None:
            return _Curve(panels, x, log_e, np.ones_like(x), x)
        staying = self._staying_at(panels, patience)
        return _Curve(panels, x, log_e, staying, panels.running(staying))

    def _grid(self) -> Panels:
        """Panels from 0 to where E has fallen by e⁻⁸⁰ past its top, fine where E matters.

        log E is concave (Λ falls as the wait grows), so it peaks where Λ(v) = cμ and
        falls ever faster after. The axis is cut at the peak, at every class's steps
        and kinks, graded towards 0 (a weibull patience's survival is steep there),
        then each panel where E is within e⁻⁸⁰ of its top is cut until log E changes
        by at most 4 across it, where the rule is exact to rounding.
        """
        capacity = self._capacity
        top, high = 0.0, 1.0 / capacity
        if self._staying(0.0) > capacity:
            while self._staying(high) > capacity:
                high *= 2
            low = 0.0
            for _ in range(100):
                middle = (low + high) / 2
                if self._staying(middle) > capacity:
                    low = middle
                else:
                    high = middle
            top = high
        end, step, fallen = top, max(top, 1.0 / capacity) / 8, 0.0
        rate = capacity - self._staying(top)
        while fallen < 80:  # the fall of log E past the top, by the trapezoid rule
            following = capacity - self._staying(end + step)
            fallen += (rate + following) / 2 * step
            end, rate, step = end + step, following, step * 1.5
        cuts = {top, *(c for _, g in self._classes for c in g.cuts() if 0 < c < end)}
        edges = [0.0, end, *cuts]
        edges += list(np.linspace(0.0, end, 33))
        first = min(c for c in [*cuts, end] if c > 0)
        edges += [first * 2.0**-k for k in range(1, 16)]
        panels = Panels(edges)
        for _ in range(4):
            log_e = self._curve(panels).log_e
            self._log_top += float(log_e.max())
            highest = log_e.max(axis=1) - log_e.max()
            spread = log_e.max(axis=1) - log_e.min(axis=1)
            pieces = np.where(highest > -80, np.ceil(spread / 4), 1).astype(int)
            if (pieces <= 1).all():
                break
            finer = [panels.edges[-1]]
            for start, width, count in zip(panels.starts, panels.widths, pieces, strict=True):
                finer += list(start + width * np.arange(count) / count)
            panels = Panels(finer)
        self._cache.clear()
        return panels

    def _along(self, patience: Patience | None, low: float = 0.0, high: float = math.inf) -> _Curve:
        """The curve for ``patience`` (None: E alone), weights kept within [low, high]."""
        assert self._panels is not None
        panels = self._panels
        inside = [e for e in (low, high) if 0 < e < panels.edges[-1]]
        if inside:
            panels = Panels([*panels.edges, *inside])
        curve = self._curve(panels, patience)
        curve.weights = panels.between(low, high)
        return curve

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
            return self._along(None, t).integral(1.0)
        total = 0.0
        for start, end, decay, height in self._pieces:
            if end > t:
                total += _integral(height, decay, start, max(start, t), end)
        return total

    def _moment(self, limit: float) -> float:
        """∫_0^limit v·E(v) dv on the model's time scale (deadlines only)."""
        total = 0.0
        for start, end, decay, height in self._pieces:
            if start >= limit:
                break
            total += _first_moment(height, decay, start, start, min(end, limit))
        return total

    def _closed_form(self, patience: Patience) -> float | None:
        """The deadline of ``patience`` when the closed form answers for it, else None.

        Raises ValueError for a patience distribution asked of a model of deadlines
        only: the methods answer for the patience of one of the model's classes.
        """
        fixed = deadline(patience)
        if self._exact and fixed is None:
            raise ValueError("ask a WaitModel about the patience of one of its classes")
        return fixed if self._exact else None

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
        if self.total == 0 or mean_patience(patience) == math.inf:
            return 0.0
        if self._degenerate():
            return 1.0
        fixed = self._closed_form(patience)
        if fixed is not None:
            return self.beyond(fixed)
        curve = self._along(patience)
        return min(self._density * curve.integral(1.0 - curve.staying), 1.0)

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
        limit = t / self.scale
        fixed = self._closed_form(patience)
        if fixed is not None:
            within = self._beyond(0.0) - self._beyond(min(limit, fixed / self.scale))
        else:
            curve = self._along(patience, 0.0, limit)
            within = curve.integral(curve.staying)
        return max(1.0 - self.wait_probability() + self._density * within, 0.0)

    def mean_wait(self, patience: Patience = math.inf) -> float:
        """Mean wait of tasks with this ``patience``; those that leave count their wait."""
        if self.total == 0:
            return 0.0
        if self._degenerate():
            return mean_patience(patience)
        fixed = self._closed_form(patience)
        if fixed is not None:  # ∫ min(u, T)·E(u) du
            limit = fixed / self.scale
            total = self._moment(limit)
            if math.isfinite(limit):
                total += limit * self._beyond(limit)
        else:  # ∫ E(u)·E[min(patience, u)] du
            curve = self._along(patience)
            total = curve.integral(curve.accumulated)
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
        fixed = self._closed_form(patience)
        if fixed is not None:
            total = self._moment(fixed / self.scale)
        else:
            curve = self._along(patience)
            total = curve.integral(curve.x * curve.staying)
        return self._density * total * self.scale / served


class _Curve:
    """E at the nodes of some panels, with one patience's Ḡ and ∫Ḡ there."""

    __slots__ = ("accumulated", "log_e", "staying", "weights", "x")

    def __init__(
        self,
        panels: Panels,
        x: np.ndarray,
        log_e: np.ndarray,
        staying: np.ndarray,
        accumulated: np.ndarray,
    ) -> None:
        self.x = x
        self.log_e = log_e
        self.staying = staying
        self.accumulated = accumulated
        self.weights = panels.weights

    def integral(self, weight: np.ndarray | float) -> float:
        """∫ E·weight over the panels the weights keep."""
        return float(np.sum(self.weights * np.exp(self.log_e) * weight))


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
