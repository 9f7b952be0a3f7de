"""YAML syntax errors in a PM's words: what the parser's message means and how to fix it.

PyYAML says where it gave up and what it expected, in the words of its grammar
("expected <block end>, but found '<block mapping start>'"). The slips behind
those words are few: a tab in the indentation, a line indented deeper or less
deep than the keys it belongs with, a missing space after a colon, a ``-`` list
item among the keys of a mapping, a quote or bracket never closed, or closed once
too often. This module reads the parser's message together with the lines around
the place it names, and says which slip it is. The location stays the parser's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: ``key:value`` with no space after the colon (not a time like 14:00, not a URL).
_NO_SPACE = re.compile(r"^\s*(?:-\s+)?(?P<key>[^\s:#'\"{}\[\],][^:#]*?):(?P<value>[^\s:/][^#]*)$")


@dataclass(frozen=True)
class SyntaxProblem:
    """What the YAML parser reported: its message, and the 1-based places it named."""

    problem: str
    line: int
    col: int
    #: What it was reading ('while scanning a quoted scalar'), and where that started.
    context: str | None = None
    context_line: int | None = None
    context_col: int | None = None


def syntax_hint(text: str, error: SyntaxProblem) -> str | None:
    """How to fix the YAML syntax error ``error`` of ``text``, or None if it is not a known slip."""
    lines = text.splitlines()
    here = lines[error.line - 1] if 0 < error.line <= len(lines) else ""
    problem = error.problem
    if "found character '\\t'" in problem:
        if not here[: error.col - 1].strip():
            return (
                "this line is indented with a tab; YAML needs spaces: replace the tab with spaces"
            )
        return (
            "a tab here: YAML allows only spaces between keys and values; replace it with a space"
        )
    found = re.match(r"found character '(.)' that cannot start any token", problem)
    if found:
        return f"a value cannot start with {found[1]!r}: put the whole value in quotes"
    if "expected <block end>, but found '<block mapping start>'" in problem:
        return _indentation(lines, error.line)
    if "expected <block end>, but found '-'" in problem:
        return (
            "a '-' list item among the keys of a mapping: a mapping has keys, a list has "
            "'-' items; remove the '-', or indent the list under its own key"
        )
    if "expected <block end>, but found '?'" in problem:
        return (
            "a key among '-' list items: either indent it under the item above (line it up "
            "with that item's keys), or start it with '-' as a new item"
        )
    extra = re.search(r"expected <block end>, but found '([}\]])'", problem)
    if extra:
        opening = "{" if extra[1] == "}" else "["
        return (
            f"one '{extra[1]}' too many: it closes a '{opening}' that was never opened; remove it"
        )
    if "expected <block end>, but found '<scalar>'" in problem:
        return "text after a closing quote: put the whole value inside the quotes"
    if "could not find expected ':'" in problem:
        where = error.context_line or error.line
        key = lines[where - 1].strip() if 0 < where <= len(lines) else "name"
        return f"line {where} ({key!r}) has no colon: write '{key}:'"
    if "while scanning a quoted scalar" in (error.context or ""):
        return (
            f"the quote opened at line {error.context_line}, column {error.context_col} is "
            "never closed: add the closing quote"
        )
    closing = {"flow sequence": "]", "flow mapping": "}"}
    for kind, bracket in closing.items():
        if f"while parsing a {kind}" in (error.context or ""):
            return (
                f"the '{'[' if bracket == ']' else '{'}' opened at line {error.context_line}, "
                f"column {error.context_col} is not closed: add '{bracket}' at the end of "
                "the value, or separate its entries with commas"
            )
    if "mapping values are not allowed here" in problem:
        return _mapping_value(lines, error.line, error.col)
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _previous(lines: list[str], line: int) -> int | None:
    """The 1-based number of the last line with content before ``line``."""
    for number in range(line - 1, 0, -1):
        content = lines[number - 1].strip()
        if content and not content.startswith("#"):
            return number
    return None


def _indentation(lines: list[str], line: int) -> str:
    above = _previous(lines, line)
    if above is None or line > len(lines):
        return "line up each key with the keys above it that belong to the same mapping"
    mine, theirs = _indent(lines[line - 1]), _indent(lines[above - 1])
    return (
        f"this line is indented by {mine} spaces and line {above} by {theirs}: the keys of "
        "one mapping start in the same column; line this key up with the keys it belongs with"
    )


def _mapping_value(lines: list[str], line: int, col: int) -> str:
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if ": " in here[: col - 1]:
        return "this value holds ': ', which YAML reads as another key: put the value in quotes"
    above = _previous(lines, line)
    if above is not None:
        text = lines[above - 1]
        slip = _NO_SPACE.match(text)
        if slip and not slip["key"].strip().isdigit():
            return (
                f"line {above} has no space after its colon: write "
                f"'{slip['key'].strip()}: {slip['value'].strip()}'"
            )
        if ":" not in text:
            return f"line {above} ({text.strip()!r}) has no colon: write '{text.strip()}:'"
        if _indent(here) > _indent(text) and text.rstrip().split(":", 1)[1].strip():
            return (
                f"this line is indented deeper than line {above}, which already has a value: "
                "the keys of one mapping start in the same column; line them up"
            )
    return "a key where a value was expected: check the indentation and the colons of this line"
