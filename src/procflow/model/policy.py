"""The policy file: an organisation's own rules over its SOPs, written once and checked by lint.

A Trust & Safety org has rules that every SOP must follow, beyond "the SOP works":
"every high-severity item passes a policy specialist before it is closed", "no QC
sample below 5%", "nobody plans a pool above 85% busy". It writes them once, in
``procflow-policy.yaml`` at the root of its repository::

    policy: trust-and-safety-ops
    rules:
      - id: ORG001
        severity: error
        message: high-severity items must pass a policy specialist
        rationale: Legal requires a specialist's sign-off on every high-severity decision.
        check:
          when: severity == "high"
          visits: {pool: policy_specialist}

Each rule has the org's own code (``ORG001``; never a ``PF`` code, which are
procflow's), a severity, a message, a rationale and a *check*, which is data: a
condition in the language of ``when`` (never code), a pool or stage name, a number.
The kinds of check (see docs/policies.md):

- **paths**: ``visits``, ``never_visits``, ``before`` or ``after`` + ``visits``, ``max_handoffs``,
  ``ends_only_in``, each over the routes an item can take, optionally only for items
  on which ``when`` holds;
- **elements**: ``every`` pool, stage, SLA or arrival (``where`` a condition holds)
  must meet ``require``;
- **SLAs**: ``sla_for_each`` value of an attribute;
- **capacity**: ``max_utilization`` of each pool, on the analytic estimate.

``passes`` and ``fails`` name example SOPs that the rule must accept and report
(``procflow policy test``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Discriminator, Field, Tag, model_validator
from pydantic_core import PydanticCustomError

from procflow.diagnostics import Severity
from procflow.model.condition import Condition
from procflow.model.fields import STRICT

#: The file lint looks for, from the current folder upwards.
POLICY_FILE = "procflow-policy.yaml"
#: What an org's own code looks like: letters then digits, such as ORG001 or TS12.
CODE_PATTERN = r"^[A-Z][A-Z0-9]*[0-9]+$"
#: The kinds of element an ``every`` check goes over.
ELEMENT_KINDS = ("pool", "stage", "sla", "arrival")
#: The keys of a path check that say what is checked (exactly one, or ``before`` + ``visits``).
PATH_KINDS = ("visits", "never_visits", "max_handoffs", "ends_only_in")
ElementKind = Literal["pool", "stage", "sla", "arrival"]


class Target(BaseModel):
    """Stages a path check is about: those of a pool, or stages by name."""

    model_config = STRICT
    pool: str | list[str] | None = Field(
        default=None, description="A pool (or a list of pools): the stages it works."
    )
    stage: str | list[str] | None = Field(
        default=None, description="A stage (or a list of stages) by name."
    )

    @model_validator(mode="after")
    def _one(self) -> Target:
        if (self.pool is None) == (self.stage is None):
            raise PydanticCustomError(
                "target", "name a pool or a stage: {pool: ...} or {stage: ...}"
            )
        return self

    @property
    def pools(self) -> tuple[str, ...]:
        """The pools named, in order."""
        return _names(self.pool)

    @property
    def stages(self) -> tuple[str, ...]:
        """The stages named, in order."""
        return _names(self.stage)

    def describe(self) -> str:
        """``pool policy_specialist`` or ``stage auto_approve``, for messages."""
        if self.pool is not None:
            return f"pool {' or '.join(self.pools)}"
        return f"stage {' or '.join(self.stages)}"


def _names(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


class PathCheck(BaseModel):
    """Every route an item (on which ``when`` holds) can take, from an arrival to an end."""

    model_config = STRICT
    when: Condition | None = Field(
        default=None, description="Only items on which this condition can hold."
    )
    visits: Target | None = Field(
        default=None, description="Every path visits a stage of this pool (or this stage)."
    )
    before: Target | None = Field(
        default=None,
        description="With visits: every path visits this before it visits the stages of visits.",
    )
    after: Target | None = Field(
        default=None,
        description="With visits: every path that visits this visits the stages of visits "
        "after it.",
    )
    never_visits: Target | None = Field(
        default=None, description="No path visits a stage of this pool (or this stage)."
    )
    max_handoffs: int | None = Field(
        default=None, ge=0, description="At most this many changes of pool on any path."
    )
    ends_only_in: list[str] | None = Field(
        default=None, min_length=1, description="Every path ends in one of these end stages."
    )

    @model_validator(mode="after")
    def _one_kind(self) -> PathCheck:
        given = [k for k in PATH_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "check",
                "a check takes one of visits, never_visits, max_handoffs, ends_only_in "
                "(or every, sla_for_each, max_utilization); got {given}",
                {"given": ", ".join(given) or "none"},
            )
        if (self.before is not None or self.after is not None) and self.visits is None:
            raise PydanticCustomError(
                "check", "before and after go with visits: 'visits A before B', 'visits A after B'"
            )
        if self.before is not None and self.after is not None:
            raise PydanticCustomError("check", "a check takes before or after, not both")
        return self

    @property
    def kind(self) -> str:
        """``visits``, ``before``, ``after``, ``never_visits``, ``max_handoffs`` or
        ``ends_only_in``."""
        if self.before is not None:
            return "before"
        if self.after is not None:
            return "after"
        return next(k for k in PATH_KINDS if getattr(self, k) is not None)


class ElementCheck(BaseModel):
    """Every pool, stage, SLA or arrival stream (on which ``where`` holds) meets ``require``."""

    model_config = STRICT
    every: ElementKind = Field(description="pool, stage, sla or arrival.")
    where: Condition | None = Field(
        default=None, description="Only the elements on which this condition holds."
    )
    require: Condition = Field(description="The condition every such element must meet.")


class SlaCheck(BaseModel):
    """Each value of an attribute is covered by an SLA."""

    model_config = STRICT
    sla_for_each: str = Field(
        min_length=1, description="An attribute: every value of it must be covered by an SLA."
    )


class CapacityCheck(BaseModel):
    """No pool is planned busier than a share, on the analytic estimate."""

    model_config = STRICT
    max_utilization: float = Field(
        gt=0, le=1, description="The highest planned utilization of a pool, such as 0.85."
    )
    pools: list[str] | None = Field(
        default=None, description="Only these pools (default: every pool)."
    )


def _check_kind(value: Any) -> str:
    if isinstance(value, dict):
        for key, tag in (("every", "element"), ("sla_for_each", "sla")):
            if key in value:
                return tag
        if "max_utilization" in value:
            return "capacity"
    return "path"


Check = Annotated[
    Annotated[PathCheck, Tag("path")]
    | Annotated[ElementCheck, Tag("element")]
    | Annotated[SlaCheck, Tag("sla")]
    | Annotated[CapacityCheck, Tag("capacity")],
    Discriminator(_check_kind),
]


class PolicyRule(BaseModel):
    """One of the org's rules: its code, what it says, why, and the check."""

    model_config = STRICT
    id: str = Field(
        pattern=CODE_PATTERN,
        description="The org's own code, such as ORG001 (letters then digits; not PF).",
    )
    name: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="A short name in kebab-case, such as specialist-on-high (default: the id).",
    )
    severity: Severity = Field(default=Severity.ERROR, description="error or warning.")
    message: str = Field(min_length=1, description="What is wrong, in a PM's words.")
    rationale: str = Field(default="", description="Why the org has this rule.")
    url: str | None = Field(default=None, description="A page that explains the rule.")
    check: Check = Field(description="What is checked (see docs/policies.md).")
    passes: list[str] = Field(
        default_factory=list, description="Example SOPs the rule must accept (policy test)."
    )
    fails: list[str] = Field(
        default_factory=list, description="Example SOPs the rule must report (policy test)."
    )

    @model_validator(mode="after")
    def _not_procflow(self) -> PolicyRule:
        if re.match(r"^PF[0-9]", self.id):
            raise PydanticCustomError(
                "policy_id",
                "PF codes are procflow's own rules; give your rule your org's prefix, "
                "such as ORG001",
                {"key": "id"},
            )
        return self

    @property
    def rule_name(self) -> str:
        """The rule's name, the id lowercased when none is given."""
        return self.name or self.id.lower()


class PolicyFile(BaseModel):
    """The shape of a policy file: a name and the rules."""

    model_config = STRICT.copy() | {"title": "procflow policy"}
    policy: str = Field(min_length=1, description="The name of the policy set.")
    description: str = Field(default="", description="Free text.")
    rules: list[PolicyRule] = Field(min_length=1, description="The org's rules.")
