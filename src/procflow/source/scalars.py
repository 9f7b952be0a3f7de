"""Where each character of a text value is written: re-reading a scalar's source.

PyYAML says where a value starts, not where its tenth character is. A ``when``
condition with a mistake in the middle of its second line should be reported
there, so this module reads the scalar's source again, the way PyYAML's scanner
does (``yaml/scanner.py``), and notes for every character of the loaded value
the line and column it comes from: through escapes (``\\"``, ``\\x41``), doubled
single quotes, folded line breaks and the indentation of ``|`` and ``>`` blocks.
"""

from __future__ import annotations

import re

_BREAKS = "\r\n\x85\u2028\u2029"
_ESCAPES = {
    "0": "\0",
    "a": "\x07",
    "b": "\x08",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\x0b",
    "f": "\x0c",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "\\": "\\",
    "/": "/",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_ESCAPE_CODES = {"x": 2, "u": 4, "U": 8}
#: (line, column), 0-based.
Mark = tuple[int, int]


class _Lost(Exception):
    """The source does not read as the scanner read it; give up on precision."""


class _Scan:
    """Re-reads one scalar's source the way PyYAML's scanner does (``yaml/scanner.py``),
    noting for each character of the value where in the file it comes from.

    Only positions are computed; the text is checked against the loaded value at
    the end, so any disagreement falls back to the value's start, never to a wrong
    column.
    """

    def __init__(self, text: str, index: int, start: Mark) -> None:
        self.text = text
        self.index = index
        self.line, self.column = start
        self.chars: list[str] = []
        self.starts: list[Mark] = []
        self.ends: list[Mark] = []

    def peek(self, ahead: int = 0) -> str:
        i = self.index + ahead
        return self.text[i] if i < len(self.text) else "\0"

    def mark(self) -> Mark:
        return (self.line, self.column)

    def forward(self, length: int = 1) -> None:
        for _ in range(length):
            if self.index >= len(self.text):
                raise _Lost
            ch = self.text[self.index]
            self.index += 1
            if ch in "\n\x85\u2028\u2029" or (ch == "\r" and self.peek() != "\n"):
                self.line += 1
                self.column = 0
            elif ch != "\ufeff":
                self.column += 1

    def emit(self, chars: str, start: Mark, end: Mark) -> None:
        for ch in chars:
            self.chars.append(ch)
            self.starts.append(start)
            self.ends.append(end)

    def take(self, length: int) -> None:
        """Copy ``length`` characters of source into the value."""
        for _ in range(length):
            start, ch = self.mark(), self.peek()
            self.forward()
            self.emit(ch, start, self.mark())

    def line_break(self) -> tuple[str, Mark]:
        """Consume a line break: what it reads as, and where it is (the end of its line)."""
        where, ch = self.mark(), self.peek()
        if ch in "\r\n\x85":
            self.forward(2 if self.text.startswith("\r\n", self.index) else 1)
            return "\n", where
        if ch in "\u2028\u2029":
            self.forward()
            return ch, where
        return "", where

    def emit_breaks(self, breaks: list[tuple[str, Mark]]) -> None:
        for ch, where in breaks:
            self.emit(ch, where, where)

    def skip_properties(self) -> None:
        """Skip an anchor or tag (``&cond``, ``!!str``) before the scalar itself."""
        while self.peek() in "&!":
            while self.peek() not in "\0 \t" + _BREAKS:
                self.forward()
            while self.peek() in " \t#" + _BREAKS:
                if self.peek() == "#":
                    while self.peek() not in "\0" + _BREAKS:
                        self.forward()
                else:
                    self.forward()

    # flow scalars: plain and quoted

    def fold(self, line_break: tuple[str, Mark], breaks: list[tuple[str, Mark]]) -> None:
        """A line break in flow text: a space, or the empty lines that follow it."""
        ch, where = line_break
        if ch != "\n":
            self.emit(ch, where, where)
        elif not breaks:
            self.emit(" ", where, where)
        self.emit_breaks(breaks)

    def plain(self, value: str) -> None:
        """Plain text, as far as ``value`` goes: where it ends depends on its context."""
        while True:
            length = 0
            while (
                len(self.chars) + length < len(value) and self.peek(length) not in " \t\0" + _BREAKS
            ):
                length += 1
            if not length:
                raise _Lost
            self.take(length)
            if len(self.chars) >= len(value):
                return
            length = 0
            while self.peek(length) == " ":
                length += 1
            if self.peek(length) in _BREAKS:
                self.forward(length)
                line_break = self.line_break()
                breaks: list[tuple[str, Mark]] = []
                while self.peek() in " " + _BREAKS:
                    if self.peek() == " ":
                        self.forward()
                    else:
                        breaks.append(self.line_break())
                self.fold(line_break, breaks)
            elif length:
                self.take(length)
            else:
                raise _Lost

    def quoted(self) -> None:
        quote = self.peek()
        self.forward()
        double = quote == '"'
        self.quoted_non_spaces(double)
        while self.peek() != quote:
            self.quoted_spaces()
            self.quoted_non_spaces(double)

    def quoted_non_spaces(self, double: bool) -> None:
        while True:
            length = 0
            while self.peek(length) not in "'\"\\\0 \t" + _BREAKS:
                length += 1
            self.take(length)
            ch, start = self.peek(), self.mark()
            if not double and ch == "'" and self.peek(1) == "'":
                self.forward(2)
                self.emit("'", start, self.mark())
            elif (double and ch == "'") or (not double and ch in '"\\'):
                self.take(1)
            elif double and ch == "\\":
                self.forward()
                ch = self.peek()
                if ch in _ESCAPES:
                    self.forward()
                    self.emit(_ESCAPES[ch], start, self.mark())
                elif ch in _ESCAPE_CODES:
                    digits = self.text[self.index + 1 : self.index + 1 + _ESCAPE_CODES[ch]]
                    self.forward(1 + len(digits))
                    try:
                        self.emit(chr(int(digits, 16)), start, self.mark())
                    except ValueError:
                        raise _Lost from None
                elif ch in _BREAKS:
                    self.line_break()
                    self.emit_breaks(self.quoted_breaks())
                else:
                    raise _Lost
            else:
                return

    def quoted_spaces(self) -> None:
        length = 0
        while self.peek(length) in " \t":
            length += 1
        ch = self.peek(length)
        if ch in _BREAKS:
            self.forward(length)
            line_break = self.line_break()
            self.fold(line_break, self.quoted_breaks())
        elif ch == "\0":
            raise _Lost
        else:
            self.take(length)

    def quoted_breaks(self) -> list[tuple[str, Mark]]:
        breaks: list[tuple[str, Mark]] = []
        while True:
            while self.peek() in " \t":
                self.forward()
            if self.peek() not in _BREAKS:
                return breaks
            breaks.append(self.line_break())

    # block scalars

    def block_header(self) -> tuple[bool, bool | None, int | None]:
        """Read ``|`` or ``>`` with its indicators and comment: (folded, chomping, increment)."""
        folded = self.peek() == ">"
        self.forward()
        chomping: bool | None = None
        increment: int | None = None
        while self.peek() in "+-123456789":
            if self.peek() in "+-":
                chomping = self.peek() == "+"
            else:
                increment = int(self.peek())
            self.forward()
        while self.peek() == " ":
            self.forward()
        if self.peek() == "#":
            while self.peek() not in "\0" + _BREAKS:
                self.forward()
        self.line_break()
        return folded, chomping, increment

    def block(self, indent: int | None) -> None:
        """A block scalar; ``indent`` is its content's column, when the header gives it."""
        folded, chomping, _ = self.block_header()
        if indent is None:
            breaks: list[tuple[str, Mark]] = []
            indent = 1
            while self.peek() in " " + _BREAKS:
                if self.peek() == " ":
                    self.forward()
                    indent = max(indent, self.column)
                else:
                    breaks.append(self.line_break())
        else:
            breaks = self.block_breaks(indent)
        line_break = ("", self.mark())
        while self.column == indent and self.peek() != "\0":
            self.emit_breaks(breaks)
            leading_non_space = self.peek() not in " \t"
            length = 0
            while self.peek(length) not in "\0" + _BREAKS:
                length += 1
            self.take(length)
            line_break = self.line_break()
            breaks = self.block_breaks(indent)
            if self.column != indent or self.peek() == "\0":
                break
            if folded and line_break[0] == "\n" and leading_non_space and self.peek() not in " \t":
                if not breaks:
                    self.emit(" ", line_break[1], line_break[1])
            else:
                self.emit_breaks([line_break])
        if chomping is not False:
            self.emit_breaks([line_break])
        if chomping is True:
            self.emit_breaks(breaks)

    def block_breaks(self, indent: int) -> list[tuple[str, Mark]]:
        breaks: list[tuple[str, Mark]] = []
        while self.column < indent and self.peek() == " ":
            self.forward()
        while self.peek() in _BREAKS:
            breaks.append(self.line_break())
            while self.column < indent and self.peek() == " ":
                self.forward()
        return breaks


_LINE_END = re.compile("\r(?!\n)|[\n\x85\u2028\u2029]")


def _index_of(text: str, start: Mark) -> int | None:
    """The index in ``text`` of a 0-based (line, column) as PyYAML counts them."""
    line, column = start
    index = 0
    if line:
        for number, end in enumerate(_LINE_END.finditer(text), start=1):
            if number == line:
                index = end.end()
                break
        else:
            return None
    while column or text.startswith("\ufeff", index):  # a BOM takes no column
        if index >= len(text) or text[index] in "\r\n\x85\u2028\u2029":
            return None
        if text[index] != "\ufeff":
            column -= 1
        index += 1
    return index


def offset_mark(text: str, start: Mark, value: str, offset: int) -> Mark | None:
    """The (line, column) in ``text`` of character ``offset`` of the string ``value``,
    a scalar whose node starts at ``start`` (its anchor or tag, if it has one)."""
    index = _index_of(text, start)
    if index is None:
        return None
    probe = _Scan(text, index, start)
    indents: list[int | None] = [None]
    try:
        probe.skip_properties()
        style = probe.peek()
        block = style in "|>"
        if block and probe.block_header()[2] is not None:
            # An explicit indentation indicator (``|2``) counts from the parent's
            # indentation, which is not recorded: try each indentation up to the first
            # line's, and keep the one that reads as the value.
            deepest = 0
            while probe.peek() in " " + _BREAKS:
                probe.forward()
                deepest = max(deepest, probe.column)
            indents = list(range(1, deepest + 2))
    except _Lost:
        return None
    for indent in indents:
        scan = _Scan(text, index, start)
        try:
            scan.skip_properties()
            content = scan.mark()
            if block:
                scan.block(indent)
            elif style in "'\"":
                scan.quoted()
                content = (content[0], content[1] + 1)
            else:
                scan.plain(value)
        except _Lost:
            continue
        if "".join(scan.chars) != value:
            continue
        if offset < len(value):
            return scan.starts[offset]
        return scan.ends[-1] if value else content
    return None
