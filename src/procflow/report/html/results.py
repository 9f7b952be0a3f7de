"""The report of one simulation: the verdict, then the evidence for it.

Made from the JSON of ``procflow simulate --format json``. The verdict comes
first (stable or not, the SLAs met or missed, the main bottleneck) with a few key
facts; then the key figures with their 95% intervals, the SLA verdicts, the
bottlenecks with the evidence for each, the charts (utilization per staff pool,
the cycle-time distribution, queues over simulated time: backlog building and
draining across shifts and batch drops) and the work stages. The comparison
report shows its baseline the same way.
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
    duration,
    estimate,
    fact,
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
)
from procflow.results import headline_keys, lookup


def _flat_kpis(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Every estimate of a results document under its stable key (``cycle_time.p90``...)."""
    flat: dict[str, Any] = {}
    for key, value in (doc.get("kpis") or {}).items():
        if key == "cycle_time" and isinstance(value, Mapping):
            for q, est in value.items():
                flat[f"cycle_time.{q}"] = est
        else:
            flat[key] = value
    for name, entry in (doc.get("resources") or {}).items():
        for metric in ("utilization", "busy"):
            if metric in entry:
                flat[f"resources.{name}.{metric}"] = entry[metric]
    for name, entry in (doc.get("stages") or {}).items():
        for metric, est in entry.items():
            flat[f"stages.{name}.{metric}"] = est
    return flat


def document_kpis(doc: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(KPI key, label, kind) of a results document's headline KPIs, as in the terminal.

    Work stages are the stages with a waiting time: only they have a queue.
    """
    flat = _flat_kpis(doc)
    rows = headline_keys(flat, doc.get("resources") or {}, doc.get("stages") or {})
    return [(v.key, v.label, v.kpi.unit) for v in rows]


def _tone_of_results(doc: Mapping[str, Any]) -> str:
    if doc.get("stable") is False:
        return "bad"
    if any(not s.get("met") for s in doc.get("slas") or []):
        return "warn"
    return "ok"


def _verdict_results(doc: Mapping[str, Any]) -> str:
    unit = time_unit(doc)
    k = _flat_kpis(doc)
    tone = _tone_of_results(doc)
    items: list[str] = []
    for entry in doc.get("unstable") or []:
        rate = num(entry.get("growth_per_hour"))
        items.append(
            f"The <b>{_e(str(entry.get('stage')))}</b> queue keeps growing, by about "
            f"{_e(f'{rate:,.0f}' if rate is not None else '?')} items an hour: this staffing "
            "cannot keep up, and waits grow with the length of the run."
        )
    if doc.get("analytic_stable") is False and doc.get("stable") is not False:
        items.append("The capacity analysis says some pool cannot keep up on average.")
    for sla in doc.get("slas") or []:
        if not sla.get("met"):
            mean, _, _ = estimate(sla.get("attained"))
            items.append(
                f"SLA <b>{_e(str(sla.get('name')))}</b> missed: "
                f"{_e(fmt('share', mean, unit))} attained."
            )
    bottlenecks = doc.get("bottlenecks") or []
    if bottlenecks:
        items.append(f"Main bottleneck: {_e(str(bottlenecks[0].get('reason', '')))}.")
    facts = [
        fact(fmt("number", estimate(k.get("throughput_per_hour"))[0], unit), "items done / hour"),
        fact(fmt("duration", estimate(k.get("cycle_time.p90"))[0], unit), "p90 cycle time"),
        fact(fmt("number", estimate(k.get("backlog"))[0], unit), "backlog at end"),
        fact(fmt("money", estimate(k.get("cost_per_item"))[0], unit), "cost / item"),
    ]
    slas = doc.get("slas") or []
    if slas:
        met = sum(1 for s in slas if s.get("met"))
        facts.append(fact(f"{met} of {len(slas)}", "SLAs met"))
    body = f'<p class="headline">{_e(sentence(str(doc.get("verdict", ""))))}</p>'
    if items:
        body += "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
    body += '<div class="facts">' + "".join(facts) + "</div>"
    return section("Verdict", body, cls=f"verdict {tone}", anchor="verdict")


def _kpi_table(doc: Mapping[str, Any]) -> str:
    unit = time_unit(doc)
    k = _flat_kpis(doc)
    rows = []
    for key, label, kind in document_kpis(doc):
        if key not in k:
            continue
        mean, low, high = estimate(k[key])
        rows.append([_e(label), _e(fmt(kind, mean, unit)), _e(interval(kind, low, high, unit))])
    return table(["KPI", "estimate", "95% interval"], rows, "kpis narrow")


def _sla_table(doc: Mapping[str, Any]) -> str:
    unit = time_unit(doc)
    slas = doc.get("slas") or []
    if not slas:
        return '<p class="note">This process defines no SLA.</p>'
    rows = []
    for s in slas:
        mean, low, high = estimate(s.get("attained"))
        pct = num(s.get("percentile"))
        limit = duration(s.get("max"), unit)
        what = "cycle time" if s.get("metric") == "cycle_time" else str(s.get("metric", ""))
        if s.get("stage"):
            what += f" at {s['stage']}"
        target = f"{pct:g}% within {limit}" if pct is not None else limit
        verdict = badge("met", "ok") if s.get("met") else badge("missed", "bad")
        if s.get("certain") is False:
            verdict += " " + badge("close call: run more replications", "warn")
        rows.append(
            [
                f"<b>{_e(str(s.get('name', '')))}</b>",
                _e(what),
                _e(target),
                f'{_e(fmt("share", mean, unit))} <span class="note">'
                f"({_e(interval('share', low, high, unit))})</span>",
                verdict,
            ]
        )
    return table(["SLA", "measures", "target", "attained (95% interval)", "verdict"], rows)


def _bottleneck_list(doc: Mapping[str, Any]) -> str:
    unit = time_unit(doc)
    items = doc.get("bottlenecks") or []
    if not items:
        return '<p class="note">No stage or pool stands out as limiting throughput.</p>'
    resources = doc.get("resources") or {}
    stages = doc.get("stages") or {}
    out = ['<ol class="bottlenecks">']
    for b in items:
        name = str(b.get("name", ""))
        kind = str(b.get("kind", ""))
        evidence: list[str] = []
        if kind == "pool" and name in resources:
            r = resources[name]
            mean, low, high = estimate(r.get("utilization"))
            evidence.append(
                f"utilization {fmt('share', mean, unit)} ({interval('share', low, high, unit)})"
            )
            busy, _, _ = estimate(r.get("busy"))
            staff = num(r.get("mean_staff"))
            if busy is not None and staff is not None:
                evidence.append(f"{busy:,.1f} of {staff:,.1f} staff busy on average")
        entry = stages.get(name) if kind != "pool" else None
        if isinstance(entry, Mapping):
            for metric in ("waiting_time", "waiting_time_p90", "queue_length_max"):
                if metric in entry:
                    kpi = lookup(f"stages.{name}.{metric}")
                    label, mkind = kpi.label.removeprefix(f"{name} "), kpi.kpi.unit
                    evidence.append(f"{label} {fmt(mkind, estimate(entry[metric])[0], unit)}")
        score = num(b.get("score"))
        out.append(
            f"<li><b>{_e(name)}</b> {badge(kind or 'stage', 'info')} "
            + (f'<span class="note">score {score:.2f}</span>' if score is not None else "")
            + f"<div>{_e(str(b.get('reason', '')))}</div>"
            + (f'<div class="ev">{_e("; ".join(evidence))}</div>' if evidence else "")
            + "</li>"
        )
    out.append("</ol>")
    return "".join(out)


def _stage_table(doc: Mapping[str, Any]) -> str:
    unit = time_unit(doc)
    stages = doc.get("stages") or {}
    rows = []
    for name, entry in stages.items():
        if "waiting_time" not in entry:
            continue
        cells = [_e(name)]
        for metric in (
            "visits",
            "waiting_time",
            "waiting_time_p90",
            "queue_length",
            "queue_length_max",
        ):
            kind = lookup(f"stages.{name}.{metric}").kpi.unit
            cells.append(_e(fmt(kind, estimate(entry.get(metric))[0], unit)))
        rows.append(cells)
    if not rows:
        return ""
    return table(
        ["work stage", "visits / item", "mean wait", "p90 wait", "mean queue", "longest queue"],
        rows,
        "kpis",
    )


def _results_charts(doc: Mapping[str, Any], process: Process | None) -> list[str]:
    unit = time_unit(doc)
    out: list[str] = []
    pools = []
    for name, entry in (doc.get("resources") or {}).items():
        mean, low, high = estimate(entry.get("utilization"))
        if mean is not None:
            pools.append((name, mean, low, high))
    if pools:
        out.append(
            figure(
                charts.utilization_chart(pools),
                "Share of on-duty staff time spent working, per pool. Above about 85%, "
                "queues grow quickly with any surge; whiskers are 95% intervals.",
            )
        )
    dist = doc.get("cycle_time_distribution") or {}
    values = dist.get("values") or []
    if values:
        slas = [
            charts.SlaMark(str(s["name"]), float(s["percentile"]), float(s["max"]))
            for s in doc.get("slas") or []
            if s.get("metric") == "cycle_time"
            and not s.get("stage")
            and num(s.get("max")) is not None
            and num(s.get("percentile")) is not None
        ]
        out.append(
            figure(
                charts.cycle_time_chart(
                    dist.get("percentiles") or list(range(1, 100)),
                    [num(v) for v in values],
                    unit,
                    slas,
                ),
                "Read across: the share of items finished within a given time, from arrival to "
                "end (percentiles averaged over replications). Red lines are cycle-time SLAs.",
            )
        )
    series = doc.get("series") or {}
    if series.get("time"):
        warmup = num((doc.get("settings") or {}).get("warmup")) or 0.0
        out.append(
            figure(
                charts.queue_chart(series, unit, warmup),
                "Items waiting at each work stage, sampled over simulated time and averaged over "
                "the replications; below, staff busy against staff on duty. Backlog that builds "
                "in a shift or after a batch drop and drains later shows here. The grey band is "
                "the warm-up, not counted in the KPIs.",
            )
        )
    return out


def results_body(doc: Mapping[str, Any], process: Process | None, level: int = 2) -> list[str]:
    """Everything under the verdict of a simulate report (headings at ``level``)."""
    body = [
        section("Key figures", _kpi_table(doc), level, anchor="kpis"),
        section("SLAs", _sla_table(doc), level, anchor="slas"),
        section(
            "Bottlenecks",
            '<p class="note">Ranked: what limits throughput first, with the evidence.</p>'
            + _bottleneck_list(doc),
            level,
            anchor="bottlenecks",
        ),
    ]
    figures = _results_charts(doc, process)
    if figures:
        body.append(section("Charts", "".join(figures), level, anchor="charts"))
    stage_table = _stage_table(doc)
    if stage_table:
        body.append(section("Work stages", stage_table, level, anchor="stages"))
    return body


@one_page
def results_html(doc: Document, process: Process | None = None) -> str:
    """The report of one simulation (``procflow simulate --format json``)."""
    body = [_verdict_results(doc), *results_body(doc, process)]
    diagram = process_section(process, doc)
    if diagram:  # after the bottlenecks, whose pools it shows
        body.insert(4, diagram)
    return html_page(
        "simulation report",
        str(doc.get("process", "process")),
        settings_text(doc.get("settings") or {}),
        body,
    )
