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
    fail_load,
    inputs_of,
    load_any,
    progress_bar,
    refuse_broken,
    rendered,
)


@click.command()
@click.argument("path", type=click.Path())
@click.argument("scenarios", nargs=-1, type=click.Path())
@click.option(
    "--initial-state",
    "initial_state",
    required=True,
    type=click.Path(dir_okay=False),
    help="The backlog snapshot: a CSV with one row per item (stage, arrived, state, attributes).",
)
@click.option(
    "--at",
    default=None,
    help="The snapshot's time, e.g. 2026-12-01T09:00 (default: its '# snapshot:' line).",
)
@click.option("--until", default=None, help="The deadline, e.g. 2026-12-04T18:00.")
@click.option(
    "--horizon",
    default=None,
    help="Instead of --until: 'until 2026-12-04T18:00', or a length after the snapshot "
    "such as '3 days'.",
)
@click.option(
    "--forecast",
    "volumes_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="A volume forecast CSV (start, stream, volume, optional low/high; as procflow staff "
    "reads): its streams send these volumes, each replication drawn within low-high.",
)
@click.option(
    "--target",
    default=0,
    show_default=True,
    type=click.IntRange(0),
    help="Cleared means the backlog (items in the system) is down to this many.",
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
    from procflow.diagnostics import LoadError
    from procflow.model.forecast import read_forecast
    from procflow.model.settings import SettingsError, deadline
    from procflow.model.snapshot import parse_time, read_snapshot
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
    try:
        at = parse_time(opts["at"]) if opts["at"] else None
    except ValueError:
        raise click.BadParameter(
            f"{opts['at']!r} is not a date-time; write e.g. 2026-12-01T09:00", param_hint="--at"
        ) from None
    try:
        snapshot = read_snapshot(initial_state, base, at)
    except LoadError as exc:
        fail_load(exc)
        raise
    volumes = None
    if opts["volumes_path"]:
        try:
            volumes = read_forecast(opts["volumes_path"], [a.name for a in base.arrivals])
        except LoadError as exc:
            fail_load(exc)
            raise
    try:
        until = deadline(snapshot.at, opts["until"], opts["horizon"])
    except SettingsError as exc:
        raise click.BadParameter(exc.message, param_hint=exc.option) from None
    executor = executor_of(opts)
    with progress_bar(opts["replications"] * len(runs)) as advance:
        made = run_forecast(
            runs,
            snapshot,
            until,
            volumes=volumes,
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
