"""Gold (honeypot) tasks at a work stage, compiled: what the simulator and analysis read.

A gold task is a task whose right answer is known, slipped in among a stage's real
work. The person answers it as they answer real work, right with the stage's own
accuracy, so the share of gold tasks a person gets right measures their accuracy.
Gold tasks cost the pool the stage's handling time, but they are not items: they
never count in throughput, cycle times, arrivals or SLAs.

Who gets a gold task, and when: after each task a person finishes at the stage,
their next task there is gold while they have done fewer than ``first`` gold tasks,
and otherwise with the chance ``then`` (or ``rate``). So each task is gold with that
chance, and a stage gets ``rate / (1 - rate)`` gold tasks per real one
(:attr:`GoldRule.per_task`), plus ``first`` per person who works there. (A person's
first gold tasks come right after their first real task, not before it.)
"""

from __future__ import annotations

from dataclasses import dataclass

from procflow.flow.truth import clamp
from procflow.model.stage import Stage


@dataclass(frozen=True, slots=True)
class GoldRule:
    """How many gold tasks a stage's people do, and how often they answer them right."""

    #: the chance that a person's next task is gold, after their first ones
    share: float
    #: the gold tasks each person does first
    first: int
    #: the chance that a person answers a gold task right: the stage's accuracy
    accuracy: float
    #: the same for the pool's new hires (by the stage's ``new_hires`` figures, if any)
    new_hire_accuracy: float

    def accuracy_of(self, new_hire: bool) -> float:
        """The chance that a new hire, or anyone else, answers a gold task right."""
        return self.new_hire_accuracy if new_hire else self.accuracy

    @property
    def per_task(self) -> float:
        """Gold tasks per real task, after each person's first ones: ``share / (1 - share)``
        (a run of gold tasks after each task, each one more with the chance ``share``)."""
        return self.share / (1 - self.share) if self.share < 1 else 0.0


def accuracy(stage: Stage, truth: bool, new_hire: bool = False) -> float:
    """The chance that the stage's work gets a gold task right: its decision's accuracy
    over the gold set's classes (with truth and a decision), else ``1 - error_rate``;
    ``new_hire``: a new hire's, by the stage's ``new_hires`` figures where given."""
    gold = stage.gold
    share = gold.violating if gold is not None else 0.5
    work = stage.new_hires if new_hire else None
    if truth and stage.decision is not None:
        decision = work.decision if work is not None and work.decision else stage.decision
        if decision.confusion is not None:  # gold tasks of every class alike
            rows = decision.confusion
            return clamp(sum(row.get(t, 0.0) for t, row in rows.items()) / max(len(rows), 1))
        right = share * (decision.sensitivity or 0.0)
        return clamp(right + (1 - share) * (decision.specificity or 0.0))
    if truth and stage.decides is not None:
        return clamp(share if stage.decides == "remove" else 1 - share)
    error_rate = work.error_rate if work is not None else None
    return clamp(1 - (stage.error_rate if error_rate is None else error_rate))


def compile_gold(stage: Stage, truth: bool) -> GoldRule | None:
    """The compiled gold of a stage (None without gold); ``truth``: the process has one."""
    gold = stage.gold
    if gold is None:
        return None
    return GoldRule(
        clamp(gold.share),
        gold.first_tasks,
        accuracy(stage, truth),
        accuracy(stage, truth, new_hire=True),
    )
