"""The explicit list of lint rules, and the metadata of every code procflow can report.

Codes are stable: a code is never reused for another meaning. Families:
``PF0xx`` loading and schema, ``PF1xx`` structure and names, ``PF2xx``
probabilities, ``PF3xx`` conditions, ``PF4xx`` capacity, ``PF5xx`` SLAs, ``PF6xx``
scenarios. The checks made while a file is loaded are catalogued in
:mod:`procflow.diagnostics.checks`.
"""

from __future__ import annotations

from procflow.diagnostics import RuleInfo
from procflow.diagnostics.checks import LOAD_CHECKS
from procflow.lint.rule import Rule
from procflow.lint.rules.capacity import OverloadedPool, UnderstaffedHours
from procflow.lint.rules.conditions import ImpossibleValue, TypeMismatch, UnknownAttribute
from procflow.lint.rules.references import (
    MissingSkill,
    UnknownResource,
    UnknownStage,
    UnusedResource,
)
from procflow.lint.rules.routing import (
    AttributeSharesNotOne,
    BranchAfterDefault,
    MissingDefaultBranch,
    ProbabilitiesExceedOne,
    ProbabilityOutOfRange,
)
from procflow.lint.rules.slas import UnknownSlaMetric, UnknownSlaStage
from procflow.lint.rules.structure import (
    EndlessRework,
    NoEndReachable,
    NowhereToGo,
    SplitWithoutJoin,
    UnreachableStage,
)

RULES: tuple[type[Rule], ...] = (
    UnknownStage,
    UnknownResource,
    UnreachableStage,
    NoEndReachable,
    NowhereToGo,
    UnusedResource,
    EndlessRework,
    SplitWithoutJoin,
    ProbabilityOutOfRange,
    ProbabilitiesExceedOne,
    MissingDefaultBranch,
    BranchAfterDefault,
    AttributeSharesNotOne,
    UnknownAttribute,
    ImpossibleValue,
    TypeMismatch,
    OverloadedPool,
    UnderstaffedHours,
    MissingSkill,
    UnknownSlaMetric,
    UnknownSlaStage,
)


def all_rule_info() -> dict[str, RuleInfo]:
    """Metadata of every code procflow can report, load checks included."""
    info = {check.code: check.info() for check in LOAD_CHECKS}
    info.update({rule.code: rule.info() for rule in RULES})
    return info


def documentation() -> dict[str, tuple[RuleInfo, str]]:
    """Every code with its metadata and documentation text."""
    docs = {check.code: (check.info(), check.documentation()) for check in LOAD_CHECKS}
    docs.update({rule.code: (rule.info(), rule.documentation()) for rule in RULES})
    return docs
