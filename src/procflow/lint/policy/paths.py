"""Where an item can go: the searches behind the path policies.

For one kind of item (a :class:`~procflow.lint.policy.situations.Situation`) the
moves it can make from each stage are those :meth:`StageRule.outcomes` gives with a
chance above 0 (the first ``when`` branch that holds, else the drawn and default
branches; a review's rework when an item can carry a defect), plus escalation and
the branches of a split. A ``when`` branch that cannot hold for the item is never
taken, so a path is only reported when an item with those values can take it.

A split forks the item into copies that meet again at the join: the item *visits*
every stage one of its copies visits. So "the item can avoid pool X" means: a
route from its arrival to an end outside X's stages, on which each split passed is
one whose copies can each reach the join outside X's stages too.

Every search is a breadth-first search over the stages (or, for handoffs, over
(stage, last pool) pairs), once per kind of item: polynomial in the size of the
process, with loops and rework handled as the cycles they are, never by listing
paths. Each violation comes back as one offending path and the move on it where a
fix belongs.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass, field

import networkx as nx

from procflow.flow import NOWHERE, SENT_BACK, Flow, Row, StageRule
from procflow.lint.policy.situations import Situation

#: What a move is: ``next`` (a branch), ``defect`` (rework), ``escalate``, ``split`` (to a
#: branch) or ``join`` (a split's copies, all met again at its join).
MoveKind = str


@dataclass(frozen=True)
class Move:
    """One step of a path: from stage ``source`` to ``target`` (positions)."""

    source: int
    target: int
    kind: MoveKind


@dataclass(frozen=True)
class Violation:
    """One path an item can take that breaks a policy, and the move where a fix belongs."""

    situation: Situation
    #: the stages of the path, from the entry to its last stage (positions)
    stages: tuple[int, ...]
    #: the move on the path where a fix belongs, or None: the entry stage itself
    culprit: Move | None
    #: the moves of the path, in order
    moves: tuple[Move, ...] = field(default=())


@dataclass
class MoveGraph:
    """The moves one kind of item can make, stage by stage."""

    flow: Flow
    moves: list[list[Move]]
    #: split position -> (branch positions, join position)
    splits: dict[int, tuple[tuple[int, ...], int]]
    ends: frozenset[int]

    def successors(self, stage: int) -> list[Move]:
        """The moves from ``stage``; a split's are to its branches."""
        return self.moves[stage]


class MoveGraphs:
    """The move graphs of one process, made once per kind of item and shared by every
    rule; a stage's moves are worked out once per answer of its own conditions."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        #: an item can carry a defect only if some work leaves one
        self.defects = any(rule.error_rate > 0 for rule in flow.rules)
        self._graphs: dict[Row, MoveGraph] = {}
        self._moves: dict[tuple[int, tuple[bool, ...]], list[Move]] = {}
        self.splits = {
            r.index: (tuple(t for t in r.split if t != NOWHERE), r.join)
            for r in flow.rules
            if r.kind == "split" and r.join != NOWHERE
        }
        self.ends = frozenset(r.index for r in flow.rules if r.kind == "end")

    def of(self, row: Row) -> MoveGraph:
        """The moves an item with attribute ``row`` can make."""
        graph = self._graphs.get(row)
        if graph is None:
            moves = [self._stage(rule, row) for rule in self.flow.rules]
            graph = self._graphs[row] = MoveGraph(self.flow, moves, self.splits, self.ends)
        return graph

    def _stage(self, rule: StageRule, row: Row) -> list[Move]:
        key = (rule.index, tuple(holds(row) for _, holds, _ in rule.conditions))
        moves = self._moves.get(key)
        if moves is None:
            moves = self._moves[key] = _stage_moves(rule, row, self.defects, self.flow.bounded)
        return moves


def _stage_moves(rule: StageRule, row: Row, defects: bool, bounded: int) -> list[Move]:
    """The moves from one stage (:meth:`StageRule.outcomes` with a chance above 0)."""
    found: dict[tuple[int, str], Move] = {}
    if rule.kind == "split":
        for target in rule.split:
            if target != NOWHERE:
                found[target, "split"] = Move(rule.index, target, "split")
    elif rule.kind != "end":
        for defective in (False, True) if defects else (False,):
            for outcome in rule.outcomes(defective, (0,) * bounded, row):
                kind = "defect" if outcome.review in SENT_BACK else "next"
                if outcome.target != NOWHERE:
                    found.setdefault((outcome.target, kind), Move(rule.index, outcome.target, kind))
        if rule.escalation is not None and rule.escalation.to != NOWHERE:
            target = rule.escalation.to
            found.setdefault((target, "escalate"), Move(rule.index, target, "escalate"))
        if rule.lots is not None and rule.lots.on_reject != NOWHERE:
            target = rule.lots.on_reject
            found.setdefault((target, "reject"), Move(rule.index, target, "reject"))
    return list(found.values())


def _search(starts: Iterable[int], step: Callable[[int], Iterable[Move]]) -> dict[int, Move | None]:
    """Breadth-first search: every stage reached -> the move that first reached it."""
    parent: dict[int, Move | None] = {}
    queue: deque[int] = deque()
    for start in starts:
        if start not in parent:
            parent[start] = None
            queue.append(start)
    while queue:
        here = queue.popleft()
        for move in step(here):
            if move.target not in parent:
                parent[move.target] = move
                queue.append(move.target)
    return parent


def _path(parent: dict[int, Move | None], last: int) -> list[Move]:
    moves: list[Move] = []
    move = parent[last]
    while move is not None:
        moves.append(move)
        move = parent[move.source]
    return moves[::-1]


def _violation(situation: Situation, moves: Sequence[Move], culprit: Move | None) -> Violation:
    stages = (situation.entry, *(m.target for m in moves))
    return Violation(situation, stages, culprit, tuple(moves))


def _reaching(graph: MoveGraph, goals: Set[int]) -> set[int]:
    """The stages from which an item can reach one of ``goals`` (copies of splits included)."""
    back: dict[int, list[int]] = {}
    for source, moves in enumerate(graph.moves):
        for move in moves:
            back.setdefault(move.target, []).append(source)
    seen = set(goals)
    queue = deque(goals)
    while queue:
        here = queue.popleft()
        for source in back.get(here, ()):
            if source not in seen:
                seen.add(source)
                queue.append(source)
    return seen


def _avoiding(graph: MoveGraph, avoid: Set[int]) -> Callable[[int], list[Move]]:
    """The moves of an item that stays out of ``avoid``: a split passes to its join only
    when each of its copies can reach the join outside ``avoid`` (nested splits alike)."""
    passable: set[int] = set()

    def step(stage: int) -> list[Move]:
        if stage in graph.splits:
            if stage not in passable:
                return []
            return [Move(stage, graph.splits[stage][1], "join")]
        return [m for m in graph.moves[stage] if m.target not in avoid]

    changed = True
    while changed:  # a split passes once the splits inside its branches do
        changed = False
        for split, (branches, join) in graph.splits.items():
            if split in passable or split in avoid or join in avoid:
                continue
            if all(b not in avoid and join in _search([b], _until(join, step)) for b in branches):
                passable.add(split)
                changed = True
    return step


def avoids(graph: MoveGraph, situation: Situation, required: Set[int]) -> Violation | None:
    """A path from the entry to an end that visits none of ``required``, if there is one.

    The fix belongs at the first move after which ``required`` can no longer be reached
    (inside a split, on the branch that could have reached it); for an item that has
    no route there at all, after which no route of the process (whatever its
    condition) leads there.
    """
    if situation.entry in required:
        return None
    step = _avoiding(graph, required)
    parent = _search([situation.entry], step)
    end = next((s for s in parent if s in graph.ends), None)
    if end is None:
        return None
    return _leaving(graph, situation, [], _path(parent, end), step, required)


def skips_after(
    graph: MoveGraph, situation: Situation, first: Set[int], then: Set[int]
) -> Violation | None:
    """A path that visits one of ``first`` and then ends without visiting one of ``then``,
    if there is one; the fix belongs where the item leaves ``then`` behind, as for
    :func:`avoids`."""
    before = _search([situation.entry], graph.successors)
    starts = [s for s in before if s in first and s not in then]
    step = _avoiding(graph, then)
    parent = _search(starts, step)
    end = next((s for s in parent if s in graph.ends), None)
    if end is None:
        return None
    after = _path(parent, end)
    start = after[0].source if after else end
    return _leaving(graph, situation, _path(before, start), after, step, then)


def _leaving(
    graph: MoveGraph,
    situation: Situation,
    lead: list[Move],
    moves: list[Move],
    step: Callable[[int], list[Move]],
    required: Set[int],
) -> Violation:
    """The violation of a path (``lead``, then ``moves`` that avoid ``required``), with
    the fix at the first move of ``moves`` after which ``required`` is out of reach."""
    can_reach = _reaching(graph, required)
    start = moves[0].source if moves else situation.entry
    if start not in can_reach:  # no route there for this item: where one could be
        routes = graph.flow.graph.graph
        near: set[str] = set()
        for name in {graph.flow.name(i) for i in required}:
            if name not in near:
                near |= nx.ancestors(routes, name) | {name}
        can_reach = {graph.flow.index[n] for n in near}
    moves = _expand(graph, moves, step, can_reach)
    culprit = next(
        (m for m in moves if m.source in can_reach and m.target not in can_reach),
        moves[-1] if moves else None,
    )
    return _violation(situation, [*lead, *moves], culprit)


def _expand(
    graph: MoveGraph, moves: list[Move], step: Callable[[int], list[Move]], near: Set[int]
) -> list[Move]:
    """``moves`` with each pass through a split shown along one branch to its join: the
    first branch from which a stage of ``near`` could be reached (where the fix is)."""
    shown: list[Move] = []
    for move in moves:
        if move.kind != "join":
            shown.append(move)
            continue
        branches, join = graph.splits[move.source]
        branch = next((b for b in branches if b in near), branches[0])
        inside = _search([branch], _until(join, step))
        if join not in inside:
            shown.append(move)
            continue
        shown.append(Move(move.source, branch, "split"))
        shown += _expand(graph, _path(inside, join), step, near)
    return shown


def _finishing(graph: MoveGraph) -> set[int]:
    return _reaching(graph, graph.ends)


def reaches(graph: MoveGraph, situation: Situation, forbidden: Set[int]) -> Violation | None:
    """A path from the entry through one of ``forbidden`` on to an end, if there is one.

    The fix belongs at the move into the forbidden stage.
    """
    finishing = _finishing(graph)
    parent = _search([situation.entry], graph.successors)
    hit = next((s for s in parent if s in forbidden and s in finishing), None)
    if hit is None:
        return None
    moves = _path(parent, hit)
    return _violation(situation, moves, moves[-1] if moves else None)


def reaches_before(
    graph: MoveGraph, situation: Situation, first: Set[int], then: Set[int]
) -> Violation | None:
    """A path that visits one of ``then`` before any of ``first``, if there is one.

    The item walks outside ``first``; at a split each copy may reach ``then`` before
    the join, and the item passes the join only when no copy had to visit ``first``.
    The fix belongs at the move into the ``then`` stage.
    """
    finishing = _finishing(graph)
    avoiding = _avoiding(graph, first)
    parent = _search([situation.entry], avoiding)

    def copy_step(stage: int) -> list[Move]:
        return [m for m in graph.moves[stage] if m.target not in first]

    for split in [s for s in parent if s in graph.splits]:
        branches, join = graph.splits[split]
        for branch in branches:
            if branch in first:
                continue
            inside = _search([branch], _until(join, copy_step))
            hit = next((s for s in inside if s in then and s in finishing), None)
            if hit is not None:
                moves = [*_path(parent, split), Move(split, branch, "split"), *_path(inside, hit)]
                return _violation(situation, moves, moves[-1])
    hit = next((s for s in parent if s in then and s in finishing), None)
    if hit is None:
        return None
    moves = _path(parent, hit)
    return _violation(situation, moves, moves[-1] if moves else None)


def _until(join: int, step: Callable[[int], list[Move]]) -> Callable[[int], list[Move]]:
    """``step``, stopping at ``join``: a split's copy walks only as far as its join."""
    return lambda stage: [] if stage == join else step(stage)


def ends_outside(graph: MoveGraph, situation: Situation, allowed: Set[int]) -> Violation | None:
    """A path to an end stage not in ``allowed``, if there is one; the fix belongs at the
    move into that end."""
    parent = _search([situation.entry], graph.successors)
    end = next((s for s in parent if s in graph.ends and s not in allowed), None)
    if end is None:
        return None
    moves = _path(parent, end)
    return _violation(situation, moves, moves[-1] if moves else None)


def too_many_handoffs(graph: MoveGraph, situation: Situation, limit: int) -> Violation | None:
    """A path with more than ``limit`` handoffs, if there is one.

    A handoff is an item going from the work of one pool to the work of another
    (decisions, splits and joins in between do not count). Rework sent back by a
    review repeats handoffs the item already had, so rework moves are not counted;
    any other loop through two pools can hand an item over without end, which is
    more than any limit. The fix belongs at the handoff over the limit (or the one
    that closes such a loop).
    """
    pools = [rule.pool for rule in graph.flow.rules]
    State = tuple[int, str | None]
    start: State = (situation.entry, pools[situation.entry])
    states = nx.DiGraph()
    states.add_node(start)
    queue: deque[State] = deque([start])
    while queue:
        here = queue.popleft()
        stage, last = here
        for move in graph.moves[stage]:
            if move.kind == "defect":
                continue
            pool = pools[move.target]
            there: State = (move.target, pool if pool is not None else last)
            handoff = pool is not None and last is not None and pool != last
            if there not in states:
                queue.append(there)
            states.add_edge(here, there, move=move, weight=int(handoff))
    group: dict[State, int] = {}
    for k, members in enumerate(nx.strongly_connected_components(states)):
        for member in members:
            group[member] = k
    depth = nx.single_source_shortest_path_length(states, start)
    looping = [
        (a, b, data)
        for a, b, data in states.edges(data=True)
        if data["weight"] and group[a] == group[b]
    ]
    if looping:  # a handoff inside a loop: without end; shown at the one closing the loop
        a, _, data = min(looping, key=lambda e: (depth[e[1]] > depth[e[0]], -depth[e[0]]))
        into = nx.shortest_path(states, start, a)
        moves = [states.edges[u, v]["move"] for u, v in itertools.pairwise(into)]
        moves.append(data["move"])
        return _violation(situation, moves, data["move"])
    # no loop gains handoffs now: relax until nothing improves (strictly, so the
    # predecessors never form a loop)
    best: dict[State, tuple[int, State | None]] = {start: (0, None)}
    queue.append(start)
    while queue:
        here = queue.popleft()
        count = best[here][0]
        for _, there, data in states.out_edges(here, data=True):
            total = count + data["weight"]
            if there not in best or total > best[there][0]:
                best[there] = (total, here)
                queue.append(there)
    worst = max(best, key=lambda s: best[s][0])
    if best[worst][0] <= limit:
        return None
    chain: list[State] = [worst]
    while best[chain[-1]][1] is not None:
        chain.append(best[chain[-1]][1])  # type: ignore[arg-type]
    chain.reverse()
    moves = [states.edges[u, v]["move"] for u, v in itertools.pairwise(chain)]
    seen, culprit = 0, None
    for u, v in itertools.pairwise(chain):
        seen += states.edges[u, v]["weight"]
        if seen > limit:
            culprit = states.edges[u, v]["move"]
            break
    return _violation(situation, moves, culprit)
