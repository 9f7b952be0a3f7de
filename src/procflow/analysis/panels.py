"""Integrals along the wait axis, on Gauss–Legendre panels.

The formulas of a queue whose items leave after a patience distribution
(:mod:`procflow.analysis.queueing`) integrate smooth functions of the wait: the
density of the wait, a patience's survival, the wait itself. The axis is cut into
panels at the places where a function has a kink or a step (a deadline, the ends
of a uniform patience), and each panel is integrated with the 16-point
Gauss–Legendre rule, exact for polynomials up to degree 31. Running integrals
(``∫₀ᵘ Ḡ`` at every node, which the density needs) use the same nodes through the
rule's integration matrix, so each function is evaluated once per node, with
NumPy, and no integral is nested in another.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.polynomial import legendre

ORDER = 16
_NODES, _WEIGHTS = legendre.leggauss(ORDER)  # on [-1, 1]


def _integration_matrix() -> np.ndarray:
    """S with S[i, l] = ∫₋₁^{x_i} ℓ_l: the running integral at the nodes from the values there.

    ℓ_l is the l-th Lagrange polynomial of the nodes. In Legendre polynomials,
    ℓ_l = Σ_m C[m, l]·P_m with C = diag((2m+1)/2)·Vᵀ·W (the rule makes V orthogonal),
    and ∫₋₁ˣ P_m = (P_{m+1}(x) - P_{m-1}(x)) / (2m+1) (x + 1 for m = 0).
    """
    m = np.arange(ORDER)
    vander = legendre.legvander(_NODES, ORDER)  # P_0 .. P_ORDER at the nodes
    coefficients = ((2 * m + 1) / 2)[:, None] * vander[:, :ORDER].T * _WEIGHTS[None, :]
    integrals = np.empty((ORDER, ORDER))
    integrals[:, 0] = _NODES + 1
    for k in range(1, ORDER):
        integrals[:, k] = (vander[:, k + 1] - vander[:, k - 1]) / (2 * k + 1)
    result: np.ndarray = integrals @ coefficients
    return result


_RUNNING = _integration_matrix()


class Panels:
    """The axis from its first edge to its last, cut at ``edges``: nodes and weights.

    Arrays of values at the nodes have the shape of :attr:`nodes`: one row per panel.
    """

    def __init__(self, edges: Iterable[float]) -> None:
        cuts = np.unique(np.asarray(list(edges), dtype=float))
        self.edges = cuts
        self.starts = cuts[:-1]
        self.widths = np.diff(cuts)
        half = self.widths[:, None] / 2
        self.nodes: np.ndarray = self.starts[:, None] + half * (_NODES + 1)[None, :]
        self.weights: np.ndarray = half * _WEIGHTS[None, :]

    def running(self, values: np.ndarray) -> np.ndarray:
        """∫ from the first edge to each node of the function with these ``values``."""
        totals = np.sum(self.weights * values, axis=1)
        before = np.concatenate(([0.0], np.cumsum(totals)[:-1]))
        within = (self.widths[:, None] / 2) * (values @ _RUNNING.T)
        result: np.ndarray = before[:, None] + within
        return result

    def between(self, low: float, high: float) -> np.ndarray:
        """The weights, zero outside the panels that lie within [low, high] (both edges)."""
        inside = (self.starts >= low) & (self.edges[1:] <= high)
        result: np.ndarray = self.weights * inside[:, None]
        return result
