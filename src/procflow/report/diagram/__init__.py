"""The process drawn as a diagram: Mermaid, Graphviz DOT, or SVG for the HTML report.

Work stages are boxes labelled with their staff pool, decisions are diamonds,
splits are parallelograms, ends are rounded. Edges carry their condition or
probability (:func:`route_label`, the same words in every diagram); the dotted
edge is where a review sends caught defects. :func:`render` gives the text
formats (:data:`FORMATS`) that ``procflow diagram`` prints;
:func:`process_diagram` the SVG drawn in the HTML report.
"""

from __future__ import annotations

from procflow.flow.graph import FlowGraph
from procflow.report.diagram.dot import to_dot
from procflow.report.diagram.labels import route_label
from procflow.report.diagram.mermaid import to_mermaid
from procflow.report.diagram.svg import process_diagram

__all__ = ["FORMATS", "process_diagram", "render", "route_label", "to_dot", "to_mermaid"]

#: The text formats of :func:`render`.
FORMATS = ("mermaid", "dot")


def render(flow: FlowGraph, fmt: str) -> str:
    """The diagram in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "mermaid":
        return to_mermaid(flow)
    if fmt == "dot":
        return to_dot(flow)
    raise ValueError(f"unknown diagram format {fmt!r}")
