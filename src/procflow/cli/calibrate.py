"""``procflow calibrate``: fit a process file to an event log."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from procflow.cli.common import check_outputs, echo_skipped, emit, fail_load
from procflow.diagnostics import LoadError


def _column(
    flag: str, what: str, default: str
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """A column option: its name in the log, when the default names do not fit."""
    return click.option(flag, metavar="NAME", help=f"The column of {what} (default {default}).")


@click.command()
@click.argument("log", type=click.Path())
@click.option(
    "-o",
    "--out",
    "output",
    type=click.Path(),
    help="Write the fitted process file here (atomically) instead of standard output.",
)
@click.option(
    "--skeleton",
    type=click.Path(),
    help="Your own process file: keep its stages, names and comments, fill in the numbers.",
)
@_column("--case", "the case id", "case_id, or case:concept:name")
@_column("--activity", "the activity", "activity, or concept:name")
@_column("--resource", "the worker or pool", "resource, or org:resource")
@_column("--role", "the role: a pool per role", "role, or org:role, when the log has one")
@_column("--start", "the start time", "start_timestamp, or start_time")
@_column("--end", "the end time", "end_timestamp, time:timestamp, or end_time")
@_column("--enqueue", "the time work was queued", "enqueue_timestamp, or enabled_time")
@click.option(
    "--tz",
    "zone",
    metavar="ZONE",
    help="The team's local time zone (Europe/Berlin, +02:00): the hours of the schedule and "
    "calendars, and of timestamps without an offset (default: the offset of the first one).",
)
def calibrate(
    log: str,
    output: str | None,
    skeleton: str | None,
    case: str | None,
    activity: str | None,
    resource: str | None,
    role: str | None,
    start: str | None,
    end: str | None,
    enqueue: str | None,
    zone: str | None,
) -> None:
    """Fit a process file to an event log: arrivals, handling times, routing, staff.

    LOG is a CSV event log (one row per task per step; .csv.gz too) or an XES log:
    procflow's own (simulate --events) or your tool's export. Every fitted number
    says in a comment how many observations it rests on; fewer than 30 is a
    warning. Bad rows are skipped, counted and the first few listed. Review the
    file, then `procflow lint` and `procflow simulate` it.

    \b
    Example:
      procflow calibrate export.csv --out processes/fitted.yaml
      procflow calibrate PurchasingExample.csv.gz --tz Europe/Amsterdam -o purchasing.yaml
      procflow calibrate export.csv --skeleton processes/my_sop.yaml -o processes/my_sop_fitted.yaml
    """
    from procflow.calibrate import calibrate as fit
    from procflow.calibrate import parse_zone
    from procflow.eventlog.reader import COLUMNS, Columns

    inputs = [Path(p) for p in (log, skeleton) if p]
    check_outputs(inputs, output, mkdir=False)
    given = {
        "case": case,
        "stage": activity,
        "pool": resource,
        "started": start,
        "ended": end,
        "enqueued": enqueue,
    }
    columns = Columns(**{k: v if v else getattr(COLUMNS, k) for k, v in given.items()})
    try:
        local = parse_zone(zone) if zone else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--tz") from None
    try:
        result = fit(log, columns=columns, role=role, zone=local, skeleton=skeleton)
    except LoadError as exc:
        fail_load(exc)
        raise
    echo_skipped(log, result.skipped_rows, result.skipped)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    emit(result.text, output)
    if output:
        how = "read as a stream, in time order" if result.streamed else "read whole"
        click.echo(
            f"Wrote {output}: fitted from {result.visits:,} visits of {result.cases:,} cases "
            f"({how})",
            err=True,
        )
