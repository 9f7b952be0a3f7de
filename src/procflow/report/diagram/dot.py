"""The process as a Graphviz DOT digraph, to draw with ``dot -Tsvg`` or any Graphviz tool.

Work stages are boxes labelled with their staff pool, decisions are diamonds,
splits are parallelograms, ends are ovals, arrivals come in as arrows. Edges carry
their condition or probability; the dashed edge is where a review sends caught
defects.
"""

from __future__ import annotations

from procflow.flow.graph import FlowGraph
from procflow.report.diagram.labels import route_label


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
