"""What a formatter needs to know about a code: its name, severity, summary and doc page.

SARIF, JUnit and GitHub annotations link every finding to the page of its code;
the metadata is the same for a lint rule and for a load check.
"""

from __future__ import annotations

from dataclasses import dataclass

from procflow.diagnostics.finding import Severity

#: Where each code's page lives, relative to the repository root.
DOCS_PATH = "docs/rules/{code}.md"


@dataclass(frozen=True)
class RuleInfo:
    """The published metadata of a rule or load check, for formatters (SARIF, JUnit, ...)."""

    code: str
    name: str
    severity: Severity
    summary: str
    #: why the rule exists, for help texts (an org's policy rules give one)
    rationale: str | None = None
    #: the rule's page, when it is not ``docs/rules/<CODE>.md`` (a policy rule: its file)
    doc: str | None = None
    #: a web page about the rule, when its author gave one
    url: str | None = None

    @property
    def doc_path(self) -> str:
        """The rule's documentation page, relative to the repository root."""
        return self.doc if self.doc is not None else DOCS_PATH.format(code=self.code)
