"""Reading a user's YAML file into plain data that remembers where everything came from.

A process file is small, hand-written and reviewed in pull requests, so procflow
is strict where PyYAML is lenient: a key written twice is an error (PyYAML
silently keeps the last, and a stage defined twice is a real SOP bug), a file
must be UTF-8, and hostile input (huge files, alias "billion laughs" bombs,
recursive aliases, absurd nesting) fails fast with one clear line.

The result is a :class:`Document`: the data as dicts, lists and scalars, plus a
source map from every path in it (``("stages", "label", "duration")``) to the
``file:line:col`` of its key and of its value. Everything downstream reports
problems by path and asks the document where that path is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from procflow.diagnostics import Finding, LoadError, Location, Severity

#: A path into a document: mapping keys and list indices, outermost first.
DocPath = tuple[Any, ...]

#: Process files are hand-written SOPs; anything bigger is a mistake or an attack.
MAX_FILE_BYTES = 1024 * 1024
#: Nodes after alias expansion; the bundled examples have a few hundred.
MAX_NODES = 200_000
MAX_DEPTH = 64

_MERGE_TAG = "tag:yaml.org,2002:merge"
#: ``# procflow: ignore`` and what follows it on the line.
_SUPPRESSION = re.compile(r"#\s*procflow:\s*ignore(?P<rest>.*)")
_CODE = re.compile(r"[A-Za-z0-9_-]+")


def _finding(
    code: str, name: str, message: str, location: Location, hint: str | None = None
) -> Finding:
    return Finding(code, name, Severity.ERROR, message, location, hint)


@dataclass
class Document:
    """Plain data loaded from one YAML file, with a source map and inline suppressions."""

    path: str
    data: Any
    key_locations: dict[DocPath, Location] = field(default_factory=dict)
    value_locations: dict[DocPath, Location] = field(default_factory=dict)
    #: line -> codes ignored on that line by ``# procflow: ignore[...]`` (empty: all codes).
    suppressions: dict[int, frozenset[str]] = field(default_factory=dict)
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
        where = _offset_mark(self.text, (start.line - 1, start.col - 1), value, max(offset, 0))
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


def read_text(path: str | Path) -> str:
    """Read a UTF-8 text file with the size guard; raise :class:`LoadError` with one finding."""
    p = Path(path)
    where = Location.of_file(str(path))
    if not p.exists():
        raise LoadError([_finding("PF001", "unreadable-file", "file not found", where)])
    if p.is_dir():
        raise LoadError(
            [
                _finding(
                    "PF001",
                    "unreadable-file",
                    "is a directory, not a file",
                    where,
                    "pass a .yaml file, or use `procflow lint DIR` to lint a folder",
                )
            ]
        )
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LoadError(
                [
                    _finding(
                        "PF001",
                        "unreadable-file",
                        f"file is {size:,} bytes; process files are limited to "
                        f"{MAX_FILE_BYTES:,} bytes",
                        where,
                        "split the process, or check that this is the file you meant",
                    )
                ]
            )
        raw = p.read_bytes()
    except OSError as exc:
        raise LoadError(
            [_finding("PF001", "unreadable-file", f"cannot read file: {exc.strerror}", where)]
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1
        raise LoadError(
            [
                _finding(
                    "PF001",
                    "unreadable-file",
                    f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                    Location(str(path), line, col),
                    "save the file as UTF-8",
                )
            ]
        ) from None


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 scalars: only true/false are booleans (``NO`` and ``off``
    stay text) and there are no base-60 numbers (``14:00`` stays a time of day)."""


_YAML11_ONLY = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _YAML11_ONLY]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def load_document(path: str | Path, text: str | None = None) -> Document:
    """Load one YAML file (or ``text`` on its behalf) into a :class:`Document`.

    Raises :class:`LoadError` when the file cannot be read or parsed at all;
    duplicate keys are collected in ``Document.findings`` instead, so that the
    rest of the file can still be checked and every problem reported at once.
    """
    name = str(path)
    if text is None:
        text = read_text(path)
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise LoadError(
            [
                _finding(
                    "PF001",
                    "unreadable-file",
                    f"text is larger than {MAX_FILE_BYTES:,} bytes",
                    Location.of_file(name),
                )
            ]
        )
    if not text.strip() or _only_comments(text):
        raise LoadError(
            [
                _finding(
                    "PF005",
                    "empty-file",
                    "file is empty",
                    Location.of_file(name),
                    "start from an example in processes/, or see docs/format.md",
                )
            ]
        )
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(name, mark.line + 1, mark.column + 1) if mark else Location.of_file(name)
        problem = exc.problem or exc.context or "invalid YAML"
        raise LoadError(
            [_finding("PF002", "yaml-syntax", f"YAML syntax error: {problem}", where)]
        ) from None
    except yaml.YAMLError as exc:
        raise LoadError(
            [_finding("PF002", "yaml-syntax", f"YAML error: {exc}", Location.of_file(name))]
        ) from None
    nodes = [n for n in nodes if n is not None and not _is_blank(n)]
    if not nodes:
        raise LoadError([_finding("PF005", "empty-file", "file is empty", Location.of_file(name))])
    if len(nodes) > 1:
        second = nodes[1].start_mark
        raise LoadError(
            [
                _finding(
                    "PF002",
                    "yaml-syntax",
                    "file holds several YAML documents; write one process per file",
                    Location(name, second.line + 1, second.column + 1),
                )
            ]
        )
    doc = Document(path=name, data=None, suppressions=_suppressions(text), text=text)
    builder = _Builder(doc)
    doc.data = builder.build(nodes[0], (), 0)
    return doc


def _is_blank(node: Node) -> bool:
    """A document with only a marker (``---``) composes to an empty plain null scalar."""
    return isinstance(node, ScalarNode) and node.value == "" and node.style is None


def _only_comments(text: str) -> bool:
    return all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines())


def _suppressions(text: str) -> dict[int, frozenset[str]]:
    found: dict[int, frozenset[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _SUPPRESSION.search(line)
        if match:
            codes = _suppressed_codes(match["rest"])
            if codes is not None:
                found[number] = codes
    return found


def _suppressed_codes(rest: str) -> frozenset[str] | None:
    """What a suppression comment silences, given the text after ``ignore``.

    ``ignore`` alone (or followed by a space and a remark): every code, as an empty
    set. ``ignore[PF106, unknown-stage]``: the codes or rule names listed. Anything
    else is a typo that silences nothing rather than everything: ``ignore[PF106``
    (no closing bracket), ``ignore[]``, ``ignore[PF 106]``, ``ignored``.
    """
    after = rest.lstrip()
    if after.startswith("["):
        listed, closed, _ = after[1:].partition("]")
        codes = [code.strip() for code in listed.split(",") if code.strip()]
        if not closed or not codes or not all(_CODE.fullmatch(code) for code in codes):
            return None
        return frozenset(codes)
    if rest and not rest[0].isspace():
        return None
    return frozenset()


class _Builder:
    """Turns a composed node tree into plain data, filling the document's source map."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.constructor = _Loader("")
        self.count = 0
        self.active: set[int] = set()

    def _loc(self, node: Node) -> Location:
        return Location(self.doc.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def _fail(self, node: Node, message: str, hint: str | None = None) -> LoadError:
        return LoadError([_finding("PF004", "unsafe-yaml", message, self._loc(node), hint)])

    def build(self, node: Node, path: DocPath, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self._fail(
                node,
                f"file expands to more than {MAX_NODES:,} YAML nodes (alias expansion?)",
                "write the process out without deeply nested anchors and aliases",
            )
        if depth > MAX_DEPTH:
            raise self._fail(node, f"nesting is deeper than {MAX_DEPTH} levels")
        self.doc.value_locations.setdefault(path, self._loc(node))
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if id(node) in self.active:
            raise self._fail(node, "recursive alias: a node contains itself")
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [
                    self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)
                ]
            if isinstance(node, MappingNode):
                return self._mapping(node, path, depth)
        finally:
            self.active.discard(id(node))
        raise self._fail(node, f"unsupported YAML node {type(node).__name__}")

    def _scalar(self, node: ScalarNode) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except (
            yaml.YAMLError,
            ValueError,
            TypeError,
            KeyError,
            IndexError,
            AttributeError,
            OverflowError,
        ) as exc:
            raise LoadError(
                [
                    _finding(
                        "PF002",
                        "yaml-syntax",
                        f"invalid value {node.value!r}: {exc}",
                        self._loc(node),
                        "quote it to make it text",
                    )
                ]
            ) from None

    def _entries(self, node: MappingNode) -> Iterator[tuple[Node, Node, bool]]:
        """Yield (key, value, merged) pairs, expanding ``<<`` merge keys after explicit keys."""
        merged: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                for source in sources:
                    if not isinstance(source, MappingNode):
                        raise self._fail(source, "a merge key `<<` must refer to a mapping")
                    merged.extend(source.value)
            else:
                yield key_node, value_node, False
        for key_node, value_node in merged:
            yield key_node, value_node, True

    def _mapping(self, node: MappingNode, path: DocPath, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_seen: dict[Any, Location] = {}
        for key_node, value_node, merged in self._entries(node):
            if not isinstance(key_node, ScalarNode):
                raise LoadError(
                    [
                        _finding(
                            "PF002",
                            "yaml-syntax",
                            "a key must be a plain value, not a list or mapping",
                            self._loc(key_node),
                        )
                    ]
                )
            key = self._scalar(key_node)
            try:
                hash(key)
            except TypeError:
                raise self._fail(key_node, "unhashable mapping key") from None
            if key in result:
                if merged:
                    continue  # explicit keys override merged ones, as YAML specifies
                first = first_seen[key]
                self.doc.findings.append(
                    _finding(
                        "PF003",
                        "duplicate-key",
                        f"duplicate key {key!r} (first defined at line {first.line})",
                        self._loc(key_node),
                        "remove one of them or give it another name; YAML would silently "
                        "keep only the last",
                    )
                )
                continue
            child = (*path, key)
            first_seen[key] = self._loc(key_node)
            self.doc.key_locations[child] = self._loc(key_node)
            result[key] = self.build(value_node, child, depth + 1)
        return result


# --------------------------------------------------------------------------- inside a scalar

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
_Mark = tuple[int, int]


class _Lost(Exception):
    """The source does not read as the scanner read it; give up on precision."""


class _Scan:
    """Re-reads one scalar's source the way PyYAML's scanner does (``yaml/scanner.py``),
    noting for each character of the value where in the file it comes from.

    Only positions are computed; the text is checked against the loaded value at
    the end, so any disagreement falls back to the value's start, never to a wrong
    column.
    """

    def __init__(self, text: str, index: int, start: _Mark) -> None:
        self.text = text
        self.index = index
        self.line, self.column = start
        self.chars: list[str] = []
        self.starts: list[_Mark] = []
        self.ends: list[_Mark] = []

    def peek(self, ahead: int = 0) -> str:
        i = self.index + ahead
        return self.text[i] if i < len(self.text) else "\0"

    def mark(self) -> _Mark:
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

    def emit(self, chars: str, start: _Mark, end: _Mark) -> None:
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

    def line_break(self) -> tuple[str, _Mark]:
        """Consume a line break: what it reads as, and where it is (the end of its line)."""
        where, ch = self.mark(), self.peek()
        if ch in "\r\n\x85":
            self.forward(2 if self.text.startswith("\r\n", self.index) else 1)
            return "\n", where
        if ch in "\u2028\u2029":
            self.forward()
            return ch, where
        return "", where

    def emit_breaks(self, breaks: list[tuple[str, _Mark]]) -> None:
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

    def fold(self, line_break: tuple[str, _Mark], breaks: list[tuple[str, _Mark]]) -> None:
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
                breaks: list[tuple[str, _Mark]] = []
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

    def quoted_breaks(self) -> list[tuple[str, _Mark]]:
        breaks: list[tuple[str, _Mark]] = []
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
            breaks: list[tuple[str, _Mark]] = []
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

    def block_breaks(self, indent: int) -> list[tuple[str, _Mark]]:
        breaks: list[tuple[str, _Mark]] = []
        while self.column < indent and self.peek() == " ":
            self.forward()
        while self.peek() in _BREAKS:
            breaks.append(self.line_break())
            while self.column < indent and self.peek() == " ":
                self.forward()
        return breaks


_LINE_END = re.compile("\r(?!\n)|[\n\x85\u2028\u2029]")


def _index_of(text: str, start: _Mark) -> int | None:
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


def _offset_mark(text: str, start: _Mark, value: str, offset: int) -> _Mark | None:
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
