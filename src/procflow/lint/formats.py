"""Formatters: the same findings, written for a person, a script, CI or a code-scanning tab.

Diagnostics are data; this module is only presentation. It knows a rule by its
:class:`~procflow.diagnostics.RuleInfo` (code, name, severity, summary, doc page) and
nothing else, so a new rule needs no change here. Every format lists findings in
the order a reader scans files: by file, line, column, then code.

``text``
    One line per finding, like ruff: ``path:line:col: CODE [severity] message``, an
    indented ``hint:`` line when there is a hint, then a summary line
    (``Found 3 errors and 1 warning in 2 files.`` counts the files *with* findings;
    ``All checks passed (4 files).`` counts the files checked). No colour codes.
``json``
    A stable, versioned document for scripts (pretty-printed, UTF-8 kept as is)::

        {"version": 1,
         "tool": {"name": "procflow", "version": "0.1.0"},
         "files": ["a.yaml", ...],                      # every file checked, sorted
         "summary": {"errors": 3, "warnings": 1, "files": 4},   # files = files checked
         "findings": [{"code": "PF201", "name": "probabilities-exceed-one",
                       "severity": "error", "message": "...", "hint": "..." | null,
                       "file": "a.yaml", "line": 12, "column": 5,
                       "doc": "docs/rules/PF201.md"}, ...]}

    Fields are only ever added under ``version`` 1; a removal or change bumps it.
``github``
    GitHub Actions workflow commands (``::error file=...,line=...,col=...,title=...::msg``),
    which the Actions runner turns into annotations on the pull request.
``sarif``
    A SARIF 2.1.0 log with one run, for GitHub code scanning (``upload-sarif``) and
    other SARIF viewers. ``tool.driver.rules`` lists *every* rule given, not only those
    that fired, so that rule indexes and the viewer's rule list do not change from run
    to run. An org's policy rules are listed with their own codes, their rationale as
    the help text, and their ``url`` (if the policy gives one) as ``helpUri``.
``junit``
    JUnit XML for CI test reports: one test suite and one test case per file; a file
    with errors fails with one ``<failure>`` per error, and warnings are written to the
    test case's ``<system-out>``. Counts are of test cases (files), as readers expect.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Final
from urllib.parse import quote

from procflow.diagnostics import Finding, RuleInfo, Severity

#: The names accepted by :func:`render`, in the order the CLI lists them.
FORMATS: tuple[str, ...] = ("text", "json", "github", "sarif", "junit")

TOOL_NAME: Final = "procflow"
#: Version of the ``json`` format's shape (not of procflow).
JSON_FORMAT_VERSION: Final = 1
#: Where procflow lives. SARIF requires absolute URIs for ``informationUri`` and
#: ``helpUri``, so rule pages are linked as ``PROJECT_URL/blob/main/<doc_path>``.
PROJECT_URL: Final = "https://github.com/procflow/procflow"
DOCS_BASE_URL: Final = f"{PROJECT_URL}/blob/main/"
SARIF_SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION: Final = "2.1.0"
#: Findings' paths are relative to the repository root that code scanning checks out.
SARIF_URI_BASE_ID: Final = "%SRCROOT%"

# Characters XML 1.0 cannot carry at all, not even escaped (most C0 controls, lone
# surrogates, U+FFFE/U+FFFF): a message holding one would make the report unreadable.
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class _Report:
    """What every formatter needs: sorted findings, the files checked and the rules' metadata."""

    findings: tuple[Finding, ...]
    files: tuple[str, ...]
    rules: Mapping[str, RuleInfo]
    tool_version: str

    @classmethod
    def build(
        cls,
        findings: Sequence[Finding],
        files: Sequence[str],
        rules: Mapping[str, RuleInfo],
        tool_version: str,
    ) -> _Report:
        """Sort the findings; the files are those checked plus any a finding names, sorted."""
        ordered = tuple(sorted(findings, key=Finding.sort_key))
        all_files = tuple(sorted(set(files) | {f.location.file for f in ordered}))
        return cls(ordered, all_files, rules, tool_version)

    def rule(self, finding: Finding) -> RuleInfo:
        """The metadata of a finding's rule, made up from the finding if none was given."""
        info = self.rules.get(finding.code)
        if info is None:
            return RuleInfo(finding.code, finding.name, finding.severity, finding.name)
        return info

    def count(self, severity: Severity) -> int:
        """How many findings have ``severity``."""
        return sum(1 for f in self.findings if f.severity is severity)

    def files_with_findings(self) -> int:
        """How many files have at least one finding."""
        return len({f.location.file for f in self.findings})


def render(
    fmt: str,
    findings: Sequence[Finding],
    *,
    files: Sequence[str],
    rules: Mapping[str, RuleInfo],
    tool_version: str,
) -> str:
    """Write ``findings`` in format ``fmt`` (one of :data:`FORMATS`).

    ``files`` are all the files that were checked, clean ones included; ``rules`` maps
    every code that may appear to its metadata. The result ends with a newline, except
    ``github`` with no findings, which is empty. Raises :class:`ValueError` for an
    unknown format.
    """
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(
            f"unknown output format {fmt!r}; choose one of: {', '.join(FORMATS)}"
        ) from None
    return renderer(_Report.build(findings, files, rules, tool_version))


# --- text -------------------------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _indent_rest(text: str, indent: str) -> str:
    """Indent every line of ``text`` but the first, so a multi-line message stays one block."""
    return text.replace("\r\n", "\n").replace("\n", "\n" + indent)


def _render_text(report: _Report) -> str:
    lines: list[str] = []
    for f in report.findings:
        loc = f.location
        message = _indent_rest(f.message, "    ")
        lines.append(f"{loc.file}:{loc.line}:{loc.col}: {f.code} [{f.severity.value}] {message}")
        if f.hint:
            lines.append(f"  hint: {_indent_rest(f.hint, '        ')}")
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    if not report.findings:
        lines.append(f"All checks passed ({_plural(len(report.files), 'file')}).")
    else:
        counts = [_plural(n, w) for n, w in ((errors, "error"), (warnings, "warning")) if n]
        where = _plural(report.files_with_findings(), "file")
        lines.append(f"Found {' and '.join(counts)} in {where}.")
    return "\n".join(lines) + "\n"


# --- json -------------------------------------------------------------------------------------


def _render_json(report: _Report) -> str:
    document = {
        "version": JSON_FORMAT_VERSION,
        "tool": {"name": TOOL_NAME, "version": report.tool_version},
        "files": list(report.files),
        "summary": {
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "files": len(report.files),
        },
        "findings": [
            {
                "code": f.code,
                "name": f.name,
                "severity": f.severity.value,
                "message": f.message,
                "hint": f.hint,
                "file": f.location.file,
                "line": f.location.line,
                "column": f.location.col,
                "doc": report.rule(f).doc_path,
            }
            for f in report.findings
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- github -----------------------------------------------------------------------------------


def _escape_data(text: str) -> str:
    """Escape a workflow command's message, as the Actions toolkit does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """Escape a workflow command's property value: the message escapes plus ``:`` and ``,``."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _render_github(report: _Report) -> str:
    lines: list[str] = []
    for f in report.findings:
        loc = f.location
        props = ",".join(
            f"{key}={_escape_property(value)}"
            for key, value in (
                ("file", loc.file),
                ("line", str(max(loc.line, 1))),
                ("col", str(max(loc.col, 1))),
                ("title", f"{f.code} {f.name}"),
            )
        )
        message = f.message if f.hint is None else f"{f.message}\nhint: {f.hint}"
        lines.append(f"::{f.severity.value} {props}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)


# --- sarif ------------------------------------------------------------------------------------


def _sarif_uri(path: str) -> str:
    """A file's path as a URI reference: relative paths stay relative, with ``/`` separators.

    Characters that a URI cannot hold as such (non-ASCII stage names, spaces, ``%``,
    ``:``, ``#``) are percent-encoded, as the SARIF spec requires and viewers decode.
    """
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri()
    return quote(pure.as_posix(), safe="/")


def _sarif_level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _sarif_rule(info: RuleInfo) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": info.summary},
    }
    if info.rationale:  # an org's policy rule: its rationale is the help text
        rule["fullDescription"] = {"text": info.rationale}
    if info.doc is not None:
        why = f"\n\n{info.rationale}" if info.rationale else ""
        rule["help"] = {"text": f"{info.summary}{why}\n\nPolicy: {info.doc_path}"}
    if info.url is not None:
        rule["helpUri"] = info.url
    elif info.doc is None:  # procflow's own rules have their page in this repository
        rule["helpUri"] = DOCS_BASE_URL + info.doc_path
    rule["defaultConfiguration"] = {"level": _sarif_level(info.severity)}
    return rule


def _sarif_location(finding: Finding) -> dict[str, Any]:
    loc = finding.location
    artifact: dict[str, Any] = {"uri": _sarif_uri(loc.file)}
    if not PurePath(loc.file).is_absolute():
        artifact["uriBaseId"] = SARIF_URI_BASE_ID
    region = {"startLine": max(loc.line, 1), "startColumn": max(loc.col, 1)}
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def _render_sarif(report: _Report) -> str:
    infos = {code: report.rules[code] for code in sorted(report.rules)}
    for f in report.findings:  # a code nobody declared still needs a rule entry
        infos.setdefault(f.code, report.rule(f))
    index = {code: i for i, code in enumerate(infos)}
    results = []
    for f in report.findings:
        text = f.message if f.hint is None else f"{f.message}\nhint: {f.hint}"
        results.append(
            {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": _sarif_level(f.severity),
                "message": {"text": text},
                "locations": [_sarif_location(f)],
            }
        )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": report.tool_version,
                        "informationUri": PROJECT_URL,
                        "rules": [_sarif_rule(info) for info in infos.values()],
                    }
                },
                # procflow's columns count characters (code points), as PyYAML's marks do.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


# --- junit ------------------------------------------------------------------------------------


def _xml_text(text: str) -> str:
    """``text`` with the characters XML cannot carry replaced by U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def _junit_line(f: Finding) -> str:
    loc = f.location
    line = f"{loc}: {f.code} [{f.severity.value}] {f.message}"
    return line if f.hint is None else f"{line}\n  hint: {f.hint}"


def _render_junit(report: _Report) -> str:
    by_file: dict[str, list[Finding]] = {path: [] for path in report.files}
    for f in report.findings:
        by_file[f.location.file].append(f)
    failing = sum(1 for fs in by_file.values() if any(f.severity is Severity.ERROR for f in fs))
    root = ET.Element(
        "testsuites",
        {
            "name": TOOL_NAME,
            "tests": str(len(by_file)),
            "failures": str(failing),
            "errors": "0",
        },
    )
    for path, file_findings in by_file.items():
        errors = [f for f in file_findings if f.severity is Severity.ERROR]
        warnings = [f for f in file_findings if f.severity is not Severity.ERROR]
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": _xml_text(path),
                "tests": "1",
                "failures": "1" if errors else "0",
                "errors": "0",
                "skipped": "0",
            },
        )
        case = ET.SubElement(
            suite, "testcase", {"name": _xml_text(path), "classname": f"{TOOL_NAME}.lint"}
        )
        for f in errors:
            loc = f.location
            failure = ET.SubElement(
                case,
                "failure",
                {"message": _xml_text(f"{loc.line}:{loc.col}: {f.message}"), "type": f.code},
            )
            failure.text = _xml_text(_junit_line(f))
        if warnings:
            out = ET.SubElement(case, "system-out")
            out.text = _xml_text("\n".join(_junit_line(f) for f in warnings))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


_RENDERERS: Final[dict[str, Callable[[_Report], str]]] = {
    "text": _render_text,
    "json": _render_json,
    "github": _render_github,
    "sarif": _render_sarif,
    "junit": _render_junit,
}
