"""The report of a comparison: what each scenario would change against the baseline.

Made from the JSON of ``procflow compare --format json``. The verdict comes
first: for each scenario, fine, watch, or do not ship. Then, per scenario, its
SLAs before and after, and each headline KPI's change with its 95% interval over
paired replications (a forest chart and a table); then the baseline in detail,
as in the report of one simulation.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape as _e
from typing import Any

from procflow.model.process import Process
from procflow.report import charts
from procflow.report.html.page import (
    Document,
    badge,
    figure,
    fmt,
    html_page,
    interval,
    num,
    one_page,
    process_section,
    section,
    sentence,
    settings_text,
    table,
    time_unit,
    wide_table,
)
from procflow.report.html.results import document_kpis, results_body

#: +1 when a rise is good, -1 when a fall is good; other KPIs are neither.
_LOWER_IS_BETTER = (
    "cycle_time.", "wip", "backlog", "cost_per_", "rework_rate", "escaped_defect_rate",
    "rework_exhausted_rate",
)  # fmt: skip


def _better(key: str) -> int:
    if key == "throughput_per_hour":
        return 1
    if key.startswith(_LOWER_IS_BETTER) or key.endswith(
        (".waiting_time", ".waiting_time_p90", ".queue_length", ".queue_length_max")
    ):
        return -1
    return 0


def _scenario_tone(s: Mapping[str, Any]) -> str:
    if s.get("stable") is False:
        return "bad"
    if any(x.get("broken") for x in s.get("slas") or []):
        return "bad"
    if any(not x.get("met") for x in s.get("slas") or []):
        return "warn"
    p90 = (s.get("differences") or {}).get("cycle_time.p90") or {}
    if p90.get("significant") and (num(p90.get("mean")) or 0) > 0:
        return "warn"
    return "ok"


_TONE_WORD = {"ok": "fine", "warn": "watch", "bad": "do not ship"}


def _relative(d: Mapping[str, Any]) -> tuple[float | None, float | None, float | None]:
    base = num(d.get("baseline"))
    mean = num(d.get("mean"))
    ci = d.get("ci95") or [None, None]
    low, high = num(ci[0]), num(ci[1])
    if base is None or mean is None:
        return None, None, None
    if base == 0:
        return (0.0, None, None) if mean == 0 else (None, None, None)
    scale = 100 / abs(base)
    return (
        mean * scale,
        low * scale if low is not None else None,
        high * scale if high is not None else None,
    )


def _difference_rows(
    baseline: Mapping[str, Any], scenario: Mapping[str, Any]
) -> list[tuple[str, str, str, Mapping[str, Any]]]:
    diffs = scenario.get("differences") or {}
    return [
        (key, label, kind, diffs[key])
        for key, label, kind in document_kpis(baseline)
        if key in diffs
    ]


def _scenario_section(baseline: Mapping[str, Any], s: Mapping[str, Any]) -> str:
    unit = time_unit(baseline)
    name = str(s.get("name", "scenario"))
    tone = _scenario_tone(s)
    parts = [
        f"<p>{badge(_TONE_WORD[tone], tone)} <b>{_e(sentence(str(s.get('verdict', ''))))}</b></p>"
    ]
    if s.get("description"):
        parts.append(f'<p class="desc">{_e(str(s["description"]))}</p>')
    slas = s.get("slas") or []
    if slas:
        rows = []
        for x in slas:
            before = badge("met", "ok") if x.get("baseline_met") else badge("missed", "bad")
            after = badge("met", "ok") if x.get("met") else badge("missed", "bad")
            flag = badge("broken by this change", "bad") if x.get("broken") else ""
            rows.append([_e(str(x.get("name", ""))), before, after, flag])
        parts.append("<h3>SLAs</h3>" + table(["SLA", "baseline", "scenario", ""], rows))
    rows_data = _difference_rows(baseline, s)
    forest_rows = []
    table_rows = []
    for key, label, kind, d in rows_data:
        rel, rlow, rhigh = _relative(d)
        ci = d.get("ci95") or [None, None]
        change = fmt(kind, num(d.get("mean")), unit, signed=True)
        forest_rows.append(
            charts.ForestRow(
                label, rel, rlow, rhigh, bool(d.get("significant")), _better(key),
                change + (f" ({rel:+.0f}%)" if rel is not None and abs(rel) >= 0.5 else ""),
            )
        )  # fmt: skip
        table_rows.append(
            (
                bool(d.get("significant")),
                [
                    _e(label),
                    _e(fmt(kind, num(d.get("baseline")), unit)),
                    _e(fmt(kind, num(d.get("scenario")), unit)),
                    f"<b>{_e(change)}</b>" if d.get("significant") else _e(change),
                    _e(interval(kind, num(ci[0]), num(ci[1]), unit, signed=True)),
                    _e(f"{rel:+.1f}%" if rel is not None else "–"),
                    badge("significant", "info") if d.get("significant") else "",
                ],
            )
        )
    if forest_rows:
        parts.append(
            figure(
                charts.forest_chart(
                    forest_rows, f"{name}: change of each KPI against the baseline"
                ),
                "Each KPI's change relative to the baseline with its 95% interval (paired "
                "replications). Filled dots are significant: green better, red worse, blue "
                "neither; hollow grey dots are within the noise. The change in the KPI's own "
                "unit is on the right.",
            )
        )
    head = ["KPI", "baseline", "scenario", "change", "95% interval", "relative", ""]
    kpi_table = wide_table(head, [("sig" if sig else "", cells) for sig, cells in table_rows], 0)
    parts.append("<h3>Key figures</h3>" + kpi_table)
    return section(f"Scenario: {name}", "".join(parts), anchor=f"scenario-{name}")


@one_page
def comparison_html(doc: Document, process: Process | None = None) -> str:
    """The report of a comparison (``procflow compare --format json``)."""
    baseline: Mapping[str, Any] = doc.get("baseline") or {}
    scenarios: list[Mapping[str, Any]] = doc.get("scenarios") or []
    tones = [_scenario_tone(s) for s in scenarios]
    worst = "bad" if "bad" in tones else "warn" if "warn" in tones else "ok"
    if not scenarios:
        headline = "No scenario to compare."
    elif worst == "bad":
        headline = f"{tones.count('bad')} of {len(scenarios)} scenarios would hurt the operation"
    elif worst == "warn":
        headline = "No scenario breaks the operation; some need a closer look"
    else:
        headline = "Every scenario keeps the operation stable and its SLAs met"
    items = [
        f"<li>{badge(_TONE_WORD[t], t)} <b>{_e(str(s.get('name', '')))}</b>: "
        f"{_e(str(s.get('verdict', '')))}</li>"
        for s, t in zip(scenarios, tones, strict=True)
    ]
    items.append(
        f"<li>{badge('baseline', 'muted')} <b>{_e(str(baseline.get('process', '')))}</b>: "
        f"{_e(str(baseline.get('verdict', '')))}</li>"
    )
    verdict = section(
        "Verdict",
        f'<p class="headline">{_e(headline)}</p><ul>{"".join(items)}</ul>',
        cls=f"verdict {worst}",
        anchor="verdict",
    )
    body = [verdict]
    body += [_scenario_section(baseline, s) for s in scenarios]
    diagram = process_section(process, baseline)
    if diagram:
        body.append(diagram)
    inner = "".join(results_body(baseline, process, level=3))
    body.append(
        section(
            "The baseline in detail",
            f'<p class="note">Verdict: {_e(str(baseline.get("verdict", "")))}</p>' + inner,
            anchor="baseline",
        )
    )
    return html_page(
        "comparison report",
        str(baseline.get("process", "process")),
        settings_text(baseline.get("settings") or {}, paired=True),
        body,
    )
