"""Plain JSON-ready dictionaries of results (the documented, stable shapes)."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from procflow.analysis import Capacity


def _clean(value: Any) -> Any:
    """JSON has no infinity or NaN: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def capacity_to_dict(capacity: Capacity) -> dict[str, Any]:
    """The analytic estimate as ``procflow analyze --format json`` prints it."""
    result: dict[str, Any] = _clean(
        {
            "process": capacity.process,
            "time_unit": capacity.time_unit,
            "arrival_rate": capacity.arrival_rate,
            "stable": capacity.stable,
            "endless": capacity.endless,
            "mean_cycle_time": capacity.mean_cycle_time,
            "pools": {name: asdict(p) for name, p in capacity.pools.items()},
            "stages": {name: asdict(s) for name, s in capacity.stages.items()},
            "notes": list(capacity.notes),
        }
    )
    return result
