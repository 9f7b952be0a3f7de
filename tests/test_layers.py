"""The layers of the pipeline: every import points down, never back up.

Data flows one way (docs: ../shared/DESIGN.md, "The pipeline"): text is loaded,
validated, compiled, then linted, analysed or simulated, then summarized and
reported. A module may import its own package and the layers below its own; an
import of a layer above is a design error this test names, with the line. The
walk reads every ``import`` and ``from ... import`` of the source, module-level
and inside functions, so a lazy import counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from models import ROOT

SOURCE = ROOT / "src" / "procflow"

#: The layers, lowest first. A module may import any layer at or below its own.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("files", "diagnostics"),
    ("source",),
    ("expr",),
    ("model",),
    ("schema",),
    ("flow",),
    ("results",),
    ("analysis",),
    ("eventlog",),
    ("scenario",),
    ("lint",),
    ("sim",),
    ("decide",),
    ("calibrate",),
    ("scaffold",),
    ("report",),
    ("cli",),
    ("__init__",),
)
#: Arrows that the order allows but the design does not.
FORBIDDEN = {
    ("report", "sim"): "reports read records, they never run a simulation",
    ("report", "decide"): "reports read records, they never run a simulation",
}
#: Lazy imports that point up, each with its reason.
ALLOWED_UP = {
    ("schema", "scenario"): "the JSON Schema describes scenario files too",
}

_RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _layer(module: str) -> str:
    """``procflow.report.html.page`` -> ``report``; ``procflow`` itself -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    relative = path.relative_to(SOURCE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("procflow")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "procflow":  # from procflow import analysis: the subpackage
                found += [(node.lineno, f"procflow.{a.name}") for a in node.names]
            elif node.module.startswith("procflow."):
                found.append((node.lineno, node.module))
    return found


MODULES = sorted(SOURCE.rglob("*.py"))


def test_every_package_has_a_layer() -> None:
    layers = {_layer(_module_name(p)) for p in MODULES}
    assert layers <= set(_RANK), f"give these a layer: {sorted(layers - set(_RANK))}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_imports_point_down_the_pipeline(path: Path) -> None:
    own = _layer(_module_name(path))
    wrong = []
    for line, module in _imports(path):
        other = _layer(module) if module != "procflow" else "__init__"
        if other == own:
            continue
        reason = FORBIDDEN.get((own, other))
        if reason:
            wrong.append(f"{path.name}:{line} imports {module}: {reason}")
        elif _RANK[other] > _RANK[own] and (own, other) not in ALLOWED_UP:
            wrong.append(f"{path.name}:{line} imports {module}, a layer above {own}")
    assert not wrong, "\n".join(wrong)


def test_the_walk_sees_imports_inside_functions() -> None:
    """The test itself: a lazy import in a function is found (cli imports lazily)."""
    found = _imports(SOURCE / "cli" / "simulate.py")
    assert any(module.startswith("procflow.report") for _, module in found)
