"""Output that survives pipes, files and CI logs: no table cell is ever cut.

On a terminal, rich fits tables to its width; written to a pipe (``make demo >
demo.log``, a CI log) a table is as wide as its cells, so ``8.53 min`` is never
``8.53…``. A cut cell ends in ``…`` before the cell's border; the ``…`` between an
interval's bounds is followed by the upper bound.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from models import EXAMPLE, EXAMPLE_TEXT, QC_20, QC_20_PLUS_3, ROOT, write_process
from procflow.cli import main

#: An ellipsis that ends a cell (before its border) or a line: rich cut the text there.
CUT = re.compile(r"…\s*(?:[│┃]|$)", re.MULTILINE)
SHORT = ["--horizon", "6 hours", "--warmup", "1 hour", "--executor", "serial"]


#: How the Makefile says a demo command's exit 1 is an answer (validate's "not fit").
ANSWER_IS_ONE = "|| test $$? -eq 1"


def demo_commands() -> list[tuple[list[str], tuple[int, ...]]]:
    """The ``procflow`` commands of ``make demo``, as the Makefile writes them, each with
    the exit codes that mean it worked."""
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\ndemo:", 1)[1]
    recipe = recipe.split("\n\n", 1)[0].replace("\\\n", " ")
    return [
        (shlex.split(line.strip().split("||")[0])[1:], (0, 1) if ANSWER_IS_ONE in line else (0,))
        for line in recipe.splitlines()
        if line.strip().startswith("$(BIN)/procflow")
    ]


def piped(args: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> str:
    """What ``procflow ARGS`` writes to a pipe (standard output and error)."""
    done = subprocess.run(
        [sys.executable, "-m", "procflow.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
        check=False,
    )
    assert done.returncode in ok, done.stderr
    return done.stdout + done.stderr


#: The demo commands that simulate, and how many replications they run here: a table's
#: layout does not depend on the number of runs (``make demo`` runs them all).
SIMULATING, FEW = {"simulate", "compare", "forecast", "validate"}, "2"


def fewer_runs(args: list[str]) -> list[str]:
    """A demo command with ``FEW`` replications, if it simulates."""
    if args[0] not in SIMULATING:
        return args
    kept = [a for k, a in enumerate(args) if "--replications" not in args[max(k - 1, 0) : k + 1]]
    return [*kept, "--replications", FEW]


#: The options after which a demo command names a file it writes.
WRITES = {"--out", "--output", "-o", "--events", "--report", "--xlsx", "--csv"}


def demo_runs() -> list[list[tuple[list[str], tuple[int, ...]]]]:
    """Each demo command that prints its tables (a command with ``--output`` prints none;
    its files are tested elsewhere), after the demo commands that write the files it
    reads (``validate out/consensus_fitted.yaml`` after the ``calibrate`` that writes it)."""
    commands = demo_commands()
    writer: dict[str, int] = {}
    for k, (args, _) in enumerate(commands):
        writer.update({b: k for a, b in itertools.pairwise(args) if a in WRITES})
    runs = []
    for k, (args, ok) in enumerate(commands):
        if "--output" in args:
            continue
        needs = sorted({writer[a] for a in args if writer.get(a, k) < k})
        runs.append([*(commands[n] for n in needs), (args, ok)])
    return runs


@pytest.mark.parametrize(
    "run", demo_runs(), ids=lambda run: " ".join(run[-1][0][:2]).replace("/", "_")
)
def test_make_demo_to_a_pipe_cuts_no_cell(
    run: list[tuple[list[str], tuple[int, ...]]], tmp_path: Path
) -> None:
    """Every command of ``make demo`` that prints its tables, output to a pipe (with fewer
    replications): no cell ends in an ellipsis."""
    (tmp_path / "out").mkdir()
    for args, ok in run:
        # the bundled files from the repository; the outputs into the test's folder
        args = [
            str(ROOT / a) if a.startswith(("processes/", "scenarios/", "examples/")) else a
            for a in fewer_runs(args)
        ]
        output = piped(args, tmp_path, ok)
    assert not CUT.search(output), f"procflow {shlex.join(args)}:\n{output}"


def test_the_demo_prints_its_tables() -> None:
    assert len(demo_runs()) >= 4


#: Names long enough that the tables are wider than any terminal.
LONG = EXAMPLE_TEXT.replace("qc_review", "quality_control_review_by_the_senior_reviewers_" * 3)


@pytest.mark.parametrize(
    "command",
    [
        ["analyze"],
        ["show"],
        ["simulate", "-r", "2", *SHORT],
        ["sweep", "--set", "resources.annotator.count=44,46", "-r", "2", *SHORT],
    ],
)
def test_wide_tables_are_written_whole_to_a_pipe(command: list[str], tmp_path: Path) -> None:
    """A stage name of 150 characters: each table line holds it whole, nothing is cut."""
    path = write_process(tmp_path, LONG)
    output = piped([command[0], str(path), *command[1:]], tmp_path)
    assert not CUT.search(output), output
    if command[0] != "sweep":  # the sweep's table has no stage column
        assert "quality_control_review_by_the_senior_reviewers_" * 3 in output


def test_format_csv_writes_the_printed_table_for_a_script(tmp_path: Path) -> None:
    """analyze, simulate, compare and sweep ``--format csv``: one CSV table on standard
    output."""

    def table(*args: str) -> list[dict[str, str]]:
        result = CliRunner().invoke(main, [*args, "--format", "csv"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return list(csv.DictReader(io.StringIO(result.stdout)))

    pools = table("analyze", str(EXAMPLE))
    assert [row["Pool"] for row in pools] == ["annotator", "qc_reviewer"]
    assert float(pools[0]["Utilization (%)"]) == pytest.approx(86.7, abs=0.1)
    kpis = table("simulate", str(EXAMPLE), "-r", "2", *SHORT)
    p90 = next(row for row in kpis if row["Key"] == "cycle_time.p90")
    assert float(p90["95% low"]) <= float(p90["Mean"]) <= float(p90["95% high"])
    rows = table("compare", str(EXAMPLE), str(QC_20), str(QC_20_PLUS_3), "-r", "2", *SHORT)
    assert {row["Scenario name"] for row in rows} == {
        "qc-sample-20pct",
        "qc-sample-20pct-plus-3-reviewers",
    }
    grid = ["--set", "resources.qc_reviewer.count=8,9", "-r", "2", *SHORT]
    points = table("sweep", str(EXAMPLE), *grid)
    assert [(row["Point"], row["resources.qc_reviewer.count"]) for row in points] == [
        ("1", "8"),
        ("2", "9"),
    ]
    markdown = CliRunner().invoke(main, ["sweep", str(EXAMPLE), *grid, "--format", "markdown"])
    assert markdown.exit_code == 0 and markdown.stdout.startswith("## procflow sweep: ")
