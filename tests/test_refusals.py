"""What the commands refuse, and how they say it: exit 2, the reason once, and what to do.

A process with lint errors is not analysed or simulated (its numbers would mean
nothing), a scenario's ``sweep:`` is not silently ignored, an unreachable Dask
scheduler and an output that exists are one plain line each, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import procflow
from models import EXAMPLE, EXAMPLE_TEXT, SCENARIOS, load_text, run, write
from procflow.sim import executor as executors

# `next: sample_for_qcc` (line 29, value at col 11): PF101, an error lint explains
UNKNOWN_STAGE = EXAMPLE_TEXT.replace("next: sample_for_qc\n", "next: sample_for_qcc\n")
# 300 items an hour need 10.5 busy QA people and there are 10: PF401, an answer
OVERLOADED = """
process: qa-at-105
arrivals: [{name: items, rate: 300 per hour}]
resources:
  annotator: {count: 30}
  qa: {count: 10}
stages:
  label: {resource: annotator, duration: 4 min, next: qa_check}
  qa_check: {resource: qa, duration: {exponential: 2.1}, next: done}
  done: {end: true}
"""
SHORT = ("--horizon", "4 hours", "--warmup", "30 min", "-r", "2", "--executor", "serial")


pytestmark = pytest.mark.usefixtures("in_tmp")


@pytest.mark.parametrize(
    "command",
    [
        ["analyze"],
        ["simulate", *SHORT],
        ["sweep", "--set", "resources.annotator.count=44,46", *SHORT],
        ["optimize", "--pool", "annotator=44:45", *SHORT],
    ],
)
def test_a_process_with_lint_errors_is_refused_with_exit_2(command: list[str]) -> None:
    """The findings, located, and how to see them all; nothing is computed."""
    path = write("bad.yaml", UNKNOWN_STAGE)
    result = run(command[0], path, *command[1:])
    assert result.exit_code == 2, result.output
    assert "bad.yaml:29:11: PF101" in result.output
    assert "procflow lint bad.yaml" in result.output


def test_compare_refuses_a_scenario_with_lint_errors() -> None:
    """A scenario's error is located in the scenario file, where the change is written."""
    change = "stages.sample_for_qc.next[1].to: qc_reveiw"
    Path("typo.yaml").write_text(
        f"scenario: typo\nbase: {EXAMPLE}\nchanges:\n  {change}\n", encoding="utf-8"
    )
    result = run("compare", str(EXAMPLE), "typo.yaml", *SHORT)
    assert result.exit_code == 2, result.output
    assert "typo.yaml:4:36: PF101" in result.output


def test_an_overloaded_pool_is_an_answer_not_a_refusal() -> None:
    """PF401 is what analyze and simulate are asked about: they answer 'unstable'."""
    path = write("overloaded.yaml", OVERLOADED)
    assert run("lint", path).exit_code == 1
    assert run("analyze", path).exit_code == 0
    assert run("simulate", path, *SHORT).exit_code == 0


def test_the_python_api_raises_lint_error_where_the_commands_refuse() -> None:
    """analyze, simulate, compare, sweep and optimize raise LintError with the findings."""
    broken = load_text(UNKNOWN_STAGE)
    good = procflow.load(EXAMPLE)
    settings = procflow.RunSettings(horizon=240, warmup=30, replications=2)
    calls = [
        lambda: procflow.analyze(broken),
        lambda: procflow.simulate(broken, settings),
        lambda: procflow.compare(good, [("typo", "", broken)], settings),
        lambda: procflow.sweep(broken, [{}], settings),
        lambda: procflow.optimize(broken, {"annotator": (44, 45)}, settings),
    ]
    for call in calls:
        with pytest.raises(procflow.LintError) as caught:
            call()
        assert [(f.code, f.location.line, f.location.col) for f in caught.value.findings] == [
            ("PF101", 29, 11)  # the stages it makes unreachable are told in its message
        ]
    assert procflow.analyze(load_text(OVERLOADED)).stable is False


def test_simulate_refuses_a_scenario_with_a_sweep_block() -> None:
    """It would run the base staffing only; the hint names the command that runs the grid."""
    path = SCENARIOS / "consensus_staffing_sweep.yaml"
    result = run("simulate", str(path), *SHORT)
    assert result.exit_code == 2
    assert f"procflow sweep {path}" in result.output


def test_an_unreachable_dask_scheduler_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Port 1 has no scheduler: a usage error naming the address, not a traceback."""
    pytest.importorskip("distributed")
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", 0.5)
    with pytest.raises(executors.ExecutorError, match=r"tcp://127.0.0.1:1:"):
        executors.DaskExecutor("tcp://127.0.0.1:1")
    result = run("simulate", str(EXAMPLE), "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1")
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in result.output
    assert "Traceback" not in result.output


def test_an_output_that_exists_is_named_once_with_the_flag_once() -> None:
    """A second --csv into the same folder, and a second init: the files and --force once."""
    args = ("simulate", str(EXAMPLE), *SHORT, "--csv", "out")
    assert run(*args).exit_code == 0
    again = run(*args)
    assert again.exit_code == 2
    error = again.output.split("Error: ", 1)[1]
    assert error.count("--force") == 1 and "Errno" not in error
    assert error.startswith("out already holds summary.csv")
    assert run(*args, "--force").exit_code == 0
    assert run("init", "ops").exit_code == 0
    again = run("init", "ops")
    assert again.exit_code == 2
    error = again.output.split("Error: ", 1)[1]
    assert error.count("--force") == 1 and error.count("processes/ops.yaml") == 1
