"""Where replications run: in this process, in local processes, or on a Dask cluster.

A replication is a pure function of (process, settings, seed, replication
number), so every executor gives the same numbers; they differ only in speed.
Results come back in the order the tasks were given, whatever order they
finish in.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

EXECUTORS = ("serial", "local", "dask")
#: Seconds to wait for a Dask scheduler before giving up on it.
CONNECT_TIMEOUT = 5.0


class ExecutorError(RuntimeError):
    """An executor cannot start: the Dask extra is missing, or its scheduler is unreachable."""


class Executor(Protocol):
    """Maps a function over tasks, yielding results in task order."""

    def map(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        """Run ``fn`` on every task; yield the results in task order."""
        ...

    def close(self) -> None:
        """Release what the executor holds (a Dask client it opened)."""
        ...


class SerialExecutor:
    """Everything in this process, one task after another."""

    def map(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        """Run the tasks here, in order."""
        return (fn(task) for task in tasks)

    def close(self) -> None:
        """Nothing to release."""


class LocalExecutor:
    """Local worker processes (``jobs`` of them; all cores by default)."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs or os.cpu_count() or 1

    def map(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        """Run the tasks in worker processes."""
        if self.jobs <= 1 or len(tasks) <= 1:
            yield from (fn(task) for task in tasks)
            return
        pool = ProcessPoolExecutor(max_workers=min(self.jobs, len(tasks)))
        try:
            yield from pool.map(fn, tasks)
        except BaseException:
            # stopped (an error, Ctrl-C, a SIGTERM): drop the tasks not started, not wait
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()

    def close(self) -> None:
        """Nothing to release: worker pools live only as long as one map."""


class DaskExecutor:
    """A Dask distributed cluster at ``scheduler`` (``tcp://host:8786``), or a given client.

    Without a scheduler, a cluster in this process. Raises :class:`ExecutorError` when
    the scheduler does not answer within ``timeout`` seconds (:data:`CONNECT_TIMEOUT`).
    """

    def __init__(
        self, scheduler: str | None = None, client: Any = None, timeout: float | None = None
    ) -> None:
        #: a client this executor opened itself is closed by :meth:`close`
        self._owned = client is None
        if client is None:
            client = _connect(scheduler, CONNECT_TIMEOUT if timeout is None else timeout)
        self.client = client

    def map(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        """Submit every task to the cluster; yield results in task order."""
        futures = self.client.map(fn, list(tasks), pure=False)
        for future in futures:
            yield future.result()

    def close(self) -> None:
        """Close the client if this executor opened it (a client given to it stays open)."""
        if self._owned:
            self.client.close()


def _connect(scheduler: str | None, timeout: float) -> Any:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - depends on the installation
        raise ExecutorError(
            "the Dask executor needs the dask extra: pip install 'procflow[dask]'"
        ) from None
    if not scheduler:
        return Client(processes=False)  # type: ignore[no-untyped-call]
    try:
        return Client(scheduler, timeout=timeout)  # type: ignore[no-untyped-call]
    except (OSError, ValueError, TypeError):
        raise ExecutorError(
            f"cannot reach the Dask scheduler at {scheduler}: is it running, and is the "
            f"address right? (no answer within {timeout:g} s)"
        ) from None


def make_executor(kind: str, jobs: int | None = None, scheduler: str | None = None) -> Executor:
    """An executor by name: ``serial``, ``local`` (``jobs`` processes) or ``dask``.

    Raises :class:`ExecutorError` if the Dask executor cannot start.
    """
    if kind == "serial":
        return SerialExecutor()
    if kind == "local":
        return LocalExecutor(jobs)
    if kind == "dask":
        return DaskExecutor(scheduler)
    raise ValueError(f"unknown executor {kind!r}; use one of {', '.join(EXECUTORS)}")
