"""All errors in one run: one typo is one finding, and a broken value hides no other error.

A misspelt stage name makes the stages behind it unreachable; those are told in
the typo's ``PF101`` ("...and makes 3 stages unreachable"), not as three more
``PF103``. A value that fails to load (``PF012``) no longer hides the routing and
condition errors of the rest of the file: lint checks what loaded, once.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from models import EXAMPLE_TEXT, write_process
from procflow.cli import main
from procflow.lint.runner import lint_file

TYPO = EXAMPLE_TEXT.replace("next: sample_for_qc\n", "next: sample_for_q\n")


def located(findings: list) -> list[tuple[str, int, int]]:
    return [(f.code, f.location.line, f.location.col) for f in findings]


def test_a_misspelt_stage_is_one_finding_that_names_the_stages_it_cuts_off(
    tmp_path: Path,
) -> None:
    """`next: sample_for_q`: one PF101, its args carry the three stages behind it."""
    findings = lint_file(write_process(tmp_path, TYPO))
    assert located(findings) == [("PF101", 29, 11)]
    assert findings[0].args["meant"] == "sample_for_qc"
    assert findings[0].args["unreachable"] == ["sample_for_qc", "qc_review", "delivered"]
    assert "3 stages unreachable" in findings[0].message


def test_a_misspelt_entry_stage_folds_every_stage_into_its_finding(tmp_path: Path) -> None:
    """An arrival stream entering at a typo cuts off the whole process: one finding."""
    text = EXAMPLE_TEXT.replace("  - name: incoming\n", "  - name: incoming\n    to: labl\n")
    findings = lint_file(write_process(tmp_path, text))
    assert located(findings) == [("PF101", 11, 9)]
    assert findings[0].args["unreachable"] == ["label", "sample_for_qc", "qc_review", "delivered"]


def test_a_stage_no_fix_would_reach_is_still_reported_on_its_own(tmp_path: Path) -> None:
    """An audit stage nothing routes to is not the typo's echo: PF103 stays."""
    text = TYPO.replace("    end: true\n", "    end: true\n  audit: {end: true}\n", 1)
    findings = lint_file(write_process(tmp_path, text))
    assert located(findings) == [("PF101", 29, 11), ("PF103", 45, 3)]
    assert findings[0].args["unreachable"] == ["sample_for_qc", "qc_review", "delivered"]


def test_a_misspelt_pool_name_does_not_also_report_the_pool_unused(tmp_path: Path) -> None:
    """`resource: qc_reviewr`: one PF102 that says qc_reviewer is left unused, no PF106."""
    text = EXAMPLE_TEXT.replace("resource: qc_reviewer", "resource: qc_reviewr")
    findings = lint_file(write_process(tmp_path, text))
    assert located(findings) == [("PF102", 38, 15)]
    assert findings[0].args == {"pool": "qc_reviewr", "meant": "qc_reviewer"}


# ----------------------------------------------------------------- a file that fails to load


def test_a_value_that_fails_to_load_hides_no_routing_error(tmp_path: Path) -> None:
    """`count: nine` (PF012) and a misspelt route (PF101): both, in one run, exit 2."""
    text = TYPO.replace("count: 44", "count: nine")
    path = write_process(tmp_path, text)
    assert located(lint_file(path)) == [("PF012", 18, 12), ("PF101", 29, 11)]
    result = CliRunner().invoke(main, ["lint", str(path)])
    assert result.exit_code == 2
    assert "PF012" in result.output and "PF101" in result.output


def test_every_command_names_the_errors_lint_names(tmp_path: Path) -> None:
    """`count: nine` and a misspelt route: simulate, analyze and show refuse the file with
    the same two errors lint reports, not only the one that stopped the load."""
    path = write_process(tmp_path, TYPO.replace("count: 44", "count: nine"))
    for command in ("simulate", "analyze", "show"):
        result = CliRunner().invoke(main, [command, str(path)])
        assert result.exit_code == 2, command
        assert f"{path}:18:12: PF012" in result.output, command
        assert f"{path}:29:11: PF101" in result.output, command


def test_a_misspelt_key_is_read_as_the_key_it_means(tmp_path: Path) -> None:
    """`duraton:` is reported (PF010) and read as duration, so the stage is no decision
    stage without a route (no PF105), and the condition typo elsewhere is still found."""
    text = EXAMPLE_TEXT.replace(
        "    duration: {lognormal: {mean: 4.2, sd: 1.6}}", "    duraton: 4 min"
    ).replace('severity == "high"', 'severity == "hihg"')
    assert located(lint_file(write_process(tmp_path, text))) == [
        ("PF010", 27, 5),
        ("PF302", 33, 27),
    ]


def test_placeholders_cause_no_findings_of_their_own(tmp_path: Path) -> None:
    """One head count that fails is replaced by a placeholder: no overloaded pool (PF401)
    comes of it, and a missing pool name gives no unknown-pool finding (PF102)."""
    path = write_process(tmp_path, EXAMPLE_TEXT.replace("count: 44", "count: 44 people"))
    assert [f.code for f in lint_file(path)] == ["PF012"]
    text = EXAMPLE_TEXT.replace("    resource: annotator\n", "")
    assert [f.code for f in lint_file(write_process(tmp_path, text))] == ["PF012"]


def test_what_cannot_be_salvaged_reports_only_the_load_errors(tmp_path: Path) -> None:
    """A whole section of the wrong kind (`stages: [label]`) leaves nothing to check."""
    text = EXAMPLE_TEXT.split("stages:\n")[0] + "stages: [label]\n"
    findings = lint_file(write_process(tmp_path, text))
    assert findings and all(f.code.startswith("PF0") for f in findings)
