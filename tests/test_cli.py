"""Tests for the ``procflow`` command line: exit codes, formats, settings and every command."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from models import EXAMPLE, EXAMPLE_TEXT, PROCESSES, ROOT, run, write
from procflow.cli import main

# `next: legal_hold` (line 29, value at col 11): a semantic error, PF101 (exit 1), and the
# PF103 of the stages behind it (no stage is named like it, so they are not its echo)
UNKNOWN_STAGE = EXAMPLE_TEXT.replace("next: sample_for_qc\n", "next: legal_hold\n")
# `count: nine` (line 18, value at col 12): a schema error, PF012, the file cannot load (exit 2)
BAD_COUNT = EXAMPLE_TEXT.replace("count: 44", "count: nine")


pytestmark = pytest.mark.usefixtures("in_tmp")


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --------------------------------------------------------------------------- help


COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_command_help_has_an_example(command: str) -> None:
    """``procflow [COMMAND] --help`` exits 0 and shows an Example section."""
    result = run(*([command] if command else []), "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    assert "procflow " in result.output.split("Example", 1)[1]


def test_expected_commands_exist() -> None:
    """lint, analyze, graph, schema and show are commands."""
    assert {"lint", "analyze", "graph", "schema", "show"} <= set(COMMANDS)


def test_version_option() -> None:
    """``procflow --version`` prints the program name."""
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.startswith("procflow")


# --------------------------------------------------------------------------- lint


def test_lint_bundled_processes_exits_0() -> None:
    """The bundled processes/ folder lints clean."""
    result = run("lint", str(PROCESSES))
    assert result.exit_code == 0, result.output
    assert "PF" not in result.output


def test_semantic_finding_exits_1_with_location() -> None:
    """An unknown stage is PF101 at path:line:col, exit 1, no traceback."""
    result = run("lint", write("bad.yaml", UNKNOWN_STAGE))
    assert result.exit_code == 1
    assert "bad.yaml:29:11: PF101" in result.stdout
    no_traceback(result)


def test_load_error_exits_2_with_location() -> None:
    """A schema error is PF012 at path:line:col, exit 2, no traceback."""
    result = run("lint", write("bad.yaml", BAD_COUNT))
    assert result.exit_code == 2
    assert "bad.yaml:18:12: PF012" in result.stdout
    no_traceback(result)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: &a [*a]\n", "bad.yaml:1:4: PF004"),
        ("a: 1\nb: [1, 2\nc: 3\n", "bad.yaml:3:2: PF002"),
        ("# nothing here\n", "bad.yaml:1:1: PF005"),
        ("a: 1\na: 2\n", "bad.yaml:2:1: PF003"),
    ],
    ids=["recursive-alias", "syntax", "empty", "duplicate"],
)
def test_unloadable_yaml_exits_2_cleanly(text: str, expected: str) -> None:
    """Hostile, broken or empty YAML is a located finding with exit 2, never a traceback."""
    result = run("lint", write("bad.yaml", text))
    assert result.exit_code == 2
    assert expected in result.stdout
    no_traceback(result)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("process: x\nstages:\n  label:\n\tresource: a\n", (4, 1)),
        ("process: x\nstages:\n  label:\n    resource: a\n    \tnext: done\n", (5, 5)),
        ("process: x\nstages:\n  label:\n      resource: a\n    next: done\n", (5, 5)),
        ("process: x\nstages:\n  label:\n    resource:a\n    next: done\n", (5, 9)),
        ("process: x\nstages:\n  label\n    resource: a\n", (4, 13)),
        ('process: x\ndescription: "SOP v2\nstages: {}\n', (4, 1)),
        ("process: x\nresources: {a: {count: 1}\nstages: {}\n", (3, 1)),
        ("process: x\nresources:\n  a: {count: 1}\n  - b: {count: 2}\n", (4, 3)),
        ("process: x\ndescription: QC: the second look\n", (2, 16)),
    ],
    ids=[
        "tab",
        "tab-after-spaces",
        "indentation",
        "no-space-after-colon",
        "missing-colon",
        "unclosed-quote",
        "unclosed-brace",
        "list-item-among-keys",
        "colon-in-value",
    ],
)
def test_yaml_slips_are_pf002_at_the_parser_location_with_a_hint(
    text: str, where: tuple[int, int]
) -> None:
    """Tabs, indentation, colons, quotes and brackets: PF002 where the parser stopped, exit 2,
    and a hint in a PM's words."""
    result = run("lint", "--format", "json", write("bad.yaml", text))
    assert result.exit_code == 2
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["code"], finding["line"], finding["column"]) == ("PF002", *where)
    assert finding["hint"]


def test_a_time_without_unit_warns_where_it_is_but_blocks_nothing() -> None:
    """``max: 4`` and ``duration: 4`` are 4 minutes: PF015 warnings at the values; lint exits 0
    and simulate still runs."""
    text = EXAMPLE_TEXT.replace("max: 4 hours", "max: 4").replace(
        "duration: {lognormal: {mean: 4.2, sd: 1.6}}", "duration: 4"
    )
    path = write("bare.yaml", text)
    result = run("lint", "--format", "json", path)
    assert result.exit_code == 0
    found = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["line"], f["column"]) for f in found] == [
        ("PF015", 27, 15),
        ("PF015", 50, 10),
    ]
    assert all(f["severity"] == "warning" and f["hint"] for f in found)
    simulated = run("simulate", path, "-r", "1", "--horizon", "1 day", "--warmup", "1 hour")
    assert simulated.exit_code == 0, simulated.output


def test_a_misspelt_time_unit_is_pf012_with_the_unit_it_means() -> None:
    """``time_unit: minuts`` and ``duration: 4 minutez``: located, with "did you mean"."""
    text = EXAMPLE_TEXT.replace("time_unit: minute", "time_unit: minuts").replace(
        "max: 4 hours", "max: 4 hourz"
    )
    result = run("lint", "--format", "json", write("units.yaml", text))
    assert result.exit_code == 2
    found = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["line"], f["column"], f["hint"]) for f in found] == [
        ("PF012", 7, 12, "did you mean 'minute'?"),
        ("PF012", 50, 10, "did you mean 'hour'?"),
    ]


def test_a_scenario_is_warned_about_the_times_it_writes_only(tmp_path: Path) -> None:
    """A scenario's bare number is PF015 in the scenario; its base's are the base's own."""
    base = write("base.yaml", EXAMPLE_TEXT.replace("max: 4 hours", "max: 240"))
    scenario = write(
        "more.yaml",
        f"scenario: slower\nbase: {base}\nchanges:\n  stages.label.duration: 4\n",
    )
    result = run("lint", "--format", "json", scenario)
    assert result.exit_code == 0
    found = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["file"], f["line"], f["column"]) for f in found] == [
        ("PF015", scenario, 4, 26)
    ]


def test_non_utf8_file_exits_2_cleanly() -> None:
    """A Latin-1 file is PF001 on the line of the bad byte."""
    Path("latin1.yaml").write_bytes(b"process: x\ndescription: caf\xe9\n")
    result = run("lint", "latin1.yaml")
    assert result.exit_code == 2
    assert "latin1.yaml:2:" in result.stdout and "PF001" in result.stdout
    no_traceback(result)


def test_impossible_date_in_a_file_exits_2_cleanly() -> None:
    """``description: 2024-02-30`` (read by YAML as a date) is PF002, not a crash."""
    write("bad.yaml", EXAMPLE_TEXT.replace("description: >", "owner: 2024-02-30\ndescription: >"))
    result = CliRunner().invoke(main, ["lint", "bad.yaml"])
    assert result.exit_code == 2
    assert "bad.yaml:3:8: PF002" in result.stdout


def test_folder_mixes_clean_and_broken_files_and_reports_all() -> None:
    """Linting a folder reports every file's findings; a load failure makes the exit 2."""
    write("sops/good.yaml", EXAMPLE_TEXT)
    write("sops/nested/unknown.yml", UNKNOWN_STAGE)
    write("sops/count.yaml", BAD_COUNT)
    write("sops/notes.txt", "not yaml")
    result = run("lint", "sops")
    assert result.exit_code == 2
    assert "sops/count.yaml:18:12: PF012" in result.stdout
    assert "sops/nested/unknown.yml:29:11: PF101" in result.stdout
    assert "good.yaml" not in result.stdout
    assert "notes.txt" not in result.stdout


def test_a_folder_checks_its_policy_templates_and_snapshot_as_what_they_are() -> None:
    """A policy, shift templates and a YAML snapshot beside the processes are not processes:
    each is checked by its own format (clean here), and a broken one is located."""
    write("sops/good.yaml", EXAMPLE_TEXT)
    write("sops/policy.yaml", (ROOT / "docs/examples/moderation-policy.yaml").read_text())
    write("sops/shifts.yaml", 'shift_templates:\n  - {name: early, start: "06:00", length: 8h}\n')
    write("sops/backlog.yaml", "snapshot: 2026-12-01T09:00\nitems:\n  - {stage: label, count: 3}\n")
    result = run("lint", "sops")
    assert result.exit_code == 0, result.stdout
    write("sops/shifts.yaml", 'shift_templates:\n  - {name: early, start: "25:00", length: 8h}\n')
    write("sops/backlog.yaml", "snapshot: 2026-12-01T09:00\nitems:\n  - {stage: label, count: x}\n")
    result = run("lint", "--format", "json", "sops")
    assert result.exit_code == 2
    found = {
        (f["file"], f["line"], f["column"], f["code"])
        for f in json.loads(result.stdout)["findings"]
    }
    assert found == {("sops/shifts.yaml", 2, 26, "PF012"), ("sops/backlog.yaml", 3, 27, "PF012")}


def test_missing_file_exits_2() -> None:
    """A path that does not exist is PF001 with exit 2."""
    result = run("lint", "nope.yaml")
    assert result.exit_code == 2
    assert "nope.yaml:1:1: PF001" in result.stdout


def test_folder_without_yaml_is_a_usage_error() -> None:
    """A folder holding no YAML files is a usage error (exit 2)."""
    Path("empty").mkdir()
    result = run("lint", "empty")
    assert result.exit_code == 2
    no_traceback(result)


def test_inline_suppression_silences_one_code_on_its_line() -> None:
    """``# procflow: ignore[PF101]`` on the line of the finding removes it."""
    text = UNKNOWN_STAGE.replace(
        "next: legal_hold\n", "next: legal_hold  # procflow: ignore[PF101]\n"
    )
    result = run("lint", write("bad.yaml", text))
    assert "PF101" not in result.stdout
    assert "PF103" in result.stdout  # other codes and lines are still reported


# --------------------------------------------------------------------------- formats


def test_json_format_is_parseable() -> None:
    """``--format json`` is one JSON document with located findings."""
    result = run("lint", "--format", "json", write("bad.yaml", UNKNOWN_STAGE))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    first = data["findings"][0]
    assert (first["code"], first["file"], first["line"], first["column"]) == (
        "PF101",
        "bad.yaml",
        29,
        11,
    )
    assert data["summary"]["errors"] == len(data["findings"])


def test_github_format_is_one_workflow_command_per_finding() -> None:
    """``--format github`` prints ``::error file=...,line=...,col=...`` lines."""
    result = run("lint", "--format", "github", write("bad.yaml", UNKNOWN_STAGE))
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert lines
    assert all(line.startswith("::error file=bad.yaml,") for line in lines)
    assert lines[0].startswith("::error file=bad.yaml,line=29,col=11,title=PF101")


def test_sarif_format_is_parseable() -> None:
    """``--format sarif`` is a SARIF 2.1.0 log with the finding's rule and region."""
    result = run("lint", "--format", "sarif", write("bad.yaml", UNKNOWN_STAGE))
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    first = log["runs"][0]["results"][0]
    assert first["ruleId"] == "PF101"
    region = first["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (29, 11)


def test_junit_format_is_parseable() -> None:
    """``--format junit`` is XML with a failure for the broken file."""
    write("good.yaml", EXAMPLE_TEXT)
    write("bad.yaml", UNKNOWN_STAGE)
    result = run("lint", "--format", "junit", "good.yaml", "bad.yaml")
    assert result.exit_code == 1
    root = ET.fromstring(result.stdout)
    failures = root.findall(".//failure")
    assert failures
    assert len(root.findall(".//testcase")) == 2


def test_unknown_format_is_a_usage_error() -> None:
    """``--format yaml`` is rejected by the option parser with exit 2."""
    result = run("lint", "--format", "yaml", str(EXAMPLE))
    assert result.exit_code == 2


def test_output_option_writes_the_report_to_a_file() -> None:
    """``--output FILE`` writes the report there and nothing to standard output (``--mkdir``
    creates its folder)."""
    result = run(
        "lint",
        "--format",
        "json",
        "--output",
        "reports/lint.json",
        "--mkdir",
        write("bad.yaml", UNKNOWN_STAGE),
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    data = json.loads(Path("reports/lint.json").read_text(encoding="utf-8"))
    assert data["findings"][0]["code"] == "PF101"


# --------------------------------------------------------------------------- select / ignore


def codes(result: Result) -> set[str]:
    return {f["code"] for f in json.loads(result.stdout)["findings"]}


def test_select_keeps_only_matching_codes() -> None:
    """``--select PF101`` reports only PF101; a prefix (PF1) or rule name works too."""
    path = write("bad.yaml", UNKNOWN_STAGE)
    assert codes(run("lint", "--format", "json", path)) == {"PF101", "PF103"}
    assert codes(run("lint", "--format", "json", "--select", "PF101", path)) == {"PF101"}
    assert codes(run("lint", "--format", "json", "--select", "unreachable-stage", path)) == {
        "PF103"
    }
    assert codes(run("lint", "--format", "json", "--select", "PF1", path)) == {"PF101", "PF103"}


def test_ignore_drops_codes_and_fixes_the_exit_code() -> None:
    """``--ignore`` removes codes; with none left, lint exits 0."""
    path = write("bad.yaml", UNKNOWN_STAGE)
    assert codes(run("lint", "--format", "json", "--ignore", "PF103", path)) == {"PF101"}
    result = run("lint", "--ignore", "PF101", "--ignore", "PF103", path)
    assert result.exit_code == 0


def test_pyproject_ignore_is_read_from_the_current_folder() -> None:
    """``[tool.procflow] ignore`` in ./pyproject.toml applies; --ignore adds to it."""
    path = write("bad.yaml", UNKNOWN_STAGE)
    write("pyproject.toml", '[tool.procflow]\nignore = ["PF103"]\n')
    assert codes(run("lint", "--format", "json", path)) == {"PF101"}
    assert run("lint", "--ignore", "PF101", path).exit_code == 0


def test_pyproject_select_is_replaced_by_the_command_line() -> None:
    """``--select`` on the command line replaces the pyproject select."""
    path = write("bad.yaml", UNKNOWN_STAGE)
    write("pyproject.toml", '[tool.procflow]\nselect = ["PF103"]\n')
    assert codes(run("lint", "--format", "json", path)) == {"PF103"}
    assert codes(run("lint", "--format", "json", "--select", "PF101", path)) == {"PF101"}


def test_pyproject_in_a_parent_folder_is_found(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The nearest pyproject.toml at or above the current folder is used."""
    write("pyproject.toml", '[tool.procflow]\nignore = ["PF1"]\n')
    path = write("sub/bad.yaml", UNKNOWN_STAGE)
    monkeypatch.chdir(in_tmp / "sub")
    assert run("lint", str(in_tmp / path)).exit_code == 0


@pytest.mark.parametrize(
    "toml",
    [
        '[tool.procflow]\nignore = "PF103"\n',
        "[tool.procflow]\nselect = [1, 2]\n",
        '[tool.procflow]\nignroe = ["PF103"]\n',
        "[tool]\nprocflow = 3\n",
        "[tool.procflow\n",
    ],
    ids=["ignore-not-a-list", "select-not-text", "unknown-key", "not-a-table", "bad-toml"],
)
def test_malformed_pyproject_is_a_usage_error(toml: str) -> None:
    """A malformed ``[tool.procflow]`` (or unreadable pyproject) exits 2 without a traceback."""
    path = write("bad.yaml", UNKNOWN_STAGE)
    write("pyproject.toml", toml)
    result = run("lint", path)
    assert result.exit_code == 2
    assert "pyproject.toml" in result.output
    no_traceback(result)


def test_pyproject_with_a_non_table_tool_is_a_usage_error() -> None:
    """``tool = 5`` at the top of pyproject.toml is a usage error, not an AttributeError."""
    path = write("bad.yaml", UNKNOWN_STAGE)
    write("pyproject.toml", "tool = 5\n")
    result = CliRunner().invoke(main, ["lint", path])
    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("option", "selector", "suggestion"),
    [
        ("--ignore", "PF1O6", "did you mean PF106?"),
        ("--select", "unused-resouce", "did you mean unused-resource?"),
        ("--ignore", "pf101", "did you mean PF101?"),
        ("--select", "PF9999", "see docs/rules/README.md"),
    ],
)
def test_unknown_code_on_the_command_line_is_a_usage_error(
    option: str, selector: str, suggestion: str
) -> None:
    """``--ignore PF1O6`` (a letter O) would silently ignore nothing: exit 2, with the fix."""
    result = run("lint", option, selector, write("bad.yaml", UNKNOWN_STAGE))
    assert result.exit_code == 2
    assert f"no such rule {selector!r}; {suggestion}" in result.output
    assert option in result.output
    no_traceback(result)


def test_load_check_codes_and_names_can_be_selected() -> None:
    """Selectors name load checks too: ``--ignore invalid-value`` drops the PF012 finding."""
    path = write("bad.yaml", BAD_COUNT)
    assert codes(run("lint", "--format", "json", path)) == {"PF012"}
    result = run("lint", "--format", "json", "--ignore", "invalid-value", path)
    assert codes(result) == set()
    assert result.exit_code == 2  # the file still cannot be loaded


@pytest.mark.parametrize(
    ("toml", "entry"),
    [
        ('[tool.procflow]\nignore = ["PF103", "PF1O6"]\n', "ignore: no such rule 'PF1O6'"),
        ('[tool.procflow]\nselect = ["unused-resouce"]\n', "select: no such rule 'unused-resouce'"),
    ],
    ids=["ignore", "select"],
)
def test_unknown_code_in_pyproject_is_a_usage_error(toml: str, entry: str) -> None:
    """The config error names the file, the key and the entry, and suggests the closest code."""
    path = write("bad.yaml", UNKNOWN_STAGE)
    write("pyproject.toml", toml)
    result = run("lint", path)
    assert result.exit_code == 2
    assert f"pyproject.toml: [tool.procflow] {entry}; did you mean " in result.output
    no_traceback(result)


def test_unknown_code_in_a_suppression_comment_is_reported_at_the_code() -> None:
    """``# procflow: ignore[PF1O1]`` silences nothing: PF101 stays, and PF014 points at the code."""
    line = "next: legal_hold  # procflow: ignore[PF1O1]\n"
    text = UNKNOWN_STAGE.replace("next: legal_hold\n", line)
    result = run("lint", "--format", "json", write("bad.yaml", text))
    findings = json.loads(result.stdout)["findings"]
    (warning,) = [f for f in findings if f["code"] == "PF014"]
    lines = text.splitlines()
    number = next(n for n, written in enumerate(lines, start=1) if "PF1O1" in written)
    column = lines[number - 1].index("PF1O1") + 1
    assert (warning["line"], warning["column"]) == (number, column)
    assert warning["severity"] == "warning"
    assert "did you mean PF101?" in warning["hint"]
    assert {f["code"] for f in findings} == {"PF014", "PF101", "PF103"}
    assert result.exit_code == 1  # as without the comment: the PF101 error is still there


# --------------------------------------------------------------------------- graph, analyze, show


def test_graph_mermaid() -> None:
    """``procflow graph`` draws a Mermaid flowchart with every stage."""
    result = run("graph", str(EXAMPLE))
    assert result.exit_code == 0
    assert result.stdout.startswith("flowchart")
    for stage in ("label", "sample_for_qc", "qc_review", "delivered"):
        assert stage in result.stdout


def test_graph_dot() -> None:
    """``procflow graph --format dot`` is a Graphviz digraph with balanced braces."""
    result = run("graph", "--format", "dot", str(EXAMPLE))
    assert result.exit_code == 0
    assert result.stdout.startswith("digraph")
    assert result.stdout.count("{") == result.stdout.count("}")
    assert '"label"' in result.stdout


def test_graph_of_a_broken_file_exits_2() -> None:
    """``graph`` on a file that cannot load prints the finding and exits 2."""
    result = run("graph", write("bad.yaml", BAD_COUNT))
    assert result.exit_code == 2
    assert "bad.yaml:18:12: PF012" in result.stderr
    no_traceback(result)


def test_analyze_json_has_pools_with_utilization() -> None:
    """``analyze --format json`` gives each pool's utilization, offered load over servers."""
    result = run("analyze", "--format", "json", str(EXAMPLE))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["arrival_rate"] == pytest.approx(9.0)
    assert set(data["pools"]) == {"annotator", "qc_reviewer"}
    for pool in data["pools"].values():
        assert 0 < pool["utilization"] < 1
        assert pool["utilization"] == pytest.approx(pool["offered_load"] / pool["servers"])
    assert data["stable"] is True


def test_analyze_text_runs() -> None:
    """``analyze`` in text names the pools."""
    result = run("analyze", str(EXAMPLE))
    assert result.exit_code == 0
    assert "annotator" in result.stdout


def test_analyze_of_a_directory_is_a_clean_exit_2() -> None:
    """``analyze DIR`` reports PF001 (is a directory) with exit 2, no traceback."""
    result = run("analyze", str(PROCESSES))
    assert result.exit_code == 2
    assert f"{PROCESSES}:1:1: PF001" in result.stderr
    no_traceback(result)


def test_show_describes_each_process() -> None:
    """``show`` prints every process of a folder."""
    result = run("show", str(PROCESSES))
    assert result.exit_code == 0
    assert "annotator" in result.stdout


def test_schema_command_prints_json() -> None:
    """``schema`` prints one JSON document."""
    result = run("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"]


# --------------------------------------------------------------------------- installed script


def test_installed_console_script_lints_and_reports_json() -> None:
    """The installed ``procflow`` script runs lint end to end: exit 1, JSON on stdout."""
    script = Path(sys.executable).with_name("procflow")
    assert script.exists()
    path = write("bad.yaml", UNKNOWN_STAGE)
    done = subprocess.run(
        [str(script), "lint", "--format", "json", path, str(PROCESSES)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    data = json.loads(done.stdout)
    assert {f["file"] for f in data["findings"]} == {"bad.yaml"}
    assert str(EXAMPLE) in data["files"]


# --------------------------------------------------------------------------- pre-commit hook


def test_pre_commit_hook_names_an_existing_command() -> None:
    """.pre-commit-hooks.yaml defines procflow-lint running ``procflow lint`` on SOP YAML."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "procflow-lint"]
    assert hook["language"] == "python"
    program, command = hook["entry"].split()[:2]
    assert program == "procflow"
    assert command in main.commands
    assert hook["name"]
    files = re.compile(hook["files"])
    for good in ("processes/a.yaml", "scenarios/peak.yml", "ops/processes/x/y.yaml"):
        assert files.search(good), good
    for bad in ("processes/notes.md", "src/config.yaml", "README.yaml"):
        assert not files.search(bad), bad
