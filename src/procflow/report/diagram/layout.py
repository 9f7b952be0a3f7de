"""How the process diagram is laid out before it is drawn.

Stages sit in columns along the flow: arrivals first, each stage one column
after the stages that feed it, ends in the last column. Within a column, stages
are ordered to keep crossings few, and an edge that skips columns passes through
small invisible stops so that it goes around the boxes. Edges that go back (a
review sending caught defects back, rework) run in lanes below the boxes. The
flow runs left to right, or top to bottom when that would be too wide for a page.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from procflow.flow.graph import Route, build_graph
from procflow.model.process import Process
from procflow.report.diagram.labels import route_label

#: An edge of the drawing: (from, to) node keys.
Edge = tuple[str, str]

#: Wider than this, a left-to-right drawing would shrink too much on the page: go top-down.
MAX_WIDTH = 1200.0
#: Space around the drawing, and between two lanes of edges that go back.
MARGIN = 16.0
LANE = 24.0


@dataclass
class Node:
    """A box of the drawing (or an invisible stop of a long edge): its text, shape and place."""

    key: str
    title: str
    subtitle: str
    shape: str
    width: float = 0.0
    height: float = 0.0
    layer: int = 0
    rank: float = 0.0  # position along the flow
    cross: float = 0.0  # position across it
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class Layout:
    """A diagram ready to draw: nodes placed (their centres), edges routed, the drawing's size.

    ``chains`` lists the nodes each forward edge passes through; ``back`` holds the
    edges that go back, in their lanes' order; ``labels`` what each edge says.
    """

    nodes: Mapping[str, Node]
    chains: Mapping[Edge, list[str]]
    edges: Mapping[Edge, list[Route]]
    labels: Mapping[Edge, str]
    back: Sequence[Edge]
    size: tuple[float, float]
    vertical: bool


def lay_out(process: Process, notes: Mapping[str, str]) -> Layout:
    """Place the process's stages; ``notes`` replaces a work stage's second line (its pool)."""
    flow = build_graph(process)
    nodes: dict[str, Node] = {}
    edges: dict[Edge, list[Route]] = {}
    for k, (entry, streams) in enumerate(flow.entries.items()):
        if entry in process.stages:
            key = f"\0in{k}"
            nodes[key] = Node(key, ", ".join(streams), "arrivals", "entry")
            edges[(key, entry)] = []
    for name, stage in process.stages.items():
        subtitle = stage.resource or "" if stage.kind == "work" else ""
        nodes[name] = Node(name, name, notes.get(name, subtitle), stage.kind)
    for route in flow.routes():
        edges.setdefault((route.source, route.target), []).append(route)
    back = _back_edges(list(nodes), edges)
    forward = nx.DiGraph()
    forward.add_nodes_from(nodes)
    forward.add_edges_from(e for e in edges if e not in back)
    for key in nx.topological_sort(forward):
        nodes[key].layer = max((nodes[p].layer + 1 for p in forward.predecessors(key)), default=0)
    last = max(n.layer for n in nodes.values())
    for node in nodes.values():  # ends in the last column: the eye finds where work leaves
        if node.shape == "end":
            node.layer = last
    _size_nodes(nodes.values())
    # Edges that skip columns pass through small invisible nodes, so they go around boxes.
    chains: dict[Edge, list[str]] = {}
    for source, target in forward.edges:
        chain = [source]
        for layer in range(nodes[source].layer + 1, nodes[target].layer):
            dummy = f"\0d{len(nodes)}"
            nodes[dummy] = Node(dummy, "", "", "dummy", 14.0, 14.0, layer=layer)
            chain.append(dummy)
        chains[(source, target)] = [*chain, target]
    layers = _order_layers(nodes, chains)
    label_of = {e: _edge_label(e, routes, process) for e, routes in edges.items()}
    back_list = [e for e in edges if e in back]
    size = _place(nodes, layers, chains, label_of, back_list, vertical=False)
    if size[0] > MAX_WIDTH:
        tall = _place(nodes, layers, chains, label_of, back_list, vertical=True)
        if tall[0] < size[0]:
            return Layout(nodes, chains, edges, label_of, back_list, tall, vertical=True)
        _place(nodes, layers, chains, label_of, back_list, vertical=False)
    return Layout(nodes, chains, edges, label_of, back_list, size, vertical=False)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A fair guess of the rendered width (wide for CJK characters)."""
    width = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            width += 1.0
        elif ch in "ilI.,:;'|!":
            width += 0.3
        elif ch.isupper() or ch in "mwMW":
            width += 0.75
        else:
            width += 0.56
    return width * size * (1.06 if bold else 1.0)


def _place(
    nodes: Mapping[str, Node],
    layers: Mapping[int, list[str]],
    chains: Mapping[Edge, list[str]],
    label_of: Mapping[Edge, str],
    back_list: Sequence[Edge],
    *,
    vertical: bool,
) -> tuple[float, float]:
    """Place every node (x, y are centres); the drawing's (width, height)."""

    def along(n: Node) -> float:
        return n.height if vertical else n.width

    def across(n: Node) -> float:
        return n.width if vertical else n.height

    base_gap = 40.0 if vertical else 56.0
    gap_after: dict[int, float] = {}
    for edge, chain in chains.items():
        layer = nodes[chain[0]].layer
        need = base_gap
        if label_of[edge]:
            need = 46.0 if vertical else text_width(label_of[edge], 10.5) + 28
        gap_after[layer] = max(gap_after.get(layer, base_gap), need)
    position = MARGIN
    for layer in sorted(layers):
        thickness = max((along(nodes[k]) for k in layers[layer]), default=0.0)
        for key in layers[layer]:
            nodes[key].rank = position + thickness / 2
        position += thickness + gap_after.get(layer, base_gap)
    extent = position - gap_after.get(max(layers), base_gap) + MARGIN
    up: dict[str, list[str]] = {k: [] for k in nodes}
    for chain in chains.values():
        for a, b in itertools.pairwise(chain):
            up[b].append(a)
    gap = 22.0 if vertical else 26.0
    for layer in sorted(layers):
        members = layers[layer]
        wanted = [
            sum(nodes[p].cross for p in up[k]) / len(up[k]) if up[k] else math.nan for k in members
        ]
        known = [w for w in wanted if not math.isnan(w)]
        centre = sum(known) / len(known) if known else 0.0
        wanted = [centre if math.isnan(w) else w for w in wanted]
        placed: list[float] = []
        for i, key in enumerate(members):
            value = wanted[i]
            if placed:
                previous = nodes[members[i - 1]]
                value = max(value, placed[-1] + (across(previous) + across(nodes[key])) / 2 + gap)
            placed.append(value)
        # Shift the column so that, on average, nodes sit where they want to be.
        shift = sum(w - p for w, p in zip(wanted, placed, strict=True)) / len(placed)
        for key, value in zip(members, placed, strict=True):
            nodes[key].cross = value + shift
    low = min(n.cross - across(n) / 2 for n in nodes.values())
    for n in nodes.values():
        n.cross += MARGIN - low
        n.x, n.y = (n.cross, n.rank) if vertical else (n.rank, n.cross)
    breadth = max(n.cross + across(n) / 2 for n in nodes.values()) + MARGIN
    if back_list:
        breadth += 8 + LANE * len(back_list)
        if vertical:
            breadth += max(text_width(label_of[e], 10.5) for e in back_list) + 8
        else:
            breadth += 8
    return (breadth, extent) if vertical else (extent, breadth)


def _back_edges(order: Sequence[str], edges: Mapping[Edge, list[Route]]) -> set[Edge]:
    """Defect paths, and whatever else closes a loop (found depth-first from the arrivals)."""
    back = {e for e, routes in edges.items() if routes and all(r.kind == "defect" for r in routes)}
    adjacency: dict[str, list[str]] = {n: [] for n in order}
    for s, t in edges:
        if (s, t) not in back:
            adjacency[s].append(t)
    state: dict[str, int] = {}
    for start in order:
        if start in state:
            continue
        state[start] = 1
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(adjacency[start]))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                back.add((node, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(adjacency[child])))
    return back


def _size_nodes(nodes: Iterable[Node]) -> None:
    for node in nodes:
        title = text_width(node.title, 13.0, bold=True)
        sub = text_width(node.subtitle, 11.0) if node.subtitle else 0.0
        width = max(title, sub) + 24
        height = 44.0 if node.subtitle else 32.0
        if node.shape == "decision":
            width, height = width * 1.2 + 26, height + 20
        elif node.shape in ("split", "entry"):
            width += 20
        node.width, node.height = max(width, 72.0), height


def _order_layers(
    nodes: Mapping[str, Node], chains: Mapping[Edge, list[str]]
) -> dict[int, list[str]]:
    """Nodes per column, ordered to keep crossings few (barycentre sweeps)."""
    order = {k: i for i, k in enumerate(nodes)}
    up: dict[str, list[str]] = {k: [] for k in nodes}
    down: dict[str, list[str]] = {k: [] for k in nodes}
    for chain in chains.values():
        for a, b in itertools.pairwise(chain):
            down[a].append(b)
            up[b].append(a)
    layers: dict[int, list[str]] = {}
    for key in nodes:
        layers.setdefault(nodes[key].layer, []).append(key)
    position = {k: float(i) for members in layers.values() for i, k in enumerate(members)}
    for sweep in range(6):
        sequence = sorted(layers) if sweep % 2 == 0 else sorted(layers, reverse=True)
        for layer in sequence:
            members = layers[layer]
            for key in members:
                neighbours = up[key] if sweep % 2 == 0 else down[key]
                if neighbours:
                    position[key] = sum(position[n] for n in neighbours) / len(neighbours)
            members.sort(key=lambda k: (position[k], order[k]))
            for i, key in enumerate(members):
                position[key] = float(i)
    return layers


def _edge_label(edge: Edge, routes: Sequence[Route], process: Process) -> str:
    stage = process.stages.get(edge[0])
    if stage is None:
        return ""
    # the parallel copies of a split are drawn as such (a parallelogram): they need no words
    labels = [route_label(r, stage) for r in routes if r.kind != "split"]
    return " or ".join(dict.fromkeys(label for label in labels if label))
