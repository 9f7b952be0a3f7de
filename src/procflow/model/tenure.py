"""New hires: people of a pool who are still learning, and what QC knows about each worker.

A labeling or moderation team onboards people into a pool that already works: for
their first weeks they make more errors than the rest. A pool says how many of its
people are new hires (``new_hires: 5`` on a resource of 20), and a work stage says
how their work differs (``new_hires: {error_rate: 0.12}``, or a ``decision`` accuracy
of their own); everyone else works as the stage says. A review's ``sample`` rules can
then target the risky work::

    sample:
      - {when: new_hire, rate: 1.0}                 # every new hire's task
      - {when: annotator_accuracy < 0.9, rate: 0.5}  # people gold finds below 90%
      - {rate: 0.1}                                  # 10% of the rest

Two names, like ``attempt``, are read in conditions without being attributes:

- ``new_hire``: whether the last person who worked on the item in a pool with new
  hires is a new hire (false before anyone there worked on it);
- ``annotator_accuracy``: the share of gold tasks the last person who worked on the
  item at a gold stage got right there, so far (1.0 before their first gold answer:
  nothing measured against them yet; ``gold: {first: 20, ...}`` measures people early).

Which people are the new hires is fixed: people are numbered as they come on shift
(annotator #1, #2 ...), and the new hires are spread evenly over those numbers (5 of
20: #4, #8, #12, #16, #20), so whatever part of the pool is on shift, about the same
share of it is new (:func:`new_hire`).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from procflow.model.fields import STRICT, Probability
from procflow.model.quality import Accuracy

#: The names conditions read a worker by (not attributes' names).
NEW_HIRE = "new_hire"
ANNOTATOR_ACCURACY = "annotator_accuracy"
#: What ``annotator_accuracy`` is before a person's first gold answer.
UNMEASURED_ACCURACY = 1.0


class NewHireWork(BaseModel):
    """How a work stage's new hires work, where it differs from the stage's own figures."""

    model_config = STRICT
    error_rate: Probability | None = Field(
        default=None,
        description="The chance that a new hire's work leaves a defect, from 0 to 1 (instead "
        "of the stage's error_rate).",
    )
    decision: Accuracy | None = Field(
        default=None,
        description="A new hire's decision accuracy per class (instead of the stage's "
        "decision): {sensitivity: 0.80, specificity: 0.95}.",
    )


def new_hire(number: int, new_hires: int, headcount: int) -> bool:
    """Whether person ``number`` (1, 2 ... as they come on shift) of a pool is a new hire.

    The ``new_hires`` of ``headcount`` people are spread evenly over the numbers, so
    the first ``n`` people hold ``n * new_hires // headcount`` of them
    (:func:`new_hires_among`).
    """
    if headcount <= 0:
        return False
    return new_hires_among(number, new_hires, headcount) > new_hires_among(
        number - 1, new_hires, headcount
    )


def new_hires_among(people: int, new_hires: int, headcount: int) -> int:
    """How many of the people numbered 1 to ``people`` are new hires."""
    return people * min(new_hires, headcount) // headcount if headcount > 0 else 0
