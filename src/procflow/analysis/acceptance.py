"""Lot acceptance sampling in closed form: the OC curve, outgoing quality, inspection load.

A plan (n, c) inspects n items of a lot and accepts the lot when at most c defects are
found. If each inspected item is defective with probability p and the inspection
catches a defect with probability r (the review's ``detection_rate``), each inspected
item shows a defect with probability p·r, independently, so the number found is
binomial and

    P(accept) = sum over k = 0..c of C(n, k) (p·r)^k (1 − p·r)^(n − k),

the *operating characteristic* (OC curve) of the plan: n = 125, c = 7 accepts 71.2% of
lots that are 5% defective and 20.9% of lots that are 8% defective.

*Average outgoing quality* (AOQ) is the share of defective items among those leaving
the stage, a caught defect counting as repaired. In a lot of N items, the n inspected
leave defective with probability p·(1 − r); the other N − n are defective with
probability p, and leave so when the lot is accepted; a rejected lot is either
inspected in full (``on_reject: inspect``: each defect caught with r) or sent on as it
is (to a stage). With perfect inspection and full inspection of rejected lots this is
the textbook AOQ = P(accept)·p·(N − n)/N of rectifying inspection.

*Inspection load* is the items inspected per item entering: n/N, plus the
(1 − P(accept))·(N − n)/N of rejected lots inspected in full.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from procflow.flow.compiler import Flow
from procflow.flow.lots import LotRule

#: The defect rates at which ``procflow analyze`` shows a plan's OC curve.
OC_POINTS: tuple[float, ...] = (0.01, 0.02, 0.03, 0.05, 0.08, 0.10, 0.15)


def acceptance_probability(sample: int, accept: int, found_rate: float) -> float:
    """P(at most ``accept`` defects among ``sample`` items), each found with ``found_rate``."""
    q = min(max(found_rate, 0.0), 1.0)
    return sum(
        math.comb(sample, k) * q**k * (1 - q) ** (sample - k)
        for k in range(min(accept, sample) + 1)
    )


@dataclass(frozen=True)
class LotFigures:
    """What a plan does to lots of a given defect rate (see the module docstring)."""

    defect_rate: float
    acceptance: float
    outgoing_quality: float
    inspection_load: float


def lot_figures(
    lot_size: int,
    sample: int,
    accept: int,
    defect_rate: float,
    detection_rate: float = 1.0,
    inspect_rejected: bool = True,
) -> LotFigures:
    """The acceptance probability, AOQ and inspection load of a plan on lots of ``lot_size``.

    A sample larger than the lot inspects the whole lot.
    """
    n = min(sample, lot_size)
    p, r = defect_rate, detection_rate
    accepted = acceptance_probability(n, accept, p * r)
    rest = (lot_size - n) / lot_size
    after_reject = 1 - r if inspect_rejected else 1.0
    outgoing = p * (n / lot_size) * (1 - r) + p * rest * (accepted + (1 - accepted) * after_reject)
    load = n / lot_size + (rest * (1 - accepted) if inspect_rejected else 0.0)
    return LotFigures(p, accepted, outgoing, load)


@dataclass(frozen=True)
class LotCurve:
    """A lot stage's plan and its OC curve: what it does at each of :data:`OC_POINTS`."""

    stage: str
    #: items per lot (None: not known, lots by attribute and day without ``size``)
    lot_size: int | None
    sample: int
    accept: int
    detection_rate: float
    inspect_rejected: bool
    points: tuple[LotFigures, ...]
    #: the figures at the defect rate of the items that reach the stage in this process
    here: LotFigures


def lot_curves(flow: Flow) -> tuple[LotCurve, ...]:
    """The OC curve of every lot stage of a compiled process, in file order."""
    curves = []
    for rule in flow.rules:
        lots = rule.lots
        if lots is None:
            continue
        size = lots.size or None
        sample = min(lots.sample, size) if size is not None else lots.sample
        points = tuple(_figures(lots, size, p) for p in OC_POINTS)
        curves.append(
            LotCurve(
                rule.name, size, sample, lots.accept, lots.detection_rate,
                lots.inspect_rejected, points, _figures(lots, size, lots.incoming),
            )
        )  # fmt: skip
    return tuple(curves)


def _figures(lots: LotRule, size: int | None, p: float) -> LotFigures:
    """A lot stage's figures at defect rate ``p`` (its acceptance only for lots of unknown
    size: lots by attribute and day without ``size``)."""
    r = lots.detection_rate
    if size is None:
        return LotFigures(p, acceptance_probability(lots.sample, lots.accept, p * r), *_NONE)
    return lot_figures(size, lots.sample, lots.accept, p, r, lots.inspect_rejected)


_NONE = (math.nan, math.nan)
