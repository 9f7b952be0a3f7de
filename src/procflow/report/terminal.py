"""Terminal tables for PMs (rich): what a process holds and the load on each pool."""

from __future__ import annotations

import math
from collections.abc import Callable

from rich.console import Console
from rich.table import Table

from procflow.analysis import Capacity
from procflow.compare import Comparison
from procflow.model.process import Process
from procflow.model.quantities import convert, format_duration
from procflow.optimize import Optimization
from procflow.report.kpis import format_interval, format_value, headline_kpis
from procflow.results import Estimate, Results
from procflow.sweep import SweepPoint


def _pct(x: float) -> str:
    return "∞" if math.isinf(x) else f"{x:.0%}"


def _load_style(utilization: float) -> str:
    if utilization >= 1:
        return "bold red"
    if utilization >= 0.85:
        return "yellow"
    return "green"


def print_capacity(console: Console, process: Process, capacity: Capacity) -> None:
    """Print a process's arrivals, pools and stages with their expected load."""
    unit = process.time_unit
    per_hour = convert(1.0, "hour", unit)  # time units in an hour
    console.print(f"[bold]{process.name}[/bold]  ({process.source.path if process.source else ''})")
    if process.description:
        console.print(process.description.strip(), style="dim")
    streams = ", ".join(f"{a.name}: {a.rate_per_unit * per_hour:,.0f}/h" for a in process.arrivals)
    console.print(f"Arrivals  {streams}")
    if capacity.endless:
        console.print("[bold red]Some items can loop forever: no load estimate.[/bold red]")
        return

    pools = Table(title="Staff pools (expected load)", title_justify="left")
    for column in (
        "pool",
        "staff",
        "cost/h",
        "tasks/h",
        "AHT",
        "busy",
        "utilization",
        "wait (est.)",
    ):
        pools.add_column(column, justify="left" if column == "pool" else "right")
    for name, load in capacity.pools.items():
        resource = process.resources[name]
        pools.add_row(
            name,
            f"{resource.mean_staff:.3g}",
            f"{resource.cost_per_hour * resource.mean_staff:,.0f}",
            f"{load.arrival_rate * per_hour:,.1f}",
            format_duration(load.mean_service, unit) if load.mean_service else "-",
            f"{load.offered_load:.1f}",
            f"[{_load_style(load.utilization)}]{_pct(load.utilization)}[/]",
            "unstable" if not load.stable else format_duration(load.mean_wait, unit),
        )
    console.print(pools)

    stages = Table(title="Stages", title_justify="left")
    for column in ("stage", "kind", "pool", "handling time", "visits/item", "per hour"):
        stages.add_column(
            column, justify="left" if column in ("stage", "kind", "pool") else "right"
        )
    for name, stage in process.stages.items():
        flow = capacity.stages.get(name)
        visits = flow.visits if flow else 0.0
        stages.add_row(
            name,
            stage.kind,
            stage.resource or "",
            stage.duration.describe() if stage.duration else "",
            f"{visits:.3f}",
            f"{visits * capacity.arrival_rate * per_hour:,.1f}",
        )
    console.print(stages)
    verdict = (
        "[green]stable[/green]: every pool can keep up on average"
        if capacity.stable
        else "[bold red]unstable[/bold red]: "
        + ", ".join(n for n, p in capacity.pools.items() if not p.stable)
        + " cannot keep up"
    )
    console.print(f"Verdict   {verdict}")
    if capacity.stable and math.isfinite(capacity.mean_cycle_time):
        console.print(
            f"Estimated mean cycle time {format_duration(capacity.mean_cycle_time, unit)} "
            "(Erlang C; simulate for percentiles and SLAs)"
        )


def _est(e: Estimate, fmt: Callable[[float], str]) -> tuple[str, str]:
    if math.isnan(e.mean):
        return "-", ""
    if math.isnan(e.low):
        return fmt(e.mean), ""
    return fmt(e.mean), f"{fmt(e.low)} … {fmt(e.high)}"


def print_results(console: Console, process: Process, results: Results) -> None:
    """Print a simulation's verdict, KPIs, pools, stages, SLAs and bottlenecks."""
    unit = process.time_unit
    k = results.kpis
    s = results.settings
    console.print(
        f"[bold]{results.process}[/bold]: {s['replications']} replications of "
        f"{format_duration(s['horizon'] - s['warmup'], unit)} after "
        f"{format_duration(s['warmup'], unit)} warm-up, seed {s['seed']}"
    )
    style = "bold green" if results.stable and all(x.met for x in results.slas) else "bold red"
    console.print(f"Verdict  [{style}]{results.verdict}[/]")

    def dur(x: float) -> str:
        return format_duration(x, unit)

    table = Table(title="KPIs (mean and 95% interval over replications)", title_justify="left")
    table.add_column("KPI")
    table.add_column("mean", justify="right")
    table.add_column("95% interval", justify="right")
    rows: list[tuple[str, str, Callable[[float], str]]] = [
        ("throughput / hour", "throughput_per_hour", lambda x: f"{x:,.1f}"),
        ("cycle time mean", "cycle_time.mean", dur),
        ("cycle time p50", "cycle_time.p50", dur),
        ("cycle time p90", "cycle_time.p90", dur),
        ("cycle time p95", "cycle_time.p95", dur),
        ("cycle time p99", "cycle_time.p99", dur),
        ("work in progress", "wip", lambda x: f"{x:,.1f}"),
        ("backlog at end", "backlog", lambda x: f"{x:,.0f}"),
        ("cost / item", "cost_per_item", lambda x: f"{x:,.2f}"),
        ("rework rate", "rework_rate", lambda x: f"{x:.1%}"),
        ("escaped defects", "escaped_defect_rate", lambda x: f"{x:.2%}"),
    ]
    for label, key, fmt in rows:
        table.add_row(label, *_est(k[key], fmt))
    console.print(table)

    pools = Table(title="Staff pools", title_justify="left")
    for column in ("pool", "staff", "utilization", "95% interval"):
        pools.add_column(column, justify="left" if column == "pool" else "right")
    for name, resource in process.resources.items():
        e = k[f"resources.{name}.utilization"]
        mean, interval = _est(e, lambda x: f"{x:.0%}")
        staff = f"{resource.mean_staff:.3g}"
        pools.add_row(name, staff, f"[{_load_style(e.mean)}]{mean}[/]", interval)
    console.print(pools)

    stages = Table(title="Stages", title_justify="left")
    for column in ("stage", "visits/item", "mean wait", "p90 wait", "avg queue", "max queue"):
        stages.add_column(column, justify="left" if column == "stage" else "right")
    for name, stage in process.stages.items():
        if stage.kind != "work":
            continue
        p = f"stages.{name}."
        stages.add_row(
            name,
            f"{k[p + 'visits'].mean:.3f}",
            _est(k[p + "waiting_time"], dur)[0],
            _est(k[p + "waiting_time_p90"], dur)[0],
            f"{k[p + 'queue_length'].mean:,.1f}",
            f"{k[p + 'queue_length_max'].mean:,.0f}",
        )
    console.print(stages)

    if results.slas:
        slas = Table(title="SLAs", title_justify="left")
        for column in ("SLA", "target", "attained", "95% interval", "verdict"):
            slas.add_column(column, justify="left" if column in ("SLA", "verdict") else "right")
        for sla in results.slas:
            mean, interval = _est(sla.attained, lambda x: f"{x:.1%}")
            verdict = "[green]met[/]" if sla.met else "[bold red]missed[/]"
            if not sla.certain and sla.attained.n > 1:
                verdict += " (uncertain)"
            slas.add_row(sla.name, f"{sla.target:.0%} ≤ {dur(sla.max)}", mean, interval, verdict)
        console.print(slas)

    if results.bottlenecks:
        console.print("[bold]Bottlenecks[/bold] (most limiting first)")
        for rank, b in enumerate(results.bottlenecks, start=1):
            console.print(f"  {rank}. {b.reason}")


def print_comparison(console: Console, process: Process, comparison: Comparison) -> None:
    """One table per scenario: baseline, scenario, the paired difference and its interval."""
    unit = process.time_unit
    base = comparison.baseline
    s = base.settings
    console.print(
        f"[bold]{base.process}[/bold] vs {len(comparison.scenarios)} scenario(s): "
        f"{s['replications']} paired replications (common random numbers), seed {s['seed']}"
    )
    for scenario in comparison.scenarios:
        good = scenario.stable and not any(x.broken for x in scenario.slas)
        style = "bold green" if good else "bold red"
        console.print(f"\n[bold]{scenario.name}[/bold]: [{style}]{scenario.verdict}[/]")
        if scenario.description:
            console.print(scenario.description, style="dim")
        table = Table(title_justify="left")
        for column in ("KPI", "baseline", "scenario", "change", "95% interval", ""):
            table.add_column(column, justify="left" if column == "KPI" else "right", no_wrap=True)
        for key, label, kind in headline_kpis(scenario.process or process):
            d = scenario.differences.get(key)
            if d is None:
                continue
            interval = format_interval(kind, d.change.low, d.change.high, unit, signed=True)
            table.add_row(
                label,
                format_value(kind, d.baseline, unit),
                format_value(kind, d.scenario, unit),
                format_value(kind, d.change.mean, unit, signed=True),
                interval,
                "[bold]significant[/]" if d.significant else "",
            )
        console.print(table)
        for sla in scenario.slas:
            before = "met" if sla.baseline_met else "missed"
            after = "[green]met[/]" if sla.met else "[bold red]missed[/]"
            console.print(f"  SLA {sla.name}: baseline {before}, scenario {after}")


def print_sweep(console: Console, process: Process, points: list[SweepPoint]) -> None:
    """One row per point: the values swept, cost, turnaround, utilization, SLA verdicts."""
    unit = process.time_unit
    axes = list(points[0].changes) if points else []
    table = Table(
        title="Sweep (means over replications; ✓ = stable and every SLA met)", title_justify="left"
    )
    for axis in axes:
        label = axis.removeprefix("resources.").removeprefix("stages.")
        table.add_column(label, justify="right", overflow="fold")
    for column in ("cost/h", "p90 cycle", "busiest pool", "SLAs", ""):
        table.add_column(column, justify="right", no_wrap=True)
    for point in points:
        values = [str(point.changes[a]) for a in axes]
        results = point.results
        if results is None:
            table.add_row(*values, "", "", "", "", f"[red]{point.error}[/]")
            continue
        utilizations = [
            (results.kpis[f"resources.{n}.utilization"].mean, n) for n in process.resources
        ]
        busiest = max((u, n) for u, n in utilizations if not math.isnan(u))
        slas = " ".join(f"{s.attained.mean:.0%}" for s in results.slas)
        mark = (
            "[green]✓[/]"
            if point.feasible
            else ("[red]unstable[/]" if not results.stable else "[yellow]SLA missed[/]")
        )
        table.add_row(
            *values,
            f"{point.cost_per_hour:,.0f}",
            format_duration(results.kpis["cycle_time.p90"].mean, unit),
            f"{busiest[1]} {busiest[0]:.0%}",
            slas,
            mark,
        )
    console.print(table)


def print_optimization(console: Console, process: Process, found: Optimization) -> None:
    """The chosen plan, its cost against today's, the runners-up, and the search's numbers."""
    console.print(
        f"[bold]{process.name}[/bold]: {found.total:,} staffing plans in the bounds, "
        f"{found.pruned:,} ruled out by the analysis, {len(found.simulated)} simulated"
    )
    if found.best is None:
        console.print("[bold red]No plan in the bounds meets every SLA.[/]")
        for note in found.notes:
            console.print(f"  {note}")
        return
    best = found.best
    saving = found.baseline_cost_per_hour - best.cost_per_hour
    plan = ", ".join(f"{pool} {n}" for pool, n in best.counts.items())
    console.print(
        f"Best plan  [bold green]{plan}[/]: {best.cost_per_hour:,.2f}/h "
        f"({'saves' if saving >= 0 else 'costs'} {abs(saving):,.2f}/h against today's "
        f"{found.baseline_cost_per_hour:,.2f}/h)"
    )
    table = Table(title="Plans simulated, cheapest first", title_justify="left")
    for column in ("plan", "cost/h", "cost/item", "p90 cycle", "SLAs", ""):
        table.add_column(column, justify="left" if column == "plan" else "right")
    for candidate in found.simulated:
        point = candidate.point
        results = point.results if point else None
        label = ", ".join(f"{p} {n}" for p, n in candidate.counts.items())
        if results is None:
            table.add_row(label, f"{candidate.cost_per_hour:,.2f}", "", "", "", "error")
            continue
        verdict = (
            "best"
            if candidate is best
            else (
                "runner-up"
                if candidate in found.runners_up
                else ("[green]passes[/]" if candidate.passes(None) else "[red]fails[/]")
            )
        )
        table.add_row(
            label,
            f"{candidate.cost_per_hour:,.2f}",
            f"{results.kpis['cost_per_item'].mean:,.3f}",
            format_duration(results.kpis["cycle_time.p90"].mean, process.time_unit),
            " ".join(f"{s.attained.mean:.1%}" for s in results.slas),
            verdict,
        )
    console.print(table)
