"""The tables of a validation: one row per measure, and Simod's distances."""

from __future__ import annotations

from procflow.report.tables.cells import Cell, Table
from procflow.results.fidelity import Fidelity


def fidelity_tables(record: Fidelity) -> list[Table]:
    """Validation (one row per measure, times in the process's unit) and Distances (hours)."""
    rows = Table(
        "Validation",
        "validation",
        [
            "Measure", "Key", "Variant", "Unit", "Real", "Simulated", "Low", "High", "Error",
            "Relative error", "Observations", "Within", "Off",
        ],
    )  # fmt: skip
    for r in record.rows:
        kind = r.unit
        unit = record.time_unit if r.unit == "duration" else r.unit
        s = r.simulated
        rows.rows.append(
            [
                Cell(r.label), Cell(r.key), Cell(r.detail), Cell(unit), Cell(r.real, kind),
                Cell(s.mean, kind), Cell(s.low, kind), Cell(s.high, kind), Cell(r.error, kind),
                Cell(r.relative, "share"), Cell(r.observations, "count"),
                Cell("yes" if r.within else "no"), Cell("yes" if r.off else "no"),
            ]
        )  # fmt: skip
    distances = Table("Distances", "distances", ["Distance", "Key", "Hours", "Low", "High"])
    for d in record.distances:
        v = d.value
        distances.rows.append(
            [Cell(d.label), Cell(d.key), Cell(v.mean, "number"), Cell(v.low, "number"),
             Cell(v.high, "number")]
        )  # fmt: skip
    return [rows, distances]
