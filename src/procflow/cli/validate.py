"""``procflow validate``: hold a process file against a real event log."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from procflow.cli.common import (
    EXIT_FINDINGS,
    check_exports,
    echo_skipped,
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
    refuse_sweep,
    rendered,
)
from procflow.diagnostics import LoadError

#: The column options: (option, the part of a visit it names, what it is).
_COLUMNS = (
    ("--case", "case", "the case id (default: case_id or case:concept:name)"),
    ("--activity", "stage", "the activity (default: activity or concept:name)"),
    ("--resource", "pool", "the resource, optional (default: resource or org:resource)"),
    (
        "--enqueue",
        "enqueued",
        "when the case joined the queue, optional (default: enqueue_timestamp)",
    ),
    ("--start", "started", "when work started (default: start_timestamp)"),
    ("--end", "ended", "when work ended (default: end_timestamp or time:timestamp)"),
)


def _column_options(command: Any) -> Any:
    for option, part, what in reversed(_COLUMNS):
        command = click.option(
            option, part, default=None, metavar="NAME", help=f"The CSV column of {what}."
        )(command)
    return command


@click.command()
@click.argument("model", type=click.Path())
@click.argument("log", type=click.Path())
@_column_options
@click.option(
    "--replications", "-r", default=None, type=click.IntRange(2, 10_000),
    help="Simulated periods; each row's interval comes from their spread (default 10).",
)  # fmt: skip
@click.option(
    "--seed", default=None, type=click.IntRange(0),
    help="Same inputs and seed give the same numbers (default 1).",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
    show_default=True, help="How to print the table.",
)  # fmt: skip
@export_options
@executor_options
def validate(model: str, log: str, fmt: str, output: str | None, **opts: Any) -> None:
    """Simulate MODEL over the period of the event log LOG and compare, measure by measure.

    LOG is a .csv or .xes event log (a production export, or one `procflow
    simulate --events` wrote). The model runs over the log's period at the same
    days and hours of the week, several times; the table sets each real measure
    (throughput per day, cycle time, waits and handling times per activity,
    utilization per pool, the most common variants) beside the simulated value
    with its interval and the error, then Simod's distribution distances. The
    verdict says whether the model is fit for what-if questions and which part
    is weakest. Activities map to stages by name; the ones that do not are listed.
    Exit 0 when the model is fit or usable with care, 1 when it is not fit, 2
    for a file that cannot be read.

    \b
    Example:
      procflow simulate processes/live_stream_reports.yaml --horizon "1 day" --events history.csv
      procflow validate processes/live_stream_reports.yaml history.csv --report validation.html
      procflow validate fitted.yaml export.csv --case ticket --activity step --end done
    """
    from procflow.decide.validate import DEFAULT_REPLICATIONS
    from procflow.decide.validate import validate as run_validation
    from procflow.eventlog.reader import Columns

    process, scenario = load_any(model)
    refuse_sweep(scenario, "validate")
    refuse_broken(process)
    check_exports(inputs_of([model, log], scenario or process), {**opts, "output": output})
    columns = Columns(**{part: opts[part] for _, part, _ in _COLUMNS if opts[part] is not None})
    executor = executor_of(opts)
    with progress_bar(opts["replications"] or DEFAULT_REPLICATIONS) as advance:
        try:
            record = run_validation(
                process, log, columns=columns, replications=opts["replications"],
                seed=opts["seed"], executor=executor, progress=advance,
            )  # fmt: skip
        except LoadError as exc:
            fail_load(exc)
            raise
    echo_skipped(log, record.skipped_rows, record.skipped)
    if fmt == "json":
        from procflow.results.fidelity import fidelity_to_json

        text = json.dumps(fidelity_to_json(record), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "markdown":
        from procflow.report.fidelity import fidelity_markdown

        text = fidelity_markdown(record)
    else:
        from procflow.report.fidelity import print_fidelity

        text = rendered(lambda console: print_fidelity(console, record), output)
    export(record, process, opts)
    if text:
        emit(text, output)
    if record.verdict.fit == "poor":
        sys.exit(EXIT_FINDINGS)
