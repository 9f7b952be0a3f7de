"""A loaded YAML file: plain data, and where in the file every part of it was written.

The data are dicts, lists and scalars, as PyYAML gives them. The source map
goes from every path in the data (``("stages", "label", "duration")``) to the
``file:line:col`` of its key and of its value, so that everything downstream
reports a problem by path and asks the document where that path is, down to
the character inside a ``when`` condition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from procflow.diagnostics import Finding, Location
from procflow.source.scalars import offset_mark

#: A path into a document: mapping keys and list indices, outermost first.
DocPath = tuple[Any, ...]


@dataclass
class Document:
    """Plain data loaded from one YAML file, with a source map and inline suppressions."""

    path: str
    data: Any
    key_locations: dict[DocPath, Location] = field(default_factory=dict)
    value_locations: dict[DocPath, Location] = field(default_factory=dict)
    #: line -> codes ignored on that line by ``# procflow: ignore[...]`` (empty: all codes).
    suppressions: dict[int, frozenset[str]] = field(default_factory=dict)
    #: Every code listed in those comments, where it is written (for lint to check it exists).
    suppression_codes: list[tuple[str, Location]] = field(default_factory=list)
    #: Problems found while reading (duplicate keys); the data is still usable for more checks.
    findings: list[Finding] = field(default_factory=list)
    text: str = ""

    def line(self, number: int) -> str:
        """The text of a 1-based line ('' past the end)."""
        lines = self.text.splitlines()
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def locate(self, path: DocPath, *, key: bool = False) -> Location:
        """Where ``path`` is written: its value (or key, if ``key``), else its nearest parent."""
        path = tuple(path)
        while True:
            primary, secondary = (
                (self.key_locations, self.value_locations)
                if key
                else (self.value_locations, self.key_locations)
            )
            if path in primary:
                return primary[path]
            if path in secondary:
                return secondary[path]
            if not path:
                return Location.of_file(self.path)
            path = path[:-1]

    def locate_in_text(self, path: DocPath, offset: int) -> Location:
        """Where character ``offset`` of the text value at ``path`` is written in the file.

        The offset is into the loaded string; the source may differ from it, and the
        mapping accounts for that in every YAML scalar style: escapes in double quotes
        (``\\"``, ``\\x41``), ``''`` in single quotes, continuation lines of plain and
        quoted text (a line break read as a space), and the indentation, folding and
        header of ``|`` and ``>`` blocks. An offset at (or past) the end is located
        just after the last character. Falls back to the value's start when ``path``
        is not text written as a scalar.
        """
        path = tuple(path)
        start = self.value_locations.get(path)
        value = self._value_at(path)
        if start is None or not isinstance(value, str):
            return self.locate(path)
        where = offset_mark(self.text, (start.line - 1, start.col - 1), value, max(offset, 0))
        if where is None:
            return start
        return Location(self.path, where[0] + 1, where[1] + 1)

    def _value_at(self, path: DocPath) -> Any:
        node = self.data
        for element in path:
            try:
                node = node[element]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def has(self, path: DocPath) -> bool:
        """Whether ``path`` was written in the file."""
        return tuple(path) in self.value_locations

    def is_suppressed(self, finding: Finding) -> bool:
        """Whether an inline ``# procflow: ignore`` comment on the finding's line silences it."""
        if finding.location.file != self.path:
            return False
        codes = self.suppressions.get(finding.location.line)
        if codes is None:
            return False
        return not codes or finding.code in codes or finding.name in codes
