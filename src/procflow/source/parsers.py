"""Which YAML parser reads a file: libyaml's C parser when it is installed, PyYAML's own otherwise.

Both read the scalars of YAML 1.2, not 1.1: only ``true`` and ``false`` (in any
capitalisation) are yes/no values, so a market code ``NO`` and a word like ``off`` stay
text, and there are no base-60 numbers, so ``14:00`` stays a time of day.

The C parser is three to seven times faster and gives the same nodes at the same lines and
columns. PyYAML's words and places are the ones :mod:`~procflow.source.syntax` explains,
so a text the C parser refuses is read again by the pure-Python parser to report the
error. So is a text where the two would differ: one with a tab (libyaml allows some that
PyYAML refuses, with a hint), with a byte-order mark after its start (libyaml counts it
as a column), with a value left out (``{a: }``, ``key:`` at the end: placed
differently) or with a ``?`` in text inside brackets (``[a?]``, which PyYAML refuses).

Nesting is bounded before the node tree is built (the pure-Python composer recurses
once per level, and about 500 levels of brackets would exhaust Python's stack): the C
parser's events are counted before composing, the pure-Python composer counts as it goes.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import Node

from procflow.diagnostics import LoadError, Location
from procflow.source.guards import MAX_DEPTH, too_deep

_YAML11_ONLY = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_RESOLVERS: list[tuple[str, re.Pattern[str], list[str]]] = [
    (
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    ),
    (
        "tag:yaml.org,2002:int",
        re.compile(
            r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"
        ),
        list("-+0123456789"),
    ),
    (
        "tag:yaml.org,2002:float",
        re.compile(
            r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
            r"|\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+0123456789."),
    ),
]


def _yaml12(loader: Any) -> None:
    """Give a loader class YAML 1.2's implicit scalars in place of YAML 1.1's."""
    loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in _YAML11_ONLY]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    for tag, pattern, first in _RESOLVERS:
        loader.add_implicit_resolver(tag, pattern, first)


class PythonLoader(yaml.SafeLoader):
    """PyYAML's pure-Python safe loader with YAML 1.2 scalars and the nesting limit."""

    def __init__(self, stream: str, name: str = "<text>") -> None:
        super().__init__(stream)
        self.file = name
        self.depth = -1

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise _too_deep(self.file, event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_yaml12(PythonLoader)

#: libyaml's loader with YAML 1.2 scalars, or None where PyYAML was built without it.
C_LOADER: type[Any] | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):
        """libyaml's safe loader with YAML 1.2 scalars."""

    _yaml12(_CLoader)
    C_LOADER = _CLoader


class _Unlike(Exception):
    """The C parser would place something where PyYAML does not: let PyYAML read it."""


def compose(text: str, name: str) -> list[Node]:
    """The node trees of every YAML document in ``text``, read on behalf of file ``name``.

    Raises :class:`LoadError` (``PF004``) past :data:`MAX_DEPTH` levels of nesting, and
    PyYAML's :class:`yaml.YAMLError` when the text is not YAML.
    """
    # PyYAML refuses tabs where libyaml allows them, and counts no column for a BOM.
    if C_LOADER is not None and "\t" not in text and "\ufeff" not in text[1:]:
        try:
            return _compose_c(C_LOADER, text, name)
        except (yaml.YAMLError, UnicodeEncodeError, _Unlike):
            pass  # read it again below, for PyYAML's message, place and hint
    return _nodes(PythonLoader(text, name))


def _compose_c(loader_class: type[Any], text: str, name: str) -> list[Node]:
    """Check the C parser's events (nesting, and where the two parsers differ), then let it
    compose the nodes."""
    events = loader_class(text)
    try:
        flow: list[bool] = []  # for each open list or mapping: is it written in brackets?
        while events.check_event():
            event = events.get_event()
            if isinstance(event, CollectionEndEvent):
                flow.pop()
                continue
            if not isinstance(event, ScalarEvent | AliasEvent | CollectionStartEvent):
                continue
            if len(flow) > MAX_DEPTH:
                raise _too_deep(name, event.start_mark)
            if isinstance(event, CollectionStartEvent):
                flow.append(bool(event.flow_style))
            elif isinstance(event, ScalarEvent) and not event.style and _unlike(event, flow):
                raise _Unlike
    finally:
        events.dispose()
    return _nodes(loader_class(text))


def _nodes(loader: Any) -> list[Node]:
    """Compose every document with ``loader``, then release it."""
    try:
        nodes = []
        while loader.check_node():
            nodes.append(loader.get_node())
        return nodes
    finally:
        loader.dispose()


def _unlike(event: ScalarEvent, flow: list[bool]) -> bool:
    """Whether PyYAML reads this plain scalar otherwise: a missing value (``{a: }``,
    ``? a``), which libyaml may place at the next token and PyYAML right after the key,
    or a ``?`` inside brackets (``[a?]``), which PyYAML refuses."""
    return event.value == "" or (bool(flow) and flow[-1] and "?" in event.value)


def _too_deep(name: str, mark: Any) -> LoadError:
    return too_deep(Location(name, mark.line + 1, mark.column + 1))
