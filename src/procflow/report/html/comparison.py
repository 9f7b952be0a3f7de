"""The report of a comparison: what each scenario would change against the baseline.

The verdict comes first: for each scenario, its verdict and its tone in a word
(fine, watch, do not ship). Then, per scenario, its SLAs before and after, each
headline KPI's change with its 95% interval over paired replications (a forest
chart and a table), and the scenario's own charts; then the baseline in detail,
as in the report of one simulation.
"""

from __future__ import annotations

from html import escape as _e

from procflow.model.process import Process
from procflow.report import charts
from procflow.report.format import change_word, headline_of
from procflow.report.html.forecast import forecast_sections
from procflow.report.html.page import (
    badge,
    figure,
    finite,
    fmt,
    html_page,
    interval,
    notes_list,
    one_page,
    process_section,
    section,
    sentence,
    settings_text,
    table,
    verdict_badge,
    wide_table,
)
from procflow.report.html.results import results_body, results_charts
from procflow.results import Comparison, Difference, KpiValue, ScenarioComparison, Tone

#: A KPI's direction in the forest chart: +1 a rise is good, -1 a fall is, 0 neither.
_DIRECTION = {"higher": 1, "lower": -1, "neither": 0}
_SEVERITY: dict[Tone, int] = {"ok": 0, "warn": 1, "bad": 2}


def _relative(d: Difference) -> tuple[float | None, float | None, float | None]:
    """The change and its interval in % of the baseline (None where undefined)."""
    base, mean = finite(d.baseline), finite(d.change.mean)
    if base is None or mean is None:
        return None, None, None
    if base == 0:
        return (0.0, None, None) if mean == 0 else (None, None, None)
    scale = 100 / abs(base)
    low, high = finite(d.change.low), finite(d.change.high)
    return (
        mean * scale,
        low * scale if low is not None else None,
        high * scale if high is not None else None,
    )


def _sla_table(scenario: ScenarioComparison) -> str:
    rows = []
    for x in scenario.slas:
        tones = {"met": "ok", "missed": "bad"}
        before, after = (badge(word, tones.get(word, "warn")) for word in x.words)
        flag = badge("broken by this change", "bad") if x.broken else ""
        rows.append([_e(x.name), before, after, flag])
    return "<h3>SLAs</h3>" + table(["SLA", "baseline", "scenario", ""], rows)


def _differences(scenario: ScenarioComparison, rows: list[KpiValue], unit: str) -> list[str]:
    """The forest chart and the table of each headline KPI's change."""
    forest_rows = []
    table_rows = []
    for value in rows:
        d = scenario.differences.get(value.key)
        if d is None:
            continue
        kind = value.kpi.unit
        rel, rlow, rhigh = _relative(d)
        change = fmt(kind, d.change.mean, unit, signed=True)
        note = change + (f" ({rel:+.0f}%)" if rel is not None and abs(rel) >= 0.5 else "")
        forest_rows.append(
            charts.ForestRow(
                value.label, rel, rlow, rhigh, d.significant, _DIRECTION[value.kpi.better], note
            )
        )
        word = change_word(value, d)
        flag = badge("significant", "info") if d.significant else ""
        if word:
            flag += " " + badge(word, "ok" if word == "better" else "bad")
        table_rows.append(
            (
                "sig" if d.significant else "",
                [
                    _e(value.label),
                    _e(fmt(kind, d.baseline, unit)),
                    _e(fmt(kind, d.scenario, unit)),
                    f"<b>{_e(change)}</b>" if d.significant else _e(change),
                    _e(interval(kind, d.change.low, d.change.high, unit, signed=True)),
                    _e(f"{rel:+.1f}%" if rel is not None else "–"),
                    flag,
                ],
            )
        )
    parts = []
    if forest_rows:
        parts.append(
            figure(
                charts.forest_chart(
                    forest_rows, f"{scenario.name}: change of each KPI against the baseline"
                ),
                "Each KPI's change relative to the baseline with its 95% interval (paired "
                "replications). Filled dots are significant: green better, red worse, blue "
                "neither; hollow grey dots are within the noise. The change in the KPI's own "
                "unit is on the right.",
            )
        )
    head = ["KPI", "baseline", "scenario", "change", "95% interval", "relative", ""]
    parts.append("<h3>Key figures</h3>" + wide_table(head, table_rows, 0))
    return parts


def _scenario_section(scenario: ScenarioComparison, rows: list[KpiValue], unit: str) -> str:
    verdict = scenario.verdict
    parts = [f"<p>{verdict_badge(verdict)} <b>{_e(sentence(verdict.text))}</b></p>"]
    parts.append(notes_list([*verdict.notes, *scenario.results.verdict.notes]))
    if scenario.description:
        parts.append(f'<p class="desc">{_e(scenario.description)}</p>')
    if scenario.slas:
        parts.append(_sla_table(scenario))
    parts += _differences(scenario, rows, unit)
    figures = results_charts(scenario.results)
    if figures:
        parts.append(
            "<details><summary>The scenario's own charts</summary>"
            + "".join(figures)
            + "</details>"
        )
    name = scenario.name or "scenario"
    return section(f"Scenario: {name}", "".join(parts), anchor=f"scenario-{name}")


def _headline(comparison: Comparison) -> tuple[str, Tone]:
    tones = [s.verdict.tone for s in comparison.scenarios]
    if not tones:
        return "No scenario to compare.", "ok"
    worst = max(tones, key=_SEVERITY.__getitem__)
    if worst == "bad":
        count = tones.count("bad")
        return f"{count} of {len(tones)} scenarios would hurt the operation", worst
    if worst == "warn":
        return "No scenario breaks the operation; some need a closer look", worst
    return "Every scenario keeps the operation stable and its SLAs met", worst


@one_page
def comparison_html(comparison: Comparison, process: Process | None = None) -> str:
    """The report of a comparison; with the baseline ``process``, its diagram too."""
    baseline = comparison.baseline
    unit = baseline.time_unit
    headline, worst = _headline(comparison)
    items = [
        f"<li>{verdict_badge(s.verdict)} <b>{_e(s.name)}</b>: {_e(s.verdict.text)}</li>"
        for s in comparison.scenarios
    ]
    items.append(
        f"<li>{badge('baseline', 'muted')} <b>{_e(baseline.process)}</b>: "
        f"{_e(baseline.verdict.text)}</li>"
    )
    verdict = section(
        "Verdict",
        f'<p class="headline">{_e(headline)}</p><ul>{"".join(items)}</ul>',
        cls=f"verdict {worst}",
        anchor="verdict",
    )
    rows = headline_of([baseline, *(s.results for s in comparison.scenarios)])
    body = [verdict]
    body += [_scenario_section(s, rows, unit) for s in comparison.scenarios]
    if comparison.forecast is not None:
        body += forecast_sections(comparison.forecast)
    diagram = process_section(process, baseline)
    if diagram:
        body.append(diagram)
    inner = "".join(results_body(baseline, level=3))
    body.append(
        section(
            "The baseline in detail",
            f'<p class="note">Verdict: {_e(baseline.verdict.text)}</p>'
            + notes_list(baseline.verdict.notes)
            + inner,
            anchor="baseline",
        )
    )
    return html_page(
        "comparison report",
        baseline.process or "process",
        settings_text(baseline.settings, paired=True),
        body,
    )
