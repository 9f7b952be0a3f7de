"""The ``procflow`` command: parse options, call the library, choose a formatter.

Exit codes (stable): 0 success, 1 findings at error level or a failed check,
2 usage error or a file that cannot be loaded.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path

import click
from rich.console import Console

from procflow import analysis
from procflow.diagnostics import Finding, LoadError
from procflow.graph import build_graph
from procflow.lint import formats
from procflow.lint.config import ConfigError, find_config
from procflow.lint.registry import all_rule_info
from procflow.lint.runner import expand_paths, lint_paths, simulation_blockers
from procflow.model.process import Process
from procflow.model.validation import validate_process
from procflow.report import diagram
from procflow.report.terminal import print_capacity
from procflow.schema import process_schema
from procflow.source import load_document

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _version() -> str:
    try:
        return version("procflow")
    except Exception:  # running from a source tree without metadata
        return "0+unknown"


def _fail_load(exc: LoadError) -> None:
    """Print load findings as ``file:line:col: CODE message`` and exit 2."""
    click.echo(
        formats.render(
            "text",
            exc.findings,
            files=sorted({f.location.file for f in exc.findings}),
            rules=all_rule_info(),
            tool_version=_version(),
        ),
        err=True,
        nl=False,
    )
    sys.exit(EXIT_USAGE)


def _load(path: str) -> Process:
    try:
        return validate_process(load_document(path))
    except LoadError as exc:
        _fail_load(exc)
        raise  # unreachable


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(_version(), prog_name="procflow")
def main() -> None:
    """Lint, analyse and simulate operations processes (SOPs) before rolling them out.

    \b
    Example:
      procflow lint processes/
      procflow analyze processes/image_moderation_qc.yaml
    """


@main.command()
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
def lint(
    paths: tuple[str, ...],
    fmt: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    output: str | None,
) -> None:
    """Check process files and folders (recursively) for broken SOPs.

    Exit status: 0 clean, 1 error-level findings, 2 a file could not be loaded
    or bad usage. Settings: [tool.procflow] select/ignore in pyproject.toml.
    Silence one line with a comment: # procflow: ignore[PF106]

    \b
    Example:
      procflow lint processes/ scenarios/
      procflow lint --format sarif -o lint.sarif processes/
    """
    try:
        config = find_config(Path.cwd()).merged(select, ignore)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    if not expand_paths(paths):
        raise click.UsageError("no YAML files found in " + ", ".join(paths))
    report = lint_paths(paths, config)
    text = formats.render(
        fmt, report.findings, files=report.files, rules=all_rule_info(), tool_version=_version()
    )
    if output:
        from procflow.report.files import write_atomic

        write_atomic(Path(output), text)
    else:
        click.echo(text, nl=False)
    sys.exit(report.exit_code)


@main.command()
@click.argument("path", type=click.Path())
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def analyze(path: str, fmt: str) -> None:
    """Instant estimate from queueing theory: visits, load and utilization per pool.

    Solves the traffic equations (QC samples and rework loops included) and
    estimates waiting with Erlang C. No randomness: the answer in a second,
    before a simulation.

    \b
    Example:
      procflow analyze processes/image_moderation_qc.yaml
    """
    process = _load(path)
    capacity = analysis.analyze(process)
    if fmt == "json":
        from procflow.report.jsonout import capacity_to_dict

        click.echo(json.dumps(capacity_to_dict(capacity), indent=2, ensure_ascii=False))
        return
    print_capacity(Console(), process, capacity)


@main.command()
@click.argument("path", type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(diagram.FORMATS),
    default="mermaid",
    show_default=True,
    help="mermaid renders in GitHub Markdown; dot is Graphviz.",
)
def graph(path: str, fmt: str) -> None:
    """Draw a process as a Mermaid or Graphviz diagram.

    \b
    Example:
      procflow graph processes/image_moderation_qc.yaml > flow.mmd
      procflow graph --format dot processes/consensus_labeling.yaml | dot -Tsvg > flow.svg
    """
    click.echo(diagram.render(build_graph(_load(path)), fmt), nl=False)


def _parse_time(value: str, unit: str, option: str) -> float:
    from pydantic_core import PydanticCustomError

    from procflow.model.quantities import parse_duration

    try:
        return parse_duration(value, unit)  # type: ignore[arg-type]
    except PydanticCustomError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


def _refuse_broken(process: Process) -> None:
    """Exit 1 with the findings if lint finds errors that make a simulation meaningless."""
    errors = simulation_blockers(process)
    if errors:
        click.echo(
            formats.render(
                "text",
                errors,
                files=[process.source.path if process.source else ""],
                rules=all_rule_info(),
                tool_version=_version(),
            ),
            err=True,
            nl=False,
        )
        click.echo("Fix these findings before simulating (see procflow lint).", err=True)
        sys.exit(EXIT_FINDINGS)


@main.command()
@click.argument("path", type=click.Path())
@click.option(
    "--horizon",
    default="3 days",
    show_default=True,
    help="Simulated time per replication, e.g. '3 days', '72h'.",
)
@click.option(
    "--warmup",
    default="8 hours",
    show_default=True,
    help="Initial time left out of the statistics (the system starts empty).",
)
@click.option(
    "--replications",
    "-r",
    default=10,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="Independent runs; KPIs get 95% intervals over them.",
)
@click.option(
    "--seed",
    default=1,
    show_default=True,
    type=click.IntRange(0),
    help="Same inputs and seed give the same numbers.",
)
@click.option(
    "--jobs",
    "-j",
    default=1,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Replications run in this many processes (results do not change).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the output to this file (atomically) instead of standard output.",
)
def simulate(
    path: str,
    horizon: str,
    warmup: str,
    replications: int,
    seed: int,
    jobs: int,
    fmt: str,
    output: str | None,
) -> None:
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
    from procflow.report.jsonout import results_to_dict
    from procflow.report.terminal import print_results
    from procflow.sim.engine import RunSettings
    from procflow.sim.runner import simulate_process

    process = _load(path)
    _refuse_broken(process)
    unit = process.time_unit
    settings = RunSettings(
        horizon=_parse_time(horizon, unit, "--horizon"),
        warmup=_parse_time(warmup, unit, "--warmup"),
    )
    if settings.warmup >= settings.horizon:
        raise click.BadParameter("must be shorter than --horizon", param_hint="--warmup")
    console = Console(stderr=True)
    with _progress(console, replications) as advance:
        results = simulate_process(
            process, settings, replications=replications, seed=seed, jobs=jobs, progress=advance
        )
    if fmt == "json":
        text = json.dumps(results_to_dict(results, process), indent=2, ensure_ascii=False) + "\n"
    else:
        out = Console(record=True, width=100) if output else Console()
        print_results(out, process, results)
        text = out.export_text() if output else ""
    if output:
        from procflow.report.files import write_atomic

        write_atomic(Path(output), text)
    elif text:
        click.echo(text, nl=False)


@contextlib.contextmanager
def _progress(console: Console, total: int) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal (nothing when output is piped)."""
    if not console.is_terminal or total < 2:
        yield None
        return
    from rich.progress import Progress

    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("simulating", total=total)
        yield lambda done, _total: bar.update(task, completed=done)


@main.command()
def schema() -> None:
    """Print the JSON Schema (draft-07) of the process format, for editors.

    \b
    Example:
      procflow schema > procflow.schema.json
      # then, first line of a process file:
      # yaml-language-server: $schema=./procflow.schema.json
    """
    click.echo(json.dumps(process_schema(), indent=2, ensure_ascii=False))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def show(paths: tuple[str, ...]) -> None:
    """Describe what each process holds: arrivals, staff pools with expected load, stages.

    \b
    Example:
      procflow show processes/
    """
    console = Console()
    files = expand_paths(paths)
    if not files:
        raise click.UsageError("no YAML files found in " + ", ".join(paths))
    failed: list[Finding] = []
    for path in files:
        try:
            process = validate_process(load_document(path))
        except LoadError as exc:
            failed.extend(exc.findings)
            continue
        print_capacity(console, process, analysis.analyze(process))
        console.print()
    if failed:
        _fail_load(LoadError(failed))
