"""Reading event logs back: procflow's own CSV and XES, PM4Py exports, and clear PF020 errors."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from procflow import LoadError, RunSettings, load, simulate
from procflow.cli import main
from procflow.eventlog import open_event_log
from procflow.eventlog.reader import MAX_BYTES, Columns, VisitLog, read_event_log
from procflow.eventlog.visit import Clock, EventSink, Visit, case_order

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "rules" / "PF020"
#: A process with a split and a join: two visits of one item can start together.
CONSENSUS = ROOT / "processes" / "consensus_labeling.yaml"


class Tee:
    """A sink that keeps the visits and passes them on to a writer."""

    def __init__(self, sink: EventSink) -> None:
        self.sink = sink
        self.visits: list[Visit] = []

    def visit(self, visit: Visit) -> None:
        self.visits.append(visit)
        self.sink.visit(visit)


def simulated(path: Path) -> list[Visit]:
    """Run CONSENSUS for three hours, writing the log to ``path``; the visits the engine gave."""
    process = load(CONSENSUS)
    with open_event_log(path, process) as log:
        tee = Tee(log)
        simulate(process, RunSettings(horizon=180), replications=1, seed=11, events=tee)
    return tee.visits


def as_written(time: float) -> datetime:
    """The date the writers give a simulated time: to the millisecond, truncated."""
    moment = Clock("minute").moment(time)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def dated(log: VisitLog) -> list[tuple[object, ...]]:
    moment = log.clock.moment
    return [
        (
            v.case,
            v.stage,
            v.pool,
            None if v.enqueued is None else moment(v.enqueued),
            moment(v.started),
            moment(v.ended),
            dict(v.attributes),
        )
        for v in log.visits
    ]


def expected(visits: list[Visit], *, queues: bool, text: bool) -> list[tuple[object, ...]]:
    rows = [
        (
            v.case,
            v.stage,
            v.pool,
            as_written(v.enqueued) if queues and v.enqueued is not None else None,
            as_written(v.started),
            as_written(v.ended),
            {k: str(a) if text else a for k, a in v.attributes.items()},
        )
        for v in visits
    ]
    return sorted(rows, key=lambda r: (case_order(str(r[0])), r[4], r[5]))


@pytest.mark.parametrize("suffix", [".csv", ".xes"])
def test_a_simulated_log_reads_back_as_the_same_visits(tmp_path, suffix):
    """Every visit comes back, by case and start, with its times to the written millisecond.

    CSV cells are text, so attributes come back as text; XES keeps their types but has no
    enqueue time.
    """
    path = tmp_path / f"events{suffix}"
    visits = simulated(path)
    log = read_event_log(path)
    assert len(log.visits) == len(visits) > 1000
    csv = suffix == ".csv"
    assert dated(log) == expected(visits, queues=csv, text=csv)
    assert log.clock.origin == min(as_written(v.enqueued or v.started) for v in visits)
    assert min(v.started if v.enqueued is None else v.enqueued for v in log.visits) == 0.0


def test_times_are_offsets_in_the_unit_asked(tmp_path):
    """The same log in hours is the log in minutes divided by 60."""
    path = tmp_path / "events.csv"
    simulated(path)
    minutes, hours = read_event_log(path), read_event_log(path, "hour")
    assert hours.clock.origin == minutes.clock.origin
    for m, h in zip(minutes.visits[:100], hours.visits[:100], strict=True):
        assert h.ended == pytest.approx(m.ended / 60, abs=1e-12)


def test_the_cli_logs_read_back_alike(tmp_path):
    """``simulate --events`` in CSV and in XES: the same visits, but for what XES lacks."""
    for suffix in (".csv", ".xes"):
        result = CliRunner().invoke(
            main,
            [
                "simulate", str(CONSENSUS), "-r", "1", "--seed", "5", "--horizon", "2h",
                "--warmup", "0h", "--events", str(tmp_path / f"log{suffix}"),
                "-o", str(tmp_path / "summary.txt"),
            ],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    from_csv = read_event_log(tmp_path / "log.csv")
    from_xes = read_event_log(tmp_path / "log.xes")
    assert [dataclasses.replace(v, enqueued=None) for v in from_csv.visits] == [
        dataclasses.replace(v, attributes={k: str(a) for k, a in v.attributes.items()})
        for v in from_xes.visits
    ]


def test_pm4py_interval_export_reads_like_the_xes(tmp_path):
    """PM4Py's interval CSV (``case:`` columns, ``start_timestamp``, ``@@`` columns) reads as is."""
    pm4py = pytest.importorskip("pm4py", reason="pm4py is installed with the dev extras")
    from pm4py.objects.log.util import interval_lifecycle

    xes = tmp_path / "events.xes"
    simulated(xes)
    intervals = interval_lifecycle.to_interval(pm4py.convert_to_event_log(pm4py.read_xes(str(xes))))
    exported = tmp_path / "export.csv"
    frame = pm4py.convert_to_dataframe(intervals)
    assert {"@@duration", "case:modality", "start_timestamp"} <= set(frame.columns)
    frame.sample(frac=1.0, random_state=1).to_csv(exported, index=False)  # rows in any order
    original = tuple(
        dataclasses.replace(v, attributes={k: str(a) for k, a in v.attributes.items()})
        for v in read_event_log(xes).visits
    )
    # pm4py pairs a case's overlapping visits of one activity (a consensus's labels, done
    # at once) first in, first out, whatever their resource; the XES reader by resource:
    # the visits' starts and ends are the same, and which end goes with which start may not
    visits = read_event_log(exported).visits
    assert len(visits) == len(original)
    for side in ("started", "ended"):
        ours = sorted((v.case, v.stage, getattr(v, side)) for v in original)
        assert sorted((v.case, v.stage, getattr(v, side)) for v in visits) == ours
    assert [v for v in visits if v.stage != "double_label"] == [
        v for v in original if v.stage != "double_label"
    ]


def test_columns_by_name_offsets_honoured_rows_in_any_order(tmp_path):
    """Own column names; ``Z``, ``+02:00`` and no offset (UTC) are one timeline."""
    path = tmp_path / "export.csv"
    path.write_text(
        "Ticket,Step,Agent,Opened,Closed,market\n"
        "T-2,review,ops,2026-03-02 10:15:00+02:00,2026-03-02T08:45:00Z,BR\n"
        "10,triage,,2026-03-02T08:00:00,2026-03-02T08:05:30.5,US\n"
        "T-2,triage,,2026-03-02T08:01:00Z,2026-03-02T08:03:00Z,\n"
        "2,triage,bot,2026-03-02T08:00:00Z,2026-03-02T08:00:00Z,ID\n",
        encoding="utf-8",
    )
    columns = Columns(case="Ticket", stage="Step", pool="Agent", started="Opened", ended="Closed")
    log = read_event_log(path, columns=columns)
    assert log.clock.origin == datetime(2026, 3, 2, 8, tzinfo=UTC)
    assert [(v.case, v.stage, v.pool, v.started, v.ended) for v in log.visits] == [
        ("2", "triage", "bot", 0.0, 0.0),
        ("10", "triage", None, 0.0, 5.5 + 0.5 / 60),
        ("T-2", "triage", None, 1.0, 3.0),
        ("T-2", "review", "ops", 15.0, 45.0),
    ]
    assert [dict(v.attributes) for v in log.visits] == [
        {"market": "ID"},
        {"market": "US"},
        {},
        {"market": "BR"},
    ]


def test_xes_schedule_start_and_complete_pair_into_visits(tmp_path):
    """``schedule`` gives the enqueue time; an unfinished start is left out; types are kept."""
    path = tmp_path / "log.xes"
    event = (
        '<event><string key="concept:name" value="{}"/><string key="org:resource" value="ops"/>'
        '<string key="lifecycle:transition" value="{}"/>'
        '<date key="time:timestamp" value="2026-01-05T09:{:02d}:00Z"/></event>'
    )
    events = [("review", "COMPLETE", 20), ("review", "schedule", 2), ("review", "start", 5)]
    events += [("triage", "complete", 1), ("escalate", "start", 30)]
    path.write_text(
        '<log><trace><string key="concept:name" value="a"/><int key="words" value="420"/>'
        '<boolean key="urgent" value="true"/>'
        + "".join(event.format(*e) for e in events)
        + "</trace></log>",
        encoding="utf-8",
    )
    log = read_event_log(path)
    assert [(v.stage, v.enqueued, v.started, v.ended) for v in log.visits] == [
        ("triage", None, 0.0, 0.0),
        ("review", 1.0, 4.0, 19.0),
    ]
    assert log.visits[0].attributes == {"words": 420, "urgent": True}
    assert log.visits[1].pool == "ops"


def finding(path: Path, **options: object) -> tuple[str, int, int]:
    """The one finding of a log: its error, or its one skipped bad row."""
    try:
        log = read_event_log(path, **options)
    except LoadError as exc:
        findings = exc.findings
        if len(findings) == 2:  # every row is bad: the row, and the file at 1:1
            findings = [f for f in findings if f.location.line != 1]
    else:
        assert log.skipped_rows == 1
        findings = list(log.skipped)
    (only,) = findings
    assert only.location.file == str(path)
    return only.code, only.location.line, only.location.col


def test_bad_rows_are_counted_listed_and_skipped(tmp_path):
    """Eight bad rows among good ones: all counted, the first five located, the rest read."""
    good = "1,x,2026-01-05T09:00Z,2026-01-05T09:01Z\n"
    bad = "2,x,soon,2026-01-05T09:01Z\n"
    path = tmp_path / "log.csv"
    path.write_text("c,a,s,e\n" + good + bad * 8 + good.replace("1,", "3,"), encoding="utf-8")
    columns = Columns(case="c", stage="a", started="s", ended="e")
    log = read_event_log(path, columns=columns)
    assert [v.case for v in log.visits] == ["1", "3"]
    assert log.skipped_rows == 8
    assert [(f.code, f.location.line, f.location.col) for f in log.skipped] == [
        ("PF020", line, 5) for line in range(3, 8)
    ]


def test_a_log_of_bad_rows_only_is_an_error(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("case_id,activity,start_timestamp,end_timestamp\n1,x,a,b\n", "utf-8")
    with pytest.raises(LoadError) as info:
        read_event_log(path)
    assert [(f.location.line, f.location.col) for f in info.value.findings] == [(1, 1), (2, 5)]


def test_gzipped_logs_and_naive_times_in_a_zone(tmp_path):
    """A .csv.gz reads as its text; a time without an offset is in the zone given."""
    import gzip
    from datetime import timedelta, timezone

    path = tmp_path / "log.csv.gz"
    text = "case_id,activity,start_timestamp,end_timestamp\n1,x,2026-01-05 09:00,2026-01-05 09:02\n"
    path.write_bytes(gzip.compress(text.encode()))
    zone = timezone(timedelta(hours=2))
    log = read_event_log(path, zone=zone)
    assert log.clock.moment(0).utcoffset() == timedelta(hours=2)
    assert log.clock.moment(0).hour == 9
    assert [(v.started, v.ended) for v in log.visits] == [(0.0, 2.0)]


def test_a_named_pipe_is_refused_without_waiting(tmp_path):
    import os

    path = tmp_path / "log.csv"
    os.mkfifo(path)
    assert finding(path) == ("PF020", 1, 1)


@pytest.mark.parametrize(
    ("name", "line", "col"),
    [
        ("bad.csv", 3, 46),  # the start_timestamp of the second row
        ("bad_end_before_start.csv", 2, 46),  # at the end time
        ("bad_missing_column.csv", 1, 1),  # no 'activity' column
        ("bad_dtd.xes", 2, 1),  # refused before any entity is expanded
        ("bad_timestamp.xes", 7, 7),  # the <date> element
    ],
)
def test_bad_fixtures_are_pf020_where_the_problem_is(name, line, col):
    """Each broken log is one PF020 finding at its row and column."""
    assert finding(FIXTURES / name) == ("PF020", line, col)


@pytest.mark.parametrize("name", ["good.csv", "good.xes"])
def test_good_fixtures_read(name):
    """The good logs read: one work visit of 4.5 minutes."""
    work = [v for v in read_event_log(FIXTURES / name).visits if v.pool]
    assert [(v.case, v.stage, v.ended - v.started) for v in work] == [("17", "label", 4.5)]


def test_every_missing_column_is_a_finding(tmp_path):
    """A header with none of the required columns: a finding for each, the header in the hint."""
    path = tmp_path / "log.csv"
    path.write_text("when;who;what\n1;2;3\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        read_event_log(path)
    assert len(info.value.findings) == 4
    assert all(f.hint and "when;who;what" in f.hint for f in info.value.findings)
    # each hint names the option that gives the column its name
    options = [f.hint.split(" with ")[1].split()[0] for f in info.value.findings if f.hint]
    assert options == ["--case", "--activity", "--start", "--end"]


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        ("c,a,s,e\n\n1,x,2026-01-05T09:00Z,2026-01-05T09:01Z\n1,x,,2026-01-05T09:01Z\n", 4, 5),
        ('c,a,s,e\n"1,0",x,2026-01-05T09:00Z,soon\n', 2, 27),  # quoted commas counted right
        ("c,a,s,e\n1,,2026-01-05T09:00Z,2026-01-05T09:01Z\n", 2, 3),  # no activity
        (",a,s,e\n1,x,2026-01-05T09:00Z,2026-01-05T09:01Z\n", 1, 1),  # no case column
        ("c,a,s,e\n", 1, 1),  # no visits
        ("", 1, 1),  # nothing at all
        ("c,a,s,e\n1,x,2026-01-05T09:00Z,2026-01-05T09:01Z\n2,\xe9,x,y\n", 3, 1),  # Latin-1
    ],
)
def test_csv_problems_are_located(tmp_path, text, line, col):
    """Bad cells at their line and column; file-wide problems at 1:1."""
    path = tmp_path / "log.csv"
    path.write_bytes(text.encode("latin-1"))
    columns = Columns(case="c", stage="a", started="s", ended="e")
    assert finding(path, columns=columns) == ("PF020", line, col)


def test_queued_after_start_is_an_error(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "case_id,activity,enqueue_timestamp,start_timestamp,end_timestamp\n"
        "1,x,2026-01-05T09:05Z,2026-01-05T09:00Z,2026-01-05T09:10Z\n",
        encoding="utf-8",
    )
    assert finding(path) == ("PF020", 2, 5)


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        ("<log><trace><event></trace></log>", 1, 22),  # not well-formed
        ("<process/>", 1, 1),  # not a log
        ('<log><trace><int key="n" value="many"/></trace></log>', 1, 13),
        ('<log><trace><event><string key="concept:name" value="x"/></event></trace></log>', 1, 13),
        ("<log><trace></trace></log>", 1, 6),  # a trace without a name
    ],
)
def test_xes_problems_are_located(tmp_path, text, line, col):
    path = tmp_path / "log.xes"
    path.write_text(text, encoding="utf-8")
    assert finding(path) == ("PF020", line, col)


def test_an_external_entity_is_never_read(tmp_path):
    """An XES log pointing at another file is refused; the file's text never shows up."""
    secret = tmp_path / "secret.txt"
    secret.write_text("password", encoding="utf-8")
    path = tmp_path / "log.xes"
    path.write_text(
        f'<!DOCTYPE log [<!ENTITY s SYSTEM "{secret.as_uri()}">]>\n'
        '<log><trace><string key="concept:name" value="&s;"/></trace></log>',
        encoding="utf-8",
    )
    with pytest.raises(LoadError) as info:
        read_event_log(path)
    assert "password" not in str(info.value.findings)


def test_files_that_cannot_be_read(tmp_path):
    """Too large, missing, a directory, another suffix: PF020 at the start of the file."""
    path = tmp_path / "log.csv"
    path.write_text("case_id,activity,start_timestamp,end_timestamp\n", encoding="utf-8")
    assert finding(path, max_bytes=10) == ("PF020", 1, 1)
    with pytest.raises(LoadError) as info:  # its hint is about logs, not process files
        read_event_log(path, max_bytes=10)
    (large,) = info.value.findings
    assert "shorter period" in (large.hint or "") and "process" not in (large.hint or "")
    assert finding(tmp_path / "nope.csv") == ("PF020", 1, 1)
    (tmp_path / "folder.xes").mkdir()
    assert finding(tmp_path / "folder.xes") == ("PF020", 1, 1)
    assert finding(tmp_path / "log.json") == ("PF020", 1, 1)
    assert MAX_BYTES >= 100 * 1024 * 1024


def test_case_order_puts_numbers_by_value_then_text():
    ids = ["b", "10", "2", "007", "a", "7", "x1"]
    assert sorted(ids, key=case_order) == ["2", "007", "7", "10", "a", "b", "x1"]
    big = "9" * 5000  # longer than int() accepts
    assert sorted([big, "1"], key=case_order) == ["1", big]


def test_the_clock_maps_both_ways():
    clock = Clock("hour", datetime(2026, 1, 5, 9, tzinfo=UTC))
    assert clock.moment(1.5) == datetime(2026, 1, 5, 10, 30, tzinfo=UTC)
    assert clock.time(datetime(2026, 1, 5, 9, tzinfo=UTC) - timedelta(minutes=30)) == -0.5


HEADER = "case_id,activity,start_timestamp,end_timestamp"
ROW = "{case},x,2026-01-05T09:00Z,2026-01-05T09:0{minutes}Z"


def test_a_gzip_that_inflates_past_the_limit_is_refused(tmp_path):
    """A small gzip of a large log stops at max_bytes of text, as a plain file of that size."""
    import gzip

    path = tmp_path / "log.csv.gz"
    rows = "".join(ROW.format(case=i, minutes=1) + "\n" for i in range(2000))
    path.write_bytes(gzip.compress((HEADER + "\n" + rows).encode()))
    assert path.stat().st_size < 10_000
    assert finding(path, max_bytes=10_000) == ("PF020", 1, 1)
    assert len(read_event_log(path, max_bytes=100_000).visits) == 2000


def test_text_that_is_not_utf8_is_refused_at_its_line_even_gzipped(tmp_path):
    import gzip

    text = (HEADER + "\n" + ROW.format(case=1, minutes=1) + "\n").encode() + b"2,\xff,a,b\n"
    for path, data in ((tmp_path / "a.csv", text), (tmp_path / "a.csv.gz", gzip.compress(text))):
        path.write_bytes(data)
        assert finding(path) == ("PF020", 3, 1)


def test_rows_are_located_whatever_ends_their_lines(tmp_path):
    """CRLF, a lone CR (old Mac files) and a quoted cell over two lines: bad cells still at
    their row and column."""
    bad = "3,x,soon,2026-01-05T09:01Z"
    quoted = '2,"x\nwith a note",2026-01-05T09:00Z,2026-01-05T09:02Z'
    for end in ("\n", "\r\n", "\r"):
        path = tmp_path / "log.csv"
        lines = [HEADER, ROW.format(case=1, minutes=1), quoted, bad]
        path.write_bytes(end.join(lines).encode() + end.encode())
        log = read_event_log(path)
        assert [(v.case, v.ended - v.started) for v in log.visits] == [("1", 1.0), ("2", 2.0)]
        assert [(f.location.line, f.location.col) for f in log.skipped] == [(5, 5)]


def test_reading_holds_the_visits_not_the_text(tmp_path):
    """The log is read row by row: the peak while reading is below twice what the visits it
    returns take (a copy of the file's text, its lines or a second copy of the visits would
    each break it; the reader once peaked at the whole size limit, 256 MiB, for any file)."""
    import gc
    import tracemalloc

    path = tmp_path / "log.csv"
    rows = [f"{HEADER},resource,severity"]
    for i in range(10_000):
        minute = f"{i % 50:02d}"
        times = f"2026-01-05T09:{minute}:00Z,2026-01-05T09:{minute}:30Z"
        rows.append(f"{i // 3},x,{times},ann-{i % 7},high")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    gc.collect()
    tracemalloc.start()
    try:
        log = read_event_log(path)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(log.visits) == 10_000
    assert peak < 2 * held
