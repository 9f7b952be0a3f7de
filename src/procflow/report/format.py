"""Numbers as a PM reads them: ``4.2 min``, ``87.0%``, ``1,234.50``, with intervals and changes.

Every formatter (terminal, Markdown, HTML, workbook, CSV) takes a KPI's label,
unit kind and direction from the catalogue (:mod:`procflow.results.catalogue`) and
its text from here, so one number reads the same everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from procflow.model.quantities import TimeUnit, counted, format_duration
from procflow.results import (
    CATALOGUE,
    Difference,
    Estimate,
    Kpi,
    KpiValue,
    PrecisionWarning,
    Results,
    SlaResult,
    headline_keys,
    lookup,
)
from procflow.results.catalogue import Family, UnitKind, defines
from procflow.results.numbers import format_value as format_value  # formatters read it here
from procflow.results.verdict import DECIDING_PRECISION


def headline(results: Results) -> list[KpiValue]:
    """The KPIs a summary table shows, in the catalogue's order: the headlines, with the
    process's summary KPIs (the backlog's ages, breached items) after its own headlines."""
    rows = headline_keys(results.kpis, results.pools, results.stages)
    process = sum(1 for v in rows if v.kpi.family == "process")
    extra = [v for v in in_order(results.kpis) if v.kpi.summary and v.kpi.family == "process"]
    merged = sorted([*rows[:process], *extra], key=lambda v: _POSITION[v.key])
    return [*merged, *rows[process:]]


def headline_of(results: Iterable[Results]) -> list[KpiValue]:
    """The headline KPIs any of several results has (a comparison's baseline and scenarios)."""
    seen: dict[str, KpiValue] = {}
    for r in results:
        for value in headline(r):
            seen.setdefault(value.key, value)
    order = {v.key: k for k, v in enumerate(in_order(seen, _pools(seen), _stages(seen)))}
    return sorted(seen.values(), key=lambda v: order.get(v.key, len(order)))


def in_order(
    keys: Iterable[str], pools: Iterable[str] = (), stages: Iterable[str] = ()
) -> list[KpiValue]:
    """Every catalogue KPI among ``keys``, in the catalogue's order: the process's KPIs,
    then each pool's, each stage's, each SLA's, each due-date value's, each ``truth.by``
    value's, each class's and each confusion cell's (pools and stages in the order
    given, then in the order first seen); keys the catalogue does not define are left
    out."""
    have = {k: lookup(k) for k in keys if defines(k)}
    rows = sorted(
        (v for v in have.values() if v.kpi.family == "process"), key=lambda v: _POSITION[v.key]
    )
    for family, given in (
        ("pool", pools),
        ("stage", stages),
        ("sla", ()),
        ("due", ()),
        ("decision", ()),
        ("class", ()),
        ("confusion", ()),
    ):
        kpis = [kpi for kpi in CATALOGUE if kpi.family == family]
        seen = [v.subject for v in have.values() if v.kpi.family == family]
        for name in dict.fromkeys([*given, *seen]):
            rows += [have[k.key_for(name)] for k in kpis if k.key_for(name) in have]
    return rows


_POSITION = {kpi.key: k for k, kpi in enumerate(CATALOGUE)}


def template(key: str) -> Kpi:
    """The catalogue's KPI of a key with ``{name}``, such as ``stages.{name}.visits``."""
    return next(kpi for kpi in CATALOGUE if kpi.key == key)


def every_kpi(results: Results) -> list[KpiValue]:
    """Every KPI of a simulation, in the catalogue's order (:func:`in_order`)."""
    return in_order(results.kpis, results.pools, results.stages)


def columns(family: Family, keys: Iterable[str]) -> list[Kpi]:
    """The KPIs of a pool or stage ``family`` that some of ``keys`` are of, in the
    catalogue's order: the columns of a table with one row per pool or stage."""
    present = {v.kpi.key for v in (lookup(k) for k in keys if defines(k))}
    return [kpi for kpi in CATALOGUE if kpi.family == family and kpi.key in present]


def label(value: KpiValue, slas: Sequence[SlaResult] = ()) -> str:
    """A KPI's label; an SLA's with the SLA's name (``SLA 90% within 4 hours attained``)."""
    index = value.subject
    if value.kpi.family == "sla" and index.isdigit() and int(index) < len(slas):
        return value.kpi.label_for(slas[int(index)].name)
    return value.label


def column_label(kpi: Kpi) -> str:
    """A pool's or stage's KPI as the column of a table with one row per pool or stage:
    its label without the name (``mean wait``)."""
    return " ".join(kpi.label.replace("{name}", "").split())


def _pools(keys: Iterable[str]) -> list[str]:
    return _subjects(keys, "pool")


def _stages(keys: Iterable[str]) -> list[str]:
    return _subjects(keys, "stage")


def _subjects(keys: Iterable[str], family: str) -> list[str]:
    values = (lookup(k) for k in keys if defines(k))
    return list(dict.fromkeys(v.subject for v in values if v.kpi.family == family))


def format_interval(
    kind: UnitKind, low: float, high: float, time_unit: str, *, signed: bool = False
) -> str:
    """``low … high`` in the KPI's format, or '' without an interval (one replication)."""
    if math.isnan(low) or math.isnan(high):
        return ""
    first = format_value(kind, low, time_unit, signed=signed)
    return f"{first} … {format_value(kind, high, time_unit, signed=signed)}"


def format_estimate(kind: UnitKind, estimate: Estimate, time_unit: str) -> tuple[str, str]:
    """(mean, interval) of an estimate in the KPI's format."""
    return (
        format_value(kind, estimate.mean, time_unit),
        format_interval(kind, estimate.low, estimate.high, time_unit),
    )


def replications(n: int | str, what: str = "replication") -> str:
    """``1 replication``, ``10 replications`` (``what``: ``paired replication``...)."""
    return counted(n, what)


def precision_summary(warnings: Sequence[PrecisionWarning]) -> str:
    """What the precision warnings ask for, in one line ('' without any)."""
    if not warnings:
        return ""
    if not warnings[0].key:
        return (
            "1 replication gives no interval: run several (--replications 10) to see how "
            "precise these numbers are"
        )
    needed = [w.replications for w in warnings if w.replications is not None]
    said = "some intervals are too wide to decide on"
    if not needed:
        return said
    return (
        f"{said}: about {replications(max(needed))} would be enough (--replications {max(needed)})"
    )


def precision_text(warning: PrecisionWarning, slas: Sequence[SlaResult] = ()) -> str:
    """One precision warning in a PM's words, with the replications that would be enough."""
    enough = warning.replications
    if not warning.key:
        return precision_summary([warning])
    if warning.sla is not None:
        said = f"SLA {warning.sla}: its interval straddles the target, so it may be met or not"
        decides = "would decide it"
    else:
        relative = warning.relative_half_width
        # a whole percent, unless that reads as the threshold itself (10.04% is not 10%)
        shown = f"{relative:.0%}" if round(relative, 2) > DECIDING_PRECISION else f"{relative:.1%}"
        width = f"±{shown}" if relative < 10 else "more than ±1000%"
        said = f"{label(lookup(warning.key), slas)}: {width} of its mean"
        decides = f"would bring it within ±{DECIDING_PRECISION:.0%}"
    if enough is None:
        return f"{said} (its mean sits on the target: more replications may never tell)"
    return f"{said} ({replications(enough)} {decides})"


def change_word(value: KpiValue, difference: Difference) -> str:
    """``better``, ``worse`` or ``''`` for a significant change, by the KPI's direction."""
    better = value.kpi.better
    if not difference.significant or better == "neither":
        return ""
    up = difference.change.mean > 0
    return "better" if up == (better == "higher") else "worse"


def duration(value: float, time_unit: str) -> str:
    """A duration in the process's unit, e.g. ``4.2 min``."""
    unit: TimeUnit = time_unit  # type: ignore[assignment]
    return format_duration(value, unit)
