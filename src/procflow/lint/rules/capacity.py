"""Staff pools that cannot keep up with the work the process sends them."""

from __future__ import annotations

from collections.abc import Iterator

from procflow.diagnostics import Finding
from procflow.lint.context import LintContext
from procflow.lint.rule import Rule


class OverloadedPool(Rule):
    """A staff pool whose expected load is at or above its capacity: its backlog grows forever.

    procflow solves the traffic equations of the process (visits per item,
    including QC samples and rework loops) and multiplies by the arrival rate
    and the mean handling time: that is how many people are busy on average.
    If it is at least the number of staff, the queue has no steady state, and
    turnaround grows without bound however the work is scheduled.

    Fails::

        resources:
          qc_reviewer: {count: 9}
        # 540 items/h, 26% reviewed, 4 min each: 9.5 busy reviewers needed

    Passes: ``count: 11`` (86% utilization), or a lower QC sample rate.
    """

    code = "PF401"
    name = "overloaded-pool"

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
                    f"{name}: {need:.1f} busy staff needed on average, {pool.servers} available "
                    f"({pool.utilization:.0%} utilization); its backlog would grow without bound",
                    ctx.locate(("resources", name, "count")),
                    f"staff at least {int(need) + 1} (about {int(need / 0.85) + 1} for 85% "
                    "utilization), or send it less work",
                )
