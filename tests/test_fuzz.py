"""Nothing a user writes can crash procflow: a property-based fuzz suite.

Hypothesis takes the bundled processes and scenarios and breaks them the ways people
(and tools) break YAML: keys deleted, duplicated, renamed and retyped; numbers made
extreme (NaN, infinity, zero, negative, huge, tiny); Unicode; deep nesting; aliases;
several documents; byte-order marks, CRLF line ends, tabs; lines cut, doubled, lost.
It also writes random text. Whatever it writes, loading, linting, the analysis and a
short simulation (a few hours, one replication) end in findings (:class:`LoadError`,
:class:`LintError`, a lint report) or in results, never in another exception, within
Hypothesis' ``deadline``, and no file that was read is changed.

``make test`` runs 100 examples of each of the three properties (the default profile);
``make fuzz`` runs 3,334 of each, 10,002 documents (the ``fuzz`` profile in conftest.py).
A failure Hypothesis finds is printed with the document that caused it: fix it where
it belongs, then add the document as a fixture with its expected finding.
"""

from __future__ import annotations

import copy
import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import procflow
from models import PROCESSES, SCENARIOS
from procflow.diagnostics import LintError, LoadError
from procflow.model.settings import RunSettings

#: Each example may take this long (a short simulation on a busy 2-core machine).
FUZZ = settings(
    deadline=timedelta(seconds=20),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: The finding lint gives for a crash in one file (issue #10, item 6): a crash all the same.
INTERNAL_ERROR = "PF000"

SEEDS: list[tuple[str, Any]] = [
    (f"{folder.name}/{path.name}", yaml.safe_load(path.read_text(encoding="utf-8")))
    for folder in (PROCESSES, SCENARIOS)
    for path in sorted(folder.glob("*.yaml"))
]
PROCESS_SEEDS = [seed for seed in SEEDS if seed[0].startswith("processes/")]
SCENARIO_SEEDS = [seed for seed in SEEDS if seed[0].startswith("scenarios/")]

#: Words the format uses, to rename keys into other real keys (and near misses).
WORDS = sorted(
    {
        key
        for _, data in SEEDS
        for key in yaml.safe_dump(data).replace(":", " ").split()
        if key.isidentifier()
    }
)

# --------------------------------------------------------------------------- values

#: Numbers at the edges of what a PM writes.
EDGE_NUMBERS: list[Any] = [
    0,
    -1,
    -0.0,
    1,
    0.5,
    -2.5,
    7,
    1e-6,
    float("inf"),
    float("-inf"),
    float("nan"),
]
#: Numbers past what validation allows (1e308, 10**400, 1e-300...), and rates that
#: overload a pool whose stages escalate (``rate: 100``, per minute: the waiting formula
#: with deadlines overflowed before analysis/queueing.py kept E relative to its top).
HUGE_NUMBERS: list[Any] = [
    1e308,
    -1e308,
    1e-300,
    5e-324,
    10**400,
    2**63,
    0.005,
    1e200,
    100,
    1000,
    1e6,
]

QUANTITIES = st.sampled_from(
    [
        "0 min",
        "-5 min",
        "1 min",
        "3 hours",
        "nan min",
        "inf hours",
        "0 per hour",
        "-3 per hour",
        "60 per hour",
        "5 per fortnight",
        "14:00",
        "09:00-17:00",
        "NO",
        "true",
        "",
    ]
)


def numbers() -> st.SearchStrategy[Any]:
    """Edge and huge numbers, and plausible ones up to a million."""
    largest = 10**6
    return st.one_of(
        st.sampled_from(EDGE_NUMBERS + HUGE_NUMBERS),
        st.integers(-1000, largest),
        st.floats(-largest, largest, allow_nan=False),
        st.integers(1, largest),  # and as often, a plausible value
        st.floats(0.01, largest),
    )


TEXT = st.text(max_size=12)  # any Unicode, control characters and surrogates aside
SCALARS = st.one_of(TEXT, QUANTITIES, st.booleans(), st.none())


def values() -> st.SearchStrategy[Any]:
    """Any value a key could be given: a scalar, or a small list or mapping of them."""
    scalar = st.one_of(SCALARS, numbers())
    return st.recursive(
        scalar,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.dictionaries(st.one_of(st.sampled_from(WORDS), TEXT), inner, max_size=3),
        ),
        max_leaves=6,
    )


def nested(depth: int) -> Any:
    value: Any = "x"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


# --------------------------------------------------------------------------- mutations


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into ``data`` (mapping keys and list indices), outermost first."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


def at(data: Any, path: tuple[Any, ...]) -> Any:
    for element in path:
        data = data[element]
    return data


@st.composite
def mutate_tree(draw: st.DrawFn, data: Any) -> Any:
    """One change to the data: delete, rename, retype, make extreme, nest deep, or alias."""
    everywhere = paths(data)
    kind = draw(
        st.sampled_from(["number", "number", "number", "delete", "rename", "retype", "nest"])
        | st.just("alias")
    )
    # most changes are to one number (or a quantity like '4 min'): the file stays
    # valid enough to reach the analysis and the simulator
    numeric = [p for p in everywhere if p and _numeric(at(data, p))]
    path = draw(st.sampled_from(numeric if kind == "number" and numeric else everywhere))
    if not path:
        return draw(st.one_of(values(), st.just(nested(draw(st.integers(1, 90))))))
    parent, last = at(data, path[:-1]), path[-1]
    if kind == "delete":
        del parent[last]
    elif kind == "rename" and isinstance(parent, dict):
        new = draw(st.one_of(st.sampled_from(WORDS), TEXT, st.integers(), st.booleans()))
        parent[new] = parent.pop(last)
    elif kind == "number":
        number = draw(numbers())
        unit = draw(st.sampled_from(["", " min", " hours", " per hour"]))
        parent[last] = f"{number}{unit}" if unit and isinstance(at(data, path), str) else number
    elif kind == "nest":
        parent[last] = nested(draw(st.integers(1, 90)))
    elif kind == "alias":
        # the same object twice: yaml.safe_dump writes an anchor and an alias
        others = [p for p in everywhere if p[: len(path)] != path and path[: len(p)] != p]
        if others:
            parent[last] = at(data, draw(st.sampled_from(others)))
    else:
        parent[last] = draw(values())
    return data


def _numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and value[:1].isdigit()


@st.composite
def mutate_text(draw: st.DrawFn, text: str) -> str:
    """One change to the text: documents, BOM, CRLF, a tab, a line doubled, lost or cut."""
    kind = draw(
        st.sampled_from(
            ["documents", "marker", "bom", "bom-inside", "crlf", "tab", "double", "drop", "cut"]
        )
    )
    lines = text.split("\n")
    line = draw(st.integers(0, max(len(lines) - 1, 0)))
    if kind == "documents":
        return text + "---\n" + text
    if kind == "marker":
        return "---\n" + text + "...\n"
    if kind == "bom":
        return "\ufeff" + text
    if kind == "bom-inside":
        return "\n".join([*lines[:line], "\ufeff" + lines[line], *lines[line + 1 :]])
    if kind == "crlf":
        return text.replace("\n", "\r\n")
    if kind == "tab":
        stripped = lines[line].lstrip(" ")
        lines[line] = "\t" * (len(lines[line]) - len(stripped) > 0) + stripped
        return "\n".join(lines)
    if kind == "double":  # a key written twice
        return "\n".join(lines[: line + 1] + lines[line:])
    if kind == "drop":
        return "\n".join(lines[:line] + lines[line + 1 :])
    return text[: draw(st.integers(0, len(text)))]


@st.composite
def documents(draw: st.DrawFn, seeds: list[tuple[str, Any]]) -> tuple[str, str]:
    """A bundled file broken a few ways: (its path under the examples' root, its text)."""
    name, original = draw(st.sampled_from(seeds))
    data = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 2))):
        data = draw(mutate_tree(data))
    try:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:  # a key PyYAML cannot write (a list made a key by an alias)
        text = yaml.safe_dump(original, allow_unicode=True, sort_keys=False)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        text = draw(mutate_text(text))
    return name, text


# --------------------------------------------------------------------------- the property


def fingerprint(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def examples(root: Path) -> None:
    """The bundled processes and scenarios under ``root``, so a scenario finds its base."""
    for _, folder in (("processes", PROCESSES), ("scenarios", SCENARIOS)):
        (root / folder.name).mkdir(parents=True, exist_ok=True)
        for path in folder.glob("*.yaml"):
            (root / folder.name / path.name).write_bytes(path.read_bytes())


def end_in_findings_or_results(path: Path) -> None:
    """Load, lint, analyze and simulate ``path``: every step gives findings or results."""
    report = procflow.lint([path])
    assert report.exit_code in (0, 1, 2)
    internal = [f for f in report.findings if f.code == INTERNAL_ERROR]
    assert not internal, f"lint crashed: {internal[0].message}"
    try:
        process, _ = procflow.load_any(path)
    except LoadError as error:
        assert error.findings
        assert report.exit_code == 2, "lint passed a file that does not load"
        return
    try:
        capacity = procflow.analyze(process)
    except LintError as error:
        assert error.findings
        return
    assert capacity is not None
    settings_ = RunSettings.parse(process, horizon="4 hours", warmup="0 min", replications=1)
    try:
        results = procflow.simulate(process, settings_, replications=1, seed=1)
    except LintError as error:
        assert error.findings
        return
    assert results is not None


def check(root: Path, name: str, text: str) -> None:
    """Write ``text`` as file ``name`` among the examples and run the property on it."""
    path = root / name
    path.write_text(text, encoding="utf-8")
    before = fingerprint(root)
    end_in_findings_or_results(path)
    assert fingerprint(root) == before, "a file that was read has changed"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    examples(folder)
    return folder


@FUZZ
@given(documents(PROCESS_SEEDS))
def test_a_broken_process_ends_in_findings_or_results(
    root: Path, document: tuple[str, str]
) -> None:
    """A bundled process broken a few ways: findings or results, never a crash."""
    name, text = document
    check(root, name.replace(".yaml", "_fuzzed.yaml"), text)


@FUZZ
@given(documents(SCENARIO_SEEDS))
def test_a_broken_scenario_ends_in_findings_or_results(
    root: Path, document: tuple[str, str]
) -> None:
    """A bundled scenario broken a few ways (its base intact): findings or results."""
    name, text = document
    check(root, name.replace(".yaml", "_fuzzed.yaml"), text)


@FUZZ
@given(st.text(max_size=300))
def test_random_text_ends_in_findings(root: Path, text: str) -> None:
    """Any text at all, as a process file: findings (or, rarely, a process)."""
    check(root, "processes/random.yaml", text)
