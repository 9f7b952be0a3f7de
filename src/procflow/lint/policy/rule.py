"""An org's policy rule, as a lint rule: the same code, name, severity and findings.

Each rule of the policy file becomes a subclass of :class:`~procflow.lint.rule.Rule`
made when the file is loaded (:func:`org_rule`), so everything that handles lint
rules handles it alike: ``--select``/``--ignore``, ``# procflow: ignore[ORG001]``,
every output format (SARIF lists it with its help text and rationale). Its
findings are located where the SOP breaks the policy: at the route or stage of
the offending path where a fix belongs, or at the element that lacks the property.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from procflow.diagnostics import Finding, RuleInfo
from procflow.flow import Flow
from procflow.lint.policy.elements import elements
from procflow.lint.policy.paths import (
    Move,
    MoveGraph,
    Violation,
    avoids,
    ends_outside,
    reaches,
    reaches_before,
    skips_after,
    too_many_handoffs,
)
from procflow.lint.policy.situations import Situation, situations
from procflow.lint.rule import Rule
from procflow.model.policy import (
    CapacityCheck,
    ElementCheck,
    PathCheck,
    PolicyRule,
    SlaCheck,
    Target,
)
from procflow.model.process import CategoricalAttribute
from procflow.source import DocPath

if TYPE_CHECKING:
    from procflow.lint.context import LintContext


class OrgRule(Rule):
    """Base of the rules an org's policy file defines (see :func:`org_rule`)."""

    spec: ClassVar[PolicyRule]
    #: the policy file the rule is written in
    source: ClassVar[str]
    #: a policy reads routes and numbers alike: it is not checked on what loaded of a
    #: file that did not load (the file's own errors come first)
    reads = frozenset({"numbers", "structure"})

    @classmethod
    def info(cls) -> RuleInfo:
        """The rule's metadata: its help text is the rationale, its page the policy file."""
        spec = cls.spec
        return RuleInfo(
            cls.code,
            cls.name,
            cls.severity,
            spec.message,
            rationale=spec.rationale or None,
            doc=cls.source,
            url=spec.url,
        )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        check = self.spec.check
        if isinstance(check, PathCheck):
            yield from self._paths(ctx, check)
        elif isinstance(check, ElementCheck):
            yield from self._elements(ctx, check)
        elif isinstance(check, SlaCheck):
            yield from self._slas(ctx, check)
        else:
            yield from self._capacity(ctx, check)

    # --- paths ---------------------------------------------------------------------------

    def _paths(self, ctx: LintContext, check: PathCheck) -> Iterator[Finding]:
        flow = ctx.flow
        extra = [check.when] if check.when is not None else []
        reported: set[tuple[DocPath, str]] = set()
        for situation in situations(flow, extra):
            if check.when is not None and not _holds(check, flow, situation):
                continue
            graph = ctx.moves.of(situation.row)
            violation = _search(check, flow, graph, situation)
            if violation is None:
                continue
            where = _culprit_path(violation.culprit, flow, situation)
            if (where, situation.stream) in reported:
                continue  # one finding per place and stream: the first kind of item shown
            reported.add((where, situation.stream))
            yield self._path_finding(ctx, check, violation, where)

    def _path_finding(
        self, ctx: LintContext, check: PathCheck, violation: Violation, where: DocPath
    ) -> Finding:
        flow = ctx.flow
        names = [flow.name(s) for s in violation.stages]
        path = " → ".join([violation.situation.describe(), *_shortened(names)])
        return self.finding(
            f"{self.spec.message}: {path}",
            ctx.locate(where, key=len(where) == 2),  # a stage by its name, a route by its value
            _path_hint(check),
            path=names,
            elements=[where, *(("stages", name) for name in names)],
            stream=violation.situation.stream,
            values=dict(violation.situation.values),
        )

    # --- elements ------------------------------------------------------------------------

    def _elements(self, ctx: LintContext, check: ElementCheck) -> Iterator[Finding]:
        for element in elements(ctx.process, check.every):
            if check.where is not None and not check.where.evaluate(element.facts):
                continue
            if check.require.evaluate(element.facts):
                continue
            read = sorted(check.require.attributes())
            written = [element.written[f] for f in read if f in element.written]
            where = written[0] if len(read) == 1 and written else element.path
            key = where == element.path
            if key or ctx.process.source is None or not ctx.process.source.has(where):
                where, key = element.path, True
            shown = ", ".join(f"{f}={element.facts.get(f)!r}" for f in read)
            yield self.finding(
                f"{self.spec.message}: {element.label} ({shown})",
                ctx.locate(where, key=key),
                f"every {check.every} must meet: {check.require.text}",
                element=element.label,
                elements=[where, element.path],
                facts={f: element.facts.get(f) for f in read},
            )

    # --- SLAs ----------------------------------------------------------------------------

    def _slas(self, ctx: LintContext, check: SlaCheck) -> Iterator[Finding]:
        process = ctx.process
        attribute = check.sla_for_each
        values: list[object] = []
        for definition in process.attributes().get(attribute, []):
            if isinstance(definition, CategoricalAttribute):
                values += [v for v in definition.values if v not in values]
        if not values or any(s.metric == "cycle_time" for s in process.slas):
            return  # an SLA on cycle time covers every item
        flow = ctx.flow
        covered: set[object] = set()
        waited = {flow.index[s.stage] for s in process.slas if s.stage in flow.index}
        for situation in situations(flow, split_on=[attribute]):
            value = dict(situation.values).get(attribute)
            graph = ctx.moves.of(situation.row)
            if reaches(graph, situation, waited) is not None:
                covered.add(value)
        missing = [v for v in values if v not in covered]
        if not missing:
            return
        where: DocPath = ("slas",) if process.slas else ("process",)
        yield self.finding(
            f"{self.spec.message}: no SLA covers {attribute} {', '.join(repr(v) for v in missing)}",
            ctx.locate(where, key=True),
            "add a cycle_time SLA (it covers every item), or a waiting_time SLA at a stage "
            "those items reach",
            attribute=attribute,
            elements=[("slas",)],
            missing=missing,
        )

    # --- capacity ------------------------------------------------------------------------

    def _capacity(self, ctx: LintContext, check: CapacityCheck) -> Iterator[Finding]:
        capacity = ctx.capacity
        if capacity.endless:
            return  # PF107 says why the load cannot be estimated
        ceiling = check.max_utilization
        for name, pool in capacity.pools.items():
            if check.pools is not None and name not in check.pools:
                continue
            planned = pool.peak_utilization
            if planned <= ceiling:
                continue
            yield self.finding(
                f"{self.spec.message}: {name} planned at {planned:.0%} utilization, "
                f"above {ceiling:.0%}",
                ctx.locate(("resources", name), key=True),
                f"about {int(pool.offered_load / ceiling) + 1} people working would bring it "
                f"to {ceiling:.0%}",
                pool=name,
                elements=[("resources", name)],
                utilization=planned,
            )


def _holds(check: PathCheck, flow: Flow, situation: Situation) -> bool:
    assert check.when is not None
    return check.when.evaluate(dict(zip(flow.attributes, situation.row, strict=True)))


def stages_of(flow: Flow, target: Target) -> frozenset[int]:
    """The positions of the stages a target names: those of its pools, or by name."""
    if target.pool is not None:
        pools = set(target.pools)
        return frozenset(r.index for r in flow.rules if r.pool in pools)
    return frozenset(flow.index[s] for s in target.stages if s in flow.index)


def _search(
    check: PathCheck, flow: Flow, graph: MoveGraph, situation: Situation
) -> Violation | None:
    kind = check.kind
    if kind == "before":
        assert check.before is not None and check.visits is not None
        first, then = stages_of(flow, check.before), stages_of(flow, check.visits)
        return reaches_before(graph, situation, first, then)
    if kind == "after":
        assert check.after is not None and check.visits is not None
        first, then = stages_of(flow, check.after), stages_of(flow, check.visits)
        return skips_after(graph, situation, first, then)
    if kind == "visits":
        assert check.visits is not None
        return avoids(graph, situation, stages_of(flow, check.visits))
    if kind == "never_visits":
        assert check.never_visits is not None
        return reaches(graph, situation, stages_of(flow, check.never_visits))
    if kind == "max_handoffs":
        assert check.max_handoffs is not None
        return too_many_handoffs(graph, situation, check.max_handoffs)
    assert check.ends_only_in is not None
    allowed = frozenset(flow.index[s] for s in check.ends_only_in if s in flow.index)
    return ends_outside(graph, situation, allowed)


def _culprit_path(move: Move | None, flow: Flow, situation: Situation) -> DocPath:
    """Where the move that needs fixing is written: its route (a ``next`` branch that can
    be taken by the item, the rework, the escalation, a split's branch or its join)."""
    if move is None:
        return ("stages", flow.name(situation.entry))
    source = flow.name(move.source)
    target = flow.name(move.target)
    if move.kind == "join":
        return ("stages", source, "join")
    kinds = {
        "next": "next",
        "defect": "defect",
        "escalate": "escalate",
        "split": "split",
        "reject": "reject",
    }
    item = dict(zip(flow.attributes, situation.row, strict=True))
    for route in flow.graph.routes(source):
        taken = route.when is None or route.when.evaluate(item)
        if route.target == target and route.kind == kinds[move.kind] and taken:
            return route.path
    return ("stages", source)


def _path_hint(check: PathCheck) -> str:
    kind = check.kind
    if kind == "visits":
        assert check.visits is not None
        return f"route these items through a stage of {check.visits.describe()} before they end"
    if kind == "before":
        assert check.before is not None and check.visits is not None
        return (
            f"route these items through {check.before.describe()} before {check.visits.describe()}"
        )
    if kind == "after":
        assert check.after is not None and check.visits is not None
        return f"route these items through {check.visits.describe()} after {check.after.describe()}"
    if kind == "never_visits":
        assert check.never_visits is not None
        return f"send these items elsewhere: they must never reach {check.never_visits.describe()}"
    if kind == "max_handoffs":
        return f"at most {check.max_handoffs} changes of pool on the way"
    return f"end these items only in {', '.join(check.ends_only_in or [])}"


def org_rule(spec: PolicyRule, source: str) -> type[OrgRule]:
    """The lint rule of one policy rule written in file ``source``."""
    doc = spec.message + (f"\n\n{spec.rationale}" if spec.rationale else "")
    return type(
        f"OrgRule_{spec.id}",
        (OrgRule,),
        {
            "code": spec.id,
            "name": spec.rule_name,
            "severity": spec.severity,
            "spec": spec,
            "source": source,
            "__doc__": doc,
        },
    )


#: The most stages a path message names; a longer path shows its ends (the finding's
#: ``path`` argument, in JSON and SARIF, holds every stage).
SHOWN_STAGES = 12


def _shortened(names: list[str]) -> list[str]:
    """``names``, or its first and last stages around ``… N more stages …``."""
    if len(names) <= SHOWN_STAGES:
        return names
    half = SHOWN_STAGES // 2
    return [*names[:half], f"… {len(names) - 2 * half} more stages …", *names[-half:]]
