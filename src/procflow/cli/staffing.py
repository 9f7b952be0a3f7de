"""The ``staff`` command: how many people per pool and interval meet the targets."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from procflow.cli.common import (
    EXIT_FINDINGS,
    MKDIR,
    check_outputs,
    emit,
    export,
    fail_load,
    inputs_of,
    load_any,
    plan_run,
    progress_bar,
    refuse_broken,
    rendered,
)
from procflow.diagnostics import LoadError

if TYPE_CHECKING:
    from procflow.model.forecast import Forecast
    from procflow.model.process import Process
    from procflow.results.staffing import StaffingPlan


@click.command()
@click.argument("path", type=click.Path())
@click.option(
    "--forecast",
    type=click.Path(dir_okay=False),
    default=None,
    help="A CSV of volume per interval (start, stream, volume); default: the arrival "
    "schedule's week, or the steady rate.",
)
@click.option("--interval", default=None, help="Interval length, e.g. 15min, 1h (default 30min).")
@click.option("--service-level", default=None, help="Share answered within --within, e.g. 80%.")
@click.option("--within", default=None, help="The wait of the service level, e.g. 20s.")
@click.option("--max-wait", default=None, help="The highest mean wait (ASA), e.g. 30s.")
@click.option("--occupancy-cap", default=None, help="The highest occupancy, e.g. 85%.")
@click.option(
    "--max-abandon",
    default=None,
    help="The highest share leaving after their patience (escalate_after), e.g. 5%.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "markdown"]),
    default="table",
    show_default=True,
    help="csv and json hold every interval; table and markdown group equal ones.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the output to this file (atomically) instead of stdout.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write an HTML report with the chart of required and scheduled heads.",
)
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write an Excel workbook of the plan.",
)
@click.option(
    "--verify",
    is_flag=True,
    help="Simulate the plan as shift calendars and raise heads in intervals that miss "
    "their target (the iterative staffing algorithm).",
)
@click.option(
    "--replications",
    "-r",
    default=None,
    type=click.IntRange(2, 10_000),
    help="With --verify, replications per round (default 10).",
)
@click.option(
    "--max-rounds",
    default=None,
    type=click.IntRange(1, 50),
    help="With --verify, rounds of simulation at most (default 8).",
)
@click.option("--seed", default=None, type=click.IntRange(0), help="With --verify (default 1).")
@click.option(
    "--jobs",
    "-j",
    default=None,
    type=click.IntRange(1, 1024),
    help="With --verify, local processes (default: all cores). Results do not change.",
)
@MKDIR
def staff(path: str, fmt: str, output: str | None, **opts: Any) -> None:
    """How many people per pool and interval: required (working) and scheduled (paid) heads.

    From the volume per interval (a forecast, else the arrival schedule's week,
    else the steady rate) and the work per item (rework and routing included),
    Erlang C, or Erlang A where items escalate after a wait, gives the fewest
    working heads meeting the targets: a waiting-time SLA of the pool's stages,
    or --service-level with --within, --max-wait, --occupancy-cap, --max-abandon.
    Scheduled heads add the pool's shrinkage. Each number names its method.
    --verify simulates the whole SOP on the plan and adds heads where the
    formula falls short (exit status 1 if some interval still misses).

    \b
    Example:
      procflow staff processes/multilingual_review_queue.yaml --service-level 80% --within 30min
      procflow staff queue.yaml --forecast volumes.csv --format csv -o plan.csv
      procflow staff queue.yaml --service-level 80% --within 20s --verify
    """
    from procflow.decide.staffing import StaffingError, StaffingOptions, plan_staffing
    from procflow.model.forecast import read_forecast
    from procflow.report.staffing import print_staffing, staffing_markdown

    process, scenario = load_any(path)
    refuse_broken(process)
    given = [path, *([opts["forecast"]] if opts["forecast"] else [])]
    check_outputs(
        inputs_of(given, scenario or process),
        output,
        opts["report_path"],
        opts["xlsx_path"],
        mkdir=opts["mkdir"],
    )
    try:
        options = StaffingOptions.parse(
            process,
            interval=opts["interval"],
            service_level=opts["service_level"],
            within=opts["within"],
            max_wait=opts["max_wait"],
            occupancy_cap=opts["occupancy_cap"],
            max_abandon=opts["max_abandon"],
        )
    except StaffingError as exc:
        raise click.BadParameter(exc.message, param_hint=exc.option) from None
    forecast = None
    if opts["forecast"]:
        try:
            forecast = read_forecast(opts["forecast"], [a.name for a in process.arrivals])
        except LoadError as exc:
            fail_load(exc)
    try:
        plan = plan_staffing(process, options, forecast)
    except StaffingError as exc:
        raise click.BadParameter(exc.message, param_hint=exc.option) from None
    if opts["verify"]:
        plan = _verified(process, plan, forecast, opts)
    export(plan, process, opts)
    if fmt == "json":
        text = json.dumps(plan.to_json(), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        from procflow.report.csvout import command_table, table_text

        text = table_text(command_table(plan))
    elif fmt == "markdown":
        text = staffing_markdown(plan)
    else:
        text = rendered(lambda console: print_staffing(console, plan), output)
    if text:
        emit(text, output)
    if plan.verification is not None and not plan.verification.converged:
        sys.exit(EXIT_FINDINGS)


def _verified(
    process: Process, plan: StaffingPlan, forecast: Forecast | None, opts: dict[str, Any]
) -> StaffingPlan:
    """The plan checked by simulation (:func:`procflow.decide.verify.verify_plan`)."""
    from procflow.decide.staffing import StaffingError
    from procflow.decide.verify import MAX_ROUNDS, verify_plan

    run = plan_run(
        process,
        {
            **dict.fromkeys(("horizon", "warmup", "precision", "max_replications", "scheduler")),
            "replications": opts["replications"],
            "seed": opts["seed"],
            "executor": "local",
            "jobs": opts["jobs"],
        },
    )
    try:
        with progress_bar(0) as advance:
            return verify_plan(
                process,
                plan,
                run.settings,
                run.executor,
                max_rounds=opts["max_rounds"] or MAX_ROUNDS,
                progress=advance,
                forecast=forecast,
            )
    except StaffingError as exc:
        raise click.BadParameter(exc.message, param_hint=exc.option) from None
