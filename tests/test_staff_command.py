"""``procflow staff``: exit codes, formats, located forecast errors, outputs never over inputs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook  # type: ignore[import-untyped]

from models import PROCESSES
from procflow.cli import main

QUEUE = """process: queue
time_unit: second
arrivals: [{name: incoming, rate: 200 per hour}]
resources: {agents: {count: 20, shrinkage: 0.3}}
stages:
  answer: {resource: agents, duration: {exponential: 180}, next: done}
  done: {end: true}
"""
TARGET = ["--service-level", "80%", "--within", "20s"]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def queue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "queue.yaml"
    path.write_text(QUEUE, encoding="utf-8")
    return path


def test_json_has_the_documented_shape(queue: Path) -> None:
    result = run("staff", str(queue), *TARGET, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["kind"] == "staffing" and document["format_version"] == 1
    (interval,) = document["pools"]["agents"]["intervals"]
    assert interval["start"] == "mon 00:00"
    assert (interval["required"], interval["scheduled"]) == (14, 20)
    assert interval["service_level"] == pytest.approx(0.888350, abs=1e-6)
    assert interval["occupancy"] == pytest.approx(0.714286, abs=1e-6)
    assert interval["asa"] == pytest.approx(7.836, abs=1e-3)
    assert interval["method"] == "erlang_c"
    assert interval["abandon"] is None
    assert document["pools"]["agents"]["targets"]["service_level"] == 0.8


def test_csv_markdown_and_table(queue: Path) -> None:
    rows = list(
        csv.DictReader(io.StringIO(run("staff", str(queue), *TARGET, "--format", "csv").output))
    )
    assert rows[0]["Pool"] == "agents" and rows[0]["Required"] == "14"
    assert rows[0]["Scheduled"] == "20"
    markdown = run("staff", str(queue), *TARGET, "--format", "markdown")
    assert markdown.exit_code == 0 and "| all week |" in markdown.output
    table = run("staff", str(queue), *TARGET)
    assert table.exit_code == 0 and "agents" in table.output


def test_report_and_workbook(queue: Path, tmp_path: Path) -> None:
    result = run(
        "staff", str(PROCESSES / "multilingual_review_queue.yaml"), *TARGET,
        "--report", "plan.html", "--xlsx", "plan.xlsx", "-o", "plan.txt",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    page = (tmp_path / "plan.html").read_text(encoding="utf-8")
    assert "<svg" in page and "Required and scheduled heads per interval" in page
    book = load_workbook(tmp_path / "plan.xlsx")
    assert book.sheetnames == ["Pools", "Intervals"]
    assert book["Intervals"].max_row == 1 + 336 * 7  # every interval of every pool
    assert "reviewer_en" in (tmp_path / "plan.txt").read_text(encoding="utf-8")


def test_bad_options_are_usage_errors(queue: Path) -> None:
    assert run("staff", str(queue), "--service-level", "80%").exit_code == 2
    assert run("staff", str(queue), *TARGET, "--interval", "35min").exit_code == 2
    assert run("staff", str(queue), "--occupancy-cap", "lots").exit_code == 2


def test_forecast_errors_are_located(queue: Path, tmp_path: Path) -> None:
    (tmp_path / "volumes.csv").write_text(
        "start,volume\n2026-01-05T09:00,100\n2026-01-05T09:30,x\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["staff", str(queue), "--forecast", "volumes.csv"])
    assert result.exit_code == 2
    assert "volumes.csv:3:18: PF021" in result.output


def test_forecast_plan(queue: Path, tmp_path: Path) -> None:
    (tmp_path / "volumes.csv").write_text(
        "start,volume\n2026-01-05T09:00,100\n2026-01-05T09:30,200\n", encoding="utf-8"
    )
    result = run("staff", str(queue), *TARGET, "--forecast", "volumes.csv", "--format", "json")
    intervals = json.loads(result.output)["pools"]["agents"]["intervals"]
    assert [i["start"] for i in intervals] == ["2026-01-05T09:00", "2026-01-05T09:30"]
    assert intervals[0]["required"] == 14
    assert intervals[1]["required"] > 14


def test_never_writes_over_an_input(queue: Path) -> None:
    (queue.parent / "volumes.csv").write_text("start,volume\n2026-01-05T09:00,1\n")
    for target in ("queue.yaml", "volumes.csv"):
        result = CliRunner().invoke(
            main, ["staff", "queue.yaml", "--forecast", "volumes.csv", "-o", target]
        )
        assert result.exit_code == 2
    assert (queue.parent / "volumes.csv").read_text() == "start,volume\n2026-01-05T09:00,1\n"
    assert queue.read_text(encoding="utf-8") == QUEUE


def test_verify_simulates_the_plan(queue: Path) -> None:
    """The published case verified: the simulated service level of its one interval meets
    80% (the formula's 0.888 at 14 working), with nothing added."""
    result = run("staff", str(queue), *TARGET, "--verify", "-r", "3", "-j", "1", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["verification"]["converged"] is True
    assert document["verification"]["added"] == {"agents": 0}
    (interval,) = document["pools"]["agents"]["intervals"]
    assert interval["required"] == 14
    assert interval["simulated"]["met"] is True
    assert interval["simulated"]["low"] <= 0.888350 <= interval["simulated"]["high"]


def test_docs_json_example_is_what_staff_prints(queue: Path) -> None:
    """docs/staffing.md shows this very plan: the same keys, the same heads."""
    text = (Path(__file__).parent.parent / "docs" / "staffing.md").read_text(encoding="utf-8")
    shown = json.loads(text.split("```json\n", 1)[1].split("```", 1)[0])
    printed = json.loads(run("staff", str(queue), *TARGET, "--format", "json").output)

    def keys(document: object) -> object:
        if isinstance(document, dict):
            return {k: keys(v) for k, v in document.items()}
        if isinstance(document, list):
            return [keys(v) for v in document]
        return None

    assert keys(shown) == keys(printed)
    shown_interval = shown["pools"]["agents"]["intervals"][0]
    printed_interval = printed["pools"]["agents"]["intervals"][0]
    for key in ("arrivals", "offered_load", "required", "scheduled", "method"):
        assert shown_interval[key] == pytest.approx(printed_interval[key])
