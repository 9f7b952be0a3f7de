"""Every formatter renders the same records: the same KPIs, and the same files from saved JSON.

``procflow report saved.json`` reads the JSON back into the records the command
had, so its report, workbook and CSV tables are the command's own; and every
formatter (terminal, Markdown, HTML, workbook, CSV) shows every headline KPI of
the catalogue that a simulation has.
"""

from __future__ import annotations

import html
import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from rich.console import Console

import procflow
from models import EXAMPLE, PROCESSES, QC_20, QC_20_PLUS_3
from procflow.cli import main
from procflow.report.csvout import csv_files
from procflow.report.format import column_label, headline
from procflow.report.html import results_html
from procflow.report.markdown import results_markdown
from procflow.report.terminal import print_results
from procflow.report.xlsx import workbook_bytes

QUICK = ["-r", "2", "--horizon", "6 hours", "--warmup", "1 hour"]
COMMANDS = {
    "results": ["simulate", str(EXAMPLE)],
    "comparison": ["compare", str(EXAMPLE), str(QC_20), str(QC_20_PLUS_3)],
    "sweep": ["sweep", str(EXAMPLE), "--set", "resources.qc_reviewer.count=8,9"],
    "optimization": [
        "optimize", str(EXAMPLE), "--pool", "annotator=43:44", "--pool", "qc_reviewer=8:9",
    ],
}  # fmt: skip


def workbook_parts(path: Path) -> dict[str, bytes]:
    """Every part of an .xlsx file but its properties (which hold the time it was made)."""
    with zipfile.ZipFile(path) as book:
        return {n: book.read(n) for n in book.namelist() if n != "docProps/core.xml"}


def folder(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


@pytest.mark.parametrize("kind", list(COMMANDS))
def test_report_of_the_saved_json_is_what_the_command_wrote(kind: str, tmp_path: Path) -> None:
    runner = CliRunner()
    saved, own, later = tmp_path / "saved.json", tmp_path / "own", tmp_path / "later"
    args = [*COMMANDS[kind], *QUICK, "--format", "json", "-o", str(saved)]
    exports = ["--report", f"{own}.html", "--xlsx", f"{own}.xlsx", "--csv", str(own)]
    done = runner.invoke(main, [*args, *exports])
    assert done.exit_code == 0, done.output
    report = ["report", str(saved), "--process", str(EXAMPLE), "-o", f"{later}.html"]
    done = runner.invoke(main, [*report, "--xlsx", f"{later}.xlsx", "--csv", str(later)])
    assert done.exit_code == 0, done.output
    own_html = Path(f"{own}.html").read_text(encoding="utf-8")
    assert Path(f"{later}.html").read_text(encoding="utf-8") == own_html
    assert workbook_parts(Path(f"{later}.xlsx")) == workbook_parts(Path(f"{own}.xlsx"))
    assert folder(later) == folder(own)


def test_report_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    """A file that is not a procflow result is a usage error (exit 2) that says why."""
    runner = CliRunner()
    for name, text in (
        ("lint.json", '{"findings": []}'),
        ("broken.json", '{"format_version": 1, "kind": "results", "kpis": 3}'),
        ("text.json", "not json"),
    ):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        done = runner.invoke(main, ["report", str(path)])
        assert done.exit_code == 2, (name, done.output)
        assert name in done.output
        if name == "lint.json":
            assert "not a procflow results document" in done.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json", "lint.json", "text.json"]


@pytest.fixture(scope="module")
def escalating() -> procflow.Results:
    """A short run of a process whose queues escalate (multilingual review)."""
    process = procflow.load(PROCESSES / "multilingual_review_queue.yaml")
    return procflow.simulate(process, procflow.RunSettings(horizon=360, warmup=30), replications=2)


def test_every_formatter_shows_every_headline_kpi(escalating: procflow.Results) -> None:
    rows = headline(escalating)
    families = {value.kpi.family for value in rows}
    assert {"process", "pool", "stage"} <= families
    keys = {value.key for value in rows}
    assert {"escaped_defect_rate", "escalated_share"} <= keys
    assert any(key.endswith(".escalated") for key in keys)

    console = Console(record=True, width=240, file=io.StringIO())
    print_results(console, escalating)
    terminal = console.export_text()
    markdown = results_markdown(escalating)
    page = results_html(escalating)
    book = load_workbook(io.BytesIO(workbook_bytes(escalating)))
    cells = "\n".join(
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row
    )
    tables = "\n".join(content.decode("utf-8-sig") for content in csv_files(escalating).values())
    for value in rows:
        assert value.label in markdown, value.key
        assert html.escape(value.label) in page, value.key
        assert value.label in cells, value.key
        assert value.label in tables, value.key
        # the terminal shows a pool's and a stage's KPIs in a table with a row per pool
        # or stage: the name starts a row, the KPI is a column
        if value.kpi.family == "process":
            assert value.label in terminal, value.key
        else:
            assert column_label(value.kpi) in terminal, value.key
            assert any(line.strip("│ ").startswith(value.subject) for line in terminal.splitlines())
