"""Make examples/consensus_export.csv.gz: a week of a labeling tool's export, made by procflow.

The log a real tool exports is never clean. This script simulates a week of the
bundled consensus-labeling SOP at a twentieth of its size (the scenario
``examples/consensus_small.yaml``) and writes its work visits the way a labeling
platform would export them, with the faults such exports have:

- **people, not pools**: each visit is done by a named worker (``ann-03``), chosen
  as the one free longest; the annotators work both label queues, and the
  adjudicators also do the QA audits (workers in several queues);
- **the tool's own column names** (``task_id``, ``step``, ``worker``, ``queued_at``,
  ``started_at``, ``completed_at``) and **local time with an offset**: the team is in
  São Paulo, so every timestamp reads ``-03:00``;
- **missing rows** (0.5% dropped), **duplicated rows** (0.5% written twice), rows
  **out of order** (written as they completed, 2% swapped with a neighbour), and
  **broken rows** (a few with no completion time, as an export cut mid-write leaves).

Run it from the repository's root to regenerate the file (same seed, same file)::

    python examples/make_sample_log.py
"""

from __future__ import annotations

import csv
import gzip
import heapq
import io
import random
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

import procflow
from procflow.eventlog.visit import Visit

HERE = Path(__file__).resolve().parent
OUT = HERE / "consensus_export.csv.gz"
SEED = 11
#: The team's local time: São Paulo, three hours behind UTC; the simulated week starts Monday 00:00.
LOCAL = timezone(timedelta(hours=-3))
START = datetime(2026, 1, 5, tzinfo=LOCAL)
#: Which workers do which pool's work: the adjudicators also do the QA audits.
WORKERS = {"annotator": "ann", "adjudicator": "adj", "qa_auditor": "adj"}
HEADER = ["task_id", "step", "worker", "queued_at", "started_at", "completed_at", "modality"]


class Visits:
    """Collects the visits of the run (the engine's event sink)."""

    def __init__(self) -> None:
        self.visits: list[Visit] = []

    def visit(self, visit: Visit) -> None:
        self.visits.append(visit)


def workers(visits: list[Visit]) -> dict[int, str]:
    """A worker for each work visit: within a group of pools, the one free the longest."""
    chosen: dict[int, str] = {}
    by_group: defaultdict[str, list[tuple[int, Visit]]] = defaultdict(list)
    for index, visit in enumerate(visits):
        if visit.pool is not None:
            by_group[WORKERS[visit.pool]].append((index, visit))
    for prefix, group in by_group.items():
        free: list[tuple[float, str]] = []  # (free since, worker)
        busy: list[tuple[float, str]] = []  # (busy until, worker)
        for index, visit in sorted(group, key=lambda item: item[1].started):
            while busy and busy[0][0] <= visit.started:
                until, name = heapq.heappop(busy)
                heapq.heappush(free, (until, name))
            if free:
                _, name = heapq.heappop(free)
            else:
                name = f"{prefix}-{len(free) + len(busy) + 1:02d}"
            chosen[index] = name
            heapq.heappush(busy, (visit.ended, name))
    return chosen


def when(time: float) -> str:
    return (START + timedelta(minutes=time)).isoformat(timespec="seconds")


def rows(visits: list[Visit], rng: random.Random) -> list[list[str]]:
    """The export's rows, faults included."""
    names = workers(visits)
    clean = [
        [
            visit.case, visit.stage, names[i],
            "" if visit.enqueued is None else when(visit.enqueued),
            when(visit.started), when(visit.ended), str(visit.attributes.get("modality", "")),
        ]
        for i, visit in sorted(enumerate(visits), key=lambda item: item[1].ended)
        if visit.pool is not None  # the tool has no row for a delivery
    ]  # fmt: skip
    out: list[list[str]] = []
    for row in clean:
        draw = rng.random()
        if draw < 0.005:
            continue  # missing
        out.append(row)
        if draw > 0.995:
            out.append(list(row))  # duplicated
    for i in range(len(out) - 1):
        if rng.random() < 0.02:
            out[i], out[i + 1] = out[i + 1], out[i]  # out of order
    for i in rng.sample(range(len(out)), 4):
        out[i][5] = ""  # cut mid-write: no completion time
    return out


def main() -> None:
    scenario = procflow.load_scenario(HERE / "consensus_small.yaml")
    process = scenario.process
    settings = procflow.RunSettings.parse(process, horizon="7 days", warmup="0 min", seed=SEED)
    sink = Visits()
    procflow.simulate(process, settings, replications=1, events=sink)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows(sink.visits, random.Random(SEED)))
    OUT.write_bytes(gzip.compress(text.getvalue().encode("utf-8"), mtime=0))
    print(f"Wrote {OUT.relative_to(Path.cwd())}: {text.getvalue().count(chr(10)) - 1:,} rows")


if __name__ == "__main__":
    main()
