"""How long procflow's commands take to start, against the libraries they cannot do without.

    python benchmarks/startup.py [--runs 7]

Each command runs as a fresh process, alternating with its baseline (a bare
interpreter importing only the third-party libraries the command needs), so a
busy machine slows both alike: the ratio is what to compare between versions.
It also prints how many modules each command loads and whether the heavy ones
(the simulator, the report stack) are among them.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

#: (label, procflow arguments, the third-party imports the command needs)
COMMANDS = (
    ("procflow --help", ["--help"], "import click"),
    ("procflow lint processes/", ["lint", "processes/"], "import numpy, networkx, pydantic, yaml"),
    (
        "procflow analyze (one file)",
        ["analyze", "processes/image_moderation_qc.yaml"],
        "import numpy, networkx, pydantic, yaml, rich",
    ),
)
HEAVY = ("simpy", "matplotlib", "openpyxl", "procflow.sim.engine", "procflow.report.html")

_PROBE = """
import sys
from procflow.cli import main
try:
    main({args!r}, standalone_mode=False)
except SystemExit:
    pass
heavy = [m for m in {heavy!r} if m in sys.modules]
print(len(sys.modules), ",".join(heavy) or "none", file=sys.stderr)
"""


def _seconds(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"{'command':<30} {'median':>8} {'baseline':>9} {'ratio':>6}  modules  heavy loaded")
    for label, arguments, baseline in COMMANDS:
        ours, theirs = [], []
        command = [PYTHON, "-m", "procflow.cli", *arguments]
        _seconds(command)  # warm the file cache
        for _ in range(args.runs):
            ours.append(_seconds(command))
            theirs.append(_seconds([PYTHON, "-c", baseline]))
        probe = subprocess.run(
            [PYTHON, "-c", _PROBE.format(args=arguments, heavy=HEAVY)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        modules, heavy = (probe.stderr.strip().splitlines() or ["? ?"])[-1].split(" ", 1)
        a, b = statistics.median(ours), statistics.median(theirs)
        print(f"{label:<30} {a:>7.3f}s {b:>8.3f}s {a / b:>6.2f}  {modules:>7}  {heavy}")


if __name__ == "__main__":
    main()
