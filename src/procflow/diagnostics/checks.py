"""The checks made while a file is loaded, each with its code and its documentation page.

Before any lint rule runs, procflow reads the file (is it there, UTF-8, small
enough, one YAML document, no key written twice, nothing hostile) and validates
it against the format (no unknown or missing keys, values of the right kind);
a scenario's changes must also find their paths in its base. A problem there
stops the file: it cannot be checked any further, and ``procflow lint`` exits
with status 2 until it is fixed. One check only warns: a suppression comment
that lists a code which does not exist (``PF014``); the file is still checked.

Each check is a :class:`LoadCheck` object, like a lint rule: a stable code, a
name, a severity, and a text whose first line is its summary and whose whole
is its page ``docs/rules/<CODE>.md``. Code that finds such a problem asks the
check for the finding, ``UNKNOWN_KEY.finding(message, location, hint)``, so the
code and the name are written once, here.
"""

from __future__ import annotations

from dataclasses import dataclass

from procflow.diagnostics.finding import Finding, Location, Severity
from procflow.diagnostics.info import RuleInfo


@dataclass(frozen=True)
class LoadCheck:
    """One problem found while a file is read or validated, with the text of its page."""

    code: str
    name: str
    #: A one-sentence summary, a blank line, then rationale and examples (reST, as rules).
    text: str
    severity: Severity = Severity.ERROR
    #: Whether a file with this problem is checked no further (``procflow lint`` exits 2).
    blocking: bool = True

    def summary(self) -> str:
        """The first line of the check's documentation."""
        return self.documentation().splitlines()[0]

    def documentation(self) -> str:
        """The check's documentation, which is its page."""
        return self.text.strip()

    def info(self) -> RuleInfo:
        """This check's metadata."""
        return RuleInfo(self.code, self.name, self.severity, self.summary())

    def finding(self, message: str, location: Location, hint: str | None = None) -> Finding:
        """A finding of this check at ``location``."""
        return Finding(self.code, self.name, self.severity, message, location, hint)


INTERNAL_ERROR = LoadCheck(
    "PF000",
    "internal-error",
    """
procflow itself failed on this file: it could not check it. Please report it.

This is a bug in procflow, not in the file: an unexpected error while the file
was loaded, validated, linted or analysed. The message names the error
(``ZeroDivisionError: float division by zero``); the other files of the run
are still checked and every report is still written, and ``procflow lint``
exits with status 3, so that CI can tell a crash from a finding (status 1) or
a file that cannot be loaded (status 2).

Fails: a file that triggers a bug (none is known).

Passes: every other file.

Fix: report it to the procflow maintainers with the message and the file (or
the smallest part of it that still fails).
""",
)

UNREADABLE_FILE = LoadCheck(
    "PF001",
    "unreadable-file",
    """
The file cannot be read: it does not exist, is not an ordinary file, is too large, or is not UTF-8.

procflow reads process files of at most 1 MiB, encoded as UTF-8 (with or
without a byte-order mark). A directory passed where a file is expected, or a
binary file, gets this one-line error instead of a traceback. So does a device
(``/dev/zero``), a named pipe or a socket, before anything is read from it (a
pipe would wait forever, a device never ends), and at most 1 MiB is ever read,
whatever size the system reports for the file.

Fix: pass the right path; save the file as UTF-8.
""",
)

YAML_SYNTAX = LoadCheck(
    "PF002",
    "yaml-syntax",
    """
The file is not valid YAML, or holds several YAML documents.

The location is where the YAML parser gave up; the mistake is often on the
line before. The hint names the slip behind the parser's words:

- a tab in the indentation ("found character '\\t' that cannot start any
  token"): YAML needs spaces, replace the tab with spaces;
- a key indented deeper or less deep than the keys it belongs with ("expected
  <block end>, but found '<block mapping start>'", or "mapping values are not
  allowed here"): the keys of one mapping start in the same column;
- ``key:value`` with no space after the colon, or a key with no colon at all;
- a value holding ``: `` (``description: QC: the second look``): quote it;
- a quote, ``[`` or ``{`` that is never closed: the hint says where it opened;
- one ``}`` or ``]`` too many, closing a bracket that was never opened;
- a ``-`` list item among the keys of a mapping, or a key among list items.

Fails::

    stages:
      label
        resource: annotator     # 'label' needs a colon

Passes::

    stages:
      label:
        resource: annotator
""",
)

DUPLICATE_KEY = LoadCheck(
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
)

UNSAFE_YAML = LoadCheck(
    "PF004",
    "unsafe-yaml",
    """
The YAML is hostile or absurd: an alias bomb, a recursive alias, or extreme nesting.

procflow expands anchors and aliases up to 200,000 nodes and 64 levels of
nesting; process files never come near this.

Fix: write the process out without deeply nested anchors and aliases.
""",
)

EMPTY_FILE = LoadCheck(
    "PF005",
    "empty-file",
    """
The file is empty or holds only comments.

Fix: start from an example in processes/, or see docs/format.md.
""",
)

UNKNOWN_KEY = LoadCheck(
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
)

MISSING_KEY = LoadCheck(
    "PF011",
    "missing-key",
    """
A required key is missing, such as ``count`` on a staff pool or ``sd`` of a lognormal.

Fails::

    duration: {lognormal: {mean: 4.2}}

Passes: ``duration: {lognormal: {mean: 4.2, sd: 1.6}}``.
""",
)

INVALID_VALUE = LoadCheck(
    "PF012",
    "invalid-value",
    """
A value of the wrong type or out of its range, or a stage whose keys contradict each other.

Examples: ``count: nine``, ``max: 4 parsecs``, a work stage with a ``resource``
but no ``duration``, an end stage with a ``next``.

Some slips get a hint with the value to write:

- shares (``probability``, ``error_rate``, ``detection_rate``, ``shrinkage``,
  an attribute's shares) are written from 0 to 1: ``probability: 10%`` says
  "write 0.10";
- a percentile is written in percent: ``percentile: 90%`` says "write 90", and
  ``percentile: 0.9`` (below 1: the 90th written as a share) says "percentiles
  are in percent: write 90 for the 90th";
- an arrival stream with a rate of 0 (``rate: 0``, ``rate: 0 per hour``, or a
  schedule of zeros) sends no items: remove the stream or give it a rate. A
  negative rate is refused too. A schedule may set 0 for some hours.

Fails::

    arrivals:
      - name: images
        rate: 0 per hour
    slas:
      - {name: 90% in 4 hours, metric: cycle_time, percentile: 0.9, max: 4 hours}

Passes::

    arrivals:
      - name: images
        rate: 60 per hour
    slas:
      - {name: 90% in 4 hours, metric: cycle_time, percentile: 90, max: 4 hours}

Fix: as the message says; docs/format.md lists every key and value.
""",
)

INVALID_EXPRESSION = LoadCheck(
    "PF013",
    "invalid-expression",
    """
A ``when`` condition that cannot be parsed; the column points at the problem.

Fails::

    when: severity === "high"

Passes: ``when: severity == "high"`` (see docs/expressions.md).
""",
)

UNKNOWN_RULE_IN_IGNORE = LoadCheck(
    "PF014",
    "unknown-rule-in-ignore",
    """
A ``# procflow: ignore[...]`` comment lists a code or rule name that does not exist.

A suppression comment silences exactly the codes and rule names it lists. A
misspelt code (``PF1O6``, with the letter O), a code prefix (``PF1``) or a rule
name that does not exist silences nothing, so the finding it was meant for is
still reported. This warning points at the code inside the brackets, and the
hint suggests the closest one.

Fails::

    resources:
      night_shift: {count: 6}   # procflow: ignore[PF1O6]

Passes::

    resources:
      night_shift: {count: 6}   # procflow: ignore[PF106]

An unknown code in ``--select``/``--ignore``, or in ``select``/``ignore`` under
``[tool.procflow]`` in ``pyproject.toml``, is a usage error instead (exit status 2).
""",
    severity=Severity.WARNING,
    blocking=False,
)

UNREADABLE_EVENT_LOG = LoadCheck(
    "PF020",
    "unreadable-event-log",
    """
An event log cannot be read: a missing column, a bad timestamp, a visit ending before it starts.

procflow reads CSV logs with one row per visit (its own, written by
``simulate --events``, or an export with XES-style column names such as
``case:concept:name``, ``concept:name``, ``start_timestamp`` and
``time:timestamp``) and XES logs. The location is the row and column of the
problem; for a missing column, the hint lists the columns the file has.

A bad row of a CSV log (no case id or activity, a bad timestamp, an end
before the start) does not stop ``procflow calibrate``: the row is skipped,
and the command counts the skipped rows and lists the first few with this
code. Only a log that cannot be read at all is an error.

Timestamps are ISO 8601, such as ``2026-01-05T09:30:00.250+01:00`` (an
offset is honoured; a time without one is taken as UTC, or in the zone
given by ``--tz``). CSV files are UTF-8 and may be gzipped (``.csv.gz``);
files over 256 MiB, anything that is not an ordinary file (a named pipe)
and XES files with a DTD are refused.

Fails (CSV)::

    case_id,activity,start_timestamp,end_timestamp
    17,label,2026-01-05 09:30,05/01/2026 09:34

Passes::

    case_id,activity,start_timestamp,end_timestamp
    17,label,2026-01-05 09:30,2026-01-05 09:34

Fix: export the log with ISO timestamps, or name its columns when reading it.
""",
)

UNREADABLE_FORECAST = LoadCheck(
    "PF021",
    "unreadable-forecast",
    """
A volume forecast cannot be read: a missing column, a bad start time or volume, a row twice.

A forecast is a CSV file with one row per interval and arrival stream:
``start`` (an ISO date-time, the interval's first moment), ``stream`` (the
arrival stream's name; may be left out when the process has one stream),
``volume`` (items expected in the interval) and, optionally, ``low`` and
``high`` (a forecast range around the volume). Every stream's intervals are
equally long (the gap between its consecutive starts). The location is the
row and column of the problem.

Fails::

    start,stream,volume
    2026-01-05T09:00,reports,120
    2026-01-05 09:30,reprots,-5

Passes::

    start,stream,volume
    2026-01-05T09:00,reports,120
    2026-01-05T09:30,reports,135

See docs/format.md, "Volume forecasts".
""",
)

UNREADABLE_SNAPSHOT = LoadCheck(
    "PF022",
    "unreadable-snapshot",
    """
A backlog snapshot does not fit its process: a bad row, an unknown stage or value, a future item.

A snapshot (``--initial-state snapshot.csv``) lists the items in the system at a
moment, one row per item: ``stage`` (where it waits or is being worked on),
``arrived`` (an ISO date-time, with or without an offset), ``state``
(``waiting`` or ``in_progress``; waiting when left out) and one column per
attribute, named as in the process. The snapshot's time is ``--at`` or the
file's first line ``# snapshot: 2026-12-01T09:00``. The location is the row
and column of the problem: a stage the process does not have, or an end stage
(an item there is already done); a stage where nobody works, for an item in
progress; an attribute value the process does not list; an arrival after the
snapshot time. Who holds an item in progress (an optional ``holder`` or
``resource`` column: the stage's pool, ``pool#person`` or a person's number) is
checked too: a pool the process does not have or that does not work at the
item's stage, a person beyond the pool's people or holding two items, a holder
for a waiting item; and so are the people on shift (``# on_shift:
reviewer_en=9``): an unknown pool, a count that is not a whole number.

Fails::

    # snapshot: 2026-12-01T09:00
    stage,arrived,market
    review_es,2026-12-01T10:00,ES

Passes::

    # snapshot: 2026-12-01T09:00
    stage,arrived,market
    review_es,2026-11-30T10:00,ES

``procflow lint PROCESS --initial-state SNAPSHOT`` checks a snapshot without
running anything (exit 1 with these findings); ``procflow forecast`` refuses
one (exit 2). The YAML form (counts per stage and age band) is checked the same
way, each problem at its key.

Fix: export the backlog with the process's stage names and attribute values,
and take the snapshot after the last arrival it lists.
""",
)

UNKNOWN_POLICY_NAME = LoadCheck(
    "PF030",
    "unknown-policy-name",
    """
A policy rule names a pool, stage, attribute or value that none of the processes linted has.

An org's policy file (``procflow-policy.yaml``, see docs/policies.md) serves
many SOPs, so a rule may name a pool that one SOP lacks: that SOP then breaks
the rule (its high-severity items never reach the specialist). But a name no
SOP in the run has (nor any of the policy's own example SOPs) is almost always
a typo, and a rule with a typo matches nothing, silently: so is a value no SOP
gives an attribute (``severity == "hgih"``). The finding is in the policy file,
at the name, with the closest name the processes have; that rule reports
nothing, and ``procflow lint`` exits with status 2, as for any policy that
cannot be used.

Fails::

    check:
      when: severity == "high"
      visits: {pool: policy_specialists}   # the pool is policy_specialist

Passes::

    check:
      when: severity == "high"
      visits: {pool: policy_specialist}
""",
)

UNKNOWN_CHANGE_PATH = LoadCheck(
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
)

UNKNOWN_BASE = LoadCheck(
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
)

#: Every load check, in code order.
LOAD_CHECKS: tuple[LoadCheck, ...] = (
    INTERNAL_ERROR,
    UNREADABLE_FILE,
    YAML_SYNTAX,
    DUPLICATE_KEY,
    UNSAFE_YAML,
    EMPTY_FILE,
    UNKNOWN_KEY,
    MISSING_KEY,
    INVALID_VALUE,
    INVALID_EXPRESSION,
    UNKNOWN_RULE_IN_IGNORE,
    UNREADABLE_EVENT_LOG,
    UNREADABLE_FORECAST,
    UNREADABLE_SNAPSHOT,
    UNKNOWN_POLICY_NAME,
    UNKNOWN_CHANGE_PATH,
    UNKNOWN_BASE,
)
