"""How long and how often to simulate: run settings, their defaults and who may set them.

A run is replicated ``replications`` times, each simulating ``horizon`` of time of
which the first ``warmup`` is left out of the statistics (the system starts empty;
the queues need a while to fill to their usual level). The same ``seed`` gives the
same numbers. A setting comes from the command line if given there, else from the
scenario file's ``settings:`` block, else from the defaults below:
:meth:`RunSettings.parse` applies that order, so every command and the Python API
agree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from procflow.model.process import Process
from procflow.model.quantities import DURATION_PATTERN, parse_duration

DEFAULT_HORIZON = "3 days"
DEFAULT_WARMUP = "8 hours"
DEFAULT_REPLICATIONS = 10
DEFAULT_SEED = 1
#: Stop a replication when this many items are in the system (a hopelessly unstable process).
DEFAULT_MAX_WIP = 50_000


def _shown_default(value: str | int, *, duration: bool = False) -> Any:
    """The schema of a setting left out: the default it then takes (not ``null``)."""

    def extra(schema: dict[str, Any]) -> None:
        schema["default"] = value
        if duration:  # text with a unit, as the command line takes it
            schema["anyOf"] = [{"type": "string", "pattern": DURATION_PATTERN}, {"type": "null"}]

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
        description="The start of each run left out of the statistics, such as '8 hours'.",
        json_schema_extra=_shown_default(DEFAULT_WARMUP, duration=True),
    )
    replications: int | None = Field(
        default=None,
        ge=1,
        description="How many independent runs.",
        json_schema_extra=_shown_default(DEFAULT_REPLICATIONS),
    )
    seed: int | None = Field(
        default=None,
        ge=0,
        description="The random seed: the same seed gives the same numbers.",
        json_schema_extra=_shown_default(DEFAULT_SEED),
    )


class SettingsError(ValueError):
    """A run setting that cannot be used; ``option`` names it as the user wrote it."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option = option
        self.message = message


@dataclass(frozen=True)
class RunSettings:
    """How to simulate (times in the process's time unit)."""

    horizon: float
    warmup: float = 0.0
    replications: int = DEFAULT_REPLICATIONS
    seed: int = DEFAULT_SEED
    max_wip: int = DEFAULT_MAX_WIP

    @classmethod
    def parse(
        cls,
        process: Process,
        *,
        horizon: str | None = None,
        warmup: str | None = None,
        replications: int | None = None,
        seed: int | None = None,
        scenario: RunOverrides | None = None,
    ) -> RunSettings:
        """Settings from the arguments, else the scenario file's, else the defaults.

        Durations are text with a unit ("3 days", "90 min"); raises
        :class:`SettingsError` naming the option for one that cannot be read, or for
        a warm-up not shorter than the horizon.
        """
        file = scenario or RunOverrides()
        unit = process.time_unit
        length = _duration(horizon or file.horizon or DEFAULT_HORIZON, unit, "--horizon")
        skip = _duration(warmup or file.warmup or DEFAULT_WARMUP, unit, "--warmup")
        if length <= 0:
            raise SettingsError("--horizon", "must be longer than 0")
        if skip >= length:
            raise SettingsError("--warmup", "must be shorter than --horizon")
        return cls(
            horizon=length,
            warmup=skip,
            replications=_first(replications, file.replications, DEFAULT_REPLICATIONS),
            seed=_first(seed, file.seed, DEFAULT_SEED),
        )

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
        }


def _duration(text: str, unit: str, option: str) -> float:
    try:
        return parse_duration(text, unit)  # type: ignore[arg-type]
    except PydanticCustomError as exc:
        raise SettingsError(option, str(exc)) from None


def _first(*values: int | None) -> int:
    return next(v for v in values if v is not None)
