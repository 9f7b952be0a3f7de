"""Excel workbooks and CSV folders built from the records of simulate, compare, sweep and
optimize: read back with openpyxl and csv, the values are the records'."""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

import procflow
from models import QC_20, QC_20_PLUS_3
from procflow.decide.sweep import grid
from procflow.report.csvout import write_csv_folder
from procflow.report.tables import kpi_header
from procflow.report.xlsx import write_workbook
from procflow.results import Comparison, Optimization, Results, Sweep, lookup
from procflow.results.jsonio import Record

SCENARIOS = [QC_20, QC_20_PLUS_3]
QUICK = procflow.RunSettings(horizon=360, warmup=60, replications=2, seed=1)

RESULT_SHEETS = [
    "Summary", "KPIs", "Stages", "Resources", "SLAs", "Bottlenecks", "Replications",
    "Time series", "Cycle time distribution",
]  # fmt: skip

CHINESE = """\
process: 内容审核
time_unit: minute
arrivals:
  - name: 举报
    rate: 30 per hour
resources:
  审核员:
    count: 4
    cost_per_hour: 10
stages:
  初审:
    resource: 审核员
    duration: {exponential: {mean: 5}}
    next: 完成
  完成:
    end: true
slas:
  - name: 90% 一小时内完成
    metric: cycle_time
    percentile: 90
    max: 1 hour
"""


@pytest.fixture(scope="module")
def records(example: procflow.Process) -> dict[str, Record]:
    """One small real run of each kind."""
    scenarios = [procflow.load_scenario(path) for path in SCENARIOS]
    return {
        "results": procflow.simulate(example, QUICK),
        "comparison": procflow.compare(
            example, [(s.name, s.description, s.process) for s in scenarios], QUICK
        ),
        "sweep": procflow.sweep(example, grid({"resources.qc_reviewer.count": [8, 9]}), QUICK),
        "optimization": procflow.optimize(
            example, {"annotator": (43, 44), "qc_reviewer": (8, 9)}, QUICK
        ),
    }


def rows(sheet: Any) -> list[list[Any]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def as_dicts(sheet: Any) -> list[dict[str, Any]]:
    header, *body = rows(sheet)
    return [dict(zip(header, r, strict=True)) for r in body]


def same(a: Any, b: Any) -> bool:
    """A cell holds the record's number (an empty cell where it is undefined)."""
    if isinstance(b, float) and not math.isfinite(b):
        return a is None
    if isinstance(b, float) and isinstance(a, int | float):
        return a == pytest.approx(b, rel=1e-12, abs=1e-12)
    return bool(a == b)


def test_results_workbook(records: dict[str, Record], tmp_path: Path) -> None:
    results = records["results"]
    assert isinstance(results, Results)
    path = tmp_path / "out" / "results.xlsx"
    path.parent.mkdir()
    write_workbook(results, path)
    assert [p.name for p in path.parent.iterdir()] == ["results.xlsx"]  # no temporary left
    book = load_workbook(path)
    assert book.sheetnames == RESULT_SHEETS
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])

    summary = {r[0]: r[1] for r in rows(book["Summary"])[1:]}
    assert summary["Verdict"] == results.verdict.text
    assert summary["Verdict in a word"] == results.verdict.word == "fine"
    assert summary["Stable"] == ("yes" if results.stable else "no")
    assert summary["Stable (simulated)"] == ("yes" if results.simulated_stable else "no")
    assert summary["Replications"] == 2
    assert summary["Horizon (min)"] == results.settings["horizon"] == 360

    kpis = {r["Key"]: r for r in as_dicts(book["KPIs"])}
    p90 = results.kpis["cycle_time.p90"]
    assert kpis["cycle_time.p90"]["KPI"] == "cycle time p90 (min)"  # the catalogue's label
    assert same(kpis["cycle_time.p90"]["Mean"], p90.mean)
    assert same(kpis["cycle_time.p90"]["95% low"], p90.low)
    assert same(kpis["cycle_time.p90"]["95% high"], p90.high)
    assert kpis["cost_per_item"]["KPI"] == "cost / item"
    assert kpis["rework_rate"]["KPI"] == "reworks / item"  # a number per item, not a share
    assert kpis["resources.qc_reviewer.utilization"]["KPI"] == "qc_reviewer utilization (%)"
    # every KPI of the record but the SLAs' (they have a sheet of their own), each once
    assert set(kpis) == {k for k in results.kpis if not k.startswith("slas.")}
    for key, row in kpis.items():
        assert same(row["Mean"], results.kpis[key].mean), key

    resources = book["Resources"]
    header = rows(resources)[0]
    pools = {r["Pool"]: r for r in as_dicts(resources)}
    assert set(pools) == set(results.pools)
    utilization = results.kpis["resources.qc_reviewer.utilization"]
    busy = results.kpis["resources.qc_reviewer.busy"]
    assert same(pools["qc_reviewer"]["Utilization (%)"], utilization.mean)
    assert same(pools["qc_reviewer"]["Busy, 95% high"], busy.high)
    assert pools["qc_reviewer"]["Staff (people)"] == results.pools["qc_reviewer"].count
    assert resources.cell(2, header.index("Utilization (%)") + 1).number_format == "0.0%"

    stages = {r["Stage"]: r for r in as_dicts(book["Stages"])}
    assert list(stages) == list(results.stages)
    wait = results.kpis["stages.label.waiting_time"]
    wait_p90 = results.kpis["stages.label.waiting_time_p90"]
    assert same(stages["label"]["Mean wait (min)"], wait.mean)
    assert same(stages["label"]["P90 wait, 95% low (min)"], wait_p90.low)
    assert stages["delivered"]["Mean wait (min)"] is None  # an end stage has no queue

    (sla,) = as_dicts(book["SLAs"])
    assert sla["SLA"] == results.slas[0].name
    assert sla["Within (min)"] == results.slas[0].max
    assert same(sla["SLA attained (%)"], results.slas[0].attained.mean)

    bottlenecks = as_dicts(book["Bottlenecks"])
    assert [b["Name"] for b in bottlenecks] == [b.name for b in results.bottlenecks]
    assert [b["Evidence"] for b in bottlenecks] == [b.reason for b in results.bottlenecks]

    replications = as_dicts(book["Replications"])
    assert [r["Replication"] for r in replications] == [1, 2]
    for row, rep in zip(replications, results.replications, strict=True):
        for key, value in rep.items():
            assert same(row[kpi_header(lookup(key), "min", results.slas)], value), key
    assert f"SLA {results.slas[0].name} attained (%)" in replications[0]
    assert "qc_reviewer utilization (%)" in replications[0]

    series = as_dicts(book["Time series"])
    assert len(series) == len(results.series["time"])
    assert same(series[-1]["Time (min)"], results.series["time"][-1])
    assert same(series[-1]["label queue (items)"], results.series["queue.label"][-1])
    assert "annotator working (people)" in series[0]


def test_time_unit_in_headers(records: dict[str, Record], tmp_path: Path) -> None:
    results = records["results"]
    assert isinstance(results, Results)
    in_hours = dataclasses.replace(results, time_unit="hour")
    write_workbook(in_hours, tmp_path / "h.xlsx")
    book = load_workbook(tmp_path / "h.xlsx")
    assert "cycle time p90 (h)" in [r[0] for r in rows(book["KPIs"])]
    assert "Mean wait (h)" in rows(book["Stages"])[0]


def test_comparison_workbook(records: dict[str, Record], tmp_path: Path) -> None:
    comparison = records["comparison"]
    assert isinstance(comparison, Comparison)
    write_workbook(comparison, tmp_path / "c.xlsx")
    book = load_workbook(tmp_path / "c.xlsx")
    assert book.sheetnames[:3] == [
        "Summary",
        "vs qc-sample-20pct",
        "vs qc-sample-20pct-plus-3-revie",  # Excel allows 31 characters
    ]
    assert book.sheetnames[3:] == RESULT_SHEETS[1:]  # the baseline's own sheets
    summary = {r[0]: r[1] for r in rows(book["Summary"])[1:]}
    assert summary["Baseline verdict"] == comparison.baseline.verdict.text
    for scenario, title in zip(comparison.scenarios, book.sheetnames[1:3], strict=True):
        assert summary[f"Scenario {scenario.name}: verdict"] == scenario.verdict.text
        assert summary[f"Scenario {scenario.name}: verdict in a word"] == scenario.verdict.word
        sheet = book[title]
        assert rows(sheet)[0] == [
            "KPI", "Baseline", "Scenario", "Change", "95% low", "95% high", "Significant",
            "Better or worse", "Key",
        ]  # fmt: skip
        table = {r["Key"]: r for r in as_dicts(sheet)}
        assert set(table) == set(scenario.differences)
        for key, d in scenario.differences.items():
            row = table[key]
            assert row["KPI"] == kpi_header(lookup(key), "min")
            assert same(row["Baseline"], d.baseline)
            assert same(row["Scenario"], d.scenario)
            assert same(row["Change"], d.change.mean)
            assert same(row["95% low"], d.change.low)
            assert same(row["95% high"], d.change.high)
            assert row["Significant"] == ("yes" if d.significant else "no")
            if not d.significant:
                assert row["Better or worse"] is None
        assert table["cycle_time.p90"]["KPI"] == "cycle time p90 (min)"
        # cost goes up with three more reviewers: worse, by the catalogue's direction
        if scenario.name.endswith("plus-3-reviewers"):
            assert table["cost_per_hour"]["Better or worse"] == "worse"
        shares = [
            c for c in sheet["D"] if c.row > 1 and "utilization" in str(sheet[f"I{c.row}"].value)
        ]
        assert shares and all(c.number_format == "+0.0%;-0.0%;0.0%" for c in shares)


def test_sweep_workbook(records: dict[str, Record], tmp_path: Path) -> None:
    found = records["sweep"]
    assert isinstance(found, Sweep)
    write_workbook(found, tmp_path / "s.xlsx")
    book = load_workbook(tmp_path / "s.xlsx")
    assert book.sheetnames == ["Summary", "Sweep", "Sweep intervals"]
    points = as_dicts(book["Sweep"])
    assert len(points) == len(found.points) == 2
    for row, point in zip(points, found.points, strict=True):
        assert point.results is not None
        kpis = point.results.kpis
        assert row["resources.qc_reviewer.count"] == point.changes["resources.qc_reviewer.count"]
        assert row["Planned staff cost per hour"] == point.cost_per_hour
        assert row["Verdict"] == point.results.verdict.text
        assert same(row["cycle time p90 (min)"], kpis["cycle_time.p90"].mean)
        utilization = kpis["resources.qc_reviewer.utilization"]
        assert same(row["qc_reviewer utilization (%)"], utilization.mean)
    intervals = as_dicts(book["Sweep intervals"])
    first = next(r for r in intervals if r["Point"] == 1 and r["Key"] == "cycle_time.p90")
    p90 = found.points[0].results.kpis["cycle_time.p90"]  # type: ignore[union-attr]
    assert same(first["95% high"], p90.high)


def test_optimize_workbook(records: dict[str, Record], tmp_path: Path) -> None:
    found = records["optimization"]
    assert isinstance(found, Optimization) and found.best is not None
    write_workbook(found, tmp_path / "o.xlsx")
    book = load_workbook(tmp_path / "o.xlsx")
    assert book.sheetnames == ["Summary", "Best", "Runners-up", "Candidates"]
    (best,) = as_dicts(book["Best"])
    assert best["annotator staff (people)"] == found.best.counts["annotator"]
    assert best["Cost per hour"] == found.best.cost_per_hour
    assert same(
        best["Change in cost per hour"], found.best.cost_per_hour - found.baseline_cost_per_hour
    )
    assert best["Meets every SLA"] == "yes"
    assert len(as_dicts(book["Runners-up"])) == len(found.runners_up)
    candidates = as_dicts(book["Candidates"])
    assert [c["Cost per hour"] for c in candidates] == [c.cost_per_hour for c in found.simulated]
    summary = {r[0]: r[1] for r in rows(book["Summary"])[1:]}
    assert summary["Plans within the bounds"] == found.total


def read_csv(path: Path) -> list[dict[str, str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_folder(records: dict[str, Record], tmp_path: Path) -> None:
    comparison = records["comparison"]
    assert isinstance(comparison, Comparison)
    written = write_csv_folder(comparison, tmp_path / "csv")
    assert [p.name for p in written] == [
        "summary.csv",
        "comparison_qc-sample-20pct.csv",
        "comparison_qc-sample-20pct-plus-3-reviewers.csv",
        "kpis.csv", "stages.csv", "resources.csv", "slas.csv", "bottlenecks.csv",
        "replications.csv", "time_series.csv", "cycle_time_distribution.csv",
    ]  # fmt: skip
    kpis = {r["Key"]: r for r in read_csv(tmp_path / "csv" / "kpis.csv")}
    p90 = comparison.baseline.kpis["cycle_time.p90"]
    assert kpis["cycle_time.p90"]["KPI"] == "cycle time p90 (min)"
    assert float(kpis["cycle_time.p90"]["Mean"]) == p90.mean  # full precision
    # shares as percentages under a "(%)" header
    escaped = comparison.baseline.kpis["escaped_defect_rate"].mean
    assert kpis["escaped_defect_rate"]["KPI"] == "escaped defects (%)"
    assert float(kpis["escaped_defect_rate"]["Mean"]) == pytest.approx(escaped * 100, rel=1e-12)
    scenario = comparison.scenarios[0]
    table = read_csv(tmp_path / "csv" / "comparison_qc-sample-20pct.csv")
    assert {r["Key"] for r in table} == set(scenario.differences)
    for row in table:
        d = scenario.differences[row["Key"]]
        assert row["Significant"] == ("yes" if d.significant else "no")
        factor = 100 if row["KPI"].endswith("(%)") else 1
        assert float(row["Change"]) == pytest.approx(d.change.mean * factor, rel=1e-12, abs=1e-12)


def test_csv_names_in_any_script(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(CHINESE, encoding="utf-8")
    process = procflow.load(tmp_path / "p.yaml")
    results = procflow.simulate(
        process, procflow.RunSettings(horizon=240, warmup=30), replications=2, seed=3
    )
    write_csv_folder(results, tmp_path / "out")
    stages = read_csv(tmp_path / "out" / "stages.csv")
    assert [r["Stage"] for r in stages] == ["初审", "完成"]
    resources = read_csv(tmp_path / "out" / "resources.csv")
    assert resources[0]["Pool"] == "审核员"
    assert resources[0]["Staff (people)"] == "4"
    replications = read_csv(tmp_path / "out" / "replications.csv")
    assert "SLA 90% 一小时内完成 attained (%)" in replications[0]
    write_workbook(results, tmp_path / "out.xlsx")
    book = load_workbook(tmp_path / "out.xlsx")
    assert [r[0] for r in rows(book["Stages"])[1:]] == ["初审", "完成"]


def test_csv_never_overwrites_silently(records: dict[str, Record], tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    write_csv_folder(records["sweep"], folder)  # other files in the folder are no obstacle
    (folder / "sweep.csv").write_text("edited by hand", encoding="utf-8")
    with pytest.raises(FileExistsError, match=r"summary\.csv, sweep\.csv, sweep_intervals\.csv"):
        write_csv_folder(records["sweep"], folder)
    assert (folder / "sweep.csv").read_text(encoding="utf-8") == "edited by hand"
    written = write_csv_folder(records["sweep"], folder, overwrite=True)
    assert folder / "sweep.csv" in written
    assert read_csv(folder / "sweep.csv")[0]["Point"] == "1"
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in folder.iterdir()) == [
        "notes.txt", "summary.csv", "sweep.csv", "sweep_intervals.csv",
    ]  # fmt: skip
