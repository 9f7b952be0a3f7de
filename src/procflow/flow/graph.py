"""The process as a directed graph of stages, with routing on its edges.

Each stage is a node; each way an item can move from one stage to another is a
:class:`Route` on the edge between them: a ``next`` branch (with its condition
or probability), the ``on_defect`` path a review sends caught defects back on,
the fork of a ``split`` into its branches, or the ``on_reject`` stage a lot stage
sends rejected lots to. Lint, the analytic solver and the
diagram renderers all read this graph instead of re-walking the YAML.

Routes to stages that do not exist are kept aside in ``FlowGraph.dangling``
rather than added as nodes, so a broken file still yields a graph that lint can
explain.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx

from procflow.expr import Expr
from procflow.model.process import Process
from procflow.model.stage import Stage
from procflow.source import DocPath

RouteKind = Literal["next", "defect", "split", "escalate", "reject", "adjudicate"]


@dataclass(frozen=True)
class Route:
    """One way from ``source`` to ``target``, and where it is written."""

    source: str
    target: str
    kind: RouteKind
    path: DocPath
    branch: int | None = None
    when: Expr | None = None
    probability: float | None = None

    @property
    def is_default(self) -> bool:
        """A ``next`` branch with neither condition nor probability."""
        return self.kind == "next" and self.when is None and self.probability is None


@dataclass
class FlowGraph:
    """A process's stages as a ``networkx.DiGraph`` plus the queries the rest needs."""

    process: Process
    graph: nx.DiGraph = field(default_factory=nx.DiGraph)
    #: stage -> arrival streams that enter there
    entries: dict[str, list[str]] = field(default_factory=dict)
    #: routes whose target is not a stage (reported by lint)
    dangling: list[Route] = field(default_factory=list)

    def stage(self, name: str) -> Stage:
        """The model of a stage."""
        return self.process.stages[name]

    def routes(self, source: str | None = None) -> Iterator[Route]:
        """Every route, or those leaving ``source``, in the order they are written."""
        sources = [source] if source is not None else list(self.graph.nodes)
        for name in sources:
            for _, _, data in self.graph.out_edges(name, data=True):
                yield from data["routes"]

    def ends(self) -> list[str]:
        """The end stages."""
        return [n for n, kind in self.graph.nodes(data="kind") if kind == "end"]

    def reachable(self, extra: Iterable[tuple[str | None, str]] = ()) -> set[str]:
        """Stages an item can reach from some arrival stream.

        With ``extra`` routes ``(source, target)`` added (a ``None`` source is one more
        entry): what a fix would make reachable.
        """
        graph, entries = self.graph, list(self.entries)
        if extra:
            graph = graph.copy()
            for source, target in extra:
                if source is None:
                    entries.append(target)
                else:
                    graph.add_edge(source, target)
        seen: set[str] = set()
        for entry in entries:
            if entry in graph and entry not in seen:
                seen |= {entry} | nx.descendants(graph, entry)
        return seen

    def reaching_end(self) -> set[str]:
        """Stages from which some end stage can be reached."""
        found: set[str] = set()
        for end in self.ends():
            found |= {end} | nx.ancestors(self.graph, end)
        return found

    def loops(self) -> list[set[str]]:
        """The groups of stages that items can cycle through (strongly connected, size > 1
        or a stage that routes to itself)."""
        return [
            set(component)
            for component in nx.strongly_connected_components(self.graph)
            if len(component) > 1 or self.graph.has_edge(*(2 * tuple(component)))
        ]

    def split_loops(self) -> list[tuple[str, int]]:
        """Each ``(split, branch index)`` whose branch is the split itself or leads back to
        it before the split's join: every item would fork again without end, so neither
        the analysis nor the simulator can follow it (``PF108`` reports it)."""
        found: list[tuple[str, int]] = []
        for name, stage in self.process.stages.items():
            if not stage.split:
                continue
            before_join = self.graph.subgraph(n for n in self.graph if n != stage.join)
            for index, branch in enumerate(stage.split):
                if branch == name or (
                    branch in before_join and name in nx.descendants(before_join, branch)
                ):
                    found.append((name, index))
        return found


def build_graph(process: Process) -> FlowGraph:
    """Build the flow graph of a validated process."""
    flow = FlowGraph(process)
    g = flow.graph
    for name, stage in process.stages.items():
        g.add_node(name, kind=stage.kind, resource=stage.resource)
    for arrival in process.arrivals:
        flow.entries.setdefault(process.entry_stage(arrival), []).append(arrival.name)
    for name, stage in process.stages.items():
        for route in _routes_of(name, stage):
            if route.target in process.stages:
                if g.has_edge(name, route.target):
                    g.edges[name, route.target]["routes"].append(route)
                else:
                    g.add_edge(name, route.target, routes=[route])
            else:
                flow.dangling.append(route)
    return flow


def _routes_of(name: str, stage: Stage) -> Iterator[Route]:
    base: DocPath = ("stages", name)
    for index, branch in enumerate(stage.next or []):
        # ``next: review`` has no ("next", 0, "to") in the file; locating falls back to "next".
        path = (*base, "next", index, "to")
        yield Route(name, branch.to, "next", path, index, branch.when, branch.probability)
    if stage.on_defect is not None:
        yield Route(name, stage.on_defect, "defect", (*base, "on_defect"))
    if stage.escalate_to is not None:
        yield Route(name, stage.escalate_to, "escalate", (*base, "escalate_to"))
    if stage.consensus is not None and stage.consensus.adjudicate is not None:
        path = (*base, "consensus", "adjudicate")
        yield Route(name, stage.consensus.adjudicate, "adjudicate", path)
    for index, target in enumerate(stage.split or []):
        yield Route(name, target, "split", (*base, "split", index))
    if stage.lots is not None and stage.lots.rejects_to_stage is not None:
        yield Route(name, stage.lots.rejects_to_stage, "reject", (*base, "lots", "on_reject"))
