"""The parametric families of handling times: fixed, exponential, uniform, triangular,
normal, lognormal, gamma and weibull, each with its exact moments and block sampling;
and beta, for shares between 0 and 1 (a model's score of an item)."""

from __future__ import annotations

import math
from typing import ClassVar, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from procflow.model.quantities import (
    LIMITS_DOC,
    Duration,
)
from procflow.model.special import lower_gamma, normal_cdf

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


class Beta(_Base):
    """Values between 0 and 1, such as a model's score: ``a`` and ``b`` shape it.

    The mean is a / (a + b): ``{beta: {a: 8, b: 2}}`` scores most items near 0.8.
    """

    kind: Literal["beta"] = "beta"
    a: float = Field(gt=0, description="The first shape (higher: values nearer 1).")
    b: float = Field(gt=0, description="The second shape (higher: values nearer 0).")

    @property
    def mean(self) -> float:
        return self.a / (self.a + self.b)

    @property
    def variance(self) -> float:
        total = self.a + self.b
        return self.a * self.b / (total * total * (total + 1))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.beta(self.a, self.b, size)

    def cdf(self, x: float) -> float:
        if x <= 0:
            return 0.0
        if x >= 1:
            return 1.0
        from scipy.special import betainc  # imported when needed: most processes have no beta

        return float(betainc(self.a, self.b, x))
