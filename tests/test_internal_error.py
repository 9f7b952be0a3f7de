"""A crash is never a finding: procflow failing on one file is an internal error of that
file (``PF000``, exit status 3), and every other file is still linted and reported."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from models import EXAMPLE_TEXT, write_process
from procflow.cli import main
from procflow.diagnostics import Finding
from procflow.lint.context import LintContext
from procflow.lint.registry import RULES
from procflow.lint.runner import lint_paths

#: ``next: legal_hold`` (line 29, col 11) names no stage: PF101 in the file that does not crash.
UNKNOWN_STAGE = EXAMPLE_TEXT.replace("next: sample_for_qc\n", "next: legal_hold\n")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two files, ``broken.yaml`` (PF101) and ``crashy.yaml``, on which the first rule raises."""
    monkeypatch.chdir(tmp_path)
    write_process(tmp_path / "sops", UNKNOWN_STAGE, "broken.yaml")
    write_process(
        tmp_path / "sops", EXAMPLE_TEXT.replace("process: ", "process: crashy-"), "crashy.yaml"
    )
    rule = RULES[0]
    original = rule.check

    def check(self: object, ctx: LintContext) -> Iterator[Finding]:
        if ctx.process.process.startswith("crashy-"):
            raise ZeroDivisionError("float division by zero")
        return original(self, ctx)  # type: ignore[arg-type]

    monkeypatch.setattr(rule, "check", check)
    return tmp_path / "sops"


def test_a_crash_is_an_internal_error_of_its_file_and_the_others_are_linted(
    folder: Path,
) -> None:
    report = lint_paths([folder])
    assert report.crashed == [str(folder / "crashy.yaml")]
    assert report.exit_code == 3
    found = {
        (Path(f.location.file).name, f.code, f.location.line, f.location.col)
        for f in report.findings
    }
    assert ("crashy.yaml", "PF000", 1, 1) in found
    assert ("broken.yaml", "PF101", 29, 11) in found
    crash = next(f for f in report.findings if f.code == "PF000")
    assert crash.args == {"error": "ZeroDivisionError", "detail": "float division by zero"}


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github", "text"])
def test_every_format_is_still_written_and_lint_exits_3(folder: Path, fmt: str) -> None:
    result = CliRunner().invoke(
        main, ["lint", "--format", fmt, "-o", f"out.{fmt}", "sops"], catch_exceptions=False
    )
    assert result.exit_code == 3, result.output
    text = (folder.parent / f"out.{fmt}").read_text(encoding="utf-8")
    assert "PF000" in text and "PF101" in text
    if fmt == "sarif":
        results = json.loads(text)["runs"][0]["results"]
        assert {r["ruleId"] for r in results} >= {"PF000", "PF101"}


@pytest.mark.parametrize("traceback", [False, True])
def test_a_crash_in_any_command_exits_3_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, traceback: bool
) -> None:
    """analyze failing inside procflow: exit 3 and one line naming the error (a finding is
    1, a bad file 2); PROCFLOW_TRACEBACK=1 lets the error through for whoever debugs it."""
    import procflow.analysis

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(procflow.analysis, "analyze", broken)
    if traceback:
        monkeypatch.setenv("PROCFLOW_TRACEBACK", "1")
    path = write_process(tmp_path, EXAMPLE_TEXT)
    result = CliRunner().invoke(main, ["analyze", str(path)])
    if traceback:
        assert isinstance(result.exception, ZeroDivisionError)
        return
    assert result.exit_code == 3
    assert "ZeroDivisionError: float division by zero" in result.stderr
    assert "Traceback" not in result.output
