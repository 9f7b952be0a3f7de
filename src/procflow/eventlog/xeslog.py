"""The XES event log (IEEE 1849), the format PM4Py, Celonis and Disco import natively.

A trace per item, named by its case id and carrying its attributes; in it, a
``start`` and a ``complete`` event per stage visit, with the stage
(``concept:name``), the pool (``org:resource``) and the time, ordered by time.
Delivery is a single ``complete`` event at the end stage.

A trace is written when its item is delivered, so only the items in the system
are held in memory; those still in it when the run ends are written last, by
case id.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import quoteattr

from procflow.eventlog.visit import AttributeValue, Visit, case_order
from procflow.eventlog.writer import EventLog
from procflow.model.process import Process

_HEADER = (
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
)


def _xes_attribute(key: str, value: AttributeValue) -> str:
    """An attribute element of the value's XES type: boolean, int, float or string."""
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
    """A trace per item, a start and a complete event per stage visit."""

    def __init__(self, path: Path, process: Process) -> None:
        super().__init__(path, process)
        #: case -> the item's attributes and its events so far: (time, order, element)
        self.open: dict[str, tuple[Mapping[str, AttributeValue], list[tuple[float, int, str]]]] = {}
        self.handle.write(f"{_HEADER}  {_xes_attribute('concept:name', process.name)}\n")

    def visit(self, visit: Visit) -> None:
        """Buffer the events of the item; write its trace when it is delivered."""
        self.rows += 1
        case, pool = visit.case, visit.pool
        entry = self.open.get(case)
        if entry is None:
            entry = self.open[case] = (visit.attributes, [])
        events = entry[1]
        name = quoteattr(visit.stage)
        who = f'<string key="org:resource" value={quoteattr(pool)}/>' if pool else ""
        for order, (moment, transition) in enumerate(
            ((visit.started, "start"), (visit.ended, "complete"))
        ):
            if pool is None and transition == "start":
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
        if pool is None:  # delivered: the trace is complete
            self._write(case)

    def _write(self, case: str) -> None:
        attributes, events = self.open.pop(case)
        parts = [f"  <trace>{_xes_attribute('concept:name', case)}"]
        parts += [_xes_attribute(k, v) for k, v in attributes.items()]
        parts += [text for _, _, text in sorted(events)]
        parts.append("</trace>\n")
        self.handle.write("".join(parts))

    def _finish(self) -> None:
        for case in sorted(self.open, key=case_order):
            self._write(case)
        self.handle.write("</log>\n")
