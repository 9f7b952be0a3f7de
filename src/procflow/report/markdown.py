"""Markdown for pull requests: the verdict first, then the table, then the changed process."""

from __future__ import annotations

from procflow.compare import Comparison
from procflow.flow.graph import build_graph
from procflow.model.process import Process
from procflow.report.diagram import to_mermaid
from procflow.report.kpis import format_interval, format_value, headline_kpis
from procflow.results import Results


def comparison_markdown(comparison: Comparison, baseline: Process) -> str:
    """A compact comparison fit for a pull-request comment."""
    unit = baseline.time_unit
    s = comparison.baseline.settings
    lines = [f"## procflow: {comparison.baseline.process}", ""]
    for scenario in comparison.scenarios:
        mark = "✅" if scenario.stable and not any(x.broken for x in scenario.slas) else "⚠️"
        lines.append(f"- {mark} **{scenario.name}**: {scenario.verdict}")
    lines += [
        "",
        f"{s['replications']} paired replications with common random numbers, seed {s['seed']}; "
        "intervals are 95%.",
    ]
    for scenario in comparison.scenarios:
        lines += ["", f"### {scenario.name}", ""]
        if scenario.description:
            lines += [scenario.description, ""]
        lines += [
            "| KPI | baseline | scenario | change | 95% interval | |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for key, label, kind in headline_kpis(scenario.process or baseline):
            d = scenario.differences.get(key)
            if d is None:
                continue
            interval = format_interval(kind, d.change.low, d.change.high, unit, signed=True)
            lines.append(
                f"| {label} | {format_value(kind, d.baseline, unit)} | "
                f"{format_value(kind, d.scenario, unit)} | "
                f"{format_value(kind, d.change.mean, unit, signed=True)} | {interval} | "
                f"{'**significant**' if d.significant else ''} |"
            )
        if scenario.slas:
            lines.append("")
            for sla in scenario.slas:
                after = "met" if sla.met else "**missed**"
                lines.append(
                    f"- SLA *{sla.name}*: baseline {'met' if sla.baseline_met else 'missed'}, "
                    f"scenario {after}"
                )
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
    return "\n".join(lines) + "\n"


def results_markdown(results: Results, process: Process) -> str:
    """A simulation's summary for a pull request: verdict, KPI table, SLAs, bottlenecks."""
    unit = process.time_unit
    s = results.settings
    mark = "✅" if results.stable and all(x.met for x in results.slas) else "⚠️"
    lines = [
        f"## procflow: {results.process}",
        "",
        f"{mark} **{results.verdict}**",
        "",
        f"{s['replications']} replications, seed {s['seed']}; intervals are 95%.",
        "",
        "| KPI | mean | 95% interval |",
        "|---|---:|---:|",
    ]
    for key, label, kind in headline_kpis(process):
        e = results.kpis.get(key)
        if e is None:
            continue
        interval = format_interval(kind, e.low, e.high, unit)
        lines.append(f"| {label} | {format_value(kind, e.mean, unit)} | {interval} |")
    if results.slas:
        lines.append("")
        for sla in results.slas:
            verdict = "met" if sla.met else "**missed**"
            lines.append(f"- SLA *{sla.name}*: {sla.attained.mean:.1%} attained, {verdict}")
    if results.bottlenecks:
        lines += ["", "**Bottlenecks**", ""]
        lines += [f"{k}. {b.reason}" for k, b in enumerate(results.bottlenecks, start=1)]
    lines += ["", "```mermaid", to_mermaid(build_graph(process)).rstrip(), "```"]
    return "\n".join(lines) + "\n"
