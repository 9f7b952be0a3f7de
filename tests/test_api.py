"""The public API: what ``procflow`` exports is what the README documents, and it works."""

from __future__ import annotations

import re

import procflow
from models import EXAMPLE, PROCESSES, ROOT


def test_exports_match_the_readme():
    """Every name in ``procflow.__all__`` is listed in the README's Python API section, and back."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1]
    listed = set(re.findall(r"`(\w+)`", section.split("Names:", 1)[1]))
    assert listed == set(procflow.__all__)


def test_readme_example_runs():
    """The README's example: load, lint, analyze and simulate through the public names."""
    process = procflow.load(EXAMPLE)
    report = procflow.lint([PROCESSES])
    assert report.exit_code == 0
    assert 0 < procflow.analyze(process).pools["qc_reviewer"].utilization < 1
    results = procflow.simulate(
        process, procflow.RunSettings(horizon=600, warmup=60), replications=2, seed=7
    )
    assert results.kpi("cycle_time.p90").mean > 0
    assert results.stable
