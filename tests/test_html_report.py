"""The HTML report: made from the result records, self-contained, and clean in Chromium."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import procflow
from models import QC_20, QC_20_PLUS_3
from procflow.decide.sweep import grid
from procflow.report.html import (
    comparison_html,
    optimization_html,
    render_report,
    results_html,
    sweep_html,
)
from procflow.results import Estimate, Optimization, SweepPoint, from_json, to_json
from procflow.results.jsonio import Record

SCENARIOS = [QC_20, QC_20_PLUS_3]
SETTINGS = procflow.RunSettings(horizon=480, warmup=60)  # a shift of 8 hours, in minutes
REPLICATIONS = 2


def _as_json(record: Record) -> dict[str, Any]:
    """What ``procflow report results.json`` reads: the record's JSON, through JSON text."""
    loaded: dict[str, Any] = json.loads(json.dumps(to_json(record), ensure_ascii=False))
    return loaded


@pytest.fixture(scope="module")
def records(example: procflow.Process) -> dict[str, Record]:
    """One small real run of each kind."""
    results = procflow.simulate(example, SETTINGS, replications=REPLICATIONS, seed=7)
    scenarios = [procflow.load_scenario(path) for path in SCENARIOS]
    comparison = procflow.compare(
        example,
        [(s.name, s.description, s.process) for s in scenarios],
        SETTINGS,
        replications=REPLICATIONS,
        seed=7,
    )
    runs = dataclasses.replace(SETTINGS, replications=REPLICATIONS, seed=1)
    axes = {"resources.annotator.count": [42, 46], "resources.qc_reviewer.count": [7, 9]}
    found = procflow.optimize(
        example,
        {"annotator": (40, 42), "qc_reviewer": (7, 8)},
        SETTINGS,
        replications=REPLICATIONS,
        seed=1,
        runners_up=1,
    )
    return {
        "results": results,
        "comparison": comparison,
        "sweep": procflow.sweep(example, grid(axes), runs),
        "sweep_line": procflow.sweep(example, grid({"resources.qc_reviewer.count": [7, 9]}), runs),
        "optimization": found,
    }


_EXTERNAL = re.compile(
    r"""\b(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I
)


def assert_self_contained(page: str) -> None:
    """Opens with no network: nothing loaded from a URL, no script."""
    assert not _EXTERNAL.findall(page)
    assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", page, re.I)
    assert "@import" not in page
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()


def svg_count(page: str, cls: str) -> int:
    return len(re.findall(rf'<svg class="{cls}"', page))


def sections(page: str) -> set[str]:
    return set(re.findall(r'<section class="[^"]*" id="([^"]+)"', page))


def test_results_report(records: dict[str, Record], example: procflow.Process) -> None:
    page = results_html(records["results"], example)
    assert page.startswith("<!DOCTYPE html>")
    assert_self_contained(page)
    assert {"verdict", "kpis", "slas", "bottlenecks", "charts", "stages", "process"} <= sections(
        page
    )
    # Verdict first, before any table or chart.
    assert page.index('id="verdict"') < page.index('id="kpis"') < page.index('id="charts"')
    assert "Stable; all SLAs met" in page
    assert '<span class="badge ok">fine</span>' in page  # the verdict's tone, in a word
    for label in ("Utilization per staff pool", "Cycle-time distribution", "Queue length over"):
        assert f'aria-label="{label}' in page
    assert svg_count(page, "chart") == 3
    assert svg_count(page, "diagram") == 1
    assert "95% interval" in page and "annotator utilization" in page
    assert "90% delivered within 4 hours" in page
    # The bottlenecks come with their evidence.
    assert re.search(r"annotator</b>.*?utilization \d+\.\d%", page, re.S)


def test_comparison_report(records: dict[str, Record], example: procflow.Process) -> None:
    page = comparison_html(records["comparison"], example)
    assert_self_contained(page)
    assert {"verdict", "process", "baseline"} <= sections(page)
    for name in ("qc-sample-20pct", "qc-sample-20pct-plus-3-reviewers"):
        assert f'id="scenario-{name}"' in page
        assert f"{name}: change of each KPI against the baseline" in page
    # The overloaded QC queue is the headline; the scenario is flagged before any detail.
    verdict = page[page.index('id="verdict"') : page.index('id="scenario-')]
    assert "unstable" in verdict and "do not ship" in verdict
    assert "significant" in page
    # Per scenario a forest plot and its own three charts, then the baseline's three.
    assert svg_count(page, "chart") == 2 * (1 + 3) + 3
    assert page.count("<summary>The scenario's own charts</summary>") == 2
    assert svg_count(page, "diagram") == 1


def test_sweep_report_over_two_axes(records: dict[str, Record], example: procflow.Process) -> None:
    page = sweep_html(records["sweep"], example)
    assert_self_contained(page)
    assert {"verdict", "charts", "points", "process"} <= sections(page)
    assert 'aria-label="Sweep surface"' in page
    assert "p90 cycle time" in page and "staff cost per hour" in page
    assert page.count("<tr") == 1 + 4  # the header and the four points
    assert "feasible" in page


def test_sweep_report_along_one_axis(records: dict[str, Record]) -> None:
    page = sweep_html(records["sweep_line"])
    assert_self_contained(page)
    assert 'aria-label="Sweep along one axis"' in page
    assert svg_count(page, "diagram") == 0  # no process given: no diagram


def test_optimization_report(records: dict[str, Record], example: procflow.Process) -> None:
    found = records["optimization"]
    assert isinstance(found, Optimization)
    page = optimization_html(found, example)
    assert_self_contained(page)
    assert {"verdict", "candidates", "process"} <= sections(page)
    assert 'aria-label="Simulated staffing plans"' in page
    if found.best is not None:
        assert "Cheapest staffing that meets every SLA" in page
        assert "plans" in sections(page)
    else:
        assert "No staffing within the bounds meets every SLA" in page


def test_optimization_report_without_a_plan(records: dict[str, Record]) -> None:
    found = records["optimization"]
    assert isinstance(found, Optimization)
    note = "every plan in the bounds leaves some pool unable to keep up on average"
    none = dataclasses.replace(found, best=None, runners_up=[], simulated=[], notes=[note])
    page = render_report(none)
    assert "No staffing within the bounds meets every SLA" in page
    assert "unable to keep up" in page


def test_render_report_picks_the_report_of_the_record(records: dict[str, Record]) -> None:
    assert "simulation report" in render_report(records["results"])
    assert "comparison report" in render_report(records["comparison"])
    assert "sweep report" in render_report(records["sweep"])
    assert "staffing search report" in render_report(records["optimization"])


@pytest.mark.parametrize("kind", ["results", "comparison", "sweep", "optimization"])
def test_the_saved_json_gives_the_same_report(
    records: dict[str, Record], example: procflow.Process, kind: str
) -> None:
    """``procflow report saved.json`` renders what the command itself would have."""
    record = records[kind]
    assert render_report(from_json(_as_json(record)), example) == render_report(record, example)


def test_ids_are_unique_across_charts(
    records: dict[str, Record], example: procflow.Process
) -> None:
    """Several matplotlib SVGs share one page: their ids (clip paths, markers) must not clash."""
    page = render_report(records["comparison"], example)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for ref in set(re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', page)):
        target = ref[0] or ref[1]
        assert target in ids


def test_only_drawing_a_chart_needs_matplotlib() -> None:
    """The diagrams, the HTML page and the chart records import without loading matplotlib."""
    code = (
        "import sys, procflow.report.diagram, procflow.report.html.page, procflow.report.charts; "
        "print('matplotlib' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "False"


def test_an_older_document_without_series_still_renders(records: dict[str, Record]) -> None:
    doc = {
        k: v
        for k, v in _as_json(records["results"]).items()
        if k not in ("series", "cycle_time_distribution")
    }
    page = render_report(from_json(doc))
    assert svg_count(page, "chart") == 1  # utilization only
    assert "Queue length" not in page


def test_user_text_is_escaped(tmp_path: Path) -> None:
    """Stage, pool and SLA names in any script, and markup-like text, come out as text."""
    path = tmp_path / "审核.yaml"
    path.write_text(
        """\
process: "审核 <流程> & co"
description: "Moderasi konten <script>alert(1)</script>"
time_unit: minute
arrivals:
  - name: "laporan <pengguna>"
    rate: 120 per hour
resources:
  "审核员": {count: 6, cost_per_hour: 10}
  "peninjau & <b>": {count: 3, cost_per_hour: 12}
stages:
  "人工审核":
    resource: "审核员"
    duration: {exponential: {mean: 2}}
    next: "tinjauan <kebijakan>"
  "tinjauan <kebijakan>":
    resource: "peninjau & <b>"
    duration: {exponential: {mean: 1}}
    next: selesai
  selesai:
    end: true
slas:
  - {name: "90% <dalam> 1 jam", metric: cycle_time, percentile: 90, max: 1 hour}
""",
        encoding="utf-8",
    )
    process = procflow.load(path)
    results = procflow.simulate(process, SETTINGS, replications=REPLICATIONS, seed=3)
    page = results_html(results, process)
    assert_self_contained(page)
    for raw in ("<script>", "<kebijakan>", "<pengguna>", "<流程>", "<dalam>", "& <b>"):
        assert raw not in page
    assert "人工审核" in page and "审核员" in page
    assert "tinjauan &lt;kebijakan&gt;" in page
    assert "peninjau &amp; &lt;b&gt;" in page
    assert "审核 &lt;流程&gt; &amp; co" in page


# --------------------------------------------------------------------------- headless Chromium


def _chromium() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM = _chromium()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (Debian: apt-get install chromium); CI installs it",
)


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@needs_chromium
@pytest.mark.parametrize("kind", ["results", "comparison", "sweep", "optimization"])
def test_report_loads_in_chromium_without_console_errors(
    tmp_path: Path,
    records: dict[str, Record],
    example: procflow.Process,
    kind: str,
) -> None:
    page = render_report(records[kind], example)
    report = tmp_path / f"{kind}.html"
    report.write_text(page, encoding="utf-8")
    done = run_chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom", report.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    dom = done.stdout
    # Every chart and the diagram are in the DOM as SVG, with their drawing inside.
    assert dom.count('<svg class="chart"') == svg_count(page, "chart") > 0
    assert dom.count('<svg class="diagram"') == 1
    assert len(re.findall(r"<path\b", dom)) > 20
    assert 'id="verdict"' in dom


@needs_chromium
def test_screenshot_of_the_comparison_report(
    tmp_path: Path, records: dict[str, Record], example: procflow.Process
) -> None:
    from PIL import Image

    report = tmp_path / "comparison.html"
    report.write_text(render_report(records["comparison"], example), encoding="utf-8")
    png = tmp_path / "comparison.png"
    done = run_chromium(tmp_path, f"--screenshot={png}", "--window-size=1280,2400", report.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    with Image.open(png) as image:
        assert image.size == (1280, 2400)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    # Not a blank page: text, badges and charts give many colours.
    assert colours is not None and len(colours) > 200


def test_the_same_record_gives_the_same_file(records: dict[str, Record]) -> None:
    record = records["results"]
    assert render_report(record) == render_report(record)


def test_sweep_over_three_axes_holds_the_others_at_the_cheapest_feasible_point(
    records: dict[str, Record],
) -> None:
    found = records["sweep"]
    assert isinstance(found, procflow.Sweep)
    third = "stages.sample_for_qc.next[1].probability"
    points = []
    for value, feasible in ((0.1, True), (0.2, False)):
        for point in found.points:
            assert point.results is not None
            results = (
                point.results if feasible else dataclasses.replace(point.results, stable=False)
            )
            changes = {**point.changes, third: value}
            points.append(dataclasses.replace(point, changes=changes, results=results))
    points.append(SweepPoint({third: 2}, None, None, "PF201 not a share"))
    page = sweep_html(dataclasses.replace(found, points=points))
    assert_self_contained(page)
    assert f"held at {third} = 0.1" in page
    assert "could not run" in page and "PF201 not a share" in page


def test_a_sweep_point_whose_sla_interval_straddles_the_target_is_undecided_not_feasible(
    records: dict[str, Record],
) -> None:
    """Feasible means the interval says met: a mean above the target is not enough."""
    found = records["sweep"]
    assert isinstance(found, procflow.Sweep)
    point = next(p for p in found.points if p.feasible)
    assert point.results is not None
    sla = point.results.slas[0]
    straddling = Estimate(sla.target + 0.001, sla.target - 0.01, sla.target + 0.01, 5, 0.004)
    slas = [dataclasses.replace(sla, attained=straddling)]
    undecided = dataclasses.replace(point, results=dataclasses.replace(point.results, slas=slas))
    assert slas[0].met and slas[0].outcome == "undecided"
    assert not undecided.feasible
    page = sweep_html(dataclasses.replace(found, points=[undecided]))
    assert "undecided" in page and "None of the 1 points is feasible" in page
