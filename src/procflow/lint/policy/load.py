"""Reading a policy file: found from the current folder upwards, or given with ``--policy``.

The file is read like a process file (located YAML, strict keys) and validated
against :mod:`procflow.model.policy`. Every problem in it is a finding located in
the policy file: an unknown key or check kind, a bad condition, a code used twice
or one of procflow's own, a fact an element check cannot read. A policy that
cannot be loaded stops ``procflow lint`` with exit status 2: no SOP is checked
against half a policy. Names of pools, stages and attributes are checked against
the processes linted (:func:`check_names`), since one policy serves many SOPs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import ValidationError

from procflow.diagnostics import Finding, LoadError, RuleInfo
from procflow.diagnostics.checks import INVALID_EXPRESSION, INVALID_VALUE, UNKNOWN_POLICY_NAME
from procflow.diagnostics.suggest import did_you_mean
from procflow.expr import AttributeSpec, Expr, check
from procflow.lint.policy.elements import field_specs
from procflow.lint.policy.rule import OrgRule, org_rule
from procflow.model.policy import (
    POLICY_FILE,
    CapacityCheck,
    ElementCheck,
    PathCheck,
    PolicyFile,
    SlaCheck,
)
from procflow.model.process import CategoricalAttribute, NumericAttribute, Process
from procflow.model.validation import translate_errors, validate_process
from procflow.source import DocPath, Document, load_document


@dataclass(frozen=True)
class Policy:
    """A loaded policy file: its rules as lint rules, and the document they came from."""

    path: str
    name: str
    document: Document
    rules: tuple[type[OrgRule], ...]

    def infos(self) -> list[RuleInfo]:
        """The metadata of every rule, for the registry and the formatters."""
        return [rule.info() for rule in self.rules]

    def examples(self) -> list[Path]:
        """The example SOPs the rules name (``passes``, ``fails``), relative to the file."""
        folder = Path(self.path).parent
        named = [e for rule in self.rules for e in (*rule.spec.passes, *rule.spec.fails)]
        return [folder / e for e in dict.fromkeys(named)]


def find_policy(start: Path) -> Path | None:
    """The nearest ``procflow-policy.yaml`` at or above ``start``, if any."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / POLICY_FILE
        if candidate.is_file():
            return candidate
    return None


def load_policy(path: str | Path) -> Policy:
    """Load and validate a policy file; raise :class:`LoadError` with every problem, located.

    A rule may not take a code or name of procflow's own (``PF101``, ``unknown-stage``).
    """
    doc = load_document(path)
    try:
        spec = PolicyFile.model_validate(doc.data)
    except ValidationError as exc:
        raise LoadError([*doc.findings, *translate_errors(exc, doc, PolicyFile)]) from None
    findings = list(doc.findings)
    from procflow.lint.registry import all_rule_info  # the registry's rules read the context

    info = all_rule_info()
    taken = {*info, *(rule.name for rule in info.values())}
    seen: dict[str, int] = {}
    for index, rule in enumerate(spec.rules):
        base: DocPath = ("rules", index)
        named = [rule.id] if rule.name is None else [rule.id, rule.name]
        for name, used in ((n, seen.get(n)) for n in named):
            if name in taken:
                findings.append(
                    INVALID_VALUE.finding(
                        f"{name!r} is a code or name of procflow's own rules: pick another",
                        doc.locate((*base, "id" if name == rule.id else "name")),
                    )
                )
            elif used is not None:
                findings.append(
                    INVALID_VALUE.finding(
                        f"{name!r} is used by rule {used + 1} already: each rule needs its own",
                        doc.locate((*base, "id" if name == rule.id else "name")),
                    )
                )
        seen.setdefault(rule.id, index)
        seen.setdefault(rule.rule_name, index)
        if isinstance(rule.check, ElementCheck):
            specs = field_specs(rule.check.every)
            for key in ("where", "require"):
                expr = getattr(rule.check, key)
                if expr is not None:
                    findings += _expression_problems(doc, (*base, "check", key), expr, specs)
    if findings:
        raise LoadError(findings)
    source = str(path)
    return Policy(source, spec.policy, doc, tuple(org_rule(r, source) for r in spec.rules))


def _expression_problems(
    doc: Document, path: DocPath, expr: Expr, specs: Mapping[str, AttributeSpec]
) -> Iterator[Finding]:
    for problem in check(expr, specs):
        yield INVALID_EXPRESSION.finding(
            problem.message, doc.locate_in_text(path, problem.offset), problem.hint
        )


def _examples(policy: Policy) -> Iterator[Process]:
    """The policy's example SOPs that load (``policy test`` reports the others)."""
    for path in policy.examples():
        try:
            yield validate_process(load_document(path))
        except LoadError:
            continue


def _attribute_specs(
    definitions: Mapping[str, list[CategoricalAttribute | NumericAttribute]],
) -> dict[str, AttributeSpec]:
    """What a policy's conditions may read: every attribute of the processes, with the
    values any of them gives it (a number, when one of them draws it from a distribution)."""
    specs: dict[str, AttributeSpec] = {}
    for name, found in definitions.items():
        if all(isinstance(d, CategoricalAttribute) for d in found):
            values = {v for d in found if isinstance(d, CategoricalAttribute) for v in d.values}
            specs[name] = AttributeSpec(name, "categorical", frozenset(values))
        else:
            specs[name] = AttributeSpec(name, "numeric")
    return specs


def check_names(policy: Policy, processes: Iterable[Process]) -> list[Finding]:
    """A finding in the policy file for every pool, stage or attribute it names that none
    of ``processes`` has, nor any of the policy's own examples, and for every value a
    condition compares an attribute with that none of them gives it (``severity ==
    "hgih"``): the rule could never match it, which is a typo far more often than a rule
    kept for later. Each finding
    names its rule's code (``args["rule"]``): that rule's findings mean nothing."""
    linted = list(processes)
    if not linted:  # nothing loaded: the files' own errors come first
        return []
    pools: set[str] = set()
    stages: set[str] = set()
    definitions: dict[str, list[CategoricalAttribute | NumericAttribute]] = {}
    for process in [*linted, *_examples(policy)]:
        pools |= set(process.resources)
        stages |= set(process.stages)
        for name, found in process.attributes().items():
            definitions.setdefault(name, []).extend(found)
    attributes = set(definitions)
    specs = _attribute_specs(definitions)
    doc = policy.document
    findings: list[Finding] = []

    def add(finding: Finding) -> None:
        findings.append(replace(finding, args={"rule": code}))

    def unknown(what: str, name: str, known: set[str], path: DocPath) -> None:
        if name not in known:
            hint = did_you_mean(name, sorted(known)) or f"no linted process has this {what}"
            add(UNKNOWN_POLICY_NAME.finding(f"unknown {what} {name!r}", doc.locate(path), hint))

    for index, rule_class in enumerate(policy.rules):
        code = rule_class.code
        check_spec = rule_class.spec.check
        base: DocPath = ("rules", index, "check")
        if isinstance(check_spec, PathCheck):
            for key in ("visits", "before", "after", "never_visits"):
                target = getattr(check_spec, key)
                if target is None:
                    continue
                for kind, names, known in (
                    ("pool", target.pools, pools),
                    ("stage", target.stages, stages),
                ):
                    for k, name in enumerate(names):
                        step = (k,) if not isinstance(getattr(target, kind), str) else ()
                        unknown(kind, name, known, (*base, key, kind, *step))
            for k, name in enumerate(check_spec.ends_only_in or []):
                unknown("stage", name, stages, (*base, "ends_only_in", k))
            if check_spec.when is not None:
                for problem in check(check_spec.when, specs):
                    add(
                        UNKNOWN_POLICY_NAME.finding(
                            problem.message,
                            doc.locate_in_text((*base, "when"), problem.offset),
                            problem.hint or "no linted process has it",
                        )
                    )
        elif isinstance(check_spec, SlaCheck):
            unknown("attribute", check_spec.sla_for_each, attributes, (*base, "sla_for_each"))
        elif isinstance(check_spec, CapacityCheck):
            for k, name in enumerate(check_spec.pools or []):
                unknown("pool", name, pools, (*base, "pools", k))
    return findings


__all__ = ["Policy", "check_names", "find_policy", "load_policy"]
