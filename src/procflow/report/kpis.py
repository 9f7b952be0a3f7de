"""Which KPIs a PM sees first, with labels in their words and values in their units."""

from __future__ import annotations

import math
from collections.abc import Iterable

from procflow.model.process import Process
from procflow.model.quantities import format_duration

#: (KPI key, label, kind) of the process-wide KPIs a PM sees first, in the order shown.
_PROCESS_KPIS: tuple[tuple[str, str, str], ...] = (
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
)
#: Label and kind of a work stage's measures (``stages.<stage>.<metric>``); the
#: label follows the stage's name ("review mean wait").
STAGE_METRICS: dict[str, tuple[str, str]] = {
    "visits": ("visits per item", "number"),
    "waiting_time": ("mean wait", "duration"),
    "waiting_time_p90": ("p90 wait", "duration"),
    "queue_length": ("mean queue", "number"),
    "queue_length_max": ("longest queue", "number"),
}


def headline_kpis(process: Process) -> list[tuple[str, str, str]]:
    """(KPI key, label, kind) for the tables of simulate and compare; kind picks the format."""
    work_stages = (name for name, stage in process.stages.items() if stage.kind == "work")
    return headline_kpis_for(process.resources, work_stages)


def headline_kpis_for(
    pools: Iterable[str], work_stages: Iterable[str]
) -> list[tuple[str, str, str]]:
    """(KPI key, label, kind) of the headline KPIs, given the names of pools and work stages.

    The process-wide KPIs, then each pool's utilization, then each work stage's mean
    wait, in the order given. :func:`headline_kpis` takes the names from a process;
    a report made from the JSON takes them from its ``resources`` and ``stages``.
    """
    wait_label, wait_kind = STAGE_METRICS["waiting_time"]
    rows = list(_PROCESS_KPIS)
    rows += [(f"resources.{n}.utilization", f"{n} utilization", "share") for n in pools]
    rows += [(f"stages.{n}.waiting_time", f"{n} {wait_label}", wait_kind) for n in work_stages]
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


def format_interval(
    kind: str, low: float, high: float, time_unit: str, *, signed: bool = False
) -> str:
    """``low … high`` in the KPI's format, or '' without an interval (one replication)."""
    if math.isnan(low) or math.isnan(high):
        return ""
    first = format_value(kind, low, time_unit, signed=signed)
    return f"{first} … {format_value(kind, high, time_unit, signed=signed)}"
