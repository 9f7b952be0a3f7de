"""``procflow policy test``: a policy's rules checked against the example SOPs it names.

A policy rule is code an org relies on, and it can stop matching without anyone
noticing: a pool is renamed, a condition is edited, a check kind is changed. So,
as conftest and bpmnlint do with fixtures, each rule names example SOPs it must
accept (``passes:``) and SOPs it must report (``fails:``), relative to the policy
file::

    - id: ORG001
      ...
      passes: [examples/specialist_reviews_high.yaml]
      fails: [examples/high_skips_specialist.yaml]

Each example is linted with that one rule; a ``passes`` example with a finding of
the rule, or a ``fails`` example without one, fails the test (exit 1). An example
that cannot be loaded fails too, with its own findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from procflow.diagnostics import Finding
from procflow.lint.config import LintConfig
from procflow.lint.policy.load import Policy
from procflow.lint.runner import LintReport, lint_file

Expectation = Literal["passes", "fails"]


@dataclass(frozen=True)
class FixtureResult:
    """One example SOP of one rule: what was expected, and the rule's findings on it."""

    code: str
    example: str
    expected: Expectation
    findings: tuple[Finding, ...]
    #: the example's own problems, when it could not be loaded
    broken: tuple[Finding, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """Whether the rule did what the policy file says it does on this example."""
        if self.broken:
            return False
        return bool(self.findings) == (self.expected == "fails")


def run_examples(policy: Policy) -> list[FixtureResult]:
    """Lint every example each rule names with that rule alone, in file order."""
    folder = Path(policy.path).parent
    results: list[FixtureResult] = []
    for rule in policy.rules:
        config = LintConfig(select=(rule.code,), policy=policy)
        spec = rule.spec
        cases: tuple[tuple[Expectation, list[str]], ...] = (
            ("passes", spec.passes),
            ("fails", spec.fails),
        )
        for expected, examples in cases:
            for example in examples:
                path = folder / example
                report = LintReport()
                findings = lint_file(path, report, config)
                mine = tuple(f for f in findings if f.code == rule.code)
                broken = tuple(f for f in findings if f.code != rule.code) if report.failed else ()
                results.append(FixtureResult(rule.code, str(path), expected, mine, broken))
    return results


def render_results(results: list[FixtureResult]) -> str:
    """One line per example (``ok`` or ``FAILED`` with why), then a summary line."""
    lines: list[str] = []
    for r in results:
        if r.ok:
            lines.append(f"ok      {r.code} {r.expected} {r.example}")
            continue
        if r.broken:
            why = "the example cannot be loaded: " + "; ".join(
                f"{f.location}: {f.code} {f.message}" for f in r.broken
            )
        elif r.expected == "passes":
            why = "the rule reports it: " + "; ".join(
                f"{f.location}: {f.message}" for f in r.findings
            )
        else:
            why = "the rule does not report it"
        lines.append(f"FAILED  {r.code} {r.expected} {r.example}: {why}")
    failed = sum(not r.ok for r in results)
    if not results:
        lines.append("No examples: give rules passes: and fails: lists of example SOPs.")
    elif failed:
        lines.append(f"{failed} of {len(results)} examples failed.")
    else:
        lines.append(f"All {len(results)} examples behave as the policy says.")
    return "\n".join(lines) + "\n"
