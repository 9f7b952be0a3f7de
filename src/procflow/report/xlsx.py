"""Excel workbooks of result records: every table of :mod:`procflow.report.tables` a sheet.

Values are the record's own numbers: durations in the process's time unit (named
in the header), shares as fractions shown with a percent format, undefined values
(no interval with one replication, nothing delivered) as empty cells, flags as
yes/no. Each sheet has a bold header row, frozen, with a filter, and columns wide
enough to read.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

from procflow.files import write_atomic
from procflow.report.tables import Cell, Tabled, record_tables
from procflow.results import Comparison

#: Excel number formats per kind of value; ``signed`` variants for changes.
_FORMATS = {
    "count": "#,##0",
    "number": "#,##0.00",
    "duration": "#,##0.00",
    "money": "#,##0.00",
    "share": "0.0%",
}
_SIGNED_FORMATS = {
    "count": "+#,##0;-#,##0;0",
    "number": "+#,##0.00;-#,##0.00;0.00",
    "duration": "+#,##0.00;-#,##0.00;0.00",
    "money": "+#,##0.00;-#,##0.00;0.00",
    "share": "+0.0%;-0.0%;0.0%",
}


def _finite(value: Any) -> Any:
    """Excel has no NaN or infinity: leave such a cell empty."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _width(cell: Cell) -> int:
    value = cell.value
    if value is None:
        return 0
    if isinstance(value, float):
        return 12 if cell.kind != "share" else 8
    return len(str(value))


def workbook_bytes(record: Tabled) -> bytes:
    """The ``.xlsx`` file of a result record, built in memory."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    workbook = Workbook()
    workbook.remove(workbook.active)
    name = record.baseline.process if isinstance(record, Comparison) else record.process
    if name:
        workbook.properties.title = f"procflow: {name}"
    workbook.properties.creator = "procflow"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE4EE")
    wrap = Alignment(wrap_text=True, vertical="top")
    for table in record_tables(record):
        sheet = workbook.create_sheet(table.title)
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font, cell.fill, cell.alignment = bold, fill, wrap
        for number, row in enumerate(table.rows, start=2):
            sheet.append([_finite(c.value) for c in row])
            for column, c in enumerate(row, start=1):
                formats = _SIGNED_FORMATS if c.signed else _FORMATS
                if c.kind in formats and isinstance(c.value, int | float):
                    # cell() is O(1); sheet[number] scans every cell for the widest row
                    sheet.cell(number, column).number_format = formats[c.kind]
        sheet.freeze_panes = "A2"
        if table.rows:
            sheet.auto_filter.ref = sheet.dimensions
        for index, header in enumerate(table.headers):
            longest = max([_width(r[index]) for r in table.rows if index < len(r)], default=0)
            width = max(min(max(len(header), longest) + 2, 60), 8)
            if len(header) > 28 and longest < 28:
                width = max(longest + 2, 14)  # a long header wraps instead
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_workbook(record: Tabled, path: Path) -> None:
    """Write a record (simulation, comparison, sweep, search, staffing plan) as an Excel workbook.

    Atomic: built in memory, written to a temporary file in the same folder, renamed.
    """
    write_atomic(Path(path), workbook_bytes(record))
