"""The report of one simulation: the verdict, then the evidence for it.

The verdict comes first (the record's own: stable or not, the SLAs met or
missed), with what a PM should know about it and a few key facts; then every
headline KPI with its 95% interval, the SLA verdicts, the bottlenecks with the
evidence for each, the charts (utilization per staff pool, the cycle-time
distribution, queues over simulated time: backlog building and draining across
shifts and batch drops) and the work stages. The comparison report shows its
baseline and its scenarios the same way.
"""

from __future__ import annotations

import math
from html import escape as _e

from procflow.model.process import Process
from procflow.report import charts
from procflow.report.confusion import grid_of, grid_rows
from procflow.report.format import (
    column_label,
    columns,
    headline,
    precision_summary,
    precision_text,
)
from procflow.report.html.page import (
    badge,
    duration,
    estimate_interval,
    fact,
    figure,
    finite,
    fmt,
    html_page,
    notes_list,
    one_page,
    process_section,
    section,
    sentence,
    settings_text,
    table,
    verdict_badge,
)
from procflow.results import Results, lookup

#: The key facts beside the verdict.
_FACTS = ("throughput_per_hour", "cycle_time.p90", "backlog", "cost_per_item")
#: The evidence shown for a stage that limits the process.
_STAGE_EVIDENCE = ("waiting_time", "waiting_time_p90", "queue_length_max")


def _verdict(results: Results) -> str:
    unit = results.time_unit
    verdict = results.verdict
    items: list[str] = []
    for stage, rate in sorted(results.growth.items()):
        growth = f"{rate:,.0f}" if math.isfinite(rate) else "?"
        items.append(
            f"The <b>{_e(stage)}</b> queue keeps growing, by about {_e(growth)} items an hour: "
            "this staffing cannot keep up, and waits grow with the length of the run."
        )
    for sla in results.slas:
        if sla.outcome != "met":
            attained = fmt("share", sla.attained.mean, unit)
            items.append(f"SLA <b>{_e(sla.name)}</b> {_e(sla.status)} ({_e(attained)} attained).")
    if results.imprecise:
        said = _e(sentence(precision_summary(results.imprecise)))
        detail = "".join(
            f"<li>{_e(precision_text(w, results.slas))}</li>" for w in results.imprecise if w.key
        )
        items.append(
            f"{badge('add replications', 'warn')} {said}." + (detail and f"<ul>{detail}</ul>")
        )
    if results.bottlenecks:
        items.append(f"Main bottleneck: {_e(results.bottlenecks[0].reason)}.")
    facts = []
    for key in (k for k in _FACTS if k in results.kpis):
        value = lookup(key)
        facts.append(fact(fmt(value.kpi.unit, results.kpis[key].mean, unit), value.label))
    if results.slas:
        met = sum(1 for s in results.slas if s.outcome == "met")
        facts.append(fact(f"{met} of {len(results.slas)}", "SLAs met"))
    body = f'<p class="headline">{verdict_badge(verdict)} {_e(sentence(verdict.text))}</p>'
    body += notes_list(verdict.notes)
    if items:
        body += "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
    body += '<div class="facts">' + "".join(facts) + "</div>"
    return section("Verdict", body, cls=f"verdict {verdict.tone}", anchor="verdict")


def _kpi_table(results: Results) -> str:
    unit = results.time_unit
    rows = []
    for value in headline(results):
        e = results.kpis[value.key]
        kind = value.kpi.unit
        rows.append(
            [_e(value.label), _e(fmt(kind, e.mean, unit)), _e(estimate_interval(kind, e, unit))]
        )
    return table(["KPI", "estimate", "95% interval"], rows, "kpis narrow")


def _sla_table(results: Results) -> str:
    unit = results.time_unit
    if not results.slas:
        return '<p class="note">This process defines no SLA.</p>'
    rows = []
    for s in results.slas:
        what = s.metric.replace("_", " ")
        if s.stage:
            what += f" at {s.stage}"
        limit = duration(s.max, unit)
        target = f"{s.percentile:g}% within {limit}" if math.isfinite(s.percentile) else limit
        verdict = badge(s.status, s.tone)
        rows.append(
            [
                f"<b>{_e(s.name)}</b>",
                _e(what),
                _e(target),
                f'{_e(fmt("share", s.attained.mean, unit))} <span class="note">'
                f"({_e(estimate_interval('share', s.attained, unit))})</span>",
                verdict,
            ]
        )
    return table(["SLA", "measures", "target", "attained (95% interval)", "verdict"], rows)


def _evidence(results: Results, name: str, kind: str) -> list[str]:
    unit = results.time_unit
    k = results.kpis
    evidence: list[str] = []
    if kind == "pool":
        utilization = k.get(f"resources.{name}.utilization")
        if utilization is not None:
            evidence.append(
                f"utilization {fmt('share', utilization.mean, unit)} "
                f"({estimate_interval('share', utilization, unit)})"
            )
        busy = k.get(f"resources.{name}.busy")
        pool = results.pools.get(name)
        if busy is not None and pool is not None and math.isfinite(busy.mean):
            evidence.append(f"{busy.mean:,.1f} of {pool.mean_staff:,.1f} staff busy on average")
        return evidence
    for metric in _STAGE_EVIDENCE:
        key = f"stages.{name}.{metric}"
        if key in k:
            kpi = lookup(key).kpi
            evidence.append(f"{column_label(kpi)} {fmt(kpi.unit, k[key].mean, unit)}")
    return evidence


def _bottleneck_list(results: Results) -> str:
    if not results.bottlenecks:
        return '<p class="note">No stage or pool stands out as limiting throughput.</p>'
    out = ['<ol class="bottlenecks">']
    for b in results.bottlenecks:
        evidence = _evidence(results, b.name, b.kind)
        out.append(
            f"<li><b>{_e(b.name)}</b> {badge(b.kind or 'stage', 'info')} "
            + (f'<span class="note">score {b.score:.2f}</span>' if math.isfinite(b.score) else "")
            + f"<div>{_e(b.reason)}</div>"
            + (f'<div class="ev">{_e("; ".join(evidence))}</div>' if evidence else "")
            + "</li>"
        )
    out.append("</ol>")
    return "".join(out)


def _stage_table(results: Results) -> str:
    unit = results.time_unit
    k = results.kpis
    kpis = columns("stage", k)
    rows = []
    for name in results.work_stages:
        cells = [_e(name)]
        for kpi in kpis:
            key = kpi.key_for(name)
            cells.append(_e(fmt(kpi.unit, k[key].mean, unit)) if key in k else "")
        rows.append(cells)
    if not rows:
        return ""
    return table(["work stage", *(column_label(kpi) for kpi in kpis)], rows, "kpis")


def results_charts(results: Results) -> list[str]:
    """The charts of a simulation: utilization per pool, cycle times, queues over time."""
    unit = results.time_unit
    out: list[str] = []
    pools = []
    for name in results.pools:
        e = results.kpis.get(f"resources.{name}.utilization")
        if e is not None and math.isfinite(e.mean):
            pools.append((name, e.mean, finite(e.low), finite(e.high)))
    if pools:
        out.append(
            figure(
                charts.utilization_chart(pools),
                "Share of on-duty staff time spent working, per pool. Above about 85%, "
                "queues grow quickly with any surge; whiskers are 95% intervals.",
            )
        )
    values = results.cycle_time_percentiles
    if values:
        slas = [
            charts.SlaMark(s.name, s.percentile, s.max)
            for s in results.slas
            if s.metric == "cycle_time"
            and not s.stage
            and math.isfinite(s.max)
            and math.isfinite(s.percentile)
        ]
        out.append(
            figure(
                charts.cycle_time_chart(
                    list(range(1, len(values) + 1)), [finite(v) for v in values], unit, slas
                ),
                "Read across: the share of items finished within a given time, from arrival to "
                "end (percentiles averaged over replications). Red lines are cycle-time SLAs.",
            )
        )
    if results.series.get("time"):
        series = {key: [finite(v) for v in values] for key, values in results.series.items()}
        out.append(
            figure(
                charts.queue_chart(series, unit, float(results.settings.get("warmup") or 0.0)),
                "Items waiting at each work stage, sampled over simulated time and averaged over "
                "the replications; below, staff busy against staff on duty. Backlog that builds "
                "in a shift or after a batch drop and drains later shows here. The grey band is "
                "the warm-up, not counted in the KPIs.",
            )
        )
    return out


def results_body(results: Results, level: int = 2) -> list[str]:
    """Everything under the verdict of a simulation's report (headings at ``level``)."""
    body = [
        section("Key figures", _kpi_table(results), level, anchor="kpis"),
        section("SLAs", _sla_table(results), level, anchor="slas"),
        section(
            "Bottlenecks",
            '<p class="note">Ranked: what limits throughput first, with the evidence.</p>'
            + _bottleneck_list(results),
            level,
            anchor="bottlenecks",
        ),
    ]
    grid = grid_of(results.kpis)
    if grid:
        headers, rows = grid_rows(grid)
        note = (
            '<p class="note">The share of each true class\'s delivered items finally decided '
            "as each class (means over replications).</p>"
        )
        cells = [[_e(cell) for cell in row] for row in rows]
        body.append(
            section(
                "Final decisions", note + table(headers, cells, "kpis"), level, anchor="confusion"
            )
        )
    figures = results_charts(results)
    if figures:
        body.append(section("Charts", "".join(figures), level, anchor="charts"))
    stage_table = _stage_table(results)
    if stage_table:
        body.append(section("Work stages", stage_table, level, anchor="stages"))
    return body


@one_page
def results_html(results: Results, process: Process | None = None) -> str:
    """The report of one simulation; with ``process``, its diagram too."""
    body = [_verdict(results), *results_body(results)]
    diagram = process_section(process, results)
    if diagram:  # after the bottlenecks, whose pools it shows
        body.insert(4, diagram)
    meta = settings_text(results.settings)
    if results.precision is not None:
        meta += f" {sentence(results.precision.describe())}."
    return html_page("simulation report", results.process or "process", meta, body)
