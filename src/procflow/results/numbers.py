"""A KPI's value as a PM reads it: ``4.2 min``, ``87.0%``, ``1,234.50``, ``-3.0 pp``.

Written here, below the formatters, because verdicts quote values too; every
formatter reads it through :mod:`procflow.report.format`.
"""

from __future__ import annotations

import math

from procflow.model.quantities import format_duration, three_digits
from procflow.results.catalogue import UnitKind


def format_value(kind: UnitKind, value: float, time_unit: str, *, signed: bool = False) -> str:
    """A value as a PM reads it, never with an exponent; ``-`` when undefined.

    Durations in the largest readable unit (``4.2 min``, ``< 1 s``); shares as percentages
    (``87.0%``, ``< 0.1%``, ``> 99.9%``: a share that rounds to 0% or 100% but is not);
    money with cents (``1,234.50``); other numbers with a decimal (``45.5``), three
    decimals below 0.1 (``0.009``), whole from 10,000 (``12,346``) and in millions from
    a million (``1.23 M``). ``signed`` shows a change: ``+1.2 min``, ``-3.0 pp``; a change
    too small to show has no sign (``< 0.1 pp``); a change of a duration shows seconds
    (``+0.304 s``), a duration itself not below a second (``< 1 s``).
    """
    if math.isnan(value):
        return "-"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    sign = "+" if signed and value > 0 else ("-" if signed and value < 0 else "")
    magnitude = abs(value) if signed else value
    text = _unsigned(kind, magnitude, time_unit, signed=signed)
    return text if "<" in text else sign + text


def _unsigned(kind: UnitKind, value: float, time_unit: str, *, signed: bool) -> str:
    size = abs(value)
    if kind == "duration":
        return format_duration(value, time_unit, subsecond=signed)  # type: ignore[arg-type]
    if kind == "share":
        if signed:
            return "< 0.1 pp" if 0 < size < 0.0005 else f"{value * 100:.1f} pp"
        if 0 < value < 0.0005:
            return "< 0.1%"
        return "> 99.9%" if 0.9995 <= value < 1 else f"{value:.1%}"
    if size >= 999_999.5:
        return f"{three_digits(value / 1e6)} M"
    if kind == "money":
        return f"{value:,.2f}"
    if size >= 9_999.95:
        return f"{value:,.0f}"
    if 0 < size < 0.1:
        return "< 0.001" if size < 0.0005 else f"{value:,.3f}"
    return f"{value:,.1f}"
