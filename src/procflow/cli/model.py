"""Commands about one process, without simulating: ``analyze``, ``show``, ``graph``, ``init``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from procflow.cli.common import (
    fail_load,
    load_errors,
    load_or_exit,
    refuse_broken,
    refused_overwrite,
    terminal,
)
from procflow.diagnostics import Finding, LoadError
from procflow.files import OutputExists

#: The diagram formats of ``procflow graph`` (procflow.report.diagram.FORMATS; a test keeps
#: them equal, so that ``--help`` need not load the diagram code).
GRAPH_FORMATS = ("mermaid", "dot")


@click.command()
@click.argument("path", type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="csv: the staff pools table (expected load per pool) as CSV.",
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
    from procflow.analysis import analyze as solve
    from procflow.report.terminal import print_capacity

    process = load_or_exit(path)
    refuse_broken(process)
    capacity = solve(process)
    if fmt == "json":
        click.echo(json.dumps(capacity.to_json(), indent=2, ensure_ascii=False))
        return
    if fmt == "csv":
        from procflow.report.csvout import table_text
        from procflow.report.tables.capacity import capacity_table

        click.echo(table_text(capacity_table(process, capacity)), nl=False)
        return
    print_capacity(terminal(), process, capacity)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def show(paths: tuple[str, ...]) -> None:
    """Describe what each process holds: arrivals, staff pools with expected load, stages.

    \b
    Example:
      procflow show processes/
    """
    from procflow.analysis import analyze as solve
    from procflow.lint.runner import expand_paths
    from procflow.model.validation import validate_process
    from procflow.report.terminal import print_capacity
    from procflow.source import load_document

    console = terminal()
    files = expand_paths(paths)
    if not files:
        raise click.UsageError("no YAML files found in " + ", ".join(paths))
    failed: list[Finding] = []
    for path in files:
        try:
            process = validate_process(load_document(path))
        except LoadError as exc:
            failed.extend(load_errors(exc, path))
            continue
        print_capacity(console, process, solve(process))
        console.print()
    if failed:
        fail_load(LoadError(failed))


@click.command()
@click.argument("path", type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(GRAPH_FORMATS),
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
    from procflow.flow.graph import build_graph
    from procflow.report import diagram

    click.echo(diagram.render(build_graph(load_or_exit(path)), fmt), nl=False)


@click.command()
@click.argument("name")
@click.option(
    "--folder",
    type=click.Path(file_okay=False),
    default=".",
    show_default=True,
    help="Where processes/ and scenarios/ are (created if missing).",
)
@click.option("--force", is_flag=True, help="Replace files that already exist.")
def init(name: str, folder: str, force: bool) -> None:
    """Start a new process: a commented process file and a scenario over it, lint clean.

    \b
    Example:
      procflow init hate-speech-review
      procflow lint processes/hate-speech-review.yaml
    """
    from procflow.scaffold import scaffold

    try:
        written = scaffold(Path(folder), name, force=force)
    except OutputExists as exc:
        raise refused_overwrite(exc) from None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="NAME") from None
    for path in written:
        click.echo(f"Wrote {path}")
