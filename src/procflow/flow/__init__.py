"""The compiled process: its graph of stages, and what happens to an item at each stage.

:mod:`~procflow.flow.graph` holds the :class:`FlowGraph` (stages as nodes, routes
with their locations as edges) that lint and the diagrams walk;
:mod:`~procflow.flow.routing` holds the one definition of a stage's behaviour,
:class:`StageRule`, that the simulator, the analysis and lint all read;
:mod:`~procflow.flow.truth` how an item's truth and model score are drawn.
"""

from __future__ import annotations

from procflow.flow.graph import FlowGraph, Route, RouteKind, build_graph
from procflow.flow.routing import (
    CAUGHT,
    EXHAUSTED,
    FLAGGED,
    MISSED,
    NOWHERE,
    PASSED,
    SENT_BACK,
    SKIPPED,
    Draws,
    Escalation,
    Flow,
    Outcome,
    ReviewRule,
    Row,
    StageRule,
    compile_flow,
    row_attributes,
)
from procflow.flow.truth import TruthRule

__all__ = [
    "CAUGHT",
    "EXHAUSTED",
    "FLAGGED",
    "MISSED",
    "NOWHERE",
    "PASSED",
    "SENT_BACK",
    "SKIPPED",
    "Draws",
    "Escalation",
    "Flow",
    "FlowGraph",
    "Outcome",
    "ReviewRule",
    "Route",
    "RouteKind",
    "Row",
    "StageRule",
    "TruthRule",
    "build_graph",
    "compile_flow",
    "row_attributes",
]
