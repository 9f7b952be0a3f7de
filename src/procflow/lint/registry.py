"""The explicit list of lint rules, and the checks that run while a file is loaded.

Codes are stable: a code is never reused for another meaning. Families:
``PF0xx`` loading and schema, ``PF1xx`` structure and names, ``PF2xx``
probabilities, ``PF3xx`` conditions, ``PF4xx`` capacity, ``PF5xx`` SLAs, ``PF6xx``
scenarios.
"""

from __future__ import annotations

from procflow.diagnostics import Severity
from procflow.lint.rule import Rule, RuleInfo
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


def _load_check(code: str, name: str, doc: str) -> tuple[RuleInfo, str]:
    return RuleInfo(code, name, Severity.ERROR, doc.strip().splitlines()[0]), doc.strip()


#: Problems found while loading a file; they stop the file from being checked further.
LOAD_CHECKS: tuple[tuple[RuleInfo, str], ...] = (
    _load_check(
        "PF001",
        "unreadable-file",
        """
The file cannot be read: it does not exist, is a directory, is too large, or is not UTF-8.

procflow reads process files of at most 1 MiB, encoded as UTF-8 (with or
without a byte-order mark). A directory passed where a file is expected, or a
binary file, gets this one-line error instead of a traceback.

Fix: pass the right path; save the file as UTF-8.
""",
    ),
    _load_check(
        "PF002",
        "yaml-syntax",
        """
The file is not valid YAML, or holds several YAML documents.

The location is where the YAML parser gave up; the mistake is often on the
line before (a missing colon, a bad indentation, an unclosed quote or bracket).

Fails::

    stages:
      label
        resource: annotator     # 'label' needs a colon

Passes::

    stages:
      label:
        resource: annotator
""",
    ),
    _load_check(
        "PF003",
        "duplicate-key",
        """
The same key is written twice in one mapping.

PyYAML silently keeps the last one; in an SOP a stage or pool defined twice
is a real bug (one of the two definitions is ignored), so procflow rejects it.

Fails::

    stages:
      label: {resource: annotator, duration: 4 min, next: done}
      label: {resource: senior_annotator, duration: 6 min, next: done}

Passes: give the second stage its own name.
""",
    ),
    _load_check(
        "PF004",
        "unsafe-yaml",
        """
The YAML is hostile or absurd: an alias bomb, a recursive alias, or extreme nesting.

procflow expands anchors and aliases up to 200,000 nodes and 64 levels of
nesting; process files never come near this.

Fix: write the process out without deeply nested anchors and aliases.
""",
    ),
    _load_check(
        "PF005",
        "empty-file",
        """
The file is empty or holds only comments.

Fix: start from an example in processes/, or see docs/format.md.
""",
    ),
    _load_check(
        "PF010",
        "unknown-key",
        """
A key that the format does not have (often a typo; the hint suggests the closest key).

Fails::

    label:
      resource: annotator
      duraton: 4 min        # did you mean 'duration'?

Passes: ``duration: 4 min``.
""",
    ),
    _load_check(
        "PF011",
        "missing-key",
        """
A required key is missing, such as ``count`` on a staff pool or ``sd`` of a lognormal.

Fails::

    duration: {lognormal: {mean: 4.2}}

Passes: ``duration: {lognormal: {mean: 4.2, sd: 1.6}}``.
""",
    ),
    _load_check(
        "PF012",
        "invalid-value",
        """
A value of the wrong type or out of its range, or a stage whose keys contradict each other.

Examples: ``count: nine``, ``max: 4 parsecs``, a work stage with a ``resource``
but no ``duration``, an end stage with a ``next``.

Fix: as the message says; docs/format.md lists every key and value.
""",
    ),
    _load_check(
        "PF013",
        "invalid-expression",
        """
A ``when`` condition that cannot be parsed; the column points at the problem.

Fails::

    when: severity === "high"

Passes: ``when: severity == "high"`` (see docs/expressions.md).
""",
    ),
    _load_check(
        "PF020",
        "unreadable-event-log",
        """
An event log cannot be read: a missing column, a bad timestamp, a visit ending before it starts.

procflow reads CSV logs with one row per visit (its own, written by
``simulate --events``, or an export with XES-style column names such as
``case:concept:name``, ``concept:name``, ``start_timestamp`` and
``time:timestamp``) and XES logs. The location is the row and column of the
problem; for a missing column, the hint lists the columns the file has.

Timestamps are ISO 8601, such as ``2026-01-05T09:30:00.250+01:00`` (an
offset is honoured; a time without one is taken as UTC). CSV files are
UTF-8; files over 256 MiB and XES files with a DTD are refused.

Fails (CSV)::

    case_id,activity,start_timestamp,end_timestamp
    17,label,2026-01-05 09:30,05/01/2026 09:34

Passes::

    case_id,activity,start_timestamp,end_timestamp
    17,label,2026-01-05 09:30,2026-01-05 09:34

Fix: export the log with ISO timestamps, or name its columns when reading it.
""",
    ),
    _load_check(
        "PF601",
        "unknown-change-path",
        """
A scenario changes or removes a path that does not exist in its base process, or cannot be read.

A path names keys joined by dots, list positions in brackets and keys with
dots or spaces in quotes (``stages["v1.2 review"].duration``). Every step but
the last must exist in the base: a change may add a new key (a new stage or
pool), but not below a stage or pool that is not there, and not at a list
position past the end. A misspelt name would otherwise add a stage nobody
routes to, or silently change nothing; the hint suggests the closest name.

Fails::

    scenario: more-qc
    base: ../processes/image_moderation_qc.yaml
    changes:
      resources.qc_reviewers.count: 12     # the pool is qc_reviewer
      stages.sample_for_qc.next[3].probability: 0.2   # next has 3 branches: [0]..[2]

Passes::

    scenario: more-qc
    base: ../processes/image_moderation_qc.yaml
    changes:
      resources.qc_reviewer.count: 12
      stages.sample_for_qc.next[1].probability: 0.2

See docs/scenarios.md for the scenario file.
""",
    ),
    _load_check(
        "PF602",
        "unknown-base",
        """
A scenario's base process cannot be read: the file does not exist, is a directory, or is not UTF-8.

``base`` is a path relative to the scenario file, not to the folder
``procflow`` runs in. Problems inside a base that can be read (a YAML error,
a bad value) are reported in the base file with their own codes.

Fails::

    # scenarios/more_qc.yaml
    scenario: more-qc
    base: processes/image_moderation_qc.yaml

Passes::

    # scenarios/more_qc.yaml
    scenario: more-qc
    base: ../processes/image_moderation_qc.yaml
""",
    ),
)


def all_rule_info() -> dict[str, RuleInfo]:
    """Metadata of every code procflow can report, load checks included."""
    info = {check.code: check for check, _ in LOAD_CHECKS}
    info.update({rule.code: rule.info() for rule in RULES})
    return info


def documentation() -> dict[str, tuple[RuleInfo, str]]:
    """Every code with its metadata and documentation text."""
    docs = {check.code: (check, text) for check, text in LOAD_CHECKS}
    docs.update({rule.code: (rule.info(), rule.documentation()) for rule in RULES})
    return docs
