"""``procflow validate``: does the model reproduce what really happened?

A process file's numbers are guesses, or fits from a log (``procflow
calibrate``); either way a PM should see how close its simulation comes to
history before asking it a what-if question. :func:`validate` reads the real
event log, simulates the model over the same *period* and measures both alike
(:mod:`procflow.eventlog.profile`), then sets them side by side
(:mod:`procflow.results.fidelity`).

The period runs from the first case's arrival to the last one's. Each
replication simulates it at the same place in the week, so that the calendars
and the arrival schedule line up with the log's days and hours: it starts on the
Monday 00:00 before the log's first arrival, leaves out the cases that arrive
before that moment of the week (they warm the queues up, as the days before an
export did), and follows the period's cases to their end. Each replication's
log is measured as it is simulated, and never written.

Activities map to stages by name: the same name, else the same name ignoring
case, spaces, hyphens and underscores. Activities that map to no stage are
reported, and still count in cycle times, events and variants; so are work
stages that no activity maps to.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from procflow.analysis.distances import absolute_emd, circadian_emd, cycle_time_emd
from procflow.diagnostics import LoadError, Location
from procflow.diagnostics.checks import UNREADABLE_EVENT_LOG
from procflow.eventlog.profile import Lens, LogProfile, Profiler, profile_of
from procflow.eventlog.reader import COLUMNS, Columns, VisitLog, read_event_log
from procflow.lint.runner import refuse_broken
from procflow.model.process import Process
from procflow.model.quantities import convert
from procflow.model.settings import DEFAULT_SEED, RunSettings
from procflow.results.estimate import Estimate
from procflow.results.fidelity import (
    DISTANCES,
    Fidelity,
    FidelityDistance,
    FidelityRow,
    judge,
    level_for,
    measure,
    predicted,
)
from procflow.results.forecast import percentile
from procflow.sim.executor import Executor, LocalExecutor
from procflow.sim.runner import run_replication

#: How many of the real log's most common variants get a row.
TOP_VARIANTS = 5
#: Replications when none are asked for.
DEFAULT_REPLICATIONS = 10

Progress = Callable[[int, int], None]
#: One replication to measure: (process, settings, replication, how to read its log).
_Task = tuple[Process, RunSettings, int, Lens]


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "_", name.strip().casefold())


def stage_map(activities: Sequence[str], process: Process) -> tuple[dict[str, str], list[str]]:
    """(activity -> stage, activities that match no stage), matching by name (see above)."""
    by_key = {_key(name): name for name in process.stages}
    mapping, unmapped = {}, []
    for activity in activities:
        stage = activity if activity in process.stages else by_key.get(_key(activity))
        if stage is None:
            unmapped.append(activity)
        else:
            mapping[activity] = stage
    return mapping, unmapped


def _week_position(moment: datetime) -> float:
    """Minutes from the Monday 00:00 before ``moment`` (its own wall clock) to it."""
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return moment.weekday() * 1440 + (moment - midnight).total_seconds() / 60


def _measure_run(task: _Task) -> LogProfile:
    """One replication, its event log measured as it goes (for executors: plain data)."""
    process, settings, replication, lens = task
    profiler = Profiler(lens)
    run_replication(process, settings, settings.seed, replication, profiler)
    return profiler.profile()


def _no_period(file: str) -> LoadError:
    message = "the log's cases all arrive at the same moment: there is no period to simulate"
    hint = "validate against a log of at least a day of arrivals"
    return LoadError([UNREADABLE_EVENT_LOG.finding(message, Location(file), hint)])


def validate(
    process: Process,
    log: str | Path,
    *,
    columns: Columns = COLUMNS,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Fidelity:
    """Simulate ``process`` over the period of the event log ``log`` and compare, with
    ``replications`` (default :data:`DEFAULT_REPLICATIONS`) from ``seed`` (default 1).

    Raises :class:`~procflow.diagnostics.LoadError` for a log that cannot be read
    (or covers no time), :class:`~procflow.diagnostics.LintError` for a process
    with errors, and ValueError for fewer than 2 replications.
    """
    refuse_broken(process)
    replications = replications or DEFAULT_REPLICATIONS
    if replications < 2:
        raise ValueError("validate needs at least 2 replications: its intervals come from them")
    seed = DEFAULT_SEED if seed is None else seed
    unit = process.time_unit
    read = read_event_log(log, unit, columns=columns)
    activities = list(dict.fromkeys(v.stage for v in read.visits))
    mapping, unmapped = stage_map(activities, process)
    ends = frozenset(name for name, s in process.stages.items() if s.kind == "end")
    pool_of = {name: s.resource for name, s in process.stages.items() if s.resource is not None}
    working = {name: pool.capacity for name, pool in process.resources.items()}
    start, length, queued = _period(read, mapping, ends, str(log))
    hours = convert(1.0, unit, "hour")
    week = convert(_week_position(read.clock.origin), "minute", unit)
    lens = Lens(mapping, ends, pool_of, working, start, length, week, hours, queued)
    real = profile_of(read.visits, lens)

    offset = week + start
    settings = RunSettings(
        horizon=offset + length, warmup=offset, replications=replications, seed=seed
    )
    simulated = Lens({}, ends, pool_of, working, offset, length, 0.0, hours, queued)
    tasks: list[_Task] = [(process, settings, r, simulated) for r in range(replications)]
    runs = []
    for done, run in enumerate((executor or LocalExecutor(1)).map(_measure_run, tasks), 1):
        runs.append(run)
        if progress:
            progress(done, replications)

    used = set(mapping.values())
    rows = _rows(real, runs)
    return Fidelity(
        process=process.name,
        log=str(log),
        time_unit=unit,
        start=read.clock.moment(start).isoformat(timespec="seconds"),
        days=length / convert(1.0, "day", unit),
        cases=real.cases,
        replications=replications,
        seed=seed,
        rows=tuple(rows),
        distances=tuple(_distances(real, runs)),
        unmapped=tuple(unmapped),
        unused=tuple(s for s in pool_of if s not in used),
        real_cycle=_percentiles(real.cycle_times),
        simulated_cycle=_percentiles([c for run in runs for c in run.cycle_times]),
        real_hours=_by_hour(real.events),
        simulated_hours=_by_hour([t for run in runs for t in run.events]),
        verdict=judge(rows),
        skipped_rows=read.skipped_rows,
        skipped=read.skipped,
    )


def _period(
    read: VisitLog, mapping: dict[str, str], ends: frozenset[str], file: str
) -> tuple[float, float, bool]:
    """(first arrival, last arrival - first, whether every activity visit has an enqueue time)."""
    activity = [v for v in read.visits if mapping.get(v.stage, v.stage) not in ends]
    queued = bool(activity) and all(v.enqueued is not None for v in activity)
    arrivals: dict[str, float] = {}
    for v in activity:
        at = v.enqueued if queued and v.enqueued is not None else v.started
        arrivals[v.case] = min(at, arrivals.get(v.case, at))
    if not arrivals:
        raise _no_period(file)
    first, last = min(arrivals.values()), max(arrivals.values())
    if last <= first:
        raise _no_period(file)
    return first, last - first, queued


def _rows(real: LogProfile, runs: Sequence[LogProfile]) -> list[FidelityRow]:
    """The rows with their intervals, which hold together (:func:`level_for`)."""
    found: list[tuple[str, float, list[float], str, int]] = [
        (key, value, [run.values.get(key, math.nan) for run in runs], "", real.counts[key])
        for key, value in real.values.items()
        if not math.isnan(value)  # NaN: the log has no such visits (an unused stage)
    ]
    top = sorted(real.variants, key=lambda v: (-real.variants[v], v))[:TOP_VARIANTS]
    groups = [(f"variants.{k}.share", [v], v) for k, v in enumerate(top, start=1)]
    if len(real.variants) > len(top):
        groups.append(("variants.top.share", top, ""))
    for key, variants, detail in groups:
        shares = [_share(r, variants) for r in runs]
        found.append((key, _share(real, variants), shares, detail, real.cases))
    level = level_for(len(found))
    rows = []
    for key, value, values, detail, seen in found:
        m = measure(key)
        estimate = predicted(values, m.bounds, level)
        rows.append(FidelityRow(key, m.label, m.unit, value, estimate, detail, seen))
    return rows


def _share(profile: LogProfile, variants: Sequence[str]) -> float:
    """The share of the profile's cases that followed one of ``variants``."""
    if not profile.cases:
        return math.nan
    return sum(profile.variants.get(v, 0) for v in variants) / profile.cases


def _distances(real: LogProfile, runs: Sequence[LogProfile]) -> list[FidelityDistance]:
    measured: dict[str, Callable[[LogProfile], float]] = {
        "cycle_time": lambda p: cycle_time_emd(real.cycle_times, p.cycle_times),
        "events": lambda p: absolute_emd(real.events, p.events),
        "circadian": lambda p: circadian_emd(real.events, p.events),
        "arrivals": lambda p: absolute_emd(real.arrivals, p.arrivals),
    }
    return [
        FidelityDistance(key, DISTANCES[key], Estimate.of([f(run) for run in runs], "nonnegative"))
        for key, f in measured.items()
    ]


def _percentiles(hours: Sequence[float]) -> tuple[float, ...]:
    return tuple(percentile(hours, q / 100) for q in range(1, 100)) if hours else ()


def _by_hour(times: Sequence[float]) -> tuple[float, ...]:
    counts = [0] * 24
    for t in times:
        counts[int(t // 1) % 24] += 1
    total = sum(counts)
    return tuple(c / total if total else 0.0 for c in counts)
