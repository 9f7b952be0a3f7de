"""What the edges of every diagram say: a route's condition, probability or kind.

The Mermaid, DOT and SVG diagrams all label their edges here, so that a route
reads the same in a pull request, in Graphviz and in the HTML report.
"""

from __future__ import annotations

from procflow.flow.graph import Route
from procflow.model.stage import Stage


def route_label(route: Route, stage: Stage) -> str:
    """What an edge of the diagram says: its condition, probability, or kind of route."""
    if route.kind == "defect":
        rate = stage.detection_rate or 0.0
        return f"defect caught ({rate:.0%})"
    if route.kind == "split":
        return "parallel"
    if route.kind == "escalate":
        return "escalate after waiting"
    if route.kind == "reject":
        return "lot rejected"
    if route.kind == "adjudicate":
        return "labels disagree"
    if route.when is not None:
        return str(route.when)
    if route.probability is not None:
        return f"{route.probability:.0%}"
    if len(stage.next or []) > 1:
        return "otherwise"
    return ""
