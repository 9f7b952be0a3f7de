"""What the event-log writers share: a file that appears, complete, only when the run ends.

An event log grows with the run, so it is written as the simulation goes, to a
temporary file beside its target (:class:`procflow.files.OutputFile`); closing
the log renames it into place, aborting it (the run failed or was stopped) deletes it.
"""

from __future__ import annotations

import abc
import contextlib
import io
from pathlib import Path
from types import TracebackType
from typing import TextIO

from procflow.eventlog.visit import Clock, Visit
from procflow.files import OutputFile, Unwritable
from procflow.model.process import Process


class EventLog(abc.ABC):
    """An event log being written; an :class:`~procflow.eventlog.visit.EventSink` for a run."""

    def __init__(self, path: Path, process: Process) -> None:
        self.path = path
        self.process = process
        self.clock = Clock(process.time_unit)
        self._file = OutputFile(path)
        self._text = io.TextIOWrapper(self._file.handle, encoding="utf-8", newline="")
        self.handle: TextIO = self._text
        #: Visits recorded so far.
        self.rows = 0

    def timestamp(self, time: float) -> str:
        """ISO 8601 with milliseconds and an offset, as XES and spreadsheets expect."""
        return self.clock.moment(time).isoformat(timespec="milliseconds")

    @abc.abstractmethod
    def visit(self, visit: Visit) -> None:
        """Record one stage visit."""

    @abc.abstractmethod
    def _finish(self) -> None:
        """Write what is still buffered, and the end of the file."""

    def close(self) -> None:
        """Finish the file and move it into place."""
        try:
            self._finish()
            self._text.detach()  # flushes the text buffer into the file
        except OSError as exc:
            self.abort()
            raise Unwritable(f"cannot write {self.path}: {exc.strerror or exc}") from None
        self._file.commit()

    def abort(self) -> None:
        """Drop the partial file (the run failed)."""
        with contextlib.suppress(OSError, ValueError):  # a full disk, or detached already
            self._text.detach()
        self._file.abort()

    def __enter__(self) -> EventLog:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()
