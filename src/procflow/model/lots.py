"""Lot acceptance sampling: the ``lots`` key of a review stage.

A vendor delivers work in lots (a batch drop, a day of one vendor's output, every
500 items). Rather than checking every item, QA inspects a sample of each lot and
accepts the lot when the sample shows few enough defects; a rejected lot goes back
whole, to rework or to inspection of every item. This is how labeling vendors'
deliveries are accepted ("125 sampled items, at most 7 errors").

The stage holds each lot until it is complete, inspects the first ``sample`` items
of it with the stage's ``detection_rate`` (defects caught go to ``on_defect``, as at
any review), and then accepts the lot (its items go on by ``next``) or rejects it
(``on_reject``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from procflow.model.fields import STRICT, BatchSize, not_bool

#: ``on_reject: inspect``: a rejected lot is inspected in full at the stage.
INSPECT = "inspect"


class EveryItems(BaseModel):
    """A lot of every ``every`` items reaching the stage, in the order they reach it."""

    model_config = STRICT
    every: BatchSize = Field(description="How many items make one lot, such as 500.")


class ByAttribute(BaseModel):
    """One lot per value of an attribute and per day: one vendor's output of one day."""

    model_config = STRICT
    attribute: str = Field(min_length=1, description="The attribute, such as vendor.")
    per: Literal["day"] = Field(
        default="day", description="The period of one lot: day (the only period so far)."
    )


class SamplingPlan(BaseModel):
    """A plan (n, c): inspect ``sample`` items, accept the lot with at most ``accept`` found."""

    model_config = STRICT
    sample: Annotated[int, BeforeValidator(not_bool), Field(ge=1)] = Field(
        description="How many items of each lot are inspected (n)."
    )
    accept: Annotated[int, BeforeValidator(not_bool), Field(ge=0)] = Field(
        description="The most defects found that still accept the lot (c, the acceptance number)."
    )


def _grouping(value: Any) -> Any:
    if value == "batch" or isinstance(value, EveryItems | ByAttribute):
        return value
    if isinstance(value, dict) and "every" in value:
        return EveryItems.model_validate(value)
    if isinstance(value, dict) and "attribute" in value:
        return ByAttribute.model_validate(value)
    raise PydanticCustomError(
        "lots_by",
        "lots are formed by: batch (each batch drop), {every: 500} (every 500 items), or "
        "{attribute: vendor, per: day} (one vendor's items of one day)",
    )


Grouping = Annotated[
    Literal["batch"] | EveryItems | ByAttribute,
    BeforeValidator(_grouping),
]


class Lots(BaseModel):
    """How a review groups items into lots and decides on each lot from a sample."""

    model_config = STRICT
    by: Grouping = Field(
        description="How items are grouped: batch (each batch drop is a lot), {every: 500}, "
        "or {attribute: vendor, per: day}."
    )
    size: BatchSize | None = Field(
        default=None,
        description="How many items a lot holds, when the grouping does not say it (lots by "
        "attribute and day); the AQL plan and the analysis read it.",
    )
    plan: SamplingPlan | None = Field(
        default=None, description="The plan given directly: {sample: 125, accept: 7}."
    )
    aql: Annotated[float, BeforeValidator(not_bool)] | None = Field(
        default=None,
        gt=0,
        description="The acceptable quality level, in percent defective, such as 2.5: the "
        "plan is looked up in ANSI/ASQ Z1.4 (general inspection level II, single sampling, "
        "normal inspection) from the lot size.",
    )
    on_reject: str = Field(
        default=INSPECT,
        description="Where a rejected lot goes: inspect (every item of it is inspected, "
        "defects caught go to on_defect) or the name of a stage (the whole lot goes there).",
    )

    @model_validator(mode="after")
    def _one_plan(self) -> Lots:
        if (self.plan is None) == (self.aql is None):
            raise PydanticCustomError(
                "lots_plan",
                "give the sampling plan once: plan: {sample: 125, accept: 7}, or aql: 2.5 "
                "to look it up in ANSI/ASQ Z1.4",
            )
        return self

    def known_size(self, batch_sizes: set[int]) -> int | None:
        """How many items a lot holds: ``size``, ``every``, or the one size of the process's
        batch drops (``batch_sizes``); None when it cannot be known (lint: PF253)."""
        if self.size is not None:
            return self.size
        if isinstance(self.by, EveryItems):
            return self.by.every
        if self.by == "batch" and len(batch_sizes) == 1:
            return next(iter(batch_sizes))
        return None

    @property
    def rejects_to_stage(self) -> str | None:
        """The stage a rejected lot goes to (None: it is inspected in full)."""
        return None if self.on_reject == INSPECT else self.on_reject
