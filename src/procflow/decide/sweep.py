"""Sweeps: the same process under a grid of changes, with KPIs and SLA verdicts per point.

"What if we had 40, 42, ... 48 annotators and 8 to 12 reviewers?" is a sweep
over two paths. Every point is a process of its own (validated like a
scenario) simulated with the same seed, so neighbouring points share random
numbers and the surface is smooth rather than noisy. All replications of all
points go to the executor at once, so a cluster is kept busy.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from procflow.diagnostics import LoadError
from procflow.lint.runner import refuse_broken
from procflow.model.process import Process
from procflow.model.settings import RunSettings
from procflow.results import Sweep, SweepPoint
from procflow.scenario import MAX_SWEEP_POINTS, with_changes
from procflow.sim.executor import Executor
from procflow.sim.runner import Progress, run_many, summarize_runs

_RANGE = re.compile(r"^\s*(-?[\d.]+)\s*:\s*(-?[\d.]+)\s*(?::\s*([\d.]+))?\s*$")


def parse_values(text: str) -> list[Any]:
    """``40:48:2`` (ends included) or ``8,9,10`` or ``0.1,0.2``; numbers where they are numbers."""
    match = _RANGE.match(text)
    if match:
        start, stop = float(match[1]), float(match[2])
        step = float(match[3]) if match[3] else 1.0
        if step <= 0 or stop < start:
            raise ValueError(f"empty range {text!r}")
        count = math.floor((stop - start) / step + 1e-9) + 1
        if count > MAX_SWEEP_POINTS:
            raise ValueError(f"range {text!r} has more than {MAX_SWEEP_POINTS:,} values")
        return [_number(start + k * step) for k in range(count)]
    return [_scalar(part.strip()) for part in text.split(",") if part.strip()]


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 10)


def _scalar(text: str) -> Any:
    try:
        return _number(float(text))
    except ValueError:
        return text


def grid(axes: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the axes' values, the first axis varying slowest."""
    keys = list(axes)
    count = math.prod(len(axes[k]) for k in keys)  # counted before any point is built
    if count > MAX_SWEEP_POINTS:
        raise ValueError(f"the sweep has {count:,} points; the limit is {MAX_SWEEP_POINTS:,}")
    return [
        dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(axes[k] for k in keys))
    ]


def run_points(
    base: Process,
    points: Sequence[dict[str, Any]],
    settings: RunSettings,
    *,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> list[SweepPoint]:
    """Simulate every point (changes over ``base``) with the same seed."""
    settings = settings.with_runs(replications, seed)
    built: list[SweepPoint] = []
    for changes in points:
        try:
            built.append(SweepPoint(dict(changes), with_changes(base, changes), None))
        except LoadError as exc:
            first = exc.findings[0]
            built.append(SweepPoint(dict(changes), None, None, f"{first.code} {first.message}"))
    runnable = [p for p in built if p.process is not None]
    processes = [p.process for p in runnable if p.process is not None]
    ran = run_many(processes, settings, executor, progress)
    for point, runs in zip(runnable, ran.runs, strict=True):
        assert point.process is not None
        point.results = summarize_runs(point.process, ran.settings, runs)
    return built


def sweep(
    base: Process,
    points: Sequence[dict[str, Any]],
    settings: RunSettings,
    *,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Sweep:
    """A sweep over ``points``: every point's results, in grid order.

    The sweep's settings are those its points ran with (an ``auto`` warm-up chosen,
    the replications a precision took). Raises :class:`LintError` if lint finds errors
    in ``base``.
    """
    refuse_broken(base)
    found = run_points(base, points, settings, executor=executor, progress=progress)
    ran = next((p.results.settings for p in found if p.results is not None), None)
    return Sweep(base.name, ran or settings.to_dict(base.time_unit), found)
