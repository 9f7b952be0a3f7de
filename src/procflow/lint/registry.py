"""The explicit list of lint rules, and the lookup of every code procflow can report.

Codes are stable: a code is never reused for another meaning. Families:
``PF0xx`` loading and schema, ``PF1xx`` structure and names, ``PF2xx``
probabilities (``PF25x`` lot sampling plans), ``PF3xx`` conditions, ``PF4xx`` capacity,
``PF5xx`` SLAs, ``PF6xx`` scenarios, ``PF7xx`` quality (``PF75x`` consensus, separation
of duties, new hires and measured accuracy). The checks made while a file is loaded are
catalogued in :mod:`procflow.diagnostics.checks`; the lookup here covers them and the
rules alike, and refuses a code or name that does not exist, suggesting the closest one.

An org's policy rules (:mod:`procflow.lint.policy`) have codes of their own
(``ORG001``); every lookup takes them as ``extra``, so they are selected, ignored
and silenced exactly as procflow's own.
"""

from __future__ import annotations

from collections.abc import Iterable

from procflow.diagnostics import RuleInfo
from procflow.diagnostics.checks import LOAD_CHECKS
from procflow.diagnostics.suggest import closest
from procflow.lint.rule import Rule
from procflow.lint.rules.capacity import HighUtilization, OverloadedPool, UnderstaffedHours
from procflow.lint.rules.classes import (
    ConfusionRowNotOne,
    KeepClassMissing,
    PrevalencesExceedOne,
    UnknownClass,
)
from procflow.lint.rules.conditions import ImpossibleValue, TypeMismatch, UnknownAttribute
from procflow.lint.rules.consensus import (
    AttemptNeverCounts,
    ConsensusLargerThanPool,
    ConsensusNoBetterThanChance,
    NotByUnknownStage,
    SamePersonWithoutWork,
    SeparationNeedsMorePeople,
    UnsettledWithoutAdjudication,
)
from procflow.lint.rules.duedates import (
    DueBeforeWorkIsDone,
    EarliestDueWithoutDueDates,
    UnknownDueValue,
)
from procflow.lint.rules.instants import InstantLoop
from procflow.lint.rules.lots import (
    BatchLotRevisited,
    LotSizeMissing,
    PlanAcceptsEveryLot,
    SampleLargerThanLot,
    UnknownAql,
)
from procflow.lint.rules.quality import DecisionWithoutTruth, ShadowedBranch, TruthAttributes
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
from procflow.lint.rules.slas import SlaOnStageWithoutQueue, UnknownSlaMetric, UnknownSlaStage
from procflow.lint.rules.structure import (
    EndlessRework,
    NoEndReachable,
    NowhereToGo,
    SplitWithoutJoin,
    UnreachableStage,
)
from procflow.lint.rules.tenure import (
    AccuracyWithoutGold,
    NewHiresExceedPool,
    NewHireWithoutNewHires,
)
from procflow.lint.rules.units import NumberWithoutUnit

RULES: tuple[type[Rule], ...] = (
    NumberWithoutUnit,
    UnknownStage,
    UnknownResource,
    UnreachableStage,
    NoEndReachable,
    NowhereToGo,
    UnusedResource,
    EndlessRework,
    SplitWithoutJoin,
    InstantLoop,
    ProbabilityOutOfRange,
    ProbabilitiesExceedOne,
    MissingDefaultBranch,
    BranchAfterDefault,
    AttributeSharesNotOne,
    SampleLargerThanLot,
    UnknownAql,
    LotSizeMissing,
    PlanAcceptsEveryLot,
    BatchLotRevisited,
    DecisionWithoutTruth,
    ShadowedBranch,
    TruthAttributes,
    ConfusionRowNotOne,
    UnknownClass,
    KeepClassMissing,
    PrevalencesExceedOne,
    UnknownAttribute,
    ImpossibleValue,
    TypeMismatch,
    OverloadedPool,
    UnderstaffedHours,
    HighUtilization,
    MissingSkill,
    UnknownSlaMetric,
    UnknownSlaStage,
    SlaOnStageWithoutQueue,
    UnknownDueValue,
    DueBeforeWorkIsDone,
    EarliestDueWithoutDueDates,
    ConsensusLargerThanPool,
    SeparationNeedsMorePeople,
    NotByUnknownStage,
    UnsettledWithoutAdjudication,
    ConsensusNoBetterThanChance,
    AttemptNeverCounts,
    SamePersonWithoutWork,
    NewHiresExceedPool,
    NewHireWithoutNewHires,
    AccuracyWithoutGold,
)


def all_rule_info(extra: Iterable[RuleInfo] = ()) -> dict[str, RuleInfo]:
    """Metadata of every code procflow can report, load checks included, and of ``extra``
    (an org's policy rules)."""
    info = {check.code: check.info() for check in LOAD_CHECKS}
    info.update({rule.code: rule.info() for rule in RULES})
    info.update({rule.code: rule for rule in extra})
    return info


def documentation() -> dict[str, tuple[RuleInfo, str]]:
    """Every code with its metadata and documentation text."""
    docs = {check.code: (check.info(), check.documentation()) for check in LOAD_CHECKS}
    docs.update({rule.code: (rule.info(), rule.documentation()) for rule in RULES})
    return docs


class UnknownRuleError(ValueError):
    """A selector names no rule or load check: ``no such rule 'PF1O6'; did you mean PF106?``."""

    def __init__(self, selector: str, suggestion: str | None) -> None:
        self.selector = selector
        self.suggestion = suggestion
        advice = f"did you mean {suggestion}?" if suggestion else "see docs/rules/README.md"
        super().__init__(f"no such rule {selector!r}; {advice}")


def lookup(code_or_name: str, extra: Iterable[RuleInfo] = ()) -> RuleInfo:
    """The rule or load check with this code (``PF106``) or name (``unused-resource``),
    among procflow's and ``extra``.

    Raises :class:`UnknownRuleError`, with the closest code or name, for anything else.
    """
    info = all_rule_info(extra)
    by_name = {rule.name: rule for rule in info.values()}
    found = info.get(code_or_name) or by_name.get(code_or_name)
    if found is None:
        raise UnknownRuleError(code_or_name, closest(code_or_name, [*info, *by_name]))
    return found


def resolve(selector: str, extra: Iterable[RuleInfo] = ()) -> frozenset[str]:
    """The codes a selector of ``--select``/``--ignore`` or ``[tool.procflow]`` stands for.

    A selector is a code (``PF106``), a code prefix (``PF4``: every capacity rule) or
    a rule name (``unused-resource``), of a lint rule or a load check alike. Raises
    :class:`UnknownRuleError`, with the closest code or name, if it stands for none.
    """
    extra = tuple(extra)
    try:
        return frozenset({lookup(selector, extra).code})
    except UnknownRuleError:
        codes = frozenset(
            code for code in all_rule_info(extra) if selector and code.startswith(selector)
        )
        if not codes:
            raise
        return codes
