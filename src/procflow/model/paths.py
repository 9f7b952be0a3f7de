"""What the format expects at a place of a user's file: the model's types, read by path.

A path of the user's data (``stages -> label -> duration``) leads through the
models to the type written for it. Two questions are answered from there: which
keys a place allows (for "did you mean" hints on an unknown key), and where a
time was written as a bare number, which the process then reads in its
``time_unit`` (``duration: 4`` is 4 minutes: lint asks whether that was meant).
"""

from __future__ import annotations

from collections.abc import Iterator
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from procflow.model.quantities import InTimeUnit, without_unit
from procflow.source import DocPath


def _candidates(annotation: Any) -> list[Any]:
    """The concrete types an annotation allows (through Annotated, Optional and unions)."""
    if get_origin(annotation) is Annotated:
        return _candidates(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        return [c for arg in get_args(annotation) for c in _candidates(arg)]
    return [annotation]


def _marks(annotation: Any) -> list[InTimeUnit]:
    """The :class:`InTimeUnit` marks of an annotation (through Optional and unions)."""
    if get_origin(annotation) is Annotated:
        args = get_args(annotation)
        own = [m for m in annotation.__metadata__ if isinstance(m, InTimeUnit)]
        return own + _marks(args[0])
    if get_origin(annotation) in (Union, UnionType):
        return [m for arg in get_args(annotation) for m in _marks(arg)]
    return []


def _step(annotation: Any, key: Any) -> list[Any]:
    """The annotations reached from ``annotation`` through ``key`` of the user's data."""
    from procflow.model.distributions import KINDS

    found: list[Any] = []
    for candidate in _candidates(annotation):
        origin = get_origin(candidate)
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            for name, info in candidate.model_fields.items():
                if key in (name, info.alias):
                    # pydantic keeps a field's own Annotated metadata apart: put it back
                    meta = tuple(info.metadata)
                    found.append(Annotated[(info.annotation, *meta)] if meta else info.annotation)
            kind = candidate.model_fields.get("kind")
            if key in KINDS and kind is not None and kind.default == key:
                found.append(candidate)  # {lognormal: {...}}: the parameters of that kind
        elif origin is dict:
            found.append(get_args(candidate)[1])
        elif origin in (list, tuple) and isinstance(key, int):
            found.append(get_args(candidate)[0])
    return found


def known_keys(model: type[BaseModel], path: DocPath) -> list[str]:
    """The keys allowed at ``path`` of the user's data (for did-you-mean hints)."""
    annotations: list[Any] = [model]
    for key in path:
        annotations = [nxt for a in annotations for nxt in _step(a, key)]
    keys: list[str] = []
    for annotation in annotations:
        for candidate in _candidates(annotation):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                keys += [f.alias or n for n, f in candidate.model_fields.items() if n != "kind"]
    return keys


def times_without_unit(
    model: type[BaseModel], data: Any
) -> Iterator[tuple[DocPath, InTimeUnit, float]]:
    """Every time of ``data`` written as a bare number: (path, what it is, the number).

    Only the places marked :class:`InTimeUnit` count (durations, rates, an SLA's
    ``max``, ``escalate_after``); a distribution written ``{kind: {...}}`` is not
    looked into, as its parameters are numbers in ``time_unit`` by design.
    """
    seen: set[DocPath] = set()

    def walk(
        annotations: list[Any], value: Any, path: DocPath
    ) -> Iterator[tuple[DocPath, InTimeUnit, float]]:
        marks = [m for a in annotations for m in _marks(a)]
        if marks:
            number = without_unit(value)
            if number is not None and path not in seen:
                seen.add(path)
                yield path, marks[0], number
            return
        items = (
            value.items()
            if isinstance(value, dict)
            else enumerate(value)
            if isinstance(value, list)
            else ()
        )
        for key, child in items:
            below = [nxt for a in annotations for nxt in _step(a, key)]
            if below:
                yield from walk(below, child, (*path, key))

    yield from walk([model], data, ())


def doc_path(loc: tuple[Any, ...], data: Any) -> DocPath:
    """Map a Pydantic error location onto the path that exists in the user's data.

    Pydantic inserts markers of its own (union member names, validator tags);
    keeping only the elements that index into the data leaves the user's path.
    """
    path: list[Any] = []
    node = data
    for element in loc:
        if (isinstance(node, dict) and element in node) or (
            isinstance(node, list) and isinstance(element, int) and 0 <= element < len(node)
        ):
            path.append(element)
            node = node[element]
        elif (
            isinstance(node, dict)
            and isinstance(element, str)
            and element not in node
            and element is loc[-1]
        ):
            # a missing or extra key: keep it as the last element for the message
            path.append(element)
            node = None
    return tuple(path)
