"""Which KPIs a PM sees first, with labels in their words and values in their units."""

from __future__ import annotations

import math

from procflow.model.process import Process
from procflow.model.quantities import format_duration


def headline_kpis(process: Process) -> list[tuple[str, str, str]]:
    """(KPI key, label, kind) for the tables of simulate and compare; kind picks the format."""
    rows = [
        ("throughput_per_hour", "throughput / hour", "number"),
        ("cycle_time.mean", "cycle time mean", "duration"),
        ("cycle_time.p50", "cycle time p50", "duration"),
        ("cycle_time.p90", "cycle time p90", "duration"),
        ("cycle_time.p95", "cycle time p95", "duration"),
        ("cycle_time.p99", "cycle time p99", "duration"),
        ("wip", "work in progress", "number"),
        ("backlog", "backlog at end", "number"),
        ("cost_per_hour", "cost / hour", "money"),
        ("cost_per_item", "cost / item", "money"),
        ("rework_rate", "rework rate", "share"),
        ("escaped_defect_rate", "escaped defects", "share"),
    ]
    rows += [(f"resources.{n}.utilization", f"{n} utilization", "share") for n in process.resources]
    rows += [
        (f"stages.{n}.waiting_time", f"{n} mean wait", "duration")
        for n, s in process.stages.items()
        if s.kind == "work"
    ]
    return rows


def format_value(kind: str, value: float, time_unit: str, *, signed: bool = False) -> str:
    """A value as a PM reads it: ``4.2 min``, ``87%``, ``1,234.5``."""
    if math.isnan(value):
        return "-"
    sign = "+" if signed and value > 0 else ("-" if signed and value < 0 else "")
    magnitude = abs(value) if signed else value
    if kind == "duration":
        text = format_duration(magnitude, time_unit)  # type: ignore[arg-type]
    elif kind == "share":
        text = f"{magnitude * 100:.1f} pp" if signed else f"{magnitude:.1%}"
    elif kind == "money":
        text = f"{magnitude:,.2f}"
    else:
        text = f"{magnitude:,.1f}"
    return sign + text
