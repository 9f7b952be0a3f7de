"""The kinds of item a path policy must think of: each arrival stream with attribute values.

"Every high-severity item passes a specialist" is about the routes a high-severity
item can take, which depend on its other attributes too (a ``market == "ID"``
branch). An item's route only changes where some condition's answer changes, so it
is enough to think of one item per combination of answers: each value a
categorical attribute can take (with a share above 0), and for a numeric
attribute one value in each piece between the numbers the conditions compare it
with, and each such number. An attribute no condition reads does not change a
route; it is left out.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from procflow.expr import Expr, Scalar
from procflow.flow import Flow, Row
from procflow.model.process import CategoricalAttribute

#: Above this many combinations of values for one stream, the combinations are cut (the
#: first values of each attribute): a path check then covers the most common ones.
MAX_SITUATIONS = 4096


@dataclass(frozen=True)
class Situation:
    """Items of one arrival stream with given attribute values (positioned like the flow's)."""

    stream: str
    #: the entry stage's position in the flow
    entry: int
    row: Row
    #: the values of the attributes a condition reads, for messages: ``severity=high``
    values: tuple[tuple[str, Scalar], ...]

    def describe(self) -> str:
        """``incoming (severity=high, market=ID)``, or just the stream."""
        shown = ", ".join(f"{name}={value}" for name, value in self.values)
        return f"{self.stream} ({shown})" if shown else self.stream


def situations(
    flow: Flow, extra: Sequence[Expr] = (), split_on: Sequence[str] = ()
) -> list[Situation]:
    """One item per combination of condition answers, for every arrival stream.

    ``extra`` are the policy's own conditions, which cut the attributes' values too;
    ``split_on`` are attributes whose every value is a situation of its own. Items
    whose rows answer every condition alike (and agree on ``split_on``) are the same
    situation; one is kept.
    """
    conditions = [c for rule in flow.rules for c, _, _ in rule.conditions] + list(extra)
    position = {name: k for k, name in enumerate(flow.attributes)}
    read = sorted(
        ({name for c in conditions for name in c.attributes()} | set(split_on)) & set(position)
    )
    own = [position[name] for name in split_on if name in position]
    predicates = [c.compile(position) for c in conditions if c.attributes() <= set(position)]
    cuts = _cuts(conditions)
    found: list[Situation] = []
    for stream, entry in flow.entries:
        arrival = flow.process.arrivals[stream]
        axes: list[tuple[str, list[Scalar]]] = []
        for name in read:
            attribute = arrival.attributes.get(name)
            if attribute is None:
                continue
            values: list[Scalar]
            if isinstance(attribute, CategoricalAttribute):
                values = [v for v, p in attribute.values.items() if p > 0]
                values = values or list(attribute.values)
            else:
                values = _pieces(cuts.get(name, []), attribute.distribution.mean)
            axes.append((name, values))
        seen: set[tuple[object, ...]] = set()
        combos = itertools.product(*(values for _, values in axes))
        for combo in itertools.islice(combos, MAX_SITUATIONS):
            row: list[object] = [None] * len(flow.attributes)
            for (name, _), value in zip(axes, combo, strict=True):
                row[position[name]] = value
            key = (*(holds(tuple(row)) for holds in predicates), *(row[k] for k in own))
            if key in seen:
                continue
            seen.add(key)
            values_shown = tuple((name, v) for (name, _), v in zip(axes, combo, strict=True))
            found.append(Situation(arrival.name, entry, tuple(row), values_shown))
    return found


def _cuts(conditions: Sequence[Expr]) -> dict[str, list[float]]:
    """Per attribute, the numbers the conditions compare it with."""
    found: dict[str, set[float]] = {}
    for condition in conditions:
        for name, values in (condition.compared_constants() or {}).items():
            numbers = {
                float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)
            }
            found.setdefault(name, set()).update(numbers)
    return {name: sorted(values) for name, values in found.items()}


def _pieces(cuts: Sequence[float], typical: float) -> list[Scalar]:
    """A value in each piece between the cuts and each cut (a typical value without cuts)."""
    if not cuts:
        return [typical]
    values: list[Scalar] = [cuts[0] - 1.0]
    for low, high in itertools.pairwise(cuts):
        values += [low, (low + high) / 2]
    return [*values, cuts[-1], cuts[-1] + 1.0]
