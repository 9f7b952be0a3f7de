"""``procflow shifts``: required heads per interval, covered by the cheapest shifts."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from procflow.cli.common import (
    EXIT_FINDINGS,
    check_outputs,
    emit,
    fail_load,
    load_any,
    refuse_broken,
    rendered,
)
from procflow.diagnostics import LoadError


@click.command()
@click.argument("requirements", type=click.Path(allow_dash=True))
@click.option(
    "--templates",
    "templates_path",
    required=True,
    type=click.Path(),
    help="The shift templates file: the shifts people may work.",
)
@click.option(
    "--process",
    "process_path",
    type=click.Path(),
    help="The process whose pools the shifts staff: their shrinkage and cost_per_hour are "
    "used, and -o writes a copy of it with the new calendars.",
)
@click.option(
    "--interval",
    help="The length of one interval of the requirements, such as 30min "
    "(default: the shortest step between two starts).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="Write the calendar here: the process with its new calendars (with --process), "
    "else a resources: block to paste. Never one of the input files.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def shifts(
    requirements: str,
    templates_path: str,
    process_path: str | None,
    interval: str | None,
    output: str | None,
    fmt: str,
) -> None:
    """Cover the heads required per interval with the cheapest allowed shifts.

    REQUIREMENTS is a CSV with columns pool, start (mon 09:00, or an ISO time) and
    required (people working), as `procflow staff --format csv` writes it; - reads
    standard input. Prints the shifts per pool and the intervals left short or over;
    the calendar goes to -o (or after the report). Exit status 1 when an interval is
    left short (only with shortfall_cost_per_hour in the templates file).

    \b
    Example:
      procflow shifts needs.csv --templates shifts.yaml
      procflow shifts needs.csv --templates shifts.yaml \\
          --process processes/consensus_labeling.yaml -o consensus_shifts.yaml
    """
    from procflow.analysis.shifts import CoverError
    from procflow.decide.shifts import ShiftsError, calendar_text, plan_shifts
    from procflow.model.quantities import parse_duration
    from procflow.model.requirements import read_requirements
    from procflow.model.shifts import load_templates
    from procflow.report.shifts import print_shift_plan, shift_plan_json
    from procflow.source.edit import EditError

    inputs = [Path(p) for p in (requirements, templates_path, process_path) if p and p != "-"]
    check_outputs(inputs, output, mkdir=False)
    minutes = None
    if interval is not None:
        try:
            minutes = round(parse_duration(interval, "minute"))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--interval") from None
    process = None
    if process_path:
        process, scenario = load_any(process_path)
        if scenario is not None:
            raise click.BadParameter(
                "give a process file (shifts are written into it), not a scenario",
                param_hint="--process",
            )
        refuse_broken(process)
    try:
        text = sys.stdin.read() if requirements == "-" else None
        needs = read_requirements(
            "standard input" if requirements == "-" else requirements, text, interval=minutes
        )
        templates = load_templates(templates_path)
    except LoadError as exc:
        fail_load(exc)
        raise
    try:
        plan = plan_shifts(needs, templates, process)
        calendar = calendar_text(plan, process.source if process is not None else None)
    except (CoverError, ShiftsError, EditError) as exc:
        raise click.UsageError(str(exc)) from None
    if output:
        emit(calendar, output)
    if fmt == "json":
        record = {**shift_plan_json(plan), "calendar": calendar}
        click.echo(json.dumps(record, indent=2, ensure_ascii=False))
    else:
        rendered(lambda console: print_shift_plan(console, plan), None)
        if output:
            click.echo(f"Wrote {output}", err=True)
        else:
            click.echo(f"\n{calendar}", nl=False)
    if plan.short:
        sys.exit(EXIT_FINDINGS)
