"""The process drawn as a diagram: Mermaid (renders in GitHub Markdown) or Graphviz DOT.

Work stages are boxes labelled with their staff pool, decisions are diamonds,
splits are parallelograms, ends are rounded. Edges carry their condition or
probability; the dotted edge is where a review sends caught defects.
"""

from __future__ import annotations

import re

from procflow.flow.graph import FlowGraph, Route
from procflow.model.process import Stage

FORMATS = ("mermaid", "dot")


def route_label(route: Route, stage: Stage) -> str:
    """What an edge of the diagram says: its condition, probability, or kind of route."""
    if route.kind == "defect":
        rate = stage.detection_rate or 0.0
        return f"defect caught ({rate:.0%})"
    if route.kind == "split":
        return "parallel"
    if route.kind == "escalate":
        return "escalate after waiting"
    if route.when is not None:
        return str(route.when)
    if route.probability is not None:
        return f"{route.probability:.0%}"
    if len(stage.next or []) > 1:
        return "otherwise"
    return ""


def _node_text(name: str, stage: Stage) -> str:
    if stage.kind == "work":
        return f"{name}<br/>{stage.resource}"
    return name


def to_mermaid(flow: FlowGraph) -> str:
    """A Mermaid flowchart of the process."""
    ids = {name: f"s{i}" for i, name in enumerate(flow.process.stages)}
    lines = ["flowchart TD"]
    for k, (entry, streams) in enumerate(flow.entries.items()):
        if entry in ids:
            lines.append(f'  in{k}(["{_escape_mermaid(", ".join(streams))}"]) --> {ids[entry]}')
    for name, stage in flow.process.stages.items():
        text = _escape_mermaid(_node_text(name, stage))
        shape = {
            "work": f'["{text}"]',
            "decision": f'{{"{text}"}}',
            "split": f'[/"{text}"/]',
            "end": f'(["{text}"])',
        }[stage.kind]
        lines.append(f"  {ids[name]}{shape}")
    for route in flow.routes():
        label = _escape_mermaid(route_label(route, flow.stage(route.source)))
        arrow = "-.->" if route.kind == "defect" else "-->"
        middle = f'|"{label}"|' if label else ""
        lines.append(f"  {ids[route.source]} {arrow}{middle} {ids[route.target]}")
    return "\n".join(lines) + "\n"


def _escape_mermaid(text: str) -> str:
    return re.sub(
        r'["<>]', lambda m: {'"': "#quot;", "<": "&lt;", ">": "&gt;"}[m[0]], text
    ).replace("&lt;br/&gt;", "<br/>")


def to_dot(flow: FlowGraph) -> str:
    """A Graphviz DOT digraph of the process."""
    lines = [
        f"digraph {_quote(flow.process.name)} {{",
        "  rankdir=TB;",
        "  node [fontname=Helvetica];",
    ]
    for k, (entry, streams) in enumerate(flow.entries.items()):
        lines.append(f"  in{k} [label={_quote(', '.join(streams))}, shape=cds];")
        lines.append(f"  in{k} -> {_quote(entry)};")
    for name, stage in flow.process.stages.items():
        shape = {"work": "box", "decision": "diamond", "split": "parallelogram", "end": "oval"}
        label = f"{name}\\n{stage.resource}" if stage.kind == "work" else name
        lines.append(
            f"  {_quote(name)} [label={_quote(label, raw=True)}, shape={shape[stage.kind]}];"
        )
    for route in flow.routes():
        attrs = []
        label = route_label(route, flow.stage(route.source))
        if label:
            attrs.append(f"label={_quote(label)}")
        if route.kind == "defect":
            attrs.append("style=dashed")
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {_quote(route.source)} -> {_quote(route.target)}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _quote(text: str, raw: bool = False) -> str:
    escaped = text.replace("\\", "\\\\") if not raw else text
    return '"' + escaped.replace('"', '\\"') + '"'


def render(flow: FlowGraph, fmt: str) -> str:
    """The diagram in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "mermaid":
        return to_mermaid(flow)
    if fmt == "dot":
        return to_dot(flow)
    raise ValueError(f"unknown diagram format {fmt!r}")
