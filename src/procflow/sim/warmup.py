"""Choosing the warm-up from the data: MSER-5 on the work in progress.

A run starts empty: for a while queues are shorter than they will usually be,
and numbers measured then are too good. The warm-up leaves that start out. With
``--warmup auto`` procflow chooses it as White (1997) does with MSER-5:

1. sample the items in the system (work in progress) over a replication, and
   average the samples in batches of 5;
2. for every candidate cut ``d`` in the first half of the batches, compute the
   marginal standard error of what is left: the variance of the batch means
   after ``d`` divided by the square of how many are left;
3. the cut with the smallest error is the end of the start-up: leaving out more
   removes data without removing bias, leaving out less keeps the biased start.

The KPIs must then be measured after that warm-up, so the choice is made on a
pilot first: a few replications run with no warm-up, each gets its MSER-5 cut,
and the warm-up is the median of their cuts (one noisy replication does not
decide it). The replications that follow use the same random streams as if the
warm-up had been given by hand.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from procflow.results import Replication

#: Observations per batch mean (the 5 of MSER-5).
BATCH = 5
#: Replications of the pilot (fewer if the run asks for fewer).
PILOT = 5


def mser(values: Sequence[float], batch: int = BATCH) -> int:
    """How many leading observations to drop: the MSER-``batch`` truncation point.

    The cut is a whole number of batches, searched over the first half of them;
    a series shorter than two batches is not cut.
    """
    means = [
        math.fsum(values[k : k + batch]) / batch for k in range(0, len(values) - batch + 1, batch)
    ]
    m = len(means)
    if m < 2:
        return 0
    best, best_error = 0, math.inf
    for d in range(m // 2 + 1):
        rest = means[d:]
        centre = math.fsum(rest) / len(rest)
        error = math.fsum((b - centre) ** 2 for b in rest) / len(rest) ** 2
        if error < best_error:
            best, best_error = d, error
    return best * batch


def truncation_time(run: Replication) -> float:
    """The MSER-5 warm-up of one replication's work-in-progress series (0: no cut)."""
    times, wip = run.series.get("time", []), run.series.get("wip", [])
    drop = mser(wip)
    return times[drop - 1] if drop else 0.0


def choose(pilots: Sequence[Replication]) -> float:
    """The warm-up from pilot replications run without one: the median of their cuts."""
    if not pilots:
        return 0.0
    return float(statistics.median(truncation_time(run) for run in pilots))
