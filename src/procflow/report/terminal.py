"""Terminal tables for PMs (rich): the analysis, a simulation, a comparison, a sweep, a search.

Labels, units and directions come from the KPI catalogue, verdicts and their tone
from the result records: this module only lays them out.
"""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.table import Table

from procflow.analysis import Capacity, Quality
from procflow.analysis.acceptance import LotCurve
from procflow.model.process import Process
from procflow.model.quantities import convert, counted, three_digits
from procflow.model.settings import AUTO_WARMUP_NOTE
from procflow.report.confusion import Grid, grid_of, grid_rows
from procflow.report.forecast import print_forecast
from procflow.report.format import (
    change_word,
    duration,
    format_estimate,
    format_interval,
    format_value,
    headline,
    headline_of,
    precision_summary,
    precision_text,
    replications,
)
from procflow.report.sweep import glance
from procflow.results import Comparison, Optimization, Results, Sweep, Tone, lookup

_TONE_STYLE: dict[Tone, str] = {"ok": "bold green", "warn": "bold yellow", "bad": "bold red"}


def _pct(x: float) -> str:
    return "∞" if math.isinf(x) else f"{x:.0%}"


def _load_style(utilization: float) -> str:
    if utilization >= 1:
        return "bold red"
    if utilization >= 0.85:
        return "yellow"
    return "green"


def _grid_table(title: str, grid: Grid) -> Table:
    """The confusion of the final decisions: a row per true class, a column per decision."""
    headers, rows = grid_rows(grid)
    table = _table(f"{title}: share of each true class's items decided as each class", headers)
    for row in rows:
        table.add_row(*row)
    return table


def _table(title: str, columns: list[str], left: int = 1) -> Table:
    table = Table(title=title, title_justify="left")
    for k, column in enumerate(columns):
        table.add_column(column, justify="left" if k < left else "right")
    return table


def print_capacity(console: Console, process: Process, capacity: Capacity) -> None:
    """Print a process's arrivals, pools, skills and stages with their expected load."""
    unit = process.time_unit
    per_hour = convert(1.0, "hour", unit)  # time units in an hour
    console.print(f"[bold]{process.name}[/bold]  ({process.source.path if process.source else ''})")
    if process.description:
        console.print(process.description.strip(), style="dim")
    streams = ", ".join(f"{a.name}: {a.rate_per_unit * per_hour:,.0f}/h" for a in process.arrivals)
    console.print(f"Arrivals  {streams}")
    if capacity.endless:
        loop = " → ".join(capacity.loop or ())
        console.print(f"[bold red]Items can loop forever ({loop}): no load estimate.[/bold red]")
        return
    pools = _table(
        "Staff pools (expected load)",
        ["pool", "working", "cost/h", "tasks/h", "AHT", "busy", "utilization", "wait (est.)"],
    )
    for name, load in capacity.pools.items():
        resource = process.resources[name]
        pools.add_row(
            name,
            three_digits(load.servers),
            f"{resource.cost_per_hour * resource.mean_staff:,.0f}",
            f"{load.arrival_rate * per_hour:,.1f}",
            duration(load.mean_service, unit) if load.mean_service else "-",
            f"{load.offered_load:.1f}",
            f"[{_load_style(load.peak_utilization)}]{_pct(load.utilization)}[/]",
            "unstable" if not load.stable else duration(load.mean_wait, unit),
        )
    console.print(pools)
    skills = _table(
        "Skills (work needing a skill, people who have it)",
        ["pool", "skill", "busy", "people", "load"],
        2,
    )
    for name, load in capacity.pools.items():
        for skill in load.skills:
            skills.add_row(
                name,
                ", ".join(skill.skills),
                f"{skill.offered_load:.1f}",
                three_digits(skill.servers),
                f"[{_load_style(skill.utilization)}]{_pct(skill.utilization)}[/]",
            )
    if skills.row_count:
        console.print(skills)
    escalating = any(stage.escalate_to is not None for stage in process.stages.values())
    columns = ["stage", "kind", "pool", "handling time", "visits/item", "per hour"]
    stages = _table("Stages", columns + (["escalated (est.)"] if escalating else []), 3)
    for name, stage in process.stages.items():
        flow = capacity.stages.get(name)
        visits = flow.visits if flow else 0.0
        estimated = "" if flow is None or flow.exact else " (est.)"
        row = [
            name,
            stage.kind,
            stage.resource or "",
            stage.duration.describe() if stage.duration else "",
            f"{visits:.3f}{estimated}",
            f"{visits * capacity.arrival_rate * per_hour:,.1f}",
        ]
        if escalating:
            # per arriving item, as the simulation's stages.<stage>.escalated
            left = flow.escalated if flow else 0.0
            row.append(format_value("share", left, unit) if stage.escalate_to else "")
        stages.add_row(*row)
    console.print(stages)
    if capacity.quality is not None and capacity.quality.reworks + capacity.quality.escaped > 0:
        q = capacity.quality
        console.print(
            f"Quality   {q.reworks:.3f} reworks per item; "
            f"{format_value('share', q.escaped, unit)} of delivered items escape with a defect"
        )
    for figures in capacity.consensus:
        console.print(
            f"Consensus {figures.stage}: {figures.labels:.2f} labels per item; "
            f"{format_value('share', figures.accuracy, unit)} of settled items right; "
            f"{format_value('share', figures.disagreement, unit)} sent to adjudication"
        )
    for gold in capacity.gold:
        first = f" after each person's first {gold.first} (a one-off)" if gold.first else ""
        console.print(
            f"Gold      {gold.stage}: {gold.per_task:.3f} gold tasks per task{first}, in the "
            f"pool's load; answered right {format_value('share', gold.accuracy, unit)}"
        )
    for tenure in capacity.tenure:
        console.print(
            f"New hires {tenure.stage} -> {tenure.review}: "
            + "; ".join(
                f"{g.group} work on {_pct(g.work)} of the items, "
                f"{format_value('share', g.defect_rate, unit)} defective, "
                f"{format_value('share', g.sampled, unit)} sampled, "
                f"{format_value('share', g.escaped, unit)} escape"
                for g in tenure.groups
            )
            + f"; in all {format_value('share', tenure.escaped, unit)} escape, "
            f"{tenure.sampled:.3f} reviews per item"
        )
    if capacity.quality is not None:
        _print_decisions(console, capacity.quality, unit)
    overloads = capacity.overloads()
    verdict = (
        "[green]stable[/green]: every pool can keep up on average"
        if capacity.stable
        else "[bold red]unstable[/bold red]: " + "; ".join(o.describe() for o in overloads)
    )
    console.print(f"Verdict   {verdict}")
    if capacity.stable and math.isfinite(capacity.mean_cycle_time):
        console.print(
            f"Estimated mean cycle time {duration(capacity.mean_cycle_time, unit)} "
            "(Erlang C; simulate for percentiles and SLAs)"
        )
    for curve in capacity.lots:
        console.print(_oc_table(curve, unit))
        here = curve.here
        console.print(
            f"  In this process {_pct(here.defect_rate)} of the items reaching {curve.stage} "
            f"are defective: {format_value('share', here.acceptance, unit)} of lots accepted, "
            f"outgoing quality {format_value('share', here.outgoing_quality, unit)}"
        )
    for note in capacity.notes:
        console.print(f"  note: {note}", style="dim")


def _oc_table(curve: LotCurve, unit: str) -> Table:
    """A lot stage's OC curve: acceptance, outgoing quality and inspection load by defect rate."""
    size = f"lots of {curve.lot_size:,}" if curve.lot_size else "lots of unknown size"
    rejected = "inspected in full" if curve.inspect_rejected else "sent on_reject"
    title = (
        f"OC curve of {curve.stage}: inspect {curve.sample}, accept with at most {curve.accept} "
        f"found ({size}, detection {curve.detection_rate:.0%}, rejected lots {rejected})"
    )
    table = _table(title, ["defective", "lots accepted", "outgoing quality", "inspected/item"])
    for point in curve.points:
        table.add_row(
            _pct(point.defect_rate),
            format_value("share", point.acceptance, unit),
            format_value("share", point.outgoing_quality, unit),
            "-" if math.isnan(point.inspection_load) else f"{point.inspection_load:.3f}",
        )
    return table


def _print_decisions(console: Console, quality: Quality, unit: str) -> None:
    """The final decisions against the truth, and what each review measures (exact)."""
    d = quality.decisions
    if d is not None:
        console.print(
            f"Decisions {d.false_negatives_per_1000:.2f} false negatives (violating items left "
            f"up) and {d.false_positives_per_1000:.2f} false positives (wrongful removals) per "
            f"1,000 items; precision {format_value('share', d.precision, unit)}, recall "
            f"{format_value('share', d.recall, unit)}"
        )
        for value, (negatives, positives) in d.by.items():
            console.print(
                f"  {value}: {negatives:.2f} false negatives, {positives:.2f} false positives "
                "per 1,000 of its items"
            )
        if d.classes is not None:
            console.print(
                f"  {d.classes.wrong_reason_per_1000:.2f} violating items per 1,000 removed "
                "under the wrong policy (wrong reason)"
            )
            grid = {
                str(t): {str(c): share for c, share in row.items()}
                for t, row in d.classes.confusion.items()
            }
            console.print(_grid_table("Final decisions (exact)", grid))
    for name, review in quality.reviews.items():
        console.print(
            f"Review {name}: measures {format_value('share', review.measured, unit)} "
            f"defective, truly {format_value('share', review.true, unit)} (corrected for its "
            f"misses and false flags: {format_value('share', review.corrected, unit)})"
        )


def print_results(console: Console, results: Results) -> None:
    """Print a simulation's verdict, KPIs, pools, stages, SLAs and bottlenecks."""
    unit = results.time_unit
    k = results.kpis
    s = results.settings
    chosen = f" ({AUTO_WARMUP_NOTE})" if s.get("warmup_auto") else ""
    console.print(
        f"[bold]{results.process}[/bold]: {replications(s['replications'])} of "
        f"{duration(s['horizon'] - s['warmup'], unit)} after "
        f"{duration(s['warmup'], unit)} warm-up{chosen}, seed {s['seed']}"
    )
    if results.precision is not None:
        style = "green" if results.precision.reached else "yellow"
        console.print(f"Precision  [{style}]{results.precision.describe()}[/]")
    console.print(f"Verdict  [{_TONE_STYLE[results.verdict.tone]}]{results.verdict.text}[/]")
    for note in results.verdict.notes:
        console.print(f"  {note}", style="dim")
    if results.imprecise:
        console.print(f"  [yellow]add replications[/]: {precision_summary(results.imprecise)}")
    for warning in (w for w in results.imprecise if w.key):
        console.print(f"    - {precision_text(warning, results.slas)}")

    table = _table(
        "KPIs (mean and 95% interval over replications)", ["KPI", "mean", "95% interval"]
    )
    for value in headline(results):
        if value.kpi.family in ("process", "due", "decision"):  # pools, stages: tables below
            table.add_row(value.label, *format_estimate(value.kpi.unit, k[value.key], unit))
    console.print(table)
    grid = grid_of(k)
    if grid:
        console.print(_grid_table("Final decisions (means over replications)", grid))

    pools = _table("Staff pools", ["pool", "on duty", "utilization", "95% interval"])
    for name, info in results.pools.items():
        e = k[f"resources.{name}.utilization"]
        mean, interval = format_estimate("share", e, unit)
        pools.add_row(
            name, three_digits(info.mean_staff), f"[{_load_style(e.mean)}]{mean}[/]", interval
        )
    console.print(pools)

    escalating = any(stage.escalates for stage in results.stages.values())
    columns = ["stage", "visits/item", "mean wait", "p90 wait", "avg queue", "max queue"]
    stages = _table("Stages", columns + (["escalated"] if escalating else []))
    for name in results.work_stages:
        p = f"stages.{name}."
        row = [
            name,
            format_value("number", k[p + "visits"].mean, unit),
            format_value("duration", k[p + "waiting_time"].mean, unit),
            format_value("duration", k[p + "waiting_time_p90"].mean, unit),
            format_value("number", k[p + "queue_length"].mean, unit),
            f"{k[p + 'queue_length_max'].mean:,.0f}",
        ]
        if escalating:
            escalated = k.get(p + "escalated")
            row.append(format_value("share", escalated.mean, unit) if escalated else "")
        stages.add_row(*row)
    console.print(stages)
    _print_lots(console, results)
    _print_gold(console, results)
    consensus = [n for n in results.work_stages if f"stages.{n}.labels_per_item" in k]
    if consensus:
        table = _table("Consensus", ["stage", "labels/item", "accuracy", "disagreement"])
        for name in consensus:
            p = f"stages.{name}."
            table.add_row(
                name,
                *(
                    "{} ({})".format(*format_estimate(lookup(p + key).kpi.unit, k[p + key], unit))
                    for key in ("labels_per_item", "consensus_accuracy", "disagreement")
                ),
            )
        console.print(table)

    if results.slas:
        slas = _table("SLAs", ["SLA", "target", "attained", "95% interval", "verdict"])
        for sla in results.slas:
            mean, interval = format_estimate("share", sla.attained, unit)
            verdict = f"[{_TONE_STYLE[sla.tone]}]{sla.status}[/]"
            target = f"{sla.target:.0%} ≤ {duration(sla.max, unit)}"
            slas.add_row(sla.name, target, mean, interval, verdict)
        console.print(slas)

    if results.bottlenecks:
        console.print("[bold]Bottlenecks[/bold] (most limiting first)")
        for rank, b in enumerate(results.bottlenecks, start=1):
            console.print(f"  {rank}. {b.reason}")


#: The KPIs of a lot stage, in the order of the lot table's columns.
_LOT_KPIS = ("lot_acceptance", "outgoing_quality", "inspection_load")
#: The KPIs of a gold stage: its load, the accuracy it measures and the true one.
_GOLD_KPIS = ("gold_per_item", "gold_accuracy", "true_accuracy")


def _print_lots(console: Console, results: Results) -> None:
    """The lot stages' acceptance, outgoing quality and inspection load (if any)."""
    _print_stage_kpis(console, results, "Lot stages (mean and 95% interval)", _LOT_KPIS)


def _print_gold(console: Console, results: Results) -> None:
    """The gold stages' load, measured accuracy and true accuracy (if any)."""
    _print_stage_kpis(console, results, "Gold tasks (mean and 95% interval)", _GOLD_KPIS)


def _print_stage_kpis(
    console: Console, results: Results, title: str, metrics: tuple[str, ...]
) -> None:
    """One row per stage that reports the first of ``metrics``, one column per metric."""
    unit = results.time_unit
    k = results.kpis
    names = [n for n in results.stages if f"stages.{n}.{metrics[0]}" in k]
    if not names:
        return
    columns = ["stage", *(lookup(f"stages.x.{m}").kpi.label_for("").strip() for m in metrics)]
    table = _table(title, columns)
    for name in names:
        cells = []
        for metric in metrics:
            value = lookup(f"stages.{name}.{metric}")
            mean, interval = format_estimate(value.kpi.unit, k[value.key], unit)
            cells.append(f"{mean} ({interval})")
        table.add_row(name, *cells)
    console.print(table)


def print_comparison(console: Console, comparison: Comparison) -> None:
    """One table per scenario: baseline, scenario, the paired difference and its interval."""
    base = comparison.baseline
    unit = base.time_unit
    s = base.settings
    console.print(
        f"[bold]{base.process}[/bold] vs {counted(len(comparison.scenarios), 'scenario')}: "
        f"{replications(s['replications'], 'paired replication')} (common random numbers), "
        f"seed {s['seed']}"
    )
    rows = headline_of([base, *(sc.results for sc in comparison.scenarios)])
    for scenario in comparison.scenarios:
        style = _TONE_STYLE[scenario.verdict.tone]
        console.print(
            f"\n[bold]{scenario.name}[/bold]: [{style}]{scenario.verdict.text}[/] "
            f"({scenario.verdict.word})"
        )
        for note in scenario.results.verdict.notes:
            console.print(f"  {note}", style="dim")
        if scenario.description:
            console.print(scenario.description, style="dim")
        table = Table(title_justify="left")
        for column in ("KPI", "baseline", "scenario", "change", "95% interval", ""):
            table.add_column(column, justify="left" if column == "KPI" else "right", no_wrap=True)
        for value in rows:
            d = scenario.differences.get(value.key)
            if d is None:
                continue
            kind = value.kpi.unit
            word = change_word(value, d)
            table.add_row(
                value.label,
                format_value(kind, d.baseline, unit),
                format_value(kind, d.scenario, unit),
                format_value(kind, d.change.mean, unit, signed=True),
                format_interval(kind, d.change.low, d.change.high, unit, signed=True),
                f"[bold]significant[/] ({word})"
                if word
                else ("[bold]significant[/]" if d.significant else ""),
            )
        console.print(table)
        for sla in scenario.slas:
            before, after = sla.words
            style = {"met": "green", "missed": "bold red"}.get(after, "yellow")
            console.print(f"  SLA {sla.name}: baseline {before}, scenario [{style}]{after}[/]")
    if comparison.forecast is not None:
        console.rule("From the snapshot: will the backlog clear?")
        print_forecast(console, comparison.forecast)


#: How the terminal shows what a sweep's point is.
_STATUS_STYLE = {
    "feasible": "[green]✓[/]",
    "unstable": "[red]unstable[/]",
    "SLA missed": "[red]SLA missed[/]",
    "quality target not met": "[yellow]quality target not met[/]",
    "undecided": "[yellow]undecided[/]",
}


def print_sweep(console: Console, found: Sweep) -> None:
    """One row per point: the values swept, cost, turnaround, utilization, SLA verdicts."""
    table = Table(
        title="Sweep (means over replications; ✓ = keeps up, every SLA and any quality target "
        "met; ★ cheapest)",
        title_justify="left",
    )
    headers, rows = glance(found)
    for k, header in enumerate(headers):
        table.add_column(header, justify="right", **_fold(k < len(found.axes)))
    table.add_column("", justify="right", no_wrap=True)
    for row in rows:
        if row.status == "error":
            table.add_row(*row.cells, f"[red]{row.error}[/]")
            continue
        mark = _STATUS_STYLE[row.status] + (" [green]★ cheapest[/]" if row.cheapest else "")
        table.add_row(*row.cells, mark)
    console.print(table)


def _fold(axis: bool) -> dict[str, Any]:
    """An axis's values fold on a narrow terminal; the numbers never wrap."""
    return {"overflow": "fold"} if axis else {"no_wrap": True}


_PLAN_WORDS = {
    "passes": "[green]passes[/]",
    "fails": "[red]fails[/]",
    "undecided": "[yellow]undecided: add replications[/]",
}


def print_optimization(console: Console, found: Optimization) -> None:
    """The chosen plan, its cost against today's, the runners-up, and the search's numbers."""
    unit = str(found.settings.get("time_unit", "minute"))
    console.print(
        f"[bold]{found.process}[/bold]: {found.total:,} staffing plans in the bounds, "
        f"{found.pruned:,} ruled out by the analysis, {len(found.simulated)} simulated"
    )
    if found.best is None:
        if found.undecided:
            console.print("[bold yellow]Undecided: add replications.[/]")
        else:
            console.print("[bold red]No plan in the bounds meets every SLA.[/]")
        for note in found.notes:
            console.print(f"  {note}")
        return
    best = found.best
    saving = found.baseline_cost_per_hour - best.cost_per_hour
    plan = ", ".join(f"{pool} {n}" for pool, n in best.counts.items())
    if found.objective == "heads":
        console.print(f"Best plan  [bold green]{plan}[/]: {best.heads:,} heads")
    else:
        console.print(
            f"Best plan  [bold green]{plan}[/]: {best.cost_per_hour:,.2f}/h "
            f"({'saves' if saving >= 0 else 'costs'} {abs(saving):,.2f}/h against today's "
            f"{found.baseline_cost_per_hour:,.2f}/h)"
        )
    for note in found.notes:
        console.print(f"  {note}", style="dim")
    table = _table(
        "Plans simulated, cheapest first", ["plan", "cost/h", "cost/item", "p90 cycle", "SLAs", ""]
    )
    for candidate in found.simulated:
        results = candidate.point.results if candidate.point else None
        label = ", ".join(f"{p} {n}" for p, n in candidate.counts.items())
        if results is None:
            table.add_row(label, f"{candidate.cost_per_hour:,.2f}", "", "", "", "error")
            continue
        if candidate is best:
            verdict = "best"
        elif candidate in found.runners_up:
            verdict = "runner-up"
        else:
            verdict = _PLAN_WORDS[candidate.decision(found.max_utilization)]
        table.add_row(
            label,
            f"{candidate.cost_per_hour:,.2f}",
            f"{results.kpis['cost_per_item'].mean:,.3f}",
            duration(results.kpis["cycle_time.p90"].mean, unit),
            " ".join(f"{s.attained.mean:.1%}" for s in results.slas),
            verdict,
        )
    console.print(table)
