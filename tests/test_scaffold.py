"""``procflow init``: the scaffolded process and scenario lint clean and simulate stable."""

from __future__ import annotations

from pathlib import Path

import pytest

import procflow
from procflow.decide.compare import compare
from procflow.scaffold import scaffold


def test_scaffold_lints_clean_and_simulates_stable(tmp_path: Path) -> None:
    written = scaffold(tmp_path, "ad_review")
    process_file = tmp_path / "processes" / "ad_review.yaml"
    scenario_file = tmp_path / "scenarios" / "ad_review_more_qc.yaml"
    assert written == [process_file, scenario_file]

    report = procflow.lint([str(tmp_path / "processes"), str(tmp_path / "scenarios")])
    assert report.exit_code == 0
    assert list(report.findings) == []  # not even a warning

    text = process_file.read_text(encoding="utf-8")
    assert text.count("#") > 10  # commented for the PM who edits it
    process = procflow.load(process_file)
    assert process.name == "ad_review"
    assert process.resources["annotator"].shrinkage > 0
    assert process.arrivals[0].attributes
    assert process.slas

    scenario = procflow.load_scenario(scenario_file)
    assert scenario.name == "ad_review-more-qc"
    assert scenario.changes

    settings = procflow.RunSettings(horizon=24 * 60, warmup=120)
    comparison = compare(
        process,
        [(scenario.name, scenario.description, scenario.process)],
        settings,
        replications=2,
        seed=1,
    )
    assert comparison.baseline.stable
    assert all(s.met for s in comparison.baseline.slas)
    (result,) = comparison.scenarios
    assert result.stable
    assert not any(s.broken for s in result.slas)
    # more QC catches more defects: fewer escape
    escaped = result.differences["escaped_defect_rate"]
    assert escaped.change.mean < 0


@pytest.mark.parametrize("name", ["yes", "123", "null", "审核-队列", "Team_2-queue"])
def test_names_yaml_would_misread(tmp_path: Path, name: str) -> None:
    scaffold(tmp_path, name)
    process = procflow.load(tmp_path / "processes" / f"{name}.yaml")
    assert process.name == name
    report = procflow.lint([str(tmp_path)])
    assert report.exit_code == 0
    assert list(report.findings) == []


def test_never_overwrites_without_force(tmp_path: Path) -> None:
    scenario_file = tmp_path / "scenarios" / "ops_more_qc.yaml"
    scenario_file.parent.mkdir()
    scenario_file.write_text("mine\n", encoding="utf-8")
    with pytest.raises(FileExistsError, match=r"ops_more_qc\.yaml") as raised:
        scaffold(tmp_path, "ops")
    assert raised.value.filename == str(scenario_file)
    assert scenario_file.read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "processes").exists()  # nothing written at all

    written = scaffold(tmp_path, "ops", force=True)
    assert scenario_file in written
    assert scenario_file.read_text(encoding="utf-8").startswith("# A proposed change to ops")

    with pytest.raises(FileExistsError, match=r"ops\.yaml"):
        scaffold(tmp_path, "ops")


@pytest.mark.parametrize(
    "name", ["", "my process", "../escape", "a/b", "-x", "_x", "x.y", "naïve\n", "x" * 65]
)
def test_bad_names_rejected(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="letters, digits, '-' and '_'"):
        scaffold(tmp_path, name)
    assert not list(tmp_path.iterdir())
