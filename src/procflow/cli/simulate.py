"""``procflow simulate`` and ``procflow report``: run a process, turn a result into HTML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from procflow.cli.common import (
    MKDIR,
    check_exports,
    emit,
    export,
    inputs_of,
    load_any,
    plan_run,
    progress_bar,
    refuse_broken,
    refuse_sweep,
    rendered,
    run_options,
)


@click.command()
@click.argument("path", type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "csv"]),
    default="text",
    show_default=True,
    help="csv: the KPI table (every KPI, mean and 95% interval) as CSV.",
)
@click.option(
    "--events",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write replication 0's event log (one row per item per stage visit) to a "
    ".csv or .xes file for process-mining tools. Grows with the run.",
)
@run_options
def simulate(path: str, fmt: str, output: str | None, events: str | None, **opts: Any) -> None:
    """Simulate a process: throughput, cycle-time percentiles, waiting, utilization, SLAs, cost.

    Every KPI comes with a 95% confidence interval over replications, and the
    bottlenecks are ranked with their evidence. An unstable process (arrivals
    beyond capacity) is an answer, not a crash: the verdict says which queue
    grows and how fast, and the exit status is 0.

    \b
    Example:
      procflow simulate processes/image_moderation_qc.yaml --replications 10 --seed 7
      procflow simulate processes/image_moderation_qc.yaml --format json -o results.json
    """
    from procflow.eventlog import FORMATS, open_event_log
    from procflow.report.terminal import print_results
    from procflow.results import to_json
    from procflow.sim.runner import simulate as run_simulation

    process, scenario = load_any(path)
    refuse_sweep(scenario, "simulate")
    refuse_broken(process)
    if events and Path(events).suffix.lower() not in FORMATS:
        raise click.BadParameter(
            "write the event log to a .csv or .xes file", param_hint="--events"
        )
    check_exports(inputs_of([path], scenario or process), {**opts, "output": output}, events)
    run = plan_run(process, opts, scenario.settings if scenario else None)
    log = open_event_log(Path(events), process) if events else None
    with progress_bar(run.settings.replications) as advance:
        try:
            results = run_simulation(
                process, run.settings, executor=run.executor, progress=advance, events=log
            )
        except BaseException:
            if log is not None:
                log.abort()
            raise
    if log is not None:
        log.close()
    if fmt == "json":
        text = json.dumps(to_json(results), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "markdown":
        from procflow.report.markdown import results_markdown

        text = results_markdown(results, process)
    elif fmt == "csv":
        from procflow.report.csvout import command_table, table_text

        text = table_text(command_table(results))
    else:
        text = rendered(lambda console: print_results(console, results), output)
    export(results, process, opts)
    if text:
        emit(text, output)


@click.command()
@click.argument("document", type=click.Path(dir_okay=False))
@click.option(
    "--process",
    "process_path",
    type=click.Path(),
    default=None,
    help="The process file, to draw its diagram in the report.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="The HTML file to write (default: DOCUMENT with .html).",
)
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write an Excel workbook.",
)
@click.option(
    "--csv",
    "csv_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Also write the tables as CSV files into this folder.",
)
@click.option("--force", is_flag=True, help="Let --csv replace files already in its folder.")
@MKDIR
def report(document: str, process_path: str | None, output: str | None, **opts: Any) -> None:
    """Turn a JSON result (simulate, compare, sweep, optimize) into an HTML report.

    The report, workbook and CSV tables are the ones the command itself writes
    with --report, --xlsx and --csv: the JSON holds everything they show.

    \b
    Example:
      procflow simulate processes/image_moderation_qc.yaml --format json -o results.json
      procflow report results.json --process processes/image_moderation_qc.yaml -o report.html
    """
    from procflow.results import DocumentError, from_json

    target = output or str(Path(document).with_suffix(".html"))
    process, scenario = load_any(process_path) if process_path else (None, None)
    given = [document, process_path] if process_path else [document]
    options = {**opts, "report_path": target}
    check_exports(inputs_of(given, scenario or process), options)
    try:
        data = json.loads(Path(document).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.UsageError(f"{document}: cannot read a procflow JSON result: {exc}") from None
    try:
        record = from_json(data)
    except DocumentError as exc:
        raise click.UsageError(f"{document}: {exc}") from None
    export(record, process, options)
