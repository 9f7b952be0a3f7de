"""Quality figures: what a QC sample measures, and the final decisions against the truth.

A QC reviewer is imperfect in two ways: they miss some defects (they catch a share
``r``, the detection rate or sensitivity) and flag some right items (a share ``f``,
the false-flag rate, 1 - specificity). The share a QC sample *flags* is then biased:

    observed = r * true + f * (1 - true)

and the Rogan–Gladen estimator inverts it, giving the true defect rate back from the
observed one (observed 4.5%, r = 0.85, f = 0.01: true 4.17%):

    true = (observed + specificity - 1) / (sensitivity + specificity - 1)

One sampled review pass over items with defect rate ``d``, reviewing a share ``s``
and catching a share ``r`` of the defects it sees, lets ``d * (1 - s * r)`` through
(3.32% for d = 4%, s = 20%, r = 85%); a model threshold ``t`` on a score leaves up
the violating items scored below it, the violating items' score CDF at ``t``. Both
follow from the traffic equations, exactly (the review's own outcomes, and classes of
items cut at the thresholds: :mod:`procflow.analysis.classes`); what this module adds
is the final decisions against the truth, and what each review measures.

With ``truth.classes``, the delivered items' defects say which class each was
decided as, so the traffic equations give the confusion of the final decisions
exactly: per true class its prevalence times the matrices along its way, composed
with the reviews' catches and the re-decisions of rework. :func:`confusion_figures`
reads that confusion (the simulator's counts as well) into removals under the wrong
policy and each class's recall and precision.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from procflow.analysis.classes import ItemClass
from procflow.analysis.traffic import Tally
from procflow.flow.compiler import Flow
from procflow.flow.truth import TruthRule


def rogan_gladen(observed: float, sensitivity: float, false_flag: float) -> float:
    """The true defect rate behind an ``observed`` flag rate, kept within 0..1.

    NaN when the review cannot tell defects from right items (sensitivity equal to
    the false-flag rate), or when nothing was observed (``observed`` NaN).
    """
    informative = sensitivity - false_flag
    if math.isnan(observed) or informative <= 0:
        return math.nan
    return min(max((observed - false_flag) / informative, 0.0), 1.0)


@dataclass(frozen=True)
class ClassFigures:
    """The final decisions by class (with ``truth.classes``), from the confusion counts."""

    #: violating items removed under another class's policy, per 1,000 delivered
    wrong_reason_per_1000: float
    #: per class: the share of its items decided as it, and of the items decided as it
    #: that truly are it
    recall: dict[object, float]
    precision: dict[object, float]
    #: true class -> decided class -> the share of the true class's items decided so
    confusion: dict[object, dict[object, float]]


def confusion_figures(
    counts: Mapping[tuple[object, object], float],
    classes: Sequence[object],
    kept: Collection[object],
    delivered: float,
) -> ClassFigures:
    """What the confusion of the final decisions says: ``counts`` of delivered items by
    (true class, decided class), out of ``delivered`` (NaN where nothing was counted)."""

    def ratio(count: float, of: float, scale: float = 1.0) -> float:
        return scale * count / of if of > 0 else math.nan

    rows = {t: math.fsum(counts.get((t, d), 0.0) for d in classes) for t in classes}
    columns = {d: math.fsum(counts.get((t, d), 0.0) for t in classes) for d in classes}
    wrong = math.fsum(
        n for (t, d), n in counts.items() if t != d and t not in kept and d not in kept
    )
    return ClassFigures(
        wrong_reason_per_1000=ratio(wrong, delivered, 1000),
        recall={c: ratio(counts.get((c, c), 0.0), rows[c]) for c in classes},
        precision={c: ratio(counts.get((c, c), 0.0), columns[c]) for c in classes},
        confusion={
            t: {d: ratio(counts.get((t, d), 0.0), rows[t]) for d in classes} for t in classes
        },
    )


@dataclass(frozen=True)
class Decisions:
    """The final decisions routing alone gives, against the truth (per delivered item)."""

    violating: float  #: share of delivered items that violate
    false_negatives_per_1000: float  #: violating items left up, per 1,000 delivered
    false_positives_per_1000: float  #: benign items removed, per 1,000 delivered
    precision: float  #: share of removals that were right
    recall: float  #: share of violating items removed
    #: per value of ``truth.by``: (false negatives, false positives) per 1,000 of its items
    by: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: with ``truth.classes``: the final decisions by class
    classes: ClassFigures | None = None


@dataclass(frozen=True)
class ReviewQuality:
    """What a review measures of the items it reviews, beside their true quality."""

    measured: float  #: share it flags (caught defects and false flags)
    true: float  #: share that carry a defect
    corrected: float  #: the Rogan–Gladen estimate from the measured share


def decisions(
    truth: TruthRule,
    classes: Sequence[ItemClass],
    weights: Sequence[float],
    tallies: Sequence[Tally],
) -> Decisions:
    """The expected final decisions, from each class's tally (its truth is in its row, its
    wrong decisions are the defects it is delivered with: :meth:`TruthRule.decided`)."""
    delivered = positives = wrong_up = wrong_down = 0.0
    by: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    counts: dict[tuple[object, object], float] = defaultdict(float)
    for item_class, weight, tally in zip(classes, weights, tallies, strict=True):
        true = item_class.row[truth.at]
        positive = truth.violates(true)
        share = weight * tally.delivered
        delivered += share
        positives += share if positive else 0.0
        counts[true, true] += share
        for defect, count in tally.delivered_by.items():
            decided = truth.decided(true, defect)
            wrong = weight * count
            counts[true, true] -= wrong
            counts[true, decided] += wrong
            missed = positive and not truth.violates(decided)
            wrongly_removed = not positive and truth.violates(decided)
            wrong_up += wrong if missed else 0.0
            wrong_down += wrong if wrongly_removed else 0.0
            if truth.by_at >= 0 and (missed or wrongly_removed):
                by[str(item_class.row[truth.by_at])][1 if missed else 2] += wrong
        if truth.by_at >= 0:
            by[str(item_class.row[truth.by_at])][0] += share
    removed = positives - wrong_up + wrong_down

    def ratio(count: float, of: float, scale: float = 1.0) -> float:
        return scale * count / of if of > 0 else math.nan

    return Decisions(
        violating=ratio(positives, delivered),
        false_negatives_per_1000=ratio(wrong_up, delivered, 1000),
        false_positives_per_1000=ratio(wrong_down, delivered, 1000),
        precision=ratio(positives - wrong_up, removed),
        recall=ratio(positives - wrong_up, positives),
        by={
            value: (ratio(fn, count, 1000), ratio(fp, count, 1000))
            for value, (count, fn, fp) in sorted(by.items())
        },
        classes=(
            confusion_figures(counts, truth.classes, truth.kept, delivered) if truth.many else None
        ),
    )


def reviews(flow: Flow, tally: Tally) -> dict[str, ReviewQuality]:
    """Per review (with truth, or with a false-flag rate): measured, true and corrected."""
    found: dict[str, ReviewQuality] = {}
    for rule in flow.rules:
        review = rule.review
        if review is None or not (flow.truth is not None or review.false_flag > 0):
            continue
        visits = tally.visits.get(rule.index, 0.0)
        if visits <= 0:
            continue
        measured = tally.flags.get(rule.index, 0.0) / visits
        found[rule.name] = ReviewQuality(
            measured,
            tally.defects_seen.get(rule.index, 0.0) / visits,
            rogan_gladen(measured, review.detection_rate, review.false_flag),
        )
    return found
