"""How fast staffing plans are screened, and shifts covered, on realistic problems.

    python benchmarks/staffing_screen.py [--levels 6] [--runs 3]

1. The analytic screen of ``optimize`` (:func:`procflow.decide.optimize.screen`) over a
   grid of plans for every pool of ``processes/multilingual_review_queue.yaml`` (seven
   pools with calendars): ``--levels`` heads per pool from 80% to 120% of today's, every
   combination priced and checked against every pool's load. Reports plans per second.
2. The shift-covering program (:func:`procflow.analysis.shifts.cover`) on a week of
   half-hours with a daily peak and a weekend dip, and realistic templates: day and
   evening shifts starting on any half hour, 8.5 hours with a 30-minute break, five
   consecutive days on; nights; four-hour part-time shifts any day. Reports the seconds
   the solve takes, the shift options and the people.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from pathlib import Path

from procflow.analysis import analyze
from procflow.analysis.shifts import cover
from procflow.decide.levers import levers
from procflow.decide.optimize import screen
from procflow.model.calendar import DAY_MINUTES, WEEK_MINUTES
from procflow.model.shifts import ShiftTemplate
from procflow.scenario import load_any

ROOT = Path(__file__).resolve().parents[1]
PROCESS = ROOT / "processes" / "multilingual_review_queue.yaml"


def bench_screen(levels_per_pool: int, runs: int) -> None:
    process, _ = load_any(PROCESS)
    capacity = analyze(process)
    dials = levers(process)
    steps = [0.8 + 0.4 * k / max(1, levels_per_pool - 1) for k in range(levels_per_pool)]
    levels = {d.key: sorted({round(d.today * f) for f in steps}) for d in dials}
    plans = math.prod(len(v) for v in levels.values())
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        grid = screen(capacity, dials, levels, {d.pool for d in dials})
        times.append(time.perf_counter() - start)
    best = statistics.median(times)
    kept = int((grid.utilization < 1).sum())
    print(
        f"screen: {plans:,} plans over {len(dials)} pools in {best:.3f} s "
        f"({plans / best:,.0f} plans/s, {best / plans * 1e6:.2f} µs a plan); "
        f"{kept:,} keep up on average"
    )


def week_of_half_hours() -> dict[int, int]:
    """Heads needed per half-hour: a daytime peak of 40, 12 at night, 70% at weekends."""
    needed = {}
    for start in range(0, WEEK_MINUTES, 30):
        day, minute = divmod(start, DAY_MINUTES)
        hour = minute / 60
        peak = math.exp(-(((hour - 13) / 4) ** 2))
        heads = 12 + 28 * peak
        needed[start] = round(heads * (0.7 if day >= 5 else 1.0))
    return needed


TEMPLATES = [
    ShiftTemplate(
        name="day",
        start={"from": "06:00", "to": "11:00", "every": "30 min"},
        length="8.5 hours",
        breaks=[{"after": "4 hours", "length": "30 min"}],
        days_on=5,
    ),
    ShiftTemplate(
        name="evening",
        start={"from": "13:00", "to": "17:00", "every": "30 min"},
        length="8.5 hours",
        breaks=[{"after": "4 hours", "length": "30 min"}],
        days_on=5,
    ),
    ShiftTemplate(
        name="night",
        start=["21:00", "22:00", "23:00"],
        length="8 hours",
        days_on=5,
        cost_per_hour=1.2,
    ),
    ShiftTemplate(
        name="part-time",
        start={"from": "08:00", "to": "18:00", "every": "1 hour"},
        length="4 hours",
        days_on=1,
        cost_per_hour=1.1,
        max=40,
    ),
]


def bench_cover(runs: int) -> None:
    needed = week_of_half_hours()
    options = sum(1 for t in TEMPLATES for _ in t.options())
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        found = cover(needed, 30, TEMPLATES)
        times.append(time.perf_counter() - start)
    print(
        f"cover: a week of {len(needed)} half-hours, {options} shift options: "
        f"{statistics.median(times):.2f} s; {found.people} people, "
        f"{'within 1% of the cheapest' if found.optimal else 'stopped at the time limit'}, "
        f"{sum(i.over for i in found.intervals) / len(needed):.2f} heads over per interval"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, default=6, help="heads per pool (default 6)")
    parser.add_argument("--runs", type=int, default=3, help="runs, median taken (default 3)")
    args = parser.parse_args()
    bench_screen(args.levels, args.runs)
    bench_cover(args.runs)


if __name__ == "__main__":
    main()
