"""The ``procflow`` command: parse options, call the library, choose a formatter.

Exit codes (stable): 0 success, 1 findings at error level or a failed check,
2 usage error or a file that cannot be loaded.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

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
from procflow.scenario import (
    RunOverrides,
    Scenario,
    is_scenario,
    load_scenario,
    scenario_from_document,
)
from procflow.schema import process_schema, scenario_schema
from procflow.sim.engine import RunSettings
from procflow.sim.executor import EXECUTORS, Executor, make_executor
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
    """A process file, or a scenario file applied to its base; exit 2 with findings if broken."""
    return _load_any(path)[0]


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


def run_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options every simulating command shares."""
    options = [
        click.option(
            "--horizon",
            default=None,
            help="Simulated time per replication, e.g. '3 days' (default 3 days).",
        ),
        click.option(
            "--warmup",
            default=None,
            help="Initial time left out of the statistics (default 8 hours).",
        ),
        click.option(
            "--replications",
            "-r",
            default=None,
            type=click.IntRange(1, 10_000),
            help="Independent runs; KPIs get 95% intervals over them (default 10).",
        ),
        click.option(
            "--seed",
            default=None,
            type=click.IntRange(0),
            help="Same inputs and seed give the same numbers (default 1).",
        ),
        click.option(
            "--executor",
            type=click.Choice(EXECUTORS),
            default="local",
            show_default=True,
            help="Where replications run: here, local processes, or a Dask cluster.",
        ),
        click.option(
            "--jobs",
            "-j",
            default=None,
            type=click.IntRange(1, 1024),
            help="Local processes (default: all cores). Results do not change.",
        ),
        click.option(
            "--scheduler",
            default=None,
            metavar="ADDRESS",
            help="Dask scheduler address for --executor dask (tcp://host:8786).",
        ),
        click.option(
            "--output",
            "-o",
            type=click.Path(dir_okay=False),
            default=None,
            help="Write the output to this file (atomically) instead of stdout.",
        ),
        click.option(
            "--report",
            "report_path",
            type=click.Path(dir_okay=False),
            default=None,
            help="Also write a self-contained HTML report with charts.",
        ),
        click.option(
            "--xlsx",
            "xlsx_path",
            type=click.Path(dir_okay=False),
            default=None,
            help="Also write an Excel workbook of every table.",
        ),
        click.option(
            "--csv",
            "csv_dir",
            type=click.Path(file_okay=False),
            default=None,
            help="Also write every table as CSV files into this folder.",
        ),
        click.option(
            "--force", is_flag=True, help="Let --csv replace files already in its folder."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@dataclass(frozen=True)
class _Run:
    settings: RunSettings
    replications: int
    seed: int
    executor: Executor


def _run(process: Process, opts: dict[str, Any], overrides: RunOverrides | None = None) -> _Run:
    """Settings from the command line, else the scenario file, else the defaults."""
    o = overrides or RunOverrides()
    unit = process.time_unit
    horizon = _parse_time(opts["horizon"] or o.horizon or "3 days", unit, "--horizon")
    warmup = _parse_time(opts["warmup"] or o.warmup or "8 hours", unit, "--warmup")
    if warmup >= horizon:
        raise click.BadParameter("must be shorter than --horizon", param_hint="--warmup")
    try:
        executor = make_executor(opts["executor"], opts["jobs"], opts["scheduler"])
    except RuntimeError as exc:
        raise click.UsageError(str(exc)) from None
    click.get_current_context().call_on_close(executor.close)
    return _Run(
        RunSettings(horizon=horizon, warmup=warmup),
        opts["replications"] or o.replications or 10,
        opts["seed"] if opts["seed"] is not None else (o.seed if o.seed is not None else 1),
        executor,
    )


def _check_outputs(inputs: list[str], *outputs: str | None) -> None:
    """Refuse to write an output over an input file the user gave."""
    given = {Path(p).resolve() for p in inputs}
    for output in outputs:
        if output and Path(output).resolve() in given:
            raise click.UsageError(f"{output} is an input file; choose another output path")


def _export(
    document: dict[str, Any], process: Process | None, opts: dict[str, Any], inputs: list[str]
) -> None:
    """Write the HTML report, workbook and CSV tables the options ask for."""
    _check_outputs(inputs, opts.get("report_path"), opts.get("xlsx_path"))
    if opts.get("report_path"):
        from procflow.report.files import write_atomic
        from procflow.report.html import render_report

        write_atomic(Path(opts["report_path"]), render_report(document, process))
        click.echo(f"Wrote {opts['report_path']}", err=True)
    if opts.get("xlsx_path"):
        from procflow.report.xlsx import write_workbook

        write_workbook(document, Path(opts["xlsx_path"]))
        click.echo(f"Wrote {opts['xlsx_path']}", err=True)
    if opts.get("csv_dir"):
        from procflow.report.csvout import write_csv_folder

        try:
            written = write_csv_folder(document, Path(opts["csv_dir"]), overwrite=opts["force"])
        except FileExistsError as exc:
            raise click.UsageError(f"{exc}; add --force to replace them") from None
        click.echo(f"Wrote {len(written)} CSV files to {opts['csv_dir']}", err=True)


def _emit(text: str, output: str | None) -> None:
    if output:
        from procflow.report.files import write_atomic

        write_atomic(Path(output), text)
    else:
        click.echo(text, nl=False)


def _rendered(printer: Callable[[Console], None], output: str | None) -> str:
    """Rich output for the terminal, or its plain text for a file."""
    if output:
        console = Console(record=True, width=110, file=io.StringIO())
        printer(console)
        return console.export_text()
    printer(Console())
    return ""


@main.command()
@click.argument("path", type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
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
    from procflow.report.eventlog import FORMATS, open_event_log
    from procflow.report.jsonout import results_to_dict
    from procflow.report.terminal import print_results
    from procflow.sim.runner import simulate_process

    process = _load(path)
    _refuse_broken(process)
    run = _run(process, opts)
    _check_outputs([path], output, events)
    if events and Path(events).suffix.lower() not in FORMATS:
        raise click.BadParameter(
            "write the event log to a .csv or .xes file", param_hint="--events"
        )
    log = open_event_log(Path(events), process) if events else None
    with _progress(Console(stderr=True), run.replications) as advance:
        try:
            results = simulate_process(
                process,
                run.settings,
                replications=run.replications,
                seed=run.seed,
                executor=run.executor,
                progress=advance,
                events=log,
            )
        except BaseException:
            if log is not None:
                log.abort()
            raise
    if log is not None:
        log.close()
    document = results_to_dict(results, process)
    if fmt == "json":
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "markdown":
        from procflow.report.markdown import results_markdown

        text = results_markdown(results, process)
    else:
        text = _rendered(lambda console: print_results(console, process, results), output)
    _export(document, process, opts, [path])
    if text:
        _emit(text, output)


def _load_scenario(path: str) -> Scenario:
    try:
        return load_scenario(path)
    except LoadError as exc:
        _fail_load(exc)
        raise


@main.command()
@click.argument("base", type=click.Path())
@click.argument("scenarios", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@run_options
def compare(
    base: str, scenarios: tuple[str, ...], fmt: str, output: str | None, **opts: Any
) -> None:
    """Compare scenarios against a baseline, with paired statistics a PM can trust.

    Every scenario runs on the same random numbers as the baseline
    (replication by replication), so each KPI's difference comes with a narrow
    95% interval and a 'significant' flag. Scenarios that become unstable or
    break an SLA the baseline meets are flagged first.

    \b
    Example:
      procflow compare processes/image_moderation_qc.yaml \\
          scenarios/qc_sample_20pct.yaml scenarios/qc_sample_20pct_plus_3.yaml
      procflow compare processes/image_moderation_qc.yaml scenarios/*.yaml --format markdown
    """
    from procflow.compare import compare as run_compare
    from procflow.report.jsonout import comparison_to_dict
    from procflow.report.markdown import comparison_markdown
    from procflow.report.terminal import print_comparison

    baseline = _load(base)
    _refuse_broken(baseline)
    loaded = [_load_scenario(p) for p in scenarios]
    for scenario in loaded:
        _refuse_broken(scenario.process)
    run = _run(baseline, opts, loaded[0].settings if loaded else None)
    total = run.replications * (len(loaded) + 1)
    with _progress(Console(stderr=True), total) as advance:
        comparison = run_compare(
            baseline,
            [(s.name, s.description, s.process) for s in loaded],
            run.settings,
            replications=run.replications,
            seed=run.seed,
            executor=run.executor,
            progress=advance,
        )
    document = comparison_to_dict(comparison, baseline)
    _check_outputs([base, *scenarios], output)
    _export(document, baseline, opts, [base, *scenarios])
    if fmt == "json":
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "markdown":
        text = comparison_markdown(comparison, baseline)
    else:
        text = _rendered(lambda console: print_comparison(console, baseline, comparison), output)
    if text:
        _emit(text, output)


def _load_any(path: str) -> tuple[Process, Scenario | None]:
    """A process file, or a scenario file applied to its base."""
    try:
        doc = load_document(path)
        if is_scenario(doc.data):
            scenario = scenario_from_document(doc)
            return scenario.process, scenario
        return validate_process(doc), None
    except LoadError as exc:
        _fail_load(exc)
        raise


def _settings_dict(run: _Run, process: Process) -> dict[str, Any]:
    return {
        "replications": run.replications,
        "seed": run.seed,
        "horizon": run.settings.horizon,
        "warmup": run.settings.warmup,
        "time_unit": process.time_unit,
    }


@main.command()
@click.argument("path", type=click.Path())
@click.option(
    "--set",
    "axes",
    multiple=True,
    metavar="PATH=VALUES",
    help="A path and its values: 'resources.annotator.count=40:48:2' (ends included) "
    "or 'resources.qc_reviewer.count=8,9,10'. Repeatable: the grid of all of them.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@run_options
def sweep(path: str, axes: tuple[str, ...], fmt: str, output: str | None, **opts: Any) -> None:
    """Simulate a grid of changes: KPIs per point, points marked against the SLAs.

    PATH is a process, or a scenario file whose `sweep:` block gives the grid
    (--set adds to or replaces its axes). Every point runs on the same random
    numbers, so differences between points are the changes, not noise.

    \b
    Example:
      procflow sweep processes/image_moderation_qc.yaml \\
          --set resources.annotator.count=42:48:2 --set resources.qc_reviewer.count=8:11
      procflow sweep scenarios/consensus_staffing_sweep.yaml --format json -o sweep.json
    """
    from procflow.report.jsonout import sweep_to_dict
    from procflow.report.terminal import print_sweep
    from procflow.sweep import grid, parse_values, run_points

    process, scenario = _load_any(path)
    _refuse_broken(process)
    grid_axes: dict[str, list[Any]] = dict(scenario.sweep) if scenario else {}
    for axis in axes:
        key, sep, values = axis.partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError("write PATH=VALUES")
            grid_axes[key.strip()] = parse_values(values)
        except ValueError as exc:
            raise click.BadParameter(f"{axis!r}: {exc}", param_hint="--set") from None
    if not grid_axes:
        raise click.UsageError("nothing to sweep: give --set PATH=VALUES or a scenario with sweep:")
    try:
        points = grid(grid_axes)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    run = _run(process, opts, scenario.settings if scenario else None)
    with _progress(Console(stderr=True), run.replications * len(points)) as advance:
        results = run_points(
            process,
            points,
            run.settings,
            replications=run.replications,
            seed=run.seed,
            executor=run.executor,
            progress=advance,
        )
    data = sweep_to_dict(results, process, _settings_dict(run, process))
    _check_outputs([path], output)
    _export(data, process, opts, [path])
    if fmt == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = _rendered(lambda console: print_sweep(console, process, results), output)
    if text:
        _emit(text, output)


def _bounds(pools: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    bounds: dict[str, tuple[int, int]] = {}
    for spec in pools:
        name, sep, span = spec.partition("=")
        low, colon, high = span.partition(":")
        try:
            if not sep or not colon:
                raise ValueError
            bounds[name.strip()] = (int(low), int(high))
        except ValueError:
            raise click.BadParameter(
                f"{spec!r}: write POOL=LOW:HIGH, e.g. qc_reviewer=6:12", param_hint="--pool"
            ) from None
    return bounds


@main.command()
@click.argument("path", type=click.Path())
@click.option(
    "--pool",
    "pools",
    multiple=True,
    required=True,
    metavar="POOL=LOW:HIGH",
    help="A pool's headcount bounds, e.g. qc_reviewer=6:12. Repeatable.",
)
@click.option(
    "--max-utilization",
    type=click.FloatRange(0, 1, min_open=True),
    default=None,
    help="A ceiling on each searched pool's utilization, e.g. 0.9.",
)
@click.option("--runners-up", default=3, show_default=True, type=click.IntRange(0, 20))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@run_options
def optimize(
    path: str,
    pools: tuple[str, ...],
    max_utilization: float | None,
    runners_up: int,
    fmt: str,
    output: str | None,
    **opts: Any,
) -> None:
    """Find the cheapest staffing within bounds that meets every SLA.

    The analytic model rules out plans that cannot keep up; the rest are
    simulated from the cheapest up until plans pass every SLA (and the
    utilization ceiling). Prints the plan, its cost per hour and per item, and
    the runners-up. Exit status 1 when no plan in the bounds passes.

    \b
    Example:
      procflow optimize processes/image_moderation_qc.yaml \\
          --pool annotator=38:46 --pool qc_reviewer=6:10 --max-utilization 0.9
    """
    from procflow.optimize import OptimizeError
    from procflow.optimize import optimize as search
    from procflow.report.jsonout import optimization_to_dict
    from procflow.report.terminal import print_optimization

    process, scenario = _load_any(path)
    _refuse_broken(process)
    run = _run(process, opts, scenario.settings if scenario else None)
    try:
        with _progress(Console(stderr=True), 0) as advance:
            found = search(
                process,
                _bounds(pools),
                run.settings,
                max_utilization=max_utilization,
                replications=run.replications,
                seed=run.seed,
                runners_up=runners_up,
                executor=run.executor,
                progress=advance,
            )
    except OptimizeError as exc:
        raise click.UsageError(str(exc)) from None
    data = optimization_to_dict(found, process, _settings_dict(run, process))
    _check_outputs([path], output)
    _export(data, process, opts, [path])
    if fmt == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = _rendered(lambda console: print_optimization(console, process, found), output)
    if text:
        _emit(text, output)
    if found.best is None:
        sys.exit(EXIT_FINDINGS)


@main.command()
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
def report(document: str, process_path: str | None, output: str | None, **opts: Any) -> None:
    """Turn a JSON result (simulate, compare, sweep, optimize) into an HTML report.

    \b
    Example:
      procflow simulate processes/image_moderation_qc.yaml --format json -o results.json
      procflow report results.json --process processes/image_moderation_qc.yaml -o report.html
    """
    try:
        data = json.loads(Path(document).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.UsageError(f"{document}: cannot read a procflow JSON result: {exc}") from None
    if not isinstance(data, dict) or "format_version" not in data:
        raise click.UsageError(f"{document}: not a procflow JSON result (no format_version)")
    process = _load(process_path) if process_path else None
    target = output or str(Path(document).with_suffix(".html"))
    _export(data, process, {**opts, "report_path": target}, [document])


@main.command()
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
    except FileExistsError as exc:
        raise click.UsageError(f"{exc}; add --force to replace it") from None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="NAME") from None
    for path in written:
        click.echo(f"Wrote {path}")


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
@click.option(
    "--kind",
    type=click.Choice(["process", "scenario"]),
    default="process",
    show_default=True,
    help="Which file format to describe.",
)
def schema(kind: str) -> None:
    """Print the JSON Schema (draft-07) of the process format, for editors.

    \b
    Example:
      procflow schema > procflow.schema.json
      procflow schema --kind scenario > procflow.scenario.schema.json
      # then, first line of a process file:
      # yaml-language-server: $schema=./procflow.schema.json
    """
    click.echo(
        json.dumps(
            process_schema() if kind == "process" else scenario_schema(),
            indent=2,
            ensure_ascii=False,
        )
    )


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
