"""procflow against a minimal hand-written SimPy model of the same Jackson network.

Both run in this process on the same machine, so the ratio is what matters:

    python benchmarks/jackson.py [--items 200000]

The network (``JACKSON`` in tests/models.py, which tests/test_fidelity.py checks
against theory; copied here so that the benchmark runs on its own): arrivals at
1 per minute; two annotators label (exponential, mean 1.2 min, 40% defective);
one reviewer checks (exponential, mean 0.6 min) and catches half the defects,
which go back to labelling. The baseline is the textbook SimPy style: one generator process per
item, a ``Resource`` request per station.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

import simpy

from procflow.model.settings import RunSettings
from procflow.model.validation import validate_process
from procflow.sim.runner import run_replication
from procflow.source import load_document

MODEL = """
process: jackson
time_unit: minute
arrivals: [{name: jobs, rate: 1}]
resources: {annotators: {count: 2}, reviewer: {count: 1}}
stages:
  label: {resource: annotators, duration: {exponential: 1.2}, error_rate: 0.4, next: review}
  review:
    resource: reviewer
    duration: {exponential: 0.6}
    detection_rate: 0.5
    on_defect: label
    next: done
  done: {end: true}
"""


def bare_simpy(items: int, seed: int = 1) -> float:
    """The minimal SimPy model; returns the mean time in system."""
    rng = random.Random(seed)
    env = simpy.Environment()
    annotators = simpy.Resource(env, capacity=2)
    reviewer = simpy.Resource(env, capacity=1)
    total = [0.0, 0]

    def item(env: simpy.Environment):  # type: ignore[no-untyped-def]
        start = env.now
        while True:
            with annotators.request() as req:
                yield req
                yield env.timeout(rng.expovariate(1 / 1.2))
            defect = rng.random() < 0.4
            with reviewer.request() as req:
                yield req
                yield env.timeout(rng.expovariate(1 / 0.6))
            if not (defect and rng.random() < 0.5):
                break
        total[0] += env.now - start
        total[1] += 1

    def source(env: simpy.Environment):  # type: ignore[no-untyped-def]
        for _ in range(items):
            yield env.timeout(rng.expovariate(1.0))
            env.process(item(env))

    env.process(source(env))
    env.run()
    return total[0] / total[1]


def procflow_run(items: int, path: Path) -> float:
    """procflow on the same network for about ``items`` arrivals; returns mean time in system."""
    process = validate_process(load_document(path))
    run = run_replication(process, RunSettings(horizon=float(items)), seed=1, replication=0)
    return run.kpis["cycle_time.mean"]


def measure(label: str, fn, items: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Time one run untraced, then trace a second run for its peak Python memory."""
    t = time.perf_counter()
    mean = fn(items)
    seconds = time.perf_counter() - t
    tracemalloc.start()
    fn(items)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{label:<15} {items / seconds:>10,.0f} items/s   peak {peak / 2**20:6.1f} MiB"
        f"   mean time in system {mean:.3f} min"
    )
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200_000)
    args = parser.parse_args()
    # in a temporary folder, so that a run stopped half-way leaves nothing behind
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "jackson.yaml"
        path.write_text(MODEL, encoding="utf-8")
        base, base_mem = measure("bare SimPy", bare_simpy, args.items)
        ours, ours_mem = measure("procflow", lambda n: procflow_run(n, path), args.items)
        measure("procflow (1/2)", lambda n: procflow_run(n, path), args.items // 2)
    print(f"\nprocflow time / bare SimPy time: {ours / base:.2f}  (below 1 is faster)")
    print(
        f"peak memory, bare SimPy / procflow: {base_mem / 2**20:.1f} / {ours_mem / 2**20:.1f} MiB"
        " (procflow's does not grow with the number of items: compare the 1/2 line)"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS of this process: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
