"""Linting files and folders: load each process, run every rule, keep what the config wants.

A file that fails to load is still checked, on what loaded of it (the broken parts
neutralised, see :mod:`procflow.model.salvage`), so one run reports every error. The
suppression comments of each file are checked too: one that lists a code or
rule name that does not exist silences nothing, and is reported (``PF014``).

An org's policy (``LintConfig.policy``, see docs/policies.md) adds its rules to
procflow's: they run on every process, and their codes are known to the
suppression comments. A scenario that makes its base break a policy rule is
reported at the scenario's change that does it.

A bug in procflow never passes for a finding: an unexpected error on one file (while
it is loaded, validated or linted) is reported as an internal error of that file
(``PF000``, exit status 3), and the other files are still linted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence, Set
from dataclasses import dataclass, field, replace
from pathlib import Path
from textwrap import shorten

from procflow.diagnostics import Finding, LintError, LoadError, Location, RuleInfo, Severity
from procflow.diagnostics.checks import INTERNAL_ERROR, UNKNOWN_RULE_IN_IGNORE
from procflow.lint.config import LintConfig
from procflow.lint.context import LintContext
from procflow.lint.policy import check_names, load_policy
from procflow.lint.registry import RULES, UnknownRuleError, lookup, resolve
from procflow.model.process import Process
from procflow.model.salvage import Touched, salvage_process
from procflow.model.shifts import load_templates
from procflow.model.snapshot import validate_snapshot_file
from procflow.model.validation import validate_process
from procflow.scenario import (
    at_change,
    is_scenario,
    scenario_from_document,
    seen_from,
    with_changes,
)
from procflow.source import Document, load_document

YAML_SUFFIXES = (".yaml", ".yml")
#: Folders never searched for process files.
SKIPPED_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".tox"}


@dataclass
class LintReport:
    """Everything lint found over a set of files."""

    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: files that could not be loaded at all (syntax or schema errors)
    failed: list[str] = field(default_factory=list)
    #: files procflow failed on (a bug, reported as ``PF000``)
    crashed: list[str] = field(default_factory=list)
    #: the other files the linted ones made lint read: scenario bases, empirical CSVs
    read: list[Path] = field(default_factory=list)
    #: the processes checked (scenarios applied), for the names a policy may use
    processes: list[Process] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """Number of error-level findings."""
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def exit_code(self) -> int:
        """3 if procflow failed on a file (a bug), 2 if a file failed to load, 1 if any
        error-level finding, else 0."""
        if self.crashed:
            return 3
        if self.failed:
            return 2
        return 1 if self.errors else 0


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and ``*.yaml``/``*.yml`` under folders (recursively), in sorted order.

    Everything in a folder with a YAML name is listed, a named pipe or a device too: the
    loader refuses those without opening them (PF001), so nothing is skipped in silence."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.suffix in YAML_SUFFIXES
                    and not p.is_dir()
                    and not SKIPPED_DIRS.intersection(p.relative_to(path).parts[:-1])
                )
            )
        else:
            found.append(path)
    return found


def check_process(
    process: Process, config: LintConfig | None = None, leave_out: Set[Touched] = frozenset()
) -> Iterator[Finding]:
    """Every rule's findings on one loaded process (unfiltered, unsorted), but those of
    the rules that read what ``leave_out`` names (see :attr:`Rule.reads`)."""
    config = config or LintConfig()
    ctx = LintContext(process, config.max_utilization)
    for rule in (*RULES, *(config.policy.rules if config.policy is not None else ())):
        if not rule.reads & leave_out:
            yield from rule().check(ctx)


def lint_paths(paths: Sequence[str | Path], config: LintConfig | None = None) -> LintReport:
    """Lint files and folders; folders are searched recursively for YAML files."""
    config = config or LintConfig()
    report = LintReport()
    for path in expand_paths(paths):
        report.files.append(str(path))
        try:
            findings = lint_file(path, report, config)
        except Exception as exc:  # a bug in procflow: reported for this file, not raised
            report.crashed.append(str(path))
            report.findings.append(internal_error(path, exc))
            continue
        report.findings.extend(f for f in findings if config.wants(f))
    if config.policy is not None:
        unknown = check_names(config.policy, report.processes)
        if unknown:  # a rule naming what no SOP has cannot be evaluated: its findings go
            broken = {f.args["rule"] for f in unknown}
            report.failed.append(config.policy.path)
            report.findings = [f for f in report.findings if f.code not in broken]
            report.findings.extend(unknown)
    report.findings.sort(key=Finding.sort_key)
    return report


def lint_snapshot(report: LintReport, snapshot: Path, process: Process) -> None:
    """Check a backlog snapshot against the process it is for: every problem (PF022 at its
    row and column, or the key of the YAML form) joins the report's findings."""
    from procflow.model.snapshot import read_snapshot

    report.files.append(str(snapshot))
    try:
        read_snapshot(snapshot, process)
    except LoadError as exc:
        report.findings.extend(exc.findings)
        report.findings.sort(key=Finding.sort_key)


def lint_file(
    path: Path, report: LintReport | None = None, config: LintConfig | None = None
) -> list[Finding]:
    """Load and lint one file; a load failure is recorded in ``report.failed``.

    A file that is read but fails validation still has its suppression comments
    checked; those findings are never silenced by a comment.
    """
    try:
        doc = load_document(path)
    except LoadError as exc:
        if report is not None:
            report.failed.append(str(path))
        return exc.findings
    extra = config.policy.infos() if config is not None and config.policy is not None else []
    comments = check_suppressions(doc, extra)
    other = _other_kind(doc)
    if other is not None:
        try:
            other(doc)
        except LoadError as exc:
            if report is not None:
                report.failed.append(str(path))
            return [*exc.findings, *comments]
        return comments
    base: Process | None = None
    try:
        if is_scenario(doc.data):
            scenario = scenario_from_document(doc)
            # a sweep is linted at its first point: the staffing it sets replaces the base's
            process = with_changes(scenario.process, scenario.points()[0])
            base = validate_process(load_document(scenario.base_path))
            if report is not None:
                report.read.append(Path(scenario.base_path))
        else:
            process = validate_process(doc)
        if report is not None:
            report.read.extend(process.files_read)
    except LoadError as exc:
        if report is not None:
            report.failed.append(str(path))
        return [*exc.findings, *comments, *check_salvage(doc, config)]
    if report is not None:
        report.processes.append(process)
    findings = list(check_process(process, config))
    if base is not None:
        findings = _seen_from_scenario(doc, base, findings, config)
    return [*comments, *(f for f in findings if not doc.is_suppressed(f))]


def _other_kind(doc: Document) -> Callable[[Document], object] | None:
    """The check of a procflow file that is neither a process nor a scenario, by its first
    key: an org policy, shift templates, or a backlog snapshot (its shape only: its names
    are checked against its process by ``lint PROCESS --initial-state FILE``)."""
    checks: dict[str, Callable[[Document], object]] = {
        "policy": lambda d: load_policy(d.path),
        "shift_templates": lambda d: load_templates(d.path),
        "snapshot": validate_snapshot_file,
    }
    data = doc.data
    if not isinstance(data, dict) or "process" in data or "scenario" in data:
        return None
    return next((checks[key] for key in data if key in checks), None)


def _seen_from_scenario(
    doc: Document, base: Process, findings: list[Finding], config: LintConfig | None
) -> list[Finding]:
    """The findings of a scenario's process as seen from the scenario file: a policy
    finding its base has too is the base's (reported there); one the scenario brings is
    located at the change that brings it; the others at the ``base:`` line."""
    policy = config.policy if config is not None else None
    codes = {rule.code for rule in policy.rules} if policy is not None else set()
    if not codes:
        return [seen_from(doc, f) for f in findings]
    assert config is not None and policy is not None
    ctx = LintContext(base, config.max_utilization)
    own = {(f.code, f.message) for rule in policy.rules for f in rule().check(ctx)}
    seen: list[Finding] = []
    for f in findings:
        if f.code not in codes:
            seen.append(seen_from(doc, f))
        elif (f.code, f.message) not in own:
            seen.append(at_change(doc, f, f.args.get("elements", ())))
    return seen


def internal_error(path: str | Path, error: Exception) -> Finding:
    """The ``PF000`` finding of a file procflow failed on, naming the error; never
    filtered out by ``--select``, ``--ignore`` or a comment."""
    what, detail = type(error).__name__, shorten(str(error), 200, placeholder="...")
    finding = INTERNAL_ERROR.finding(
        f"internal error: procflow could not check this file ({what}: {detail})",
        Location.of_file(path),
        "this is a bug in procflow, not in the file: please report it with the file",
    )
    return replace(finding, args={"error": what, "detail": detail})


def check_salvage(doc: Document, config: LintConfig | None = None) -> list[Finding]:
    """The findings on what loaded of a process file that failed to load, so that one run
    reports every error (see :mod:`procflow.model.salvage`).

    Findings inside the neutralised parts are left out, and so are the rules that read
    what the placeholders changed. Nothing for a scenario file: its base is linted on
    its own.
    """
    salvage = None if is_scenario(doc.data) else salvage_process(doc)
    if salvage is None:
        return []
    return [
        f
        for f in check_process(salvage.process, config, salvage.touched())
        if not salvage.covers(f.location) and not doc.is_suppressed(f)
    ]


def check_suppressions(doc: Document, extra: Iterable[RuleInfo] = ()) -> list[Finding]:
    """A finding for every code or rule name in a ``# procflow: ignore[...]`` comment of
    ``doc`` that is no rule (of procflow's, or of ``extra``: the org's policy rules): such
    a code silences nothing."""
    extra = tuple(extra)
    findings: list[Finding] = []
    for code, where in doc.suppression_codes:
        try:
            lookup(code, extra)
        except UnknownRuleError as exc:
            findings.append(_unknown_suppression(exc, where, extra))
    return findings


def _unknown_suppression(
    error: UnknownRuleError, where: Location, extra: Iterable[RuleInfo] = ()
) -> Finding:
    code = error.selector
    try:
        resolve(code, extra)
    except UnknownRuleError:
        hint = f"did you mean {error.suggestion}?" if error.suggestion else None
        return UNKNOWN_RULE_IN_IGNORE.finding(
            f"no such rule {code!r}: this comment silences nothing",
            where,
            hint or "docs/rules/README.md lists every code",
        )
    # ``--ignore PF1`` is a prefix of codes, but a comment compares whole codes only
    return UNKNOWN_RULE_IN_IGNORE.finding(
        f"{code!r} is a code prefix: a comment silences only the whole codes it lists",
        where,
        "list the codes or rule names to silence, separated by commas",
    )


def simulation_blockers(process: Process) -> list[Finding]:
    """Error-level findings that make an analysis or a simulation meaningless (a broken
    flow, unknown names).

    An overloaded pool is not among them: it is an answer, not an error (the analysis
    and the simulator report the process as unstable).
    """
    from procflow.lint.rules.capacity import OverloadedPool

    source = process.source
    return sorted(
        (
            f
            for f in check_process(process)
            if f.severity is Severity.ERROR
            and f.code != OverloadedPool.code
            and not (source is not None and source.is_suppressed(f))
        ),
        key=Finding.sort_key,
    )


def refuse_broken(*processes: Process) -> None:
    """Raise :class:`LintError` with the :func:`simulation_blockers` of ``processes``, if any.

    What ``analyze``, ``simulate``, ``compare``, ``sweep`` and ``optimize`` check before
    they compute anything.
    """
    errors = [f for process in processes for f in simulation_blockers(process)]
    if errors:
        raise LintError(errors)
