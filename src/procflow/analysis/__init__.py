"""The instant estimate: queueing theory over the traffic equations, no randomness.

:func:`analyze` gives a process's :class:`Capacity`: visits per stage, load and
waiting per pool and per skill, quality figures routing alone decides, stability.
The modules: :mod:`~procflow.analysis.classes` (items that routing treats alike),
:mod:`~procflow.analysis.traffic` (the routing chain), :mod:`~procflow.analysis.queueing`
(Erlang B/C, Allen–Cunneen, escalation deadlines), :mod:`~procflow.analysis.capacity`
and :mod:`~procflow.analysis.staffing` (required heads per interval for service-level,
wait, occupancy and abandonment targets); :mod:`~procflow.analysis.distances` holds
the distances between two event logs that ``procflow validate`` reports.
"""

from __future__ import annotations

from procflow.analysis.capacity import (
    Capacity,
    PoolLoad,
    Quality,
    SkillLoad,
    StageLoad,
    analyze,
)
from procflow.analysis.classes import SAMPLED_ITEMS, ItemClass, item_classes
from procflow.analysis.queueing import (
    Arrivals,
    WaitModel,
    allen_cunneen,
    erlang_b,
    erlang_c,
    expected_maximum,
    mmc_wait,
)
from procflow.analysis.traffic import EndlessLoop, Tally

__all__ = [
    "SAMPLED_ITEMS",
    "Arrivals",
    "Capacity",
    "EndlessLoop",
    "ItemClass",
    "PoolLoad",
    "Quality",
    "SkillLoad",
    "StageLoad",
    "Tally",
    "WaitModel",
    "allen_cunneen",
    "analyze",
    "erlang_b",
    "erlang_c",
    "expected_maximum",
    "item_classes",
    "mmc_wait",
    "stage_visits",
]


def stage_visits(process: object) -> dict[str, float] | None:
    """Expected visits per stage per arriving item, or None when some loop never ends."""
    from procflow.model.process import Process

    assert isinstance(process, Process)
    capacity = analyze(process)
    if capacity.endless:
        return None
    return {name: s.visits for name, s in capacity.stages.items()}
