"""The JSON Schema of the process format, for editors and CI.

Generated from the Pydantic models, as JSON Schema draft-07 (what
yaml-language-server handles best). Point an editor at it with a first line::

    # yaml-language-server: $schema=./procflow.schema.json
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from procflow.model.process import Process

DRAFT_07 = "http://json-schema.org/draft-07/schema#"


def process_schema() -> dict[str, Any]:
    """The draft-07 JSON Schema of a process file."""
    return _draft_07(Process, "process")


def scenario_schema() -> dict[str, Any]:
    """The draft-07 JSON Schema of a scenario file."""
    from procflow.scenario import ScenarioFile

    return _draft_07(ScenarioFile, "scenario")


def shifts_schema() -> dict[str, Any]:
    """The draft-07 JSON Schema of a shift templates file (``procflow shifts --templates``)."""
    from procflow.model.shifts import ShiftTemplatesFile

    return _draft_07(ShiftTemplatesFile, "shifts")


def policy_schema() -> dict[str, Any]:
    """The draft-07 JSON Schema of an org's policy file (``procflow-policy.yaml``)."""
    from procflow.model.policy import PolicyFile

    return _draft_07(PolicyFile, "policy")


def _draft_07(model: type[BaseModel], name: str) -> dict[str, Any]:
    """``model``'s JSON Schema with its definitions where draft-07 keeps them."""
    schema = model.model_json_schema(by_alias=True, ref_template="#/definitions/{model}")
    definitions: dict[str, Any] = schema.pop("$defs", {})
    return {
        "$schema": DRAFT_07,
        "$id": f"https://procflow.dev/schema/{name}.json",
        **schema,
        "definitions": definitions,
    }


def snapshot_schema() -> dict[str, Any]:
    """The draft-07 JSON Schema of a snapshot's YAML form (``forecast --initial-state``)."""
    from procflow.model.snapshot import SnapshotFile

    return _draft_07(SnapshotFile, "snapshot")
