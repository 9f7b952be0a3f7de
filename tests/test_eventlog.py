"""Event logs: one row per item per stage visit, in CSV and in XES that PM4Py reads."""

from __future__ import annotations

import ast
import csv
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from models import EXAMPLE, ROOT
from procflow import RunSettings, load, simulate
from procflow.cli import main
from procflow.eventlog import open_event_log, visit
from procflow.eventlog.visit import SIMULATION_START

XES = "{http://www.xes-standard.org/}"


def run_with_log(path: Path, horizon: float = 600) -> tuple[dict[str, float], int]:
    process = load(EXAMPLE)
    with open_event_log(path, process) as log:
        results = simulate(
            process, RunSettings(horizon=horizon), replications=1, seed=3, events=log
        )
        rows = log.rows
    return results.replications[0], rows


def test_csv_has_a_row_per_work_visit_and_per_delivery(tmp_path):
    """Rows = label and QC visits of all items, plus one 'delivered' row per item.

    The run goes on past the horizon until every item that arrived before it is
    delivered, so every case has its 'delivered' row; those delivered within the
    600 minutes are the throughput.
    """
    path = tmp_path / "events.csv"
    run, rows = run_with_log(path)
    with path.open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == rows
    assert set(table[0]) >= {"case_id", "activity", "resource", "start_timestamp", "severity"}
    delivered = [r for r in table if r["activity"] == "delivered"]
    assert {r["case_id"] for r in delivered} == {r["case_id"] for r in table}
    horizon = (SIMULATION_START + timedelta(minutes=600)).isoformat(timespec="milliseconds")
    in_window = [r for r in delivered if r["end_timestamp"] <= horizon]
    assert len(in_window) == round(run["throughput_per_hour"] * 10)  # 600 minutes
    for row in table[:50]:
        assert row["enqueue_timestamp"] <= row["start_timestamp"] <= row["end_timestamp"]
        assert row["start_timestamp"].startswith(SIMULATION_START.date().isoformat())


def test_the_log_does_not_change_the_numbers(tmp_path):
    """Logging events leaves every KPI as it was without a log."""
    with_log, _ = run_with_log(tmp_path / "events.csv")
    plain = simulate(load(EXAMPLE), RunSettings(horizon=600), replications=1, seed=3)
    assert with_log == plain.replications[0]


def test_xes_is_well_formed_with_ordered_traces(tmp_path):
    """A trace per item, start and complete events, timestamps ordered within each trace."""
    path = tmp_path / "events.xes"
    run_with_log(path)
    root = ET.parse(path).getroot()
    traces = root.findall(f"{XES}trace")
    assert len(traces) > 1000
    for trace in traces[:200]:
        stamps = [e.find(f"{XES}date").get("value") for e in trace.findall(f"{XES}event")]
        assert stamps == sorted(stamps)
        names = [e.find(f"{XES}string").get("value") for e in trace.findall(f"{XES}event")]
        assert names[0] == "label"


def test_pm4py_reads_the_xes(tmp_path):
    """PM4Py imports the XES file and finds the activities of the process."""
    pm4py = pytest.importorskip("pm4py", reason="pm4py is installed with the dev extras")
    path = tmp_path / "events.xes"
    run_with_log(path, horizon=240)
    log = pm4py.read_xes(str(path))
    activities = set(log["concept:name"])
    assert activities == {"label", "qc_review", "delivered"}
    assert {"start", "complete"} <= set(log["lifecycle:transition"])


def test_cli_writes_the_log_and_refuses_other_suffixes(tmp_path):
    """--events out.csv works; --events out.txt is a usage error (exit 2)."""
    runner = CliRunner()
    out = tmp_path / "log.csv"
    result = runner.invoke(
        main,
        [
            "simulate",
            str(EXAMPLE),
            "-r",
            "1",
            "--horizon",
            "2h",
            "--warmup",
            "0h",
            "--events",
            str(out),
            "-o",
            str(tmp_path / "s.txt"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("case_id,activity")
    bad = runner.invoke(main, ["simulate", str(EXAMPLE), "--events", str(tmp_path / "x.txt")])
    assert bad.exit_code == 2


def _documented(lines: list[str], pattern: str) -> list[str]:
    return [m.group(1) for line in lines if (m := re.match(pattern, line))]


def test_the_csv_columns_are_documented_once_and_alike(tmp_path):
    """docs/simulation.md and visit.py list the writer's columns, in its order."""
    path = tmp_path / "events.csv"
    with open_event_log(path, load(EXAMPLE)):
        pass
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    columns = [c.replace("(minute)", "(<unit>)") for c in header if c not in {"market", "severity"}]
    docs = (ROOT / "docs" / "simulation.md").read_text(encoding="utf-8")
    section = docs.split("## Event logs for process mining")[1].split("\n## ")[0]
    assert _documented(section.splitlines(), r"^\| `([^`]+)` \|") == columns
    schema = (visit.__doc__ or "").splitlines()
    assert _documented(schema, r"^``([^`]+)``\s") == columns


def test_eventlog_imports_only_the_layers_below():
    """eventlog reads diagnostics, model, files and the source guard (every input file is read
    through it), never sim or report; files reads nothing."""
    allowed = (
        "procflow.diagnostics", "procflow.model", "procflow.files", "procflow.eventlog",
        "procflow.source.guards",
    )  # fmt: skip
    package = ROOT / "src" / "procflow"
    for path in [*sorted((package / "eventlog").glob("*.py")), package / "files.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name.startswith("procflow"):
                    assert path.name != "files.py", f"files.py imports {name}"
                    assert name.startswith(allowed), f"{path.name} imports {name}"
