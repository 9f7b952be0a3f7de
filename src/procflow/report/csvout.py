"""A folder of CSV files of a result record: the workbook's sheets, one file each.

Choices, for a PM who double-clicks the file as much as for a script that reads it:

- **UTF-8 with a byte-order mark** (``utf-8-sig``): Excel then opens stage and pool names in
  any script (Chinese, Thai, Arabic...) correctly; without it Excel guesses a legacy code page.
  Python reads it with ``encoding="utf-8-sig"``; pandas and most tools skip the mark.
- Comma-separated, ``\\r\\n`` line ends, quotes where needed (RFC 4180); a dot as the decimal
  separator and no thousands separators, whatever the locale.
- Numbers at full precision; durations in the process's time unit (named in the header);
  **shares as percentages** (``86.8`` under "Utilization (%)"), unlike the workbook, which
  keeps the fraction and shows it with a percent format; flags as ``yes``/``no``; an
  undefined value (no interval with one replication, nothing delivered) as an empty field.
- ``--format csv`` writes the table a command prints (:func:`command_table`) to standard
  output the same way, without the byte-order mark, for a script or a spreadsheet.
- Existing files are never overwritten silently: :func:`write_csv_folder` refuses unless
  ``overwrite=True`` (``--force``). Other files in the folder are left alone.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from procflow.files import make_folder, refuse_existing, write_atomic
from procflow.report.tables import Cell, Table, Tabled, record_tables
from procflow.report.tables.comparison import comparison_tables
from procflow.results import Comparison


def _field(cell: Cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if cell.kind == "share":
            return f"{value * 100:.15g}"
        return repr(value)
    return str(value)


def table_csv(table: Table) -> bytes:
    """One table as the bytes of a CSV file (UTF-8 with a byte-order mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_field(c) for c in row])
    return buffer.getvalue().encode("utf-8-sig")


def table_text(table: Table) -> str:
    """One table as CSV text for standard output (``--format csv``; no byte-order mark)."""
    return table_csv(table).decode("utf-8-sig")


def command_table(record: Tabled) -> Table:
    """The table a command prints on the terminal, whole, for ``--format csv``: a
    simulation's KPIs; a comparison's table of each scenario, one after another under a
    "Scenario name" column; a sweep's row per point; a search's first table; a staffing
    plan's intervals."""
    if not isinstance(record, Comparison):
        tables = record_tables(record)
        wanted = ("kpis", "intervals", "sweep")
        return next((t for t in tables if t.filename in wanted), tables[0])
    # comparison_tables: the summary, then a table per scenario, then the baseline's
    per_scenario = comparison_tables(record)[1 : 1 + len(record.scenarios)]
    stacked = Table("Comparison", "comparison", ["Scenario name", *per_scenario[0].headers])
    for scenario, table in zip(record.scenarios, per_scenario, strict=True):
        stacked.rows += [[Cell(scenario.name), *row] for row in table.rows]
    return stacked


def csv_files(record: Tabled) -> dict[str, bytes]:
    """File name -> content of every CSV file of a result record, in reading order."""
    return {f"{t.filename}.csv": table_csv(t) for t in record_tables(record)}


def write_csv_folder(record: Tabled, folder: Path, *, overwrite: bool = False) -> list[Path]:
    """Write a result record's tables as CSV files into ``folder`` (created if needed).

    Returns the paths written. Raises :class:`~procflow.files.OutputExists` naming the files
    that would be replaced, before writing anything, unless ``overwrite``. Each file is
    written atomically.
    """
    folder = Path(folder)
    files = csv_files(record)
    paths = [folder / name for name in files]
    if not overwrite:
        refuse_existing(paths)
    make_folder(folder)
    for path, content in zip(paths, files.values(), strict=True):
        write_atomic(path, content)
    return paths
