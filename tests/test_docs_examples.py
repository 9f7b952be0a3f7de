"""Every process written in the docs loads and lints without errors.

The convention, for whoever writes docs:

- A ```yaml block whose first line that is not a comment starts with ``process:`` is a
  **complete process**: it must load and lint without error-level findings.
- A complete process that is wrong on purpose (the tutorial's first draft) is preceded,
  on the line just before its fence, by ``<!-- docs-test: expect-errors -->``; it must
  then have errors, so the text around it stays true.
- Every other ```yaml block is a **fragment** (a few keys of a process): it must be valid
  YAML, and it may not have a top-level ``process:`` key anywhere else than on its first
  line (so that no complete process is skipped by mistake).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from models import ROOT
from procflow.diagnostics import Severity
from procflow.lint.runner import lint_paths

DOCS = ("docs/format.md", "docs/tutorial.md", "README.md")
EXPECT_ERRORS = "<!-- docs-test: expect-errors -->"
FENCE = re.compile(r"^```yaml[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    """One ```yaml block of a Markdown file."""

    doc: str
    line: int  #: line of the opening fence
    text: str
    expect_errors: bool

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}"

    @property
    def is_process(self) -> bool:
        """Whether its first line that is not a comment starts with ``process:``."""
        for line in self.text.splitlines():
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                return line.startswith("process:")
        return False


def yaml_blocks(doc: str) -> list[Block]:
    """The ```yaml blocks of one Markdown file, in order."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    blocks = []
    for match in FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        blocks.append(Block(doc, line, match.group(1), before.strip() == EXPECT_ERRORS))
    return blocks


BLOCKS = [block for doc in DOCS for block in yaml_blocks(doc)]
PROCESSES = [b for b in BLOCKS if b.is_process]
FRAGMENTS = [b for b in BLOCKS if not b.is_process]


def test_the_docs_have_examples_to_check():
    """The extraction works: the format reference alone holds many complete processes."""
    assert len([b for b in PROCESSES if b.doc == "docs/format.md"]) >= 10
    assert any(b.doc == "README.md" for b in PROCESSES)
    assert any(b.expect_errors for b in PROCESSES)


@pytest.mark.parametrize("block", PROCESSES, ids=lambda b: b.id)
def test_complete_process_lints_without_errors(block: Block, tmp_path: Path):
    """A complete process loads, and lint finds no error (unless it is marked as wrong)."""
    path = tmp_path / "example.yaml"
    path.write_text(block.text, encoding="utf-8")
    report = lint_paths([path])
    errors = [
        f"{f.location.line}: {f.code} {f.message}"
        for f in report.findings
        if f.severity is Severity.ERROR
    ]
    if block.expect_errors:
        assert errors, f"{block.id} is marked expect-errors but lints clean"
    else:
        assert not errors, f"{block.id}:\n" + "\n".join(errors)


@pytest.mark.parametrize("block", FRAGMENTS, ids=lambda b: b.id)
def test_fragment_is_valid_yaml_and_not_a_hidden_process(block: Block):
    """A fragment parses as YAML; a top-level process: key means it should start with it."""
    assert not block.expect_errors, f"{block.id}: only complete processes take expect-errors"
    yaml.safe_load(block.text)
    assert not re.search(r"^process:", block.text, re.MULTILINE), (
        f"{block.id} looks like a complete process: start it with its process: line"
    )
