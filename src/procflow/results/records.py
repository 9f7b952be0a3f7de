"""Plain result records: what one replication measured, and a simulation summarized.

No SimPy and no I/O here: the simulator fills :class:`Replication`, ``summarize``
turns replications into :class:`Results`, and every formatter renders these
records (never the JSON). A record carries what a report needs to show it without
the process file: pool and stage facts, SLA definitions, the verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from procflow.model.quantities import three_digits
from procflow.results.estimate import Estimate
from procflow.results.precision import Precision

#: How a verdict reads: fine, watch it, or do not ship.
Tone = Literal["ok", "warn", "bad"]
TONE_WORDS: dict[Tone, str] = {"ok": "fine", "warn": "watch", "bad": "do not ship"}

#: An SLA's verdict: the interval wholly above the target, wholly below, or around it.
SlaOutcome = Literal["met", "missed", "undecided"]
_OUTCOME_TONE: dict[SlaOutcome, Tone] = {"met": "ok", "undecided": "warn", "missed": "bad"}


@dataclass
class Replication:
    """The raw numbers of one replication: KPI values by catalogue key, and what it saw."""

    kpis: dict[str, float]
    #: no queue kept growing and the run did not overflow
    stable: bool
    stopped_at: float
    #: stage -> queue growth in items per hour, for stages whose queue kept growing
    growth: dict[str, float] = field(default_factory=dict)
    #: sampled over time: "time", "wip", "queue.<stage>", "busy.<pool>", "working.<pool>"
    series: dict[str, list[float]] = field(default_factory=dict)
    #: cycle time at the 1st, 2nd, ... 99th percentile (the distribution, for charts)
    percentiles: list[float] = field(default_factory=list)
    #: every item that arrived in the measured window was followed to its delivery
    drained: bool = True
    #: the stage where an item went round a loop that takes no time, stopping the run
    stuck: str | None = None
    #: per pool, per interval of the week: (tasks that started waiting, answered in time);
    #: only when the settings ask for it (``staff --verify``)
    by_interval: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict)
    #: a forecast's run: when the backlog first reached its target (None: not by the end)
    cleared: float | None = None
    #: a forecast's run: breaches per calendar day (0: the snapshot's date), keyed
    #: ``due_dates.<value>`` (a due-date group) and ``slas.<k>`` (a cycle-time SLA)
    by_day: dict[str, dict[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class PoolInfo:
    """What a report needs to know of a staff pool."""

    #: people always on duty; None for a pool staffed by calendar or teams
    count: int | None
    #: people on duty, averaged over the week
    mean_staff: float
    cost_per_hour: float


@dataclass(frozen=True)
class StageInfo:
    """What a report needs to know of a stage."""

    kind: str
    pool: str | None = None
    escalates: bool = False


@dataclass(frozen=True)
class Overload:
    """A pool, or a group of skills within one, that the analysis finds cannot keep up."""

    pool: str
    needed: float  #: busy people the work needs on average
    servers: float  #: people able to do it, working on average
    skills: tuple[str, ...] = ()  #: empty: the whole pool

    @property
    def utilization(self) -> float:
        """Needed ÷ available."""
        return self.needed / self.servers if self.servers > 0 else math.inf

    def describe(self) -> str:
        """``qa_auditor needs 9.7 busy people on average and has 9.5 (102%)``."""
        who = f"{self.pool} ({', '.join(self.skills)})" if self.skills else self.pool
        ratio = "∞" if math.isinf(self.utilization) else f"{self.utilization:.0%}"
        return (
            f"{who} needs {three_digits(self.needed)} busy people on average and has "
            f"{three_digits(self.servers)} ({ratio})"
        )


@dataclass(frozen=True)
class AnalyticCheck:
    """What the analysis says about keeping up, for the verdict beside a simulation."""

    stable: bool
    overloads: tuple[Overload, ...] = ()
    endless: bool = False


@dataclass(frozen=True)
class SlaResult:
    """How an SLA fared: the share of items within its max, and whether the target is met."""

    name: str
    metric: str
    stage: str | None
    percentile: float
    max: float
    attained: Estimate
    #: the process cannot keep up: whatever a finite run measured, the SLA is missed
    unstable: bool = False

    @property
    def target(self) -> float:
        """The share that must be within ``max`` (0.9 for a p90 SLA)."""
        return self.percentile / 100

    @property
    def met(self) -> bool:
        """Whether the mean attainment reaches the target, on a process that keeps up."""
        return not self.unstable and bool(self.attained.mean >= self.target - 1e-12)

    @property
    def certain(self) -> bool:
        """Whether the whole interval is on one side of the target (always, when unstable)."""
        if self.unstable:
            return True
        a = self.attained
        if math.isnan(a.low):
            return False
        return a.low >= self.target - 1e-12 or a.high < self.target

    @property
    def outcome(self) -> SlaOutcome:
        """``met`` or ``missed`` when the whole interval is on one side of the target (or the
        process cannot keep up: missed); else ``undecided``: the verdict flips inside it."""
        if not self.certain:
            return "undecided"
        return "met" if self.met else "missed"

    @property
    def tone(self) -> Tone:
        """Met is fine, undecided is watch, missed is do not ship."""
        return _OUTCOME_TONE[self.outcome]

    @property
    def status(self) -> str:
        """``met``, ``missed``, ``missed: the backlog keeps growing`` or
        ``undecided: add replications``."""
        if self.unstable:
            return "missed: the backlog keeps growing"
        return "undecided: add replications" if self.outcome == "undecided" else self.outcome


@dataclass(frozen=True)
class PrecisionWarning:
    """An interval too wide to decide on, and the replications that would narrow it enough.

    Either a headline KPI whose 95% half-width is more than a tenth of its mean, or an
    SLA whose interval straddles its target (``sla`` is its name): it could be met or
    missed. With one replication there is no interval at all: ``key`` is then empty.
    """

    #: the KPI's catalogue key (``cycle_time.p90``, ``slas.0.attained``); "" for the run
    key: str
    #: the half-width as a share of the mean (NaN without an interval)
    relative_half_width: float
    #: the replications that would be enough; None when no number would (an SLA's mean on
    #: its target) or none can be told (one replication)
    replications: int | None
    #: the SLA whose verdict flips inside the interval
    sla: str | None = None


@dataclass(frozen=True)
class Bottleneck:
    """A pool or stage that limits the process, with the evidence in words."""

    name: str
    kind: str
    score: float
    reason: str


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
    #: what the intervals decide (None: not known, as in documents written before)
    baseline_outcome: SlaOutcome | None = None
    outcome: SlaOutcome | None = None

    @property
    def broken(self) -> bool:
        """Met today, missed with the change (by the intervals, when they are known)."""
        if self.baseline_outcome is None or self.outcome is None:
            return self.baseline_met and not self.met
        return self.baseline_outcome == "met" and self.outcome == "missed"

    @property
    def undecided(self) -> bool:
        """The interval of the baseline or of the scenario straddles the target."""
        return "undecided" in (self.baseline_outcome, self.outcome)

    @property
    def words(self) -> tuple[str, str]:
        """How the baseline and the scenario fare: ``met``, ``missed`` or
        ``undecided: add replications``."""

        def word(outcome: SlaOutcome | None, met: bool) -> str:
            if outcome == "undecided":
                return "undecided: add replications"
            return outcome or ("met" if met else "missed")

        return word(self.baseline_outcome, self.baseline_met), word(self.outcome, self.met)


@dataclass(frozen=True)
class Verdict:
    """The line a PM reads first, its tone, and what else they should know."""

    text: str
    tone: Tone
    notes: tuple[str, ...] = ()

    @property
    def word(self) -> str:
        """The tone in a word: fine, watch, do not ship."""
        return TONE_WORDS[self.tone]

    def __str__(self) -> str:
        return self.text


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
    #: the process keeps up: the analysis finds every pool able to, and no queue grew
    stable: bool
    verdict: Verdict
    pools: dict[str, PoolInfo] = field(default_factory=dict)
    stages: dict[str, StageInfo] = field(default_factory=dict)
    #: stage -> queue growth per hour (mean over the replications)
    growth: dict[str, float] = field(default_factory=dict)
    #: what each answer says on its own
    simulated_stable: bool = True
    analytic_stable: bool = True
    #: sampled over simulated time, averaged over replications: "time", "wip",
    #: "queue.<stage>", "busy.<pool>", "working.<pool>"
    series: dict[str, list[float]] = field(default_factory=dict)
    #: cycle time at percentiles 1..99, averaged over replications
    cycle_time_percentiles: list[float] = field(default_factory=list)
    #: intervals too wide to decide on, with the replications that would be enough
    imprecise: list[PrecisionWarning] = field(default_factory=list)
    #: with ``--precision``: how precise the headline KPIs came out, and after how many runs
    precision: Precision | None = None

    def kpi(self, name: str) -> Estimate:
        """One KPI's estimate by its catalogue key, such as ``cycle_time.p90``."""
        return self.kpis[name]

    @property
    def work_stages(self) -> list[str]:
        """The stages where a pool works, in file order."""
        return [name for name, stage in self.stages.items() if stage.kind == "work"]
