"""Probability distributions for handling times and numeric item attributes.

A PM writes a distribution as a one-key mapping, the kind first::

    duration: {lognormal: {mean: 4.2, sd: 1.6}}     # minutes, if time_unit is minute
    duration: {triangular: {low: 2, mode: 3, high: 7}}
    duration: {exponential: 5 min}                   # one parameter: the mean
    duration: 3 min                                  # a fixed time
    duration: {empirical: {file: aht_samples.csv}}   # observed handling times

Parameters are given the way operations teams measure them: a lognormal takes
the mean and standard deviation of the handling time itself (not of its log),
a normal is truncated at zero. Every distribution knows its exact mean and
variance (for ``procflow analyze``) and draws samples in blocks with NumPy
(for the simulator).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from procflow.diagnostics.suggest import closest
from procflow.model.fields import LazyJsonSchema
from procflow.model.quantities import (
    ATTRIBUTE_CONTEXT,
    LIMITS_DOC,
    MAX_ATTRIBUTE_VALUE,
    MAX_DURATION_SECONDS,
    SECONDS,
    Duration,
    InTimeUnit,
    TimeUnit,
)
from procflow.model.special import lower_gamma, normal_cdf

#: The distribution kinds, as written in YAML.
KINDS = (
    "fixed",
    "exponential",
    "uniform",
    "triangular",
    "normal",
    "lognormal",
    "gamma",
    "weibull",
    "empirical",
)
#: Kinds that take their single main parameter as a bare value: ``{exponential: 5}``.
_SCALAR_PARAM = {"fixed": "value", "exponential": "mean", "empirical": "values"}

MAX_EMPIRICAL_VALUES = 1_000_000
#: The smallest and largest weibull shape: below 0.1 the mean is more than 3,628,800
#: times the scale (Γ(11)); above 1,000 the time is fixed at the scale.
MIN_WEIBULL_SHAPE = 0.1
MAX_WEIBULL_SHAPE = 1_000.0


class _Base(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: str

    #: Positive by construction: whether samples can never be negative.
    nonnegative: ClassVar[bool] = True

    @property
    def mean(self) -> float:
        """The exact mean."""
        raise NotImplementedError

    @property
    def variance(self) -> float:
        """The exact variance."""
        raise NotImplementedError

    @property
    def scv(self) -> float:
        """Squared coefficient of variation (variance / mean²); 1 for exponential."""
        return self.variance / self.mean**2 if self.mean > 0 else 0.0

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` independent samples."""
        raise NotImplementedError

    def cdf(self, x: float) -> float:
        """P(X <= x): the exact distribution function."""
        raise NotImplementedError

    def mass(self, x: float) -> float:
        """P(X = x): zero but for the values of a fixed or empirical distribution."""
        return 0.0

    def describe(self) -> str:
        """A short text form, as a PM would write it."""
        params = ", ".join(
            f"{k}={v:g}"
            for k, v in self.model_dump(exclude={"kind"}).items()
            if isinstance(v, float)
        )
        return f"{self.kind}({params})"


class Fixed(_Base):
    """The time is (nearly) always the same."""

    kind: Literal["fixed"] = "fixed"
    value: Duration

    @property
    def mean(self) -> float:
        return self.value

    @property
    def variance(self) -> float:
        return 0.0

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, self.value)

    def cdf(self, x: float) -> float:
        return 1.0 if x >= self.value else 0.0

    def mass(self, x: float) -> float:
        return 1.0 if x == self.value else 0.0


class Exponential(_Base):
    """You know only the average, and times vary a lot (memoryless: sd equals the mean)."""

    kind: Literal["exponential"] = "exponential"
    mean_: Duration = Field(alias="mean")

    @property
    def mean(self) -> float:
        return self.mean_

    @property
    def variance(self) -> float:
        return self.mean_**2

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean_, size)

    def cdf(self, x: float) -> float:
        if self.mean_ == 0:
            return 1.0 if x >= 0 else 0.0
        return -math.expm1(-x / self.mean_) if x > 0 else 0.0

    def mass(self, x: float) -> float:
        return 1.0 if self.mean_ == 0 and x == 0 else 0.0

    def describe(self) -> str:
        return f"exponential(mean={self.mean_:g})"


class Uniform(_Base):
    """Anything between ``low`` and ``high`` is equally likely."""

    kind: Literal["uniform"] = "uniform"
    low: Duration
    high: Duration

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            raise PydanticCustomError("distribution", "uniform needs low <= high")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    @property
    def variance(self) -> float:
        return (self.high - self.low) ** 2 / 12

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)

    def cdf(self, x: float) -> float:
        if self.high == self.low:
            return 1.0 if x >= self.low else 0.0
        return min(max((x - self.low) / (self.high - self.low), 0.0), 1.0)

    def mass(self, x: float) -> float:
        return 1.0 if self.high == self.low == x else 0.0


class Triangular(_Base):
    """A team lead's estimate without data: minimum, most likely and maximum."""

    kind: Literal["triangular"] = "triangular"
    low: Duration
    mode: Duration
    high: Duration

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise PydanticCustomError("distribution", "triangular needs low <= mode <= high")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    @property
    def variance(self) -> float:
        a, c, b = self.low, self.mode, self.high
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        if self.low == self.high:
            return np.full(size, self.low)
        return rng.triangular(self.low, self.mode, self.high, size)

    def cdf(self, x: float) -> float:
        a, c, b = self.low, self.mode, self.high
        if x <= a:
            return 1.0 if a == b and x == a else 0.0
        if x >= b:
            return 1.0
        if x <= c:
            return (x - a) ** 2 / ((b - a) * (c - a))
        return 1 - (b - x) ** 2 / ((b - a) * (b - c))

    def mass(self, x: float) -> float:
        return 1.0 if self.low == self.high == x else 0.0


def _phi(x: float) -> float:
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


class Normal(_Base):
    """Times vary symmetrically around an average (truncated at zero: never negative)."""

    kind: Literal["normal"] = "normal"
    mean_: Duration = Field(alias="mean")
    sd: Duration

    def _alpha(self) -> tuple[float, float]:
        alpha = -self.mean_ / self.sd
        return alpha, _phi(alpha) / max(1 - normal_cdf(alpha), 1e-300)

    @property
    def mean(self) -> float:
        if self.sd == 0:
            return self.mean_
        _, lam = self._alpha()
        return self.mean_ + self.sd * lam

    @property
    def variance(self) -> float:
        if self.sd == 0:
            return 0.0
        alpha, lam = self._alpha()
        return self.sd**2 * (1 + alpha * lam - lam * lam)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        out = rng.normal(self.mean_, self.sd, size)
        bad = out < 0
        while bad.any():  # resample the negatives: exact truncation
            out[bad] = rng.normal(self.mean_, self.sd, int(bad.sum()))
            bad = out < 0
        return out

    def cdf(self, x: float) -> float:
        if x < 0:
            return 0.0
        if self.sd == 0:
            return 1.0 if x >= self.mean_ else 0.0
        below = normal_cdf(-self.mean_ / self.sd)
        kept = max(1 - below, 1e-300)
        return (normal_cdf((x - self.mean_) / self.sd) - below) / kept

    def mass(self, x: float) -> float:
        return 1.0 if self.sd == 0 and x == self.mean_ else 0.0

    def describe(self) -> str:
        return f"normal(mean={self.mean_:g}, sd={self.sd:g}, truncated at 0)"


class Lognormal(_Base):
    """Measured handling times: skewed, with a long tail; the usual choice.

    ``mean`` and ``sd`` are of the time itself, not of its log.
    """

    kind: Literal["lognormal"] = "lognormal"
    mean_: Duration = Field(alias="mean")
    sd: Duration

    @model_validator(mode="after")
    def _positive(self) -> Lognormal:
        if self.mean_ <= 0:
            raise PydanticCustomError("distribution", "lognormal needs a mean above 0")
        return self

    def log_params(self) -> tuple[float, float]:
        """(mu, sigma) of the underlying normal."""
        sigma2 = math.log(1 + (self.sd / self.mean_) ** 2)
        return math.log(self.mean_) - sigma2 / 2, math.sqrt(sigma2)

    @property
    def mean(self) -> float:
        return self.mean_

    @property
    def variance(self) -> float:
        return self.sd**2

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        mu, sigma = self.log_params()
        return rng.lognormal(mu, sigma, size)

    def cdf(self, x: float) -> float:
        if x <= 0:
            return 0.0
        mu, sigma = self.log_params()
        if sigma == 0:
            return 1.0 if x >= self.mean_ else 0.0
        return normal_cdf((math.log(x) - mu) / sigma)

    def mass(self, x: float) -> float:
        return 1.0 if self.sd == 0 and x == self.mean_ else 0.0

    def describe(self) -> str:
        return f"lognormal(mean={self.mean_:g}, sd={self.sd:g})"


class Gamma(_Base):
    """Skewed times, a lighter tail than lognormal.

    Given as ``shape`` and ``scale``, or as ``mean`` and ``sd``.
    """

    kind: Literal["gamma"] = "gamma"
    shape: float | None = Field(default=None, gt=0, description="The shape (with scale).")
    scale: Duration | None = Field(default=None, description="The scale (with shape).")
    mean_: Duration | None = Field(default=None, alias="mean", description="The mean (with sd).")
    sd: Duration | None = Field(default=None, description="The standard deviation (with mean).")

    @model_validator(mode="after")
    def _one_pair(self) -> Gamma:
        by_shape = self.shape is not None and self.scale is not None
        by_moments = self.mean_ is not None and self.sd is not None
        mixed = (self.shape is not None or self.scale is not None) and (
            self.mean_ is not None or self.sd is not None
        )
        if by_shape == by_moments or mixed:
            raise PydanticCustomError(
                "distribution", "gamma needs either shape and scale, or mean and sd"
            )
        if by_moments and (self.mean_ == 0 or self.sd == 0):
            raise PydanticCustomError("distribution", "gamma needs a mean and sd above 0")
        return self

    def params(self) -> tuple[float, float]:
        """(shape, scale)."""
        if self.shape is not None and self.scale is not None:
            return self.shape, self.scale
        assert self.mean_ is not None and self.sd is not None
        return (self.mean_ / self.sd) ** 2, self.sd**2 / self.mean_

    @property
    def mean(self) -> float:
        k, theta = self.params()
        return k * theta

    @property
    def variance(self) -> float:
        k, theta = self.params()
        return k * theta * theta

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        k, theta = self.params()
        return rng.gamma(k, theta, size)

    def cdf(self, x: float) -> float:
        k, theta = self.params()
        if theta == 0:
            return 1.0 if x >= 0 else 0.0
        return lower_gamma(k, x / theta)

    def describe(self) -> str:
        k, theta = self.params()
        return f"gamma(shape={k:g}, scale={theta:g})"


class Weibull(_Base):
    """Fitted by an analyst: ``shape`` (k) and ``scale`` (lambda)."""

    kind: Literal["weibull"] = "weibull"
    shape: float = Field(
        description="The shape: below 1, a long tail.",
        json_schema_extra={"minimum": MIN_WEIBULL_SHAPE, "maximum": MAX_WEIBULL_SHAPE},
    )
    scale: Duration

    @field_validator("shape")
    @classmethod
    def _computable_shape(cls, shape: float) -> float:
        if MIN_WEIBULL_SHAPE <= shape <= MAX_WEIBULL_SHAPE:
            return shape
        if shape > 0 and math.isfinite(shape):
            power = math.lgamma(1 + 1 / shape) / math.log(10)
            gives = f"gives a mean of 10^{power:.0f} times its scale"
        else:
            gives = "has no mean"
        if shape > MAX_WEIBULL_SHAPE:
            gives, fix = "is a fixed time", "use a shape of at most 1,000, or a fixed duration"
        else:
            fix = "use a shape of at least 0.1 (below 1, the lower the longer the tail)"
        raise PydanticCustomError(
            "distribution",
            "a weibull shape of {shape} {gives}: {fix}",
            {"shape": f"{shape:g}", "gives": gives, "fix": fix, "hint": LIMITS_DOC},
        )

    @property
    def mean(self) -> float:
        return self.scale * math.gamma(1 + 1 / self.shape)

    @property
    def variance(self) -> float:
        g1 = math.gamma(1 + 1 / self.shape)
        g2 = math.gamma(1 + 2 / self.shape)
        return self.scale**2 * (g2 - g1 * g1)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return self.scale * rng.weibull(self.shape, size)

    def cdf(self, x: float) -> float:
        if x <= 0:
            return 1.0 if self.scale == 0 and x == 0 else 0.0
        if self.scale == 0:
            return 1.0
        return -math.expm1(-((x / self.scale) ** self.shape))


class Empirical(_Base):
    """You have observed times (a tool export): a list, or a CSV column; drawn from at random."""

    kind: Literal["empirical"] = "empirical"
    values: tuple[Duration, ...] = Field(default=(), description="The observed values.")
    file: str | None = Field(
        default=None, description="A CSV file of observed values, next to the process file."
    )
    column: str | int = Field(
        default=0, description="The CSV column: its header name, or its position from 0."
    )

    @model_validator(mode="before")
    @classmethod
    def _read_file(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict) or data.get("file") is None:
            return data
        if data.get("values"):
            raise PydanticCustomError("distribution", "give either values or file, not both")
        context = info.context or {}
        path = Path(context.get("base_dir", ".")) / str(data["file"])
        data = dict(data)
        data["values"] = _read_csv_column(path, data.get("column", 0))
        context.get("files_read", []).append(path)
        return data

    @model_validator(mode="after")
    def _nonempty(self) -> Empirical:
        if not self.values:  # also when left out: ``{empirical: {}}``
            raise PydanticCustomError(
                "distribution",
                "empirical needs at least one value",
                {"hint": "list the observed times (values: [3, 4.5, 6]) or name a CSV file"},
            )
        return self

    @property
    def mean(self) -> float:
        return math.fsum(self.values) / len(self.values)

    @property
    def variance(self) -> float:
        m = self.mean
        return math.fsum((v - m) ** 2 for v in self.values) / len(self.values)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values), size)

    def cdf(self, x: float) -> float:
        return sum(1 for v in self.values if v <= x) / len(self.values)

    def mass(self, x: float) -> float:
        return sum(1 for v in self.values if v == x) / len(self.values)

    def describe(self) -> str:
        source = f"{self.file}, " if self.file else ""
        return f"empirical({source}{len(self.values)} values, mean={self.mean:g})"


def _read_csv_column(path: Path, column: Any) -> list[str]:
    """Read one column of numbers (by header name or 0-based index) from a CSV file."""
    if not path.is_file():
        raise PydanticCustomError(
            "empirical_file", "CSV file {file} not found", {"file": str(path)}
        )
    if path.stat().st_size > 64 * 1024 * 1024:
        raise PydanticCustomError(
            "empirical_file", "CSV file {file} is over 64 MiB", {"file": str(path)}
        )
    values: list[str] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = csv.reader(handle)
            index = column if isinstance(column, int) else None
            for number, row in enumerate(rows, start=1):
                if not row or not "".join(row).strip():
                    continue
                if index is None:
                    if str(column) not in row:
                        raise PydanticCustomError(
                            "empirical_file",
                            "CSV file {file} has no column {column} in its header",
                            {"file": str(path), "column": repr(column)},
                        )
                    index = row.index(str(column))
                    continue
                cell = row[index].strip() if index < len(row) else ""
                try:
                    float(cell)
                except ValueError:
                    if number == 1:
                        continue  # a header row
                    raise PydanticCustomError(
                        "empirical_file",
                        "CSV file {file}, line {line}: {cell} is not a number",
                        {"file": str(path), "line": number, "cell": repr(cell)},
                    ) from None
                values.append(cell)
                if len(values) > MAX_EMPIRICAL_VALUES:
                    raise PydanticCustomError(
                        "empirical_file",
                        "CSV file {file} has over 1,000,000 values",
                        {"file": str(path)},
                    )
    except (OSError, UnicodeDecodeError) as exc:
        raise PydanticCustomError(
            "empirical_file",
            "cannot read CSV file {file}: {error}",
            {"file": str(path), "error": str(exc)},
        ) from None
    return values


def _normalize(value: Any) -> Any:
    """``{lognormal: {mean: 4}}`` -> ``{kind: lognormal, mean: 4}``; bare values -> fixed."""
    if isinstance(value, _Base):
        return value
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        return {"kind": "fixed", "value": value}
    if isinstance(value, dict) and len(value) == 1:
        ((kind, params),) = value.items()
        if kind not in KINDS:
            close = closest(str(kind), KINDS)
            raise PydanticCustomError(
                "distribution",
                "unknown distribution {kind}{suggestion}; use one of: {kinds}",
                {
                    "kind": repr(kind),
                    "suggestion": f" (did you mean {close!r}?)" if close else "",
                    "kinds": ", ".join(KINDS),
                },
            )
        if kind in _SCALAR_PARAM and not isinstance(params, dict):
            params = {_SCALAR_PARAM[kind]: params}
        if isinstance(params, dict):
            return {"kind": kind, **params}
    if isinstance(value, dict) and "kind" in value:
        return value
    raise PydanticCustomError(
        "distribution",
        "expected a distribution written as one kind with its parameters, such as "
        "{lognormal: {mean: 4.2, sd: 1.6}}, or a fixed duration; kinds: {kinds}",
        {"kinds": ", ".join(KINDS)},
    )


def _computable(distribution: _Base, info: ValidationInfo) -> _Base:
    """Refuse a distribution whose mean, variance or spread procflow cannot compute, or
    whose mean is longer than the longest duration (10 years)."""
    context = info.context or {}
    unit: TimeUnit = context.get("time_unit", "minute")
    try:
        mean, variance, scv = distribution.mean, distribution.variance, distribution.scv
    except (ArithmeticError, ValueError):  # an overflow, a division by zero, a domain error
        mean = variance = scv = math.inf
    if context.get(ATTRIBUTE_CONTEXT):
        largest, limit = MAX_ATTRIBUTE_VALUE, "of at most 1,000,000,000,000"
    else:
        largest, limit = MAX_DURATION_SECONDS / SECONDS[unit], "of at most 10 years"
    if all(math.isfinite(x) for x in (mean, variance, scv)) and mean <= largest:
        return distribution
    raise PydanticCustomError(
        "distribution",
        "this {kind} distribution has a mean or a spread too large to compute "
        "(procflow computes with means {limit})",
        {
            "kind": distribution.kind,
            "limit": limit,
            "hint": f"check its parameters and their unit; {LIMITS_DOC}",
        },
    )


def _kind_of(value: Any) -> str | None:
    if isinstance(value, dict):
        kind = value.get("kind")
        return kind if kind in KINDS else None
    return getattr(value, "kind", None)


_Union = Annotated[
    Annotated[Fixed, Tag("fixed")]
    | Annotated[Exponential, Tag("exponential")]
    | Annotated[Uniform, Tag("uniform")]
    | Annotated[Triangular, Tag("triangular")]
    | Annotated[Normal, Tag("normal")]
    | Annotated[Lognormal, Tag("lognormal")]
    | Annotated[Gamma, Tag("gamma")]
    | Annotated[Weibull, Tag("weibull")]
    | Annotated[Empirical, Tag("empirical")],
    Discriminator(
        _kind_of,
        custom_error_type="distribution",
        custom_error_message="unknown distribution; use one of: " + ", ".join(KINDS),
    ),
]
_CLASSES: tuple[type[_Base], ...] = (
    Fixed,
    Exponential,
    Uniform,
    Triangular,
    Normal,
    Lognormal,
    Gamma,
    Weibull,
    Empirical,
)


def _user_schema() -> dict[str, Any]:
    """The JSON Schema of distributions as users write them: ``{kind: {params}}``."""
    choices: list[dict[str, Any]] = [
        {"type": "number", "minimum": 0},
        {"type": "string", "description": "a fixed duration such as '3 min'"},
    ]
    for cls in _CLASSES:
        schema = cls.model_json_schema(by_alias=True)
        schema.pop("title", None)
        schema["properties"].pop("kind", None)
        schema["additionalProperties"] = False
        if "required" in schema:
            schema["required"] = [r for r in schema["required"] if r != "kind"]
        kind = cls.model_fields["kind"].default
        summary = (cls.__doc__ or kind).strip().splitlines()[0]
        params: dict[str, Any] = {"anyOf": [schema], "description": summary}
        if kind in _SCALAR_PARAM and kind != "empirical":
            params["anyOf"].append(schema["properties"][_SCALAR_PARAM[kind]])
        if kind == "empirical":
            params["anyOf"].append({"type": "array", "items": {"type": "number"}})
        choices.append(
            {
                "type": "object",
                "properties": {kind: params},
                "required": [kind],
                "additionalProperties": False,
                "description": (cls.__doc__ or kind).strip().splitlines()[0],
            }
        )
    return {"anyOf": choices, "description": "A distribution: {kind: {parameters}}."}


#: A distribution field, written ``{kind: {parameters}}`` or as a fixed duration.
#: A bare number is a fixed time in ``time_unit`` (and is marked so); the parameters inside
#: ``{kind: {...}}`` are numbers in ``time_unit`` by design.
Distribution = Annotated[
    _Union,
    BeforeValidator(_normalize),
    AfterValidator(_computable),
    LazyJsonSchema(_user_schema),
    InTimeUnit("duration"),
]
