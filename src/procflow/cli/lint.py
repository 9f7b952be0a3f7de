"""``procflow lint`` and ``procflow schema``: check files, describe the file formats."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from procflow.cli.common import MKDIR, check_outputs, emit, tool_version
from procflow.lint import formats

if TYPE_CHECKING:
    from procflow.lint.runner import LintReport


def _selectors(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """Refuse a code, prefix or rule name that does not exist (exit 2), suggesting one."""
    from procflow.lint.registry import UnknownRuleError, resolve

    for value in values:
        try:
            resolve(value)
        except UnknownRuleError as exc:
            raise click.BadParameter(str(exc)) from None
    return values


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats.FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--select",
    multiple=True,
    metavar="CODE",
    callback=_selectors,
    help="Report only these codes, prefixes (PF2) or rule names. Repeatable.",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="CODE",
    callback=_selectors,
    help="Do not report these codes, prefixes or rule names. Repeatable.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the report to this file instead of standard output.",
)
@MKDIR
@click.option(
    "--max-utilization",
    type=click.FloatRange(0, 1, min_open=True),
    default=None,
    metavar="SHARE",
    help="Warn (PF404) about pools planned busier than this, e.g. 0.85 (default 0.9, or "
    "max-utilization in [tool.procflow]).",
)
@click.option(
    "--initial-state",
    "snapshot",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="SNAPSHOT",
    help="Also check this backlog snapshot (procflow forecast --initial-state) against the "
    "one process or scenario file given: PF022 at each row and column.",
)
def lint(
    paths: tuple[str, ...],
    fmt: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    output: str | None,
    max_utilization: float | None,
    mkdir: bool,
    snapshot: str | None,
) -> None:
    """Check process files and folders (recursively) for broken SOPs.

    Exit status: 0 clean, 1 error-level findings, 2 a file could not be loaded
    or bad usage, 3 procflow failed on a file (a bug: PF000, please report it).
    Settings: [tool.procflow] select/ignore/max-utilization in pyproject.toml.
    Silence one line with a comment: # procflow: ignore[PF106]

    \b
    Example:
      procflow lint processes/ scenarios/
      procflow lint --format sarif -o lint.sarif processes/
      procflow lint processes/multilingual_review_queue.yaml \
        --initial-state processes/multilingual_backlog.csv
    """
    from procflow.lint.config import ConfigError, find_config
    from procflow.lint.registry import all_rule_info
    from procflow.lint.runner import expand_paths, lint_paths

    try:
        config = find_config(Path.cwd()).merged(select, ignore, max_utilization)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    files = expand_paths(paths)
    if not files:
        raise click.UsageError("no YAML files found in " + ", ".join(paths))
    if config.source:
        files.append(Path(config.source))  # pyproject.toml is read too
    check_outputs(files, output, mkdir=mkdir)
    report = lint_paths(paths, config)
    if snapshot:
        check_snapshot(report, paths, Path(snapshot))
    # the scenario bases and CSVs the files name are known once read: checked again
    check_outputs([*files, *report.read], output, mkdir=mkdir)
    text = formats.render(
        fmt, report.findings, files=report.files, rules=all_rule_info(), tool_version=tool_version()
    )
    emit(text, output)
    sys.exit(report.exit_code)


def check_snapshot(report: LintReport, paths: tuple[str, ...], snapshot: Path) -> None:
    """Check ``snapshot`` against the one process (or scenario) file linted, if it loads."""
    from procflow.lint.runner import lint_snapshot
    from procflow.scenario import load_any

    if len(paths) != 1 or Path(paths[0]).is_dir():
        raise click.UsageError("--initial-state checks a snapshot against one process file")
    if report.failed:
        return  # the process's own findings say why it cannot be read
    lint_snapshot(report, snapshot, load_any(paths[0])[0])


@click.command()
@click.option(
    "--kind",
    type=click.Choice(["process", "scenario", "shifts", "snapshot"]),
    default="process",
    show_default=True,
    help="Which file format to describe.",
)
def schema(kind: str) -> None:
    """Print the JSON Schema (draft-07) of a procflow file format, for editors.

    \b
    Example:
      procflow schema > procflow.schema.json
      procflow schema --kind scenario > procflow.scenario.schema.json
      procflow schema --kind shifts > procflow.shifts.schema.json
      procflow schema --kind snapshot > procflow.snapshot.schema.json
      # then, first line of a process file:
      # yaml-language-server: $schema=./procflow.schema.json
    """
    from procflow.schema import process_schema, scenario_schema, shifts_schema, snapshot_schema

    schemas = {
        "process": process_schema,
        "scenario": scenario_schema,
        "shifts": shifts_schema,
        "snapshot": snapshot_schema,
    }
    click.echo(
        json.dumps(
            schemas[kind](),
            indent=2,
            ensure_ascii=False,
        )
    )
