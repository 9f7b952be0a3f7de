"""What still loads of a file that does not: a best-effort process, so lint can check the rest.

A PM who writes ``count: nine`` and, forty lines further, ``next: sample_for_q`` should
hear about both in one run. The file cannot become a :class:`Process` as written, so
this module builds one from a copy of its data with the broken parts *neutralised*:

- an unknown key is read as the key it misspells (``duraton`` as ``duration``), as the
  hint says, or dropped if it is like none;
- a value that fails, or a required key that is missing, gets a neutral placeholder
  of a kind that loads (``1`` for a head count, ``0.5`` for a rate or a share, ``1 min``
  for a time or a name); an optional one that still fails is dropped;
- an element whose keys contradict each other (an end stage with a ``next``) gets a
  placeholder for the key it lacks, or loses one of its keys, so that it keeps its name
  and the routes to it still resolve.

If that is not enough (the file is not a mapping, an error sits above every element),
there is no salvage and only the load errors are reported. The placeholders are not the
user's numbers, so a :class:`Salvage` records what it neutralised: lint leaves out the
findings located in those parts, and the findings that depend on numbers or on the
shape of the flow when placeholders changed them (see :meth:`Salvage.touched`).
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from pydantic import ValidationError

from procflow.diagnostics import Location
from procflow.diagnostics.suggest import closest
from procflow.model.paths import doc_path, known_keys
from procflow.model.process import Process
from procflow.model.validation import validation_context
from procflow.source import DocPath, Document

#: Values tried, in order, where a value failed or is missing: the first that loads stays.
PLACEHOLDERS: tuple[Any, ...] = (0.5, 1, "1 min", True, [], {})
#: Keys that shape the flow (routes, who does the work): neutralising one changes it.
STRUCTURE_KEYS = frozenset(
    {"next", "to", "when", "probability", "split", "join", "on_defect", "escalate_to"}
    | {"end", "resource", "skill", "skill_from", "skills", "teams", "detection_rate"}
)
#: Validations tried at most, so that a file broken everywhere costs little.
MAX_TRIALS = 2_000

#: What a placeholder can change: the numbers of a process, or its structure.
Touched = Literal["numbers", "structure"]


@dataclass(frozen=True)
class Salvage:
    """A process built from a file that failed to load, and the parts that are not its own."""

    process: Process
    #: paths of the user's data that were dropped or replaced by a placeholder
    neutralised: tuple[DocPath, ...]

    def touched(self) -> set[Touched]:
        """What the placeholders may have changed: ``numbers`` whenever anything was
        replaced, ``structure`` if a route, a pool name or a whole element was."""
        found: set[Touched] = {"numbers"} if self.neutralised else set()
        for path in self.neutralised:
            if len(path) <= 2 or STRUCTURE_KEYS.intersection(map(str, path)):
                found.add("structure")
        return found

    def covers(self, location: Location) -> bool:
        """Whether ``location`` is inside a neutralised part of the file (its key or any
        key or value below it), or where a placeholder for a missing key would be."""
        return location in self._locations

    @cached_property
    def _locations(self) -> set[Location]:
        doc = self.process.source
        assert doc is not None
        found: set[Location] = set()
        for path in self.neutralised:
            found |= {doc.locate(path), doc.locate(path, key=True)}
            for table in (doc.key_locations, doc.value_locations):
                found |= {where for p, where in table.items() if p[: len(path)] == path}
        return found


def salvage_process(doc: Document) -> Salvage | None:
    """The best-effort process of a document that fails validation, or ``None``."""
    if not isinstance(doc.data, dict):
        return None
    attempt = _Attempt(doc, copy.deepcopy(doc.data))
    try:
        while errors := attempt.errors():
            if not attempt.neutralise(*errors[0]):
                return None
    except _OutOfTrials:
        return None
    process = Process.model_validate(attempt.data, context=attempt.context)
    process._source = _renamed(doc, attempt.renamed)
    return Salvage(process, tuple(attempt.neutralised))


class _OutOfTrials(Exception):
    """More validations than :data:`MAX_TRIALS`: the file is broken nearly everywhere."""


class _Attempt:
    """The data being repaired, what was neutralised, and the validations it took."""

    def __init__(self, doc: Document, data: dict[str, Any]) -> None:
        self.data = data
        self.context = validation_context(doc)
        self.neutralised: list[DocPath] = []
        #: keys read as the known key they misspell: the path read -> the path written
        self.renamed: dict[DocPath, DocPath] = {}
        self.trials = 0

    def errors(self) -> list[tuple[DocPath, str]]:
        """The path and kind of every validation error (none: the data loads)."""
        self.trials += 1
        if self.trials > MAX_TRIALS:
            raise _OutOfTrials
        try:
            Process.model_validate(self.data, context=self.context)
        except ValidationError as exc:
            return [(doc_path(e["loc"], self.data), e["type"]) for e in exc.errors()]
        return []

    def clean_at(self, path: DocPath, *, parent: bool = False) -> bool:
        """Whether no error is left at ``path`` or below it (nor at its parent itself)."""
        return not any(
            p[: len(path)] == path or (parent and p == path[:-1]) for p, _ in self.errors()
        )

    def neutralise(self, path: DocPath, kind: str) -> bool:
        """Make the error of ``kind`` at ``path`` go away; ``False`` if nothing did."""
        if not path:
            return False
        if kind == "extra_forbidden":
            return self._rename(path)
        for at in (path[:end] for end in range(len(path), 0, -1)):  # up to the top
            node = _at(self.data, at)
            if len(at) == 1 and isinstance(node, dict | list):
                return False  # a whole section (stages, resources...) is never replaced
            if isinstance(node, dict) and self._mend(at):
                return True
            # an element (a stage, a pool) is replaced, never dropped: routes name it
            if self._replace(at, at) or (len(at) != 2 and self._drop(at, at)):
                return True
        return False

    def _rename(self, path: DocPath) -> bool:
        """An unknown key is read as the known key it misspells (``duraton``), if that one
        is not written too; else it is dropped, as meaningless."""
        parent, key = _node(self.data, path[:-1]), path[-1]
        meant = closest(str(key), known_keys(Process, path[:-1]))
        written = dict(parent)
        if meant is not None and meant not in parent:
            _rekey(parent, {k: meant if k == key else k for k in written}, written)
            if self.clean_at((*path[:-1], meant)):
                self.renamed[(*path[:-1], meant)] = path
                return True
            _rekey(parent, {k: k for k in written}, written)
        del parent[key]
        self.neutralised.append(path)
        return True

    def _replace(self, path: DocPath, check: DocPath) -> bool:
        """Put at ``path`` the first placeholder that leaves ``check`` without errors."""
        parent, key = _node(self.data, path[:-1]), path[-1]
        missing = object()
        if isinstance(parent, dict):
            before = parent.get(key, missing)
        elif isinstance(parent, list) and isinstance(key, int) and 0 <= key < len(parent):
            before = parent[key]
        else:
            return False
        for value in PLACEHOLDERS:
            parent[key] = copy.deepcopy(value)
            if self.clean_at(check):
                self.neutralised.append(path)
                return True
        if before is missing:
            del parent[key]
        else:
            parent[key] = before
        return False

    def _drop(self, path: DocPath, check: DocPath) -> bool:
        """Remove the key at ``path`` if that leaves ``check`` without errors (list items
        stay: their indices are where the rest of the list is written)."""
        parent, key = _node(self.data, path[:-1]), path[-1]
        if not isinstance(parent, dict) or key not in parent:
            return False
        value = parent.pop(key)
        if self.clean_at(check, parent=check == path):
            self.neutralised.append(path)
            return True
        parent[key] = value
        return False

    def _mend(self, path: DocPath) -> bool:
        """An element whose keys contradict each other: add a key it lacks, or drop one."""
        element = _node(self.data, path)
        absent = [k for k in known_keys(Process, path) if k not in element]
        return any(self._replace((*path, k), path) for k in absent) or any(
            self._drop((*path, k), path) for k in list(element)
        )


def _rekey(parent: dict[Any, Any], names: dict[Any, Any], values: dict[Any, Any]) -> None:
    """Give the keys of ``parent`` new ``names``, in the order they are written."""
    parent.clear()
    parent.update((names[k], v) for k, v in values.items())


def _renamed(doc: Document, renamed: dict[DocPath, DocPath]) -> Document:
    """``doc`` with its source map also under the names its misspelt keys were read as."""
    maps = (dict(doc.key_locations), dict(doc.value_locations))
    for read, written in renamed.items():
        for table in maps:
            table |= {
                (*read, *p[len(written) :]): where
                for p, where in list(table.items())
                if p[: len(written)] == written
            }
    return dataclasses.replace(doc, key_locations=maps[0], value_locations=maps[1])


def _node(data: Any, path: DocPath) -> Any:
    for element in path:
        data = data[element]
    return data


def _at(data: Any, path: DocPath) -> Any:
    """The value at ``path``, or ``None`` where it is missing."""
    parent, key = _node(data, path[:-1]), path[-1]
    if isinstance(parent, dict):
        return parent.get(key)
    return parent[key] if isinstance(key, int) and 0 <= key < len(parent) else None
