"""A command loads only what it needs, so that ``procflow --help`` and ``lint`` start quickly.

Counted in modules, not timed (how long they take is in benchmarks/startup.py):
``--help`` loads none of the libraries that take time to import, ``lint`` loads
neither the simulator nor the report stack (matplotlib, openpyxl).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from models import ROOT

PROBE = """
import sys
from procflow.cli import main
try:
    main({args!r}, standalone_mode=False)
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)))
"""
SLOW_TO_IMPORT = ("numpy", "networkx", "pydantic", "yaml", "simpy", "matplotlib", "openpyxl")
SIMULATOR_AND_REPORTS = (
    "simpy",
    "matplotlib",
    "openpyxl",
    "procflow.sim.engine",
    "procflow.report",
)


def loaded(*args: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``procflow ARGS``."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=list(args))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return set(result.stdout.split())


@pytest.mark.parametrize("args", [["--help"], ["simulate", "--help"], ["lint", "--help"]])
def test_help_loads_none_of_the_slow_libraries(args: list[str]) -> None:
    modules = loaded(*args)
    assert "procflow.cli" in modules
    assert not {m for m in modules if m.split(".")[0] in SLOW_TO_IMPORT}


def test_lint_loads_neither_the_simulator_nor_the_reports() -> None:
    modules = loaded("lint", "processes/")
    assert "procflow.lint.runner" in modules
    assert not {m for m in modules if m.startswith(SIMULATOR_AND_REPORTS)}


def test_the_graph_command_offers_the_diagram_formats() -> None:
    from procflow.cli.model import GRAPH_FORMATS
    from procflow.report.diagram import FORMATS

    assert GRAPH_FORMATS == FORMATS
