"""How long and how often to simulate: run settings, their defaults and who may set them.

A run is replicated ``replications`` times, each simulating ``horizon`` of time of
which the first ``warmup`` is left out of the statistics (the system starts empty;
the queues need a while to fill to their usual level). The same ``seed`` gives the
same numbers. With a ``precision`` ("5%"), ``replications`` is only the first
batch: more are added until every headline KPI's interval is within that share of
its mean, or ``max_replications`` is reached. A warm-up of ``auto`` is chosen from
the data (MSER-5 on a pilot, see :mod:`procflow.sim.warmup`). A setting comes
from the command line if given there, else from the scenario file's ``settings:``
block, else from the defaults below: :meth:`RunSettings.parse` applies that
order, so every command and the Python API agree.

The horizon can also name its end: ``--horizon "until 2026-12-04T18:00"`` (and
``--until`` of a forecast) runs to that date-time. A run from a snapshot starts at
the snapshot's time; a run that starts empty starts at Monday 00:00, so it runs to
that week's day and hour (Friday 18:00: 4 days 18 hours). :func:`deadline` reads
both forms, once, for every command.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from procflow.model.fields import MAX_WIP
from procflow.model.process import Process
from procflow.model.quantities import DURATION_PATTERN, convert, parse_duration
from procflow.model.snapshot import Snapshot, parse_time

DEFAULT_HORIZON = "3 days"
DEFAULT_WARMUP = "8 hours"
DEFAULT_REPLICATIONS = 10
DEFAULT_SEED = 1
#: With a precision, never run more replications than this unless told.
DEFAULT_MAX_REPLICATIONS = 200
#: The warm-up that asks procflow to choose it from the data.
AUTO = "auto"
#: What reports say after a warm-up procflow chose.
AUTO_WARMUP_NOTE = "chosen from the data by MSER-5"
#: Stop a replication when this many items are in the system (a hopelessly unstable process).
DEFAULT_MAX_WIP = MAX_WIP


def _shown_default(value: str | int, *, duration: bool = False, also: str | None = None) -> Any:
    """The schema of a setting left out: the default it then takes (not ``null``); a
    duration is text with a unit, as the command line takes it, or the word ``also``."""

    def extra(schema: dict[str, Any]) -> None:
        schema["default"] = value
        if duration:
            text = {"type": "string", "pattern": DURATION_PATTERN}
            words = [{"const": also}] if also else []
            schema["anyOf"] = [text, *words, {"type": "null"}]

    return extra


class RunOverrides(BaseModel):
    """Run settings a scenario file may set (the command line wins)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    horizon: str | None = Field(
        default=None,
        description="How long each run simulates, such as '7 days'.",
        json_schema_extra=_shown_default(DEFAULT_HORIZON, duration=True),
    )
    warmup: str | None = Field(
        default=None,
        description="The start of each run left out of the statistics, such as '8 hours', "
        "or 'auto' to choose it from the data (MSER-5).",
        json_schema_extra=_shown_default(DEFAULT_WARMUP, duration=True, also=AUTO),
    )
    replications: int | None = Field(
        default=None,
        ge=1,
        description="How many independent runs (with a precision: the first batch).",
        json_schema_extra=_shown_default(DEFAULT_REPLICATIONS),
    )
    seed: int | None = Field(
        default=None,
        ge=0,
        description="The random seed: the same seed gives the same numbers.",
        json_schema_extra=_shown_default(DEFAULT_SEED),
    )
    precision: str | float | None = Field(
        default=None,
        description="Add replications until every headline KPI's 95% interval is within this "
        "share of its mean, such as '5%'.",
    )
    max_replications: int | None = Field(
        default=None,
        ge=2,
        description="With a precision: stop at this many replications.",
        json_schema_extra=_shown_default(DEFAULT_MAX_REPLICATIONS),
    )


class SettingsError(ValueError):
    """A run setting that cannot be used; ``option`` names it as the user wrote it."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option = option
        self.message = message


#: How ``--horizon`` names a deadline rather than a length: ``until 2026-12-04T18:00``.
UNTIL = "until"


@dataclass(frozen=True)
class Deadline:
    """The end of a run as a date-time, and the hours from its start to it."""

    until: datetime
    hours: float


def week_start(moment: datetime) -> datetime:
    """The Monday 00:00 before ``moment``: where a run that starts empty starts."""
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    return midnight - timedelta(days=moment.weekday())


def deadline(
    start: datetime | None,
    until: str | None,
    horizon: str | None,
    *,
    until_option: str = "--until",
) -> Deadline:
    """The end of a run from ``start`` (a snapshot's time; None: a run that starts empty at
    Monday 00:00, the Monday before the date given): ``--until 2026-12-04T18:00``, or
    ``--horizon "until 2026-12-04T18:00"``, or a ``--horizon`` length ("4 days", only
    with a ``start``).

    Raises :class:`SettingsError` naming the option for a date-time that cannot be
    read, none given, or a deadline not after the start.
    """
    option = until_option
    text = until
    if text is None and horizon is not None:
        option = "--horizon"
        words = horizon.strip()
        if words.lower().startswith(UNTIL):
            text = words[len(UNTIL) :].strip()
        elif start is not None:
            try:
                hours = parse_duration(words, "hour")
            except ValueError as exc:
                raise SettingsError(option, f"{exc}; or write 'until 2026-12-04T18:00'") from None
            return Deadline(start + timedelta(hours=hours), hours)
    if text is None:
        raise SettingsError(
            until_option, f"give the deadline, such as {until_option} 2026-12-04T18:00"
        )
    try:
        moment = parse_time(text).replace(tzinfo=None)
    except ValueError:
        raise SettingsError(
            option, f"{text!r} is not a date-time; write ISO 8601, such as 2026-12-04T18:00"
        ) from None
    begin = week_start(moment) if start is None else start.replace(tzinfo=None)
    hours = (moment - begin) / timedelta(hours=1)
    if hours <= 0:
        what = "the snapshot's time" if start is not None else "the run's start, Monday 00:00,"
        raise SettingsError(option, f"{text} is not after {what} {begin.isoformat()}")
    return Deadline(moment, hours)


def horizon_hours(horizon: str | None, start: datetime | None) -> float | None:
    """The hours of a ``--horizon "until <date-time>"`` (see :func:`deadline`); None for a
    length, which :meth:`RunSettings.parse` reads itself."""
    if horizon is None or not horizon.strip().lower().startswith(UNTIL):
        return None
    return deadline(start, None, horizon).hours


@dataclass(frozen=True)
class VolumeStep:
    """A forecast interval of one stream, in run time (0 = the snapshot; the process's time
    unit): its expected rate, and the range around it (``low`` = ``rate`` = ``high`` when
    the forecast gives none)."""

    start: float
    end: float
    low: float
    rate: float
    high: float


@dataclass(frozen=True)
class VolumeSteps:
    """The streams whose arrivals follow a volume forecast instead of their rate or schedule,
    each with its intervals (no items outside them); every replication draws where in the
    range it falls (see :mod:`procflow.sim.arrivals`)."""

    streams: tuple[tuple[str, tuple[VolumeStep, ...]], ...]


@dataclass(frozen=True)
class WaitIntervals:
    """Which waits a run counts per interval of the week: ``within`` per pool, in
    intervals of ``length`` (both in the process's time unit)."""

    length: float
    within: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class RunSettings:
    """How to simulate (times in the process's time unit)."""

    horizon: float
    warmup: float = 0.0
    replications: int = DEFAULT_REPLICATIONS
    seed: int = DEFAULT_SEED
    max_wip: int = DEFAULT_MAX_WIP
    #: stop adding replications when every headline KPI's relative half-width is within
    #: this (0.05 = 5%); None: run exactly ``replications``
    precision: float | None = None
    max_replications: int = DEFAULT_MAX_REPLICATIONS
    #: the warm-up is chosen from the data (NaN until :func:`procflow.sim.warmup` chose it)
    auto_warmup: bool = False
    #: count waits per interval of the week for these pools (``staff --verify``)
    wait_intervals: WaitIntervals | None = None
    #: start from these items, at the snapshot's time of the week (a forecast); None: empty
    snapshot: Snapshot | None = None
    #: with a snapshot: the backlog level whose first reaching each run records
    target: int = 0
    #: arrivals from a volume forecast (``forecast --forecast``), drawn per replication
    volumes: VolumeSteps | None = None

    @classmethod
    def parse(
        cls,
        process: Process,
        *,
        horizon: str | None = None,
        warmup: str | None = None,
        replications: int | None = None,
        seed: int | None = None,
        precision: str | float | None = None,
        max_replications: int | None = None,
        scenario: RunOverrides | None = None,
    ) -> RunSettings:
        """Settings from the arguments, else the scenario file's, else the defaults.

        Durations are text with a unit ("3 days", "90 min"), or ``auto`` for the
        warm-up; the horizon may be ``until <date-time>`` (from Monday 00:00 of its
        week); a precision is a percentage ("5%") or a share (0.05). Raises
        :class:`SettingsError` naming the option for one that cannot be read, for a
        warm-up not shorter than the horizon, or for a first batch above the cap.
        """
        file = scenario or RunOverrides()
        unit = process.time_unit
        text = horizon or file.horizon or DEFAULT_HORIZON
        until = horizon_hours(text, None)
        if until is not None:
            length = convert(until, "hour", unit)
        else:
            length = _duration(text, unit, "--horizon")
        if length <= 0:
            raise SettingsError("--horizon", "must be longer than 0")
        skip_text = (warmup or file.warmup or DEFAULT_WARMUP).strip()
        auto = skip_text.lower() == AUTO
        skip = math.nan if auto else _duration(skip_text, unit, "--warmup")
        if skip >= length:
            raise SettingsError("--warmup", "must be shorter than --horizon")
        share = _precision(precision if precision is not None else file.precision)
        runs = _first(replications, file.replications, DEFAULT_REPLICATIONS)
        cap = _first(max_replications, file.max_replications, DEFAULT_MAX_REPLICATIONS)
        if share is not None and runs > cap:
            raise SettingsError(
                "--max-replications",
                f"must be at least the first batch of {runs} replications (--replications)",
            )
        return cls(
            horizon=length,
            warmup=skip,
            replications=runs,
            seed=_first(seed, file.seed, DEFAULT_SEED),
            precision=share,
            max_replications=cap,
            auto_warmup=auto,
        )

    def with_warmup(self, warmup: float) -> RunSettings:
        """The same settings with the warm-up chosen (an ``auto`` warm-up stays marked so)."""
        return replace(self, warmup=warmup)

    def with_runs(self, replications: int | None = None, seed: int | None = None) -> RunSettings:
        """The same settings with another number of replications or seed (None: unchanged)."""
        return replace(
            self,
            replications=self.replications if replications is None else replications,
            seed=self.seed if seed is None else seed,
        )

    def to_dict(self, time_unit: str) -> dict[str, Any]:
        """The settings as results record them (``time_unit`` of horizon and warm-up)."""
        return {
            "replications": self.replications,
            "seed": self.seed,
            "horizon": self.horizon,
            "warmup": self.warmup,
            "time_unit": time_unit,
            "warmup_auto": self.auto_warmup,
            "precision": self.precision,
            "max_replications": self.max_replications if self.precision is not None else None,
        }


def _duration(text: str, unit: str, option: str) -> float:
    try:
        return parse_duration(text, unit)  # type: ignore[arg-type]
    except PydanticCustomError as exc:
        raise SettingsError(option, str(exc)) from None


def _precision(value: str | float | None) -> float | None:
    """``5%`` or ``0.05`` as 0.05; None stays None."""
    return None if value is None else percent_share("--precision", value)


def percent_share(option: str, value: str | float) -> float:
    """``5%`` or ``0.05`` as 0.05, strictly between 0 and 1; raises :class:`SettingsError`
    naming ``option``."""
    text = str(value).strip()
    try:
        share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise SettingsError(
            option, f"cannot read {text!r}; write a percentage such as 5%"
        ) from None
    if not 0 < share < 1:
        raise SettingsError(option, f"{text} is not between 0% and 100%; write e.g. 5%")
    return share


def _first(*values: int | None) -> int:
    return next(v for v in values if v is not None)
