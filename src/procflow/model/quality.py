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

With more classes than violating or not (hate, spam, nudity, benign), ``classes`` names
them and ``keep`` the one (or ones) that stays up; the prevalence is then a share per
class (``{hate: 0.02, spam: 0.05}``, the keep class has the rest), and a decision is a
confusion matrix, per true class the shares of its items decided as each class
(``decision: {confusion: {hate: {hate: 0.9, benign: 0.1}, ...}}``); two classes are
the case ``sensitivity`` and ``specificity`` spell out.

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
    """How often a decision is right, per true class (a person's or a model's accuracy).

    Two classes (violating or not): ``sensitivity`` and ``specificity``. More classes
    (``truth.classes``): a ``confusion`` matrix, per true class the shares of decisions
    by class (each row adds up to 1): ``{hate: {hate: 0.85, spam: 0.05, benign: 0.10}}``.
    """

    model_config = STRICT
    sensitivity: Probability | None = Field(
        default=None,
        description="The share of violating items it removes, from 0 to 1 (the others stay up).",
    )
    specificity: Probability | None = Field(
        default=None,
        description="The share of benign items it keeps up, from 0 to 1 (the others are "
        "removed wrongly).",
    )
    confusion: dict[str, dict[str, float]] | None = Field(
        default=None,
        description="With truth.classes: per true class, the share of its items decided as "
        "each class (a row adds up to 1): {hate: {hate: 0.85, benign: 0.15}, ...}.",
    )

    @model_validator(mode="after")
    def _one_form(self) -> Accuracy:
        pair = (self.sensitivity is None, self.specificity is None)
        if (self.confusion is None) != (pair == (False, False)) or pair[0] != pair[1]:
            raise PydanticCustomError(
                "accuracy", "give sensitivity and specificity ({{sensitivity: 0.92, "
                "specificity: 0.98}}), or a confusion matrix with truth.classes "
                "({{confusion: {{hate: {{hate: 0.9, benign: 0.1}}, ...}}}}), not both", {},
            )  # fmt: skip
        return self

    def matrix(self, violating: object, benign: object) -> dict[object, dict[object, float]]:
        """The confusion matrix (true class -> decided class -> share); sensitivity and
        specificity are the matrix of the two classes ``violating`` and ``benign``."""
        if self.confusion is not None:
            return {t: {d: share for d, share in row.items()} for t, row in self.confusion.items()}
        sensitivity, specificity = self.sensitivity or 0.0, self.specificity or 0.0
        return {
            violating: {violating: sensitivity, benign: 1 - sensitivity},
            benign: {benign: specificity, violating: 1 - specificity},
        }


class Prevalence(BaseModel):
    """The share of violating items among those a condition picks (or all the rest)."""

    model_config = STRICT
    when: Condition | None = Field(
        default=None, description="The items this share applies to; without it, all the rest."
    )
    prevalence: Probability | dict[str, Probability] = Field(
        description="The share of them that violate, from 0 to 1; with truth.classes, the "
        "share of each class ({hate: 0.02, spam: 0.05}: the keep class has the rest)."
    )


class Rate(BaseModel):
    """The share of items a review samples among those a condition picks (or all the rest)."""

    model_config = STRICT
    when: Condition | None = Field(
        default=None, description="The items this rate applies to; without it, all the rest."
    )
    rate: Probability = Field(description="The share of them reviewed, from 0 to 1.")


def _rules(key: str, shares: bool = False) -> Any:
    """A bare number is one rule for every item: ``0.2`` -> ``[{key: 0.2}]``; with
    ``shares``, so are bare shares by class: ``{hate: 0.02}`` -> ``[{key: {hate: 0.02}}]``."""

    def accept(value: Any) -> Any:
        bare = (int, float, str, dict) if shares else (int, float, str)
        if isinstance(value, bare) and not isinstance(value, bool):
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


def _rules_schema(model: type[BaseModel], key: str, shares: bool = False) -> dict[str, Any]:
    by_class = [{"type": "object", "additionalProperties": {"type": "number"}}] if shares else []
    return {
        "anyOf": [
            {"type": "number", "minimum": 0, "maximum": 1},
            *by_class,
            {"type": "array", "items": model.model_json_schema(by_alias=True)},
        ],
        "description": f"A share for every item, or rules [{{when: ..., {key}: 1.0}}, "
        f"{{{key}: 0.05}}] where the first that holds wins (without one, 0).",
    }


#: Prevalence rules, the first that holds wins (a bare share: one for every item).
PrevalenceRules = Annotated[
    list[Prevalence],
    BeforeValidator(_rules("prevalence", shares=True)),
    LazyJsonSchema(lambda: _rules_schema(Prevalence, "prevalence", shares=True)),
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
        description="The scores of violating items (with classes: of every class not kept), "
        "e.g. {beta: {a: 8, b: 2}}."
    )
    negative: Distribution = Field(
        description="The scores of benign items (with classes: of the keep classes), e.g. "
        "{beta: {a: 2, b: 8}}."
    )

    classes: dict[str, Distribution] | None = Field(
        default=None,
        description="With truth.classes: the scores of the items of some classes, such as "
        "{spam: {beta: {a: 9, b: 1}}}; the others score as positive (violating) or negative "
        "(kept).",
    )

    def of(self, value: object, violating: bool) -> tuple[str, Distribution]:
        """(its name, the score distribution) of the items of one class."""
        if self.classes is not None and isinstance(value, str) and value in self.classes:
            return value, self.classes[value]
        return ("positive", self.positive) if violating else ("negative", self.negative)


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
    """The most false negatives, false positives (and, with classes, removals for the wrong
    reason) per 1,000 items a plan may leave."""

    model_config = STRICT
    false_negatives_per_1000: float | None = Field(
        default=None, ge=0, description="At most this many violating items left up per 1,000."
    )
    false_positives_per_1000: float | None = Field(
        default=None, ge=0, description="At most this many wrongful removals per 1,000."
    )
    wrong_reason_per_1000: float | None = Field(
        default=None,
        ge=0,
        description="With truth.classes: at most this many violating items removed under "
        "the wrong policy per 1,000.",
    )

    def limits(self) -> list[tuple[str, float]]:
        """(KPI key, the most it may be) of each limit given."""
        return [
            (key, value)
            for key, value in (
                ("false_negatives_per_1000", self.false_negatives_per_1000),
                ("false_positives_per_1000", self.false_positives_per_1000),
                ("wrong_reason_per_1000", self.wrong_reason_per_1000),
            )
            if value is not None
        ]


class Truth(BaseModel):
    """Whether each item really violates, or which policy class it truly is (``classes``):
    drawn at arrival, with a model score if given."""

    model_config = STRICT
    attribute: str = Field(
        default="violating",
        min_length=1,
        description="The attribute that holds it (true or false; with classes, the class "
        "name), readable in conditions.",
    )
    classes: list[str] | None = Field(
        default=None,
        min_length=2,
        description="More than two classes: the policy classes an item can truly be, such as "
        "[hate, spam, nudity, benign]; the attribute then holds the class name.",
    )
    keep: str | list[str] | None = Field(
        default=None,
        description="With classes: the class (or a list of classes) whose items stay up, such "
        "as benign; the first takes the share the prevalence leaves.",
    )
    prevalence: PrevalenceRules = Field(
        description="The share of violating items: 0.06, or rules by condition; with classes, "
        "the share of each class ({hate: 0.02, spam: 0.05}) or rules of them."
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

    def values(self) -> tuple[object, ...]:
        """The values the truth attribute takes: the classes, or True (violating) and False."""
        return tuple(self.classes) if self.classes is not None else (True, False)

    def kept(self) -> tuple[object, ...]:
        """The values whose items stay up: the keep classes (False: not violating)."""
        if self.classes is None:
            return (False,)
        return (self.keep,) if isinstance(self.keep, str) else tuple(self.keep or ())

    def attributes(self) -> tuple[str, ...]:
        """The attributes it gives every item: the truth, and the score if any."""
        return (self.attribute,) if self.score is None else (self.attribute, self.score.attribute)
