"""The work each pool gets from each arrival stream: what staffing per interval starts from.

An item arriving does not make one task: QC samples it, rework sends it back,
routing sends some items to a second review. The traffic analysis
(:func:`procflow.analysis.capacity.analyze`) counts all of that as visits per
arriving item. :func:`pool_work` keeps, for every pool, each of its stages'
visits per item of each stream with the stage's handling time and patience
(``escalate_after``); :meth:`PoolWork.demand` turns the streams' arrival rates
of one interval into the queue the staffing formulas solve
(:class:`~procflow.analysis.staffing.Demand`). So a forecast of items becomes a
load of tasks with rework and routing counted.

With several streams each is analysed on its own (its items may enter at another
stage or carry other attributes); escalation shares are those at today's staffing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from procflow.analysis.capacity import Capacity, analyze
from procflow.analysis.patience import Patience
from procflow.analysis.queueing import Arrivals
from procflow.analysis.staffing import Demand
from procflow.flow.compiler import compile_flow
from procflow.model.process import Process


@dataclass(frozen=True)
class StageWork:
    """One stage of a pool: its tasks per item of each stream, handling time, patience."""

    stage: str
    tasks: tuple[float, ...]  #: tasks per arriving item, one per arrival stream
    mean_service: float
    service_scv: float
    patience: Patience  #: escalate_after (inf: waits as long as it takes)
    #: the pool's tasks per visit (consensus labels, gold tasks, a lot's inspected share)
    per_visit: float = 1.0

    @property
    def visits(self) -> float:
        """The most visits per arriving item of any stream (tasks are visits x per_visit)."""
        return max(self.tasks, default=0.0) / self.per_visit if self.per_visit > 0 else 0.0


@dataclass(frozen=True)
class PoolWork:
    """The stages of one pool and their work per arriving item."""

    pool: str
    stages: tuple[StageWork, ...]

    def demand(self, rates: Sequence[float]) -> Demand:
        """The pool's queue when the streams send items at ``rates`` (per time unit)."""
        classes = []
        first = second = total = 0.0
        for stage in self.stages:
            rate = math.fsum(t * r for t, r in zip(stage.tasks, rates, strict=True))
            classes.append(Arrivals(rate, stage.patience))
            total += rate
            first += rate * stage.mean_service
            second += rate * stage.mean_service**2 * (1 + stage.service_scv)
        mean = first / total if total > 0 else self.mean_service
        scv = second / total / mean**2 - 1 if total > 0 and mean > 0 else 1.0
        return Demand(tuple(classes), mean, scv)

    @property
    def mean_service(self) -> float:
        """Handling time averaged over the stages by their tasks (all streams alike)."""
        weights = [math.fsum(s.tasks) for s in self.stages]
        total = math.fsum(weights)
        if total <= 0:
            return math.fsum(s.mean_service for s in self.stages) / max(len(self.stages), 1)
        return math.fsum(w * s.mean_service for w, s in zip(weights, self.stages, strict=True)) / (
            total
        )


def pool_work(process: Process) -> dict[str, PoolWork]:
    """Every pool's work per item of each stream, from the traffic analysis.

    Raises ValueError when some loop never lets items out (the work is infinite:
    lint explains it).
    """
    per_stream = [_capacity(process, k) for k in range(len(process.arrivals))]
    flow = compile_flow(process)
    stages: dict[str, list[StageWork]] = {name: [] for name in process.resources}
    for rule in flow.rules:
        if rule.pool is None or rule.duration is None or rule.pool not in stages:
            continue
        tasks = tuple(
            c.stages[rule.name].visits * rule.worked if c.stages else 0.0 for c in per_stream
        )
        patience = rule.escalation.patience if rule.escalation else math.inf
        work = StageWork(
            rule.name, tasks, rule.duration.mean, rule.duration.scv, patience, rule.worked
        )
        stages[rule.pool].append(work)
    return {name: PoolWork(name, tuple(found)) for name, found in stages.items()}


def _capacity(process: Process, stream: int) -> Capacity:
    """The analysis of the items of one stream (the whole process when it has one)."""
    if len(process.arrivals) > 1:
        process = process.model_copy(update={"arrivals": [process.arrivals[stream]]})
    capacity = analyze(process)
    if capacity.endless:
        raise ValueError("some loop never lets items out: the work per item is infinite")
    return capacity
