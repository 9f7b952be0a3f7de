"""Plain result records: estimates with intervals, KPIs, SLA verdicts, bottlenecks.

No SimPy and no I/O here: the simulator fills these, reports read them.
An :class:`Estimate` is the mean over replications with a 95% confidence
interval from Student's t (replications are independent, so this is the
textbook interval; with one replication there is no interval).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

# Student t 0.975 quantiles for 1..30 degrees of freedom.
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t975(df: int) -> float:
    """The 97.5% quantile of Student's t with ``df`` degrees of freedom."""
    if df < 1:
        return math.nan
    if df <= len(_T975):
        return _T975[df - 1]
    z = 1.959964
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def t_within(t: float, df: int) -> float:
    """P(|T| <= t) for Student's t with ``df`` (whole) degrees of freedom (A&S 26.7.3-4)."""
    if t <= 0:
        return 0.0
    theta = math.atan(t / math.sqrt(df))
    cos2 = math.cos(theta) ** 2
    if df % 2:  # odd: (2/pi)(theta + sin cos (1 + 2/3 cos^2 + 2*4/(3*5) cos^4 ...))
        term, total = 1.0, 1.0 if df > 1 else 0.0
        for k in range(1, (df - 1) // 2):
            term *= cos2 * (2 * k) / (2 * k + 1)
            total += term
        return 2 / math.pi * (theta + math.sin(theta) * math.cos(theta) * total)
    term = total = 1.0  # even: sin (1 + 1/2 cos^2 + 1*3/(2*4) cos^4 ...)
    for k in range(1, df // 2):
        term *= cos2 * (2 * k - 1) / (2 * k)
        total += term
    return math.sin(theta) * total


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile (p > 0.5) of Student's t with ``df`` degrees of freedom."""
    if df < 1 or not 0.5 < p < 1:
        return math.nan
    target = 2 * p - 1  # P(|T| <= t)
    low, high = 0.0, 1.0
    while t_within(high, df) < target:
        high *= 2
    for _ in range(200):
        middle = (low + high) / 2
        if t_within(middle, df) < target:
            low = middle
        else:
            high = middle
    return high


@dataclass(frozen=True)
class Estimate:
    """A mean over replications with its 95% confidence interval."""

    mean: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Estimate:
        """Estimate from per-replication values (NaNs, e.g. no item delivered, are dropped)."""
        xs = [v for v in values if not math.isnan(v)]
        n = len(xs)
        if n == 0:
            return cls(math.nan, math.nan, math.nan, 0)
        mean = math.fsum(xs) / n
        if n == 1:
            return cls(mean, math.nan, math.nan, 1)
        sd = math.sqrt(math.fsum((x - mean) ** 2 for x in xs) / (n - 1))
        half = t975(n - 1) * sd / math.sqrt(n)
        return cls(mean, mean - half, mean + half, n)

    def clipped(self, low: float, high: float) -> Estimate:
        """The interval cut to [low, high] (a share cannot exceed 100%)."""
        return Estimate(self.mean, max(self.low, low), min(self.high, high), self.n)

    @property
    def half_width(self) -> float:
        """Half the interval's width (NaN without an interval)."""
        return (self.high - self.low) / 2

    def to_dict(self) -> dict[str, Any]:
        """``{"mean": x, "ci95": [lo, hi]}`` (null where undefined)."""
        return {"mean": _num(self.mean), "ci95": [_num(self.low), _num(self.high)]}


def _num(x: float) -> float | None:
    return x if math.isfinite(x) else None


@dataclass(frozen=True)
class SlaResult:
    """How an SLA fared: the share of items within its max, and whether the target is met."""

    name: str
    metric: str
    stage: str | None
    percentile: float
    max: float
    attained: Estimate

    @property
    def target(self) -> float:
        """The share that must be within ``max`` (0.9 for a p90 SLA)."""
        return self.percentile / 100

    @property
    def met(self) -> bool:
        """Whether the mean attainment reaches the target."""
        return bool(self.attained.mean >= self.target - 1e-12)

    @property
    def certain(self) -> bool:
        """Whether the whole interval is on one side of the target."""
        a = self.attained
        if math.isnan(a.low):
            return False
        return a.low >= self.target or a.high < self.target


@dataclass(frozen=True)
class Bottleneck:
    """A pool or stage that limits the process, with the evidence in words."""

    name: str
    kind: str
    score: float
    reason: str


@dataclass
class Results:
    """Everything one simulation produced, summarized over replications."""

    process: str
    time_unit: str
    settings: dict[str, Any]
    replications: list[dict[str, float]]
    kpis: dict[str, Estimate]
    slas: list[SlaResult]
    bottlenecks: list[Bottleneck]
    stable: bool
    #: stage -> queue growth per hour (mean over the replications that grew)
    growth: dict[str, float] = field(default_factory=dict)
    analytic_stable: bool = True
    #: sampled over simulated time, averaged over replications: "time", "wip",
    #: "queue.<stage>", "busy.<pool>", "working.<pool>"
    series: dict[str, list[float]] = field(default_factory=dict)
    #: cycle time at percentiles 1..99, averaged over replications
    cycle_time_percentiles: list[float] = field(default_factory=list)

    def kpi(self, name: str) -> Estimate:
        """One KPI's estimate by its stable name, such as ``cycle_time.p90``."""
        return self.kpis[name]

    @property
    def verdict(self) -> str:
        """One line a PM reads first."""
        if not self.stable:
            worst = sorted(self.growth.items(), key=lambda kv: -kv[1])
            if worst:
                stage, rate = worst[0]
                return f"unstable: {stage} queue grows by ~{rate:,.0f} items an hour"
            return "unstable: the backlog grows without bound"
        missed = [s.name for s in self.slas if not s.met]
        if missed:
            return "SLA missed: " + "; ".join(missed)
        return "stable; all SLAs met" if self.slas else "stable"
