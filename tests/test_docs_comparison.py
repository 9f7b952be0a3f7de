"""The comparison outputs docs/scenarios.md shows are what procflow prints today.

The page compares the bundled image-moderation process with three scenarios (the 20%
QC sample, that with three more reviewers, that with two annotators moved to QC), with
the default run settings: 10 paired replications of 3 days after 8 hours, seed 1. Its
outputs are checked here so that they cannot rot when a label, a verdict or the engine
changes:

- the terminal table of ``compare`` (the whole block, header and verdict lines included);
- the verdict lines of the Markdown of the two staffing plans;
- the start of the Markdown comment, down to its ``...``;
- the scenario of the JSON example (verdict, tone, SLAs and the p90 difference);
- what lint says about the page's scenarios (the move-2 plan is a PF404 example).

The scenarios are the page's own YAML blocks, written under the names the page gives them
next to a copy of the process, so the files the reader is asked to create are tested too.
The three compared are simulated in one comparison: a scenario's numbers depend only on it
and the baseline (common random numbers), so the page's two-scenario commands print the
same as a subset of it. That is 40 replications of the documented length, the cost of
checking the documented numbers (fewer replications would print other numbers).
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from rich.console import Console

import procflow
from models import EXAMPLE, PROCESSES, ROOT, SCENARIOS
from procflow.cli import main
from procflow.cli.common import WIDE
from procflow.diagnostics import Finding
from procflow.lint.runner import lint_paths
from procflow.report.markdown import comparison_markdown
from procflow.report.terminal import print_comparison
from procflow.results import Comparison, to_json
from procflow.sim.executor import make_executor

PAGE = ROOT / "docs" / "scenarios.md"
TEXT = PAGE.read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(\w*)[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
#: A verdict line of the Markdown comment: its tone's emoji, then the scenario in bold.
VERDICT = re.compile(r"^- (✅|⚠️|❌) \*\*")
#: The run settings the page says it uses (the defaults).
REPLICATIONS, SEED = 10, 1
#: The scenario names of the page, in the order the commands give them.
QC_20, PLUS_3, MOVE_2 = (
    "qc-sample-20pct",
    "qc-sample-20pct-plus-3-reviewers",
    "qc-sample-20pct-move-2-annotators",
)
#: The files the page saves them in (the others are saved under their scenario name).
FILES = {
    QC_20: "qc_sample_20pct.yaml",
    PLUS_3: "qc_sample_20pct_plus_3.yaml",
    MOVE_2: "qc_sample_20pct_move_2.yaml",
    "qc-sample-20pct-staffing": "qc_staffing_sweep.yaml",
}


def blocks(language: str) -> list[str]:
    """The page's fenced blocks in one language, in order."""
    return [m.group(2) for m in BLOCK.finditer(TEXT) if m.group(1) == language]


def block_starting(language: str, start: str) -> str:
    """The one block of the page that starts with ``start``."""
    found = [b for b in blocks(language) if b.startswith(start)]
    assert len(found) == 1, f"docs/scenarios.md: {len(found)} {language} blocks start {start!r}"
    return found[0]


def lines(text: str) -> list[str]:
    """Lines without trailing spaces (rich pads; the page does not keep padding)."""
    return [line.rstrip() for line in text.rstrip("\n").splitlines()]


def scenario_blocks() -> dict[str, str]:
    """The page's scenario files by name."""
    found = {}
    for text in blocks("yaml"):
        data = yaml.safe_load(text)
        if isinstance(data, dict) and "scenario" in data:
            found[data["scenario"]] = text
    return found


def pool_of(finding: Finding) -> str:
    """The pool a capacity finding is about: its message starts with it (PF404 has no args)."""
    return finding.message.split(":", 1)[0]


def subset(comparison: Comparison, *names: str) -> Comparison:
    """The comparison of the baseline with some of its scenarios, in the order given."""
    by_name = {s.name: s for s in comparison.scenarios}
    return Comparison(comparison.baseline, [by_name[name] for name in names])


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder laid out as the repository: the processes, and the page's scenario files."""
    root = tmp_path_factory.mktemp("docs")
    (root / "processes").mkdir()
    (root / "scenarios").mkdir()
    shutil.copy(EXAMPLE, root / "processes" / EXAMPLE.name)
    shutil.copy(PROCESSES / "model_triage.yaml", root / "processes" / "model_triage.yaml")
    for name, text in scenario_blocks().items():
        file = FILES.get(name, f"{name}.yaml")
        (root / "scenarios" / file).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def comparison(root: Path) -> Comparison:
    """The page's process and three scenarios, compared with the documented settings."""
    loaded = [
        procflow.load_scenario(root / "scenarios" / FILES[n]) for n in (QC_20, PLUS_3, MOVE_2)
    ]
    base = procflow.load(root / "processes" / EXAMPLE.name)
    settings = procflow.RunSettings.parse(base, replications=REPLICATIONS, seed=SEED)
    return procflow.compare(
        base,
        [(s.name, s.description, s.process) for s in loaded],
        settings,
        executor=make_executor("local", jobs=2),
    )


def test_the_page_says_which_settings_it_used():
    """The sentence that tells the reader the settings names the ones simulated here."""
    sentence = " ".join(TEXT.split("## Compare a proposed SOP change")[0].split())
    assert f"{REPLICATIONS} replications, seed {SEED}" in sentence


def test_every_scenario_on_the_page_lints_without_errors(root: Path):
    """Only the PF404 warnings the page tells about: the move-2 plan and the sweep's first point."""
    report = lint_paths([root / "scenarios"])
    found = sorted((Path(f.location.file).name, f.code, pool_of(f)) for f in report.findings)
    assert found == [
        ("qc_sample_20pct_move_2.yaml", "PF404", "annotator"),
        ("qc_staffing_sweep.yaml", "PF404", "annotator"),
        ("qc_staffing_sweep.yaml", "PF404", "qc_reviewer"),
    ]


def test_lint_of_the_move_2_plan(root: Path, monkeypatch: pytest.MonkeyPatch):
    """The page's lint output for the move-2 plan, run from the repository's root."""
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["lint", f"scenarios/{FILES[MOVE_2]}"])
    assert result.exit_code == 0
    shown = block_starting("text", f"scenarios/{FILES[MOVE_2]}:")
    assert lines(shown) == lines(result.output)


def test_the_shipped_scenarios_are_the_ones_on_the_page():
    """The page shows the bundled scenario files as they are."""
    texts = scenario_blocks()
    for name, file in ((QC_20, "qc_sample_20pct.yaml"), (PLUS_3, "qc_sample_20pct_plus_3.yaml")):
        assert texts[name] == (SCENARIOS / file).read_text(encoding="utf-8")


def test_the_terminal_comparison(comparison: Comparison):
    """The first ``compare`` output, as a pipe or a CI log gets it (WIDE columns)."""
    console = Console(record=True, width=WIDE, file=io.StringIO())
    print_comparison(console, subset(comparison, QC_20, PLUS_3))
    shown = block_starting("text", "image-moderation-qc vs 2 scenarios")
    assert lines(shown) == lines(console.export_text())


def test_the_verdicts_of_the_two_staffing_plans(comparison: Comparison):
    """The verdict lines quoted from the Markdown of the two plans."""
    printed = lines(comparison_markdown(subset(comparison, PLUS_3, MOVE_2)))
    shown = lines(block_starting("text", f"- ⚠️ **{PLUS_3}**"))
    assert shown == [line for line in printed if VERDICT.match(line)]


def test_the_start_of_the_markdown_comment(comparison: Comparison):
    """The Markdown comment of the first comparison, down to the page's ``...``."""
    printed = lines(comparison_markdown(subset(comparison, QC_20, PLUS_3)))
    shown = lines(block_starting("text", "## procflow: image-moderation-qc"))
    assert shown[-1] == "..."
    assert shown[:-1] == printed[: len(shown) - 1]


def test_the_json_example(comparison: Comparison):
    """Every field of the JSON example has the value ``--format json`` writes."""
    shown: dict[str, Any] = json.loads(block_starting("json", '{\n  "name": "qc-sample-20pct"'))
    written = next(s for s in to_json(comparison)["scenarios"] if s["name"] == QC_20)
    for key, value in shown.items():
        if key != "differences":
            assert value == written[key], key
            continue
        for kpi, fields in value.items():
            for field, number in fields.items():
                # same seed, same numbers; the page keeps them as JSON writes them
                assert number == pytest.approx(written[key][kpi][field], rel=1e-12), (kpi, field)
