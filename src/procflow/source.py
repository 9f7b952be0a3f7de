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
_SUPPRESSION = re.compile(r"#\s*procflow:\s*ignore(?:\[(?P<codes>[A-Za-z0-9_,\s-]*)\])?")


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
    """SafeLoader where only true/false are booleans (YAML 1.2), so ``NO`` and ``off`` stay text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
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
            codes = match.group("codes") or ""
            found[number] = frozenset(c.strip() for c in codes.split(",") if c.strip())
    return found


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
