"""The fastest an item can be done: the least handling time along any path to an end.

A due date shorter than this is missed by every item it applies to, however many
people work: the work alone takes longer. Each stage takes at least the least
value its handling time can take (a fixed 10 min takes 10 min; an exponential
time can be near 0), or, where items escalate, the least they can wait before
escalating (on the way to ``escalate_to``); a decision, a split or an end takes
no time. The least over every path from an entry to an end is a lower bound of
every item's cycle time (a split's branches run side by side: the path through
any one of them is shorter than the item's way through the split).
"""

from __future__ import annotations

import networkx as nx

from procflow.flow import Flow, Route
from procflow.model.distributions import Distribution

#: Halvings of the interval in which a distribution's least value is looked for.
_STEPS = 60


def least_value(distribution: Distribution) -> float:
    """The least value a distribution can take: the largest x with no probability below it."""
    if distribution.cdf(0.0) > 0:
        return 0.0
    low, high = 0.0, max(distribution.mean, 0.0)
    if distribution.cdf(high) <= 0:
        return high
    for _ in range(_STEPS):
        middle = (low + high) / 2
        if distribution.cdf(middle) > 0:
            high = middle
        else:
            low = middle
    return low


def fastest_cycle(flow: Flow) -> float:
    """The least time from an entry to an end stage, over every path (inf without a path)."""
    process = flow.process

    def taken(route: Route) -> float:
        stage = process.stages[route.source]
        spent = stage.escalate_after if route.kind == "escalate" else stage.duration
        return least_value(spent) if spent is not None else 0.0

    graph = flow.graph.graph
    weighted = nx.DiGraph()
    weighted.add_nodes_from(graph.nodes)
    weighted.add_weighted_edges_from(
        (a, b, min(taken(r) for r in data["routes"])) for a, b, data in graph.edges(data=True)
    )
    entries = {process.entry_stage(a) for a in process.arrivals}
    ends = [name for name, stage in process.stages.items() if stage.end]
    found = nx.multi_source_dijkstra_path_length(weighted, entries)
    return min((found[end] for end in ends if end in found), default=float("inf"))
