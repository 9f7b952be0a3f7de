"""How long `procflow calibrate` takes on a log of about 100,000 events, against reading it.

    python benchmarks/calibrate.py [--days 3.5] [--runs 3]

Simulates ``processes/image_moderation_qc.yaml`` with an event log (3.5 days make
about 100,000 visits: 200,000 events, a start and an end each), then, alternating,
reads the log alone and calibrates it (read, count, fit, write), and reports the
medians, their ratio, and the peak memory of a calibration: the Python objects
(tracemalloc) and the whole process (its peak resident size in a fresh process,
less that of a process that only imports procflow), each per visit and as a
multiple of the CSV's size. Reading is the floor of the time: what calibration
adds to it is the number to compare between versions. The log is written in time
order (procflow writes a visit when it ends), so calibration reads it as a stream;
the same rows shuffled are read whole, and the memory of both is reported.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import procflow  # noqa: E402
from procflow.calibrate import calibrate  # noqa: E402
from procflow.eventlog import open_event_log  # noqa: E402
from procflow.eventlog.reader import read_event_log  # noqa: E402


def seconds(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def resident(path: Path | None) -> int:
    """The peak resident bytes of a fresh process that imports calibration (and runs it on
    ``path``, when given): Linux's high-water mark of the process (``VmHWM``), which starts
    afresh with the program, where ``ru_maxrss`` may count the parent's memory before it."""
    work = f"calibrate({str(path)!r})" if path else "None"
    code = (
        f"from procflow.calibrate import calibrate; {work}; "
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    )
    env = {"PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True)
    return int(out.stdout) * 1024  # in kB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=3.5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    process = procflow.load(ROOT / "processes" / "image_moderation_qc.yaml")
    settings = procflow.RunSettings.parse(process, horizon=f"{args.days} days", seed=1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.csv"
        with open_event_log(path, process) as log:
            procflow.simulate(process, settings, replications=1, events=log)
        visits = len(read_event_log(path).visits)
        size = path.stat().st_size
        shuffled = Path(folder) / "shuffled" / "log.csv"
        shuffled.parent.mkdir()
        header, *rows = path.read_text().splitlines(keepends=True)
        random.Random(1).shuffle(rows)
        shuffled.write_text(header + "".join(rows))
        reads, fits = [], []
        for _ in range(args.runs):
            reads.append(seconds(lambda: read_event_log(path)))
            fits.append(seconds(lambda: calibrate(path)))
        memory = {}
        for name, log_path in (("in time order", path), ("shuffled", shuffled)):
            tracemalloc.start()
            streamed = calibrate(log_path).streamed
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            rss = resident(log_path) - resident(None)
            memory[f"{name} ({'streamed' if streamed else 'read whole'})"] = (peak, rss)
    read, fit = statistics.median(reads), statistics.median(fits)
    print(f"{visits:,} visits ({2 * visits:,} events), {size / 2**20:.1f} MiB of CSV")
    print(f"read the log            {read:7.2f} s")
    print(f"calibrate (all of it)   {fit:7.2f} s")
    print(f"calibrate / read: {fit / read:.2f}")
    for name, (peak, rss) in memory.items():
        print(f"the log {name}:")
        for what, used in (("Python memory", peak), ("resident memory", rss)):
            print(
                f"  peak {what:<16} {used / 2**20:5.1f} MiB: {used / visits:,.0f} bytes per "
                f"visit, {used / size:.1f}x the CSV"
            )


if __name__ == "__main__":
    main()
