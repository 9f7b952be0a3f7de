"""Due dates that can be kept and queues that can read them."""

from __future__ import annotations

import math
from collections.abc import Iterator

from procflow.analysis.fastest import fastest_cycle
from procflow.diagnostics import Finding, Severity
from procflow.diagnostics.suggest import did_you_mean
from procflow.lint.context import LintContext
from procflow.lint.rule import Rule
from procflow.model.quantities import format_duration


class UnknownDueValue(Rule):
    """A due date for an attribute, or a value of it, that no arrival stream gives its items.

    ``due_dates.by`` names the attribute whose value sets each item's due date, and
    ``within`` lists its values. A misspelt attribute or value gives nobody that due
    date: the items fall to ``otherwise`` (or have none), and breaches go uncounted.

    Fails::

        arrivals:
          - {name: reports, rate: 60 per hour, attributes: {severity: {low: 0.9, high: 0.1}}}
        ...
        due_dates:
          by: severity
          within: {hihg: 4 hours, low: 48 hours}

    Passes: ``within: {high: 4 hours, low: 48 hours}``.
    """

    code = "PF504"
    name = "unknown-due-value"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        due = ctx.process.due_dates
        if due is None or due.by is None:
            return
        spec = ctx.attributes.get(due.by)
        if spec is None:
            yield self.finding(
                f"due dates are set by attribute {due.by!r}, which no arrival stream gives "
                "its items",
                ctx.locate(("due_dates", "by")),
                did_you_mean(due.by, ctx.attributes),
            )
            return
        if spec.kind != "categorical":
            yield self.finding(
                f"due dates are set by {due.by!r}, a number drawn from a distribution: it "
                "has no values to list under within",
                ctx.locate(("due_dates", "by")),
                "set due dates by an attribute with named values, such as severity",
            )
            return
        known = sorted(str(v) for v in spec.values)
        for value in due.within:
            if value not in spec.values:
                yield self.finding(
                    f"a due date for {due.by} {value!r}, a value no item has "
                    f"(its values: {', '.join(known)})",
                    ctx.locate(("due_dates", "within", value), key=True),
                    did_you_mean(str(value), known),
                )


class DueBeforeWorkIsDone(Rule):
    """A due date shorter than the fastest way through the process: every such item breaches.

    A warning, since the simulation still answers: every item it applies to breaches.

    The least an item can take from its arrival to an end stage is the sum of the
    least handling times along its shortest path (a fixed ``10 min`` takes 10 min).
    A due date shorter than that is missed by every item it applies to, however many
    people work. Business hours are left out: their clock stands still at night,
    so an item may have longer than the hours say.

    Fails::

        stages:
          review: {resource: reviewers, duration: 30 min, next: qa}
          qa: {resource: auditors, duration: 15 min, next: done}
        due_dates: {by: severity, within: {high: 40 min, low: 8 hours}}

    Passes: ``within: {high: 1 hour, low: 8 hours}``.
    """

    code = "PF505"
    name = "due-before-work-is-done"
    # a warning: the run still answers (every such item breaches); it is not broken
    severity = Severity.WARNING
    reads = frozenset({"numbers", "structure"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        due = ctx.process.due_dates
        if due is None or due.business_hours is not None:
            return
        fastest = fastest_cycle(ctx.flow)
        if math.isinf(fastest):
            return  # no way to an end at all: the structure rules say so
        unit = ctx.process.time_unit
        allowed: list[tuple[tuple[object, ...], float]] = [
            (("due_dates", "within", value), time) for value, time in due.within.items()
        ]
        if due.otherwise is not None:
            allowed.append((("due_dates", "otherwise"), due.otherwise))
        for path, time in allowed:
            if time < fastest:
                yield self.finding(
                    f"items are due {format_duration(time, unit)} after they arrive, but the "
                    f"work alone takes at least {format_duration(fastest, unit)}: every one "
                    "of them breaches",
                    ctx.locate(path),
                    f"give them at least {format_duration(fastest, unit)}, or shorten the "
                    "handling times on the way",
                    allowed=time,
                    fastest=fastest,
                )


class EarliestDueWithoutDueDates(Rule):
    """A pool serves by earliest due date, but the items have no due date.

    ``serve: earliest_due`` takes the waiting item due first; without ``due_dates``
    (or with none for the items of this pool) every item is due "never", and the
    pool quietly serves first come, first served.

    Fails::

        resources:
          reviewers: {count: 10, serve: earliest_due}
        # and no due_dates

    Passes: add ``due_dates: {by: severity, within: {high: 4 hours, low: 48 hours}}``.
    """

    code = "PF506"
    name = "earliest-due-without-due-dates"
    severity = Severity.WARNING

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        if ctx.process.due_dates is not None:
            return
        for name, pool in ctx.process.resources.items():
            if pool.serve == "earliest_due":
                yield self.finding(
                    f"pool {name!r} serves by earliest due date, but no item has a due date",
                    ctx.locate(("resources", name, "serve")),
                    "add due_dates (when each item is due), or remove serve: earliest_due",
                )
