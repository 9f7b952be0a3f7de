"""Backlog snapshots: the CSV contract, its time, and PF022 at the row and column of a problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from models import PROCESSES, ROOT
from procflow.cli import main
from procflow.diagnostics import LoadError
from procflow.model.snapshot import parse_time, read_snapshot
from procflow.scenario import load_any

FIXTURES = ROOT / "tests" / "fixtures" / "rules" / "PF022"
QUEUE = load_any(str(PROCESSES / "multilingual_review_queue.yaml"))[0]


def located(path: Path, at: str | None = None) -> list[tuple[str, int, int]]:
    with pytest.raises(LoadError) as caught:
        read_snapshot(path, QUEUE, parse_time(at) if at else None)
    return [(f.code, f.location.line, f.location.col) for f in caught.value.findings]


def test_a_good_snapshot_reads_every_item_with_its_age_state_and_attributes() -> None:
    """Ages are hours before the snapshot's time; attributes take the process's values."""
    snapshot = read_snapshot(FIXTURES / "good.csv", QUEUE)
    assert snapshot.at == parse_time("2026-12-01T09:00")
    first, second = snapshot.items
    assert (first.stage, first.age_hours, first.state) == ("review_en", 23.0, "waiting")
    assert dict(first.attributes) == {"market": "US"}
    assert (second.state, round(second.age_hours * 60)) == ("in_progress", 5)
    assert snapshot.week_minutes == 1440 + 9 * 60  # Tuesday 09:00


def test_every_bad_row_is_located_at_its_cell() -> None:
    """Unknown stage, arrival after the snapshot, end stage, unknown value, in progress
    where nobody works, a date that is not one and an unknown state: each at row:col."""
    assert located(FIXTURES / "bad.csv") == [
        ("PF022", 3, 1),  # review_es: no such stage
        ("PF022", 4, 11),  # arrived after the snapshot time
        ("PF022", 5, 1),  # actioned is an end stage
        ("PF022", 6, 36),  # market ES is not a value
        ("PF022", 7, 34),  # in progress at a decision
        ("PF022", 8, 11),  # 'yesterday' is not a date-time
        ("PF022", 8, 21),  # state 'paused'
    ]


def test_at_overrides_the_file_line_and_a_file_without_time_needs_at(tmp_path: Path) -> None:
    """--at wins over '# snapshot:'; without either the file is refused at 1:1."""
    snapshot = read_snapshot(FIXTURES / "good.csv", QUEUE, parse_time("2026-12-02T09:00"))
    assert snapshot.items[0].age_hours == 47.0
    bare = tmp_path / "bare.csv"
    bare.write_text("stage,arrived\nreview_en,2026-11-30T10:00\n", encoding="utf-8")
    assert located(bare) == [("PF022", 1, 1)]
    assert read_snapshot(bare, QUEUE, parse_time("2026-11-30T12:00")).items[0].age_hours == 2.0


def test_offsets_are_honoured_when_both_times_carry_one(tmp_path: Path) -> None:
    """An arrival at 08:00+00:00 is 2 hours before a snapshot at 11:00+01:00."""
    path = tmp_path / "s.csv"
    path.write_text(
        "# snapshot: 2026-12-01T11:00+01:00\nstage,arrived\nreview_en,2026-12-01T08:00+00:00\n",
        encoding="utf-8",
    )
    assert read_snapshot(path, QUEUE).items[0].age_hours == 2.0


def test_a_missing_column_and_a_bad_time_line_are_located(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("# snapshot: 2026-12-01T09:00\nstage,when\nreview_en,x\n", encoding="utf-8")
    assert located(path) == [("PF022", 2, 1)]
    path.write_text("# snapshot: Tuesday\nstage,arrived\n", encoding="utf-8")
    assert located(path) == [("PF022", 1, 13)]
    assert located(tmp_path / "missing.csv") == [("PF001", 1, 1)]  # unreadable, as any file


def test_the_bundled_snapshot_reads_against_its_process() -> None:
    snapshot = read_snapshot(PROCESSES / "multilingual_backlog.csv", QUEUE)
    assert len(snapshot.items) == 4141
    assert max(i.age_hours for i in snapshot.items) <= 48


COUNTS = """\
snapshot: 2026-12-01T09:00
items:
  - {stage: review_id, count: 4, age: [0 hours, 20 hours], attributes: {market: ID}}
  - {stage: review_en, count: 2, state: in_progress, age: 10 min}
"""


def test_the_yaml_form_counts_items_per_stage_and_age_band(tmp_path: Path) -> None:
    """Four items spread evenly over 0–20 hours (2.5, 7.5, 12.5, 17.5), two of one age."""
    path = tmp_path / "s.yaml"
    path.write_text(COUNTS, encoding="utf-8")
    snapshot = read_snapshot(path, QUEUE)
    assert [i.age_hours for i in snapshot.items[:4]] == [2.5, 7.5, 12.5, 17.5]
    assert dict(snapshot.items[0].attributes) == {"market": "ID"}
    assert [(i.state, i.age_hours * 60) for i in snapshot.items[4:]] == [("in_progress", 10.0)] * 2


def test_yaml_problems_are_located_at_their_key(tmp_path: Path) -> None:
    """An unknown stage, an unknown value, an age band the wrong way round, an unknown key."""
    path = tmp_path / "s.yaml"
    path.write_text(
        "snapshot: 2026-12-01T09:00\n"
        "items:\n"
        "  - {stage: review_xx, count: 4}\n"
        "  - {stage: review_en, count: 4, attributes: {market: ES}}\n"
        "  - {stage: review_en, count: 4, age: [2 days, 1 hour]}\n",
        encoding="utf-8",
    )
    assert located(path) == [("PF022", 3, 13), ("PF022", 4, 55), ("PF022", 5, 39)]
    path.write_text("snapshot: 2026-12-01T09:00\nitems:\n  - {stage: review_en, cnt: 4}\n")
    assert {code for code, _, _ in located(path)} == {"PF010", "PF011"}


def test_lint_checks_a_snapshot_against_its_process() -> None:
    """`procflow lint PROCESS --initial-state SNAPSHOT`: PF022 at row:col, exit 1; clean: 0;
    a folder instead of one process: a usage error (2)."""
    process = str(PROCESSES / "multilingual_review_queue.yaml")
    lint = ["lint", "--format", "json", process, "--initial-state"]
    result = CliRunner().invoke(main, [*lint, str(FIXTURES / "bad.csv")])
    assert result.exit_code == 1
    found = json.loads(result.output)["findings"]
    assert [(f["code"], f["line"], f["column"]) for f in found][:2] == [
        ("PF022", 3, 1),
        ("PF022", 4, 11),
    ]
    assert CliRunner().invoke(main, [*lint, str(FIXTURES / "good.csv")]).exit_code == 0
    folder = ["lint", str(PROCESSES), "--initial-state", str(FIXTURES / "good.csv")]
    assert CliRunner().invoke(main, folder).exit_code == 2


HELD = """# snapshot: 2026-12-01T09:00
# on_shift: reviewer_en=9,  reviewer_id=12
stage,arrived,state,holder,market
review_en,2026-12-01T08:00,,reviewer_en#2,US
review_en,2026-12-01T08:10,in_progress,reviewer_en,US
review_en,2026-12-01T08:20,,3,US
review_en,2026-12-01T08:30,,,US
"""


def test_a_snapshot_says_who_holds_an_item_and_who_is_on_shift(tmp_path: Path) -> None:
    """`# on_shift:` gives people per pool; a holder (pool, pool#person or a person of the
    stage's pool) puts the item in progress; no holder, no state: waiting."""
    path = tmp_path / "held.csv"
    path.write_text(HELD, encoding="utf-8")
    snapshot = read_snapshot(path, QUEUE)
    assert snapshot.on_shift == (("reviewer_en", 9), ("reviewer_id", 12))
    assert [(i.state, i.holder, i.person) for i in snapshot.items] == [
        ("in_progress", "reviewer_en", 2),
        ("in_progress", "reviewer_en", None),
        ("in_progress", "reviewer_en", 3),
        ("waiting", None, None),
    ]


def test_holders_and_people_on_shift_are_checked_where_written(tmp_path: Path) -> None:
    """An unknown pool and a count that is not one in `# on_shift:`; a person holding two
    items, a waiting item with a holder, a pool that does not work at the stage, a person
    beyond the pool's people: PF022 at line:col; `procflow lint` exits 1 with them."""
    path = tmp_path / "held.csv"
    path.write_text(
        "# snapshot: 2026-12-01T09:00\n"
        "# on_shift: reviewer_en=9, reviewr_id=3, reviewer_pt=x\n"
        "stage,arrived,state,resource\n"
        "review_en,2026-12-01T08:00,,reviewer_en#2\n"
        "review_en,2026-12-01T08:00,,reviewer_en#2\n"
        "review_en,2026-12-01T08:00,waiting,reviewer_en\n"
        "review_en,2026-12-01T08:00,,reviewer_id\n"
        "review_en,2026-12-01T08:00,,reviewer_en#99\n",
        encoding="utf-8",
    )
    expected = [
        ("PF022", 2, 28), ("PF022", 2, 54), ("PF022", 5, 29), ("PF022", 6, 36),
        ("PF022", 7, 29), ("PF022", 8, 29),
    ]  # fmt: skip
    assert located(path) == expected
    bare = tmp_path / "bare.csv"  # no state column: the holder says in progress
    bare.write_text(
        "# snapshot: 2026-12-01T09:00\nstage,arrived,holder\nroute_by_market,2026-12-01T08:00,x\n",
        encoding="utf-8",
    )
    assert [line_col for _, *line_col in located(bare)] == [[3, 34], [3, 34]]
    process = str(PROCESSES / "multilingual_review_queue.yaml")
    result = CliRunner().invoke(
        main, ["lint", "--format", "json", process, "--initial-state", str(path)]
    )
    assert result.exit_code == 1
    found = json.loads(result.output)["findings"]
    assert [(f["code"], f["line"], f["column"]) for f in found] == expected


def test_the_yaml_form_takes_on_shift_and_a_groups_holder(tmp_path: Path) -> None:
    """`on_shift:` per pool and a group's `holder:` (a pool: in progress); an unknown pool
    and a negative count are located at their key."""
    path = tmp_path / "s.yaml"
    path.write_text(
        "snapshot: 2026-12-01T09:00\n"
        "on_shift: {reviewer_en: 9}\n"
        "items:\n"
        "  - {stage: review_en, count: 2, holder: reviewer_en, attributes: {market: US}}\n",
        encoding="utf-8",
    )
    snapshot = read_snapshot(path, QUEUE)
    assert snapshot.on_shift == (("reviewer_en", 9),)
    assert [(i.state, i.holder) for i in snapshot.items] == [("in_progress", "reviewer_en")] * 2
    path.write_text(
        "snapshot: 2026-12-01T09:00\n"
        "on_shift: {reviewer_xx: 9}\n"
        "items:\n"
        "  - {stage: review_en, count: 2, holder: reviewer_id}\n",
        encoding="utf-8",
    )
    assert located(path) == [("PF022", 2, 12), ("PF022", 4, 42)]
