"""Times whose unit was left out: what a bare number was taken as."""

from __future__ import annotations

from collections.abc import Iterator

from procflow.diagnostics import Finding, Severity
from procflow.lint.context import LintContext
from procflow.lint.rule import Rule
from procflow.model.paths import times_without_unit
from procflow.model.process import Process
from procflow.model.quantities import TimeUnit

#: How each unit is written after a number, and a unit a PM may have meant instead.
_WRITTEN: dict[TimeUnit, tuple[str, TimeUnit]] = {
    "second": ("s", "minute"),
    "minute": ("min", "hour"),
    "hour": ("hours", "minute"),
    "day": ("days", "hour"),
    "week": ("weeks", "day"),
}


def _number(value: float) -> str:
    return f"{value:g}"


def _plural(unit: str, value: float) -> str:
    return unit if value == 1 else f"{unit}s"


class NumberWithoutUnit(Rule):
    """A duration, SLA bound or rate written as a bare number, which means ``time_unit``.

    ``duration: 4`` is 4 minutes when ``time_unit: minute`` (the default), and
    ``rate: 4`` is 4 per minute. Often that is what was meant; sometimes it is a
    slip: an SLA named "within 4 hours" with ``max: 4`` is measured against 4
    minutes. The warning says what the number was taken as and how to write it
    with its unit. It covers every time that takes a unit: ``duration``, ``rate``
    and ``every`` of an arrival stream, the rates of a ``schedule``,
    ``escalate_after`` and an SLA's ``max``. The parameters of a distribution
    (``{lognormal: {mean: 4.2, sd: 1.6}}``) are numbers in ``time_unit`` by
    design and are not reported; nor is 0, which is 0 in every unit.

    Fails::

        time_unit: minute
        stages:
          label: {resource: annotator, duration: 4, next: delivered}
        slas:
          - {name: 90% within 4 hours, metric: cycle_time, percentile: 90, max: 4}

    Passes::

        time_unit: minute
        stages:
          label: {resource: annotator, duration: 4 min, next: delivered}
        slas:
          - {name: 90% within 4 hours, metric: cycle_time, percentile: 90, max: 4 hours}

    A warning does not fail ``procflow lint`` and does not stop a simulation.
    In a scenario, only the values the scenario writes are reported; its base
    process is linted on its own.
    """

    code = "PF015"
    name = "number-without-unit"
    severity = Severity.WARNING

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        source = ctx.process.source
        if source is None:
            return
        unit = ctx.process.time_unit
        written, other = _WRITTEN[unit]
        for path, mark, value in times_without_unit(Process, source.data):
            where = source.locate(path)
            if where.file != source.path:
                continue  # a base process's value, seen through a scenario
            n = _number(value)
            if mark.kind == "rate":
                taken = f"{n} per {unit}"
                hint = f"write '{n} per {unit}' or '{n} per {other}'"
            else:
                taken = f"{n} {_plural(unit, value)}"
                hint = f"write '{n} {written}' or '{n} {_plural(other, value)}'"
            yield self.finding(f"{n} means {taken} here (time_unit: {unit})", where, hint)
