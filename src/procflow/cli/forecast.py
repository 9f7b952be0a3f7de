"""``procflow forecast``: from today's backlog snapshot to a deadline, with a probability."""

from __future__ import annotations

import json
from typing import Any

import click

from procflow.cli.common import (
    check_exports,
    emit,
    executor_of,
    executor_options,
    export,
    export_options,
    inputs_of,
    load_any,
    progress_bar,
    refuse_broken,
    rendered,
)
from procflow.cli.snapshot import read_start, snapshot_options


@click.command()
@click.argument("path", type=click.Path())
@click.argument("scenarios", nargs=-1, type=click.Path())
@snapshot_options(required=True)
@click.option(
    "--horizon",
    default=None,
    help="Instead of --until: 'until 2026-12-04T18:00', or a length after the snapshot "
    "such as '3 days'.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@click.option(
    "--replications",
    "-r",
    default=20,
    show_default=True,
    type=click.IntRange(1),
    help="Independent runs: the probability of clearing is the share of them that did.",
)
@click.option(
    "--seed",
    default=1,
    show_default=True,
    type=click.IntRange(0),
    help="Same inputs and seed give the same numbers.",
)
@executor_options
@export_options
def forecast(
    path: str,
    scenarios: tuple[str, ...],
    initial_state: str,
    fmt: str,
    output: str | None,
    **opts: Any,
) -> None:
    """Will the backlog clear by the deadline? Start from a snapshot, forecast with odds.

    The run starts at the snapshot's date and time (shifts and schedules line up
    with the real day) with its items in their queues, and goes to the deadline.
    The answer: the probability that the backlog comes down to --target (a Wilson
    95% interval over replications), when it does, the backlog over time as a fan
    chart (median and 10-90% band), and each SLA's breaches. Scenario files after
    the process run on the same random numbers ("three reviewers out").

    \b
    Example:
      procflow forecast processes/multilingual_review_queue.yaml \\
        --initial-state processes/multilingual_backlog.csv --until 2026-12-04T18:00
      procflow forecast processes/multilingual_review_queue.yaml \\
        scenarios/multilingual_borrowed_staff.yaml \\
        --initial-state processes/multilingual_backlog.csv --horizon "until 2026-12-04T18:00"
    """
    from procflow.decide.forecast import forecast as run_forecast
    from procflow.report.forecast import forecast_markdown, print_forecast
    from procflow.results import to_json
    from procflow.results.forecast import BacklogForecasts

    base, scenario = load_any(path)
    runs: list[tuple[str | None, Any]] = [(scenario.name if scenario else None, base)]
    for other in scenarios:
        process, loaded = load_any(other)
        runs.append((loaded.name if loaded else other, process))
    refuse_broken(*(p for _, p in runs))
    given = [path, *scenarios, initial_state, *filter(None, [opts["volumes_path"]])]
    check_exports(inputs_of(given, scenario or base), {**opts, "output": output})
    start = read_start(base, initial_state, opts, scenario.settings if scenario else None)
    executor = executor_of(opts)
    with progress_bar(opts["replications"] * len(runs)) as advance:
        made = run_forecast(
            runs,
            start.snapshot,
            start.until,
            volumes=start.volumes,
            target=opts["target"],
            replications=opts["replications"],
            seed=opts["seed"],
            executor=executor,
            progress=advance,
        )
    record = BacklogForecasts(made)
    if fmt == "json":
        text = json.dumps(to_json(record), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "markdown":
        text = forecast_markdown(record)
    else:
        text = rendered(lambda console: print_forecast(console, record), output)
    export(record, base, opts)
    if text:
        emit(text, output)
