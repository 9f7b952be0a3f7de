"""Scenarios: a named change set over a base process, and sweeps over many of them.

A PM proposing "raise the QC sample to 20% and hire three reviewers" writes::

    scenario: qc-sample-20pct-plus-3-reviewers
    base: ../processes/image_moderation_qc.yaml
    changes:
      stages.sample_for_qc.next[1].probability: 0.20
      resources.qc_reviewer.count: 12

``changes`` maps paths (keys joined by dots, list positions in brackets, keys
with dots or spaces in quotes: ``stages["v1.2 review"].duration``) to new
values; a path to a key that does not exist yet adds it (a new stage or pool),
and ``remove`` deletes paths. ``settings`` overrides run settings, and
``sweep`` turns the scenario into a grid of them.

Applying a scenario gives a process again, validated and linted like any other,
with every value located in the file it came from: the base for what is
unchanged, the scenario for what it changed.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import itertools
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError

from procflow.diagnostics import Finding, LoadError, Location
from procflow.diagnostics.checks import (
    INVALID_VALUE,
    UNKNOWN_BASE,
    UNKNOWN_CHANGE_PATH,
    UNREADABLE_FILE,
)
from procflow.diagnostics.suggest import did_you_mean
from procflow.model.process import Process
from procflow.model.settings import RunOverrides
from procflow.model.validation import translate_errors, validate_process
from procflow.source import DocPath, Document, load_document

_SEGMENT = re.compile(
    r"""\s*(?:
        (?P<name>[^.\[\]"'\s]+)
      | \[\s*(?P<index>-?\d+)\s*\]
      | \[\s*(?P<q>["'])(?P<quoted>.*?)(?P=q)\s*\]
    )""",
    re.VERBOSE,
)
MAX_SWEEP_POINTS = 10_000
#: The most digits of a list position in a change path (``next[1]``): longer is past any list.
MAX_INDEX_DIGITS = 9
#: Sweep values checked when a scenario loads (each is a validation of the process).
MAX_CHECKED_VALUES = 50


class PathError(ValueError):
    """A change path that cannot be parsed."""


def parse_path(text: str) -> DocPath:
    """``stages.sample_for_qc.next[1].probability`` -> ``("stages", "sample_for_qc", "next", 1,
    "probability")``."""
    parts: list[Any] = []
    position = 0
    text = str(text)
    while position < len(text):
        if parts and text[position] == ".":
            position += 1
        match = _SEGMENT.match(text, position)
        if not match or match.end() == position:
            raise PathError(f"cannot read the path {text!r} at character {position + 1}")
        if match["name"] is not None:
            parts.append(match["name"])
        elif match["index"] is not None:
            if len(match["index"].lstrip("-")) > MAX_INDEX_DIGITS:
                raise PathError(
                    f"list position {match['index'][:12]}... of the path is past the end "
                    "of any list"
                )
            parts.append(int(match["index"]))
        else:
            parts.append(match["quoted"])
        position = match.end()
    if not parts:
        raise PathError("empty path")
    return tuple(parts)


class Range(BaseModel):
    """``{from: 40, to: 48, step: 2}``: both ends included."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    start: float = Field(alias="from", description="The first value of the range.")
    stop: float = Field(alias="to", description="The last value of the range (included).")
    step: float = Field(default=1, gt=0, description="The step between the values.")

    def values(self) -> list[float | int]:
        """The values of the range, as whole numbers where they are whole."""
        out: list[float | int] = []
        k = 0
        while (value := self.start + k * self.step) <= self.stop + 1e-9:
            out.append(int(value) if float(value).is_integer() else round(value, 10))
            k += 1
            if k > MAX_SWEEP_POINTS:
                break
        return out


def _sweep_kind(value: Any) -> str | None:
    if isinstance(value, dict | Range):
        return "range"
    return "list" if isinstance(value, list) else None


#: A sweep axis: a list of values, or a range ``{from, to, step}``.
SweepValues = Annotated[
    Annotated[list[Any], Tag("list")] | Annotated[Range, Tag("range")],
    Discriminator(
        _sweep_kind,
        custom_error_type="sweep",
        custom_error_message="a sweep axis is a list of values or {from, to, step}",
    ),
    Field(description="The values this path takes: a list, or a range {from, to, step}."),
]


class ScenarioFile(BaseModel):
    """The shape of a scenario file."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="procflow scenario")
    scenario: str = Field(
        min_length=1, description="The name of the scenario, shown in every report."
    )
    base: str = Field(description="The base process file, relative to the scenario file.")
    description: str = Field(
        default="", description="Free text: what the scenario proposes, for the reports."
    )
    changes: dict[str, Any] = Field(
        default_factory=dict,
        description="Paths of the base process with their new values, applied in the order "
        "written: resources.qc_reviewer.count: 12.",
    )
    remove: list[str] = Field(
        default_factory=list,
        description="Paths of the base process to delete, applied after changes.",
    )
    settings: RunOverrides = Field(
        default_factory=RunOverrides, description="Run settings (the command line wins)."
    )
    sweep: dict[str, SweepValues] | None = Field(
        default=None,
        description="Paths with the values each takes: a grid of scenarios, one per combination.",
    )


@dataclass
class Scenario:
    """A scenario file, applied: the changed process plus what the file asked for."""

    name: str
    description: str
    path: str
    base_path: str
    process: Process
    changes: dict[str, Any]
    settings: RunOverrides
    #: path text -> values, in the order written
    sweep: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def point_count(self) -> int:
        """How many points :meth:`points` gives, counted without building them."""
        return math.prod(len(values) for values in self.sweep.values())

    def points(self) -> list[dict[str, Any]]:
        """Every combination of the sweep's values (one empty point without a sweep)."""
        if not self.sweep:
            return [{}]
        keys = list(self.sweep)
        return [
            dict(zip(keys, combo, strict=True))
            for combo in itertools.product(*(self.sweep[k] for k in keys))
        ]


def is_scenario(data: Any) -> bool:
    """Whether loaded YAML data is a scenario file (it has a top-level ``scenario`` key)."""
    return isinstance(data, dict) and "scenario" in data


def load_scenario(path: str | Path) -> Scenario:
    """Load a scenario file and apply it to its base; raise :class:`LoadError` on any problem."""
    doc = load_document(path)
    return scenario_from_document(doc)


def load_any(path: str | Path) -> tuple[Process, Scenario | None]:
    """A process file as it is, or a scenario file applied to its base (with the scenario).

    Raises :class:`LoadError` with located findings for either.
    """
    doc = load_document(path)
    if is_scenario(doc.data):
        scenario = scenario_from_document(doc)
        return scenario.process, scenario
    return validate_process(doc), None


def scenario_from_document(doc: Document) -> Scenario:
    """Apply a loaded scenario document to its base process."""
    try:
        spec = ScenarioFile.model_validate(doc.data)
    except ValidationError as exc:
        raise LoadError([*doc.findings, *translate_errors(exc, doc, ScenarioFile)]) from None
    base_path = Path(os.path.relpath((Path(doc.path).parent / spec.base).resolve()))
    try:
        base = load_document(base_path)
    except LoadError as exc:
        if exc.findings and exc.findings[0].code == UNREADABLE_FILE.code:
            raise LoadError(
                [
                    UNKNOWN_BASE.finding(
                        f"base process {spec.base!r} cannot be read: {exc.findings[0].message}",
                        doc.locate(("base",)),
                        "base is a path relative to the scenario file",
                    )
                ]
            ) from None
        raise
    validate_process(base)  # a base broken by itself is reported in its own file
    merged = apply(base, spec.changes, spec.remove, doc)
    try:
        process = validate_process(merged, base_dir=base_path.parent)
    except LoadError as exc:
        raise LoadError([seen_from(doc, f) for f in exc.findings]) from None
    sweep: dict[str, list[Any]] = {}
    findings: list[Finding] = []
    for text, values in (spec.sweep or {}).items():
        where = doc.locate(("sweep", text), key=True)
        try:
            parse_path(text)
        except PathError as exc:
            findings.append(UNKNOWN_CHANGE_PATH.finding(str(exc), where))
            continue
        listed = values.values() if isinstance(values, Range) else list(values)
        if not listed:
            findings.append(INVALID_VALUE.finding("a sweep needs values", where))
        for value in listed[:MAX_CHECKED_VALUES]:
            try:
                with_changes(process, {text: value})
            except LoadError as exc:
                first = exc.findings[0]
                findings.append(
                    dataclasses.replace(
                        first, message=f"sweep {text} = {value!r}: {first.message}", location=where
                    )
                )
                break
        sweep[text] = listed
    if findings:
        raise LoadError(findings)
    scenario = Scenario(
        spec.scenario,
        spec.description,
        doc.path,
        str(base_path),
        process,
        dict(spec.changes),
        spec.settings,
        sweep,
    )
    if scenario.point_count > MAX_SWEEP_POINTS:
        raise LoadError(
            [
                INVALID_VALUE.finding(
                    f"the sweep has {scenario.point_count:,} points; the limit is "
                    f"{MAX_SWEEP_POINTS:,}",
                    doc.locate(("sweep",), key=True),
                )
            ]
        )
    return scenario


def apply(
    base: Document,
    changes: dict[str, Any],
    remove: list[str],
    scenario: Document | None = None,
) -> Document:
    """A new document: ``base`` with ``changes`` set and ``remove`` deleted, locations merged.

    Raises :class:`LoadError` (PF601) for paths that do not exist or cannot be parsed.
    """
    data = copy.deepcopy(base.data)
    keys = dict(base.key_locations)
    values = dict(base.value_locations)
    findings: list[Finding] = []
    source = scenario if scenario is not None else base

    def where(prefix: tuple[Any, ...], key: bool = True) -> Location:
        return source.locate(prefix, key=key)

    for text, value in changes.items():
        try:
            path = parse_path(text)
            parent = _walk(data, path[:-1])
            _set(parent, path[-1], copy.deepcopy(value))
        except (PathError, _Missing) as exc:
            findings.append(_missing(exc, text, where(("changes", text))))
            continue
        _drop(keys, path)
        _drop(values, path)
        keys[path] = where(("changes", text))
        for sub, location in source.value_locations.items():
            if sub[:2] == ("changes", text):
                values[path + sub[2:]] = location
        for sub, location in source.key_locations.items():
            if sub[:2] == ("changes", text) and len(sub) > 2:
                keys[path + sub[2:]] = location
    for index, text in enumerate(remove):
        try:
            path = parse_path(text)
            parent = _walk(data, path[:-1])
            _delete(parent, path[-1])
        except (PathError, _Missing) as exc:
            findings.append(_missing(exc, text, where(("remove", index), key=False)))
            continue
        _drop(keys, path)
        _drop(values, path)
    if findings:
        raise LoadError(findings)
    return Document(
        path=source.path,
        data=data,
        key_locations=keys,
        value_locations=values,
        suppressions=base.suppressions,
        findings=list(source.findings),
        text=source.text,
    )


class _Missing(Exception):
    def __init__(self, message: str, choices: list[str]) -> None:
        super().__init__(message)
        self.choices = choices


def _missing(exc: Exception, text: str, location: Location) -> Finding:
    hint = None
    if isinstance(exc, _Missing) and exc.choices:
        last = str(exc).split("'")[1] if "'" in str(exc) else ""
        hint = did_you_mean(last, exc.choices) or "exists: " + ", ".join(exc.choices[:8])
    path = text if len(text) <= 80 else text[:77] + "..."
    return UNKNOWN_CHANGE_PATH.finding(f"{path}: {exc}", location, hint)


def _walk(data: Any, path: DocPath) -> Any:
    node = data
    for step in path:
        if isinstance(node, dict):
            if step not in node:
                raise _Missing(f"there is no {step!r} here", [str(k) for k in node])
            node = node[step]
        elif isinstance(node, list):
            if not isinstance(step, int) or not -len(node) <= step < len(node):
                raise _Missing(f"there is no position [{step}] in a list of {len(node)}", [])
            node = node[step]
        else:
            raise _Missing(f"{step!r} is inside a single value", [])
    return node


def _set(parent: Any, step: Any, value: Any) -> None:
    if isinstance(parent, dict) or (
        isinstance(parent, list) and isinstance(step, int) and -len(parent) <= step < len(parent)
    ):
        parent[step] = value
    elif isinstance(parent, list):
        raise _Missing(f"there is no position [{step}] in a list of {len(parent)}", [])
    else:
        raise _Missing(f"{step!r} is inside a single value", [])


def _delete(parent: Any, step: Any) -> None:
    if (isinstance(parent, dict) and step in parent) or (
        isinstance(parent, list) and isinstance(step, int) and -len(parent) <= step < len(parent)
    ):
        del parent[step]
    else:
        choices = [str(k) for k in parent] if isinstance(parent, dict) else []
        raise _Missing(f"there is no {step!r} to remove", choices)


def _drop(locations: dict[DocPath, Location], path: DocPath) -> None:
    for known in [p for p in locations if p[: len(path)] == path]:
        del locations[known]


def with_changes(process: Process, changes: dict[str, Any]) -> Process:
    """The process with more changes applied (a sweep point); raises :class:`LoadError`."""
    base = process.source
    if base is None:
        raise ValueError("the process has no source document to change")
    merged = apply(base, changes, [])
    return validate_process(merged, base_dir=Path(base.path).parent)


def seen_from(scenario: Document, finding: Finding) -> Finding:
    """A finding located in the base process, as seen from the scenario: at its ``base:`` line.

    The scenario's changes caused it (the base alone is fine, or lint would say
    so there), so the scenario is where the PM looks; the message keeps the place
    in the base.
    """
    if finding.location.file == scenario.path:
        return finding
    return dataclasses.replace(
        finding,
        message=f"{finding.message} (with this scenario's changes; at {finding.location})",
        location=scenario.locate(("base",)),
    )


def at_change(scenario: Document, finding: Finding, touched: Sequence[DocPath] = ()) -> Finding:
    """A finding the scenario's changes bring, located at the change that brings it.

    A finding already in the scenario file stays where it is. Otherwise the change
    (or sweep, or removal) whose path lies on (or above) one of the ``touched`` paths
    of the base (the route where the fix belongs, then the stages of the offending
    path, or a pool: the first that a change touches wins) is where the PM looks; else
    the first change. The message keeps the place in the base.
    """
    if finding.location.file == scenario.path:
        return finding
    data = scenario.data
    written: list[tuple[str, Location]] = [
        *(
            (text, scenario.locate(("changes", text), key=True))
            for text in data.get("changes") or {}
        ),
        *((text, scenario.locate(("sweep", text), key=True)) for text in data.get("sweep") or {}),
        *(
            (text, scenario.locate(("remove", k)))
            for k, text in enumerate(data.get("remove") or [])
        ),
    ]
    if not written:
        return seen_from(scenario, finding)
    parsed: list[tuple[DocPath, Location]] = []
    for text, location in written:
        with contextlib.suppress(PathError):
            parsed.append((parse_path(text), location))
    related = [
        location
        for place in map(tuple, touched)  # the first of touched is the likeliest
        for path, location in parsed
        if path[: len(place)] == place or place[: len(path)] == path
    ]
    where = related[0] if related else written[0][1]
    return dataclasses.replace(
        finding,
        message=f"{finding.message} (with this scenario's changes; at {finding.location})",
        location=where,
    )
