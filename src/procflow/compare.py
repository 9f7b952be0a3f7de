"""Is the proposed SOP better than today's, by how much, and how sure are we?

Every scenario is simulated with the same seed as the baseline, replication by
replication. Because each source of randomness has its own named stream, the
baseline and a scenario see the same arrivals and, where they share stages,
the same handling times (common random numbers). Their difference in each
replication is then mostly the effect of the change, not luck, and the 95%
interval of the paired differences is much narrower than comparing two
independent runs would give. A difference is *significant* when its interval
excludes zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from procflow.model.process import Process
from procflow.model.quantities import format_duration
from procflow.results import Estimate, Results, t975
from procflow.sim.engine import RunSettings
from procflow.sim.executor import Executor, SerialExecutor
from procflow.sim.runner import Progress, run_tasks, summarize


@dataclass(frozen=True)
class Difference:
    """Scenario minus baseline for one KPI: the mean paired difference and its interval."""

    baseline: float
    scenario: float
    change: Estimate
    #: half-width the interval would have without common random numbers (independent runs)
    unpaired_half_width: float

    @property
    def significant(self) -> bool:
        """Whether the 95% interval of the difference excludes zero."""
        c = self.change
        return not math.isnan(c.low) and (c.low > 0 or c.high < 0)

    @property
    def relative(self) -> float:
        """The change as a share of the baseline (NaN for a zero baseline)."""
        return self.change.mean / self.baseline if self.baseline else math.nan


@dataclass(frozen=True)
class SlaChange:
    """An SLA in the baseline and in a scenario."""

    name: str
    baseline_met: bool
    met: bool

    @property
    def broken(self) -> bool:
        """Met today, missed with the change."""
        return self.baseline_met and not self.met


@dataclass
class ScenarioComparison:
    """One scenario against the baseline."""

    name: str
    description: str
    results: Results
    differences: dict[str, Difference]
    slas: list[SlaChange] = field(default_factory=list)
    process: Process | None = None

    @property
    def stable(self) -> bool:
        """Whether the scenario's queues stay bounded."""
        return self.results.stable

    @property
    def verdict(self) -> str:
        """The headline a PM reads first."""
        if not self.results.stable:
            return self.results.verdict
        broken = [s.name for s in self.slas if s.broken]
        if broken:
            return "breaks an SLA the baseline meets: " + "; ".join(broken)
        p90 = self.differences.get("cycle_time.p90")
        if p90 is not None and p90.significant:
            change = p90.change.mean
            amount = format_duration(abs(change), self.results.time_unit)  # type: ignore[arg-type]
            word = "faster" if change < 0 else "slower"
            return f"p90 cycle time {'-' if change < 0 else '+'}{amount} ({word}, significant)"
        return "no significant change in p90 cycle time"


@dataclass
class Comparison:
    """The baseline and every scenario against it."""

    baseline: Results
    scenarios: list[ScenarioComparison]


def paired_difference(base: Sequence[float], other: Sequence[float]) -> Difference:
    """Mean paired difference with its t interval, and the unpaired half-width for contrast."""
    pairs = [(b, s) for b, s in zip(base, other, strict=True) if math.isfinite(b + s)]
    change = Estimate.of([s - b for b, s in pairs])
    b_est = Estimate.of([b for b, _ in pairs])
    s_est = Estimate.of([s for _, s in pairs])
    n = len(pairs)
    unpaired = math.nan
    if n > 1:
        var_b = (b_est.half_width / t975(n - 1)) ** 2 * n
        var_s = (s_est.half_width / t975(n - 1)) ** 2 * n
        unpaired = t975(2 * n - 2) * math.sqrt((var_b + var_s) / n)
    return Difference(b_est.mean, s_est.mean, change, unpaired)


def compare(
    baseline: Process,
    scenarios: Sequence[tuple[str, str, Process]],
    settings: RunSettings,
    *,
    replications: int = 10,
    seed: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """Simulate the baseline and each ``(name, description, process)`` on common random numbers."""
    processes = [baseline, *(p for _, _, p in scenarios)]
    tasks = [(p, settings, seed, r) for p in processes for r in range(replications)]
    runs = run_tasks(tasks, executor or SerialExecutor(), progress)
    grouped = [runs[k * replications : (k + 1) * replications] for k in range(len(processes))]
    base_results = summarize(baseline, settings, seed, grouped[0])
    compared: list[ScenarioComparison] = []
    for (name, description, process), group in zip(scenarios, grouped[1:], strict=True):
        results = summarize(process, settings, seed, group)
        differences = {
            key: paired_difference([r.kpis[key] for r in grouped[0]], [r.kpis[key] for r in group])
            for key in base_results.kpis
            if key in results.kpis and not key.startswith("slas.")
        }
        base_slas = {s.name: s.met for s in base_results.slas}
        slas = [SlaChange(s.name, base_slas.get(s.name, False), s.met) for s in results.slas]
        compared.append(ScenarioComparison(name, description, results, differences, slas, process))
    return Comparison(base_results, compared)
