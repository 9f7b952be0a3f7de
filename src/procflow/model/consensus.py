"""Consensus labeling in the process format: k people label each item, their labels are compared.

Annotation teams label an item more than once when one label is not trusted:
three annotators label each image and the majority wins (``labelers: 3,
agree: majority``), or every label must match and any disagreement goes to an
adjudicator (``agree: unanimous``). With *dynamic overlap* the team adds labelers
one at a time until the labels so far make the leading answer likely enough
(``min: 2, max: 5, confidence: 0.95``), so easy items take two labels and hard
ones more.

How often labelers disagree, and how often the consensus is right, follows from
one number: a labeler's ``accuracy``, the chance that one label is right. Labels
are right or wrong, and wrong labels agree with each other (a yes/no question).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from procflow.model.fields import STRICT, Probability

#: The most labels of one item at one stage (more is a slip: no SOP labels an item 20 times).
MAX_LABELERS = 15


class Consensus(BaseModel):
    """k labels per item by k different people, compared (see the module docstring)."""

    model_config = STRICT
    accuracy: Probability = Field(
        description="The chance that one labeler's label is right, from 0 to 1 (0.8: 8 of 10)."
    )
    labelers: int | None = Field(
        default=None,
        ge=2,
        le=MAX_LABELERS,
        description="How many different people label each item (a fixed overlap).",
    )
    agree: Literal["majority", "unanimous"] = Field(
        default="majority",
        description="majority: the answer of more than half the labels stands (a tie goes to "
        "adjudicate); unanimous: any disagreement goes to adjudicate.",
    )
    min: int | None = Field(
        default=None,
        ge=1,
        le=MAX_LABELERS,
        description="Dynamic overlap: the fewest labels per item (with max and confidence).",
    )
    max: int | None = Field(
        default=None,
        ge=1,
        le=MAX_LABELERS,
        description="Dynamic overlap: the most labels per item; an item that reaches it "
        "without the confidence goes to adjudicate.",
    )
    confidence: Probability | None = Field(
        default=None,
        description="Dynamic overlap: add labelers until the chance that the leading answer "
        "is right reaches this (0.95), from the labels so far and the accuracy.",
    )
    adjudicate: str | None = Field(
        default=None, description="The stage that decides items the labelers did not settle."
    )
    mode: Literal["parallel", "sequential"] = Field(
        default="parallel",
        description="parallel: the first labels are done at once by different people; "
        "sequential: one after another.",
    )

    @model_validator(mode="after")
    def _overlap(self) -> Consensus:
        dynamic = [k for k in ("min", "max", "confidence") if getattr(self, k) is not None]
        if self.labelers is not None and dynamic:
            raise PydanticCustomError(
                "consensus",
                "give labelers (a fixed overlap) or min, max and confidence (dynamic overlap), "
                "not both",
            )
        if self.labelers is None and len(dynamic) < 3:
            raise PydanticCustomError(
                "consensus",
                "consensus needs labelers (how many people label each item), or min, max and "
                "confidence for a dynamic overlap",
            )
        if self.min is not None and self.max is not None and self.min > self.max:
            raise PydanticCustomError("consensus", "min is above max: the fewest labels first")
        if self.labelers is None and self.agree != "majority":
            raise PydanticCustomError(
                "consensus", "agree belongs with labelers: a dynamic overlap stops on confidence"
            )
        return self

    @property
    def fewest(self) -> int:
        """The labels every item gets."""
        return self.labelers if self.labelers is not None else self.min or 1

    @property
    def most(self) -> int:
        """The most labels an item can get."""
        return self.labelers if self.labelers is not None else self.max or 1
