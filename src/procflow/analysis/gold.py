"""The gold (honeypot) tasks of each gold stage, as ``procflow analyze`` reports them.

A share p of a person's tasks being gold is p / (1 - p) gold tasks per real one:
that load is already in the pool's work (:attr:`~procflow.flow.StageRule.worked`).
Each person's first gold tasks (``first``) are a one-off the steady load leaves out.
"""

from __future__ import annotations

from dataclasses import dataclass

from procflow.flow.compiler import Flow


@dataclass(frozen=True)
class GoldFigures:
    """What one gold stage costs and what its gold measures."""

    stage: str
    #: gold tasks per real task, in the steady state
    per_task: float
    #: the gold tasks each person does first (a one-off, outside the steady load)
    first: int
    #: the chance a gold task is answered right: what the gold measures, on average
    accuracy: float


def gold_figures(flow: Flow) -> list[GoldFigures]:
    """The figures of every gold stage of a compiled process, in file order."""
    return [
        GoldFigures(rule.name, rule.gold.per_task, rule.gold.first, rule.gold.accuracy)
        for rule in flow.rules
        if rule.gold is not None
    ]
