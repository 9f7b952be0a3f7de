"""Excel workbooks built from procflow's JSON documents, and the tables behind them.

Results leave procflow as the JSON documents of ``report/jsonout.py`` (``simulate``,
``compare``, ``sweep`` and ``optimize`` with ``--format json``). :func:`document_tables`
turns any of them into plain tables with headers a PM understands, units in the headers
("Cycle time p90 (min)", "Utilization (%)", "Cost per item"); :func:`write_workbook`
writes them as sheets of one workbook and ``report/csvout.py`` as CSV files.

Values are the JSON's own numbers: durations in the process's time unit
(``settings.time_unit``), shares as fractions shown with a percent format in Excel
(the CSV files write them as percentages), ``null`` as an empty cell, flags as yes/no.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from procflow.files import write_atomic
from procflow.results import document_kind

#: How a time unit is written in a header.
UNIT_SHORT = {"second": "s", "minute": "min", "hour": "h", "day": "days", "week": "weeks"}

#: Excel number formats per kind of value; ``signed`` variants for changes.
_FORMATS = {
    "count": "#,##0",
    "number": "#,##0.00",
    "ratio": "0.000",
    "duration": "#,##0.00",
    "money": "#,##0.00",
    "share": "0.0%",
}
_SIGNED_FORMATS = {
    "count": "+#,##0;-#,##0;0",
    "number": "+#,##0.00;-#,##0.00;0.00",
    "ratio": "+0.000;-0.000;0.000",
    "duration": "+#,##0.00;-#,##0.00;0.00",
    "money": "+#,##0.00;-#,##0.00;0.00",
    "share": "+0.0%;-0.0%;0.0%",
}


class Cell(NamedTuple):
    """One value and how to show it: ``kind`` is text, plain (a number as it is), count,
    number, ratio, duration, money or share (a fraction); ``signed`` shows a change with its
    sign."""

    value: Any
    kind: str = "text"
    signed: bool = False


@dataclass
class Table:
    """One sheet of the workbook, one CSV file of the folder."""

    title: str  # the sheet's name (at most 31 characters, unique in the workbook)
    filename: str  # the CSV file's name without ``.csv``
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


# --- what a document is -----------------------------------------------------------------


# --- labels -------------------------------------------------------------------------------

_TOP = {
    "throughput_per_hour": ("Throughput (items/hour)", "number"),
    "arrivals_per_hour": ("Arrivals (items/hour)", "number"),
    "wip": ("Work in progress (items)", "number"),
    "backlog": ("Backlog at end (items)", "number"),
    "cost_per_hour": ("Cost per hour", "money"),
    "cost_per_item": ("Cost per item", "money"),
    "rework_rate": ("Rework rate (%)", "share"),
    "escaped_defect_rate": ("Escaped defects (%)", "share"),
    "rework_exhausted_rate": ("Out of review attempts (%)", "share"),
}
_RESOURCE = {
    "utilization": ("utilization (%)", "share"),
    "busy": ("busy (people)", "number"),
    "staff": ("on duty (people)", "number"),
}
_STAGE = {
    "visits": ("visits per item", "ratio"),
    "waiting_time": ("mean wait ({u})", "duration"),
    "waiting_time_p90": ("wait p90 ({u})", "duration"),
    "queue_length": ("mean queue (items)", "number"),
    "queue_length_max": ("longest queue (items)", "number"),
    "escalated": ("escalated (%)", "share"),
}
_SETTINGS = {
    "replications": ("Replications", "count"),
    "seed": ("Seed", "plain"),
    "horizon": ("Horizon ({u})", "duration"),
    "warmup": ("Warm-up ({u})", "duration"),
    "time_unit": ("Time unit", "text"),
}


def unit_short(document: Mapping[str, Any]) -> str:
    """The document's time unit as headers write it: ``min``, ``h``..."""
    settings = document.get("settings") or {}
    unit = str(settings.get("time_unit") or "minute")
    return UNIT_SHORT.get(unit, unit)


def kpi_label(key: str, unit: str, sla_names: Sequence[str] = ()) -> tuple[str, str]:
    """(header, kind) of a flat KPI key such as ``cycle_time.p90`` or ``stages.x.visits``."""
    if key in _TOP:
        return _TOP[key]
    if key.startswith("cycle_time."):
        which = key.removeprefix("cycle_time.")
        return f"Cycle time {which} ({unit})", "duration"
    head, _, suffix = key.rpartition(".")
    if head.startswith("resources.") and suffix in _RESOURCE:
        text, kind = _RESOURCE[suffix]
        return f"{head.removeprefix('resources.')} {text}", kind
    if head.startswith("stages.") and suffix in _STAGE:
        text, kind = _STAGE[suffix]
        return f"{head.removeprefix('stages.')} {text.format(u=unit)}", kind
    match = re.fullmatch(r"slas\.(\d+)\.attained", key)
    if match:
        index = int(match[1])
        name = sla_names[index] if index < len(sla_names) else f"SLA {index + 1}"
        return f"SLA attained: {name} (%)", "share"
    return key, "number"


def _series_label(key: str, unit: str) -> tuple[str, str]:
    if key == "time":
        return f"Time ({unit})", "duration"
    if key == "wip":
        return "Work in progress (items)", "number"
    kind, _, name = key.partition(".")
    text = {"queue": "queue (items)", "busy": "busy (people)", "working": "working (people)"}
    if kind in text:
        return f"{name} {text[kind]}", "number"
    return key, "number"


# --- small helpers ------------------------------------------------------------------------


def _flag(value: Any) -> Cell:
    return Cell(None if value is None else ("yes" if value else "no"), "text")


def _scalar(value: Any) -> Any:
    """A change value for one cell: numbers and text as they are, anything else as JSON."""
    if value is None or isinstance(value, int | float | str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _number_or_text(value: Any) -> Cell:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return Cell(_scalar(value))
    return Cell(value, "count" if isinstance(value, int) else "plain")


def _estimate(estimate: Mapping[str, Any] | None, kind: str) -> list[Cell]:
    """Mean, 95% low, 95% high of ``{"mean": x, "ci95": [lo, hi]}``."""
    if not estimate:
        return [Cell(None, kind)] * 3
    low, high = estimate.get("ci95") or (None, None)
    return [Cell(estimate.get("mean"), kind), Cell(low, kind), Cell(high, kind)]


def _flat_kpis(kpis: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """``kpis`` of the results JSON as (flat key, estimate), cycle time unnested."""
    flat: list[tuple[str, Mapping[str, Any]]] = []
    for key, value in kpis.items():
        if key == "cycle_time" and not isinstance(value.get("mean"), int | float | None):
            flat += [(f"cycle_time.{q}", v) for q, v in value.items()]
        else:
            flat.append((key, value))
    return flat


def _sla_names(results: Mapping[str, Any]) -> list[str]:
    return [str(s.get("name", "")) for s in results.get("slas") or []]


def _setting_rows(settings: Mapping[str, Any], unit: str) -> list[list[Cell]]:
    rows = []
    for key, value in settings.items():
        label, kind = _SETTINGS.get(key, (key, "number"))
        if not isinstance(value, int | float) or isinstance(value, bool):
            kind = "text"
            value = _scalar(value)
        rows.append([Cell(label.format(u=unit)), Cell(value, kind)])
    return rows


# --- the tables of a simulation -----------------------------------------------------------


def _results_tables(
    doc: Mapping[str, Any], summary_extra: list[list[Cell]], *, of: str = ""
) -> list[Table]:
    unit = unit_short(doc)
    slas = doc.get("slas") or []
    names = _sla_names(doc)
    met = sum(1 for s in slas if s.get("met"))
    summary = Table("Summary", "summary", ["Item", "Value"])
    summary.rows += [
        [Cell("Process"), Cell(doc.get("process"))],
        [Cell(f"{of}verdict".capitalize()), Cell(doc.get("verdict"))],
        [Cell(f"{of}stable (simulated)".capitalize()), _flag(doc.get("stable"))],
        [Cell(f"{of}stable (queueing estimate)".capitalize()), _flag(doc.get("analytic_stable"))],
        [Cell(f"{of}SLAs met" if of else "SLAs met"), Cell(f"{met} of {len(slas)}")],
    ]
    for growing in doc.get("unstable") or []:
        summary.rows.append(
            [
                Cell(f"Growing queue: {growing.get('stage')} (items/hour)"),
                Cell(growing.get("growth_per_hour"), "number"),
            ]
        )
    summary.rows += _setting_rows(doc.get("settings") or {}, unit)
    summary.rows += summary_extra

    kpis = Table("KPIs", "kpis", ["KPI", "Mean", "95% low", "95% high", "Key"])
    for key, estimate in _flat_kpis(doc.get("kpis") or {}):
        label, kind = kpi_label(key, unit, names)
        kpis.rows.append([Cell(label), *_estimate(estimate, kind), Cell(key)])

    stages = Table("Stages", "stages", ["Stage"])
    measures = [m for m in _STAGE if any(m in s for s in (doc.get("stages") or {}).values())]
    for measure in measures:
        text, _ = _STAGE[measure]
        label = text.format(u=unit)
        plain, _, tail = label.partition(" (")
        tail = f" ({tail}" if tail else ""
        name = plain[0].upper() + plain[1:]
        stages.headers += [f"{name}{tail}", f"{name}, 95% low{tail}", f"{name}, 95% high{tail}"]
    for stage, values in (doc.get("stages") or {}).items():
        row = [Cell(stage)]
        for measure in measures:
            row += _estimate(values.get(measure), _STAGE[measure][1])
        stages.rows.append(row)

    resources = Table(
        "Resources",
        "resources",
        [
            "Pool",
            "Staff (people)",
            "Mean staff on duty (people)",
            "Utilization (%)",
            "Utilization, 95% low (%)",
            "Utilization, 95% high (%)",
            "Busy (people)",
            "Busy, 95% low (people)",
            "Busy, 95% high (people)",
        ],
    )
    for pool, values in (doc.get("resources") or {}).items():
        resources.rows.append(
            [
                Cell(pool),
                Cell(values.get("count"), "count"),
                Cell(values.get("mean_staff"), "number"),
                *_estimate(values.get("utilization"), "share"),
                *_estimate(values.get("busy"), "number"),
            ]
        )

    sla_table = Table(
        "SLAs",
        "slas",
        [
            "SLA",
            "Metric",
            "Stage",
            "Percentile",
            f"Within ({unit})",
            "Attained (%)",
            "Attained, 95% low (%)",
            "Attained, 95% high (%)",
            "Met",
            "Certain (interval on one side)",
        ],
    )
    for sla in slas:
        sla_table.rows.append(
            [
                Cell(sla.get("name")),
                Cell(str(sla.get("metric", "")).replace("_", " ")),
                Cell(sla.get("stage")),
                Cell(sla.get("percentile"), "plain"),
                Cell(sla.get("max"), "duration"),
                *_estimate(sla.get("attained"), "share"),
                _flag(sla.get("met")),
                _flag(sla.get("certain")),
            ]
        )

    bottlenecks = Table("Bottlenecks", "bottlenecks", ["Rank", "Name", "Kind", "Score", "Evidence"])
    for rank, b in enumerate(doc.get("bottlenecks") or [], start=1):
        bottlenecks.rows.append(
            [
                Cell(rank, "count"),
                Cell(b.get("name")),
                Cell(b.get("kind")),
                Cell(b.get("score"), "number"),
                Cell(b.get("reason")),
            ]
        )

    replications = doc.get("replications") or []
    keys: list[str] = []
    for rep in replications:
        keys += [k for k in rep if k not in keys]
    labels = [kpi_label(k, unit, names) for k in keys]
    per_rep = Table("Replications", "replications", ["Replication"] + [lab for lab, _ in labels])
    for number, rep in enumerate(replications, start=1):
        per_rep.rows.append(
            [Cell(number, "count")]
            + [Cell(rep.get(k), kind) for k, (_, kind) in zip(keys, labels, strict=True)]
        )

    tables = [summary, kpis, stages, resources, sla_table, bottlenecks, per_rep]

    series = doc.get("series") or {}
    if series.get("time"):
        columns = list(series)
        heads = [_series_label(k, unit) for k in columns]
        time_series = Table("Time series", "time_series", [h for h, _ in heads])
        for i in range(min(len(series[k]) for k in columns)):
            time_series.rows.append(
                [Cell(series[k][i], kind) for k, (_, kind) in zip(columns, heads, strict=True)]
            )
        tables.append(time_series)

    distribution = doc.get("cycle_time_distribution") or {}
    if distribution.get("values"):
        cycle = Table(
            "Cycle time distribution",
            "cycle_time_distribution",
            ["Percentile", f"Cycle time ({unit})"],
        )
        for p, v in zip(
            distribution.get("percentiles") or [], distribution["values"], strict=False
        ):
            cycle.rows.append([Cell(p, "count"), Cell(v, "duration")])
        tables.append(cycle)
    return tables


# --- comparisons --------------------------------------------------------------------------

COMPARISON_HEADERS = [
    "KPI", "Baseline", "Scenario", "Change", "95% low", "95% high", "Significant", "Key",
]  # fmt: skip
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def _unique(name: str, taken: set[str], limit: int) -> str:
    """``name`` cut to ``limit`` characters and made unique (case-insensitively) in ``taken``."""
    candidate, n = name[:limit], 1
    while candidate.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = name[: limit - len(suffix)] + suffix
    taken.add(candidate.casefold())
    return candidate


def _comparison_tables(doc: Mapping[str, Any]) -> list[Table]:
    baseline = doc.get("baseline") or {}
    unit = unit_short(baseline)
    names = _sla_names(baseline)
    extra: list[list[Cell]] = []
    for scenario in doc.get("scenarios") or []:
        name = scenario.get("name")
        broken = [s.get("name") for s in scenario.get("slas") or [] if s.get("broken")]
        extra += [
            [Cell(f"Scenario {name}: verdict"), Cell(scenario.get("verdict"))],
            [Cell(f"Scenario {name}: stable"), _flag(scenario.get("stable"))],
            [Cell(f"Scenario {name}: SLAs it breaks"), Cell(", ".join(broken) or "none")],
        ]
        if scenario.get("description"):
            extra.append([Cell(f"Scenario {name}: description"), Cell(scenario["description"])])
    tables = _results_tables(baseline, extra, of="baseline ")
    titles = {t.title.casefold() for t in tables}
    files = {t.filename.casefold() for t in tables}
    comparisons = []
    for scenario in doc.get("scenarios") or []:
        name = str(scenario.get("name") or "scenario")
        table = Table(
            _unique(_BAD_TITLE.sub("_", f"vs {name}"), titles, 31),
            _unique("comparison_" + re.sub(r"[^\w.-]+", "_", name).strip("._"), files, 100),
            list(COMPARISON_HEADERS),
        )
        for key, d in (scenario.get("differences") or {}).items():
            label, kind = kpi_label(key, unit, names)
            low, high = d.get("ci95") or (None, None)
            table.rows.append(
                [
                    Cell(label),
                    Cell(d.get("baseline"), kind),
                    Cell(d.get("scenario"), kind),
                    Cell(d.get("mean"), kind, signed=True),
                    Cell(low, kind, signed=True),
                    Cell(high, kind, signed=True),
                    _flag(d.get("significant")),
                    Cell(key),
                ]
            )
        comparisons.append(table)
    # the verdict and the comparisons first, then the baseline's own tables
    return tables[:1] + comparisons + tables[1:]


# --- sweeps and staffing searches ---------------------------------------------------------


def _union(dicts: Iterable[Mapping[str, Any] | None]) -> list[str]:
    keys: list[str] = []
    for d in dicts:
        keys += [k for k in d or {} if k not in keys]
    return keys


def _sweep_tables(doc: Mapping[str, Any]) -> list[Table]:
    unit = unit_short(doc)
    points = doc.get("points") or []
    feasible = [p for p in points if p.get("feasible")]
    summary = Table("Summary", "summary", ["Item", "Value"])
    summary.rows += [
        [Cell("Process"), Cell(doc.get("process"))],
        [Cell("Points"), Cell(len(points), "count")],
        [Cell("Points meeting every SLA, stable"), Cell(len(feasible), "count")],
    ]
    if feasible:
        cheapest = min(feasible, key=lambda p: p.get("cost_per_hour") or 0.0)
        described = ", ".join(f"{k} = {_scalar(v)}" for k, v in (cheapest["changes"] or {}).items())
        summary.rows += [
            [Cell("Cheapest such point"), Cell(described)],
            [Cell("Its planned staff cost per hour"), Cell(cheapest.get("cost_per_hour"), "money")],
        ]
    summary.rows += _setting_rows(doc.get("settings") or {}, unit)

    axes = _union(p.get("changes") for p in points)
    sla_names = _union({s.get("name"): 1 for s in p.get("slas") or []} for p in points)
    kpi_keys = _union(p.get("kpis") for p in points)
    labels = [kpi_label(k, unit) for k in kpi_keys]
    sweep = Table(
        "Sweep",
        "sweep",
        [
            "Point",
            *axes,
            "Meets every SLA, stable",
            "Stable",
            "Verdict",
            "Planned staff cost per hour",
        ]
        + [f"SLA met: {n}" for n in sla_names]
        + [f"SLA attained: {n} (%)" for n in sla_names]
        + [lab for lab, _ in labels]
        + ["Error"],
    )
    intervals = Table(
        "Sweep intervals",
        "sweep_intervals",
        ["Point", *axes, "KPI", "Mean", "95% low", "95% high", "Key"],
    )
    for number, point in enumerate(points, start=1):
        changes = point.get("changes") or {}
        head = [Cell(number, "count")] + [_number_or_text(changes.get(a)) for a in axes]
        slas = {s.get("name"): s for s in point.get("slas") or []}
        kpis = point.get("kpis") or {}
        sweep.rows.append(
            head
            + [
                _flag(point.get("feasible")),
                _flag(point.get("stable")),
                Cell(point.get("verdict")),
                Cell(point.get("cost_per_hour"), "money"),
            ]
            + [_flag(slas[n].get("met")) if n in slas else Cell(None) for n in sla_names]
            + [
                Cell((slas[n].get("attained") or {}).get("mean") if n in slas else None, "share")
                for n in sla_names
            ]
            + [
                Cell((kpis.get(k) or {}).get("mean"), kind)
                for k, (_, kind) in zip(kpi_keys, labels, strict=True)
            ]
            + [Cell(point.get("error"))]
        )
        for key, (label, kind) in zip(kpi_keys, labels, strict=True):
            if key in kpis:
                intervals.rows.append([*head, Cell(label), *_estimate(kpis[key], kind), Cell(key)])
    return [summary, sweep, intervals]


def _optimize_tables(doc: Mapping[str, Any]) -> list[Table]:
    unit = unit_short(doc)
    best = doc.get("best")
    runners_up = doc.get("runners_up") or []
    candidates = doc.get("candidates") or []
    baseline_cost = doc.get("baseline_cost_per_hour")
    summary = Table("Summary", "summary", ["Item", "Value"])
    summary.rows += [
        [Cell("Process"), Cell(doc.get("process"))],
        [
            Cell("Best plan"),
            Cell(
                ", ".join(f"{pool}: {n}" for pool, n in (best.get("counts") or {}).items())
                if best
                else "no plan within the bounds meets every SLA"
            ),
        ],
        [
            Cell("Best plan: cost per hour"),
            Cell(best.get("cost_per_hour") if best else None, "money"),
        ],
        [Cell("Current cost per hour"), Cell(baseline_cost, "money")],
        [Cell("Plans within the bounds"), Cell(doc.get("plans_in_bounds"), "count")],
        [Cell("Ruled out by the queueing estimate"), Cell(doc.get("pruned_by_analysis"), "count")],
        [Cell("Simulated"), Cell(len(candidates), "count")],
    ]
    summary.rows += [[Cell("Note"), Cell(note)] for note in doc.get("notes") or []]
    summary.rows += _setting_rows(doc.get("settings") or {}, unit)

    plans = ([best] if best else []) + runners_up + candidates
    pools = _union(p.get("counts") for p in plans)
    sla_names = _union({s.get("name"): 1 for s in p.get("slas") or []} for p in plans)
    headers = (
        ["Rank"]
        + [f"{pool} staff (people)" for pool in pools]
        + ["Cost per hour", "Change in cost per hour", "Cost per item"]
        + ["Busiest pool utilization, estimate (%)", "Stable", "Meets every SLA"]
        + [f"SLA attained: {n} (%)" for n in sla_names]
    )

    def table(title: str, filename: str, rows: list[Mapping[str, Any]]) -> Table:
        result = Table(title, filename, list(headers))
        for rank, plan in enumerate(rows, start=1):
            counts = plan.get("counts") or {}
            slas = {s.get("name"): s for s in plan.get("slas") or []}
            cost = plan.get("cost_per_hour")
            change = (
                cost - baseline_cost if cost is not None and baseline_cost is not None else None
            )
            result.rows.append(
                [Cell(rank, "count")]
                + [Cell(counts.get(pool), "count") for pool in pools]
                + [
                    Cell(cost, "money"),
                    Cell(change, "money", signed=True),
                    Cell(plan.get("cost_per_item"), "money"),
                    Cell(plan.get("analytic_max_utilization"), "share"),
                    _flag(plan.get("stable")),
                    _flag(plan.get("slas_met")),
                ]
                + [
                    Cell(
                        (slas[n].get("attained") or {}).get("mean") if n in slas else None, "share"
                    )
                    for n in sla_names
                ]
            )
        return result

    return [
        summary,
        table("Best", "best", [best] if best else []),
        table("Runners-up", "runners_up", runners_up),
        table("Candidates", "candidates", candidates),
    ]


def document_tables(document: Mapping[str, Any]) -> list[Table]:
    """The tables of any procflow JSON document, in the order a PM reads them."""
    kind = document_kind(document)
    if kind == "comparison":
        return _comparison_tables(document)
    if kind == "sweep":
        return _sweep_tables(document)
    if kind == "optimization":
        return _optimize_tables(document)
    return _results_tables(document, [])


# --- the workbook -------------------------------------------------------------------------


def _finite(value: Any) -> Any:
    """Excel has no NaN or infinity: leave such a cell empty (as JSON's null)."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _width(cell: Cell) -> int:
    value = cell.value
    if value is None:
        return 0
    if isinstance(value, float):
        return 12 if cell.kind != "share" else 8
    return len(str(value))


def workbook_bytes(document: Mapping[str, Any]) -> bytes:
    """The ``.xlsx`` file of ``document``, built in memory."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    tables = document_tables(document)
    workbook = Workbook()
    workbook.remove(workbook.active)
    name = document.get("process") or (document.get("baseline") or {}).get("process")
    if name:
        workbook.properties.title = f"procflow: {name}"
    workbook.properties.creator = "procflow"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE4EE")
    wrap = Alignment(wrap_text=True, vertical="top")
    for table in tables:
        sheet = workbook.create_sheet(table.title)
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font, cell.fill, cell.alignment = bold, fill, wrap
        for row in table.rows:
            sheet.append([_finite(c.value) for c in row])
            for target, c in zip(sheet[sheet.max_row], row, strict=False):
                formats = _SIGNED_FORMATS if c.signed else _FORMATS
                if c.kind in formats and isinstance(c.value, int | float):
                    target.number_format = formats[c.kind]
        sheet.freeze_panes = "A2"
        if table.rows:
            sheet.auto_filter.ref = sheet.dimensions
        for index, header in enumerate(table.headers):
            longest = max([_width(r[index]) for r in table.rows if index < len(r)], default=0)
            width = max(min(max(len(header), longest) + 2, 60), 8)
            if len(header) > 28 and longest < 28:
                width = max(longest + 2, 14)  # a long header wraps instead
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_workbook(document: Mapping[str, Any], path: Path) -> None:
    """Write ``document`` (simulate, compare, sweep or optimize JSON) as an Excel workbook.

    Atomic: built in memory, written to a temporary file in the same folder, renamed.
    Raises :class:`ValueError` for a document procflow did not write.
    """
    write_atomic(Path(path), workbook_bytes(document))
