"""How the analysis scales with bounded reviews in a row (issue #10: it was exponential).

    python benchmarks/review_chain.py [--reviews 10 20 40]

Each file is a line of rework loops, each review with ``max_attempts: 3`` (the
``review_chain`` of tests/models.py, used here so both read the same file), and
one of 1,000 stages with 40 such reviews. For each it prints the states of the
routing chain and the time ``analyze`` takes; the states should grow in proportion
to the reviews (tests/test_analysis.py checks that exactly, without timing).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from models import load_text, review_chain
from procflow.analysis import analyze
from procflow.analysis.traffic import Chain, State
from procflow.flow import compile_flow
from procflow.flow.routing import Outcome, Row


def measure(text: str) -> tuple[int, int, float]:
    """(stages, chain states, seconds to analyze) of one process text."""
    process = load_text(text)
    flow = compile_flow(process)
    outcomes: dict[tuple[Row, State], list[Outcome]] = {}
    Chain(flow, (), {}, {}, outcomes).start(flow.index["work0"])
    start = time.perf_counter()
    analyze(process)
    return len(process.stages), len(outcomes), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, nargs="+", default=[10, 20, 40])
    args = parser.parse_args()
    cases = [(f"{k} reviews", review_chain(k)) for k in args.reviews]
    cases.append(("1,000 stages, 40 reviews", review_chain(40, stages=1000 - 81)))
    print(f"{'file':<26} {'stages':>7} {'states':>7} {'analyze':>9}")
    for label, text in cases:
        stages, states, seconds = measure(text)
        print(f"{label:<26} {stages:>7} {states:>7} {seconds:>8.2f}s")


if __name__ == "__main__":
    main()
