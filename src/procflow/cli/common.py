"""What every ``procflow`` command shares: loading, run options, exports and exit codes.

A file that cannot be loaded exits 2 with its findings, and so does a process
with lint errors that make an analysis or a simulation meaningless (capacity
findings are answers, not errors). Commands call these helpers and only
parse options and format results themselves.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from procflow.diagnostics import Finding, LintError, LoadError
from procflow.files import MissingFolder, OutputExists, Refused
from procflow.sim.executor import EXECUTORS, Executor, ExecutorError, make_executor

if TYPE_CHECKING:
    from rich.console import Console

    from procflow.model.process import Process
    from procflow.model.settings import RunOverrides, RunSettings
    from procflow.results.jsonio import Record
    from procflow.results.staffing import StaffingPlan
    from procflow.scenario import Scenario

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
#: The width of output written to a file, a pipe or a CI log (a terminal uses its own):
#: wider than any table, so that a table is as wide as its cells and never cuts one.
WIDE = 100_000


def tool_version() -> str:
    try:
        return version("procflow")
    except Exception:  # running from a source tree without metadata
        return "0+unknown"


def render_findings(findings: list[Finding], files: list[str]) -> str:
    """Findings as lint's text format prints them."""
    from procflow.lint import formats
    from procflow.lint.registry import all_rule_info

    return formats.render(
        "text", findings, files=files, rules=all_rule_info(), tool_version=tool_version()
    )


def echo_skipped(log: str, count: int, first: Sequence[Finding]) -> None:
    """Say on standard error how many bad rows of an event log were left out, and where
    the first of them are (a warning: the command still ran on the rest)."""
    if not count:
        return
    shown = f"; the first {len(first)}:" if len(first) < count else ":"
    click.echo(f"warning: skipped {count:,} bad rows of {log}{shown}", err=True)
    for finding in first:
        hint = f" ({finding.hint})" if finding.hint else ""
        click.echo(f"  {finding.location}: {finding.message}{hint}", err=True)


def load_errors(exc: LoadError, path: str | Path) -> list[Finding]:
    """The errors ``procflow lint`` names in ``path``, which failed to load with ``exc``:
    the load findings and what lint finds in the rest of the file (one run, every error)."""
    from procflow.diagnostics import Severity
    from procflow.lint.runner import lint_file

    errors = [f for f in lint_file(Path(path)) if f.severity is Severity.ERROR]
    return errors or exc.findings


def fail_load(exc: LoadError, path: str | None = None) -> None:
    """Print load findings as ``file:line:col: CODE message`` and exit 2; with the ``path``
    that failed, every error lint names in it (:func:`load_errors`)."""
    findings = exc.findings if path is None else load_errors(exc, path)
    files = sorted({f.location.file for f in findings})
    click.echo(render_findings(findings, files), err=True, nl=False)
    sys.exit(EXIT_USAGE)


def load_or_exit(path: str) -> Process:
    """A process file, or a scenario file applied to its base; exit 2 with findings if broken."""
    return load_any(path)[0]


def load_any(path: str) -> tuple[Process, Scenario | None]:
    """A process file, or a scenario file applied to its base; exit 2 with findings if broken."""
    from procflow.scenario import load_any as load_process_or_scenario

    try:
        return load_process_or_scenario(path)
    except LoadError as exc:
        fail_load(exc, path)
        raise


def load_scenario_or_exit(path: str) -> Scenario:
    """A scenario file applied to its base; exit 2 with findings if broken."""
    from procflow.scenario import load_scenario

    try:
        return load_scenario(path)
    except LoadError as exc:
        fail_load(exc, path)
        raise


def refuse_broken(*processes: Process) -> None:
    """Exit 2 with the findings if lint finds errors that make the results meaningless."""
    from procflow.lint.runner import refuse_broken as check

    try:
        check(*processes)
    except LintError as exc:
        files = sorted({f.location.file for f in exc.findings})
        click.echo(render_findings(exc.findings, files), err=True, nl=False)
        click.echo(
            "Nothing was computed: fix these errors first; "
            f"run `procflow lint {' '.join(files)}` to see them all.",
            err=True,
        )
        sys.exit(EXIT_USAGE)


def refuse_sweep(scenario: Scenario | None, command: str) -> None:
    """A usage error (exit 2) for a scenario with a ``sweep:`` block ``command`` would ignore."""
    if scenario is not None and scenario.sweep:
        raise click.UsageError(
            f"{scenario.path} has a sweep: block, which {command} would ignore; "
            f"use `procflow sweep {scenario.path}` to run its grid"
        )


#: The option that lets a command create the folders its outputs go into.
MKDIR = click.option(
    "--mkdir",
    is_flag=True,
    help="Create the folders of the output files if they do not exist (else exit 2).",
)


class Unwritten(click.ClickException):
    """An output procflow will not or cannot write: exit 2, as a usage error."""

    exit_code = EXIT_USAGE


def refused(exc: Refused) -> Unwritten:
    """The error for an output procflow will not write: what and why, and for a missing
    folder how to have it created."""
    hint = "; create it or add --mkdir" if isinstance(exc, MissingFolder) else ""
    return Unwritten(f"{exc}{hint}")


def _apply(options: list[Callable[..., Any]], command: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(options):
        command = option(command)
    return command


#: Where replications run: the same three options on every command that simulates.
EXECUTOR_OPTIONS: list[Callable[..., Any]] = [
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
]

#: What a simulating command writes besides its table: -o, --report, --xlsx, --csv.
EXPORT_OPTIONS: list[Callable[..., Any]] = [
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
    click.option("--force", is_flag=True, help="Let --csv replace files already in its folder."),
    MKDIR,
]


def run_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options every simulating command shares."""
    options = [
        click.option(
            "--horizon",
            default=None,
            help="Simulated time per replication, e.g. '3 days' (default 3 days), or "
            "'until 2026-12-04T18:00': from the snapshot's time with --initial-state, else "
            "from Monday 00:00 of that week (runs start empty on Monday).",
        ),
        click.option(
            "--warmup",
            default=None,
            help="Initial time left out of the statistics (default 8 hours), or 'auto' "
            "to choose it from the data (MSER-5 on a pilot run).",
        ),
        click.option(
            "--replications",
            "-r",
            default=None,
            type=click.IntRange(1, 10_000),
            help="Independent runs; KPIs get 95% intervals over them (default 10; with "
            "--precision, the first batch).",
        ),
        click.option(
            "--precision",
            default=None,
            metavar="PERCENT",
            help="Add replications until every headline KPI's 95% interval is within this "
            "share of its mean, e.g. 5%.",
        ),
        click.option(
            "--max-replications",
            default=None,
            type=click.IntRange(2, 10_000),
            help="With --precision, stop at this many replications (default 200).",
        ),
        click.option(
            "--seed",
            default=None,
            type=click.IntRange(0),
            help="Same inputs and seed give the same numbers (default 1).",
        ),
    ]
    return _apply([*options, *EXECUTOR_OPTIONS, *EXPORT_OPTIONS], command)


def executor_options(command: Callable[..., None]) -> Callable[..., None]:
    """``--executor``, ``--jobs`` and ``--scheduler``, as every simulating command has them."""
    return _apply(EXECUTOR_OPTIONS, command)


def export_options(command: Callable[..., None]) -> Callable[..., None]:
    """``-o``, ``--report``, ``--xlsx``, ``--csv``, ``--force`` and ``--mkdir``."""
    return _apply(EXPORT_OPTIONS, command)


def executor_of(opts: dict[str, Any]) -> Executor:
    """The executor the options ask for, closed when the command ends; exit 2 if unusable."""
    try:
        executor = make_executor(opts["executor"], opts["jobs"], opts["scheduler"])
    except ExecutorError as exc:
        raise click.UsageError(str(exc)) from None
    click.get_current_context().call_on_close(executor.close)
    return executor


@dataclass(frozen=True)
class RunPlan:
    """What a simulating command runs: the settings and where."""

    settings: RunSettings
    executor: Executor


def plan_run(
    process: Process, opts: dict[str, Any], overrides: RunOverrides | None = None
) -> RunPlan:
    """Settings from the command line, else the scenario file, else the defaults."""
    from procflow.model.settings import RunSettings, SettingsError

    try:
        settings = RunSettings.parse(
            process,
            horizon=opts["horizon"],
            warmup=opts["warmup"],
            replications=opts["replications"],
            seed=opts["seed"],
            precision=opts["precision"],
            max_replications=opts["max_replications"],
            scenario=overrides,
        )
    except SettingsError as exc:
        raise click.BadParameter(exc.message, param_hint=exc.option) from None
    return RunPlan(settings, executor_of(opts))


def inputs_of(given: Iterable[str], *loaded: Process | Scenario | None) -> list[Path]:
    """Every file a command reads: the files given, each scenario's base process, and
    the empirical CSVs of every process loaded."""
    from procflow.scenario import Scenario

    files = [Path(p) for p in given]
    for item in loaded:
        if isinstance(item, Scenario):
            files.append(Path(item.base_path))
            files.extend(item.process.files_read)
        elif item is not None:
            files.extend(item.files_read)
    return files


def check_outputs(
    inputs: Iterable[Path], *outputs: str | None, folders: Iterable[str | None] = (), mkdir: bool
) -> None:
    """Refuse, before anything runs (exit 2), outputs that would replace an input file,
    that are one file twice, or that cannot be written (:func:`procflow.files.check_outputs`)."""
    from procflow.files import check_outputs as check

    check(
        [Path(p) for p in outputs if p],
        inputs,
        folders=[Path(p) for p in folders if p],
        mkdir=mkdir,
    )


def check_exports(inputs: Iterable[Path], opts: dict[str, Any], *also: str | None) -> None:
    """Refuse, before running, an output, report, workbook, CSV folder (or ``also``) that
    would replace an input or cannot be written."""
    check_outputs(
        inputs,
        opts.get("output"),
        opts.get("report_path"),
        opts.get("xlsx_path"),
        *also,
        folders=[opts.get("csv_dir")],
        mkdir=opts.get("mkdir", False),
    )


def export(record: Record | StaffingPlan, process: Process | None, opts: dict[str, Any]) -> None:
    """Write the HTML report, workbook and CSV tables of ``record`` the options ask for
    (checked before the run by :func:`check_exports`)."""
    if opts.get("report_path"):
        from procflow.files import write_atomic
        from procflow.report.html import render_report

        write_atomic(Path(opts["report_path"]), render_report(record, process))
        click.echo(f"Wrote {opts['report_path']}", err=True)
    if opts.get("xlsx_path"):
        from procflow.report.xlsx import write_workbook

        write_workbook(record, Path(opts["xlsx_path"]))
        click.echo(f"Wrote {opts['xlsx_path']}", err=True)
    if opts.get("csv_dir"):
        from procflow.report.csvout import write_csv_folder

        try:
            written = write_csv_folder(record, Path(opts["csv_dir"]), overwrite=opts["force"])
        except OutputExists as exc:
            raise refused_overwrite(exc) from None
        click.echo(f"Wrote {len(written)} CSV files to {opts['csv_dir']}", err=True)


def refused_overwrite(exc: OutputExists) -> click.UsageError:
    """The usage error for outputs that exist: the files, and the flag that replaces them."""
    them = "it" if len(exc.paths) == 1 else "them"
    return click.UsageError(f"{exc}; add --force to replace {them}")


def emit(text: str, output: str | None) -> None:
    if output:
        from procflow.files import write_atomic

        write_atomic(Path(output), text)
    else:
        click.echo(text, nl=False)


def rendered(printer: Callable[[Console], None], output: str | None) -> str:
    """Rich output for the terminal, or its plain text for a file."""
    from rich.console import Console

    if output:
        console = Console(record=True, width=WIDE, file=io.StringIO())
        printer(console)
        return console.export_text()
    printer(terminal())
    return ""


def terminal() -> Console:
    """A console on standard output: the terminal's width, or, for a pipe, a file or a CI
    log, no limit (:data:`WIDE`): rich would cut cells, units included, at 80 columns."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=WIDE)


@contextlib.contextmanager
def progress_bar(total: int) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on the terminal's standard error (nothing when it is piped).

    The total may grow as the run goes (a pilot, more replications for a precision).
    """
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return

    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("simulating", total=total)
        yield lambda done, now: bar.update(task, completed=done, total=now)
