"""Where items come from: Poisson streams (steady or by schedule) and batch drops.

A steady stream draws exponential gaps. A schedule makes the rate a step
function over the week (busy weekday afternoons, quiet nights); because
exponential gaps have no memory, a gap that would cross into the next step is
simply redrawn there at the new rate, which is exact. A batch stream drops
``size`` items at once at fixed times of the week, as clients deliver
annotation work.

A forecast run may take a stream's arrivals from a volume forecast instead
(:func:`start_forecast_arrivals`): a rate per interval of real time, with a
range around it. The forecast can be wrong, so each replication draws one
quantile ``u`` of the range for the stream (the same in every interval: a
forecast tends to be too high or too low all week, not at random each
half-hour); below the median the rate goes from ``low`` (u = 0) to the
forecast (u = 0.5), above it to ``high`` (u = 1).

Each stream has its own random streams (gaps, and one per attribute), named
after the stream, so scenarios that share a stream share its arrivals.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any, cast

import simpy

from procflow.flow.truth import TruthRule
from procflow.model.calendar import WEEK_MINUTES
from procflow.model.process import Arrival, CategoricalAttribute
from procflow.model.settings import VolumeStep
from procflow.sim.streams import Stream, generator, uniforms

#: Called once per arriving item with its attribute row.
Emit = Callable[[tuple[Any, ...]], None]


def attribute_drawer(
    arrival: Arrival,
    attr_index: dict[str, int],
    seed: int,
    replication: int,
    truth: TruthRule | None = None,
) -> Callable[[], tuple[Any, ...]]:
    """A function drawing one item's attribute row (positions from ``attr_index``), its
    truth and model score last (they may depend on the other attributes)."""
    drawers: list[tuple[int, Callable[[], Any]]] = []
    for name, attribute in arrival.attributes.items():
        source = f"attribute:{arrival.name}:{name}"
        if isinstance(attribute, CategoricalAttribute):
            drawers.append(
                (attr_index[name], _categorical(uniforms(seed, replication, source), attribute))
            )
        else:
            sampler = Stream(generator(seed, replication, source), attribute.distribution.sample)
            drawers.append((attr_index[name], sampler))
    width = len(attr_index)

    def draw() -> tuple[Any, ...]:
        row: list[Any] = [None] * width
        for position, value in drawers:
            row[position] = value()
        return tuple(row)

    if truth is None:
        return draw
    return _with_truth(draw, truth, f"{arrival.name}", seed, replication)


def _with_truth(
    draw: Callable[[], tuple[Any, ...]], truth: TruthRule, name: str, seed: int, replication: int
) -> Callable[[], tuple[Any, ...]]:
    """``draw`` followed by the item's truth and score (each class its own score stream)."""
    chance = uniforms(seed, replication, f"truth:{name}")
    scores: dict[object, Callable[[], float]] | None = None
    if truth.score_at >= 0:
        # one stream per distribution, named by it: the classes that share one share it
        streams = {
            kind: Stream(generator(seed, replication, f"score:{name}:{kind}"), drawn.sample)
            for kind, drawn in truth.scores.values()
        }
        scores = {value: streams[kind] for value, (kind, _) in truth.scores.items()}

    def draw_with_truth() -> tuple[Any, ...]:
        row = draw()
        value = truth.class_of(row, chance())
        if scores is None:
            return truth.complete(row, value, None)
        return truth.complete(row, value, float(scores[value]()))

    return draw_with_truth


def _categorical(draw: Callable[[], float], attribute: CategoricalAttribute) -> Callable[[], Any]:
    values = list(attribute.values)
    cum: list[float] = []
    total = 0.0
    for p in attribute.values.values():
        total += max(p, 0.0)
        cum.append(total)
    last = len(values) - 1

    def pick() -> Any:
        k = bisect.bisect_right(cum, draw() * total)
        return values[k if k <= last else last]

    return pick


def start_arrivals(
    env: simpy.Environment,
    arrival: Arrival,
    unit_minutes: float,
    emit: Callable[[], bool],
    seed: int,
    replication: int,
    start: float = 0.0,
) -> None:
    """Schedule the stream's arrivals on ``env``; ``emit()`` creates one item.

    The run's time 0 is minute ``start`` of the week (0: Monday 00:00; a forecast
    starts at its snapshot's time), so schedules and drops keep to the real day.

    ``emit()`` returns False once no more items may come (the run is stopping): the
    rest of a batch drop is then not made, so a huge batch stays within the run's
    bound on items in the system.
    """
    week = WEEK_MINUTES / unit_minutes
    #: the week's time at the run's time 0, in the process's unit
    shift = start / unit_minutes
    if arrival.batch is not None:
        size = arrival.batch.size
        times = [t / unit_minutes for t in arrival.batch.times()]

        def drop(event: simpy.Event) -> None:
            k, offset = cast(tuple[int, float], event.value)
            for _ in range(size):
                if not emit():
                    return
            k += 1
            if k == len(times):
                k, offset = 0, offset + week
            env.timeout(offset + times[k] - env.now, (k, offset)).callbacks.append(drop)

        # the first drop at or after the start; ``offset`` turns week time into run time
        first = bisect.bisect_left(times, shift)
        offset = -shift
        if first == len(times):
            first, offset = 0, offset + week
        env.timeout(offset + times[first], (first, offset)).callbacks.append(drop)
        return

    gaps = Stream(
        generator(seed, replication, f"arrival:{arrival.name}"),
        lambda rng, n: rng.standard_exponential(n),
    )
    profile = arrival.rate_profile()
    if profile.is_constant:
        rate = profile.values[0]
        if rate <= 0:
            return
        mean_gap = 1.0 / rate

        def steady(_: simpy.Event) -> None:
            emit()
            env.timeout(gaps() * mean_gap).callbacks.append(steady)

        env.timeout(gaps() * mean_gap).callbacks.append(steady)
        return

    steps = [(a / unit_minutes, b / unit_minutes, r) for a, b, r in profile.steps()]
    starts = [s[0] for s in steps]

    def next_time(now: float) -> float:
        """The next arrival after ``now``, walking the weekly steps (memoryless redraws)."""
        t = now + shift  # in week time
        while True:
            offset = (t // week) * week
            within = t - offset
            k = bisect.bisect_right(starts, within) - 1
            _, end, rate = steps[k]
            end += offset
            if rate > 0:
                candidate = t + gaps() / rate
                if candidate < end:
                    return candidate - shift
            t = end

    def scheduled(event: simpy.Event) -> None:
        emit()
        nxt = next_time(env.now)
        env.timeout(nxt - env.now).callbacks.append(scheduled)

    if any(r > 0 for _, _, r in steps):
        env.timeout(next_time(0.0)).callbacks.append(scheduled)


def drawn_rate(step: VolumeStep, u: float) -> float:
    """The step's rate at quantile ``u`` of its range: low at 0, the forecast at 0.5, high at 1."""
    if u < 0.5:
        return step.low + (step.rate - step.low) * u / 0.5
    return step.rate + (step.high - step.rate) * (u - 0.5) / 0.5


def start_forecast_arrivals(
    env: simpy.Environment,
    name: str,
    steps: tuple[VolumeStep, ...],
    emit: Callable[[], bool],
    seed: int,
    replication: int,
) -> None:
    """Schedule a stream's arrivals from its forecast intervals (Poisson within each, at the
    rate this replication draws; memoryless redraws at each step's end, as for schedules)."""
    u = float(generator(seed, replication, f"volume:{name}").random())
    rates = [(s.start, s.end, drawn_rate(s, u)) for s in steps]
    gaps = Stream(
        generator(seed, replication, f"arrival:{name}"),
        lambda rng, n: rng.standard_exponential(n),
    )

    def next_time(now: float) -> float | None:
        t = now
        for start, end, rate in rates:
            if end <= t:
                continue
            t = max(t, start)
            if rate > 0:
                candidate = t + gaps() / rate
                if candidate < end:
                    return candidate
            t = end
        return None

    def arrive(_: simpy.Event) -> None:
        emit()
        schedule(env.now)

    def schedule(now: float) -> None:
        nxt = next_time(now)
        if nxt is not None:
            env.timeout(nxt - now).callbacks.append(arrive)

    schedule(0.0)
