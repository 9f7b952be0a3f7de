"""The confusion of the final decisions, as a moderation PM reads it: a row per true class.

With ``truth.classes`` a simulation measures, and the analysis computes, the share of
each true class's delivered items finally decided as each class: the diagonal is
what went right, the keep column of a violating row what stayed up (false
negatives), the other cells of a violating row removals under the wrong policy, and
the other cells of the keep row wrongful removals. This module reads those figures
(the catalogue's ``confusion.<true> as <decided>.share`` of a run, or the analysis'
:class:`~procflow.analysis.quality.ClassFigures`) into one grid that the terminal and
Markdown reports print.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from procflow.results import Estimate, lookup

#: How a cell's subject joins the two classes: ``hate as spam``.
AS = " as "

#: true class -> decided class -> share of the true class's items (NaN: none of them)
Grid = dict[str, dict[str, float]]


def grid_of(kpis: Mapping[str, Estimate]) -> Grid:
    """The mean confusion of a run's final decisions (empty without ``truth.classes``)."""
    grid: Grid = {}
    for key, estimate in kpis.items():
        if not key.startswith("confusion."):
            continue
        value = lookup(key)
        true, _, decided = value.subject.partition(AS)
        grid.setdefault(true, {})[decided] = estimate.mean
    return grid


def grid_rows(grid: Grid) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) of the grid: a column per decided class, shares as percentages."""
    classes = list(grid)
    headers = ["true class", *(f"decided {c}" for c in classes)]
    rows = [[t, *(_share(grid[t].get(d, math.nan)) for d in classes)] for t in classes]
    return headers, rows


def grid_markdown(grid: Grid) -> list[str]:
    """The grid as Markdown table lines (none for an empty grid)."""
    if not grid:
        return []
    headers, rows = grid_rows(grid)
    lines = [
        "**Final decisions** (share of each true class's items decided as each class; "
        "means over replications)",
        "",
        "| " + " | ".join(headers) + " |",
        "|---|" + "---:|" * (len(headers) - 1),
    ]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _share(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1%}"
