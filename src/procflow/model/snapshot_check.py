"""Checking a snapshot's items against their process, wherever the snapshot is written.

The CSV form (a row per item) and the YAML form (counts per stage and age band) say
the same things about an item: its stage, its state, its attribute values, who holds
it; and about the day: who is on shift. :class:`ItemChecker` checks each against the
process and reports every problem through a callback that knows where the thing is
written (a CSV cell, a YAML key), so both forms locate their problems alike (PF022).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from procflow.diagnostics.suggest import did_you_mean
from procflow.model.process import CategoricalAttribute, Process

State = Literal["waiting", "in_progress"]
STATES: tuple[State, ...] = ("waiting", "in_progress")
#: An attribute value as the process writes it (a categorical key or a number).
Value = str | int | bool | float


#: Reports a problem with one key of an item (a CSV column, a YAML key) where it is written.
Problem = Callable[[str, str, str | None], None]


class ItemChecker:
    """Checks items against the process (their stage, state, attribute values and holder)
    and the people on shift, keeping what it read: :attr:`people` per pool."""

    def __init__(self, process: Process) -> None:
        self.stages = process.stages
        self.pools = process.resources
        self.attributes: dict[str, Any] = {}
        for arrival in process.arrivals:
            self.attributes.update(arrival.attributes)
        #: people on shift per pool, as the snapshot says
        self.people: dict[str, int] = {}
        #: (pool, person) -> the line of the item they hold
        self.held: dict[tuple[str, int], int] = {}

    def crew(self, pool: str, count: Any, problem: Callable[[str, bool], None]) -> None:
        """One pool's people on shift (``on_shift``), reporting an unknown pool (``problem``
        told True: at the pool's name) or a count that is not one (False: at the count)."""
        if pool not in self.pools:
            hint = did_you_mean(pool, list(self.pools)) or "use the process's pool names"
            problem(f"no pool {pool!r} in the process; {hint}", True)
        elif isinstance(count, bool) or not isinstance(count, int) or count < 0:
            problem(f"{pool}: {count!r} people on shift is not a whole number, 0 or more", False)
        else:
            self.people[pool] = count

    def holder(
        self, stage: str, text: str, line: int, problem: Problem, *, persons: bool = True
    ) -> tuple[str | None, int | None]:
        """Who holds an item in progress at ``stage``: its pool and the person (from 1),
        written ``reviewer_en``, ``reviewer_en#4`` or ``4``; every problem reported."""
        own = self.stages[stage].resource if stage in self.stages else None
        pool, mark, number = text.partition("#")
        if not mark and text.isdecimal():
            pool, number = own or "", text
        pool = pool.strip()
        if pool not in self.pools:
            hint = did_you_mean(pool, list(self.pools)) or "name the pool of the item's stage"
            problem("holder", f"no pool {pool!r} in the process", hint)
            return None, None
        if own is not None and pool != own:
            problem("holder", f"{pool} does not work at {stage}: its pool is {own}", f"write {own}")
        if not number:
            return pool, None
        most = max(self.pools[pool].on_duty.peak(), self.people.get(pool, 0))
        person = int(number) if number.strip().isdecimal() else 0
        if not persons:
            problem("holder", "a group's holder is a pool: name people in the CSV form", None)
        elif not 1 <= person <= most:
            problem(
                "holder",
                f"{text!r}: {pool} has people 1 to {most:.0f} on duty",
                "number people from 1, or name the pool only",
            )
        elif (pool, person) in self.held:
            problem(
                "holder",
                f"{pool}#{person} already holds the item of line {self.held[pool, person]}",
                "one person holds one item",
            )
        else:
            self.held[pool, person] = line
        return pool, person

    def check(
        self, stage: str, state: str, written: Sequence[tuple[str, Any]], problem: Problem
    ) -> list[tuple[str, Value]]:
        """The item's attribute values (as the process writes them), reporting every problem."""
        if stage not in self.stages:
            hint = did_you_mean(stage, list(self.stages)) or "use the process's stage names"
            problem("stage", f"no stage {stage!r} in the process", hint)
        elif self.stages[stage].kind == "end":
            problem("stage", f"{stage!r} is an end stage: an item there is done", "leave it out")
        elif state == "in_progress" and self.stages[stage].kind != "work":
            problem(
                "state", f"nobody works at {stage!r}: an item cannot be in progress there", None
            )
        if state not in STATES:
            problem("state", f"state {state!r} is not waiting or in_progress", None)
        values: list[tuple[str, Value]] = []
        for name, raw in written:
            attribute = self.attributes.get(name)
            if attribute is None:
                hint = did_you_mean(name, list(self.attributes)) or "use the process's attributes"
                problem(name, f"no attribute {name!r} in the process", hint)
                continue
            text = str(raw).strip()
            if not text:
                continue
            value = attribute_value(text, attribute)
            if value is None:
                if isinstance(attribute, CategoricalAttribute):
                    known = [str(v) for v in attribute.values]
                    hint = did_you_mean(text, known) or f"the values are: {', '.join(known)}"
                    problem(name, f"{name} {text!r} is not a value of the process", hint)
                else:
                    problem(name, f"{name} {text!r} is not a number", None)
                continue
            values.append((name, value))
        return values


def attribute_value(text: str, attribute: Any) -> Value | None:
    """The attribute's value written ``text`` (a categorical key or a number), or None."""
    if isinstance(attribute, CategoricalAttribute):
        for value in attribute.values:
            if str(value) == text:
                return value
        return None
    try:
        return float(text)
    except ValueError:
        return None
