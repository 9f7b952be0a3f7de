"""A comparison: scenarios against their baseline, replication by replication.

Every scenario is simulated with the same seed as the baseline. Because each
source of randomness has its own named stream, the baseline and a scenario see
the same arrivals and, where they share stages, the same handling times (common
random numbers). Their difference in each replication is then mostly the effect
of the change, not luck, and the 95% interval of the paired differences is much
narrower than comparing two independent runs would give. A difference is
*significant* when its interval excludes zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from procflow.model.process import Process
from procflow.model.quantities import TimeUnit
from procflow.results.estimate import Estimate, t975
from procflow.results.records import Difference, Replication, Results, SlaChange, Verdict
from procflow.results.verdict import scenario_verdict

if TYPE_CHECKING:  # a forecast's record pairs its runs with this module's differences
    from procflow.results.forecast import BacklogForecasts


@dataclass
class ScenarioComparison:
    """One scenario against the baseline."""

    name: str
    description: str
    results: Results
    differences: dict[str, Difference]
    verdict: Verdict
    slas: list[SlaChange] = field(default_factory=list)
    process: Process | None = None

    @property
    def stable(self) -> bool:
        """Whether the scenario keeps up (analysis and simulation)."""
        return self.results.stable


@dataclass
class Comparison:
    """The baseline and every scenario against it."""

    baseline: Results
    scenarios: list[ScenarioComparison]
    #: compared from a snapshot (``compare --initial-state``): the forecasts of the same
    #: runs, the baseline first, each scenario against it (``vs_base``)
    forecast: BacklogForecasts | None = None


def paired_difference(base: Sequence[float], other: Sequence[float]) -> Difference:
    """Mean paired difference with its t interval (a difference can take any sign), and the
    unpaired half-width for contrast: what two independent runs' standard errors would give."""
    pairs = [(b, s) for b, s in zip(base, other, strict=True) if math.isfinite(b + s)]
    change = Estimate.of([s - b for b, s in pairs])
    b_est = Estimate.of([b for b, _ in pairs])
    s_est = Estimate.of([s for _, s in pairs])
    n = len(pairs)
    unpaired = math.nan
    if n > 1:
        unpaired = t975(2 * n - 2) * math.sqrt(b_est.se**2 + s_est.se**2)
    return Difference(b_est.mean, s_est.mean, change, unpaired)


def compare_runs(
    name: str,
    description: str,
    baseline: tuple[Results, Sequence[Replication]],
    scenario: tuple[Results, Sequence[Replication]],
    process: Process | None = None,
) -> ScenarioComparison:
    """One scenario's paired differences, SLA changes and verdict against the baseline."""
    base_results, base_runs = baseline
    results, runs = scenario
    differences = {
        key: paired_difference([r.kpis[key] for r in base_runs], [r.kpis[key] for r in runs])
        for key in base_results.kpis
        if key in results.kpis and not key.startswith("slas.")
    }
    base_slas = {s.name: s for s in base_results.slas}
    slas = [
        SlaChange(s.name, base.met, s.met, base.outcome, s.outcome)
        if (base := base_slas.get(s.name)) is not None
        else SlaChange(s.name, False, s.met, None, s.outcome)
        for s in results.slas
    ]
    unit: TimeUnit = results.time_unit  # type: ignore[assignment]
    verdict = scenario_verdict(results.stable, results.verdict.text, slas, differences, unit)
    return ScenarioComparison(name, description, results, differences, verdict, slas, process)
