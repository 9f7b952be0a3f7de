"""Item classes: the groups of items that routing and skills treat alike.

A ``when`` condition splits items by their attributes: high-severity reports go
one way, the rest another. For the traffic equations, items whose attributes give
every condition the same answer, and that need the same skills, behave alike, so
the analysis solves one routing chain per *class* and weighs it by the class's
share of its arrival stream.

The shares are exact. A categorical attribute contributes its values; a numeric
one (a word count drawn from a distribution) is cut at the values the conditions
compare it with (``words > 500`` cuts at 500), since a condition's answer only
changes there, and each piece's share comes from the distribution function. Only
when conditions compare two attributes with each other, or a skill is named by a
numeric attribute, or the combinations exceed :data:`MAX_ENUMERATED_CLASSES`, are
the shares estimated from a fixed sample (the same on every run).

With a process ``truth``, every class is split once more, by its items' true class
(violating or not, or each of ``truth.classes``, with the prevalence the class's
attributes give) and, with a model score,
by the pieces of the score between the thresholds conditions compare it with, each
piece's share from the score distribution of its class: so the traffic equations
give exact false-negative and false-positive rates for thresholds on the score.

Where the work of new hires differs, or a sample reads its worker (``new_hire``,
``annotator_accuracy``: :mod:`procflow.model.tenure`), every class is split by whether
a new hire worked on its items, with the new hires' share of the pool's working people
(their share of the pool's tasks, as they work as fast as the rest; of the items a little
less when their rework comes back to them: :func:`~procflow.analysis.tenure.by_tasks`
corrects the shares once the traffic equations give each group's tasks per item). Their
measured accuracy
is taken as their true one (the long run of their gold answers). One item is taken to
be worked by one group throughout: exact without rework, or with rework sent back to
the same person; with several pools with new hires, the first one's share is used.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from procflow.expr import Expr, Scalar
from procflow.flow.compiler import Flow
from procflow.flow.routing import Row
from procflow.flow.truth import TruthRule
from procflow.model.distributions import Distribution
from procflow.model.fields import MAX_ATTEMPTS
from procflow.model.process import ATTEMPT, CategoricalAttribute, NumericAttribute
from procflow.model.tenure import ANNOTATOR_ACCURACY, NEW_HIRE, UNMEASURED_ACCURACY

#: Above this many attribute combinations, classes are estimated from a fixed sample.
MAX_ENUMERATED_CLASSES = 20_000
SAMPLED_ITEMS = 4_000
#: Scores per class drawn when a score's pieces cannot be cut exactly.
SAMPLED_SCORES = 200
#: The fixed seed of that sample: the analysis has no randomness from run to run.
SAMPLE_SEED = 20_240_601


@dataclass(frozen=True)
class ItemClass:
    """Items of one arrival stream that every condition and skill treats alike."""

    stream: int
    #: the class's share of its stream's items
    share: float
    #: the attribute row of one item of the class (positioned by ``Flow.attributes``)
    row: Row


def item_classes(flow: Flow, stream: int) -> list[ItemClass]:
    """The classes of the items of arrival stream ``stream``, with their shares."""
    arrival = flow.process.arrivals[stream]
    predicates = [holds for rule in flow.rules for _, holds, _ in rule.conditions]
    predicates += [holds for rule in flow.rules for holds, _ in rule.sample if holds is not None]
    skill_positions = sorted({rule.skill_from for rule in flow.rules if rule.skill_from >= 0})
    conditions = [c for rule in flow.rules for c, _, _ in rule.conditions]
    conditions += _quality_conditions(flow)
    read = {name for c in conditions for name in c.attributes()}
    read |= {flow.attributes[p] for p in skill_positions}
    truth = flow.truth
    by = [truth.by_at] if truth is not None and truth.by_at >= 0 else []
    read |= {flow.attributes[p] for p in by}
    used = sorted(read & set(arrival.attributes))
    position = {name: k for k, name in enumerate(flow.attributes)}
    cuts = _cuts(conditions)
    skills = {flow.attributes[p] for p in skill_positions}
    if truth is not None:
        predicates.append(lambda row: row[truth.at])  # a class name, or violating
    kept = [*skill_positions, *by]  # values a class keeps: skills, and the breakdown's
    if NEW_HIRE in position:
        kept.append(position[NEW_HIRE])  # the new hires' work has a rule of its own

    attempt = position.get(ATTEMPT, -1)
    # conditions on the attempt number tell items apart by their attributes at any attempt
    probes = _attempts(cuts) if attempt >= 0 else ()

    def key(row: Row) -> tuple[object, ...]:
        rows = [row, *((*row[:attempt], a, *row[attempt + 1 :]) for a in probes)]
        return (
            *(holds(r) for r in rows for holds in predicates),
            *(row[p] for p in kept),
        )

    shares: dict[tuple[object, ...], float] = defaultdict(float)
    rows: dict[tuple[object, ...], Row] = {}
    drawn = _rows(arrival.attributes, used, position, len(flow.attributes), cuts, skills)
    if truth is not None:
        score = flow.process.truth.score if flow.process.truth is not None else None
        score_cuts = (cuts or {}).get(score.attribute, []) if score is not None else []
        drawn = _truthful(truth, drawn, score_cuts if cuts is not None else None)
    drawn = _by_worker(flow, drawn)
    for weight, row in drawn:
        k = key(row)
        shares[k] += weight
        rows.setdefault(k, row)
    return [ItemClass(stream, share, rows[k]) for k, share in shares.items() if share > 0]


def _attempts(cuts: dict[str, list[float]] | None) -> range:
    """Attempt numbers that every comparison of ``attempt`` tells apart: 1 to past the last."""
    limit = max((cuts or {}).get(ATTEMPT, []), default=MAX_ATTEMPTS if cuts is None else 1.0)
    return range(1, int(min(limit, MAX_ATTEMPTS)) + 2)


def _quality_conditions(flow: Flow) -> list[Expr]:
    """The conditions of the reviews' samples and of the truth's prevalence."""
    found = [
        rate.when
        for stage in flow.process.stages.values()
        for rate in stage.sample or []
        if rate.when is not None
    ]
    truth = flow.process.truth
    if truth is not None:
        found += [rule.when for rule in truth.prevalence if rule.when is not None]
    return found


def _truthful(
    truth: TruthRule, rows: list[tuple[float, Row]], score_cuts: Sequence[float] | None
) -> list[tuple[float, Row]]:
    """Each (weight, row) split by the truth, and by the pieces of the score between its
    cuts (None: conditions compare attributes with each other, so a fixed sample)."""
    found: list[tuple[float, Row]] = []
    for weight, row in rows:
        for true_class, share in truth.shares_of(row):
            if share <= 0:
                continue
            pieces: list[tuple[Scalar | None, float]] = [(None, 1.0)]
            if truth.score_at >= 0:
                scores = truth.score_of(true_class)
                pieces = list(_pieces(scores, score_cuts)) if score_cuts is not None else []
                if score_cuts is None:
                    rng = np.random.default_rng(SAMPLE_SEED)
                    drawn = scores.sample(rng, SAMPLED_SCORES)
                    pieces = [(float(v), 1 / SAMPLED_SCORES) for v in drawn]
            for value, part in pieces:
                filled = list(row)
                filled[truth.at] = true_class
                if truth.score_at >= 0:
                    filled[truth.score_at] = value
                found.append((weight * share * part, tuple(filled)))
    return found


def new_hire_pool(flow: Flow) -> str | None:
    """The pool whose new hires the analysis splits items by: the first with new hires."""
    return next((name for name, r in flow.process.resources.items() if r.new_hires), None)


def _by_worker(flow: Flow, rows: list[tuple[float, Row]]) -> list[tuple[float, Row]]:
    """Each (weight, row) split by whether a new hire worked on it, with the worker's
    accuracy as gold measures it in the long run (rows as they were when nothing reads
    the worker)."""
    position = {name: k for k, name in enumerate(flow.attributes)}
    if NEW_HIRE not in position and ANNOTATOR_ACCURACY not in position:
        return rows
    pool = new_hire_pool(flow)
    share = flow.process.resources[pool].new_hire_share if pool is not None else 0.0
    gold = next((rule.gold for rule in flow.rules if rule.gold is not None), None)
    found: list[tuple[float, Row]] = []
    for weight, row in rows:
        for new, part in ((True, share), (False, 1 - share)):
            if part <= 0:
                continue
            filled = list(row)
            if NEW_HIRE in position:
                filled[position[NEW_HIRE]] = new
            if ANNOTATOR_ACCURACY in position:
                measured = gold.accuracy_of(new) if gold is not None else UNMEASURED_ACCURACY
                filled[position[ANNOTATOR_ACCURACY]] = measured
            found.append((weight * part, tuple(filled)))
    return found


def _cuts(conditions: Sequence[Expr]) -> dict[str, list[float]] | None:
    """Per attribute, the numbers conditions compare it with (None: two attributes compared)."""
    found: dict[str, set[float]] = {}
    for condition in conditions:
        constants = condition.compared_constants()
        if constants is None:
            return None
        for name, values in constants.items():
            numbers = {
                float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)
            }
            found.setdefault(name, set()).update(numbers)
    return {name: sorted(values) for name, values in found.items()}


def _pieces(distribution: Distribution, cuts: Sequence[float]) -> list[tuple[Scalar, float]]:
    """(a value inside, share) of each piece of the range between the cuts, and of each cut."""
    if not cuts:
        return [(distribution.mean, 1.0)]
    pieces: list[tuple[Scalar, float]] = []
    below = 0.0  # P(X <= the previous cut)
    for k, cut in enumerate(cuts):
        inside = cut - 1.0 if k == 0 else (cuts[k - 1] + cut) / 2
        at = distribution.mass(cut)
        pieces.append((inside, distribution.cdf(cut) - at - below))
        pieces.append((cut, at))
        below = distribution.cdf(cut)
    pieces.append((cuts[-1] + 1.0, 1.0 - below))
    return [(value, share) for value, share in pieces if share > 1e-15]


def _shares(attribute: CategoricalAttribute) -> list[tuple[Scalar, float]]:
    """(value, share) of a categorical attribute, the shares scaled to add up to 1; equal
    shares if they are all 0 (or not numbers: lint reports those, ``PF201``/``PF205``, and
    the analysis still runs)."""
    weights = [p if p > 0 and math.isfinite(p) else 0.0 for p in attribute.values.values()]
    total = math.fsum(weights)
    if total <= 0:
        return [(v, 1 / len(weights)) for v in attribute.values]
    return [(v, w / total) for v, w in zip(attribute.values, weights, strict=True)]


def _rows(
    attributes: Mapping[str, CategoricalAttribute | NumericAttribute],
    used: list[str],
    position: dict[str, int],
    width: int,
    cuts: dict[str, list[float]] | None,
    skills: set[str],
) -> list[tuple[float, Row]]:
    """(weight, row) covering the stream's items: every combination, or a fixed sample."""
    axes: list[tuple[str, list[tuple[Scalar, float]]]] = []
    exact = cuts is not None
    for name in used:
        attribute = attributes[name]
        if isinstance(attribute, CategoricalAttribute):
            axes.append((name, _shares(attribute)))
        elif cuts is not None and name not in skills:
            axes.append((name, _pieces(attribute.distribution, cuts.get(name, []))))
        else:
            exact = False
    combos = math.prod(len(values) for _, values in axes)
    found: list[tuple[float, Row]] = []
    if exact and combos <= MAX_ENUMERATED_CLASSES:
        for combo in itertools.product(*(values for _, values in axes)):
            row: list[object] = [None] * width
            for (name, _), (value, _) in zip(axes, combo, strict=True):
                row[position[name]] = value
            found.append((math.prod(p for _, p in combo), tuple(row)))
        return found
    rng = np.random.default_rng(SAMPLE_SEED)
    columns: dict[str, list[object]] = {}
    for name in used:
        attribute = attributes[name]
        if isinstance(attribute, CategoricalAttribute):
            names, probs = zip(*_shares(attribute), strict=True)
            picks = rng.choice(len(names), SAMPLED_ITEMS, p=np.array(probs))
            columns[name] = [names[k] for k in picks]
        else:
            columns[name] = list(attribute.distribution.sample(rng, SAMPLED_ITEMS))
    for k in range(SAMPLED_ITEMS):
        row = [None] * width
        for name, column in columns.items():
            row[position[name]] = column[k]
        found.append((1 / SAMPLED_ITEMS, tuple(row)))
    return found
