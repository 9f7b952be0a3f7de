"""Lint settings: ``--select``/``--ignore`` and ``[tool.procflow]`` in ``pyproject.toml``.

Example::

    [tool.procflow]
    ignore = ["PF106"]          # codes, code prefixes ("PF4") or rule names
    select = ["PF1", "PF2"]     # only these (default: everything)
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from procflow.diagnostics import Finding


class ConfigError(Exception):
    """The ``[tool.procflow]`` table is malformed."""


@dataclass(frozen=True)
class LintConfig:
    """Which findings to report."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    source: str | None = field(default=None, compare=False)

    def wants(self, finding: Finding) -> bool:
        """Whether the finding passes ``select`` and ``ignore``."""

        def matches(patterns: Iterable[str]) -> bool:
            return any(finding.code.startswith(p) or finding.name == p for p in patterns)

        if self.select and not matches(self.select):
            return False
        return not matches(self.ignore)

    def merged(self, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> LintConfig:
        """Command-line options on top: ``--select`` replaces, ``--ignore`` adds."""
        chosen = tuple(select) or self.select
        return LintConfig(chosen, self.ignore + tuple(ignore), self.source)


def find_config(start: Path) -> LintConfig:
    """Read ``[tool.procflow]`` from the nearest ``pyproject.toml`` at or above ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return read_config(candidate)
    return LintConfig()


def read_config(path: Path) -> LintConfig:
    """Read one ``pyproject.toml``; raise :class:`ConfigError` if its table is malformed."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    tool = data.get("tool", {})
    table = tool.get("procflow", {}) if isinstance(tool, dict) else None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.procflow] must be a table")
    values: dict[str, tuple[str, ...]] = {}
    for key in ("select", "ignore"):
        raw = table.get(key, [])
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            raise ConfigError(f"{path}: [tool.procflow] {key} must be a list of codes")
        values[key] = tuple(raw)
    unknown = set(table) - {"select", "ignore"}
    if unknown:
        raise ConfigError(
            f"{path}: [tool.procflow] has unknown keys {sorted(unknown)}; use select, ignore"
        )
    return LintConfig(values["select"], values["ignore"], str(path))
