"""Result records as plain tables: the sheets of the workbook and the files of the CSV folder.

:func:`record_tables` turns any result record (a simulation, a comparison, a
sweep, a staffing search) into :class:`Table` objects with headers a PM
understands: a KPI's label and unit come from the catalogue (``cycle time p90
(min)``, ``annotator utilization (%)``), the verdicts from the records.
:mod:`procflow.report.xlsx` writes them as the sheets of one workbook,
:mod:`procflow.report.csvout` as CSV files. The tables of one simulation are in
:mod:`~procflow.report.tables.results`, of a comparison in
:mod:`~procflow.report.tables.comparison`, of a sweep or a search in
:mod:`~procflow.report.tables.search`, of a forecast in
:mod:`~procflow.report.tables.forecast`.
"""

from __future__ import annotations

from procflow.report.tables.cells import Cell, CellKind, Table, kpi_header
from procflow.report.tables.comparison import comparison_tables
from procflow.report.tables.forecast import forecast_tables
from procflow.report.tables.results import results_tables
from procflow.report.tables.search import optimization_tables, sweep_tables
from procflow.results import Comparison, Results, Sweep
from procflow.results.forecast import Forecasts
from procflow.results.jsonio import Record

__all__ = ["Cell", "CellKind", "Table", "kpi_header", "record_tables"]


def record_tables(record: Record) -> list[Table]:
    """The tables of any result record, in the order a PM reads them."""
    if isinstance(record, Results):
        return results_tables(record)
    if isinstance(record, Forecasts):
        return forecast_tables(record)
    if isinstance(record, Comparison):
        return comparison_tables(record)
    if isinstance(record, Sweep):
        return sweep_tables(record)
    return optimization_tables(record)
