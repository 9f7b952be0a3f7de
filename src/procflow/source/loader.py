"""Reading a user's YAML file into a :class:`Document`: plain data with a source map.

A process file is small, hand-written and reviewed in pull requests, so procflow
is strict where PyYAML is lenient: a key written twice is an error (PyYAML
silently keeps the last, and a stage defined twice is a real SOP bug), ``NO``
and ``off`` stay text and ``14:00`` stays a time of day (YAML 1.2, not 1.1), a
file holds one process, and hostile input fails fast with one clear line (see
:mod:`procflow.source.guards`). The text is parsed by :mod:`procflow.source.parsers`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from procflow.diagnostics import LoadError, Location
from procflow.diagnostics.checks import DUPLICATE_KEY, EMPTY_FILE, YAML_SYNTAX
from procflow.source.document import DocPath, Document
from procflow.source.guards import NodeGuard, check_size, read_text, unsafe
from procflow.source.parsers import PythonLoader, compose
from procflow.source.suppressions import listed_codes, suppressions
from procflow.source.syntax import SyntaxProblem, syntax_hint

_MERGE_TAG = "tag:yaml.org,2002:merge"


def load_document(path: str | Path, text: str | None = None) -> Document:
    """Load one YAML file (or ``text`` on its behalf) into a :class:`Document`.

    Raises :class:`LoadError` when the file cannot be read or parsed at all;
    duplicate keys are collected in ``Document.findings`` instead, so that the
    rest of the file can still be checked and every problem reported at once.
    """
    name = str(path)
    if text is None:
        text = read_text(path)
    check_size(text, name)
    if not text.strip() or _only_comments(text):
        raise LoadError(
            [
                EMPTY_FILE.finding(
                    "file is empty",
                    Location.of_file(name),
                    "start from an example in processes/, or see docs/format.md",
                )
            ]
        )
    try:
        nodes = compose(text, name)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(name, mark.line + 1, mark.column + 1) if mark else Location.of_file(name)
        problem = exc.problem or exc.context or "invalid YAML"
        opened = exc.context_mark
        hint = syntax_hint(
            text,
            SyntaxProblem(
                problem,
                where.line,
                where.col,
                exc.context,
                opened.line + 1 if opened else None,
                opened.column + 1 if opened else None,
            ),
        )
        raise LoadError(
            [YAML_SYNTAX.finding(f"YAML syntax error: {problem}", where, hint)]
        ) from None
    except yaml.YAMLError as exc:
        raise LoadError(
            [YAML_SYNTAX.finding(f"YAML error: {exc}", Location.of_file(name))]
        ) from None
    nodes = [n for n in nodes if n is not None and not _is_blank(n)]
    if not nodes:
        raise LoadError([EMPTY_FILE.finding("file is empty", Location.of_file(name))])
    if len(nodes) > 1:
        second = nodes[1].start_mark
        raise LoadError(
            [
                YAML_SYNTAX.finding(
                    "file holds several YAML documents; write one process per file",
                    Location(name, second.line + 1, second.column + 1),
                )
            ]
        )
    doc = Document(
        path=name,
        data=None,
        suppressions=suppressions(text),
        suppression_codes=listed_codes(name, text),
        text=text,
    )
    builder = _Builder(doc)
    doc.data = builder.build(nodes[0], (), 0)
    return doc


def _is_blank(node: Node) -> bool:
    """A document with only a marker (``---``) composes to an empty plain null scalar
    (plain: no style, which PyYAML writes None and libyaml '')."""
    return isinstance(node, ScalarNode) and node.value == "" and not node.style


def _only_comments(text: str) -> bool:
    return all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines())


class _Builder:
    """Turns a composed node tree into plain data, filling the document's source map."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.constructor = PythonLoader("")
        self.guard = NodeGuard()

    def _loc(self, node: Node) -> Location:
        return Location(self.doc.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: Node, path: DocPath, depth: int) -> Any:
        where = self._loc(node)
        self.guard.visit(where, depth)
        self.doc.value_locations.setdefault(path, where)
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        self.guard.enter(node, where)
        try:
            if isinstance(node, SequenceNode):
                return [
                    self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)
                ]
            if isinstance(node, MappingNode):
                return self._mapping(node, path, depth)
        finally:
            self.guard.leave(node)
        raise unsafe(where, f"unsupported YAML node {type(node).__name__}")

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
                    YAML_SYNTAX.finding(
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
                        raise unsafe(self._loc(source), "a merge key `<<` must refer to a mapping")
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
                        YAML_SYNTAX.finding(
                            "a key must be a plain value, not a list or mapping",
                            self._loc(key_node),
                        )
                    ]
                )
            key = self._scalar(key_node)
            try:
                hash(key)
            except TypeError:
                raise unsafe(self._loc(key_node), "unhashable mapping key") from None
            if key in result:
                if merged:
                    continue  # explicit keys override merged ones, as YAML specifies
                first = first_seen[key]
                self.doc.findings.append(
                    DUPLICATE_KEY.finding(
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
