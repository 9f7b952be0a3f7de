"""Validation bounds every number to what the analysis and the simulator can compute.

Each limit accepts the number at the limit and refuses the next one with a located
``PF012``; docs/format.md's "Limits" table states every limit. The fixtures
``PF012/bad_huge_numbers.yaml`` and ``PF012/bad_distribution_moments.yaml`` hold the
numbers that once crashed procflow.
"""

from __future__ import annotations

import re

import pytest

from models import ROOT, load_text
from procflow.diagnostics import LoadError
from procflow.model.distributions import (
    MAX_EMPIRICAL_VALUES,
    MAX_WEIBULL_SHAPE,
    MIN_WEIBULL_SHAPE,
)
from procflow.model.fields import MAX_ATTEMPTS, MAX_HEADCOUNT, MAX_PRIORITY, MAX_WIP
from procflow.model.quantities import (
    MAX_ATTRIBUTE_VALUE,
    MAX_DURATION_SECONDS,
    MIN_DURATION_SECONDS,
    plain,
)
from procflow.model.settings import DEFAULT_MAX_WIP
from procflow.model.staffing import MAX_COST_PER_HOUR
from procflow.scenario import MAX_INDEX_DIGITS

BASE = """\
process: p
time_unit: minute
arrivals:
  - name: images
    rate: RATE
    attributes:
      words: {lognormal: {mean: WORDS, sd: 10}}
  - name: drop
    batch: {size: BATCH, at: "09:00"}
    priority: PRIORITY
resources:
  annotator: {count: COUNT, cost_per_hour: COST}
stages:
  label:
    resource: annotator
    duration: DURATION
    next: review
  review:
    resource: annotator
    duration: {weibull: {shape: SHAPE, scale: 1}}
    detection_rate: 0.5
    on_defect: label
    max_attempts: ATTEMPTS
    next: delivered
  delivered: {end: true}
"""
DEFAULTS = {
    "RATE": "60 per hour",
    "WORDS": "120",
    "BATCH": "100",
    "PRIORITY": "0",
    "COUNT": "12",
    "COST": "20",
    "DURATION": "4 min",
    "SHAPE": "1.5",
    "ATTEMPTS": "3",
}
#: (field, value at the limit, the next value past it, the line of the value)
LIMITS: list[tuple[str, str, str, int]] = [
    ("RATE", "1000000 per second", "1000001 per second", 5),
    ("RATE", "1 per 3650 days", "1 per 3651 days", 5),
    ("WORDS", f"{MAX_ATTRIBUTE_VALUE:.0f}", f"{MAX_ATTRIBUTE_VALUE * 10:.0f}", 7),
    ("BATCH", str(MAX_WIP), str(MAX_WIP + 1), 9),
    ("PRIORITY", str(MAX_PRIORITY), str(MAX_PRIORITY + 1), 10),
    ("PRIORITY", str(-MAX_PRIORITY), str(-MAX_PRIORITY - 1), 10),
    ("COUNT", str(MAX_HEADCOUNT), str(MAX_HEADCOUNT + 1), 12),
    ("COST", f"{MAX_COST_PER_HOUR:.0f}", ".inf", 12),
    ("DURATION", "3650 days", "3651 days", 16),
    ("DURATION", "0.000001 s", "0.0000009 s", 16),
    ("DURATION", "0", str(10**400), 16),
    ("RATE", "0.5", str(10**400), 5),
    ("COUNT", "0", str(10**400), 12),
    ("BATCH", "1", str(10**400), 9),
    ("SHAPE", str(MIN_WEIBULL_SHAPE), "0.099", 20),
    ("SHAPE", str(int(MAX_WEIBULL_SHAPE)), str(int(MAX_WEIBULL_SHAPE) + 1), 20),
    ("ATTEMPTS", str(MAX_ATTEMPTS), str(MAX_ATTEMPTS + 1), 23),
]


def text(**values: str) -> str:
    out = BASE
    for key, default in DEFAULTS.items():
        out = out.replace(key, values.get(key, default))
    return out


@pytest.mark.parametrize(
    ("key", "at_limit", "past_limit", "line"),
    LIMITS,
    ids=[f"{key}={past}"[:40] for key, _, past, _ in LIMITS],
)
def test_a_number_at_its_limit_passes_and_past_it_is_a_located_error(
    key: str, at_limit: str, past_limit: str, line: int
) -> None:
    load_text(text(**{key: at_limit}))
    with pytest.raises(LoadError) as caught:
        load_text(text(**{key: past_limit}))
    found = {(f.code, f.location.line) for f in caught.value.findings}
    assert found == {("PF012", line)}, [str(f.location) + f.message for f in caught.value.findings]


def test_the_batch_limit_is_the_simulators_memory_bound() -> None:
    assert MAX_WIP == DEFAULT_MAX_WIP


LIMITS_DOC = (ROOT / "docs" / "format.md").read_text(encoding="utf-8").split("## Limits")[1]


@pytest.mark.parametrize(
    "shown",
    [
        plain(MAX_HEADCOUNT),
        plain(MAX_WIP),
        f"{plain(-MAX_PRIORITY)} to {plain(MAX_PRIORITY)}",
        f"1 to {plain(MAX_ATTEMPTS)}",
        plain(MAX_COST_PER_HOUR),
        plain(MAX_ATTRIBUTE_VALUE),
        f"from {plain(MIN_WEIBULL_SHAPE)}",
        f"to {plain(MAX_WEIBULL_SHAPE)}",
        f"{MAX_INDEX_DIGITS} digits",
        f"{plain(MAX_EMPIRICAL_VALUES)} values",
        f"{plain(MAX_DURATION_SECONDS / 86400)} days",
        f"{MIN_DURATION_SECONDS:.6f} s",
    ],
)
def test_docs_state_every_limit(shown: str) -> None:
    assert shown in LIMITS_DOC.split("\n## ")[0]


def test_no_limit_is_written_in_scientific_notation() -> None:
    assert not re.search(r"\de[+-]?\d", LIMITS_DOC.split("\n## ")[0])
