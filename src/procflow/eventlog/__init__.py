"""Event logs: the visits of a run, for process-mining tools, and back from their exports.

:mod:`~procflow.eventlog.visit` is the schema (one :class:`Visit` per item per
stage, the sink the engine writes to, the clock from simulated time to
dates); :mod:`~procflow.eventlog.csvlog` and :mod:`~procflow.eventlog.xeslog`
write a run's log as it goes; :mod:`~procflow.eventlog.reader` reads a CSV or
XES log, procflow's own or a production export, into visits again;
:mod:`~procflow.eventlog.profile` measures a log (cycle times, waits, variants)
the same way for a real log and a simulated one, for ``procflow validate``.

This package imports only :mod:`procflow.diagnostics`, :mod:`procflow.model`,
:mod:`procflow.files` and the guard every input is read through
(:mod:`procflow.source.guards`): the engine writes to it, calibration and
validation read from it, and it knows nothing of them.
"""

from __future__ import annotations

from pathlib import Path

from procflow.eventlog.csvlog import CsvEventLog
from procflow.eventlog.writer import EventLog
from procflow.eventlog.xeslog import XesEventLog
from procflow.model.process import Process

#: The suffixes of the event-log files procflow writes and reads.
FORMATS = (".csv", ".xes")


def open_event_log(path: Path, process: Process) -> EventLog:
    """A writer for ``path`` chosen by its suffix (``.csv`` or ``.xes``); ValueError otherwise."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return CsvEventLog(path, process)
    if suffix == ".xes":
        return XesEventLog(path, process)
    raise ValueError(f"event logs are .csv or .xes files, not {path.name!r}")
