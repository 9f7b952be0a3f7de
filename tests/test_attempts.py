"""The attempt number: routing rework by how many times an item has been sent back.

``attempt`` is 1 on an item's first pass through a rework loop bounded by
``max_attempts`` and one more after every catch of its review. The process here
sends the third attempt of a high-severity task to a senior and the others to a
relabel of their own (quicker, more error-prone): the analysis must follow the
attempts exactly, and the simulation must agree within binomial errors.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from models import load_text, run, write_process
from procflow.analysis import analyze
from procflow.model.settings import RunSettings
from procflow.sim.runner import run_replications

#: Labels wrong 30% of the time, relabels 50%; QA catches 90% and allows 4 reviews.
REWORK = """
process: attempts
time_unit: minute
arrivals:
  - name: tasks
    rate: 30 per hour
    attributes:
      severity: {high: 0.2, low: 0.8}
resources:
  annotator: {count: 6}
  senior: {count: 3}
  qa: {count: 4}
stages:
  label: {resource: annotator, duration: 4 min, error_rate: 0.3, next: qa_review}
  relabel: {resource: annotator, duration: 2 min, error_rate: 0.5, next: qa_review}
  qa_review:
    resource: qa
    duration: 2 min
    detection_rate: 0.9
    on_defect: rework
    max_attempts: 4
    next: done
  rework:
    next:
      - to: senior_fix
        when: attempt >= 3 and severity == "high"
      - to: relabel
  senior_fix: {resource: senior, duration: 6 min, next: qa_review}
  done: {end: true}
"""

#: The first catch (0.3 × 0.9) makes the rework attempt 2: a relabel. The relabel is
#: wrong half the time and caught 90% of it: attempt 3, a senior for high severity.
FIRST = 0.3 * 0.9
SECOND = FIRST * 0.5 * 0.9


def test_the_analysis_follows_the_attempts_and_the_attributes_together() -> None:
    capacity = analyze(load_text(REWORK))
    assert capacity.stages["senior_fix"].visits == pytest.approx(SECOND * 0.2)
    # low severity relabels at attempts 2, 3 and 4 (the fourth catch lets the item go on)
    relabel = FIRST + SECOND * 0.8 + SECOND * 0.8 * 0.45
    assert capacity.stages["relabel"].visits == pytest.approx(relabel)


def test_the_simulation_routes_by_attempt_as_the_analysis_says() -> None:
    process = load_text(REWORK)
    settings = RunSettings(horizon=4 * 24 * 60.0, warmup=60.0, replications=3)
    runs = [r.kpis for r in run_replications(process, settings, seed=3)]
    items = sum(k["arrivals_per_hour"] for k in runs) * (settings.horizon - settings.warmup) / 60
    exact = SECOND * 0.2  # each item reaches the senior at most once
    measured = math.fsum(k["stages.senior_fix.visits"] for k in runs) / len(runs)
    assert abs(measured - exact) <= 4 * math.sqrt(exact * (1 - exact) / items)


def test_attempt_is_not_an_attribute_name(tmp_path: Path) -> None:
    text = REWORK.replace("severity: {high: 0.2, low: 0.8}", "attempt: {high: 0.2, low: 0.8}")
    result = run("lint", str(write_process(tmp_path, text)), "--format", "json")
    assert result.exit_code == 2
    found = [(f["code"], f["line"], f["column"]) for f in json.loads(result.output)["findings"]]
    assert ("PF012", 8, 7) in found
