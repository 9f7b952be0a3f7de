"""A stage of a process: work a pool does, a routing decision, a split, or an end.

A stage's keys say what happens to an item there (see :mod:`procflow.flow.routing`,
the one definition the engine, the analysis and lint read): who works on it and for
how long (``resource``, ``duration``), what can go wrong and what catches it
(``error_rate``, ``on_defect``, ``sample``, ``decision``), and where it goes next
(``next``: a stage, or branches by condition or probability). Validation here is what
must hold inside one stage; what needs the whole process is lint's.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from procflow.expr import Expr
from procflow.model.condition import Condition
from procflow.model.consensus import Consensus
from procflow.model.distributions import Distribution
from procflow.model.fields import (
    MAX_ATTEMPTS,
    STRICT,
    LazyJsonSchema,
    PriorityValue,
    Probability,
)
from procflow.model.lots import Lots
from procflow.model.quality import Accuracy, Gold, SamplePlan
from procflow.model.tenure import NewHireWork


class Branch(BaseModel):
    """One way out of a stage: taken if ``when`` holds, with ``probability``, or by default."""

    model_config = STRICT
    to: str = Field(description="The stage this branch leads to.")
    when: Condition | None = Field(
        default=None, description="Taken if this condition on the item's attributes holds."
    )
    probability: Probability | None = Field(
        default=None,
        description="Taken with this probability, from 0 to 1, by the items no condition caught.",
    )

    @model_validator(mode="after")
    def _when_or_probability(self) -> Branch:
        if self.when is not None and self.probability is not None:
            raise PydanticCustomError(
                "branch",
                "a branch takes either 'when' or 'probability', not both; split it into two "
                "branches",
            )
        return self

    @property
    def is_default(self) -> bool:
        """Whether this branch takes whatever probability the others leave."""
        return self.when is None and self.probability is None


def _routing(value: Any) -> Any:
    if isinstance(value, str):
        return [{"to": value}]
    if isinstance(value, list):
        return value
    raise PydanticCustomError(
        "routing",
        "next must be a stage name, or a list of branches each with 'to' and optionally "
        "'when' or 'probability'",
    )


Routing = Annotated[
    list[Branch],
    BeforeValidator(_routing),
    LazyJsonSchema(
        lambda: {
            "anyOf": [
                {"type": "string", "description": "The stage that always comes next."},
                {
                    "type": "array",
                    "items": Branch.model_json_schema(by_alias=True),
                    "description": "Branches: the first whose 'when' holds; else a random "
                    "draw among 'probability' branches; else the last, default branch.",
                },
            ]
        }
    ),
]


class PriorityRule(BaseModel):
    """Set an item's priority to ``value`` (if ``when`` holds, or always)."""

    model_config = STRICT
    when: Condition | None = Field(
        default=None, description="The rule holds if this condition holds; without it, always."
    )
    value: PriorityValue = Field(description="The priority to set (higher is served first).")


def _priority(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return [{"value": value}]
    return value


Priority = Annotated[
    list[PriorityRule],
    BeforeValidator(_priority),
    LazyJsonSchema(
        lambda: {
            "anyOf": [
                {"type": "integer"},
                {"type": "array", "items": PriorityRule.model_json_schema(by_alias=True)},
            ],
            "description": "A priority (higher is served first), or rules "
            "[{when: ..., value: 10}, {value: 0}] where the first that holds wins.",
        }
    ),
]


def _names(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


#: One stage name, or a list of them.
StageNames = Annotated[
    list[str],
    BeforeValidator(_names),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
]


StageKind = Literal["work", "decision", "split", "end"]


class Stage(BaseModel):
    """A step of the process: work done by a pool, a routing decision, a split, or an end."""

    model_config = STRICT
    description: str = Field(default="", description="Free text.")
    resource: str | None = Field(
        default=None, description="The staff pool that does the work (a work stage)."
    )
    duration: Distribution | None = Field(
        default=None,
        description="How long the work takes: '4 min', or a distribution such as "
        "{lognormal: {mean: 4.2, sd: 1.6}}.",
    )
    next: Routing | None = Field(
        default=None, description="Where items go next: a stage, or a list of branches."
    )
    end: bool = Field(default=False, description="true for an end stage: items are done here.")
    split: list[str] | None = Field(
        default=None,
        min_length=2,
        description="Stages that each get a copy of the item at once (parallel work).",
    )
    join: str | None = Field(
        default=None, description="The stage where the copies of a split meet (with split)."
    )
    error_rate: Probability = Field(
        default=0.0,
        description="The chance that this work leaves a defect on an item that had none, "
        "from 0 to 1.",
    )
    detection_rate: Probability | None = Field(
        default=None,
        description="The chance that this review catches a defect the item carries, from 0 "
        "to 1 (with on_defect).",
    )
    on_defect: str | None = Field(
        default=None,
        description="The stage a caught defect is sent to, usually the work to redo "
        "(with detection_rate).",
    )
    max_attempts: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ATTEMPTS,
        description="The most reviews of one item here: it sends an item back at most "
        "max_attempts - 1 times, then lets it go on by next.",
    )
    lots: Lots | None = Field(
        default=None,
        description="Lot acceptance sampling at this review: items are held in lots, a "
        "sample of each lot is inspected, and the lot is accepted or rejected (see "
        "docs/format.md, Lot acceptance sampling).",
    )
    skill: str | None = Field(default=None, description="The skill the work needs.")
    skill_from: str | None = Field(
        default=None, description="An attribute whose value names the skill the work needs."
    )
    priority: Priority | None = Field(
        default=None, description="The priority items get here (higher is served first)."
    )
    escalate_after: Distribution | None = Field(
        default=None,
        description="How long an item may wait in this stage's queue before it escalates: "
        "a fixed duration, or a distribution of how long items wait (their patience).",
    )
    escalate_to: str | None = Field(
        default=None, description="The stage waiting items escalate to (with escalate_after)."
    )
    consensus: Consensus | None = Field(
        default=None,
        description="Several different people label each item and their labels are compared: "
        "{labelers: 3, accuracy: 0.8, agree: majority, adjudicate: adjudicate}.",
    )
    back_to: Literal["same_person", "anyone"] | None = Field(
        default=None,
        description="Who redoes the work a review sends back (with on_defect): same_person, "
        "the one who did it at the on_defect stage, or anyone (the default).",
    )
    not_by: StageNames | None = Field(
        default=None,
        description="Separation of duties: the work here is never done by the person who did "
        "the work at these stages (a stage name or a list).",
    )
    decides: str | None = Field(
        default=None,
        min_length=1,
        description="The decision this stage gives every item (with truth): remove or keep; "
        "with truth.classes, keep or the class it removes items as (such as spam).",
    )
    decision: Accuracy | None = Field(
        default=None,
        description="The decision this stage gives each item (with truth), right with a "
        "chance per class: {sensitivity: 0.92, specificity: 0.98}, or with truth.classes a "
        "confusion matrix {confusion: {hate: {hate: 0.9, benign: 0.1}, ...}}.",
    )
    sample: SamplePlan | None = Field(
        default=None,
        description="The share of items this review reviews: 0.2, or rates by condition "
        "[{when: 'severity == \"high\"', rate: 1.0}, {rate: 0.05}]; the others skip it.",
    )
    false_flag_rate: Probability = Field(
        default=0.0,
        description="The chance that this review flags a right item as defective and sends "
        "it to on_defect, from 0 to 1.",
    )
    gold: Gold | None = Field(
        default=None,
        description="Gold (honeypot) tasks slipped in among this stage's work, which measure "
        "each person's accuracy: {rate: 0.05}, or {first: 20, then: 0.02}.",
    )
    new_hires: NewHireWork | None = Field(
        default=None,
        description="How the pool's new hires work here, where it differs: "
        "{error_rate: 0.12} or {decision: {sensitivity: 0.8, specificity: 0.95}}.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Stage:
        if self.consensus is not None:
            if self.resource is None:
                raise _stage_error("consensus belongs on a work stage (one with a resource)")
            keys = (
                "error_rate", "on_defect", "escalate_after", "decides", "decision", "new_hires"
            )  # fmt: skip
            extra = [k for k in keys if getattr(self, k)]
            if extra:
                raise _stage_error(
                    f"a consensus stage takes no {', '.join(extra)}: its labelers' accuracy "
                    "sets its quality (and decides); review its result at a later stage"
                )
        if self.not_by is not None and self.resource is None:
            raise _stage_error("not_by belongs on a work stage (one with a resource)")
        if (self.escalate_after is None) != (self.escalate_to is None):
            raise _stage_error(
                "escalation needs both escalate_after (how long an item may wait) and "
                "escalate_to (the stage it then moves to)"
            )
        if (self.skill is not None or self.skill_from is not None) and self.resource is None:
            raise _stage_error("skill belongs on a work stage (one with a resource)")
        if self.skill is not None and self.skill_from is not None:
            raise _stage_error("give skill (a fixed skill) or skill_from (an attribute), not both")
        if self.escalate_after is not None and self.resource is None:
            raise _stage_error(
                "escalate_after belongs on a work stage: it bounds waiting in a queue"
            )
        if self.end:
            extra = [
                k
                for k in ("resource", "duration", "next", "split", "on_defect")
                if getattr(self, k)
            ]
            if extra:
                raise _stage_error(
                    f"an end stage takes no {', '.join(extra)}; remove it or drop 'end'"
                )
        if (self.resource is None) != (self.duration is None):
            missing = "duration" if self.duration is None else "resource"
            raise _stage_error(
                f"a work stage needs both resource and duration; {missing} is missing"
            )
        if self.split is not None:
            if self.join is None:
                raise _stage_error("a split needs a join: the stage where its branches meet")
            extra = [
                k
                for k in ("next", "resource", "detection_rate", "on_defect", "max_attempts")
                if getattr(self, k) is not None
            ]
            if extra:
                raise _stage_error(
                    f"a split stage only forks, it takes no {', '.join(extra)}: put the work "
                    "and reviews in its branches and the routing after the join on the join stage"
                )
        elif self.join is not None:
            raise _stage_error("join belongs on a split stage, next to split")
        if self.error_rate and self.resource is None:
            raise _stage_error("error_rate belongs on a work stage (one with a resource)")
        if (self.detection_rate is None) != (self.on_defect is None):
            raise _stage_error(
                "a review stage needs both detection_rate and on_defect (where caught defects go)"
            )
        if self.back_to is not None and self.on_defect is None:
            raise _stage_error("back_to says who redoes rework: it belongs with on_defect")
        if self.max_attempts is not None and self.on_defect is None:
            raise _stage_error("max_attempts bounds rework: it belongs on a stage with on_defect")
        if self.lots is not None:
            if self.on_defect is None:
                raise _stage_error(
                    "lots belong on a review: give detection_rate (how well the sample's "
                    "inspection catches a defect) and on_defect (where caught defects go)"
                )
            if self.max_attempts is not None or self.escalate_after is not None:
                raise _stage_error("a lot stage takes no max_attempts or escalate_after")
            if self.sample is not None:
                raise _stage_error("a lot stage takes no sample: its plan says what it inspects")
            if self.new_hires is not None:
                raise _stage_error(
                    "a lot stage takes no new_hires: its inspection finds defects, it makes none"
                )
        self._check_quality()
        return self

    def _check_quality(self) -> None:
        """Decisions, samples and false flags: each where it means something."""
        if self.decides is not None and self.decision is not None:
            raise _stage_error(
                "give decides (the same decision for every item) or decision (right with a "
                "chance per class), not both"
            )
        deciding = self.decides is not None or self.decision is not None
        if deciding and (self.error_rate or self.on_defect is not None):
            raise _stage_error(
                "a stage that decides takes no error_rate or review: its decision is right or "
                "wrong by its decision accuracy; review it at a later stage"
            )
        if deciding and self.kind not in ("work", "decision"):
            raise _stage_error("decides and decision belong on a work or decision stage")
        if self.sample is not None and (self.on_defect is None or self.resource is None):
            raise _stage_error(
                "sample belongs on a review with a resource (detection_rate and on_defect): "
                "the items it does not pick skip the review's work"
            )
        if self.false_flag_rate and self.on_defect is None:
            raise _stage_error(
                "false_flag_rate belongs on a review (a stage with detection_rate and on_defect)"
            )
        if self.gold is not None and (
            self.resource is None or self.consensus is not None or self.lots is not None
        ):
            raise _stage_error(
                "gold belongs on a work stage with a resource (not a consensus or lot stage): "
                "gold tasks are work that people of the pool do"
            )
        if self.new_hires is not None:
            if self.resource is None:
                raise _stage_error("new_hires belongs on a work stage (one with a resource)")
            if self.new_hires.decision is not None and self.decision is None:
                raise _stage_error(
                    "new_hires: {decision: ...} gives new hires their own accuracy: the "
                    "stage needs a decision for the others"
                )

    @property
    def kind(self) -> StageKind:
        """What this stage does, derived from its keys."""
        if self.end:
            return "end"
        if self.split is not None:
            return "split"
        return "work" if self.resource is not None else "decision"

    def conditions(self) -> list[tuple[tuple[Any, ...], Expr]]:
        """Every condition of this stage, with its path below the stage."""
        found: list[tuple[tuple[Any, ...], Expr]] = []
        for i, branch in enumerate(self.next or []):
            if branch.when is not None:
                found.append((("next", i, "when"), branch.when))
        for i, rule in enumerate(self.priority or []):
            if rule.when is not None:
                found.append((("priority", i, "when"), rule.when))
        for i, rate in enumerate(self.sample or []):
            if rate.when is not None:
                found.append((("sample", i, "when"), rate.when))
        return found

    @property
    def is_review(self) -> bool:
        """Whether this stage catches defects."""
        return self.on_defect is not None


def _stage_error(message: str) -> PydanticCustomError:
    return PydanticCustomError("stage", message)
