"""procflow: lint, analyse and simulate operations processes (SOPs) before rolling them out.

The public API follows the pipeline::

    import procflow

    process = procflow.load("processes/image_moderation_qc.yaml")
    report = procflow.lint(["processes/"])            # findings, exit code
    capacity = procflow.analyze(process)              # instant queueing estimate
    settings = procflow.RunSettings.parse(process, horizon="3 days", replications=10, seed=7)
    results = procflow.simulate(process, settings)
    print(results.verdict, results.kpi("cycle_time.p90"))

    scenario = procflow.load_scenario("scenarios/qc_sample_20pct_plus_3.yaml")
    comparison = procflow.compare(process, [(scenario.name, "", scenario.process)], settings)

Names are loaded when first used, so that ``import procflow`` (and the command
line, which imports it) stays quick: the simulator and the reports load only for
the commands that need them. (So no public function may share its name with a
module of the package: importing the module would replace the function.)
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from procflow.analysis import Capacity
    from procflow.decide.compare import compare
    from procflow.decide.forecast import compare_forecasts, forecast
    from procflow.decide.optimize import optimize
    from procflow.decide.staffing import StaffingOptions, plan_staffing
    from procflow.decide.sweep import sweep
    from procflow.decide.validate import validate
    from procflow.decide.verify import verify_plan
    from procflow.diagnostics import Finding, LintError, LoadError, Location, Severity
    from procflow.lint.config import LintConfig
    from procflow.lint.runner import LintReport
    from procflow.model.forecast import Forecast, read_forecast
    from procflow.model.process import Process
    from procflow.model.settings import RunSettings
    from procflow.model.snapshot import Snapshot, read_snapshot
    from procflow.results import Comparison, Estimate, Optimization, Results, Sweep
    from procflow.results.fidelity import Fidelity
    from procflow.results.forecast import BacklogForecast, BacklogForecasts
    from procflow.results.staffing import StaffingPlan
    from procflow.scenario import Scenario, load_any, load_scenario
    from procflow.sim.runner import simulate

#: public name -> (module, name there)
_WHERE = {
    "BacklogForecast": ("procflow.results.forecast", "BacklogForecast"),
    "BacklogForecasts": ("procflow.results.forecast", "BacklogForecasts"),
    "Capacity": ("procflow.analysis", "Capacity"),
    "Comparison": ("procflow.results", "Comparison"),
    "Estimate": ("procflow.results", "Estimate"),
    "Fidelity": ("procflow.results.fidelity", "Fidelity"),
    "Finding": ("procflow.diagnostics", "Finding"),
    "Forecast": ("procflow.model.forecast", "Forecast"),
    "LintError": ("procflow.diagnostics", "LintError"),
    "LintReport": ("procflow.lint.runner", "LintReport"),
    "LoadError": ("procflow.diagnostics", "LoadError"),
    "Location": ("procflow.diagnostics", "Location"),
    "Optimization": ("procflow.results", "Optimization"),
    "Process": ("procflow.model.process", "Process"),
    "Results": ("procflow.results", "Results"),
    "RunSettings": ("procflow.model.settings", "RunSettings"),
    "Scenario": ("procflow.scenario", "Scenario"),
    "Severity": ("procflow.diagnostics", "Severity"),
    "Snapshot": ("procflow.model.snapshot", "Snapshot"),
    "StaffingOptions": ("procflow.decide.staffing", "StaffingOptions"),
    "StaffingPlan": ("procflow.results.staffing", "StaffingPlan"),
    "Sweep": ("procflow.results", "Sweep"),
    "compare": ("procflow.decide.compare", "compare"),
    "compare_forecasts": ("procflow.decide.forecast", "compare_forecasts"),
    "forecast": ("procflow.decide.forecast", "forecast"),
    "load_any": ("procflow.scenario", "load_any"),
    "load_scenario": ("procflow.scenario", "load_scenario"),
    "optimize": ("procflow.decide.optimize", "optimize"),
    "plan_staffing": ("procflow.decide.staffing", "plan_staffing"),
    "read_forecast": ("procflow.model.forecast", "read_forecast"),
    "read_snapshot": ("procflow.model.snapshot", "read_snapshot"),
    "simulate": ("procflow.sim.runner", "simulate"),
    "sweep": ("procflow.decide.sweep", "sweep"),
    "validate": ("procflow.decide.validate", "validate"),
    "verify_plan": ("procflow.decide.verify", "verify_plan"),
}


# The lint package is loaded now (it is empty), so that importing it later cannot replace
# the function below: Python binds a subpackage to its parent's name when it first loads.
importlib.import_module("procflow.lint")


def lint(paths: Sequence[str | Path], config: LintConfig | None = None) -> LintReport:
    """Lint files and folders (searched recursively for YAML): the findings and an exit code."""
    from procflow.lint.runner import lint_paths

    return lint_paths(paths, config)


def analyze(process: Process) -> Capacity:
    """The instant queueing estimate of a process (``procflow analyze``).

    Raises :class:`LintError` if lint finds errors that make the estimate meaningless
    (an overloaded pool is an answer: the estimate says it is unstable).
    """
    from procflow.analysis import analyze as solve
    from procflow.lint.runner import refuse_broken

    refuse_broken(process)
    return solve(process)


def load(path: str | Path) -> Process:
    """Load and validate one process file; raises :class:`LoadError` with located findings."""
    from procflow.model.validation import validate_process
    from procflow.source import load_document

    return validate_process(load_document(path))


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'procflow' has no attribute {name!r}")
    module, attribute = _WHERE[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "BacklogForecast",
    "BacklogForecasts",
    "Capacity",
    "Comparison",
    "Estimate",
    "Fidelity",
    "Finding",
    "Forecast",
    "LintError",
    "LintReport",
    "LoadError",
    "Location",
    "Optimization",
    "Process",
    "Results",
    "RunSettings",
    "Scenario",
    "Severity",
    "Snapshot",
    "StaffingOptions",
    "StaffingPlan",
    "Sweep",
    "analyze",
    "compare",
    "compare_forecasts",
    "forecast",
    "lint",
    "load",
    "load_any",
    "load_scenario",
    "optimize",
    "plan_staffing",
    "read_forecast",
    "read_snapshot",
    "simulate",
    "sweep",
    "validate",
    "verify_plan",
]
