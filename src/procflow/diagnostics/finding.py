"""Findings: what procflow has to say about a user's file, as data.

Every problem procflow reports, from a YAML syntax error to a staff pool that
cannot keep up, is a :class:`Finding`: a stable code (``PF201``), a rule name
(``probabilities-exceed-one``), a severity, a message in a PM's words, an
optional hint on how to fix it, and the :class:`Location` in the user's file.
Rules and load checks produce findings; formatters (``procflow.lint.formats``)
present them and never know about rules.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class Severity(enum.StrEnum):
    """How bad a finding is. Errors fail ``procflow lint`` (exit 1); warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a user's file: 1-based line and column, as editors show them."""

    file: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"

    @classmethod
    def of_file(cls, path: str | Path) -> Location:
        """The start of a file, for problems with the file as a whole."""
        return cls(str(path), 1, 1)


@dataclass(frozen=True)
class Finding:
    """One diagnostic about a user's input."""

    code: str
    name: str
    severity: Severity
    message: str
    location: Location
    hint: str | None = None
    # Which rule or check produced it, for documentation links ("PF201" -> docs/rules/PF201.md).
    tags: tuple[str, ...] = field(default=())
    #: the data the message is made of (names, numbers), for scripts and tests
    args: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order findings as a reader scans a file: by file, line, column, then code."""
        loc = self.location
        return (loc.file, loc.line, loc.col, self.code)


class LoadError(Exception):
    """A file could not be loaded into a model; carries every finding that explains why."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = sorted(findings, key=Finding.sort_key)
        first = self.findings[0] if self.findings else None
        summary = f"{first.location}: {first.code} {first.message}" if first else "load failed"
        super().__init__(summary)


class LintError(Exception):
    """A process loaded but has lint errors that make computing on it meaningless.

    Raised by ``analyze``, ``simulate``, ``compare``, ``sweep`` and ``optimize``
    before any work; carries the error-level findings (capacity findings are
    answers and never among them).
    """

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = sorted(findings, key=Finding.sort_key)
        first = self.findings[0]
        more = len(self.findings) - 1
        others = f" (and {more} more)" if more else ""
        where = first.location.file
        on_disk = where and not where.startswith("<")  # not "<memory>", a process built in code
        see = f"; run `procflow lint {where}` to see them all" if on_disk else ""
        super().__init__(f"{first.location}: {first.code} {first.message}{others}{see}")
