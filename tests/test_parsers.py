"""The loader is bounded before the parser runs, and its two parsers agree.

libyaml's C parser reads a file when it is installed, PyYAML's pure-Python one
otherwise: both must give the same data, the same source map and the same errors.
A device, a pipe or a file larger than the limit is refused before it is read, and
nesting is refused before the node tree is built, so no input exhausts memory or
the stack.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from counting import count_work
from models import PROCESSES, ROOT, SCENARIOS, write_process
from procflow.cli import main
from procflow.diagnostics import LoadError
from procflow.source import MAX_DEPTH, MAX_FILE_BYTES, load_document, parsers

needs_libyaml = pytest.mark.skipif(parsers.C_LOADER is None, reason="PyYAML built without libyaml")

BUNDLED = sorted(
    [
        *PROCESSES.glob("*.yaml"),
        *SCENARIOS.glob("*.yaml"),
        *(ROOT / "tests" / "fixtures").rglob("*.yaml"),
    ]
)


@pytest.fixture
def pure_python(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Load as if PyYAML had been built without libyaml."""
    monkeypatch.setattr(parsers, "C_LOADER", None)
    yield


def outcome(path: Path | str, text: str | None = None) -> Any:
    """What loading gives, as comparable data: the document's parts, or the error's findings."""
    try:
        doc = load_document(path, text=text)
    except LoadError as error:
        return ("error", error.findings)
    return (doc.data, doc.key_locations, doc.value_locations, doc.findings)


def both(path: Path | str, text: str | None = None) -> tuple[Any, Any]:
    """The outcome with the C parser, and with the pure-Python one."""
    fast = outcome(path, text)
    saved, parsers.C_LOADER = parsers.C_LOADER, None
    try:
        slow = outcome(path, text)
    finally:
        parsers.C_LOADER = saved
    return fast, slow


@needs_libyaml
@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(ROOT)))
def test_both_parsers_give_the_same_document_and_source_map(path: Path) -> None:
    """Every bundled process, scenario and fixture: the same data, locations and findings."""
    fast, slow = both(path)
    assert fast == slow


@needs_libyaml
@pytest.mark.parametrize(
    "text",
    [
        "\ufeffprocess: x\nname: héllo 🙂 wörld\nlist: [a, 'b''c', \"d\\te\"]\n",
        "a: 1\r\nb:\r\n  - x\r\n  - {y: 2}\r\nc: |\r\n  text\r\n",
        'a: x\nb: "é\ufeff"\nc: after\n',
        'a: "one\u2028two"\nb: "x\x85y"\nc: 3\n',
        "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n",
        "a: NO\nb: 14:00\nc: off\nd: 0x1F\ne: 1_000\nf: .inf\ng: ~\n",
        "a: 1\na: 2\n",
        "a: [1, 2\n",
        "a: b: c\n",
        "a:\n\t- x\n",
    ],
    ids=[
        "bom-unicode",
        "crlf",
        "bom-inside",
        "unicode-breaks",
        "merge",
        "yaml12-scalars",
        "duplicate",
        "unclosed",
        "colon",
        "tab",
    ],
)
def test_both_parsers_agree_on_awkward_text(text: str) -> None:
    """BOMs, CRLF, Unicode line breaks, merges, YAML 1.2 scalars and syntax errors."""
    fast, slow = both("p.yaml", text)
    assert fast == slow


YAML_PIECES = [
    "a",
    "é",
    "🙂",
    ": ",
    ":",
    "- ",
    "\n",
    "\r\n",
    "  ",
    "\t",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "&x ",
    "*x",
    "<<: ",
    "'",
    '"',
    "|\n",
    ">-\n",
    "# c\n",
    "---\n",
    "1",
    "1.5e3",
    "NO",
    "14:00",
    "\ufeff",
    "\\",
    "? ",
    "-\n",
    "!!str ",
    "%YAML 1.2\n",
    "...\n",
    "\u2028",
    "\r",
]


@needs_libyaml
@settings(max_examples=300)
@given(st.lists(st.sampled_from(YAML_PIECES), max_size=40).map("".join))
def test_both_parsers_agree_on_generated_text(text: str) -> None:
    """On any mix of YAML's punctuation, the two parsers load alike or fail alike."""
    fast, slow = both("p.yaml", text)
    assert fast == slow


@pytest.mark.parametrize("levels", [500, MAX_FILE_BYTES // 3])
@pytest.mark.parametrize("parser", ["c", "python"])
def test_deep_brackets_are_pf004_before_the_tree_is_built(
    levels: int, parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """500 levels (1 KB) or as many as fit in the size limit: PF004 at the first level too
    deep, with either parser, instead of a RecursionError."""
    if parser == "python":
        monkeypatch.setattr(parsers, "C_LOADER", None)
    elif parsers.C_LOADER is None:
        pytest.skip("PyYAML built without libyaml")
    with pytest.raises(LoadError) as info:
        load_document("p.yaml", text="x: " + "[" * levels + "]" * levels + "\n")
    (finding,) = info.value.findings
    # the mapping is level 0, the first '[' level 1 at column 4
    assert (finding.code, finding.location.line, finding.location.col) == (
        "PF004",
        1,
        4 + MAX_DEPTH,
    )


@pytest.mark.parametrize("parser", ["c", "python"])
def test_deep_block_nesting_is_pf004_at_the_first_key_too_deep(
    parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Indentation nests too: the key at level MAX_DEPTH + 1 is the one reported."""
    if parser == "python":
        monkeypatch.setattr(parsers, "C_LOADER", None)
    elif parsers.C_LOADER is None:
        pytest.skip("PyYAML built without libyaml")
    text = "".join(" " * i + f"k{i}:\n" for i in range(300)) + " " * 300 + "v\n"
    with pytest.raises(LoadError) as info:
        load_document("p.yaml", text=text)
    (finding,) = info.value.findings
    assert (finding.code, finding.location.line, finding.location.col) == (
        "PF004",
        MAX_DEPTH + 1,
        MAX_DEPTH + 1,
    )


def test_the_fallback_reports_syntax_errors_in_pyyamls_words() -> None:
    """A text the C parser refuses is re-read by PyYAML: its message, place and hint."""
    with pytest.raises(LoadError) as info:
        load_document("p.yaml", text="stages:\n  label\n    resource: x\n")
    (finding,) = info.value.findings
    assert (finding.code, finding.location.line, finding.location.col) == ("PF002", 3, 13)
    assert finding.hint and "has no colon" in finding.hint


# --------------------------------------------------------------------------- files


def lint_exit(path: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["lint", str(path)])
    return result.exit_code, result.output


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_pf001_exit_2_without_reading_it() -> None:
    """``procflow lint /dev/zero`` would read until memory ran out: refused, exit 2."""
    code, output = lint_exit("/dev/zero")
    assert code == 2
    assert "/dev/zero:1:1: PF001" in output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_named_pipe_is_pf001_exit_2_without_waiting(tmp_path: Path) -> None:
    """A FIFO would block forever waiting for a writer: refused, exit 2."""
    fifo = tmp_path / "process.yaml"
    os.mkfifo(fifo)
    code, output = lint_exit(fifo)
    assert code == 2
    assert f"{fifo}:1:1: PF001" in output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_named_pipe_in_a_folder_is_pf001_and_the_other_files_are_linted(tmp_path: Path) -> None:
    """A FIFO among a folder's YAML files is named (PF001, exit 2), never skipped in silence,
    and the folder's other files are still linted."""
    bad = ROOT / "tests" / "fixtures" / "rules" / "PF105" / "bad.yaml"
    write_process(tmp_path, bad.read_text(encoding="utf-8"), "review.yaml")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    code, output = lint_exit(tmp_path)
    assert code == 2
    assert f"{fifo}:1:1: PF001" in output
    assert f"{tmp_path / 'review.yaml'}:" in output and "PF105" in output


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_scenario_based_on_a_device_is_pf001_at_the_base(tmp_path: Path) -> None:
    """``base: /dev/zero`` in a scenario is refused at the base (PF602), exit 2."""
    scenario = write_process(tmp_path, "scenario: s\nbase: /dev/zero\nchanges: {}\n", "s.yaml")
    code, output = lint_exit(scenario)
    assert code == 2
    assert f"{scenario}:2:7: PF602" in output


def test_a_file_larger_than_its_reported_size_is_read_only_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some files (in /proc, on network drives) report a size of 0: at most the limit plus one
    byte is read, and the file is refused as too large."""
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n" + b"#" * (2 * MAX_FILE_BYTES) + b"\n")
    real_stat, real_fstat = os.stat, os.fstat

    def size_zero(status: os.stat_result) -> os.stat_result:
        fields = list(status)
        fields[6] = 0  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(os, "stat", lambda p: size_zero(real_stat(p)))
    monkeypatch.setattr(os, "fstat", lambda fd: size_zero(real_fstat(fd)))
    with pytest.raises(LoadError) as info:
        load_document(path)
    (finding,) = info.value.findings
    assert (finding.code, finding.location.line, finding.location.col) == ("PF001", 1, 1)


@pytest.mark.parametrize("parser", ["c", "python"])
def test_yaml_values_are_read_as_docs_format_md_says(
    parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/format.md, "YAML pitfalls": YAML 1.2 values. ``NO``, ``off`` and ``yes`` stay
    text, ``14:00`` stays a time of day (not 840), only true/false are yes/no values, and
    numbers are decimal (with ``_``), hexadecimal, exponent or ``.inf``."""
    if parser == "python":
        monkeypatch.setattr(parsers, "C_LOADER", None)
    elif parsers.C_LOADER is None:
        pytest.skip("PyYAML built without libyaml")
    text = (
        "market: {US: 0.5, NO: 0.3, BR: 0.2}\n"
        "words: [yes, No, on, OFF, y, n]\n"
        "at: 14:00\n"
        "hours: 08:00-16:00\n"
        "flags: [true, True, TRUE, false, False, FALSE]\n"
        "numbers: [1_000, 0x1F, 1e3, .5, .inf]\n"
    )
    data = load_document("p.yaml", text=text).data
    assert data["market"] == {"US": 0.5, "NO": 0.3, "BR": 0.2}
    assert data["words"] == ["yes", "No", "on", "OFF", "y", "n"]
    assert data["at"] == "14:00"
    assert data["hours"] == "08:00-16:00"
    assert data["flags"] == [True, True, True, False, False, False]
    assert data["numbers"] == [1000, 31, 1000.0, 0.5, float("inf")]


@needs_libyaml
def test_a_large_file_is_parsed_in_c_with_a_fraction_of_the_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The C parser is used where it is installed: loading 200 stages makes under a third
    of the Python calls the pure-Python parser makes (work counted, not timed; the
    timings are in benchmarks/loader.py)."""
    stages = "".join(
        f"  step_{i}:\n    resource: annotator\n    duration: {{lognormal: {{mean: 4, sd: 1}}}}\n"
        f"    next: step_{i + 1}\n"
        for i in range(200)
    )
    text = f"process: chain\nstages:\n{stages}  step_200: {{end: true}}\n"
    with count_work() as fast:
        c_doc = load_document("p.yaml", text=text)
    monkeypatch.setattr(parsers, "C_LOADER", None)
    with count_work() as slow:
        python_doc = load_document("p.yaml", text=text)
    assert c_doc.value_locations == python_doc.value_locations
    assert fast.calls * 3 < slow.calls, (fast.calls, slow.calls)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
@pytest.mark.parametrize(
    "command",
    [
        ["forecast", "processes/multilingual_review_queue.yaml", "--initial-state", "/dev/zero",
         "--until", "2026-12-03T18:00"],
        ["staff", "processes/multilingual_review_queue.yaml", "--forecast", "/dev/zero"],
    ],
)  # fmt: skip
def test_a_snapshot_or_forecast_on_a_device_is_pf001_exit_2(
    command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CSV inputs go through the loader's guard: ``/dev/zero`` is refused before it is
    read (it would fill memory), not read until the size limit."""
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 2, result.output
    assert "/dev/zero:1:1: PF001" in result.output
