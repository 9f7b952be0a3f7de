"""Quality as moderation teams run it: what the right decision was, who decides, what QC samples.

Every item can carry a **truth**: whether it really violates the policy. It is drawn
when the item arrives, like an attribute, with a ``prevalence`` (the share of
violating items) that may depend on the item's other attributes::

    truth:
      attribute: violating            # readable in conditions: when: violating
      prevalence:
        - {when: 'severity == "high"', prevalence: 0.30}
        - {prevalence: 0.04}           # the rest
      score:                           # a model's score of each item, by its truth
        attribute: score
        positive: {beta: {a: 8, b: 2}} # violating items score high...
        negative: {beta: {a: 2, b: 8}} # ...benign ones low

An item stays up unless a stage removes it. A stage **decides**: always
(``decides: remove`` or ``keep``, an automatic action), or as a person does, right
with a chance per class (``decision: {sensitivity: 0.92, specificity: 0.98}``: 92% of
violating items removed, 98% of benign ones kept). Its latest decision is its final
one. A wrong decision is what the defect of the quality model is (see
:mod:`procflow.flow.routing`): a review catches it with its ``detection_rate``, flags
a right one by mistake with its ``false_flag_rate``, and reviews only the items its
``sample`` plan picks (a rate, or rates by condition: 100% of high severity, 5% of
the rest, or by model score).

A work stage can slip **gold** (honeypot) tasks in among its real ones: tasks whose
answer is known, so each annotator's answers on them measure their accuracy. Gold
tasks take the pool's time like any task but are not items: they never count in
throughput, cycle times or SLAs. ``gold: {rate: 0.05}`` makes 5% of the tasks a
person does there gold; ``gold: {first: 20, then: 0.02}`` gives each person 20 gold
tasks when they start at the stage, then 2%.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from procflow.model.condition import Condition
from procflow.model.distributions import Distribution
from procflow.model.fields import STRICT, LazyJsonSchema, Probability


class Accuracy(BaseModel):
    """How often a decision is right, per true class (a person's or a model's accuracy)."""

    model_config = STRICT
    sensitivity: Probability = Field(
        description="The share of violating items it removes, from 0 to 1 (the others stay up)."
    )
    specificity: Probability = Field(
        description="The share of benign items it keeps up, from 0 to 1 (the others are "
        "removed wrongly)."
    )

    def right(self, positive: bool) -> float:
        """The chance a decision on an item of this class is right."""
        return self.sensitivity if positive else self.specificity


class Prevalence(BaseModel):
    """The share of violating items among those a condition picks (or all the rest)."""

    model_config = STRICT
    when: Condition | None = Field(
        default=None, description="The items this share applies to; without it, all the rest."
    )
    prevalence: Probability = Field(description="The share of them that violate, from 0 to 1.")


class Rate(BaseModel):
    """The share of items a review samples among those a condition picks (or all the rest)."""

    model_config = STRICT
    when: Condition | None = Field(
        default=None, description="The items this rate applies to; without it, all the rest."
    )
    rate: Probability = Field(description="The share of them reviewed, from 0 to 1.")


def _rules(key: str) -> Any:
    """A bare number is one rule for every item: ``0.2`` -> ``[{key: 0.2}]``."""

    def accept(value: Any) -> Any:
        if isinstance(value, int | float | str) and not isinstance(value, bool):
            return [{key: value}]
        if isinstance(value, list):
            return value
        raise PydanticCustomError(
            "rules",
            "{key} is a share such as 0.2, or a list such as "
            "[{{when: 'severity == \"high\"', {key}: 1.0}}, {{{key}: 0.05}}]",
            {"key": key},
        )

    return accept


def _rules_schema(model: type[BaseModel], key: str) -> dict[str, Any]:
    return {
        "anyOf": [
            {"type": "number", "minimum": 0, "maximum": 1},
            {"type": "array", "items": model.model_json_schema(by_alias=True)},
        ],
        "description": f"A share for every item, or rules [{{when: ..., {key}: 1.0}}, "
        f"{{{key}: 0.05}}] where the first that holds wins (without one, 0).",
    }


#: Prevalence rules, the first that holds wins (a bare share: one for every item).
PrevalenceRules = Annotated[
    list[Prevalence],
    BeforeValidator(_rules("prevalence")),
    LazyJsonSchema(lambda: _rules_schema(Prevalence, "prevalence")),
]
#: A review's sampling plan, the first rule that holds wins (a bare rate: one for every item).
SamplePlan = Annotated[
    list[Rate],
    BeforeValidator(_rules("rate")),
    LazyJsonSchema(lambda: _rules_schema(Rate, "rate")),
]


class Score(BaseModel):
    """A model's score of each item, drawn by its true class: an attribute conditions read."""

    model_config = STRICT
    attribute: str = Field(
        default="score", min_length=1, description="The attribute name conditions read."
    )
    positive: Distribution = Field(
        description="The scores of violating items, e.g. {beta: {a: 8, b: 2}}."
    )
    negative: Distribution = Field(
        description="The scores of benign items, e.g. {beta: {a: 2, b: 8}}."
    )

    def of(self, positive: bool) -> Distribution:
        """The score distribution of one class."""
        return self.positive if positive else self.negative


class Gold(BaseModel):
    """Gold (honeypot) tasks at a work stage: known answers that measure each annotator."""

    model_config = STRICT
    rate: Probability | None = Field(
        default=None,
        description="The share of the tasks each person does here that are gold, from 0 to "
        "1 (below 1).",
    )
    first: int | None = Field(
        default=None,
        ge=0,
        description="Gold tasks each person does when they start at this stage (with then).",
    )
    then: Probability | None = Field(
        default=None, description="The share of gold tasks after the first ones, from 0 to 1."
    )
    violating: Probability = Field(
        default=0.5,
        description="The share of gold tasks whose known answer is violating (at a stage "
        "with a decision), from 0 to 1.",
    )

    @model_validator(mode="after")
    def _one_rule(self) -> Gold:
        if (self.rate is None) == (self.first is None and self.then is None):
            raise PydanticCustomError(
                "gold", "give gold a rate ({{rate: 0.05}}) or first and then "
                "({{first: 20, then: 0.02}}), not both", {},
            )  # fmt: skip
        if self.share == 1:
            raise PydanticCustomError(
                "gold", "a gold rate of 1 leaves no time for real work: use a share below 1", {}
            )
        return self

    @property
    def share(self) -> float:
        """The share of a person's tasks that are gold (after their first ones)."""
        return self.rate if self.rate is not None else (self.then or 0.0)

    @property
    def first_tasks(self) -> int:
        """The gold tasks each person does first (0 with a rate)."""
        return self.first or 0


class QualityTarget(BaseModel):
    """The most false negatives and false positives per 1,000 items a plan may leave."""

    model_config = STRICT
    false_negatives_per_1000: float | None = Field(
        default=None, ge=0, description="At most this many violating items left up per 1,000."
    )
    false_positives_per_1000: float | None = Field(
        default=None, ge=0, description="At most this many wrongful removals per 1,000."
    )

    def limits(self) -> list[tuple[str, float]]:
        """(KPI key, the most it may be) of each limit given."""
        return [
            (key, value)
            for key, value in (
                ("false_negatives_per_1000", self.false_negatives_per_1000),
                ("false_positives_per_1000", self.false_positives_per_1000),
            )
            if value is not None
        ]


class Truth(BaseModel):
    """Whether each item really violates: drawn at arrival, with a model score if given."""

    model_config = STRICT
    attribute: str = Field(
        default="violating",
        min_length=1,
        description="The attribute that holds it (true or false), readable in conditions.",
    )
    prevalence: PrevalenceRules = Field(
        description="The share of violating items: 0.06, or rules by condition."
    )
    score: Score | None = Field(
        default=None, description="A model's score of each item, by its true class."
    )
    by: str | None = Field(
        default=None,
        description="An attribute to break the false negatives and false positives down by, "
        "such as severity.",
    )
    target: QualityTarget | None = Field(
        default=None,
        description="The quality a plan must reach: {false_negatives_per_1000: 6}; a sweep "
        "marks the points whose 95% interval is within it.",
    )

    @model_validator(mode="after")
    def _distinct(self) -> Truth:
        if self.score is not None and self.score.attribute == self.attribute:
            raise PydanticCustomError(
                "truth", "the score needs an attribute name of its own, not {name}",
                {"name": repr(self.attribute)},
            )  # fmt: skip
        return self

    def attributes(self) -> tuple[str, ...]:
        """The attributes it gives every item: the truth, and the score if any."""
        return (self.attribute,) if self.score is None else (self.attribute, self.score.attribute)
