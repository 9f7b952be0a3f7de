"""Inputs are sacred: no output of any command replaces a file the command reads.

Every output path (``-o``, ``--report``, ``--xlsx``, ``--csv``, ``--events``) is checked
before anything runs against every file read (the files given, files found in folders,
a scenario's base, ``--process``, empirical CSVs), through links and other names: a
clash is exit 2 and the input is byte-identical after. A special file (``/dev/stdout``,
``/dev/null``, a named pipe) is written through, never replaced; a missing folder is an
error unless ``--mkdir``; a ``SIGTERM`` leaves no temporary file behind.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import Result

from models import EXAMPLE, EXAMPLE_TEXT, run

SHORT = ("--horizon", "4 hours", "--warmup", "30 min", "-r", "2", "--executor", "serial")
SCENARIO = """
scenario: more-qc
base: P.yaml
changes:
  resources.qc_reviewer.count: 12
"""
# a process whose annotation time is read from a CSV next to it
EMPIRICAL = EXAMPLE_TEXT.replace(
    "duration: {lognormal: {mean: 4.2, sd: 1.6}}",
    "duration: {empirical: {file: aht.csv}}",
    1,
)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("P.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    Path("S.yaml").write_text(SCENARIO, encoding="utf-8")
    return tmp_path


def refused(args: list[str], *inputs: str) -> Result:
    """Run a command that must be refused: exit 2, no traceback, every input unchanged."""
    before = {name: Path(name).read_bytes() for name in inputs}
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for name, content in before.items():
        assert Path(name).read_bytes() == content, f"{name} changed"
    return result


@pytest.fixture
def no_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every simulation fail: a refusal must come before any of them."""

    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the run started before the outputs were checked")

    import procflow.decide.compare
    import procflow.decide.optimize
    import procflow.decide.sweep
    import procflow.sim.runner

    monkeypatch.setattr(procflow.sim.runner, "simulate", fail)
    monkeypatch.setattr(procflow.decide.compare, "compare", fail)
    monkeypatch.setattr(procflow.decide.sweep, "sweep", fail)
    monkeypatch.setattr(procflow.decide.optimize, "optimize", fail)


def test_lint_never_writes_its_report_over_the_file_it_lints() -> None:
    result = refused(["lint", "P.yaml", "-o", "P.yaml"], "P.yaml")
    assert "P.yaml is an input file" in result.output


def test_lint_never_writes_over_its_settings() -> None:
    Path("pyproject.toml").write_text("[tool.procflow]\nignore = ['PF106']\n", "utf-8")
    refused(["lint", "P.yaml", "-o", "pyproject.toml"], "pyproject.toml")


def test_lint_never_writes_over_a_file_found_in_a_folder() -> None:
    Path("processes").mkdir()
    Path("processes/x.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    refused(["lint", "processes/", "-o", "processes/x.yaml"], "processes/x.yaml")


def test_lint_never_writes_over_the_base_of_a_scenario_it_lints() -> None:
    Path("scenarios").mkdir()
    Path("scenarios/s.yaml").write_text(SCENARIO.replace("P.yaml", "../P.yaml"), "utf-8")
    refused(["lint", "scenarios/", "-o", "P.yaml"], "P.yaml")


@pytest.mark.usefixtures("no_run")
@pytest.mark.parametrize("option", ["-o", "--report", "--xlsx"])
def test_simulate_never_writes_over_the_base_of_its_scenario(option: str) -> None:
    result = refused(["simulate", "S.yaml", *SHORT, option, "P.yaml"], "P.yaml", "S.yaml")
    assert "P.yaml is an input file" in result.output


@pytest.mark.usefixtures("no_run")
def test_an_input_reached_through_a_link_or_another_name_is_still_an_input() -> None:
    os.symlink("P.yaml", "link.yaml")
    os.link("P.yaml", "hard.yaml")
    for other in ("link.yaml", "hard.yaml", "sub/../P.yaml"):
        Path("sub").mkdir(exist_ok=True)
        result = refused(["simulate", "S.yaml", *SHORT, "-o", other], "P.yaml")
        assert other in result.output and "P.yaml" in result.output


def test_report_never_writes_over_its_process() -> None:
    assert run("simulate", "P.yaml", *SHORT, "--format", "json", "-o", "r.json").exit_code == 0
    refused(["report", "r.json", "--process", "P.yaml", "-o", "P.yaml"], "P.yaml", "r.json")
    refused(["report", "r.json", "--process", "S.yaml", "-o", "P.yaml"], "P.yaml", "r.json")
    refused(["report", "r.json", "-o", "r.json"], "r.json")


@pytest.mark.usefixtures("no_run")
@pytest.mark.parametrize(
    "command",
    [
        ["compare", "P.yaml", "S.yaml"],
        ["sweep", "S.yaml", "--set", "resources.annotator.count=44,46"],
        ["optimize", "S.yaml", "--pool", "annotator=44:45"],
    ],
)
@pytest.mark.parametrize("option", ["-o", "--report", "--xlsx"])
def test_compare_sweep_and_optimize_refuse_before_running(command: list[str], option: str) -> None:
    refused([*command, *SHORT, option, "P.yaml"], "P.yaml", "S.yaml")


@pytest.mark.usefixtures("no_run")
def test_an_empirical_csv_is_an_input_and_so_is_the_csv_folder_holding_it() -> None:
    Path("E.yaml").write_text(EMPIRICAL, encoding="utf-8")
    Path("aht.csv").write_text("minutes\n3.5\n4.0\n5.2\n", encoding="utf-8")
    assert run("lint", "E.yaml").exit_code == 0
    refused(["simulate", "E.yaml", *SHORT, "-o", "aht.csv"], "aht.csv")
    refused(["simulate", "E.yaml", *SHORT, "--events", "aht.csv"], "aht.csv")
    refused(["lint", "E.yaml", "-o", "aht.csv"], "aht.csv")
    result = refused(["simulate", "E.yaml", *SHORT, "--csv", "."], "aht.csv")
    assert "aht.csv" in result.output


@pytest.mark.usefixtures("no_run")
def test_two_outputs_that_are_one_file_are_refused() -> None:
    refused(["simulate", "P.yaml", *SHORT, "-o", "r.html", "--report", "r.html"])
    assert not Path("r.html").exists()


def test_a_missing_output_folder_is_an_error_unless_mkdir() -> None:
    result = refused(["lint", "P.yaml", "-o", "out/lint.txt"], "P.yaml")
    assert "--mkdir" in result.output and not Path("out").exists()
    refused(["simulate", "P.yaml", *SHORT, "--csv", "out/tables"])
    assert not Path("out").exists()
    assert run("lint", "P.yaml", "-o", "out/lint.txt", "--mkdir").exit_code == 0
    assert Path("out/lint.txt").read_text(encoding="utf-8").startswith("All checks passed")


def test_a_link_to_an_output_file_stays_a_link() -> None:
    Path("real.txt").write_text("old", encoding="utf-8")
    os.symlink("real.txt", "link.txt")
    assert run("lint", "P.yaml", "-o", "link.txt").exit_code == 0
    assert Path("link.txt").is_symlink()
    assert Path("real.txt").read_text(encoding="utf-8").startswith("All checks passed")


def test_dev_stdout_prints_and_dev_null_stays_a_device() -> None:
    """In a real process: the special files are the process's own."""
    command = [sys.executable, "-m", "procflow.cli", "lint", str(EXAMPLE), "-o", "/dev/stdout"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("All checks passed")
    assert run("lint", "P.yaml", "-o", "/dev/null").exit_code == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_named_pipe_is_written_through() -> None:
    os.mkfifo("pipe")
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(Path("pipe").read_bytes()))
    reader.start()
    assert run("lint", "P.yaml", "-o", "pipe").exit_code == 0
    reader.join()
    assert received[0].startswith(b"All checks passed")
    assert stat.S_ISFIFO(os.stat("pipe").st_mode)


def test_an_unwritable_place_is_a_plain_error() -> None:
    result = refused(["lint", "P.yaml", "-o", "/proc/procflow-report.txt"], "P.yaml")
    assert "cannot write /proc/procflow-report.txt" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_a_read_only_folder_is_a_plain_error() -> None:
    Path("locked").mkdir()
    Path("locked").chmod(0o555)
    result = refused(["lint", "P.yaml", "-o", "locked/lint.txt"], "P.yaml")
    assert "read-only" in result.output


def test_sigterm_removes_the_temporary_file_of_an_event_log(tmp_path: Path) -> None:
    """A log being written when the process is told to stop: no ``.tmp`` file is left."""
    script = f"""
import sys, time
from pathlib import Path
from procflow.eventlog import open_event_log
from procflow.files import exit_on_terminate
from procflow.scenario import load_any

exit_on_terminate()
with open_event_log(Path("events.csv"), load_any({str(EXAMPLE)!r})[0]):
    print("writing", flush=True)
    while True:
        time.sleep(1)
"""
    child = subprocess.Popen(
        [sys.executable, "-c", script], cwd=tmp_path, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "writing\n"
    assert [p.name for p in tmp_path.glob(".events.csv.*.tmp")]
    child.terminate()
    assert child.wait() == 128 + 15
    assert not list(tmp_path.glob(".events.csv.*")) and not (tmp_path / "events.csv").exists()


def test_a_command_run_in_process_puts_the_sigterm_handler_back() -> None:
    """procflow called from Python (a test run, a notebook) leaves SIGTERM as it found it,
    so that the caller can still be stopped; during the command its handler is set."""
    import signal

    from click.testing import CliRunner

    from procflow.cli import main

    before = signal.getsignal(signal.SIGTERM)
    result = CliRunner().invoke(main, ["schema", "--kind", "policy"])
    assert result.exit_code == 0
    assert signal.getsignal(signal.SIGTERM) is before


def test_mkdir_creates_no_folder_for_a_run_that_fails(no_run: None) -> None:
    """``--mkdir`` creates the folder when the first output is written, so a run that
    fails after its outputs were checked leaves no empty folder behind."""
    result = run("simulate", "P.yaml", *SHORT, "-o", "out/deep/r.json", "--mkdir")
    assert result.exit_code == 3  # the run failed (an internal error), after the check
    assert not Path("out").exists()


def test_mkdir_creates_the_folders_of_every_output() -> None:
    args = ["-o", "out/a/r.json", "--report", "out/b/r.html", "--csv", "out/c", "--mkdir"]
    assert run("simulate", "P.yaml", *SHORT, *args).exit_code == 0
    assert Path("out/a/r.json").stat().st_size and Path("out/b/r.html").stat().st_size
    assert any(Path("out/c").glob("*.csv"))
