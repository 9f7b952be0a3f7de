"""``procflow validate``: a model held against an event log, measure by measure.

The history here is a log ``procflow simulate --events`` wrote: from the same
process with another seed, every measure must fall within its interval (the
intervals hold together at 95%, so a true model fails this about one time in
twenty; the seeds are fixed, so the test is deterministic) and the verdict is
fit (rows on fewer than 30 observations, such as the rare page to the lead,
are shown but do not count); from the process with its live review twice as
slow, the verdict is "not fit" and names that activity.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from models import ROOT, run
from procflow.decide.validate import stage_map, validate
from procflow.eventlog.profile import Lens, profile_of
from procflow.eventlog.visit import Visit
from procflow.results.fidelity import fidelity_from_json, fidelity_to_json
from procflow.scenario import load_any

PROCESS = ROOT / "processes" / "live_stream_reports.yaml"
DATA = ROOT.parent / "shared" / "data" / "event_logs"
HORIZON = "12 hours"


def _history(folder: Path, source: Path, seed: int) -> Path:
    log = folder / f"history-{seed}.csv"
    result = run("simulate", str(source), "--horizon", HORIZON, "-r", "1", "--seed", str(seed),
                 "--events", str(log), "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    return log


@pytest.fixture(scope="module")
def same(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve hours of history from the bundled process itself (seed 3)."""
    return _history(tmp_path_factory.mktemp("same"), PROCESS, 3)


@pytest.fixture(scope="module")
def slower(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve hours of history from the process with live_review taking twice as long."""
    folder = tmp_path_factory.mktemp("slower")
    text = PROCESS.read_text(encoding="utf-8")
    changed = text.replace(
        "duration: {exponential: {mean: 3 min}}", "duration: {exponential: {mean: 6 min}}"
    )
    assert changed != text
    source = folder / "slower.yaml"
    source.write_text(changed, encoding="utf-8")
    return _history(folder, source, 3)


def test_the_same_process_reproduces_its_own_history(same: Path) -> None:
    """Every measure within its interval, and the verdict: fit for what-if questions."""
    record = validate(load_any(str(PROCESS))[0], same, replications=10, seed=1)
    outside = [r.key for r in record.rows if not r.within and not r.few]
    assert outside == []
    assert record.verdict.fit == "fit"
    keys = {r.key for r in record.rows}
    assert {"throughput_per_day", "cycle_time.p90", "stages.live_review.waiting_time",
            "stages.live_review.handling_time", "resources.live_moderator.utilization",
            "variants.1.share"} <= keys  # fmt: skip
    assert record.unmapped == () and record.unused == ()
    assert [d.key for d in record.distances] == ["cycle_time", "events", "circadian", "arrivals"]


def test_a_changed_process_is_not_fit_and_the_activity_is_named(slower: Path) -> None:
    """History with a twice-as-slow live review: not fit, weakest part at live_review."""
    record = validate(load_any(str(PROCESS))[0], slower, replications=10, seed=1)
    assert record.verdict.fit == "poor"
    assert record.verdict.weakest is not None
    assert record.verdict.weakest.startswith("stages.live_review.")
    handling = next(r for r in record.rows if r.key == "stages.live_review.handling_time")
    assert handling.off
    assert handling.real / handling.simulated.mean == pytest.approx(2.0, rel=0.1)


def test_the_command_exits_1_for_a_poor_fit_and_writes_every_output(
    slower: Path, tmp_path: Path
) -> None:
    """JSON, HTML with both overlay charts, a workbook and CSV tables; ``procflow report``
    makes the same HTML from the JSON."""
    report, out = tmp_path / "validation.html", tmp_path / "validation.json"
    result = run("validate", str(PROCESS), str(slower), "-r", "4", "--format", "json",
                 "-o", str(out), "--report", str(report), "--xlsx", str(tmp_path / "v.xlsx"),
                 "--csv", str(tmp_path / "tables"))  # fmt: skip
    assert result.exit_code == 1
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["kind"] == "validation"
    assert document["verdict"]["fit"] == "poor"
    assert fidelity_to_json(fidelity_from_json(document)) == document
    html = report.read_text(encoding="utf-8")
    assert html.count("<svg") >= 2
    assert (tmp_path / "v.xlsx").stat().st_size > 0
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == [
        "distances.csv",
        "validation.csv",
    ]
    again = tmp_path / "again.html"
    assert run("report", str(out), "--process", str(PROCESS), "-o", str(again)).exit_code == 0
    assert again.read_text(encoding="utf-8") == html


def test_the_command_prints_a_table_and_markdown(same: Path) -> None:
    text = run("validate", str(PROCESS), str(same), "-r", "3")
    assert text.exit_code == 0
    assert "live_review handling time" in text.output
    markdown = run("validate", str(PROCESS), str(same), "-r", "3", "--format", "markdown")
    assert markdown.exit_code == 0
    assert markdown.output.startswith("# Validation: ")


def test_an_xes_log_without_queue_times_validates(tmp_path: Path) -> None:
    """XES has no enqueue event: waits run from the previous end, on both sides alike."""
    log = tmp_path / "history.xes"
    result = run("simulate", str(PROCESS), "--horizon", "6 hours", "--warmup", "0 min", "-r", "1",
                 "--seed", "4", "--events", str(log), "--format", "json")  # fmt: skip
    assert result.exit_code == 0
    record = validate(load_any(str(PROCESS))[0], log, replications=5, seed=1)
    assert record.verdict.fit != "poor"
    first = next(r for r in record.rows if r.key == "stages.live_review.waiting_time")
    assert first.real == 0.0  # every case's first activity: arrival is its start


def test_unmatched_activities_and_stages_are_listed(same: Path, tmp_path: Path) -> None:
    """An activity renamed beyond recognition is listed, and so is the stage it was."""
    renamed = tmp_path / "renamed.csv"
    text = same.read_text(encoding="utf-8")
    renamed.write_text(
        text.replace(",urgent_review,", ",Urgent Review,").replace(",lead_review,", ",page lead,"),
        encoding="utf-8",
    )
    record = validate(load_any(str(PROCESS))[0], renamed, replications=3, seed=1)
    assert record.unmapped == ("page lead",)
    assert record.unused == ("lead_review",)
    assert any(r.key == "stages.urgent_review.handling_time" for r in record.rows)


def _moved(source: Path, target: Path, change: Callable[[datetime], datetime]) -> Path:
    """The log with every timestamp changed."""
    stamp = re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+[+-]\d\d:\d\d")
    text = source.read_text(encoding="utf-8")
    moved = stamp.sub(
        lambda m: change(datetime.fromisoformat(m[0])).isoformat(timespec="milliseconds"), text
    )
    target.write_text(moved, encoding="utf-8")
    return target


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda t: t + timedelta(days=7), id="a-week-later"),
        pytest.param(lambda t: t.replace(tzinfo=timezone(timedelta(hours=2))), id="at-plus-2h"),
    ],
)
def test_the_period_lines_up_with_the_week_by_the_logs_wall_clock(
    same: Path, tmp_path: Path, change: Callable[[datetime], datetime]
) -> None:
    """A week later, or the same wall-clock times at another offset: the same place in the
    week, so the same numbers."""
    process = load_any(str(PROCESS))[0]
    before = validate(process, same, replications=3, seed=1)
    after = validate(process, _moved(same, tmp_path / "moved.csv", change), replications=3, seed=1)
    assert [(r.key, r.real, r.simulated) for r in after.rows] == [
        (r.key, r.real, r.simulated) for r in before.rows
    ]


def test_activities_map_to_stages_by_name_and_the_others_are_listed() -> None:
    process = load_any(str(PROCESS))[0]
    mapping, unmapped = stage_map(
        ["Live Review", "urgent-review", "lead_review", "triage"], process
    )
    assert mapping == {"Live Review": "live_review", "urgent-review": "urgent_review",
                       "lead_review": "lead_review"}  # fmt: skip
    assert unmapped == ["triage"]


def test_without_enqueue_times_a_wait_runs_from_the_previous_end() -> None:
    """Case a: review 0-2, then qa 5-6: qa waited 3; the first visit's wait is 0."""
    visits = [
        Visit("a", "review", None, None, 0.0, 2.0, {}),
        Visit("a", "qa", None, None, 5.0, 6.0, {}),
        Visit("b", "review", None, None, 60.0, 61.0, {}),
    ]
    lens = Lens({}, frozenset(), {"review": "team", "qa": "team"}, {"team": 1.0},
                0.0, 60.0, 0.0, 1 / 60, False)  # fmt: skip
    profile = profile_of(visits, lens)
    assert profile.values["stages.qa.waiting_time"] == 3.0
    assert profile.values["stages.review.waiting_time"] == 0.0
    assert profile.values["cycle_time.mean"] == pytest.approx((6.0 + 1.0) / 2)
    assert profile.values["resources.team.utilization"] == pytest.approx(3.0 / 60)
    assert profile.variants == {"review → qa": 1, "review": 1}


def test_activities_that_overlap_in_time_are_one_variant_whichever_started_first() -> None:
    """Two labels worked at once (a split) then an adjudication: the case that started
    label_b a moment earlier took the same path; a label after the other has ended did not."""
    visits = [
        Visit("a", "label_a", None, None, 0.0, 3.0, {}),
        Visit("a", "label_b", None, None, 1.0, 2.0, {}),
        Visit("a", "adjudicate", None, None, 4.0, 5.0, {}),
        Visit("b", "label_b", None, None, 0.0, 2.0, {}),
        Visit("b", "label_a", None, None, 1.0, 4.0, {}),
        Visit("b", "adjudicate", None, None, 4.0, 5.0, {}),
        Visit("c", "label_b", None, None, 0.0, 2.0, {}),
        Visit("c", "label_a", None, None, 2.0, 3.0, {}),
    ]
    lens = Lens({}, frozenset(), {}, {}, 0.0, 60.0, 0.0, 1 / 60, False)
    assert profile_of(visits, lens).variants == {
        "label_a → label_b → adjudicate": 2,
        "label_b → label_a": 1,
    }


def test_a_missing_log_exits_2_with_its_location(tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    result = run("validate", str(PROCESS), str(missing))
    assert result.exit_code == 2
    assert f"{missing}:1:1: PF020" in result.output


def test_an_unknown_column_exits_2_with_its_location(same: Path) -> None:
    result = run("validate", str(PROCESS), str(same), "--case", "ticket")
    assert result.exit_code == 2
    assert f"{same}:1:1: PF020" in result.output


def test_a_log_without_a_period_exits_2(tmp_path: Path) -> None:
    """One case is no period to simulate: PF020 at the file."""
    log = tmp_path / "one.csv"
    log.write_text(
        "case_id,activity,start_timestamp,end_timestamp\n"
        "1,live_review,2026-01-05T09:00:00Z,2026-01-05T09:03:00Z\n",
        encoding="utf-8",
    )
    result = run("validate", str(PROCESS), str(log))
    assert result.exit_code == 2
    assert f"{log}:1:1: PF020" in result.output


def test_a_missing_model_exits_2(same: Path, tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nope.yaml"), str(same))
    assert result.exit_code == 2


#: The real logs (../shared/data/event_logs, see its README): the log to fit, the log to
#: validate against, and their time columns.
REAL_LOGS = [
    pytest.param(
        "LoanApp_simplified_train.csv.gz", "LoanApp_simplified_test.csv.gz",
        ["--start", "start_time", "--end", "end_time"], id="loanapp-train-test",
    ),
    pytest.param(
        "PurchasingExample.csv.gz", "PurchasingExample.csv.gz",
        ["--start", "start_time", "--end", "end_time"], id="purchasing-itself",
    ),
]  # fmt: skip


@pytest.mark.skipif(
    importlib.util.find_spec("procflow.calibrate") is None,
    reason="procflow.calibrate is not in this build (issue #11, item 1)",
)
@pytest.mark.skipif(not DATA.is_dir(), reason=f"the real event logs are not at {DATA}")
@pytest.mark.parametrize(("train", "test", "columns"), REAL_LOGS)
def test_a_model_calibrated_on_a_real_log_validates(
    train: str, test: str, columns: list[str], tmp_path: Path
) -> None:
    """Calibrate on one log, validate on another (or itself): a table, every distance, every
    activity matched to a stage of the fitted file."""
    fitted = tmp_path / "fitted.yaml"
    calibrated = run("calibrate", str(DATA / train), "--out", str(fitted), *columns)
    assert calibrated.exit_code in (0, 1), calibrated.output
    result = run("validate", str(fitted), str(DATA / test), *columns, "--format", "json",
                 "-r", "5")  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.output)
    assert document["rows"]
    assert document["unmapped_activities"] == []
    assert all(d["hours"]["mean"] is not None for d in document["distances"].values())


def test_an_error_many_times_a_real_value_near_zero_reads_as_a_factor() -> None:
    """A real wait of 0.1 s simulated as an hour: "over 10×", not "+3599900%"; an error
    of a fifth stays a percentage."""
    from procflow.report.fidelity import row_cells
    from procflow.results.estimate import Estimate
    from procflow.results.fidelity import FidelityRow

    def error(real: float, simulated: float) -> str:
        row = FidelityRow("stages.a.waiting_time", "a mean wait", "time", real,
                          Estimate(simulated, simulated, simulated, 5))  # fmt: skip
        return row_cells(row, "minute")[4]

    assert error(0.1 / 60, 60.0).endswith("(over 10×)")
    assert error(10.0, 12.0).endswith("(+20%)")
