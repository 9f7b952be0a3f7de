"""Service-level targets: a percentile of cycle time, or of one stage's waiting, under a max."""

from __future__ import annotations

from pydantic import BaseModel, Field

from procflow.model.fields import STRICT, Percentile
from procflow.model.quantities import Duration


class SLA(BaseModel):
    """A service-level target: a percentile of cycle time (or of a stage's waiting) under a max."""

    model_config = STRICT
    name: str = Field(
        description="How the SLA is called in reports; write it as the promise: "
        "'90% delivered within 4 hours'."
    )
    metric: str = Field(
        json_schema_extra={"enum": ["cycle_time", "waiting_time"]},
        description="cycle_time (arrival to end) or waiting_time (at one stage).",
    )
    percentile: Percentile = Field(
        default=90,
        description="The share of items that must meet the target, in percent: 90 for the "
        "90th, not 0.9.",
    )
    max: Duration = Field(description="The target time, such as '4 hours'.")
    stage: str | None = Field(
        default=None, description="The stage whose queue is measured (for waiting_time)."
    )


SLA_METRICS = ("cycle_time", "waiting_time")
