"""The options of a run from today's backlog, shared by ``forecast`` and ``compare``.

``--initial-state`` names the snapshot, ``--at`` its time (else its ``# snapshot:``
line), ``--until`` (or ``--horizon "until <date-time>"``) the deadline, ``--target``
the backlog level that counts as cleared and ``--forecast`` a volume forecast for the
arrivals. :func:`read_start` reads them, exiting 2 with located findings (PF022) or
the option at fault.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from procflow.cli.common import fail_load

if TYPE_CHECKING:
    from procflow.model.forecast import Forecast
    from procflow.model.process import Process
    from procflow.model.settings import Deadline, RunOverrides
    from procflow.model.snapshot import Snapshot


def snapshot_options(*, required: bool) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``--initial-state`` (``required`` or not), ``--at``, ``--until``, ``--forecast`` and
    ``--target``."""
    options = [
        click.option(
            "--initial-state",
            "initial_state",
            required=required,
            default=None,
            type=click.Path(dir_okay=False),
            help="The backlog snapshot: a CSV with one row per item (stage, arrived, state, "
            "holder, attributes) or a YAML of counts per stage and age band.",
        ),
        click.option(
            "--at",
            default=None,
            help="The snapshot's time, e.g. 2026-12-01T09:00 (default: its '# snapshot:' line).",
        ),
        click.option("--until", default=None, help="The deadline, e.g. 2026-12-04T18:00."),
        click.option(
            "--forecast",
            "volumes_path",
            default=None,
            type=click.Path(dir_okay=False),
            help="A volume forecast CSV (start, stream, volume, optional low/high; as "
            "procflow staff reads): its streams send these volumes, each replication drawn "
            "within low-high.",
        ),
        click.option(
            "--target",
            default=0,
            show_default=True,
            type=click.IntRange(0),
            help="Cleared means the backlog (items in the system) is down to this many.",
        ),
    ]

    def apply(command: Callable[..., None]) -> Callable[..., None]:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


def refuse_without_snapshot(opts: dict[str, Any]) -> None:
    """Exit 2 for an option that only means something with ``--initial-state``."""
    given = [o for o, key in (("--at", "at"), ("--until", "until"), ("--forecast", "volumes_path"))
             if opts[key] is not None]  # fmt: skip
    if opts["target"]:
        given.append("--target")
    if given:
        raise click.UsageError(f"{', '.join(given)}: only with --initial-state (a snapshot)")


def refuse_with_snapshot(opts: dict[str, Any]) -> None:
    """Exit 2 for ``--warmup`` or ``--precision`` with a snapshot: a run from today's backlog
    is measured from its start to its deadline, with the replications asked for."""
    for option, key in (("--warmup", "warmup"), ("--precision", "precision")):
        if opts[key] is not None:
            raise click.UsageError(
                f"{option}: a run from a snapshot is measured from its start to the deadline; "
                f"leave out {option}"
            )


@dataclass(frozen=True)
class Start:
    """Where a run from a snapshot starts and ends, and its arrivals' volume forecast."""

    snapshot: Snapshot
    until: Deadline
    volumes: Forecast | None


def read_start(
    process: Process, initial_state: str, opts: dict[str, Any], file: RunOverrides | None = None
) -> Start:
    """The snapshot, the deadline (``--until`` or ``--horizon``, else the scenario file's
    ``settings.horizon``) and the volume forecast the options give; exit 2 with the
    snapshot's findings at row:col, or naming the option."""
    from procflow.diagnostics import LoadError
    from procflow.model.forecast import read_forecast
    from procflow.model.settings import SettingsError, deadline
    from procflow.model.snapshot import parse_time, read_snapshot

    try:
        at = parse_time(opts["at"]) if opts["at"] else None
    except ValueError:
        raise click.BadParameter(
            f"{opts['at']!r} is not a date-time; write e.g. 2026-12-01T09:00", param_hint="--at"
        ) from None
    try:
        snapshot = read_snapshot(initial_state, process, at)
        volumes = None
        if opts["volumes_path"]:
            volumes = read_forecast(opts["volumes_path"], [a.name for a in process.arrivals])
    except LoadError as exc:
        fail_load(exc)
        raise
    try:
        horizon = opts["horizon"] or (file.horizon if file is not None else None)
        until = deadline(snapshot.at, opts["until"], horizon)
    except SettingsError as exc:
        raise click.BadParameter(exc.message, param_hint=exc.option) from None
    return Start(snapshot, until, volumes)
