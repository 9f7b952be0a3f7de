"""Will we clear the backlog by Friday? A process run from today's snapshot to a deadline.

The run starts at the snapshot's time with its items in their queues and on
reviewers' screens, the weekly calendars and schedules at that day and hour, and
goes on to the deadline with the arrivals the process expects. Every
replication records when the backlog first reached the target level; the
forecast (:mod:`procflow.results.forecast`) is the share that did, when, and
the backlog's spread over time. Scenarios ("three reviewers out", "+5
borrowed from Wednesday") run on the same replications as the base, on common
random numbers: the same snapshot, the same arrivals, the same handling times
where they share structure.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from procflow.decide.compare import paired
from procflow.lint.runner import refuse_broken
from procflow.model.forecast import Forecast as VolumeForecast
from procflow.model.process import Process
from procflow.model.quantities import TimeUnit, convert
from procflow.model.settings import (
    DEFAULT_REPLICATIONS,
    DEFAULT_SEED,
    Deadline,
    RunSettings,
    VolumeStep,
    VolumeSteps,
    deadline,
)
from procflow.model.snapshot import Snapshot, stage_counts
from procflow.results import Comparison, Replication
from procflow.results.forecast import BacklogForecast, BacklogForecasts, build_forecast
from procflow.sim.executor import Executor
from procflow.sim.runner import Progress, run_many, summarize_runs


def volume_steps(
    volumes: VolumeForecast, snapshot: Snapshot, until: Deadline, time_unit: TimeUnit
) -> VolumeSteps:
    """Each forecast stream's intervals between the snapshot and the deadline, as rates in
    run time (``time_unit``); an interval the run starts or ends inside counts in part."""
    length = volumes.interval or timedelta(hours=1)
    span = convert(length / timedelta(hours=1), "hour", time_unit)
    horizon = convert(until.hours, "hour", time_unit)
    by_stream: dict[str, list[VolumeStep]] = {}
    for row in volumes.rows:
        start = convert((row.start - snapshot.at) / timedelta(hours=1), "hour", time_unit)
        begin, end = max(start, 0.0), min(start + span, horizon)
        if end <= begin:
            continue
        low = row.volume if row.low is None else row.low
        high = row.volume if row.high is None else row.high
        step = VolumeStep(begin, end, low / span, row.volume / span, high / span)
        by_stream.setdefault(row.stream, []).append(step)
    return VolumeSteps(tuple((name, tuple(steps)) for name, steps in by_stream.items()))


def forecast(
    processes: Sequence[tuple[str | None, Process]],
    snapshot: Snapshot,
    until: Deadline | str,
    *,
    volumes: VolumeForecast | None = None,
    target: int = 0,
    replications: int = DEFAULT_REPLICATIONS,
    seed: int = DEFAULT_SEED,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> list[BacklogForecast]:
    """BacklogForecast each ``(scenario name or None, process)`` from ``snapshot`` to ``until`` (a
    :class:`Deadline`, or an ISO date-time), all on the same replications (common random
    numbers); the first is the base. With ``volumes`` (a volume forecast, read by
    :func:`~procflow.model.forecast.read_forecast`), the streams it names send its volumes
    instead of their own rates, each replication drawing where in the forecast's range.

    Raises :class:`LintError` if lint finds errors in any process, :class:`SettingsError`
    for a deadline that cannot be read or is not after the snapshot.
    """
    made, _ = _run(
        processes, snapshot, until, volumes, target, replications, seed, executor, progress
    )
    return made


def compare_forecasts(
    baseline: Process,
    scenarios: Sequence[tuple[str, str, Process]],
    snapshot: Snapshot,
    until: Deadline | str,
    *,
    volumes: VolumeForecast | None = None,
    target: int = 0,
    replications: int = DEFAULT_REPLICATIONS,
    seed: int = DEFAULT_SEED,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """``compare`` from a snapshot: the baseline and each ``(name, description, process)``
    forecast on the same replications as :func:`forecast` runs them (the same numbers for
    the same seed), with their paired KPI differences, and the forecasts themselves
    (each scenario's change in the chance of clearing, its clearing time and backlog:
    :meth:`BacklogForecasts.change`) under ``forecast``.

    Raises as :func:`forecast` does.
    """
    processes = [(None, baseline), *((name, p) for name, _, p in scenarios)]
    made, grouped = _run(
        processes, snapshot, until, volumes, target, replications, seed, executor, progress
    )
    comparison = paired([f.results for f in made if f.results is not None], grouped, scenarios)
    comparison.forecast = BacklogForecasts(made)
    return comparison


def _run(
    processes: Sequence[tuple[str | None, Process]],
    snapshot: Snapshot,
    until: Deadline | str,
    volumes: VolumeForecast | None,
    target: int,
    replications: int,
    seed: int,
    executor: Executor | None,
    progress: Progress | None,
) -> tuple[list[BacklogForecast], list[list[Replication]]]:
    """The forecasts of ``processes`` on common random numbers, and their replications."""
    refuse_broken(*(p for _, p in processes))
    if isinstance(until, str):
        until = deadline(snapshot.at, until, None)
    unit = processes[0][1].time_unit
    steps = volume_steps(volumes, snapshot, until, unit) if volumes is not None else None
    settings = RunSettings(
        horizon=convert(until.hours, "hour", unit),
        warmup=0.0,
        replications=replications,
        seed=seed,
        snapshot=snapshot,
        target=target,
        volumes=steps,
    )
    ran = run_many([p for _, p in processes], settings, executor, progress)
    made = []
    for (name, process), runs in zip(processes, ran.runs, strict=True):
        results = summarize_runs(process, ran.settings, runs)
        made.append(
            build_forecast(
                results,
                runs,
                start=snapshot.at.isoformat(timespec="minutes"),
                until=until.until.isoformat(timespec="minutes"),
                hours=until.hours,
                target=target,
                initial=stage_counts(snapshot, list(process.stages)),
                time_unit=process.time_unit,
                due=process.due_dates,
                scenario=name,
            )
        )
    return made, [list(runs) for runs in ran.runs]
