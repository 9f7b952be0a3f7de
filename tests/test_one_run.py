"""All errors in one run: one typo is one finding, and a broken value hides no other error.

A misspelt stage name makes the stages behind it unreachable; those are told in
the typo's ``PF101`` ("...and makes 3 stages unreachable"), not as three more
``PF103``. A value that fails to load (``PF012``) no longer hides the routing and
condition errors of the rest of the file: lint checks what loaded, once.
"""

from __future__ import annotations

from pathlib import Path

from models import EXAMPLE_TEXT, write_process
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
