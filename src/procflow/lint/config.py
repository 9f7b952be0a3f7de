"""Lint settings: ``--select``/``--ignore`` and ``[tool.procflow]`` in ``pyproject.toml``.

Example::

    [tool.procflow]
    ignore = ["PF106"]          # codes, code prefixes ("PF4") or rule names
    select = ["PF1", "PF2"]     # only these (default: everything)
    max-utilization = 0.85      # warn (PF404) when a pool is planned busier (default 0.9)

The codes of an org's policy rules (``ORG001``, see docs/policies.md) are codes like
procflow's own here, once the policy file is loaded.

A code, prefix or name that does not exist is refused with the closest one
(``no such rule 'PF1O6'; did you mean PF106?``) rather than silently matching
nothing: a typo must not turn a check off, or leave one on unnoticed.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from procflow.diagnostics import Finding, RuleInfo
from procflow.lint.policy import Policy
from procflow.lint.registry import UnknownRuleError, resolve

#: PMs plan pools to 80-85% busy; above 90% queues and turnaround climb steeply.
DEFAULT_MAX_UTILIZATION = 0.9


class ConfigError(Exception):
    """The ``[tool.procflow]`` table is malformed."""


@dataclass(frozen=True)
class LintConfig:
    """Which findings to report: selectors are codes, code prefixes or rule names.

    Raises :class:`~procflow.lint.registry.UnknownRuleError` for a selector that
    stands for no code.
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    source: str | None = field(default=None, compare=False)
    #: the planned utilization above which PF404 warns
    max_utilization: float = DEFAULT_MAX_UTILIZATION
    #: the org's policy, whose rules are checked with procflow's own
    policy: Policy | None = field(default=None, compare=False)

    _selected: frozenset[str] | None = field(init=False, repr=False, compare=False)
    _ignored: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        extra = self.policy.infos() if self.policy is not None else []
        selected = _codes(self.select, extra) if self.select else None
        object.__setattr__(self, "_selected", selected)
        object.__setattr__(self, "_ignored", _codes(self.ignore, extra))

    def wants(self, finding: Finding) -> bool:
        """Whether the finding passes ``select`` and ``ignore``."""
        if self._selected is not None and finding.code not in self._selected:
            return False
        return finding.code not in self._ignored

    def merged(
        self,
        select: Iterable[str] = (),
        ignore: Iterable[str] = (),
        max_utilization: float | None = None,
        policy: Policy | None = None,
    ) -> LintConfig:
        """Command-line options on top: ``--select`` replaces, ``--ignore`` adds; a
        ``policy`` given replaces the config's."""
        chosen = tuple(select) or self.select
        ceiling = self.max_utilization if max_utilization is None else max_utilization
        org = policy if policy is not None else self.policy
        return LintConfig(chosen, self.ignore + tuple(ignore), self.source, ceiling, org)


def _codes(selectors: Iterable[str], extra: Iterable[RuleInfo] = ()) -> frozenset[str]:
    extra = tuple(extra)
    return frozenset(code for selector in selectors for code in resolve(selector, extra))


def find_config(start: Path, policy: Policy | None = None) -> LintConfig:
    """Read ``[tool.procflow]`` from the nearest ``pyproject.toml`` at or above ``start``;
    its selectors may name the rules of ``policy``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return read_config(candidate, policy)
    return LintConfig(policy=policy)


def read_config(path: Path, policy: Policy | None = None) -> LintConfig:
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
    ceiling = table.get("max-utilization", table.get("max_utilization", DEFAULT_MAX_UTILIZATION))
    if isinstance(ceiling, bool) or not isinstance(ceiling, int | float) or not 0 < ceiling <= 1:
        raise ConfigError(
            f"{path}: [tool.procflow] max-utilization must be a share between 0 and 1, such as 0.85"
        )
    known = {"select", "ignore", "max-utilization", "max_utilization"}
    unknown = set(table) - known
    if unknown:
        raise ConfigError(
            f"{path}: [tool.procflow] has unknown keys {sorted(unknown)}; "
            "use select, ignore, max-utilization"
        )
    extra = policy.infos() if policy is not None else []
    for key, selectors in values.items():
        for selector in selectors:
            try:
                resolve(selector, extra)
            except UnknownRuleError as exc:
                raise ConfigError(f"{path}: [tool.procflow] {key}: {exc}") from None
    return LintConfig(values["select"], values["ignore"], str(path), float(ceiling), policy)
