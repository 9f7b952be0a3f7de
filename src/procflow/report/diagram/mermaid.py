"""The process as a Mermaid flowchart, which renders in GitHub Markdown and many wikis.

Work stages are boxes labelled with their staff pool, decisions are diamonds,
splits are parallelograms, ends are rounded. Edges carry their condition or
probability; the dotted edge is where a review sends caught defects.
"""

from __future__ import annotations

import re

from procflow.flow.graph import FlowGraph
from procflow.model.stage import Stage
from procflow.report.diagram.labels import route_label


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
