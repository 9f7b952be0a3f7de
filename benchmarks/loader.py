"""How long a large process file takes to load and lint, with libyaml's C parser and without.

    python benchmarks/loader.py [--stages 1700] [--runs 5]

Writes a valid process of a chain of ``--stages`` stages (1,700 make about 300 KB,
near the biggest SOP anyone writes by hand), then loads it with the C parser and with
PyYAML's pure-Python one, alternating so that a busy machine slows both alike, and lints
it. The ratio is what to compare between versions; the times vary with the machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import procflow  # noqa: E402
from procflow.source import load_document, parsers  # noqa: E402


def chain(stages: int) -> str:
    """A valid process: one arrival stream, one pool, ``stages`` work stages in a row."""
    lines = [
        "# A long chain of work stages, for timing the loader.",
        "process: long-chain",
        "time_unit: minute",
        "arrivals:",
        "  - name: incoming",
        "    rate: 60 per hour",
        "resources:",
        "  annotator:",
        f"    count: {5 * stages}",
        "    cost_per_hour: 14",
        "stages:",
    ]
    for i in range(stages):
        after = f"step_{i + 1}" if i + 1 < stages else "done"
        lines += [
            f"  step_{i}:",
            "    resource: annotator",
            "    description: a step of the long chain, with a few words to describe it",
            "    duration: {lognormal: {mean: 4.2, sd: 1.6}}",
            f"    next: {after}",
        ]
    lines += ["  done:", "    end: true", ""]
    return "\n".join(lines)


def seconds(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", type=int, default=1700)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if parsers.C_LOADER is None:
        sys.exit("PyYAML was built without libyaml: there is no C parser to compare")
    c_loader = parsers.C_LOADER
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long_chain.yaml"
        path.write_text(chain(args.stages), encoding="utf-8")
        report = procflow.lint([path])
        if report.exit_code:
            sys.exit(f"the generated process does not lint clean: {report.findings[:3]}")
        fast, slow, lint = [], [], []
        for _ in range(args.runs):
            parsers.C_LOADER = c_loader
            fast.append(seconds(lambda: load_document(path)))
            lint.append(seconds(lambda: procflow.lint([path])))
            parsers.C_LOADER = None
            slow.append(seconds(lambda: load_document(path)))
        parsers.C_LOADER = c_loader
        size = path.stat().st_size
    c, python = statistics.median(fast), statistics.median(slow)
    print(f"{args.stages:,} stages, {size:,} bytes; medians of {args.runs} runs")
    print(f"load, C parser (libyaml)   {c:7.3f} s")
    print(f"load, pure-Python parser   {python:7.3f} s")
    print(f"lint (C parser)            {statistics.median(lint):7.3f} s")
    print(f"C / pure-Python load time: {c / python:.2f}")


if __name__ == "__main__":
    main()
