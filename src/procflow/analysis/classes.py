"""Item classes: the groups of items that routing and skills treat alike.

A ``when`` condition splits items by their attributes: high-severity reports go
one way, the rest another. For the traffic equations, items whose attributes give
every condition the same answer, and that need the same skills, behave alike, so
the analysis solves one routing chain per *class* and weighs it by the class's
share of its arrival stream. With categorical attributes the classes and their
shares are exact; numeric attributes (a word count drawn from a distribution) are
estimated from a fixed sample, the same on every run.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from procflow.expr import Scalar
from procflow.flow.routing import Flow, Row
from procflow.model.process import CategoricalAttribute, NumericAttribute

#: Above this many attribute combinations, classes are estimated from a fixed sample.
MAX_ENUMERATED_CLASSES = 20_000
SAMPLED_ITEMS = 4_000
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
    skill_positions = sorted({rule.skill_from for rule in flow.rules if rule.skill_from >= 0})
    read = {name for rule in flow.rules for c, _, _ in rule.conditions for name in c.attributes()}
    read |= {flow.attributes[p] for p in skill_positions}
    used = sorted(read & set(arrival.attributes))
    position = {name: k for k, name in enumerate(flow.attributes)}

    def key(row: Row) -> tuple[object, ...]:
        return (*(holds(row) for holds in predicates), *(row[p] for p in skill_positions))

    shares: dict[tuple[object, ...], float] = defaultdict(float)
    rows: dict[tuple[object, ...], Row] = {}
    for weight, row in _rows(arrival.attributes, used, position, len(flow.attributes)):
        k = key(row)
        shares[k] += weight
        rows.setdefault(k, row)
    return [ItemClass(stream, share, rows[k]) for k, share in shares.items() if share > 0]


def _rows(
    attributes: Mapping[str, CategoricalAttribute | NumericAttribute],
    used: list[str],
    position: dict[str, int],
    width: int,
) -> list[tuple[float, Row]]:
    """(weight, row) covering the stream's items: every combination, or a fixed sample."""
    categorical: list[tuple[str, list[tuple[Scalar, float]]]] = []
    numeric = False
    for name in used:
        attribute = attributes[name]
        if isinstance(attribute, CategoricalAttribute):
            total = sum(max(p, 0.0) for p in attribute.values.values()) or 1.0
            shares: list[tuple[Scalar, float]] = [
                (v, max(p, 0.0) / total) for v, p in attribute.values.items()
            ]
            categorical.append((name, shares))
        else:
            numeric = True
    combos = math.prod(len(values) for _, values in categorical)
    found: list[tuple[float, Row]] = []
    if not numeric and combos <= MAX_ENUMERATED_CLASSES:
        for combo in itertools.product(*(values for _, values in categorical)):
            row: list[object] = [None] * width
            for (name, _), (value, _) in zip(categorical, combo, strict=True):
                row[position[name]] = value
            found.append((math.prod(p for _, p in combo), tuple(row)))
        return found
    rng = np.random.default_rng(SAMPLE_SEED)
    columns: dict[str, list[object]] = {}
    for name in used:
        attribute = attributes[name]
        if isinstance(attribute, CategoricalAttribute):
            names: list[Scalar] = list(attribute.values)
            probs = np.array([max(p, 0.0) for p in attribute.values.values()])
            picks = rng.choice(len(names), SAMPLED_ITEMS, p=probs / probs.sum())
            columns[name] = [names[k] for k in picks]
        else:
            columns[name] = list(attribute.distribution.sample(rng, SAMPLED_ITEMS))
    for k in range(SAMPLED_ITEMS):
        row = [None] * width
        for name, column in columns.items():
            row[position[name]] = column[k]
        found.append((1 / SAMPLED_ITEMS, tuple(row)))
    return found
