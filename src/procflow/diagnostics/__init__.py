"""What procflow has to say about a user's file, as data, and the catalogue of load checks.

A :class:`Finding` is one problem at a :class:`Location`; a :class:`LoadError`
carries the findings that stopped a file from loading, a :class:`LintError` the
lint errors that stop a loaded process from being analysed or simulated. Every code procflow can
report is described by a :class:`RuleInfo` (for formatters) and has a page under
``docs/rules/``. The load checks (``PF0xx``, ``PF6xx``: a file that cannot be
read, a YAML error, an unknown key...) are catalogued in
:mod:`procflow.diagnostics.checks`; the lint rules live in :mod:`procflow.lint`.
"""

from procflow.diagnostics.finding import Finding, LintError, LoadError, Location, Severity
from procflow.diagnostics.info import DOCS_PATH, RuleInfo

__all__ = ["DOCS_PATH", "Finding", "LintError", "LoadError", "Location", "RuleInfo", "Severity"]
