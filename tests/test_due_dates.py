"""Due dates per item: exact breaches, earliest-due-first, priority with aging, business hours."""

from __future__ import annotations

import html
import io
import json
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook
from rich.console import Console

from models import PROCESSES, load_text
from procflow import load
from procflow.diagnostics import LoadError
from procflow.eventlog.visit import Visit
from procflow.flow.compiler import row_attributes
from procflow.flow.due import NEVER, compile_due
from procflow.model.calendar import DAY_MINUTES, WEEK_MINUTES, WorkingClock, week_intervals
from procflow.model.settings import RunSettings
from procflow.report.csvout import csv_files
from procflow.report.html import results_html
from procflow.report.markdown import results_markdown
from procflow.report.terminal import print_results
from procflow.report.xlsx import workbook_bytes
from procflow.results import Results
from procflow.results.jsonio import from_json, to_json
from procflow.sim.measure import backlog_ages
from procflow.sim.runner import run_replication, simulate

ONE_RUN = RunSettings(horizon=DAY_MINUTES, replications=1, warmup=0.0)


def _run(text: str, events: list[Visit] | None = None) -> dict[str, float]:
    sink = _Sink(events) if events is not None else None
    return run_replication(load_text(text), ONE_RUN, 1, 0, sink).kpis


class _Sink:
    def __init__(self, visits: list[Visit]) -> None:
        self.visits = visits

    def visit(self, visit: Visit) -> None:
        self.visits.append(visit)


def test_a_batch_on_fixed_handling_times_breaches_exactly_the_late_items() -> None:
    """10 items at once on 2 people, 10 min each, due in 25 min: pairs finish at 10, 20,
    30, 40, 50 min, so the 6 items finishing after 25 min breach."""
    kpis = _run(
        """
        process: batch
        arrivals: [{name: drop, batch: {size: 10, at: "01:00", days: mon}}]
        resources: {agents: {count: 2}}
        stages:
          work: {resource: agents, duration: 10 min, next: done}
          done: {end: true}
        due_dates: {otherwise: 25 min}
        """
    )
    assert kpis["breached_items"] == 6
    assert kpis["breached_share"] == 0.6


TWO_QUEUES = """
process: mixed urgency
arrivals:
  - {name: calm, batch: {size: 10, at: "01:00", days: mon}, attributes: {tier: {calm: 1.0}}}
  - {name: rush, batch: {size: 10, at: "01:00", days: mon}, attributes: {tier: {rush: 1.0}}}
resources: {agents: {count: 1, serve: SERVE}}
stages:
  work: {resource: agents, duration: 10 min, next: done}
  done: {end: true}
due_dates: {by: tier, within: {rush: 45 min, calm: 10 hours}}
"""


def test_earliest_due_serves_the_urgent_items_first_and_breaches_fewer() -> None:
    """20 items on one person, 10 min each; the 10 calm ones arrived first, and the first
    of them is taken at once. First come: every rush item finishes at 110..200 min, all
    after 45 min. Earliest due: the rush items go next and finish at 20..110 min: the
    3 first are in time, 7 breach."""
    first_come = _run(TWO_QUEUES.replace("SERVE", "first_come"))
    earliest: list[Visit] = []
    due_first = _run(TWO_QUEUES.replace("SERVE", "earliest_due"), earliest)
    assert first_come["due_dates.rush.breached"] == 10
    assert first_come["due_dates.calm.breached"] == 0
    assert due_first["due_dates.rush.breached"] == 7
    assert due_first["due_dates.calm.breached"] == 0
    assert due_first["breached_items"] < first_come["breached_items"]
    order = [v.attributes["tier"] for v in sorted(earliest, key=lambda v: v.started) if v.pool]
    assert order == ["calm"] + ["rush"] * 10 + ["calm"] * 9


AGING = """
process: aging
arrivals:
  - {name: urgent, rate: 0.9 per min, to: urgent_work, priority: 10}
  - {name: routine, rate: 0.05 per min, to: routine_work}
resources: {agents: {count: 1, SERVE}}
stages:
  urgent_work: {resource: agents, duration: 1 min, next: done}
  routine_work: {resource: agents, duration: 1 min, next: done}
  done: {end: true}
"""


def test_aging_bounds_how_far_urgent_work_overtakes_routine_work() -> None:
    """With aging 2 min per level, a routine item (priority 0) is never passed by an urgent
    one (priority 10) that joined the queue more than 20 min after it; without aging it
    is, and routine items wait longer."""
    aged: list[Visit] = []
    plain: list[Visit] = []
    with_aging = _run(AGING.replace("SERVE", "serve: aging, aging: 2 min"), aged)
    without = _run(AGING.replace("SERVE", "serve: first_come"), plain)

    def overtaken_by(visits: list[Visit]) -> float:
        """The most an urgent item that started first had joined after a waiting routine one."""
        routine = [v for v in visits if v.stage == "routine_work"]
        urgent = [v for v in visits if v.stage == "urgent_work"]
        worst = 0.0
        for r in routine:
            assert r.enqueued is not None
            for u in urgent:
                assert u.enqueued is not None
                if r.enqueued < u.started < r.started:
                    worst = max(worst, u.enqueued - r.enqueued)
        return worst

    assert overtaken_by(aged) <= 20.0
    assert overtaken_by(plain) > 20.0
    wait = "stages.routine_work.waiting_time"
    assert with_aging[wait] < without[wait]


def test_business_hours_stop_the_clock_over_the_weekend() -> None:
    """8 business hours from Friday 17:00 on a Monday-to-Friday 9-17 calendar end on
    Monday 17:00; from Wednesday 12:00 they end on Thursday 12:00."""
    clock = WorkingClock(week_intervals(range(5), (9 * 60, 17 * 60)))
    friday_17 = 4 * DAY_MINUTES + 17 * 60
    assert clock.after(friday_17, 8 * 60) == WEEK_MINUTES + 17 * 60
    wednesday_noon = 2 * DAY_MINUTES + 12 * 60
    assert clock.after(wednesday_noon, 8 * 60) == 3 * DAY_MINUTES + 12 * 60
    assert clock.after(friday_17 + WEEK_MINUTES, 8 * 60) == 2 * WEEK_MINUTES + 17 * 60


def test_a_due_date_in_business_hours_is_read_from_the_process_file() -> None:
    """The process's own clock, in its time unit (hours): due Monday 17:00."""
    process = load_text(
        """
        process: hours
        time_unit: hour
        arrivals: [{name: a, rate: 1, attributes: {severity: {low: 0.5, high: 0.5}}}]
        resources: {agents: {count: 1}}
        stages:
          work: {resource: agents, duration: 0.5, next: done}
          done: {end: true}
        due_dates:
          by: severity
          within: {high: 8 hours, low: 3 days}
          business_hours: {days: mon-fri, hours: "09:00-17:00"}
        """
    )
    due = compile_due(process, row_attributes(process))
    assert due is not None
    high = due.group(("high",))
    friday_17 = 4 * 24 + 17.0
    assert due.due(high, friday_17) == 7 * 24 + 17.0
    # 3 days are 72 business hours, nine working days of 8 hours from Monday 00:00:
    # the next week's Thursday, at 17:00
    low = due.group(("low",))
    assert due.due(low, 0.0) == 7 * 24 + 3 * 24 + 17.0


def test_a_run_that_starts_on_friday_evening_counts_from_its_own_start() -> None:
    """A run whose time 0 is Friday 17:00 (a snapshot's): an item arriving then with 8
    business hours is due 72 hours later, Monday 17:00; one that arrived 2 hours before
    the start (Friday 15:00, time -2) has 2 business hours that day, so 6 on Monday."""
    process = load_text(
        """
        process: hours
        time_unit: hour
        arrivals: [{name: a, rate: 1}]
        resources: {agents: {count: 1}}
        stages:
          work: {resource: agents, duration: 0.5, next: done}
          done: {end: true}
        due_dates:
          otherwise: 8 hours
          business_hours: {days: mon-fri, hours: "09:00-17:00"}
        """
    )
    due = compile_due(process, row_attributes(process), start=4 * DAY_MINUTES + 17 * 60)
    assert due is not None
    assert due.due(due.group(()), 0.0) == 72.0
    assert due.due(due.group(()), -2.0) == 72.0 - 2.0


def test_the_backlog_at_the_horizon_has_ages_and_times_to_breach() -> None:
    """Nobody works: the 5 items dropped at 01:00 are 23 hours old at the horizon, due
    in 30 hours from arrival, so 7 hours from breaching; none is past due."""
    kpis = _run(
        """
        process: idle
        arrivals: [{name: drop, batch: {size: 5, at: "01:00", days: mon}}]
        resources: {agents: {count: 0}}
        stages:
          work: {resource: agents, duration: 10 min, next: done}
          done: {end: true}
        due_dates: {otherwise: 30 hours}
        """
    )
    assert kpis["oldest_item_age"] == 23 * 60
    assert kpis["backlog_age.p50"] == 23 * 60
    assert kpis["backlog_overdue"] == 0
    assert kpis["time_to_breach.p10"] == 7 * 60


MULTILINGUAL = PROCESSES / "multilingual_review_queue.yaml"


@pytest.fixture(scope="module")
def due_results() -> Results:
    """Two short replications of the bundled queue, whose reports are due by severity."""
    process = load(MULTILINGUAL)
    return simulate(process, RunSettings(horizon=6 * 60, warmup=60, replications=2))


def test_every_formatter_shows_the_breaches_and_the_backlog(due_results: Results) -> None:
    """Terminal, Markdown, HTML, workbook, CSV and JSON all carry the due-date KPIs, with
    the catalogue's labels (JSON by key)."""
    labels = ["share breached", "high share breached", "oldest item age", "time to breach p10"]
    console = Console(record=True, width=200)
    print_results(console, due_results)
    terminal = console.export_text()
    markdown = results_markdown(due_results)
    page = html.unescape(results_html(due_results))
    book = load_workbook(io.BytesIO(workbook_bytes(due_results)))
    cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row}
    csv_text = b"".join(csv_files(due_results).values()).decode()
    for label in labels:
        assert label in terminal, label
        assert label in markdown, label
        assert label in page, label
        assert any(label in cell for cell in cells), label
        assert label in csv_text, label
    document = to_json(due_results)
    assert set(document["due_dates"]) == {"high", "medium", "low"}
    assert {"time_to_breach.p10", "backlog_age.p90", "breached_share"} <= set(document["kpis"])
    assert "oldest_item_age" in document["kpis"]
    assert document["series"]["age.max"]


def test_the_saved_json_reads_back_the_due_date_kpis(due_results: Results) -> None:
    """``procflow report saved.json`` sees the same due-date and backlog KPIs."""
    back = from_json(json.loads(json.dumps(to_json(due_results))))
    assert isinstance(back, Results)
    keys = {k for k in due_results.kpis if "breach" in k or "age" in k}
    assert keys and keys <= set(back.kpis)
    for key in keys:
        assert back.kpis[key].mean == pytest.approx(due_results.kpis[key].mean, nan_ok=True)


def _error(text: str) -> tuple[str, int, int]:
    with pytest.raises(LoadError) as info:
        load_text(text)
    found = [(f.code, f.location.line, f.location.col) for f in info.value.findings]
    assert len(found) == 1, found
    return found[0]


def test_serve_aging_needs_the_wait_worth_a_priority_level() -> None:
    """``serve: aging`` without ``aging`` is refused where the pool is written."""
    found = _error(
        """
        process: p
        arrivals: [{name: a, rate: 1}]
        resources:
          agents: {count: 2, serve: aging}
        stages:
          work: {resource: agents, duration: 1 min, next: done}
          done: {end: true}
        """
    )
    assert found == ("PF012", 5, 11)  # the pool agents, which misses its aging


def test_due_times_by_value_need_the_attribute_that_sets_them() -> None:
    """``within`` without ``by`` is refused at the due_dates block."""
    found = _error(
        """
        process: p
        arrivals: [{name: a, rate: 1}]
        resources: {agents: {count: 2}}
        stages:
          work: {resource: agents, duration: 1 min, next: done}
          done: {end: true}
        due_dates: {within: {high: 4 hours}}
        """
    )
    assert found == ("PF012", 8, 12)


def test_backlog_ages_are_read_from_the_items_in_arrival_order() -> None:
    """Ten items that arrived at 0, 1, ..., 9 are 10 down to 1 old at time 10: the median
    is the sixth youngest's age (6), the p90 and the oldest 10."""

    @dataclass
    class Waiting:
        arrived: float
        due: float = NEVER
        group: int = 0

    assert backlog_ages([Waiting(float(t)) for t in range(10)], 10.0) == (6.0, 10.0, 10.0)
    assert backlog_ages([], 10.0) == (0.0, 0.0, 0.0)
