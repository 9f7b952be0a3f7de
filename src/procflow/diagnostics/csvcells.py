"""Where a cell of a CSV file is: the character column a finding points at.

CSV inputs (event logs, volume forecasts) report a bad cell as ``file:line:col``
like a YAML file does; the column is that of the field's first character on its
line, counting quoted commas as part of the field.
"""

from __future__ import annotations


def field_column(line: str, index: int) -> int:
    """The 1-based character column where field ``index`` of a CSV line starts (1 if unseen)."""
    count, quoted = 0, False
    for position, char in enumerate(line):
        if count == index:
            return position + 1
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            count += 1
    return len(line.rstrip("\r\n")) + 1 if count == index else 1
