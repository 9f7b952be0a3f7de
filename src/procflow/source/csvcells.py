"""Where a cell of a CSV line is written: the column a located message points at."""

from __future__ import annotations


def cell_column(line: str, index: int) -> int:
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
