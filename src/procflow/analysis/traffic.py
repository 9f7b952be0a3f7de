"""The traffic equations: how often an average item passes each stage, and what happens to it.

An item's journey is a Markov chain over *states*: the stage it is at, whether it
carries a defect, and how many times each bounded review it can still come back to
has sent it back (a review it has left behind for good can change nothing more, so
its counter is forgotten: :attr:`procflow.flow.Flow.returning`). The
moves out of a state are exactly the outcomes the simulator would draw
(:meth:`procflow.flow.StageRule.outcomes`), plus escalation out of a queue with a
probability the queueing model supplies. Solving the chain's linear equations
gives the expected visits to every state, hence visits per stage, reworks,
escalations, and how many items are delivered with a defect, for one class of
items (see :mod:`procflow.analysis.classes`). A parallel split is solved branch
by branch up to its join.

The chain is solved loop by loop: its states fall into strongly connected groups
that items pass through in one order, so each group's small system is solved once
the visits flowing into it are known. A chain of many reviews, each with its own
rework loop, thus costs a little per review rather than one system over every
combination of attempts.

If some reachable state can never lead out (to an end), items can cycle forever:
:class:`EndlessLoop` names the cycle and the route that closes it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from procflow.analysis.queueing import expected_maximum
from procflow.flow.compiler import Flow
from procflow.flow.routing import (
    CAUGHT,
    EXHAUSTED,
    FLAGGED,
    MISSED,
    NOWHERE,
    SENT_BACK,
    SKIPPED,
    Outcome,
    Row,
)

#: (stage, carries a defect, catches per bounded review; 0 for a review left behind for good)
State = tuple[int, int, tuple[int, ...]]
#: Expected visits above this mean items (almost) never leave a loop.
MAX_VISITS = 1e6
#: The largest chain solved (states); beyond it the analysis gives up.
MAX_STATES = 50_000

_ESCALATED = -1  # a move out of a queue by escalation (beside the review's outcomes)


#: a tally, and the states items were in when they reached the stop stage (with weights)
_Solved = tuple["Tally", dict[State, float]]
#: a part of the chain to solve: its start (states with weights), and where it stops
_Request = tuple[Mapping[State, float], int]
_Steps = Generator[_Request, _Solved, _Solved]


class EndlessLoop(Exception):
    """Items can cycle forever: ``cycle`` lists stage positions, first and last the same."""

    def __init__(self, cycle: list[int], closing_from: int = NOWHERE, caught: bool = False):
        super().__init__("endless loop")
        self.cycle = cycle
        #: the stage whose move closes the cycle (back to its first stage)
        self.closing_from = closing_from
        #: whether that move is its review sending a caught defect back
        self.caught = caught


class ChainTooLarge(Exception):
    """The routing chain has more states than :data:`MAX_STATES`."""


@dataclass
class Tally:
    """Expected counts per arriving item of one class (visits, reworks, ...)."""

    visits: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    #: defects a stage's review sent back to rework
    caught: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    #: defects caught on the last allowed attempt, that went on
    exhausted: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    #: items that left a stage's queue by escalation
    escalated: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    #: visits of items carrying a defect, per stage
    defective_visits: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    #: right items a review flagged and sent back (false flags)
    flagged: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    #: per review: items it flagged (caught or false flag), and items it saw with a defect
    flags: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    defects_seen: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    delivered: float = 0.0
    delivered_defective: float = 0.0
    #: items delivered with each defect (with a truth: per wrong decision, see
    #: :mod:`procflow.flow.truth`)
    delivered_by: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    #: items sent to a stage that does not exist, or with nowhere to go
    lost: float = 0.0
    #: expected time from arrival to the end (with the per-visit times given)
    time: float = 0.0

    def add(self, other: Tally, weight: float) -> None:
        """Add ``weight`` times ``other``."""
        for mine, theirs in (
            (self.visits, other.visits),
            (self.caught, other.caught),
            (self.exhausted, other.exhausted),
            (self.escalated, other.escalated),
            (self.defective_visits, other.defective_visits),
            (self.flagged, other.flagged),
            (self.flags, other.flags),
            (self.defects_seen, other.defects_seen),
            (self.delivered_by, other.delivered_by),
        ):
            for k, v in theirs.items():
                mine[k] += weight * v
        self.delivered += weight * other.delivered
        self.delivered_defective += weight * other.delivered_defective
        self.lost += weight * other.lost
        self.time += weight * other.time


class Chain:
    """The routing chain of one item class, given escalation chances and times per visit."""

    def __init__(
        self,
        flow: Flow,
        row: Row,
        escalation: Mapping[int, float],
        visit_time: Mapping[int, float],
        outcomes: dict[tuple[Row, State], list[Outcome]] | None = None,
    ) -> None:
        self.flow = flow
        self.row = row
        self.escalation = escalation
        self.visit_time = visit_time
        #: a state's outcomes do not depend on escalation or times: kept across solves
        self.outcomes = outcomes if outcomes is not None else {}

    def start(self, stage: int) -> Tally:
        """The tally of an item entering at ``stage``."""
        truth = self.flow.truth
        wrong = truth.undecided_wrong(self.row) if truth is not None else 0
        state: State = (stage, wrong, (0,) * self.flow.bounded)
        tally, _ = self._solve({state: 1.0}, NOWHERE)
        return tally

    def _moves(self, state: State) -> list[tuple[State | None, float, int]]:
        """(next state or None for lost, probability, what happened) of a non-split state."""
        stage, defective, attempts = state
        rule = self.flow.rules[stage]
        moves: list[tuple[State | None, float, int]] = []
        stay = 1.0
        if rule.escalation is not None:
            p = min(max(self.escalation.get(stage, 0.0), 0.0), 1.0)
            if p > 0:
                target = rule.escalation.to
                moves.append(
                    (
                        self._state(target, defective, attempts) if target != NOWHERE else None,
                        p,
                        _ESCALATED,
                    )
                )
                stay = 1 - p
        key = (self.row, state)
        found = self.outcomes.get(key)
        if found is None:
            found = self.outcomes[key] = rule.outcomes(defective, attempts, self.row)
        for o in found:
            nxt = self._state(o.target, o.defective, o.attempts) if o.target != NOWHERE else None
            moves.append((nxt, stay * o.probability, o.review))
        return moves

    def _state(self, stage: int, defective: int, attempts: tuple[int, ...]) -> State:
        """The state of an item arriving at ``stage``, forgetting counters it cannot read again."""
        keep = self.flow.returning[stage]
        return stage, defective, tuple(a if k else 0 for a, k in zip(attempts, keep, strict=True))

    def _solve(self, start: Mapping[State, float], stop: int) -> tuple[Tally, dict[State, float]]:
        """Solve from ``start`` until an end, or until items reach stage ``stop`` (a join).

        A split inside asks for its branches to be solved first: the requests are
        served from a stack here rather than by recursion, so splits nested as deep
        as a file makes them cannot exhaust Python's call stack.
        """
        stack = [self._steps(start, stop)]
        answer: _Solved | None = None
        while True:
            try:
                request = next(stack[-1]) if answer is None else stack[-1].send(answer)
            except StopIteration as done:
                stack.pop()
                if not stack:
                    solved: _Solved = done.value
                    return solved
                answer = done.value
                continue
            stack.append(self._steps(*request))
            answer = None

    def _steps(self, start: Mapping[State, float], stop: int) -> _Steps:
        """The work of :meth:`_solve`, yielding (start, stop) of each branch it needs solved."""
        rules = self.flow.rules
        index: dict[State, int] = {}
        order: list[State] = []
        edges: list[tuple[int, int, float, int]] = []
        #: per state: (probability, what) of moves that leave the chain, and their kinds
        leaving: dict[int, list[tuple[float, str, State | None]]] = defaultdict(list)
        events: list[tuple[int, float, int]] = []  # (state, probability, what) for tallies
        inner: dict[int, Tally] = {}
        pending = list(start)
        for s in pending:
            index[s] = len(order)
            order.append(s)
        while pending:
            state = pending.pop()
            i = index[state]
            rule = rules[state[0]]
            if rule.kind == "end":
                leaving[i].append((1.0, "delivered", state))
                continue
            if rule.kind == "split":
                moves, inner[i] = yield from self._split(state)
            else:
                moves = self._moves(state)
            for nxt, p, what in moves:
                if p <= 0:
                    continue
                events.append((i, p, what))
                if nxt is None:
                    leaving[i].append((p, "lost", None))
                    continue
                if nxt[0] == stop:
                    leaving[i].append((p, "stop", nxt))
                    continue
                if nxt not in index:
                    index[nxt] = len(order)
                    order.append(nxt)
                    pending.append(nxt)
                    if len(order) > MAX_STATES:
                        raise ChainTooLarge
                edges.append((i, index[nxt], p, what))
        _check_exits(order, edges, leaving)
        inflow = [0.0] * len(order)
        for s, w in start.items():
            inflow[index[s]] += w
        v = _visits(order, edges, inflow)
        tally = Tally()
        for i, state in enumerate(order):
            tally.visits[state[0]] += v[i]
            if state[1]:
                tally.defective_visits[state[0]] += v[i]
            tally.time += v[i] * self.visit_time.get(state[0], 0.0)
            if i in inner:
                tally.add(inner[i], v[i])
        for i, p, what in events:
            stage, defective, _ = order[i]
            weight = v[i] * p
            if what == CAUGHT:
                tally.caught[stage] += weight
            elif what == EXHAUSTED:
                tally.exhausted[stage] += weight
            elif what == FLAGGED:
                tally.flagged[stage] += weight
            elif what == _ESCALATED:
                tally.escalated[stage] += weight
            elif what == SKIPPED:  # entered, but not worked on: no visit to its work
                tally.visits[stage] -= weight
                tally.time -= weight * self.visit_time.get(stage, 0.0)
            if what in (CAUGHT, EXHAUSTED, FLAGGED):
                tally.flags[stage] += weight
            if defective and what in (CAUGHT, EXHAUSTED, MISSED):
                tally.defects_seen[stage] += weight
        arrived: dict[State, float] = defaultdict(float)
        for i, exits in leaving.items():
            for p, kind, target in exits:
                if kind == "delivered":
                    tally.delivered += v[i]
                    if order[i][1]:
                        tally.delivered_defective += v[i]
                        tally.delivered_by[order[i][1]] += v[i]
                elif kind == "lost":
                    tally.lost += v[i] * p
                elif target is not None:
                    arrived[target] += v[i] * p
        return tally, dict(arrived)

    def _split(
        self, state: State
    ) -> Generator[_Request, _Solved, tuple[list[tuple[State | None, float, int]], Tally]]:
        """Fork into the branches, solve each up to the join, and merge (any defect survives)."""
        stage, defective, attempts = state
        rule = self.flow.rules[stage]
        inside = Tally()
        clean = 1.0
        branch_times: list[float] = []
        for branch in rule.split:
            if branch == NOWHERE:
                continue
            sub, arrived = yield {self._state(branch, defective, attempts): 1.0}, rule.join
            inside.add(sub, 1.0)
            total = sum(arrived.values())
            defective_share = sum(w for s, w in arrived.items() if s[1])
            clean *= 1 - (defective_share / total if total > 0 else 0.0)
            branch_times.append(sub.time)
        inside.time = expected_maximum(branch_times)
        if rule.join == NOWHERE:
            return [(None, 1.0, 0)], inside  # a misspelt join: lint reports it
        merged = [
            (self._state(rule.join, True, attempts), 1 - clean, 0),
            (self._state(rule.join, False, attempts), clean, 0),
        ]
        return [(s, p, what) for s, p, what in merged if p > 0], inside


_Edge = tuple[int, int, float, int]


def _state_graph(order: list[State], edges: list[_Edge]) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(order)))
    for i, j, _, what in edges:
        graph.add_edge(i, j, what=what)
    return graph


def _visits(order: list[State], edges: list[_Edge], inflow: list[float]) -> list[float]:
    """Expected visits per state: solve ``v = inflow + P^T v`` one loop of states at a time.

    The loops (strongly connected groups) are taken in the order items pass them, so
    what flows into a group is known before it is solved; its own system is small.
    Raises :class:`EndlessLoop` for a group items (almost) never leave.
    """
    leaving: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for i, j, p, _ in edges:
        leaving[i].append((j, p))
    inflow = list(inflow)
    visits = [0.0] * len(order)
    for members in _groups_in_order(len(order), leaving):
        first = members[0]
        if len(members) == 1 and all(j != first for j, _ in leaving[first]):
            solved = [inflow[first]]  # no loop: visited as often as entered
        else:
            solved = _solve_group(order, edges, members, leaving, inflow)
        inside = set(members)
        for i, x in zip(members, solved, strict=True):
            visits[i] = x
            for j, p in leaving[i]:
                if j not in inside:
                    inflow[j] += x * p
    return visits


def _groups_in_order(n: int, leaving: Mapping[int, list[tuple[int, float]]]) -> list[list[int]]:
    """The strongly connected groups of states 0..n-1 (each sorted), in the order items
    pass them.

    Tarjan's algorithm without recursion (a chain of states is as long as the file). It
    completes a group only after every group reachable from it, so its list is reversed.
    A plain loop rather than networkx: the chain solves this once per step, thousands of
    times on a large file.
    """
    index, low = [-1] * n, [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    groups: list[list[int]] = []
    counter = 0
    for root in range(n):
        if index[root] >= 0:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        work = [(root, 0)]
        while work:
            v, k = work[-1]
            moves = leaving.get(v, ())
            if k < len(moves):
                work[-1] = (v, k + 1)
                w = moves[k][0]
                if index[w] < 0:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append((w, 0))
                elif on_stack[w]:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
            if low[v] == index[v]:
                members: list[int] = []
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    members.append(w)
                    if w == v:
                        break
                groups.append(sorted(members))
    groups.reverse()
    return groups


def _solve_group(
    order: list[State],
    edges: list[_Edge],
    members: list[int],
    leaving: Mapping[int, list[tuple[int, float]]],
    inflow: list[float],
) -> list[float]:
    """The visits to one loop of states, given what flows into it from before."""
    local = {i: k for k, i in enumerate(members)}
    matrix = np.eye(len(members))
    for i in members:
        for j, p in leaving[i]:
            if j in local:
                matrix[local[j], local[i]] -= p
    rhs = np.array([inflow[i] for i in members])
    try:
        solved = np.linalg.solve(matrix, rhs)
    except np.linalg.LinAlgError:
        raise _loop_in(_state_graph(order, edges).subgraph(members), order) from None
    if not np.all(np.isfinite(solved)):
        raise _loop_in(_state_graph(order, edges).subgraph(members), order)
    if solved.max(initial=0) > MAX_VISITS:
        heavy = [i for i in members if solved[local[i]] > MAX_VISITS / 10]
        raise _loop_in(_state_graph(order, edges).subgraph(heavy), order)
    result: list[float] = solved.tolist()
    return result


def _check_exits(
    order: list[State],
    edges: list[_Edge],
    leaving: Mapping[int, list[tuple[float, str, State | None]]],
) -> None:
    """Raise :class:`EndlessLoop` if some reachable state can never lead out."""
    into: dict[int, list[int]] = defaultdict(list)
    for i, j, _, _ in edges:
        into[j].append(i)
    can_leave = {i for i, moves in leaving.items() if moves}
    pending = list(can_leave)
    while pending:
        for i in into[pending.pop()]:
            if i not in can_leave:
                can_leave.add(i)
                pending.append(i)
    if len(can_leave) < len(order):
        trapped = set(range(len(order))) - can_leave
        raise _loop_in(_state_graph(order, edges).subgraph(trapped), order)


def _loop_in(graph: nx.DiGraph, order: list[State]) -> EndlessLoop:
    """A cycle of ``graph`` as stage positions, from its earliest stage in the file."""
    try:
        found = nx.find_cycle(graph, sorted(graph.nodes))
    except nx.NetworkXNoCycle:
        return EndlessLoop([])
    moves = [(u, v, graph.edges[u, v]["what"]) for u, v in found]
    first = min(range(len(moves)), key=lambda k: order[moves[k][0]][0])
    moves = moves[first:] + moves[:first]
    stages: list[int] = []
    for u, _, _ in moves:
        if order[u][0] not in stages:  # a state cycle may pass a stage twice
            stages.append(order[u][0])
    return EndlessLoop([*stages, stages[0]], order[moves[-1][0]][0], moves[-1][2] in SENT_BACK)
