"""Terminal tables for PMs (rich): what a process holds and the load on each pool."""

from __future__ import annotations

import math

from rich.console import Console
from rich.table import Table

from procflow.analysis import Capacity
from procflow.model.process import Process
from procflow.model.quantities import format_duration


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
    per_hour = 3600 / {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}[unit]
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
            str(resource.count),
            f"{resource.cost_per_hour * resource.count:,.0f}",
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
