"""``procflow lint`` and ``procflow schema``: check files, describe the file formats."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from procflow.cli.common import EXIT_USAGE, MKDIR, check_outputs, emit, fail_load, tool_version
from procflow.lint import formats

if TYPE_CHECKING:
    from procflow.lint.policy import Policy
    from procflow.lint.runner import LintReport


def _check_selectors(option: str, values: tuple[str, ...], policy: Policy | None) -> None:
    """Refuse a code, prefix or rule name that does not exist (exit 2), suggesting one;
    the policy's codes exist too."""
    from procflow.lint.registry import UnknownRuleError, resolve

    extra = policy.infos() if policy is not None else []
    for value in values:
        try:
            resolve(value, extra)
        except UnknownRuleError as exc:
            raise click.BadParameter(str(exc), param_hint=option) from None


def _policy(given: str | None, fmt: str = "text", output: str | None = None) -> Policy | None:
    """The org's policy: the file given, or the nearest procflow-policy.yaml. If it cannot
    be loaded, its located findings are the report, in ``fmt`` (so that CI uploads them
    too, as SARIF say), and the command exits 2."""
    from procflow.diagnostics import LoadError
    from procflow.lint.policy import find_policy, load_policy
    from procflow.lint.registry import all_rule_info

    path = Path(given) if given is not None else find_policy(Path.cwd())
    if path is None:
        return None
    try:
        return load_policy(path)
    except LoadError as exc:
        if fmt == "text" and output is None:
            fail_load(exc)
        check_outputs([path], output, mkdir=False)
        text = formats.render(
            fmt, exc.findings, files=[str(path)], rules=all_rule_info(), tool_version=tool_version()
        )
        emit(text, output)
        sys.exit(EXIT_USAGE)


POLICY = click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="The org's policy file (default: the nearest procflow-policy.yaml, from this "
    "folder upwards). See docs/policies.md.",
)


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
    help="Report only these codes, prefixes (PF2) or rule names. Repeatable.",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="CODE",
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
@POLICY
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
    policy_file: str | None,
    snapshot: str | None,
) -> None:
    """Check process files and folders (recursively) for broken SOPs, and for SOPs that
    break the org's own policy (procflow-policy.yaml, found from this folder upwards).

    Exit status: 0 clean, 1 error-level findings, 2 a file (or the policy file) could
    not be loaded or bad usage, 3 procflow failed on a file (a bug: PF000, please
    report it). Settings: [tool.procflow] select/ignore/max-utilization in
    pyproject.toml. Silence one line with a comment: # procflow: ignore[PF106]

    \b
    Example:
      procflow lint processes/ scenarios/
      procflow lint --format sarif -o lint.sarif processes/
      procflow lint --policy docs/examples/moderation-policy.yaml processes/
      procflow lint processes/multilingual_review_queue.yaml \
        --initial-state processes/multilingual_backlog.csv
    """
    from procflow.lint.config import ConfigError, find_config
    from procflow.lint.registry import all_rule_info
    from procflow.lint.runner import expand_paths, lint_paths

    policy = _policy(policy_file, fmt, output)
    _check_selectors("--select", select, policy)
    _check_selectors("--ignore", ignore, policy)
    try:
        config = find_config(Path.cwd(), policy).merged(select, ignore, max_utilization)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    files = expand_paths(paths)
    if not files:
        raise click.UsageError("no YAML files found in " + ", ".join(paths))
    if config.source:
        files.append(Path(config.source))  # pyproject.toml is read too
    if policy is not None:
        files.append(Path(policy.path))
    check_outputs(files, output, mkdir=mkdir)
    report = lint_paths(paths, config)
    if snapshot:
        check_snapshot(report, paths, Path(snapshot))
    # the scenario bases and CSVs the files name are known once read: checked again
    check_outputs([*files, *report.read], output, mkdir=mkdir)
    text = formats.render(
        fmt,
        report.findings,
        files=report.files,
        rules=all_rule_info(policy.infos() if policy is not None else ()),
        tool_version=tool_version(),
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
    type=click.Choice(["process", "scenario", "shifts", "policy", "snapshot"]),
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
      procflow schema --kind policy > procflow.policy.schema.json
      procflow schema --kind snapshot > procflow.snapshot.schema.json
      # then, first line of a process file:
      # yaml-language-server: $schema=./procflow.schema.json
    """
    from procflow.schema import (
        policy_schema,
        process_schema,
        scenario_schema,
        shifts_schema,
        snapshot_schema,
    )

    schemas = {
        "process": process_schema,
        "scenario": scenario_schema,
        "shifts": shifts_schema,
        "policy": policy_schema,
        "snapshot": snapshot_schema,
    }
    click.echo(
        json.dumps(
            schemas[kind](),
            indent=2,
            ensure_ascii=False,
        )
    )


@click.group()
def policy() -> None:
    """Work with the org's policy file (procflow-policy.yaml, see docs/policies.md).

    \b
    Example:
      procflow policy test --policy docs/examples/moderation-policy.yaml
    """


@policy.command("test")
@POLICY
def policy_test(policy_file: str | None) -> None:
    """Check each policy rule against the example SOPs it names as passes: and fails:.

    Exit status: 0 every example behaves as the policy says, 1 a rule stopped matching
    (or reports an example it must accept), 2 the policy file cannot be loaded or
    none is found.

    \b
    Example:
      procflow policy test
      procflow policy test --policy docs/examples/moderation-policy.yaml
    """
    from procflow.lint.policy.testing import render_results, run_examples

    loaded = _policy(policy_file)
    if loaded is None:
        raise click.UsageError(
            "no procflow-policy.yaml here or in any folder above; give one with --policy"
        )
    results = run_examples(loaded)
    click.echo(render_results(results), nl=False)
    sys.exit(0 if results and all(r.ok for r in results) else 1)
