"""A staff pool whose people have names: for separation of duties.

Most rules do not care who in a pool takes a task, so a pool is counted, not
named (:class:`~procflow.sim.staff.StaffPool`). Separation of duties does care:
a reviewer never reviews their own work (``not_by``), and a consensus never asks
one annotator to label the same item twice. A pool that such a rule reads is a
:class:`PeoplePool`: its people are numbered (annotator #1, #2 ...), a task
says who may not take it, and a person who frees up takes the most urgent task
they are allowed to do. The other pools stay counted, so a process without these
rules runs as fast as before.

Who did what is remembered on the item, and only for the stages a rule reads:
``item.hands`` maps such a stage to the people who worked on the item there
(the labelers of a consensus, each worker of a rework loop). Rework sent back with
``back_to: same_person`` waits for the person who did the work first: it is the one
task only they may take.

People also differ: some are new hires (:mod:`procflow.model.tenure`), and gold tasks
measure each one's accuracy. A review's sample reads them of the item's worker
(``new_hire``, ``annotator_accuracy``): a person who takes a task writes them into the
item's row, at the stages whose pool or gold they describe (:func:`mark`).
"""

from __future__ import annotations

import heapq
from typing import Any

from procflow.model.staffing import Resource
from procflow.model.tenure import new_hire
from procflow.sim.staff import Skill, StaffPool, Team, _Entry


class Person:
    """One person of a :class:`PeoplePool`, as the engine holds them while they work."""

    __slots__ = ("new_hire", "number", "team")

    def __init__(self, number: int, team: Team, new_hire: bool = False) -> None:
        self.number = number
        self.team = team
        self.new_hire = new_hire


def mark(person: Person, item: Any, stage: Any) -> None:
    """``person`` takes ``item``'s task at ``stage``: what a later sample reads of its
    worker goes into its row (whether they are a new hire; their gold-measured accuracy)."""
    attrs = list(item.attrs)
    if stage.new_hire_at >= 0:
        attrs[stage.new_hire_at] = person.new_hire
    if stage.accuracy_at >= 0:
        attrs[stage.accuracy_at] = stage.gold.measured(person.number)
    item.attrs = tuple(attrs)


def allowed(person: Person, item: Any, stage: Any) -> bool:
    """Whether ``person`` may take ``item``'s task at ``stage``: the one who did it first,
    for rework that goes back to the same person; else anyone but its ``not_by`` workers."""
    hands = item.hands
    if stage.same_person:
        done: list[int] | None = hands.get(stage.index)
        if done:
            return person.number == done[0]
    return not any(person.number in hands.get(s, ()) for s in stage.not_by)


class PeoplePool(StaffPool):
    """A pool whose people are numbered, for the rules that need to know who works."""

    def __init__(
        self,
        name: str,
        resource: Resource,
        unit_minutes: float,
        start: float = 0.0,
        on_shift: int | None = None,
    ) -> None:
        super().__init__(name, resource, unit_minutes, start, on_shift)
        self._numbered = 0
        #: the pool's new hires among its most people on duty at once (who are numbered)
        self._new_hires = (resource.new_hires, resource.headcount if resource.new_hires else 0)
        #: per team, its free people, and those off shift (who come back first)
        self.idle: dict[Team, list[Person]] = {team: [] for team in self.teams}
        self.off: dict[Team, list[Person]] = {team: [] for team in self.teams}
        for team in self.teams:
            self._fill(team)

    def _fill(self, team: Team) -> None:
        """Make the team's free people match its count of free people (after a shift change)."""
        idle, off = self.idle[team], self.off[team]
        while len(idle) > team.free:
            off.append(idle.pop())
        while len(idle) < team.free:
            if off:
                idle.append(off.pop())
            else:
                idle.append(self._person(team))

    def _set(self, team: Team, now: float, on_duty: float) -> None:
        super()._set(team, now, on_duty)
        self._fill(team)

    def hold(self, skill: Skill, now: float) -> Any:
        """A person beyond those free who works on a snapshot's held item (see
        :meth:`StaffPool.hold`): numbered like everyone, so the rules can tell them apart."""
        return self._person(super().hold(skill, now))

    def _person(self, team: Team) -> Person:
        """The next person to come on shift for the first time: numbered, new hire or not."""
        self._numbered += 1
        number = self._numbered
        return Person(number, team, new_hire(number, *self._new_hires))

    def who(self, hand: Any) -> str:
        """The name the event log shows for the person holding a task: ``annotator#3``."""
        return f"{self.name}#{hand.number}"

    def _assign(self, person: Person, item: Any, stage: Any) -> None:
        """``person`` takes the task: remember it where a rule will read it."""
        if stage.remembered:
            item.hands.setdefault(stage.index, []).append(person.number)
        if stage.marks:
            mark(person, item, stage)

    # ------------------------------------------------------------------ work

    def take(self, skill: Skill, now: float, item: Any = None, stage: Any = None) -> Any:
        """A free person allowed to do the task (now busy with it), or None."""
        for team in self.teams:
            if team.free > 0 and team.serves(skill):
                idle = self.idle[team]
                for k, person in enumerate(idle):
                    if allowed(person, item, stage):
                        del idle[k]
                        team.free -= 1
                        self.busy.move(now, 1)
                        self._assign(person, item, stage)
                        return person
        return None

    def _next_for_person(self, person: Person) -> tuple[Any, Any] | None:
        """Remove and return the most urgent waiting task ``person`` may do, or None."""
        if not self.waiting:
            return None
        best: _Entry | None = None
        for skill, queue in self.queues.items():
            if not person.team.serves(skill):
                continue
            while queue and queue[0][3].ticket != queue[0][2]:
                heapq.heappop(queue)  # served or escalated already
            if not queue:
                continue
            head = queue[0]
            if not allowed(person, head[3], head[4]):
                # rarely: the most urgent task is one this person may not do
                fits = [e for e in queue if e[3].ticket == e[2] and allowed(person, e[3], e[4])]
                if not fits:
                    continue
                head = min(fits)
            if best is None or head < best:
                best = head
        if best is None:
            return None
        _, _, _, item, stage = best
        item.ticket = 0  # its entry stays in the heap, skipped when reached
        self.waiting -= 1
        self._assign(person, item, stage)
        return item, stage

    def release(self, team: Any, now: float) -> tuple[Any, Any] | None:
        """A person finished a task (``team`` is the :class:`Person`): their next, or None."""
        person: Person = team
        crew = person.team
        if crew.leaving:
            crew.leaving -= 1
            self.busy.move(now, -1)
            self.off[crew].append(person)
            return None
        following = self._next_for_person(person)
        if following is None:
            crew.free += 1
            self.idle[crew].append(person)
            self.busy.move(now, -1)
        return following

    def assign(self, team: Team, now: float) -> tuple[Any, Any, Any] | None:
        """People of ``team`` came on shift: one of them takes a task, or None."""
        for k, person in enumerate(self.idle[team]):
            found = self._next_for_person(person)
            if found is not None:
                del self.idle[team][k]
                team.free -= 1
                self.busy.move(now, 1)
                return (*found, person)
        return None
