"""procflow: lint, analyse and simulate operations processes (SOPs) before rolling them out.

The public API follows the pipeline::

    import procflow

    process = procflow.load("processes/image_moderation_qc.yaml")
    report = procflow.lint(["processes/"])            # findings, exit code
    capacity = procflow.analyze(process)              # instant queueing estimate
    settings = procflow.RunSettings(horizon=4320, warmup=480)   # in the process's time unit
    results = procflow.simulate(process, settings, replications=10, seed=7)
    print(results.verdict, results.kpi("cycle_time.p90"))

    scenario = procflow.load_scenario("scenarios/qc_sample_20pct_plus_3.yaml")
    comparison = procflow.compare(process, [(scenario.name, "", scenario.process)], settings)
"""

from pathlib import Path

from procflow.analysis import Capacity, analyze
from procflow.compare import Comparison, compare
from procflow.diagnostics import Finding, LoadError, Location, Severity
from procflow.lint.runner import LintReport
from procflow.lint.runner import lint_paths as lint
from procflow.model.process import Process
from procflow.model.validation import validate_process
from procflow.optimize import Optimization, optimize
from procflow.results import Estimate, Results
from procflow.scenario import Scenario, load_scenario
from procflow.sim.engine import RunSettings
from procflow.sim.runner import simulate_process as simulate
from procflow.source import load_document


def load(path: str | Path) -> Process:
    """Load and validate one process file; raises :class:`LoadError` with located findings."""
    return validate_process(load_document(path))


__all__ = [
    "Capacity",
    "Comparison",
    "Estimate",
    "Finding",
    "LintReport",
    "LoadError",
    "Location",
    "Optimization",
    "Process",
    "Results",
    "RunSettings",
    "Scenario",
    "Severity",
    "analyze",
    "compare",
    "lint",
    "load",
    "load_scenario",
    "optimize",
    "simulate",
]
