"""Executors: serial, local processes and a Dask cluster give identical numbers.

A replication is a pure function of (process, settings, seed, replication);
the executor only decides where it runs. The Dask tests start their own
two-worker cluster on 127.0.0.1 and close it at the end.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from models import EXAMPLE, QC_20_PLUS_3
from procflow.cli import main
from procflow.decide.compare import Comparison, compare
from procflow.model.process import Process
from procflow.model.settings import RunSettings
from procflow.scenario import load_scenario
from procflow.sim.executor import (
    DaskExecutor,
    Executor,
    LocalExecutor,
    SerialExecutor,
    make_executor,
)
from procflow.sim.runner import run_replications

distributed = pytest.importorskip("distributed")

#: Six simulated hours after one hour of warmup: a fraction of a second per replication.
SETTINGS = RunSettings(horizon=360, warmup=60)
CLI_RUN = ("--horizon", "6h", "--warmup", "1h", "-r", "4", "--seed", "11", "--format", "json")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A local Dask cluster: two worker processes of one thread each, no dashboard."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        host="127.0.0.1",
    ) as local:
        yield local


@pytest.fixture(scope="module")
def dask(cluster: Any) -> Iterator[DaskExecutor]:
    with distributed.Client(cluster) as client:
        yield DaskExecutor(client=client)


def same(a: object, b: object) -> bool:
    """Bit-for-bit equal: ``repr`` writes every float exactly, and NaN equals NaN."""
    return repr(a) == repr(b)


def comparison_numbers(comparison: Comparison) -> tuple[object, ...]:
    return (
        comparison.baseline.replications,
        comparison.baseline.kpis,
        [(s.name, s.results.replications, s.differences, s.slas) for s in comparison.scenarios],
    )


def test_replications_are_identical_on_every_executor(example: Process, dask: DaskExecutor) -> None:
    executors: dict[str, Executor] = {"local": LocalExecutor(2), "dask": dask}
    serial = run_replications(example, SETTINGS, replications=4, seed=3, executor=SerialExecutor())
    assert len({repr(r.kpis) for r in serial}) == 4  # four different replications
    for name, executor in executors.items():
        runs = run_replications(example, SETTINGS, replications=4, seed=3, executor=executor)
        assert same(runs, serial), name


def test_a_comparison_is_identical_on_every_executor(example: Process, dask: DaskExecutor) -> None:
    scenario = load_scenario(QC_20_PLUS_3)
    results = []
    progress: list[tuple[int, int]] = []
    for executor in (SerialExecutor(), LocalExecutor(2), dask):
        comparison = compare(
            example,
            [(scenario.name, scenario.description, scenario.process)],
            SETTINGS,
            replications=3,
            seed=5,
            executor=executor,
            progress=lambda done, total: progress.append((done, total)),
        )
        results.append(comparison_numbers(comparison))
    assert same(results[1], results[0])
    assert same(results[2], results[0])
    # progress is reported once per replication, in order, whatever the executor
    assert progress == [(k, 6) for k in range(1, 7)] * 3


@pytest.fixture
def cli_clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Dask clients the command line opens (it closes them when the command ends)."""
    created: list[Any] = []

    class Recorded(distributed.Client):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.connected_to = self.scheduler.address
            created.append(self)

    monkeypatch.setattr(distributed, "Client", Recorded)
    yield created
    for client in created:
        client.close()


def test_simulate_on_a_dask_scheduler_prints_the_same_json_as_serial(
    cluster: Any, cli_clients: list[Any]
) -> None:
    runner = CliRunner()
    serial = runner.invoke(main, ["simulate", str(EXAMPLE), *CLI_RUN, "--executor", "serial"])
    assert serial.exit_code == 0, serial.output
    on_dask = runner.invoke(
        main,
        [
            "simulate", str(EXAMPLE), *CLI_RUN,
            "--executor", "dask", "--scheduler", cluster.scheduler_address,
        ],
    )  # fmt: skip
    assert on_dask.exit_code == 0, on_dask.output
    assert len(cli_clients) == 1  # it really ran on the cluster
    assert cli_clients[0].connected_to == cluster.scheduler_address
    assert cli_clients[0].status == "closed"  # the command closed the client it opened
    assert on_dask.output == serial.output
    assert json.loads(on_dask.output)["settings"]["replications"] == 4


def test_compare_on_a_dask_scheduler_prints_the_same_json_as_local(
    cluster: Any, cli_clients: list[Any]
) -> None:
    runner = CliRunner()
    args = ["compare", str(EXAMPLE), str(QC_20_PLUS_3), *CLI_RUN]
    local = runner.invoke(main, [*args, "--executor", "local", "--jobs", "2"])
    assert local.exit_code == 0, local.output
    on_dask = runner.invoke(
        main, [*args, "--executor", "dask", "--scheduler", cluster.scheduler_address]
    )
    assert on_dask.exit_code == 0, on_dask.output
    assert len(cli_clients) == 1
    assert on_dask.output == local.output


def test_make_executor_by_name() -> None:
    assert isinstance(make_executor("serial"), SerialExecutor)
    local = make_executor("local", jobs=3)
    assert isinstance(local, LocalExecutor)
    assert local.jobs == 3
    with pytest.raises(ValueError, match="unknown executor 'threads'"):
        make_executor("threads")


def test_unknown_executor_on_the_command_line_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["simulate", str(EXAMPLE), "--executor", "threads"])
    assert result.exit_code == 2
    assert "threads" in result.output


def test_executors_keep_task_order() -> None:
    tasks = list(range(7))
    for executor in (SerialExecutor(), LocalExecutor(1), LocalExecutor(2)):
        assert list(executor.map(abs, [-t for t in tasks])) == tasks
