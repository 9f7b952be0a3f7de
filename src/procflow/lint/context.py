"""What a rule sees: the process, its graph, and the analyses some rules share."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from procflow.analysis import Capacity, analyze
from procflow.diagnostics import Location
from procflow.diagnostics.suggest import closest
from procflow.expr import AttributeSpec
from procflow.flow import Flow, FlowGraph, compile_flow
from procflow.lint.loops import TimelessLoop, instant_loops
from procflow.lint.policy.paths import MoveGraphs
from procflow.model.process import ATTEMPT, CategoricalAttribute, NumericAttribute, Process
from procflow.model.tenure import ANNOTATOR_ACCURACY, NEW_HIRE
from procflow.source import DocPath


@dataclass
class LintContext:
    """One process under lint, with lazily computed shared facts."""

    process: Process
    #: the planned utilization above which a pool is reported (PF404)
    max_utilization: float = 0.9
    #: the compiled process: one rule per stage (what happens there)
    flow: Flow = field(init=False)
    #: its graph of stages and routes, with their locations
    graph: FlowGraph = field(init=False)

    def __post_init__(self) -> None:
        self.flow = compile_flow(self.process)
        self.graph = self.flow.graph

    def locate(self, path: DocPath, *, key: bool = False) -> Location:
        """Where ``path`` is written in the process's file."""
        return self.process.locate(path, key=key)

    @cached_property
    def attributes(self) -> dict[str, AttributeSpec]:
        """What expressions may read: every attribute of every arrival stream."""
        specs: dict[str, AttributeSpec] = {}
        for name, definitions in self.process.attributes().items():
            if all(isinstance(d, CategoricalAttribute) for d in definitions):
                values = frozenset(
                    v for d in definitions if isinstance(d, CategoricalAttribute) for v in d.values
                )
                specs[name] = AttributeSpec(name, "categorical", values)
            else:
                low = (
                    0.0
                    if all(
                        isinstance(d, NumericAttribute) and d.distribution.nonnegative
                        for d in definitions
                    )
                    else None
                )
                specs[name] = AttributeSpec(name, "numeric", low=low)
        # the attempt number at a stage: 1, 2 ... (see StageRule.attempt)
        specs[ATTEMPT] = AttributeSpec(ATTEMPT, "numeric", low=1.0)
        # what a condition reads of the item's worker (see procflow.model.tenure)
        specs[NEW_HIRE] = AttributeSpec(NEW_HIRE, "categorical", frozenset({True, False}))
        specs[ANNOTATOR_ACCURACY] = AttributeSpec(ANNOTATOR_ACCURACY, "numeric", low=0.0, high=1.0)
        truth = self.process.truth
        if truth is not None:
            specs[truth.attribute] = AttributeSpec(
                truth.attribute, "categorical", frozenset(truth.values())
            )
            if truth.score is not None:
                given = truth.score.classes or {}
                scores = (truth.score.positive, truth.score.negative, *given.values())
                shares = all(s.kind == "beta" for s in scores)
                specs[truth.score.attribute] = AttributeSpec(
                    truth.score.attribute,
                    "numeric",
                    low=0.0 if shares or all(s.nonnegative for s in scores) else None,
                    high=1.0 if shares else None,
                )
        return specs

    @cached_property
    def misspelt_routes(self) -> dict[tuple[str | None, str], tuple[str, list[str]]]:
        """Each route to a misspelt stage name (``(source, target)``, a ``None`` source
        for an arrival stream's ``to``) -> the name it likely means and the stages that
        are unreachable only because of it, in file order.

        Those stages are the echo of one typo: ``PF101`` reports them with it, and
        ``PF103`` leaves them out. A stage a fix of any one typo does not reach is
        reported by ``PF103`` on its own.
        """
        stages = self.process.stages
        routes: list[tuple[str | None, str]] = [(r.source, r.target) for r in self.graph.dangling]
        routes += [(None, a.to) for a in self.process.arrivals if a.to and a.to not in stages]
        reachable = self.graph.reachable()
        found: dict[tuple[str | None, str], tuple[str, list[str]]] = {}
        echoed: set[str] = set()
        for source, target in routes:
            meant = closest(target, stages)
            if meant is None or (source, target) in found:
                continue
            gained = self.graph.reachable([(source, meant)]) - reachable - echoed
            echoed |= gained
            found[source, target] = (meant, [name for name in stages if name in gained])
        return found

    @cached_property
    def misspelt_pools(self) -> dict[str, str]:
        """Each pool name a stage uses that is not defined -> the pool it likely means: that
        pool is not unused (``PF106``), it is misspelt (``PF102``)."""
        pools = self.process.resources
        named = {s.resource for s in self.process.stages.values() if s.resource is not None}
        found = {name: closest(name, pools) for name in named if name not in pools}
        return {name: meant for name, meant in found.items() if meant is not None}

    @cached_property
    def moves(self) -> MoveGraphs:
        """Where each kind of item can go from each stage, shared by the org's path rules."""
        return MoveGraphs(self.flow)

    @cached_property
    def instant_loops(self) -> list[TimelessLoop]:
        """The loops an item could go round at one instant (``PF109``)."""
        return instant_loops(self.flow, list(self.process.stages))

    @cached_property
    def capacity(self) -> Capacity:
        """The analytic load on every pool (see :mod:`procflow.analysis`); none for a split
        whose branch leads back to it (``PF108``): the analysis cannot follow it."""
        if self.graph.split_loops():
            process = self.process
            return Capacity(process.name, process.time_unit, 0.0, {}, {})
        return analyze(self.process, self.flow)
