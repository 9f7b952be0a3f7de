"""Markdown for pull requests: the verdict first, then the table, then the changed process."""

from __future__ import annotations

from procflow.flow.graph import build_graph
from procflow.model.process import Process
from procflow.model.settings import AUTO_WARMUP_NOTE
from procflow.report.confusion import grid_markdown, grid_of
from procflow.report.diagram import to_mermaid
from procflow.report.forecast import forecast_markdown
from procflow.report.format import (
    change_word,
    duration,
    format_interval,
    format_value,
    headline,
    headline_of,
    precision_summary,
    precision_text,
    replications,
)
from procflow.report.sweep import glance
from procflow.results import Comparison, Results, Sweep, Tone

#: The mark of a verdict's tone: fine, watch, do not ship.
MARKS: dict[Tone, str] = {"ok": "✅", "warn": "⚠️", "bad": "❌"}


def comparison_markdown(comparison: Comparison) -> str:
    """A compact comparison fit for a pull-request comment."""
    base = comparison.baseline
    unit = base.time_unit
    s = base.settings
    lines = [f"## procflow: {base.process}", ""]
    for scenario in comparison.scenarios:
        verdict = scenario.verdict
        lines.append(
            f"- {MARKS[verdict.tone]} **{scenario.name}**: {verdict.text} ({verdict.word})"
        )
    lines += [
        "",
        f"{replications(s['replications'], 'paired replication')} with common random numbers, "
        f"seed {s['seed']}; intervals are 95%.",
    ]
    rows = headline_of([base, *(sc.results for sc in comparison.scenarios)])
    for scenario in comparison.scenarios:
        lines += ["", f"### {scenario.name}", ""]
        if scenario.description:
            lines += [scenario.description, ""]
        lines += [f"> {note}" for note in scenario.results.verdict.notes]
        lines += [
            "| KPI | baseline | scenario | change | 95% interval | |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for value in rows:
            d = scenario.differences.get(value.key)
            if d is None:
                continue
            kind = value.kpi.unit
            interval = format_interval(kind, d.change.low, d.change.high, unit, signed=True)
            word = change_word(value, d)
            flag = (
                f"**significant** ({word})"
                if word
                else ("**significant**" if d.significant else "")
            )
            lines.append(
                f"| {value.label} | {format_value(kind, d.baseline, unit)} | "
                f"{format_value(kind, d.scenario, unit)} | "
                f"{format_value(kind, d.change.mean, unit, signed=True)} | {interval} | {flag} |"
            )
        if scenario.slas:
            lines.append("")
            for sla in scenario.slas:
                before, after = sla.words
                after = after if after == "met" else f"**{after}**"
                lines.append(f"- SLA *{sla.name}*: baseline {before}, scenario {after}")
        if scenario.process is not None:
            lines += [
                "",
                "<details><summary>Changed process</summary>",
                "",
                "```mermaid",
                to_mermaid(build_graph(scenario.process)).rstrip(),
                "```",
                "",
                "</details>",
            ]
    if comparison.forecast is not None:
        lines += ["", forecast_markdown(comparison.forecast).replace("# ", "## ", 1).rstrip()]
    return "\n".join(lines) + "\n"


#: How the Markdown shows what a sweep's point is.
_STATUS_TEXT = {
    "feasible": "✅ feasible",
    "unstable": "❌ unstable",
    "SLA missed": "❌ SLA missed",
    "quality target not met": "⚠️ quality target not met",
    "undecided": "⚠️ undecided: add replications",
}


def sweep_markdown(found: Sweep) -> str:
    """A sweep for a review: the cheapest feasible point first, then a row per point."""
    s = found.settings
    headers, rows = glance(found)
    lines = [f"## procflow sweep: {found.process}", ""]
    best = next((n for n, row in enumerate(rows) if row.cheapest), None)
    feasible = sum(row.status == "feasible" for row in rows)
    if best is None:
        lines.append(f"- ❌ none of the {len(rows)} points keeps up and meets every SLA and target")
    else:
        point = ", ".join(f"{a} = {v}" for a, v in found.points[best].changes.items())
        lines.append(
            f"- ✅ {feasible} of {len(rows)} points are feasible; the cheapest: **{point}**"
        )
    lines += [
        "",
        f"{replications(s['replications'])} a point on common random numbers, seed "
        f"{s['seed']}; means over the replications (feasible: by their 95% intervals).",
        "",
        "| " + " | ".join(_cell(h) for h in headers) + " | |",
        "|" + "---:|" * len(headers) + "---|",
    ]
    for row in rows:
        what = row.error if row.status == "error" else _STATUS_TEXT[row.status]
        what += " ★ cheapest" if row.cheapest else ""
        lines.append("| " + " | ".join(_cell(c) for c in [*row.cells, what]) + " |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def results_markdown(results: Results, process: Process | None = None) -> str:
    """A simulation's summary for a pull request: verdict, KPI table, SLAs, bottlenecks."""
    unit = results.time_unit
    s = results.settings
    verdict = results.verdict
    lines = [
        f"## procflow: {results.process}",
        "",
        f"{MARKS[verdict.tone]} **{verdict.text}**",
        *(f"> {note}" for note in verdict.notes),
        *(
            [f"> {MARKS['warn']} Add replications: {precision_summary(results.imprecise)}"]
            if results.imprecise
            else []
        ),
        *(f"> - {precision_text(w, results.slas)}" for w in results.imprecise if w.key),
        "",
        f"{replications(s['replications'])}, seed {s['seed']}; intervals are 95%.",
        *(["", f"Precision: {results.precision.describe()}."] if results.precision else []),
        *(
            ["", f"Warm-up {duration(s['warmup'], unit)}, {AUTO_WARMUP_NOTE}."]
            if s.get("warmup_auto")
            else []
        ),
        "",
        "| KPI | mean | 95% interval |",
        "|---|---:|---:|",
    ]
    for value in headline(results):
        e = results.kpis[value.key]
        kind = value.kpi.unit
        interval = format_interval(kind, e.low, e.high, unit)
        lines.append(f"| {value.label} | {format_value(kind, e.mean, unit)} | {interval} |")
    grid = grid_markdown(grid_of(results.kpis))
    if grid:
        lines += ["", *grid]
    if results.slas:
        lines.append("")
        for sla in results.slas:
            status = sla.status if sla.outcome == "met" else f"**{sla.status}**"
            lines.append(f"- SLA *{sla.name}*: {sla.attained.mean:.1%} attained, {status}")
    if results.bottlenecks:
        lines += ["", "**Bottlenecks**", ""]
        lines += [f"{k}. {b.reason}" for k, b in enumerate(results.bottlenecks, start=1)]
    if process is not None:
        lines += ["", "```mermaid", to_mermaid(build_graph(process)).rstrip(), "```"]
    return "\n".join(lines) + "\n"
