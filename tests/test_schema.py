"""Tests for procflow.schema: the JSON Schema editors and CI validate process files with."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from models import EXAMPLE, PROCESSES, ROOT, SCENARIOS, load_text
from procflow.cli import main
from procflow.diagnostics import LoadError
from procflow.schema import DRAFT_07, process_schema

PROCESS_FILES = sorted(PROCESSES.glob("**/*.y*ml"))
SCENARIO_FILES = sorted(SCENARIOS.glob("**/*.y*ml"))


def cli_schema() -> dict[str, Any]:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    schema: dict[str, Any] = json.loads(result.stdout)
    return schema


def validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(cli_schema())


def example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


def test_schema_command_prints_a_valid_draft_07_schema() -> None:
    """``procflow schema`` is a JSON Schema that draft-07 accepts as a schema."""
    schema = cli_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == DRAFT_07
    assert schema == process_schema()
    assert "$defs" not in json.dumps(schema)  # draft-07 uses definitions


def test_every_reference_resolves() -> None:
    """Every ``$ref`` points into the schema's own definitions."""
    schema = cli_schema()
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert refs
    for ref in refs:
        assert ref.startswith("#/definitions/")
        assert ref.removeprefix("#/definitions/") in schema["definitions"]


def test_there_are_process_files_to_check() -> None:
    """The bundled examples exist, so the next test checks something."""
    assert EXAMPLE in PROCESS_FILES


@pytest.mark.parametrize("path", PROCESS_FILES, ids=lambda p: p.name)
def test_every_bundled_process_validates_against_the_schema(path: Path) -> None:
    """Every YAML file in processes/ is valid under the schema."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [e.message for e in validator().iter_errors(data)]
    assert errors == []


def mutate(change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    data = copy.deepcopy(example())
    change(data)
    return data


VALID_VARIANTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "fixed-duration-text": lambda d: d["stages"]["label"].update(duration="3 min"),
    "fixed-duration-number": lambda d: d["stages"]["label"].update(duration=3),
    "exponential-scalar": lambda d: d["stages"]["label"].update(duration={"exponential": "3 min"}),
    "empirical-list": lambda d: d["stages"]["label"].update(duration={"empirical": [1, 2]}),
    "gamma-by-moments": lambda d: d["stages"]["label"].update(
        duration={"gamma": {"mean": 4, "sd": 2}}
    ),
    "rate-per-2-hours": lambda d: d["arrivals"][0].update(rate="100 per 2 hours"),
    "every-instead-of-rate": lambda d: (
        d["arrivals"][0].update(rate=None, every="5 min") or d["arrivals"][0].pop("rate")
    ),
    "next-as-text": lambda d: d["stages"]["qc_review"].update(next="delivered"),
    "numeric-attribute": lambda d: d["arrivals"][0]["attributes"].update(
        words={"lognormal": {"mean": 120, "sd": 60}}
    ),
    "patience-distribution": lambda d: d["stages"]["label"].update(
        escalate_after={"exponential": {"mean": "5 min"}}, escalate_to="delivered"
    ),
}


@pytest.mark.parametrize("change", VALID_VARIANTS.values(), ids=VALID_VARIANTS.keys())
def test_documented_forms_validate(change: Callable[[dict[str, Any]], Any]) -> None:
    """Shorthands the format allows (fixed durations, scalar parameters, ...) are valid."""
    assert [e.message for e in validator().iter_errors(mutate(change))] == []


BROKEN_VARIANTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "unknown-stage-key": lambda d: d["stages"]["label"].update(duraton=3),
    "unknown-top-level-key": lambda d: d.update(owner="trust-and-safety"),
    "count-as-text": lambda d: d["resources"]["annotator"].update(count="nine"),
    "count-as-float": lambda d: d["resources"]["annotator"].update(count=4.5),
    "count-as-boolean": lambda d: d["resources"]["annotator"].update(count=True),
    "count-negative": lambda d: d["resources"]["annotator"].update(count=-1),
    "unknown-distribution": lambda d: d["stages"]["label"].update(
        duration={"lognormall": {"mean": 4.2, "sd": 1.6}}
    ),
    "unknown-distribution-parameter": lambda d: d["stages"]["label"].update(
        duration={"lognormal": {"mean": 4.2, "sdd": 1.6}}
    ),
    "missing-process": lambda d: d.pop("process"),
    "probability-above-one": lambda d: d["stages"]["sample_for_qc"]["next"][1].update(
        probability=1.5
    ),
    "duration-bad-unit": lambda d: d["slas"][0].update(max="4 parsecs"),
    "rate-bad-text": lambda d: d["arrivals"][0].update(rate="lots"),
    "patience-unknown-distribution": lambda d: d["stages"]["label"].update(
        escalate_after={"exponentiall": {"mean": 5}}, escalate_to="delivered"
    ),
}


@pytest.mark.parametrize("change", BROKEN_VARIANTS.values(), ids=BROKEN_VARIANTS.keys())
def test_broken_variants_fail_validation(change: Callable[[dict[str, Any]], Any]) -> None:
    """Unknown keys, wrong types and unknown distributions are schema errors."""
    assert list(validator().iter_errors(mutate(change)))


SPELLINGS_PROCFLOW_LOADS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "time-unit-hours": lambda d: d.update(time_unit="hours"),
    "time-unit-min": lambda d: d.update(time_unit="min"),
    "time-unit-capitalised": lambda d: d.update(time_unit="Day"),
    "time-unit-upper-case-with-spaces": lambda d: d.update(time_unit=" MINUTES "),
    "duration-capitalised": lambda d: d["slas"][0].update(max="4 Hours"),
    "duration-upper-case": lambda d: d["slas"][0].update(max="4 HRS"),
    "duration-minus-zero": lambda d: d["slas"][0].update(max="-0 min"),
    "rate-capitalised": lambda d: d["arrivals"][0].update(rate="540 per Hour"),
    "rate-upper-case": lambda d: d["arrivals"][0].update(rate="540 PER HOUR"),
    "rate-per-2-mixed-case": lambda d: d["arrivals"][0].update(rate="100 Per 2 Hours"),
    "rate-slash-upper-case": lambda d: d["arrivals"][0].update(rate="12/MIN"),
}


@pytest.mark.parametrize(
    "change", SPELLINGS_PROCFLOW_LOADS.values(), ids=SPELLINGS_PROCFLOW_LOADS.keys()
)
def test_the_schema_accepts_what_procflow_accepts(change: Callable[[dict[str, Any]], Any]) -> None:
    """Spellings procflow itself loads are not flagged by an editor using the schema."""
    data = mutate(change)
    load_text(yaml.safe_dump(data))  # procflow loads it
    assert [e.message for e in validator().iter_errors(data)] == []


SPELLINGS_PROCFLOW_REJECTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "time-unit-unknown": lambda d: d.update(time_unit="fortnight"),
    "time-unit-kelvin-sign": lambda d: d.update(time_unit="w\u212a"),
    "time-unit-not-text": lambda d: d.update(time_unit=5),
    "duration-negative": lambda d: d["slas"][0].update(max="-5 min"),
    "duration-unknown-unit": lambda d: d["slas"][0].update(max="4 Hourz"),
    "duration-non-ascii-digit": lambda d: d["slas"][0].update(max="\u0664 hours"),
    "rate-per-zero": lambda d: d["arrivals"][0].update(rate="5 per 0 hours"),
    "rate-per-negative": lambda d: d["arrivals"][0].update(rate="5 per -2 hours"),
    "rate-pre": lambda d: d["arrivals"][0].update(rate="540 pre hour"),
}


@pytest.mark.parametrize(
    "change", SPELLINGS_PROCFLOW_REJECTS.values(), ids=SPELLINGS_PROCFLOW_REJECTS.keys()
)
def test_the_schema_rejects_what_procflow_rejects(change: Callable[[dict[str, Any]], Any]) -> None:
    """Values procflow refuses to load are flagged by the schema too."""
    data = mutate(change)
    with pytest.raises(LoadError):
        load_text(yaml.safe_dump(data))
    assert list(validator().iter_errors(data))


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_every_bundled_scenario_validates_against_the_scenario_schema(path: Path) -> None:
    """``procflow schema --kind scenario`` accepts the bundled scenarios, rejects a typo."""
    result = CliRunner().invoke(main, ["schema", "--kind", "scenario"])
    schema = json.loads(result.stdout)
    jsonschema.Draft7Validator.check_schema(schema)
    check = jsonschema.Draft7Validator(schema)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [e.message for e in check.iter_errors(data)] == []
    assert list(check.iter_errors({**data, "chnages": {}}))


def _undescribed(node: Any, where: str) -> list[str]:
    """Every ``properties`` entry below ``node`` without a description, by schema path."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in (node.get("properties") or {}).items():
            if not (isinstance(value, dict) and value.get("description")):
                found.append(f"{where}/properties/{key}")
        for key, value in node.items():
            found += _undescribed(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _undescribed(value, f"{where}[{i}]")
    return found


@pytest.mark.parametrize("name", ["process", "scenario"])
def test_every_property_has_a_description_for_editor_hover_help(name: str) -> None:
    """Hover help in editors shows a key's description: no key of either schema lacks one,
    through definitions, anyOf branches and list items."""
    from procflow.schema import scenario_schema

    schema = process_schema() if name == "process" else scenario_schema()
    assert _undescribed(schema, "#") == []


FORMAT_DOC = ROOT / "docs" / "format.md"


def _property_names(node: Any) -> set[str]:
    """Every key any ``properties`` below ``node`` names."""
    found: set[str] = set()
    if isinstance(node, dict):
        found |= set(node.get("properties") or {})
        for value in node.values():
            found |= _property_names(value)
    elif isinstance(node, list):
        for value in node:
            found |= _property_names(value)
    return found


def test_the_key_reference_in_format_md_is_the_schema() -> None:
    """docs/format.md's key reference is what the schema renders today: a changed field
    description without ``python -m procflow.schema.docs`` fails here."""
    from procflow.schema import docs

    text = FORMAT_DOC.read_text(encoding="utf-8")
    assert f"{docs.BEGIN}{docs.render()}{docs.END}" in text
    assert not docs.stale(FORMAT_DOC)


def test_the_key_reference_names_every_key_with_its_description() -> None:
    """Every key of both schemas is a row of the reference (distribution parameters in the
    table of kinds), and every row carries the key's description."""
    from procflow.schema import docs, scenario_schema

    reference = docs.render()
    rows = [line for line in reference.splitlines() if line.startswith("| `")]
    paths = [row.split("`")[1] for row in rows]
    last_keys = {path.replace("[]", "").rsplit(".", 1)[-1] for path in paths}
    kinds_table = reference.split("### Keys: distributions", 1)[1].split("###", 1)[0]
    for name in _property_names(process_schema()) | _property_names(scenario_schema()):
        assert name in last_keys or f"`{name}`" in kinds_table, name
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[-1], f"a row without a description: {row}"
    assert "stages.<stage>.detection_rate" in paths
    assert "settings.horizon" in paths


def test_each_key_has_its_type_and_default_in_pm_words() -> None:
    """Types read as a PM writes values, defaults as they are written in a file."""
    from procflow.schema import docs

    rows = {
        row.split("`")[1]: [c.strip() for c in row.strip("|").split(" | ")]
        for row in docs.render().splitlines()
        if row.startswith("| `")
    }
    assert rows["stages.<stage>.detection_rate"][1:3] == ["share from 0 to 1", ""]
    assert rows["stages.<stage>.escalate_after"][1] == "distribution"  # or a fixed duration
    assert rows["slas[].max"][1] == "duration such as '4 min'"
    assert rows["arrivals[].rate"][1] == "rate such as '540 per hour'"
    assert rows["stages.<stage>.duration"][1] == "distribution"
    assert rows["stages.<stage>.next[].when"][1].startswith("expression")
    assert rows["slas[].metric"][1:3] == ["one of `cycle_time`/`waiting_time`", "required"]
    assert rows["slas[].percentile"][1:3] == ["number from 1 to 100", "`90`"]
    assert rows["arrivals[].schedule[].days"][1:3] == ["days such as 'mon-fri'", "`all`"]
    assert rows["resources.<pool>.calendar[].hours"][2] == "`00:00-24:00`"
    assert rows["settings.horizon"][1:3] == ["duration such as '4 min'", "`3 days`"]
    assert rows["resources.<pool>.teams[].calendar"][1].startswith(
        "list (keys as `resources.<pool>.calendar[]`)"
    )


def test_a_changed_description_makes_the_committed_reference_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--check`` exits 1 while the doc differs from the schema; a refresh fixes it."""
    from procflow.schema import docs

    target = tmp_path / "format.md"
    shutil.copyfile(FORMAT_DOC, target)
    assert docs.main(["--check", str(target)]) == 0
    changed = process_schema()
    changed["definitions"]["Stage"]["properties"]["error_rate"]["description"] = "Reworded."
    monkeypatch.setattr(docs, "process_schema", lambda: changed)
    assert docs.main(["--check", str(target)]) == 1
    assert docs.main([str(target)]) == 0
    assert docs.main(["--check", str(target)]) == 0
    assert "| Reworded. |" in target.read_text(encoding="utf-8")


def test_refreshing_a_doc_without_the_markers_is_refused(tmp_path: Path) -> None:
    """A page without the key-reference block is not silently left as it is."""
    from procflow.schema import docs

    page = tmp_path / "format.md"
    page.write_text("# The process format\n", encoding="utf-8")
    with pytest.raises(ValueError, match="key-reference"):
        docs.refresh_docs(page)


def test_the_schema_shows_days_and_hours_defaults_as_written() -> None:
    """An editor offers ``all`` and ``00:00-24:00``, not the numbers they are stored as."""
    shift = process_schema()["definitions"]["Shift"]["properties"]
    assert shift["days"]["default"] == "all"
    assert shift["hours"]["default"] == "00:00-24:00"
