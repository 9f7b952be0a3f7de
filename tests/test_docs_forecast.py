"""docs/forecast.md's stable JSON is what ``procflow forecast --format json`` writes today.

The page's key table names every key of the document and of a ``slas[]`` entry, and
its JSON example (one due-date class of the bundled example, with its breaches by day)
holds the numbers the command it states writes: same seed, same numbers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from models import ROOT
from procflow.cli import main

PAGE = ROOT / "docs" / "forecast.md"
TEXT = PAGE.read_text(encoding="utf-8")
#: The command the page says wrote its JSON example.
COMMAND = (
    "procflow forecast processes/multilingual_review_queue.yaml --initial-state "
    "processes/multilingual_backlog.csv --until 2026-12-02T09:00 --target 150 "
    "--replications 3 --seed 7 --format json"
)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = Path(tmp_path_factory.mktemp("forecast")) / "f.json"
    args = [*COMMAND.split()[1:], "-o", str(out)]
    args = [str(ROOT / a) if a.startswith("processes/") else a for a in args]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return document


def _documented_keys() -> set[str]:
    """The keys the JSON table names (``initial.items``, ``slas[].by_day``...)."""
    table = TEXT[TEXT.index("## The JSON (stable)") :]
    keys: set[str] = set()
    for row in re.findall(r"^\| (`[^|]+`) \|", table, re.MULTILINE):
        keys.update(re.findall(r"`([^`]+)`", row))
    return keys


def _keys(document: dict[str, Any], prefix: str = "") -> set[str]:
    """The document's keys as the table writes them: estimates and lists stop the descent."""
    found = set()
    for key, value in document.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and set(value) != {"mean", "ci95"} and key != "by_stage":
            found |= _keys(value, f"{path}.")
        else:
            found.add(path)
    return found


def test_the_page_states_the_command_of_its_example() -> None:
    assert COMMAND in " ".join(TEXT.split())


def test_every_key_written_is_documented(written: dict[str, Any]) -> None:
    documented = _documented_keys()
    keys = _keys(written) - {"slas"}
    entry_keys = {f"slas[].{k}" for entry in written["slas"] for k in entry}
    missing = {k for k in keys | entry_keys if k not in documented}
    # a table row may name a group of keys (`initial.items`, `initial.by_stage`)
    assert not missing, missing
    assert "slas[]" in documented


def test_the_json_example_is_what_the_command_writes(written: dict[str, Any]) -> None:
    start = TEXT.index("```json\n", TEXT.index("One due-date class"))
    shown = json.loads(TEXT[start + len("```json\n") : TEXT.index("```", start + 8)])
    entry = next(s for s in written["slas"] if s["name"] == shown["name"])
    assert _same(shown, entry)


def _same(shown: Any, written: Any) -> bool:
    """Equal, numbers to 12 digits (the page keeps them as JSON writes them)."""
    if isinstance(shown, dict):
        assert set(shown) == set(written)
        return all(_same(shown[k], written[k]) for k in shown)
    if isinstance(shown, list):
        assert len(shown) == len(written)
        return all(_same(a, b) for a, b in zip(shown, written, strict=True))
    if isinstance(shown, float):
        assert shown == pytest.approx(written, rel=1e-12)
        return True
    assert shown == written
    return True


@pytest.mark.parametrize("suffix", [".csv", ".yaml"])
def test_the_pages_snapshot_examples_read_against_the_bundled_process(
    suffix: str, tmp_path: Path
) -> None:
    """Every snapshot the page shows (CSV with # on_shift and a holder; the YAML form)
    reads against processes/multilingual_review_queue.yaml."""
    from procflow.model.snapshot import read_snapshot
    from procflow.scenario import load_any

    process = load_any(str(ROOT / "processes" / "multilingual_review_queue.yaml"))[0]
    start = "# snapshot:" if suffix == ".csv" else "snapshot:"
    blocks = [b for b in re.findall(r"```\w*\n(.*?)```", TEXT, re.DOTALL) if b.startswith(start)]
    assert blocks
    for k, block in enumerate(blocks):
        path = tmp_path / f"s{k}{suffix}"
        path.write_text(block, encoding="utf-8")
        assert read_snapshot(path, process).items
