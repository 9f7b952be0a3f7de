"""Numbers as a PM reads them: ``4.2 min``, ``87.0%``, ``1,234.50``, with intervals and changes.

Every formatter (terminal, Markdown, HTML, workbook, CSV) takes a KPI's label,
unit kind and direction from the catalogue (:mod:`procflow.results.catalogue`) and
its text from here, so one number reads the same everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from procflow.model.quantities import TimeUnit, format_duration
from procflow.results import Difference, Estimate, KpiValue, Results, headline_keys
from procflow.results.catalogue import UnitKind


def headline(results: Results) -> list[KpiValue]:
    """The headline KPIs of a simulation, in the catalogue's order."""
    return headline_keys(results.kpis, results.pools, results.stages)


def headline_of(results: Iterable[Results]) -> list[KpiValue]:
    """The headline KPIs any of several results has (a comparison's baseline and scenarios)."""
    seen: dict[str, KpiValue] = {}
    for r in results:
        for value in headline(r):
            seen.setdefault(value.key, value)
    order = {v.key: k for k, v in enumerate(headline_keys(seen, _pools(seen), _stages(seen)))}
    return sorted(seen.values(), key=lambda v: order.get(v.key, len(order)))


def _pools(keys: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(k.split(".")[1] for k in keys if k.startswith("resources.")))


def _stages(keys: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(k.split(".")[1] for k in keys if k.startswith("stages.")))


def format_value(kind: UnitKind, value: float, time_unit: str, *, signed: bool = False) -> str:
    """A value as a PM reads it: ``4.2 min``, ``87.0%``, ``1,234.5``; ``-`` when undefined."""
    if math.isnan(value):
        return "-"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    sign = "+" if signed and value > 0 else ("-" if signed and value < 0 else "")
    magnitude = abs(value) if signed else value
    if kind == "duration":
        text = format_duration(magnitude, time_unit)  # type: ignore[arg-type]
    elif kind == "share":
        text = f"{magnitude * 100:.1f} pp" if signed else f"{magnitude:.1%}"
    elif kind == "money":
        text = f"{magnitude:,.2f}"
    elif magnitude != 0 and abs(magnitude) < 0.1:
        text = f"{magnitude:,.3f}"
    else:
        text = f"{magnitude:,.1f}"
    return sign + text


def format_interval(
    kind: UnitKind, low: float, high: float, time_unit: str, *, signed: bool = False
) -> str:
    """``low … high`` in the KPI's format, or '' without an interval (one replication)."""
    if math.isnan(low) or math.isnan(high):
        return ""
    first = format_value(kind, low, time_unit, signed=signed)
    return f"{first} … {format_value(kind, high, time_unit, signed=signed)}"


def format_estimate(kind: UnitKind, estimate: Estimate, time_unit: str) -> tuple[str, str]:
    """(mean, interval) of an estimate in the KPI's format."""
    return (
        format_value(kind, estimate.mean, time_unit),
        format_interval(kind, estimate.low, estimate.high, time_unit),
    )


def change_word(value: KpiValue, difference: Difference) -> str:
    """``better``, ``worse`` or ``''`` for a significant change, by the KPI's direction."""
    better = value.kpi.better
    if not difference.significant or better == "neither":
        return ""
    up = difference.change.mean > 0
    return "better" if up == (better == "higher") else "worse"


def duration(value: float, time_unit: str) -> str:
    """A duration in the process's unit, e.g. ``4.2 min``."""
    unit: TimeUnit = time_unit  # type: ignore[assignment]
    return format_duration(value, unit)
