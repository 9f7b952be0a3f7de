"""Staff pools that cannot keep up with the work the process sends them."""

from __future__ import annotations

from collections.abc import Iterator

from procflow.diagnostics import Finding, Severity
from procflow.lint.context import LintContext
from procflow.lint.rule import Rule
from procflow.model.calendar import combine, describe_window


class OverloadedPool(Rule):
    """A staff pool (or its people with some skill) cannot keep up: its backlog grows forever.

    procflow solves the traffic equations of the process (visits per item,
    including QC samples, rework loops and escalation) and multiplies by the
    arrival rate and the mean handling time: that is how many people are busy on
    average. If it is at least the number of people working, the queue has no
    steady state, and turnaround grows without bound however the work is
    scheduled. In a pool of teams with skills the same holds for every group of
    skills: work that needs Japanese only goes to the people who read it, however
    idle the rest of the pool is.

    Fails::

        resources:
          qc_reviewer: {count: 9}
        # 540 items/h, 27% reviewed (rework included), 4 min each: 9.7 busy reviewers needed

    Passes: ``count: 11`` (88% utilization), or a lower QC sample rate.
    """

    code = "PF401"
    name = "overloaded-pool"
    reads = frozenset({"numbers"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        capacity = ctx.capacity
        if capacity.endless:
            return  # endless-loop explains it
        for name, pool in capacity.pools.items():
            if pool.offered_load > 0 and pool.offered_load >= pool.servers:
                need = pool.offered_load
                if pool.servers == 0:
                    yield self.finding(
                        f"{name}: {need:.1f} busy staff needed on average, and the pool has none",
                        ctx.locate(("resources", name, "count")),
                        f"staff at least {int(need) + 1}",
                    )
                    continue
                yield self.finding(
                    f"{name}: {need:.1f} busy staff needed on average, "
                    f"{pool.servers:.3g} available "
                    f"({pool.utilization:.0%} utilization); its backlog would grow without bound",
                    ctx.locate(("resources", name, "count")),
                    f"staff at least {int(need) + 1} (about {int(need / 0.85) + 1} for 85% "
                    "utilization), or send it less work",
                )
                continue
            tight = pool.tightest
            if tight is not None and tight.offered_load > 0 and tight.utilization >= 1:
                skills = ", ".join(repr(s) for s in tight.skills)
                yield self.finding(
                    f"{name}: the work needing {skills} takes {tight.offered_load:.1f} busy "
                    f"people on average, and {tight.servers:.3g} of the pool can do it "
                    f"({tight.utilization:.0%}); its queue would grow without bound",
                    ctx.locate(_team_path(ctx, name, tight.skills), key=True),
                    f"give the skill to at least {int(tight.offered_load - tight.servers) + 1} "
                    "more people, or send that work elsewhere",
                )


def _team_path(ctx: LintContext, pool: str, skills: tuple[str, ...]) -> tuple[object, ...]:
    """The first team of ``pool`` with one of ``skills`` (the pool when none has them)."""
    for k, team in enumerate(ctx.process.resources[pool].teams or []):
        if set(team.skills) & set(skills):
            return ("resources", pool, "teams", k)
    return ("resources", pool)


class HighUtilization(Rule):
    """A staff pool planned busier than the utilization ceiling (90% unless configured).

    A pool that keeps up on average can still be planned too tight: waiting grows
    steeply as utilization nears 100% (at 95%, an Erlang C queue waits four times as
    long as at 80%), and there is no slack for sick days, a volume spike or a new
    policy. Workforce planners plan to 80-85%. The ceiling is set in pyproject.toml,
    ``max-utilization = 0.85`` under ``[tool.procflow]``, or with
    ``procflow lint --max-utilization 0.85``. For pools with teams, the group of
    skills planned the busiest counts.

    Fails::

        resources:
          annotator: {count: 40}
        # 540 items/h × 4.2 min: 37.8 busy, 94% utilization (the default ceiling is 90%)

    Passes: ``count: 44`` (86%).
    """

    code = "PF404"
    name = "high-utilization"
    reads = frozenset({"numbers"})
    severity = Severity.WARNING

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        capacity = ctx.capacity
        if capacity.endless:
            return
        ceiling = ctx.max_utilization
        for name, pool in capacity.pools.items():
            planned = pool.peak_utilization
            if not ceiling < planned < 1:
                continue  # fine, or overloaded-pool says more
            who = name
            if pool.tightest is not None and pool.tightest.utilization > pool.utilization:
                who = (
                    f"{name} (the work needing {', '.join(repr(s) for s in pool.tightest.skills)})"
                )
            need = pool.offered_load / ceiling if planned == pool.utilization else None
            hint = (
                f"about {int(need) + 1} people working would bring it to {ceiling:.0%}"
                if need is not None
                else "give that skill to more people"
            )
            yield self.finding(
                f"{who}: planned at {planned:.0%} utilization, above the {ceiling:.0%} ceiling; "
                "queues and turnaround climb steeply near 100%",
                ctx.locate(("resources", name), key=True),
                hint,
            )


class UnderstaffedHours(Rule):
    """Hours of the week when a pool has less staff on duty than its work needs.

    The average over the week can be fine while a thin night shift, or a
    schedule that peaks when few people are on duty, builds a backlog every
    day. procflow compares, hour by hour, the busy people the arriving work
    needs (arrival rate at that time × work per item) with the people working
    then (shifts less shrinkage). A backlog may be acceptable if the next shift
    clears it, so this is a warning: simulate to see what it does to the SLA.

    Fails::

        arrivals:
          - {name: reports, rate: 300 per hour}       # around the clock
        resources:
          reviewer:
            calendar:
              - {days: all, hours: "08:00-20:00", count: 30}
              - {days: all, hours: "20:00-08:00", count: 4}   # 15 needed at night

    Passes: a night shift of 16, or a ``schedule`` with fewer arrivals at night.
    """

    code = "PF402"
    name = "understaffed-hours"
    reads = frozenset({"numbers"})
    severity = Severity.WARNING

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        capacity = ctx.capacity
        process = ctx.process
        if capacity.endless or capacity.arrival_rate <= 0:
            return
        streams = [a.rate_profile() for a in process.arrivals if a.batch is None]
        if not streams:
            return
        arrivals = combine(streams, sum)
        for name, pool in capacity.pools.items():
            resource = process.resources[name]
            if pool.offered_load <= 0 or pool.offered_load >= pool.servers:
                continue  # idle, or overloaded-pool says more
            working = resource.working
            if arrivals.is_constant and working.is_constant:
                continue
            work_per_item = pool.offered_load / capacity.arrival_rate
            short = combine([arrivals, working], lambda v, w=work_per_item: v[0] * w - v[1])
            windows = [
                (start, end, gap)
                for start, end, gap in short.steps()
                if gap > 0 and end - start >= 60
            ]
            if not windows:
                continue
            worst = max(windows, key=lambda w: w[2])
            needed = arrivals.at(worst[0]) * work_per_item
            on_duty = working.at(worst[0])
            hours = sum(end - start for start, end, _ in windows) / 60
            yield self.finding(
                f"{name}: {hours:.0f} hours a week with less staff working than the work needs; "
                f"worst {describe_window(worst[0], worst[1])}: {needed:.1f} busy needed, "
                f"{on_duty:.3g} working",
                ctx.locate(("resources", name), key=True),
                "add staff to those shifts, or check that the backlog clears before the SLA "
                "(procflow simulate)",
            )
