"""procflow: lint, analyse and simulate operations processes (SOPs) before rolling them out.

The public API follows the pipeline::

    import procflow

    process = procflow.load("processes/image_moderation_qc.yaml")
    report = procflow.lint(["processes/"])            # findings, exit code
    capacity = procflow.analyze(process)              # instant queueing estimate
    results = procflow.simulate(process, procflow.RunSettings(horizon=4320, warmup=480),
                                replications=10, seed=7)
    print(results.verdict, results.kpi("cycle_time.p90"))
"""

from pathlib import Path

from procflow.analysis import Capacity, analyze
from procflow.diagnostics import Finding, LoadError, Location, Severity
from procflow.lint.runner import LintReport
from procflow.lint.runner import lint_paths as lint
from procflow.model.process import Process
from procflow.model.validation import validate_process
from procflow.results import Estimate, Results
from procflow.sim.engine import RunSettings
from procflow.sim.runner import simulate_process as simulate
from procflow.source import load_document


def load(path: str | Path) -> Process:
    """Load and validate one process file; raises :class:`LoadError` with located findings."""
    return validate_process(load_document(path))


__all__ = [
    "Capacity",
    "Estimate",
    "Finding",
    "LintReport",
    "LoadError",
    "Location",
    "Process",
    "Results",
    "RunSettings",
    "Severity",
    "analyze",
    "lint",
    "load",
    "simulate",
]
