"""Result records as plain tables: the sheets of the workbook and the files of the CSV folder.

:func:`record_tables` turns any result record (a simulation, a comparison, a
sweep, a staffing search) into :class:`Table` objects with headers a PM
understands: a KPI's label and unit come from the catalogue (``cycle time p90
(min)``, ``annotator utilization (%)``), the verdicts from the records.
:mod:`procflow.report.xlsx` writes them as the sheets of one workbook,
:mod:`procflow.report.csvout` as CSV files. The tables of one simulation are in
:mod:`~procflow.report.tables.results`, of a comparison in
:mod:`~procflow.report.tables.comparison`, of a sweep or a search in
:mod:`~procflow.report.tables.search`, of a staffing plan in
:mod:`~procflow.report.tables.staffing`, of a forecast in
:mod:`~procflow.report.tables.forecast`, of a validation in
:mod:`~procflow.report.tables.fidelity`.
"""

from __future__ import annotations

from procflow.report.tables.cells import Cell, CellKind, Table, kpi_header
from procflow.report.tables.comparison import comparison_tables
from procflow.report.tables.fidelity import fidelity_tables
from procflow.report.tables.forecast import forecast_tables
from procflow.report.tables.results import results_tables
from procflow.report.tables.search import optimization_tables, sweep_tables
from procflow.report.tables.staffing import staffing_tables
from procflow.results import Comparison, Results, Sweep
from procflow.results.fidelity import Fidelity
from procflow.results.forecast import BacklogForecasts
from procflow.results.jsonio import Record
from procflow.results.staffing import StaffingPlan

__all__ = ["Cell", "CellKind", "Table", "Tabled", "kpi_header", "record_tables"]

#: Every record that has tables: the results of a run, and a staffing plan.
Tabled = Record | StaffingPlan


def record_tables(record: Tabled) -> list[Table]:
    """The tables of any result record, in the order a PM reads them."""
    if isinstance(record, StaffingPlan):
        return staffing_tables(record)
    if isinstance(record, Results):
        return results_tables(record)
    if isinstance(record, BacklogForecasts):
        return forecast_tables(record)
    if isinstance(record, Fidelity):
        return fidelity_tables(record)
    if isinstance(record, Comparison):
        return comparison_tables(record)
    if isinstance(record, Sweep):
        return sweep_tables(record)
    return optimization_tables(record)
