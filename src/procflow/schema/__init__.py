"""The JSON Schema of the process format, for editors and CI.

Generated from the Pydantic models, as JSON Schema draft-07 (what
yaml-language-server handles best). Point an editor at it with a first line::

    # yaml-language-server: $schema=./procflow.schema.json
"""

from __future__ import annotations

from typing import Any

from procflow.model.process import Process

DRAFT_07 = "http://json-schema.org/draft-07/schema#"


def process_schema() -> dict[str, Any]:
    """The draft-07 JSON Schema of a process file."""
    template = "#/definitions/{model}"
    schema = Process.model_json_schema(by_alias=True, ref_template=template)
    definitions: dict[str, Any] = schema.pop("$defs", {})
    return {
        "$schema": DRAFT_07,
        "$id": "https://procflow.dev/schema/process.json",
        **schema,
        "definitions": definitions,
    }


def scenario_schema() -> dict[str, Any]:
    """The draft-07 JSON Schema of a scenario file."""
    from procflow.scenario import ScenarioFile

    template = "#/definitions/{model}"
    schema = ScenarioFile.model_json_schema(by_alias=True, ref_template=template)
    definitions: dict[str, Any] = schema.pop("$defs", {})
    return {
        "$schema": DRAFT_07,
        "$id": "https://procflow.dev/schema/scenario.json",
        **schema,
        "definitions": definitions,
    }


def shifts_schema() -> dict[str, Any]:
    """The draft-07 JSON Schema of a shift templates file (``procflow shifts --templates``)."""
    from procflow.model.shifts import ShiftTemplatesFile

    template = "#/definitions/{model}"
    schema = ShiftTemplatesFile.model_json_schema(by_alias=True, ref_template=template)
    definitions: dict[str, Any] = schema.pop("$defs", {})
    return {
        "$schema": DRAFT_07,
        "$id": "https://procflow.dev/schema/shifts.json",
        **schema,
        "definitions": definitions,
    }


def snapshot_schema() -> dict[str, Any]:
    """The draft-07 JSON Schema of a snapshot's YAML form (``forecast --initial-state``)."""
    from procflow.model.snapshot import SnapshotFile

    template = "#/definitions/{model}"
    schema = SnapshotFile.model_json_schema(by_alias=True, ref_template=template)
    definitions: dict[str, Any] = schema.pop("$defs", {})
    return {
        "$schema": DRAFT_07,
        "$id": "https://procflow.dev/schema/snapshot.json",
        **schema,
        "definitions": definitions,
    }
