"""Commands over many variants of a process: ``compare``, ``sweep``, ``optimize``."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from procflow.cli.common import (
    EXIT_FINDINGS,
    check_exports,
    emit,
    export,
    inputs_of,
    load_any,
    load_scenario_or_exit,
    plan_run,
    progress_bar,
    refuse_broken,
    refuse_sweep,
    rendered,
    run_options,
)
from procflow.cli.snapshot import (
    read_start,
    refuse_with_snapshot,
    refuse_without_snapshot,
    snapshot_options,
)


@click.command()
@click.argument("base", type=click.Path())
@click.argument("scenarios", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "csv"]),
    default="text",
    show_default=True,
    help="csv: every scenario's table of paired differences, one after another, as CSV.",
)
@snapshot_options(required=False)
@run_options
def compare(
    base: str,
    scenarios: tuple[str, ...],
    fmt: str,
    output: str | None,
    initial_state: str | None,
    **opts: Any,
) -> None:
    """Compare scenarios against a baseline, with paired statistics a PM can trust.

    Every scenario runs on the same random numbers as the baseline
    (replication by replication), so each KPI's difference comes with a narrow
    95% interval and a 'significant' flag. Scenarios that become unstable or
    break an SLA the baseline meets are flagged first.

    With --initial-state the runs start from that backlog snapshot and go to
    --until (or --horizon "until <date-time>"), as procflow forecast runs them:
    the comparison adds each forecast (the chance of clearing the backlog to
    --target, when, the breaches) and each scenario's change against the baseline.

    \b
    Example:
      procflow compare processes/image_moderation_qc.yaml \\
          scenarios/qc_sample_20pct.yaml scenarios/qc_sample_20pct_plus_3.yaml
      procflow compare processes/image_moderation_qc.yaml scenarios/*.yaml --format markdown
      procflow compare processes/multilingual_review_queue.yaml \\
          scenarios/multilingual_borrowed_staff.yaml \\
          --initial-state processes/multilingual_backlog.csv --until 2026-12-03T18:00
    """
    from procflow.decide.compare import compare as run_compare
    from procflow.decide.forecast import compare_forecasts
    from procflow.report.markdown import comparison_markdown
    from procflow.report.terminal import print_comparison
    from procflow.results import to_json

    baseline, base_scenario = load_any(base)
    refuse_broken(baseline)
    loaded = [load_scenario_or_exit(p) for p in scenarios]
    for scenario in loaded:
        refuse_sweep(scenario, "compare")
        refuse_broken(scenario.process)
    given = [base, *scenarios, *filter(None, [initial_state, opts["volumes_path"]])]
    check_exports(inputs_of(given, base_scenario or baseline, *loaded), {**opts, "output": output})
    overrides = loaded[0].settings if loaded else None
    changes = [(s.name, s.description, s.process) for s in loaded]
    if initial_state is None:
        refuse_without_snapshot(opts)
        run = plan_run(baseline, opts, overrides)
        total = run.settings.replications * (len(loaded) + 1)
        with progress_bar(total) as advance:
            comparison = run_compare(
                baseline, changes, run.settings, executor=run.executor, progress=advance
            )
    else:
        refuse_with_snapshot(opts)
        start = read_start(baseline, initial_state, opts, overrides)
        run = plan_run(baseline, {**opts, "horizon": None}, overrides)
        total = run.settings.replications * (len(loaded) + 1)
        with progress_bar(total) as advance:
            comparison = compare_forecasts(
                baseline,
                changes,
                start.snapshot,
                start.until,
                volumes=start.volumes,
                target=opts["target"],
                replications=run.settings.replications,
                seed=run.settings.seed,
                executor=run.executor,
                progress=advance,
            )
    export(comparison, baseline, opts)
    if fmt == "json":
        text = json.dumps(to_json(comparison), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "markdown":
        text = comparison_markdown(comparison)
    elif fmt == "csv":
        from procflow.report.csvout import command_table, table_text

        text = table_text(command_table(comparison))
    else:
        text = rendered(lambda console: print_comparison(console, comparison), output)
    if text:
        emit(text, output)


@click.command()
@click.argument("path", type=click.Path())
@click.option(
    "--set",
    "axes",
    multiple=True,
    metavar="PATH=VALUES",
    help="A path and its values: 'resources.annotator.count=40:48:2' (ends included) "
    "or 'resources.qc_reviewer.count=8,9,10'. Repeatable: the grid of all of them.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "csv"]),
    default="text",
    show_default=True,
    help="markdown: the cheapest feasible point and a row per point, for a review; csv: "
    "every KPI of every point.",
)
@run_options
def sweep(path: str, axes: tuple[str, ...], fmt: str, output: str | None, **opts: Any) -> None:
    """Simulate a grid of changes: KPIs per point, points marked against the SLAs.

    PATH is a process, or a scenario file whose `sweep:` block gives the grid
    (--set adds to or replaces its axes). Every point runs on the same random
    numbers, so differences between points are the changes, not noise.

    \b
    Example:
      procflow sweep processes/image_moderation_qc.yaml \\
          --set resources.annotator.count=42:48:2 --set resources.qc_reviewer.count=8:11
      procflow sweep scenarios/consensus_staffing_sweep.yaml --format json -o sweep.json
      procflow sweep scenarios/triage_threshold_sweep.yaml --format markdown -o sweep.md
    """
    from procflow.decide.sweep import grid, parse_values
    from procflow.decide.sweep import sweep as run_sweep
    from procflow.report.markdown import sweep_markdown
    from procflow.report.terminal import print_sweep
    from procflow.results import to_json

    process, scenario = load_any(path)
    refuse_broken(process)
    check_exports(inputs_of([path], scenario or process), {**opts, "output": output})
    grid_axes: dict[str, list[Any]] = dict(scenario.sweep) if scenario else {}
    for axis in axes:
        key, sep, values = axis.partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError("write PATH=VALUES")
            grid_axes[key.strip()] = parse_values(values)
        except ValueError as exc:
            raise click.BadParameter(f"{axis!r}: {exc}", param_hint="--set") from None
    if not grid_axes:
        raise click.UsageError("nothing to sweep: give --set PATH=VALUES or a scenario with sweep:")
    try:
        points = grid(grid_axes)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    run = plan_run(process, opts, scenario.settings if scenario else None)
    with progress_bar(run.settings.replications * len(points)) as advance:
        found = run_sweep(process, points, run.settings, executor=run.executor, progress=advance)
    export(found, process, opts)
    if fmt == "json":
        text = json.dumps(to_json(found), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "markdown":
        text = sweep_markdown(found)
    elif fmt == "csv":
        from procflow.report.csvout import command_table, table_text

        text = table_text(command_table(found))
    else:
        text = rendered(lambda console: print_sweep(console, found), output)
    if text:
        emit(text, output)


def _bounds(pools: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    bounds: dict[str, tuple[int, int]] = {}
    for spec in pools:
        name, sep, span = spec.partition("=")
        low, colon, high = span.partition(":")
        try:
            if not sep or not colon:
                raise ValueError
            bounds[name.strip()] = (int(low), int(high))
        except ValueError:
            raise click.BadParameter(
                f"{spec!r}: write POOL=LOW:HIGH, e.g. qc_reviewer=6:12", param_hint="--pool"
            ) from None
    return bounds


@click.command()
@click.argument("path", type=click.Path())
@click.option(
    "--pool",
    "pools",
    multiple=True,
    metavar="POOL=LOW:HIGH",
    help="A pool's heads bounds, e.g. qc_reviewer=6:12 (a calendar: the sum of its shifts' "
    "counts, scaled alike; a team: POOL.TEAM=LOW:HIGH). Repeatable. Without any, every "
    "pool and team varies from 80% to 120% of today's heads.",
)
@click.option(
    "--max-utilization",
    type=click.FloatRange(0, 1, min_open=True),
    default=None,
    help="A ceiling on each searched pool's utilization, e.g. 0.9.",
)
@click.option("--runners-up", default=3, show_default=True, type=click.IntRange(0, 20))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@run_options
def optimize(
    path: str,
    pools: tuple[str, ...],
    max_utilization: float | None,
    runners_up: int,
    fmt: str,
    output: str | None,
    **opts: Any,
) -> None:
    """Find the cheapest staffing within bounds (or around today's) that meets every SLA.

    The analytic model rules out plans that cannot keep up; the rest are
    simulated from the cheapest up until plans pass every SLA (and the
    utilization ceiling). Prints the plan, its cost per hour and per item, and
    the runners-up. Exit status 1 when no plan in the bounds passes.

    \b
    Example:
      procflow optimize processes/image_moderation_qc.yaml \\
          --pool annotator=38:46 --pool qc_reviewer=6:10 --max-utilization 0.9
      procflow optimize processes/multilingual_review_queue.yaml
    """
    from procflow.decide.optimize import OptimizeError
    from procflow.decide.optimize import optimize as search
    from procflow.report.terminal import print_optimization
    from procflow.results import to_json

    process, scenario = load_any(path)
    refuse_broken(process)
    check_exports(inputs_of([path], scenario or process), {**opts, "output": output})
    run = plan_run(process, opts, scenario.settings if scenario else None)
    try:
        with progress_bar(0) as advance:
            found = search(
                process,
                _bounds(pools),
                run.settings,
                max_utilization=max_utilization,
                runners_up=runners_up,
                executor=run.executor,
                progress=advance,
            )
    except OptimizeError as exc:
        raise click.UsageError(str(exc)) from None
    export(found, process, opts)
    if fmt == "json":
        text = json.dumps(to_json(found), indent=2, ensure_ascii=False) + "\n"
    else:
        text = rendered(lambda console: print_optimization(console, found), output)
    if text:
        emit(text, output)
    if found.best is None:
        sys.exit(EXIT_FINDINGS)
