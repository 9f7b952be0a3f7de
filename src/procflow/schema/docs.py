"""The key reference of docs/format.md, written from the JSON Schema.

Every key a process file, a scenario file or a shift templates file can hold is described
once, in the ``description`` of its Pydantic field (:mod:`procflow.model`,
:mod:`procflow.scenario`).
Editors show that text when you hover a key; this module writes the same text into
docs/format.md, one table row per key: its path (``stages.<stage>.detection_rate``),
its type in a PM's words (a duration such as '4 min', a share from 0 to 1, one of
``cycle_time``/``waiting_time``), its default, and what it means. ::

    python -m procflow.schema.docs            # refresh the block in docs/format.md
    python -m procflow.schema.docs --check    # exit 1 if the committed block is stale

fills the block between the ``key-reference`` markers; ``tests/test_schema.py``
fails while the committed block differs from what this module renders, so a changed
description reaches the docs in the same commit.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from procflow.files import fill_block
from procflow.model.calendar import DAYS_SCHEMA, HOURS_PATTERN
from procflow.model.condition import CONDITION_SCHEMA
from procflow.model.distributions import KINDS
from procflow.model.quantities import (
    DURATION_PATTERN,
    DURATION_SCHEMA,
    RATE_PATTERN,
    TIME_UNIT_PATTERN,
    plain,
)
from procflow.schema import process_schema, scenario_schema, shifts_schema

#: Where the generated reference sits in docs/format.md.
BEGIN = "<!-- key-reference: generated from the schema by procflow.schema.docs; do not edit -->\n"
END = "<!-- /key-reference -->"
DOC = Path("docs/format.md")

#: How the keys of a mapping by name are written in a path, and what the names are.
_NAMES = {
    "resources": ("<pool>", "pool name"),
    "stages": ("<stage>", "stage name"),
    "attributes": ("<attribute>", "attribute name"),
    "changes": ("<path>", "path"),
    "sweep": ("<path>", "path"),
}
_DEFAULT_NAME = ("<name>", "name")

#: The sections of the process reference: a heading and the top-level key they detail.
_PROCESS_SECTIONS = (
    ("Keys: arrival streams", "arrivals"),
    ("Keys: staff pools", "resources"),
    ("Keys: stages", "stages"),
    ("Keys: SLAs", "slas"),
    ("Keys: due dates", "due_dates"),
    ("Keys: truth", "truth"),
)
#: The stage keys by the kind of stage they belong on, in the order of the page.
STAGE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Every stage", ("description",)),
    (
        "Work stages",
        ("resource", "duration", "error_rate", "skill", "skill_from"),
    ),
    ("Work and decision stages: routing and priority", ("next", "priority")),
    ("Escalation (work stages)", ("escalate_after", "escalate_to")),
    (
        "Reviews (stages that catch defects)",
        (
            "detection_rate",
            "on_defect",
            "max_attempts",
            "back_to",
            "sample",
            "false_flag_rate",
        ),
    ),
    ("Lot acceptance sampling (reviews)", ("lots",)),
    ("Decisions (with a process truth)", ("decides", "decision")),
    ("Split and join", ("split", "join")),
    ("Consensus and separation of duties (work stages)", ("consensus", "not_by")),
    ("Gold tasks (work stages)", ("gold",)),
    ("New hires (work stages)", ("new_hires",)),
    ("End stages", ("end",)),
)


@dataclass(frozen=True)
class Key:
    """One row of the reference: a key as a path, its type, its default and its meaning."""

    path: str
    type: str
    default: str
    description: str


def _branches(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives of a node, without ``null`` (a key left out is not a value)."""
    options = node.get("anyOf") or node.get("oneOf")
    if not options:
        return [node]
    return [b for option in options if option != {"type": "null"} for b in _branches(option)]


def _named(node: dict[str, Any]) -> str | None:
    """The PM's word for a value the format defines once (durations, rates, days...)."""
    options = _branches(node)
    patterns = {option.get("pattern") for option in options}
    if DURATION_PATTERN in patterns:
        return "duration such as '4 min'"
    if RATE_PATTERN in patterns:
        return "rate such as '540 per hour'"
    if HOURS_PATTERN in patterns:
        return "hours such as '08:00-16:00'"
    if TIME_UNIT_PATTERN in patterns:
        enum = next(option["enum"] for option in options if "enum" in option)
        return _one_of(enum)
    if (
        node.get("description") == DAYS_SCHEMA["description"]
        or DAYS_SCHEMA in options
        or DAYS_SCHEMA in node.get("anyOf", [])
    ):
        return "days such as 'mon-fri'"
    if CONDITION_SCHEMA in options:
        return "expression such as 'severity == \"high\"'"
    if _distribution_kinds(node):
        return "distribution"
    return None


def _distribution_kinds(node: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The ``{kind: {parameters}}`` choices of a distribution node (none for other nodes)."""
    found = []
    for option in _branches(node):
        required = option.get("required") or []
        if option.get("type") == "object" and len(required) == 1 and required[0] in KINDS:
            found.append((required[0], option))
    return found


def _one_of(values: Sequence[Any]) -> str:
    return "one of " + "/".join(f"`{v}`" for v in values)


_AT_LEAST = {1: "one or more", 2: "two or more"}


def _at_least(noun: str, least: int | None) -> str:
    """``list, one or more``: a noun with the least number of entries, if any."""
    return f"{noun}, {_AT_LEAST.get(least, f'{least} or more')}" if least else noun


def _number(node: dict[str, Any]) -> str:
    """A number or whole number with its bounds: ``share from 0 to 1``, ``whole number above 0``."""
    low, high = node.get("minimum"), node.get("maximum")
    above, below = node.get("exclusiveMinimum"), node.get("exclusiveMaximum")
    if node["type"] == "number" and low == 0 and high == 1:
        return "share from 0 to 1"
    if node["type"] == "number" and low == 0 and below == 1:
        return "share from 0 up to 1 (not 1)"
    noun = "whole number" if node["type"] == "integer" else "number"
    if low is not None and high is not None:
        return f"{noun} from {plain(low)} to {plain(high)}"
    if above is not None:
        return f"{noun} above {plain(above)}"
    if low is not None:
        return f"{noun}, {plain(low)} or more"
    return noun


def _type(node: dict[str, Any], key: str, seen: dict[str, str]) -> str:
    """A node's type in a PM's words; ``key`` names the entries of a mapping by name."""
    named = _named(node)
    if named:
        return named
    options = _branches(node)
    if len(options) > 1:
        return " or ".join(dict.fromkeys(_type(option, key, seen) for option in options))
    (node,) = options
    name = _model_name(node)
    if name is not None:
        return f"mapping (keys as `{seen[name]}`)" if name in seen else "mapping"
    if "enum" in node:
        return _one_of(node["enum"])
    kind = node.get("type")
    if kind in ("number", "integer"):
        return _number(node)
    if kind == "string":
        return "text"
    if kind == "boolean":
        return "`true` or `false`"
    if kind == "array":
        item = _type(node["items"], key, seen) if node.get("items") else "values"
        noun = (
            "list" + item.removeprefix("mapping")
            if item.startswith("mapping")
            else f"list of {item}"
        )
        return _at_least(noun, node.get("minItems"))
    if kind == "object":
        if node.get("additionalProperties") not in (None, False):
            return f"mapping, by {_NAMES.get(key, _DEFAULT_NAME)[1]}"
        return "mapping"
    return "any value"


def _default(node: dict[str, Any], required: bool) -> str:
    if required:
        return "required"
    value = node.get("default")
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float | int):
        return f"`{value:g}`"
    return f"`{value}`"


def _model_name(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


class _Walk:
    """Every key below a schema, in the order of the schema, as :class:`Key` rows."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.definitions: dict[str, Any] = schema.get("definitions", {})
        #: Models already described, with the path of their keys: each is described once.
        self.seen: dict[str, str] = {}
        #: The ``{kind: {parameters}}`` choices of the first distribution met.
        self.distributions: list[tuple[str, dict[str, Any]]] = []

    def keys(self, node: dict[str, Any], prefix: str) -> Iterator[Key]:
        """The rows of the properties of an object node, each followed by its own keys."""
        required = set(node.get("required") or [])
        for key, child in (node.get("properties") or {}).items():
            path = f"{prefix}{key}"
            kind = _type(child, key, self.seen)
            yield Key(path, kind, _default(child, key in required), child.get("description", ""))
            yield from self.below(child, key, path)

    def below(self, node: dict[str, Any], key: str, path: str) -> Iterator[Key]:
        """The keys inside a value: a model, list items, or the values of a mapping by name."""
        if _named(node):
            self.distributions = self.distributions or _distribution_kinds(node)
            return
        for option in _branches(node):
            values = option.get("additionalProperties")
            if option.get("type") == "array" and option.get("items"):
                yield from self.inside(option["items"], f"{path}[]")
            elif isinstance(values, dict):
                entry = f"{path}.{_NAMES.get(key, _DEFAULT_NAME)[0]}"
                if values.get("description"):
                    yield Key(entry, _type(values, "", self.seen), "", values["description"])
                yield from self.below(values, "", entry)
            else:
                yield from self.inside(option, path)

    def inside(self, node: dict[str, Any], path: str) -> Iterator[Key]:
        """The keys of a model (by reference or written inline), the first time it is met."""
        name = _model_name(node)
        if name is not None:
            if name in self.seen:
                return
            self.seen[name] = path
            node = self.definitions[name]
        if "properties" in node:
            yield from self.keys(node, f"{path}.")


def _cell(text: str) -> str:
    """Text for a Markdown table cell: reST ````code```` as Markdown, pipes escaped."""
    return " ".join(text.replace("``", "`").replace("|", "\\|").split())


def _table(keys: Sequence[Key]) -> list[str]:
    lines = ["| Key | Type | Default | What it is |", "|---|---|---|---|"]
    for key in keys:
        lines.append(
            f"| `{key.path}` | {_cell(key.type)} | {key.default} | {_cell(key.description)} |"
        )
    return [*lines, ""]


def _stage_key(path: str) -> str:
    """``stages.<stage>.next[].when`` -> ``next``: the stage key a row belongs to."""
    rest = path.removeprefix("stages.<stage>.")
    return rest.replace("[", ".").split(".")[0]


def _stage_tables(keys: Sequence[Key]) -> list[str]:
    """The stage keys, one table per kind of stage; every key of a stage is in one group."""
    grouped = {name for _, names in STAGE_GROUPS for name in names}
    missing = sorted({_stage_key(k.path) for k in keys} - grouped)
    if missing:
        raise ValueError(f"stage keys without a group in STAGE_GROUPS: {', '.join(missing)}")
    lines: list[str] = []
    for title, names in STAGE_GROUPS:
        rows = [k for k in keys if _stage_key(k.path) in names]
        lines += [f"#### {title}", "", *_table(rows)]
    return lines


def _parameters(kind: str, option: dict[str, Any], seen: dict[str, str]) -> str:
    """The parameters of a distribution kind: names, types but durations, the shorthand."""
    forms = option["properties"][kind]["anyOf"]
    params = forms[0].get("properties", {})
    parts = []
    for name, node in params.items():
        kind_of = _type(node, name, seen)
        text = f"`{name}`" if "duration" in kind_of else f"`{name}` ({kind_of})"
        description = node.get("description", "")
        if description and description != DURATION_SCHEMA["description"]:
            text += f": {description[0].lower()}{description[1:].rstrip('.')}"
        parts.append(text)
    for shorthand in forms[1:]:
        alone = [name for name, node in params.items() if node == shorthand]
        parts.append(f"or `{{{kind}: {f'<{alone[0]}>' if alone else '[<values>]'}}}`")
    return "; ".join(parts)


def _distribution_table(walk: _Walk) -> list[str]:
    lines = ["| Kind | Parameters | Use it when |", "|---|---|---|"]
    for kind, option in walk.distributions:
        parameters = _parameters(kind, option, walk.seen)
        lines.append(f"| `{kind}` | {_cell(parameters)} | {_cell(option['description'])} |")
    return [*lines, ""]


def _in_section(path: str, first: str) -> bool:
    return path.startswith((f"{first}.", f"{first}["))


def render() -> str:
    """The Markdown of the key reference: the process file by section, then scenario files
    and shift templates files."""
    process = process_schema()
    walk = _Walk(process)
    keys = list(walk.keys(process, ""))
    lines = ["### Keys: the process file", ""]
    lines += _table([k for k in keys if "." not in k.path and "[" not in k.path])
    for title, first in _PROCESS_SECTIONS:
        rows = [k for k in keys if _in_section(k.path, first)]
        lines += [f"### {title}", ""]
        if first == "stages":
            lines += _stage_tables(rows)
        else:
            lines += _table(rows)
    lines += ["### Keys: distributions", "", *_distribution_table(walk)]
    scenario = scenario_schema()
    lines += ["### Keys: scenario files", "", *_table(list(_Walk(scenario).keys(scenario, "")))]
    shifts = shifts_schema()
    lines += ["### Keys: shift templates", "", *_table(list(_Walk(shifts).keys(shifts, "")))]
    return "\n".join(lines)


def refresh_docs(path: Path = DOC) -> bool:
    """Write the current reference between its markers in ``path``; whether it changed."""
    return fill_block(path, BEGIN, END, render())


def stale(path: Path = DOC) -> bool:
    """Whether the committed reference in ``path`` differs from what :func:`render` gives."""
    return f"{BEGIN}{render()}{END}" not in path.read_text(encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Refresh the key reference of docs/format.md, or with ``--check`` say if it is stale."""
    parser = argparse.ArgumentParser(
        prog="python -m procflow.schema.docs", description=main.__doc__
    )
    parser.add_argument("path", nargs="?", type=Path, default=DOC, help="default: %(default)s")
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if the reference is stale"
    )
    args = parser.parse_args(argv)
    if args.check:
        if stale(args.path):
            print(f"{args.path}: the key reference is stale; run python -m procflow.schema.docs")
            return 1
        print(f"{args.path}: up to date")
        return 0
    print(f"{args.path}: {'updated' if refresh_docs(args.path) else 'up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
