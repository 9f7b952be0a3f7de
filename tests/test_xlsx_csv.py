"""Excel workbooks and CSV folders built from the JSON documents of simulate, compare, sweep
and optimize: read back with openpyxl and csv, the values are the JSON's."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import procflow
from models import EXAMPLE, QC_20, QC_20_PLUS_3
from procflow.cli import main
from procflow.report.csvout import write_csv_folder
from procflow.report.xlsx import kpi_label, write_workbook
from procflow.results import document_kind, to_json

SCENARIOS = [QC_20, QC_20_PLUS_3]
QUICK = ["-r", "2", "--horizon", "6 hours", "--warmup", "1 hour", "--format", "json"]

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
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """One small real document of each kind, written by the command line."""
    folder = tmp_path_factory.mktemp("docs")
    commands = {
        "results": ["simulate", str(EXAMPLE)],
        "comparison": ["compare", str(EXAMPLE), *map(str, SCENARIOS)],
        "sweep": ["sweep", str(EXAMPLE), "--set", "resources.qc_reviewer.count=8,9"],
        "optimization": [
            "optimize",
            str(EXAMPLE),
            "--pool",
            "annotator=43:44",
            "--pool",
            "qc_reviewer=8:9",
        ],
    }
    out = {}
    for kind, args in commands.items():
        path = folder / f"{kind}.json"
        result = CliRunner().invoke(main, [*args, *QUICK, "-o", str(path)])
        assert result.exit_code == 0, result.output
        out[kind] = json.loads(path.read_text(encoding="utf-8"))
    return out


def rows(sheet: Any) -> list[list[Any]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def as_dicts(sheet: Any) -> list[dict[str, Any]]:
    header, *body = rows(sheet)
    return [dict(zip(header, r, strict=True)) for r in body]


def same(a: Any, b: Any) -> bool:
    if isinstance(b, float) and isinstance(a, int | float):
        return a == pytest.approx(b, rel=1e-12, abs=1e-12)
    return bool(a == b)


def test_document_kinds(docs: dict[str, dict[str, Any]]) -> None:
    for kind, doc in docs.items():
        assert document_kind(doc) == kind
    with pytest.raises(ValueError, match="not a procflow results document"):
        document_kind({"hello": 1})


def test_results_workbook(docs: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    doc = docs["results"]
    path = tmp_path / "out" / "results.xlsx"
    write_workbook(doc, path)
    assert [p.name for p in path.parent.iterdir()] == ["results.xlsx"]  # no temporary left
    book = load_workbook(path)
    assert book.sheetnames == RESULT_SHEETS
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])

    summary = {r[0]: r[1] for r in rows(book["Summary"])[1:]}
    assert summary["Verdict"] == doc["verdict"]
    assert summary["Stable (simulated)"] == ("yes" if doc["stable"] else "no")
    assert summary["Replications"] == 2
    assert summary["Horizon (min)"] == doc["settings"]["horizon"] == 360

    kpis = {r["Key"]: r for r in as_dicts(book["KPIs"])}
    p90 = kpis["cycle_time.p90"]
    assert p90["KPI"] == "Cycle time p90 (min)"
    assert same(p90["Mean"], doc["kpis"]["cycle_time"]["p90"]["mean"])
    assert same(p90["95% low"], doc["kpis"]["cycle_time"]["p90"]["ci95"][0])
    assert same(p90["95% high"], doc["kpis"]["cycle_time"]["p90"]["ci95"][1])
    assert kpis["cost_per_item"]["KPI"] == "Cost per item"
    assert same(kpis["cost_per_item"]["Mean"], doc["kpis"]["cost_per_item"]["mean"])
    assert kpis["rework_rate"]["KPI"] == "Rework rate (%)"

    resources = book["Resources"]
    header = rows(resources)[0]
    assert "Utilization (%)" in header
    pools = {r["Pool"]: r for r in as_dicts(resources)}
    assert set(pools) == set(doc["resources"])
    qc = doc["resources"]["qc_reviewer"]
    assert same(pools["qc_reviewer"]["Utilization (%)"], qc["utilization"]["mean"])
    assert same(pools["qc_reviewer"]["Busy, 95% high (people)"], qc["busy"]["ci95"][1])
    assert resources.cell(2, header.index("Utilization (%)") + 1).number_format == "0.0%"

    stages = {r["Stage"]: r for r in as_dicts(book["Stages"])}
    assert list(stages) == list(doc["stages"])
    label = doc["stages"]["label"]
    assert same(stages["label"]["Mean wait (min)"], label["waiting_time"]["mean"])
    assert same(stages["label"]["Wait p90, 95% low (min)"], label["waiting_time_p90"]["ci95"][0])
    assert stages["delivered"]["Mean wait (min)"] is None  # an end stage has no queue

    (sla,) = as_dicts(book["SLAs"])
    assert sla["SLA"] == doc["slas"][0]["name"]
    assert sla["Within (min)"] == doc["slas"][0]["max"]
    assert same(sla["Attained (%)"], doc["slas"][0]["attained"]["mean"])

    bottlenecks = as_dicts(book["Bottlenecks"])
    assert [b["Name"] for b in bottlenecks] == [b["name"] for b in doc["bottlenecks"]]
    assert [b["Evidence"] for b in bottlenecks] == [b["reason"] for b in doc["bottlenecks"]]

    replications = as_dicts(book["Replications"])
    names = [s["name"] for s in doc["slas"]]
    assert [r["Replication"] for r in replications] == [1, 2]
    for row, rep in zip(replications, doc["replications"], strict=True):
        for key, value in rep.items():
            assert same(row[kpi_label(key, "min", names)[0]], value), key
    assert f"SLA attained: {names[0]} (%)" in replications[0]
    assert "qc_reviewer utilization (%)" in replications[0]

    series = as_dicts(book["Time series"])
    assert len(series) == len(doc["series"]["time"])
    assert same(series[-1]["Time (min)"], doc["series"]["time"][-1])
    assert same(series[-1]["label queue (items)"], doc["series"]["queue.label"][-1])
    assert "annotator working (people)" in series[0]


def test_time_unit_in_headers(docs: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    doc = copy.deepcopy(docs["results"])
    doc["settings"]["time_unit"] = "hour"
    write_workbook(doc, tmp_path / "h.xlsx")
    book = load_workbook(tmp_path / "h.xlsx")
    assert "Cycle time p90 (h)" in [r[0] for r in rows(book["KPIs"])]
    assert "Mean wait (h)" in rows(book["Stages"])[0]


def test_comparison_workbook(docs: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    doc = docs["comparison"]
    write_workbook(doc, tmp_path / "c.xlsx")
    book = load_workbook(tmp_path / "c.xlsx")
    assert book.sheetnames[:3] == [
        "Summary",
        "vs qc-sample-20pct",
        "vs qc-sample-20pct-plus-3-revie",  # Excel allows 31 characters
    ]
    assert book.sheetnames[3:] == RESULT_SHEETS[1:]  # the baseline's own sheets
    summary = {r[0]: r[1] for r in rows(book["Summary"])[1:]}
    assert summary["Baseline verdict"] == doc["baseline"]["verdict"]
    for scenario, title in zip(doc["scenarios"], book.sheetnames[1:3], strict=True):
        assert summary[f"Scenario {scenario['name']}: verdict"] == scenario["verdict"]
        sheet = book[title]
        assert rows(sheet)[0] == [
            "KPI", "Baseline", "Scenario", "Change", "95% low", "95% high", "Significant", "Key",
        ]  # fmt: skip
        table = {r["Key"]: r for r in as_dicts(sheet)}
        assert list(table) == list(scenario["differences"])
        for key, d in scenario["differences"].items():
            row = table[key]
            assert row["KPI"] == kpi_label(key, "min", ["x"])[0]
            assert same(row["Baseline"], d["baseline"])
            assert same(row["Scenario"], d["scenario"])
            assert same(row["Change"], d["mean"])
            assert same(row["95% low"], d["ci95"][0])
            assert same(row["95% high"], d["ci95"][1])
            assert row["Significant"] == ("yes" if d["significant"] else "no")
        assert table["cycle_time.p90"]["KPI"] == "Cycle time p90 (min)"
        shares = [
            c for c in sheet["D"] if c.row > 1 and "utilization" in str(sheet[f"H{c.row}"].value)
        ]
        assert shares and all(c.number_format == "+0.0%;-0.0%;0.0%" for c in shares)


def test_sweep_workbook(docs: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    doc = docs["sweep"]
    write_workbook(doc, tmp_path / "s.xlsx")
    book = load_workbook(tmp_path / "s.xlsx")
    assert book.sheetnames == ["Summary", "Sweep", "Sweep intervals"]
    points = as_dicts(book["Sweep"])
    assert len(points) == len(doc["points"]) == 2
    for row, point in zip(points, doc["points"], strict=True):
        assert row["resources.qc_reviewer.count"] == point["changes"]["resources.qc_reviewer.count"]
        assert row["Planned staff cost per hour"] == point["cost_per_hour"]
        assert row["Verdict"] == point["verdict"]
        assert same(row["Cycle time p90 (min)"], point["kpis"]["cycle_time.p90"]["mean"])
        assert same(
            row["qc_reviewer utilization (%)"],
            point["kpis"]["resources.qc_reviewer.utilization"]["mean"],
        )
    intervals = as_dicts(book["Sweep intervals"])
    first = next(r for r in intervals if r["Point"] == 1 and r["Key"] == "cycle_time.p90")
    assert same(first["95% high"], doc["points"][0]["kpis"]["cycle_time.p90"]["ci95"][1])


def test_optimize_workbook(docs: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    doc = docs["optimization"]
    write_workbook(doc, tmp_path / "o.xlsx")
    book = load_workbook(tmp_path / "o.xlsx")
    assert book.sheetnames == ["Summary", "Best", "Runners-up", "Candidates"]
    (best,) = as_dicts(book["Best"])
    assert best["annotator staff (people)"] == doc["best"]["counts"]["annotator"]
    assert best["Cost per hour"] == doc["best"]["cost_per_hour"]
    assert (
        best["Change in cost per hour"]
        == doc["best"]["cost_per_hour"] - doc["baseline_cost_per_hour"]
    )
    assert best["Meets every SLA"] == "yes"
    assert len(as_dicts(book["Runners-up"])) == len(doc["runners_up"])
    candidates = as_dicts(book["Candidates"])
    assert [c["Cost per hour"] for c in candidates] == [
        c["cost_per_hour"] for c in doc["candidates"]
    ]
    summary = {r[0]: r[1] for r in rows(book["Summary"])[1:]}
    assert summary["Plans within the bounds"] == doc["plans_in_bounds"]


def read_csv(path: Path) -> list[dict[str, str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_folder(docs: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    doc = docs["comparison"]
    written = write_csv_folder(doc, tmp_path / "csv")
    assert [p.name for p in written] == [
        "summary.csv",
        "comparison_qc-sample-20pct.csv",
        "comparison_qc-sample-20pct-plus-3-reviewers.csv",
        "kpis.csv", "stages.csv", "resources.csv", "slas.csv", "bottlenecks.csv",
        "replications.csv", "time_series.csv", "cycle_time_distribution.csv",
    ]  # fmt: skip
    kpis = {r["Key"]: r for r in read_csv(tmp_path / "csv" / "kpis.csv")}
    p90 = doc["baseline"]["kpis"]["cycle_time"]["p90"]
    assert kpis["cycle_time.p90"]["KPI"] == "Cycle time p90 (min)"
    assert float(kpis["cycle_time.p90"]["Mean"]) == p90["mean"]  # full precision
    # shares as percentages under a "(%)" header
    rework = doc["baseline"]["kpis"]["rework_rate"]["mean"]
    assert float(kpis["rework_rate"]["Mean"]) == pytest.approx(rework * 100, rel=1e-12)
    scenario = doc["scenarios"][0]
    table = read_csv(tmp_path / "csv" / "comparison_qc-sample-20pct.csv")
    assert [r["Key"] for r in table] == list(scenario["differences"])
    for row in table:
        d = scenario["differences"][row["Key"]]
        assert row["Significant"] == ("yes" if d["significant"] else "no")
        factor = 100 if row["KPI"].endswith("(%)") else 1
        assert float(row["Change"]) == pytest.approx(d["mean"] * factor, rel=1e-12, abs=1e-12)


def test_csv_names_in_any_script(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(CHINESE, encoding="utf-8")
    process = procflow.load(tmp_path / "p.yaml")
    results = procflow.simulate(
        process, procflow.RunSettings(horizon=240, warmup=30), replications=2, seed=3
    )
    doc = json.loads(json.dumps(to_json(results)))
    write_csv_folder(doc, tmp_path / "out")
    stages = read_csv(tmp_path / "out" / "stages.csv")
    assert [r["Stage"] for r in stages] == ["初审", "完成"]
    resources = read_csv(tmp_path / "out" / "resources.csv")
    assert resources[0]["Pool"] == "审核员"
    assert resources[0]["Staff (people)"] == "4"
    replications = read_csv(tmp_path / "out" / "replications.csv")
    assert "SLA attained: 90% 一小时内完成 (%)" in replications[0]
    write_workbook(doc, tmp_path / "out.xlsx")
    book = load_workbook(tmp_path / "out.xlsx")
    assert [r[0] for r in rows(book["Stages"])[1:]] == ["初审", "完成"]


def test_csv_never_overwrites_silently(docs: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    write_csv_folder(docs["sweep"], folder)  # other files in the folder are no obstacle
    (folder / "sweep.csv").write_text("edited by hand", encoding="utf-8")
    with pytest.raises(FileExistsError, match=r"summary\.csv, sweep\.csv, sweep_intervals\.csv"):
        write_csv_folder(docs["sweep"], folder)
    assert (folder / "sweep.csv").read_text(encoding="utf-8") == "edited by hand"
    written = write_csv_folder(docs["sweep"], folder, overwrite=True)
    assert folder / "sweep.csv" in written
    assert read_csv(folder / "sweep.csv")[0]["Point"] == "1"
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in folder.iterdir()) == [
        "notes.txt", "summary.csv", "sweep.csv", "sweep_intervals.csv",
    ]  # fmt: skip


def test_other_documents_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a procflow results document"):
        write_workbook({"findings": []}, tmp_path / "x.xlsx")
    with pytest.raises(ValueError, match="not a procflow results document"):
        write_csv_folder({"findings": []}, tmp_path / "csv")
    assert not list(tmp_path.iterdir())
