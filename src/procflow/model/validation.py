"""From a loaded document to a :class:`Process`, with every schema error located and explained.

Pydantic reports problems by path (``stages -> label -> duration``); this module
turns each into a finding at the ``file:line:col`` of the offending key or value,
in words a PM understands ("unknown key 'duraton' (did you mean 'duration'?)"),
and reports all of them at once.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from procflow.diagnostics import Finding, LoadError, Location
from procflow.diagnostics.checks import (
    INVALID_EXPRESSION,
    INVALID_VALUE,
    MISSING_KEY,
    UNKNOWN_KEY,
)
from procflow.diagnostics.suggest import did_you_mean
from procflow.model.paths import doc_path, known_keys
from procflow.model.process import Process
from procflow.model.quantities import LIMITS_DOC, TIME_UNITS, TimeUnit, plain, shown
from procflow.source import DocPath, Document

_FRIENDLY = {
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "string_type": "expected text",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "dict_type": "expected a mapping of keys to values",
    "list_type": "expected a list",
    "model_type": "expected a mapping of keys to values",
    "model_attributes_type": "expected a mapping of keys to values",
}


def validate_process(doc: Document, base_dir: str | Path | None = None) -> Process:
    """Validate a document as a process; raise :class:`LoadError` with every problem found.

    Problems found while reading (duplicate keys) are reported together with
    schema errors. ``base_dir`` is where relative files (empirical CSVs) are
    looked up; by default, the document's folder.
    """
    findings = list(doc.findings)
    data = doc.data
    if not isinstance(data, dict):
        findings.append(
            INVALID_VALUE.finding(
                "a process file is a mapping with keys such as process, arrivals, resources, "
                "stages",
                doc.locate(()),
            )
        )
        raise LoadError(findings)
    context = validation_context(doc, base_dir)
    try:
        process = Process.model_validate(data, context=context)
    except ValidationError as exc:
        findings.extend(translate_errors(exc, doc, Process))
        raise LoadError(findings) from None
    if findings:
        raise LoadError(findings)
    process._source = doc
    process._files_read = tuple(context["files_read"])
    return process


def validation_context(doc: Document, base_dir: str | Path | None = None) -> dict[str, Any]:
    """What the models need to read a document: its time unit (minutes if it names none
    it understands), the folder relative files are read from, and a list the files read
    (empirical CSVs) are added to."""
    time_unit: TimeUnit = "minute"
    raw_unit = doc.data.get("time_unit") if isinstance(doc.data, dict) else None
    if isinstance(raw_unit, str):
        from procflow.model.quantities import parse_unit

        with contextlib.suppress(PydanticCustomError):  # reported by the validation
            time_unit = parse_unit(raw_unit)
    base = Path(base_dir) if base_dir is not None else Path(doc.path).parent
    return {"time_unit": time_unit, "base_dir": str(base), "files_read": []}


def translate_errors(
    exc: ValidationError, doc: Document, model: type[BaseModel], prefix: DocPath = ()
) -> list[Finding]:
    """Turn Pydantic errors into located findings, one per distinct problem."""
    seen: set[tuple[Any, ...]] = set()
    findings: list[Finding] = []
    for error in exc.errors(include_url=False):
        finding = _translate(error, doc, model, prefix)
        key = (finding.location, finding.message)
        if key not in seen:
            seen.add(key)
            findings.append(finding)
    return findings


def _translate(
    error: ErrorDetails, doc: Document, model: type[BaseModel], prefix: DocPath
) -> Finding:
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    # a check of a whole object may name the key it is about (``rate`` of a stream), or a
    # path below it (``("breaks", 1)``)
    key = ctx.get("key", ())
    loc = (*prefix, *error["loc"], *(key if isinstance(key, tuple | list) else [key]))
    path = doc_path(loc, doc.data)
    value = error.get("input")
    if kind == "extra_forbidden":
        key = path[-1] if path else "?"
        hint = (
            did_you_mean(str(key), known_keys(model, path[:-1]))
            or "see docs/format.md for the keys"
        )
        return UNKNOWN_KEY.finding(f"unknown key {key!r}", doc.locate(path, key=True), hint)
    if kind == "missing":
        key = path[-1] if path else "?"
        parent = path[:-1]
        where = doc.locate(parent, key=True) if parent else doc.locate(())
        owner = f" in {_describe(parent)}" if parent else ""
        return MISSING_KEY.finding(
            f"missing required key {key!r}{owner}",
            where,
            "see docs/format.md for what it takes",
        )
    if kind == "missing_staff":
        return MISSING_KEY.finding(
            error["msg"],
            doc.locate(path, key=True),
            "add count: N, or calendar: with shifts (see docs/format.md)",
        )
    if kind == "expression":
        where = inside_string(doc, path, int(ctx.get("offset", 0)))
        return INVALID_EXPRESSION.finding(error["msg"], where, ctx.get("hint") or None)
    if path == ("time_unit",) and kind in ("time_unit", "literal_error"):
        return INVALID_VALUE.finding(
            f"unknown time unit {value!r}; use one of: {', '.join(TIME_UNITS)}",
            doc.locate(path),
            did_you_mean(str(value), TIME_UNITS),
        )
    message = _FRIENDLY.get(kind)
    if message is not None:
        message = f"{message}, got {shown(value)}"
    else:
        message = error["msg"]
        if message.startswith(("Value error, ", "Assertion failed, ")):
            message = message.split(", ", 1)[1]
        if kind in ("less_than_equal", "greater_than_equal") and not isinstance(value, str):
            bound = ctx["le"] if kind == "less_than_equal" else ctx["ge"]
            side = "at most" if kind == "less_than_equal" else "at least"
            message = f"expected a number {side} {plain(bound)}, got {shown(value)}"
            ctx.setdefault("hint", LIMITS_DOC)
        elif kind in (
            "greater_than_equal",
            "greater_than",
            "less_than_equal",
            "less_than",
            "too_short",
            "literal_error",
            "string_too_short",
        ):
            message = f"{message[0].lower()}{message[1:]}, got {shown(value)}"
    where = doc.locate(path)
    subject = _describe(path)
    if subject and kind not in ("stage", "arrival_rate", "distribution"):
        message = f"{subject}: {message}"
    return INVALID_VALUE.finding(message, where, ctx.get("hint") or None)


def _describe(path: DocPath) -> str:
    parts: list[str] = []
    for element in path:
        if isinstance(element, int):
            parts.append(f"[{element}]")
        else:
            parts.append(("." if parts else "") + str(element))
    return "".join(parts)


def inside_string(doc: Document, path: DocPath, offset: int) -> Location:
    """The location of character ``offset`` of the text value at ``path``, as written.

    The offset counts characters of the loaded string; it is mapped through the
    scalar's source text, so escapes (``\\"``, ``''``), continuation lines and ``|``/``>``
    blocks are accounted for and a problem on the second line of a condition is
    reported on that line (see :meth:`Document.locate_in_text`). If the value is not
    text written as a scalar, this is where the value starts.
    """
    return doc.locate_in_text(path, offset)
