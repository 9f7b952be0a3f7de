"""What an element policy can read: the facts of each pool, stage, SLA and arrival stream.

``every: pool`` with ``require: cost_per_hour > 0`` reads, for each pool, its
``cost_per_hour``. The facts are plain values (numbers, text, yes/no) under fixed
names, listed in docs/policies.md and in :data:`FIELDS`; a condition reading
another name is an error in the policy file. Times are in hours, rates per hour,
whatever the process's ``time_unit``, so one policy fits every SOP. A fact the
element does not have (the ``stage`` of a cycle-time SLA) compares false.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from procflow.expr import AttributeSpec, Scalar
from procflow.model.policy import ElementKind
from procflow.model.process import Process
from procflow.model.quantities import SECONDS
from procflow.source import DocPath

FieldKind = Literal["number", "text", "yes/no"]

#: Per kind of element: each fact, its kind, and what it means (docs/policies.md).
FIELDS: dict[ElementKind, dict[str, tuple[FieldKind, str]]] = {
    "pool": {
        "name": ("text", "the pool's name"),
        "count": ("number", "people on duty (count: N; absent with a calendar or teams)"),
        "shrinkage": ("number", "the share of paid time not spent on this work"),
        "cost_per_hour": ("number", "cost of one person for one hour (0 when not given)"),
        "has_calendar": ("yes/no", "staffed by shifts"),
        "has_teams": ("yes/no", "staffed by teams with skills"),
    },
    "stage": {
        "name": ("text", "the stage's name"),
        "kind": ("text", "work, decision, split or end"),
        "pool": ("text", "the pool that does the work (work stages)"),
        "is_review": ("yes/no", "the stage catches defects (detection_rate and on_defect)"),
        "detection_rate": ("number", "the share of defects a review catches"),
        "error_rate": ("number", "the share of items the work leaves defective"),
        "max_attempts": ("number", "the rework a review allows"),
        "escalates": ("yes/no", "items waiting too long move on (escalate_after)"),
        "escalate_after_hours": (
            "number",
            "how long an item may wait before it escalates (the mean of a patience distribution)",
        ),
        "sample_rate": (
            "number",
            "the lowest probability of a branch leading to the stage, or of its own sample "
            "plan's rates (1 when none is drawn)",
        ),
    },
    "sla": {
        "name": ("text", "the SLA's name"),
        "metric": ("text", "cycle_time or waiting_time"),
        "percentile": ("number", "the share of items that must meet it, in percent"),
        "max_hours": ("number", "the target time"),
        "stage": ("text", "the stage whose waiting is measured (waiting_time)"),
    },
    "arrival": {
        "name": ("text", "the stream's name"),
        "to": ("text", "the stage its items enter at"),
        "rate_per_hour": ("number", "items per hour, on average over the week"),
    },
}


def field_specs(kind: ElementKind) -> dict[str, AttributeSpec]:
    """What the expression checker knows of the facts of ``kind``."""
    specs: dict[str, AttributeSpec] = {}
    for name, (field_kind, _) in FIELDS[kind].items():
        if field_kind == "number":
            specs[name] = AttributeSpec(name, "numeric")
        elif field_kind == "yes/no":
            specs[name] = AttributeSpec(name, "categorical", frozenset({True, False}))
        else:
            specs[name] = AttributeSpec(name, "categorical")
    return specs


@dataclass(frozen=True)
class Element:
    """One pool, stage, SLA or arrival stream: its facts, and where each is written."""

    label: str
    path: DocPath
    facts: dict[str, Scalar | None]
    #: fact -> where its value is written, when the file writes it
    written: dict[str, DocPath]


def elements(process: Process, kind: ElementKind) -> Iterator[Element]:
    """The elements of ``kind`` in ``process``, in file order."""
    hours = SECONDS[process.time_unit] / 3600
    base: DocPath
    if kind == "pool":
        for name, pool in process.resources.items():
            base = ("resources", name)
            yield Element(
                f"pool {name}",
                base,
                {
                    "name": name,
                    "count": pool.count,
                    "shrinkage": pool.shrinkage,
                    "cost_per_hour": pool.cost_per_hour,
                    "has_calendar": pool.calendar is not None,
                    "has_teams": pool.teams is not None,
                },
                {k: (*base, k) for k in ("count", "shrinkage", "cost_per_hour")},
            )
    elif kind == "stage":
        sampled = _sample_rates(process)
        for name, stage in process.stages.items():
            base = ("stages", name)
            rate, branch = sampled.get(name, (1.0, base))
            after = stage.escalate_after
            yield Element(
                f"stage {name}",
                base,
                {
                    "name": name,
                    "kind": stage.kind,
                    "pool": stage.resource,
                    "is_review": stage.is_review,
                    "detection_rate": stage.detection_rate,
                    "error_rate": stage.error_rate,
                    "max_attempts": stage.max_attempts,
                    "escalates": stage.escalate_to is not None,
                    "escalate_after_hours": after.mean * hours if after is not None else None,
                    "sample_rate": rate,
                },
                {
                    **{k: (*base, k) for k in ("detection_rate", "error_rate", "max_attempts")},
                    "escalate_after_hours": (*base, "escalate_after"),
                    "sample_rate": branch,
                },
            )
    elif kind == "sla":
        for index, sla in enumerate(process.slas):
            base = ("slas", index)
            yield Element(
                f"SLA {sla.name!r}",
                base,
                {
                    "name": sla.name,
                    "metric": sla.metric,
                    "percentile": sla.percentile,
                    "max_hours": sla.max * hours,
                    "stage": sla.stage,
                },
                {"percentile": (*base, "percentile"), "max_hours": (*base, "max")},
            )
    else:
        for index, arrival in enumerate(process.arrivals):
            base = ("arrivals", index)
            yield Element(
                f"arrival stream {arrival.name}",
                base,
                {
                    "name": arrival.name,
                    "to": process.entry_stage(arrival),
                    "rate_per_hour": arrival.rate_per_unit / hours,
                },
                {"rate_per_hour": (*base, "rate")},
            )


def _sample_rates(process: Process) -> dict[str, tuple[float, DocPath]]:
    """Per stage, the lowest probability of a branch leading to it or of its own ``sample``
    plan's rates, and where it is written."""
    found: dict[str, tuple[float, DocPath]] = {}

    def lower(stage: str, p: float, path: DocPath) -> None:
        if stage not in found or p < found[stage][0]:
            found[stage] = (p, path)

    for name, stage in process.stages.items():
        for index, branch in enumerate(stage.next or []):
            if branch.probability is not None:
                path = ("stages", name, "next", index, "probability")
                lower(branch.to, branch.probability, path)
        for index, rate in enumerate(stage.sample or []):
            lower(name, rate.rate, ("stages", name, "sample", index, "rate"))
    return found
