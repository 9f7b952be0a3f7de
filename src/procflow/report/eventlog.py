"""Event logs for process-mining tools (PM4Py, Celonis, Disco): CSV and XES.

One row (CSV) or a start and a complete event (XES) per item per stage visit:
the case (item) id, the activity (stage), the resource (staff pool), when the
item was queued, started and finished, and the item's attributes. Delivery is
logged as an activity of its own at the end stage. Simulated time starts on
Monday 2026-01-05 00:00 UTC, so timestamps are real dates the tools accept.

An event log grows with the run, so it is opt-in (``--events``) and written as
the simulation goes: CSV rows at once, XES traces when their item is
delivered (items still in the system at the end are written last). The file
appears complete, under its name, only when the run ends.
"""

from __future__ import annotations

import abc
import csv
import io
import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO
from xml.sax.saxutils import quoteattr

from procflow.files import publish
from procflow.model.process import Process
from procflow.model.quantities import convert

#: Simulated time 0: a Monday, as the shift calendars assume.
SIMULATION_START = datetime(2026, 1, 5, tzinfo=UTC)
FORMATS = (".csv", ".xes")


class EventLog(abc.ABC):
    """Base of the writers: a temporary file renamed into place on :meth:`close`."""

    def __init__(self, path: Path, process: Process) -> None:
        self.path = path
        self.process = process
        self._seconds = convert(1.0, process.time_unit, "second")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.handle: TextIO = io.TextIOWrapper(os.fdopen(fd, "wb"), encoding="utf-8", newline="")
        self.rows = 0

    def timestamp(self, time: float) -> str:
        """ISO 8601 with milliseconds and an offset, as XES and spreadsheets expect."""
        moment = SIMULATION_START + timedelta(seconds=time * self._seconds)
        return moment.isoformat(timespec="milliseconds")

    @abc.abstractmethod
    def visit(
        self,
        case: int,
        stage: str,
        resource: str | None,
        enqueued: float,
        started: float,
        ended: float,
        attributes: dict[str, Any],
    ) -> None:
        """Record one stage visit (see :class:`procflow.sim.engine.EventSink`)."""

    @abc.abstractmethod
    def _finish(self) -> None:
        """Write what is still buffered, and the end of the file."""

    def close(self) -> None:
        """Finish the file and move it into place."""
        self._finish()
        self.handle.close()
        publish(Path(self._tmp), self.path)

    def abort(self) -> None:
        """Drop the partial file (the run failed)."""
        self.handle.close()
        Path(self._tmp).unlink(missing_ok=True)

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


class CsvEventLog(EventLog):
    """One row per stage visit; attributes as columns."""

    def __init__(self, path: Path, process: Process) -> None:
        super().__init__(path, process)
        self.attributes = sorted(process.attributes())
        self.writer = csv.writer(self.handle)
        unit = process.time_unit
        self.writer.writerow(
            [
                "case_id", "activity", "resource", "enqueue_timestamp", "start_timestamp",
                "end_timestamp", f"wait ({unit})", f"duration ({unit})", *self.attributes,
            ]
        )  # fmt: skip

    def visit(
        self,
        case: int,
        stage: str,
        resource: str | None,
        enqueued: float,
        started: float,
        ended: float,
        attributes: dict[str, Any],
    ) -> None:
        """Write the row at once."""
        self.rows += 1
        self.writer.writerow(
            [
                case, stage, resource or "", self.timestamp(enqueued), self.timestamp(started),
                self.timestamp(ended), round(started - enqueued, 6), round(ended - started, 6),
                *(attributes.get(name, "") for name in self.attributes),
            ]
        )  # fmt: skip

    def _finish(self) -> None:
        """Rows are written as they come: nothing is buffered."""
        self.handle.flush()


def _xes_attribute(key: str, value: Any) -> str:
    if isinstance(value, bool):
        kind, text = "boolean", "true" if value else "false"
    elif isinstance(value, int):
        kind, text = "int", str(value)
    elif isinstance(value, float):
        kind, text = "float", repr(value)
    else:
        kind, text = "string", str(value)
    return f"<{kind} key={quoteattr(key)} value={quoteattr(text)}/>"


class XesEventLog(EventLog):
    """IEEE 1849 XES: a trace per item, a start and a complete event per stage visit."""

    def __init__(self, path: Path, process: Process) -> None:
        super().__init__(path, process)
        self.open: dict[int, tuple[dict[str, Any], list[tuple[float, int, str]]]] = {}
        self.handle.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<log xes.version="1.0" xes.features="nested-attributes" '
            'xmlns="http://www.xes-standard.org/">\n'
            '  <extension name="Concept" prefix="concept" '
            'uri="http://www.xes-standard.org/concept.xesext"/>\n'
            '  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>\n'
            '  <extension name="Lifecycle" prefix="lifecycle" '
            'uri="http://www.xes-standard.org/lifecycle.xesext"/>\n'
            '  <extension name="Organizational" prefix="org" '
            'uri="http://www.xes-standard.org/org.xesext"/>\n'
            '  <global scope="trace"><string key="concept:name" value="__INVALID__"/></global>\n'
            '  <global scope="event">'
            '<string key="concept:name" value="__INVALID__"/>'
            '<date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>'
            '<string key="lifecycle:transition" value="complete"/></global>\n'
            '  <classifier name="Activity" keys="concept:name"/>\n'
            '  <classifier name="Activity and transition" '
            'keys="concept:name lifecycle:transition"/>\n'
            f"  {_xes_attribute('concept:name', process.name)}\n"
        )

    def visit(
        self,
        case: int,
        stage: str,
        resource: str | None,
        enqueued: float,
        started: float,
        ended: float,
        attributes: dict[str, Any],
    ) -> None:
        """Buffer the events of the item; write its trace when it is delivered."""
        self.rows += 1
        entry = self.open.get(case)
        if entry is None:
            entry = self.open[case] = (attributes, [])
        events = entry[1]
        name = quoteattr(stage)
        who = f'<string key="org:resource" value={quoteattr(resource)}/>' if resource else ""
        for order, (moment, transition) in enumerate(((started, "start"), (ended, "complete"))):
            if resource is None and transition == "start":
                continue
            events.append(
                (
                    moment,
                    len(events) * 2 + order,
                    f'<event><string key="concept:name" value={name}/>{who}'
                    f'<string key="lifecycle:transition" value="{transition}"/>'
                    f'<date key="time:timestamp" value="{self.timestamp(moment)}"/></event>',
                )
            )
        if resource is None:  # delivered: the trace is complete
            self._write(case)

    def _write(self, case: int) -> None:
        attributes, events = self.open.pop(case)
        parts = [f"  <trace>{_xes_attribute('concept:name', str(case))}"]
        parts += [_xes_attribute(k, v) for k, v in attributes.items()]
        parts += [text for _, _, text in sorted(events)]
        parts.append("</trace>\n")
        self.handle.write("".join(parts))

    def _finish(self) -> None:
        for case in sorted(self.open):
            self._write(case)
        self.handle.write("</log>\n")


def open_event_log(path: Path, process: Process) -> EventLog:
    """A writer for ``path`` chosen by its suffix (``.csv`` or ``.xes``)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return CsvEventLog(path, process)
    if suffix == ".xes":
        return XesEventLog(path, process)
    raise ValueError(f"event logs are .csv or .xes files, not {path.name!r}")
