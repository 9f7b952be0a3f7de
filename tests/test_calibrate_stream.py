"""Calibrating a log in time order holds the cases open at once, not the log; one out of
order is read whole, to the same numbers."""

from __future__ import annotations

import csv
import random
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import procflow
from models import ROOT
from procflow.calibrate import calibrate, fit, stream
from procflow.calibrate.stream import GAP
from procflow.eventlog import open_event_log

START = datetime.fromisoformat("2026-01-05T06:00:00+00:00")
HEADER = ["case_id", "activity", "resource", "start_timestamp", "end_timestamp", "market"]


def _rows(cases: int, seed: int = 1) -> list[list[str]]:
    """A case every 3 minutes: triage by one of four people, review by a pool that works
    on many at once, delivery; rows by start, cases interleaved."""
    rng = random.Random(seed)
    rows: list[tuple[datetime, list[str]]] = []
    for case in range(1, cases + 1):
        at = START + timedelta(minutes=3 * case + rng.random())
        triaged = at + timedelta(minutes=rng.expovariate(1 / 2.5))
        reviewed = triaged + timedelta(minutes=rng.lognormvariate(1.5, 0.4))
        market = rng.choice(["BR", "DE", "US"])
        person = f"ann-{rng.randrange(4)}"
        for stage, resource, begin, end in (
            ("triage", person, at, triaged),
            ("review", "reviewers", triaged, reviewed),
            ("delivered", "", reviewed, reviewed),
        ):
            row = [str(case), stage, resource, begin.isoformat(), end.isoformat(), market]
            rows.append((begin, row))
    rows.sort(key=lambda r: r[0])
    return [row for _, row in rows]


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _peak(path: Path) -> int:
    tracemalloc.start()
    try:
        result = calibrate(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.cases > 0
    return peak


def test_memory_follows_the_open_cases_not_the_length_of_the_log(tmp_path, monkeypatch):
    """Four times the cases of the same process, in time order: less than twice the peak
    memory (each activity keeps a sample of its times, made small here so that both logs
    fill it); the same logs out of order, read whole, take about four times as much."""
    monkeypatch.setattr(fit, "MAX_SAMPLE", 50)
    cases = 500
    calibrate(_write(tmp_path / "warm" / "log.csv", _rows(50)))  # imports, caches
    small, large = _rows(cases), _rows(4 * cases)
    sorted_small = _peak(_write(tmp_path / "small" / "log.csv", small))
    sorted_large = _peak(_write(tmp_path / "large" / "log.csv", large))
    assert sorted_large < 2 * sorted_small
    rng = random.Random(2)
    rng.shuffle(small)
    rng.shuffle(large)
    whole_small = _peak(_write(tmp_path / "small_shuffled" / "log.csv", small))
    whole_large = _peak(_write(tmp_path / "large_shuffled" / "log.csv", large))
    assert whole_large > 3 * whole_small  # what the bound above rules out
    assert whole_large > 2 * sorted_large


def test_a_log_out_of_order_is_read_whole_to_the_same_numbers(tmp_path):
    rows = _rows(400)
    streamed = calibrate(_write(tmp_path / "sorted" / "log.csv", rows))
    random.Random(3).shuffle(rows)
    whole = calibrate(_write(tmp_path / "shuffled" / "log.csv", rows))
    assert streamed.streamed and not whole.streamed
    assert streamed.text == whole.text
    assert (streamed.visits, streamed.cases) == (whole.visits, whole.cases) == (1200, 400)


def test_rows_a_little_out_of_order_still_stream(tmp_path):
    """An export sorted by end, or with a case's rows written together: within the window."""
    rows = _rows(400)
    rows.sort(key=lambda row: row[4])  # by end
    by_end = calibrate(_write(tmp_path / "by_end" / "log.csv", rows))
    whole = calibrate(_write(tmp_path / "shuffled" / "log.csv", random.sample(rows, len(rows))))
    assert by_end.streamed
    assert by_end.text == whole.text


@pytest.mark.parametrize("delivered", [True, False])
def test_a_case_that_comes_back_after_it_was_closed_is_read_whole(tmp_path, delivered):
    """A case closes at its delivery, or after a week without a visit; a visit after that
    (a reopened ticket) sends the log to be read whole, to the same numbers."""
    rows = [r for r in _rows(200) if delivered or r[1] != "delivered"]
    late = START + timedelta(microseconds=GAP) + timedelta(days=1)
    rows.append(["7", "review", "reviewers", late.isoformat(), late.isoformat(), "BR"])
    rows.append(["8000", "triage", "ann-1", late.isoformat(), late.isoformat(), "BR"])
    came_back = calibrate(_write(tmp_path / "sorted" / "log.csv", rows))
    whole = calibrate(_write(tmp_path / "shuffled" / "log.csv", random.sample(rows, len(rows))))
    assert not came_back.streamed
    assert came_back.text == whole.text


def test_an_activity_done_more_often_than_the_sample_keeps_its_count_and_mean(monkeypatch):
    """Beyond MAX_SAMPLE times, a sample is fitted (the same whatever the order they came
    in); the count and the mean written are those of all the times."""
    monkeypatch.setattr(fit, "MAX_SAMPLE", 100)
    times = [0.5 + (i * 7919 % 1000) / 100 for i in range(1000)]
    samples = [fit.Sample(), fit.Sample()]
    for i, time in enumerate(times):
        samples[0].add(time, i.to_bytes(4))
    for i, time in reversed(list(enumerate(times))):
        samples[1].add(time, i.to_bytes(4))
    first, second = (s.fit() for s in samples)
    assert (first.kind, first.parameters) == (second.kind, second.parameters)
    assert first.observations == second.observations == 1000
    assert first.mean == pytest.approx(sum(times) / len(times)) == second.mean


def test_a_log_without_resources_and_with_ends_is_read_whole_to_the_same_numbers(tmp_path):
    """Without a resource column, the ends (delivery) and the work share "unassigned": which
    visits are ends is known only at the end of the log, so it is read again whole."""
    rows = _rows(300)
    for row in rows:
        row[2] = ""
    read = calibrate(_write(tmp_path / "sorted" / "log.csv", rows))
    whole = calibrate(_write(tmp_path / "shuffled" / "log.csv", random.sample(rows, len(rows))))
    assert not read.streamed
    assert read.text == whole.text


def test_an_xes_log_streams_a_trace_at_a_time(tmp_path, monkeypatch):
    """procflow's own XES log, a trace per case as each ends: read as a stream, to the same
    numbers as when it is read whole."""
    process = procflow.load(ROOT / "processes" / "image_moderation_qc.yaml")
    settings = procflow.RunSettings.parse(process, horizon="3 hours", warmup="0 min", seed=3)
    path = tmp_path / "log.xes"
    with open_event_log(path, process) as log:
        procflow.simulate(process, settings, replications=1, events=log)
    streamed = calibrate(path)
    monkeypatch.setattr(stream, "WINDOW", -1)  # every row out of order: read whole
    whole = calibrate(path)
    assert streamed.streamed and not whole.streamed
    assert streamed.text == whole.text
