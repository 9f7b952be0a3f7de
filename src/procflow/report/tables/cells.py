"""Cells and tables: what a workbook sheet and a CSV file are made of, and their headers.

A :class:`Table` is one sheet of the workbook and one CSV file of the folder. Its
cells keep the record's own numbers (durations in the process's time unit, shares
as fractions) with the kind of value each is, so the workbook can show a share
with a percent format and the CSV file write it as a percentage. A KPI's header
is its label from the catalogue with its unit: ``cycle time p90 (min)``,
``annotator utilization (%)``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from procflow.report.format import column_label, label
from procflow.results import Estimate, Kpi, KpiValue, SlaResult
from procflow.results.catalogue import UnitKind

#: How a cell shows its value: as text, a number as it is, or in a KPI's kind of unit.
CellKind = Literal["text", "plain", "count", "number", "duration", "money", "share"]

#: How a time unit is written in a header.
UNIT_SHORT = {"second": "s", "minute": "min", "hour": "h", "day": "days", "week": "weeks"}


class Cell(NamedTuple):
    """One value and how to show it; ``signed`` shows a change with its sign."""

    value: Any
    kind: CellKind = "text"
    signed: bool = False


@dataclass
class Table:
    """One sheet of the workbook, one CSV file of the folder."""

    title: str  # the sheet's name (at most 31 characters, unique in the workbook)
    filename: str  # the CSV file's name without ``.csv``
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def unit_short(time_unit: str) -> str:
    """A time unit as headers write it: ``min``, ``h``..."""
    return UNIT_SHORT.get(time_unit, time_unit)


def _suffix(kind: UnitKind, unit: str) -> str:
    return f" ({unit})" if kind == "duration" else " (%)" if kind == "share" else ""


def kpi_header(value: KpiValue, unit: str, slas: Sequence[SlaResult] = ()) -> str:
    """A KPI's header: its catalogue label and unit, ``cycle time p90 (min)``."""
    return label(value, slas) + _suffix(value.kpi.unit, unit)


def column_headers(kpi: Kpi, unit: str, *, interval: bool = True) -> list[str]:
    """The headers of a pool's or stage's KPI in a table with one row per pool or stage:
    ``Mean wait (min)``, and with ``interval`` its ``, 95% low`` and ``, 95% high``."""
    name = column_label(kpi)
    name = name[:1].upper() + name[1:]
    tail = _suffix(kpi.unit, unit)
    heads = [f"{name}{tail}"]
    if interval:
        heads += [f"{name}, 95% low{tail}", f"{name}, 95% high{tail}"]
    return heads


def flag(value: bool | None) -> Cell:
    """yes, no, or an empty cell."""
    return Cell(None if value is None else ("yes" if value else "no"))


def number(value: float, kind: CellKind, *, signed: bool = False) -> Cell:
    """A number of the record; NaN and infinity (undefined) as an empty cell."""
    return Cell(value if math.isfinite(value) else None, kind, signed)


def estimate_cells(estimate: Estimate | None, kind: CellKind) -> list[Cell]:
    """Mean, 95% low, 95% high (empty cells where undefined)."""
    if estimate is None:
        return [Cell(None, kind)] * 3
    return [number(estimate.mean, kind), number(estimate.low, kind), number(estimate.high, kind)]


def scalar(value: Any) -> Any:
    """A value for one cell: numbers and text as they are, anything else as JSON."""
    if value is None or isinstance(value, int | float | str):
        return value
    return json.dumps(value, ensure_ascii=False)


def number_or_text(value: Any) -> Cell:
    """A changed value of a sweep: a number as a number, anything else as text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return Cell(scalar(value))
    return Cell(value, "count" if isinstance(value, int) else "plain")


_SETTINGS: dict[str, tuple[str, CellKind]] = {
    "replications": ("Replications", "count"),
    "seed": ("Seed", "plain"),
    "horizon": ("Horizon ({u})", "duration"),
    "warmup": ("Warm-up ({u})", "duration"),
    "time_unit": ("Time unit", "text"),
}


def setting_rows(settings: Mapping[str, Any]) -> list[list[Cell]]:
    """How the numbers were made, one setting a row."""
    unit = unit_short(str(settings.get("time_unit") or "minute"))
    rows = []
    for key, value in settings.items():
        text, kind = _SETTINGS.get(key, (key, "number"))
        if not isinstance(value, int | float) or isinstance(value, bool):
            kind, value = "text", scalar(value)
        rows.append([Cell(text.format(u=unit)), Cell(value, kind)])
    return rows


_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def unique(name: str, taken: set[str], limit: int) -> str:
    """``name`` cut to ``limit`` characters and made unique (case-insensitively) in ``taken``."""
    candidate, n = name[:limit], 1
    while candidate.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = name[: limit - len(suffix)] + suffix
    taken.add(candidate.casefold())
    return candidate


def sheet_title(name: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: no ``[]:*?/\\``, at most 31 characters, unique."""
    return unique(_BAD_TITLE.sub("_", name), taken, 31)


def file_name(prefix: str, name: str, taken: set[str]) -> str:
    """A CSV file name (without ``.csv``) any system accepts, unique in the folder."""
    return unique(prefix + re.sub(r"[^\w.-]+", "_", name).strip("._"), taken, 100)
