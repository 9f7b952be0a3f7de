"""The compiled process: its graph of stages, and what happens to an item at each stage.

:mod:`~procflow.flow.graph` holds the :class:`FlowGraph` (stages as nodes, routes
with their locations as edges) that lint and the diagrams walk;
:mod:`~procflow.flow.routing` holds the one definition of a stage's behaviour,
:class:`StageRule`, that the simulator, the analysis and lint all read;
:mod:`~procflow.flow.compiler` compiles a process into its :class:`Flow` (a rule per
stage); :mod:`~procflow.flow.truth` says how an item's truth and model score are drawn.
"""

from __future__ import annotations

from procflow.flow.compiler import Flow, compile_flow, row_attributes
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
    Outcome,
    ReviewRule,
    Row,
    StageRule,
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
