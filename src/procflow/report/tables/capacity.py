"""The analysis as a table: the expected load on every staff pool (``analyze --format csv``).

The same numbers ``procflow analyze`` prints in its "Staff pools" table, at full
precision: durations in the process's time unit, rates per hour, shares as
fractions (the CSV writes them as percentages).
"""

from __future__ import annotations

import math

from procflow.analysis import Capacity
from procflow.model.process import Process
from procflow.model.quantities import convert
from procflow.report.tables.cells import Cell, Table, flag, number, unit_short


def capacity_table(process: Process, capacity: Capacity) -> Table:
    """One row per staff pool: people working, cost, tasks, handling time, load, waiting."""
    unit = unit_short(process.time_unit)
    per_hour = convert(1.0, "hour", process.time_unit)  # time units in an hour
    table = Table(
        "Staff pools",
        "pools",
        [
            "Pool",
            "Working",
            "Cost per hour",
            "Tasks per hour",
            f"AHT ({unit})",
            "Busy",
            "Utilization (%)",
            f"Wait estimate ({unit})",
            "Stable",
        ],
    )
    for name, load in capacity.pools.items():
        resource = process.resources[name]
        table.rows.append(
            [
                Cell(name),
                number(load.servers, "number"),
                number(resource.cost_per_hour * resource.mean_staff, "money"),
                number(load.arrival_rate * per_hour, "number"),
                number(load.mean_service, "duration"),
                number(load.offered_load, "number"),
                number(load.utilization, "share"),
                number(load.mean_wait if load.stable else math.nan, "duration"),
                flag(load.stable),
            ]
        )
    return table
