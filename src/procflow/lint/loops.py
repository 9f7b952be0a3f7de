"""Loops that take no time: an item would go round them forever without the clock moving.

Time passes for an item only while it waits in a queue or is worked on. Decisions and
splits take none, nor does work whose duration is always 0, nor escalation after
``0 min`` or after a patience that is always 0 (an item that has to wait leaves the
queue at once). A patience distribution that is 0 only sometimes (an empirical one
with some zeros) lets time pass on most rounds: the loop ends, and is not one. A loop
made only of moves that take no time has an item going round it at one instant: the
simulation could never get past that moment. ``PF109`` reports them; ``PF107`` leaves
them to it (a loop at one instant is the problem, not its chances).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from procflow.flow import Flow
from procflow.flow.graph import Route
from procflow.flow.routing import StageRule


@dataclass(frozen=True)
class TimelessLoop:
    """A loop of moves that take no time: its stages from the first back to it, and the
    route that closes it."""

    cycle: tuple[str, ...]
    closing: Route


def instant_loops(flow: Flow, order: list[str]) -> list[TimelessLoop]:
    """Every loop an item could go round at one instant (self-escalation aside), one per
    strongly connected group of instant moves, starting at its first stage in ``order``."""
    rules = flow.rules
    instant = nx.DiGraph()
    for route in flow.graph.routes():
        if route.kind == "escalate" and route.source == route.target:
            continue  # a stage escalating to itself: reported on its own
        if _takes_no_time(rules[flow.index[route.source]], route):
            instant.add_edge(route.source, route.target, route=route)
    position = {name: k for k, name in enumerate(order)}
    found: list[TimelessLoop] = []
    for group in nx.strongly_connected_components(instant):
        first = min(group, key=position.__getitem__)
        if len(group) == 1 and not instant.has_edge(first, first):
            continue
        cycle = _cycle_from(instant.subgraph(group), first)
        found.append(TimelessLoop(tuple(cycle), instant.edges[cycle[-2], first]["route"]))
    return found


def _takes_no_time(source: StageRule, route: Route) -> bool:
    """Whether an item can take ``route`` out of ``source`` at the instant it arrived there."""
    if route.kind == "defect" and source.review is not None and source.review.max_attempts:
        return False  # rounds of a bounded rework loop are counted: the loop ends
    if source.kind in ("decision", "split"):
        return True
    if source.kind != "work":
        return False
    if route.kind == "escalate":
        return source.escalation is not None and source.escalation.instant
    return source.duration is not None and source.duration.mean <= 0


def _cycle_from(graph: nx.DiGraph, first: str) -> list[str]:
    """A cycle of ``graph`` through ``first``, as stage names from it back to it."""
    back = nx.shortest_path(graph.reverse(copy=False), first)  # target -> path to first
    for successor in graph.successors(first):
        if successor in back:
            return [first, *reversed(back[successor])]
    return [first, first]
