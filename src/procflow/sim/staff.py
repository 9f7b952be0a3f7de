"""A staff pool in the simulator: people on shift, their skills, the queue, what they cost.

In an annotation team a pool is, say, the 44 annotators of a queue. Not all of
them are working at every moment: shifts start and end (a day shift Monday to
Friday, a smaller night shift), and part of paid time goes to meetings,
training and breaks (*shrinkage*). So the number of people taking work changes
over the week: it is the staff on shift times (1 - shrinkage), rounded to
whole people.

A pool may be made of *teams* with skills (the reviewers who read Indonesian,
those who read Portuguese, a few who read both). Work that needs a skill waits
in that skill's queue and only a team with the skill takes it; when a person
frees up, they take the most urgent item among the queues they can serve.
Which is most urgent is the pool's ``serve`` order: higher priority first, then
the one that has waited longest (``first_come``, the default) or the one due
first (``earliest_due``); or, with ``aging``, priority rises by one level for
every ``aging`` an item waits, so that low-priority work is not starved. Each
order is one sort key, fixed when the item joins the queue: with aging, an item
of priority p that joined at t ranks as t - p × aging (the earlier, the more
urgent), since every waiting item ages alike. Arriving work goes to the free team
with the fewest skills, keeping generalists free for work only they can do.

A run starts at Monday 00:00 of the calendar, or at a snapshot's minute of the
week (a forecast from Tuesday 09:00 starts with Tuesday's early shift on duty).
A snapshot may say who is really on shift (``on_shift: {reviewer_en: 9}``: three
out sick): that many people are on duty until the pool's next calendar change,
shared among its teams as the calendar shares them; then the calendar holds again.

When a shift ends, nobody drops a task half done: people finish what they hold
and then leave. When a shift starts, the newcomers take waiting work at once.
An item that escalates leaves its queue; its entry is skipped when reached.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable
from typing import Any, cast

import simpy

from procflow.model.calendar import WEEK_MINUTES, WeeklyProfile
from procflow.model.staffing import Resource, working_people
from procflow.sim.stats import TimeAverage

#: (minus priority, rank, ticket, item, stage): the rank orders items within a priority (the
#: ticket, its due date, or its aged arrival); the ticket keeps FIFO among equal ranks
_Entry = tuple[int, float, int, Any, Any]
#: The pool's ``serve`` order, as the hot path reads it.
FIRST_COME, EARLIEST_DUE, AGING = 0, 1, 2
_ORDER = {"first_come": FIRST_COME, "earliest_due": EARLIEST_DUE, "aging": AGING}
#: A queue per required skill; ``None`` is work anyone in the pool can do.
Skill = str | None


class Team:
    """People of a pool with the same skills (all the pool's people, without teams)."""

    __slots__ = ("free", "leaving", "on_duty", "profile", "servers", "skills")

    def __init__(
        self, skills: frozenset[str] | None, profile: WeeklyProfile, working: int, start: float
    ):
        #: None: can do any work of the pool
        self.skills = skills
        self.profile = profile
        self.on_duty = profile.at(start)
        self.servers = working
        self.free = working
        #: people whose shift ended while they held a task: they leave when it is done
        self.leaving = 0

    def serves(self, skill: Skill) -> bool:
        """Whether this team may take work needing ``skill``."""
        return skill is None or self.skills is None or skill in self.skills


class StaffPool:
    """The people of one pool over simulated time, with their queues."""

    def __init__(
        self,
        name: str,
        resource: Resource,
        unit_minutes: float,
        start: float = 0.0,
        on_shift: int | None = None,
    ) -> None:
        self.name = name
        self.cost_per_hour = resource.cost_per_hour
        self._shrinkage = resource.shrinkage
        self._unit_minutes = unit_minutes
        #: the minute of the week the run's time 0 is (0: Monday 00:00)
        self._start = start
        teams = [
            Team(skills, profile, self._working(profile.at(start)), start)
            for skills, profile in resource.teams_on_duty
        ]
        if on_shift is not None:
            self._on_shift(teams, on_shift)
        # specialists first: arriving work goes to the free team with the fewest skills
        self.teams = sorted(teams, key=lambda t: len(t.skills) if t.skills else 1_000_000)
        self.queues: dict[Skill, list[_Entry]] = {}
        self.waiting = 0
        self.busy = TimeAverage()
        self.capacity = TimeAverage()
        self.capacity.move(0.0, sum(t.servers for t in self.teams))
        self.staff = TimeAverage()
        self.staff.move(0.0, int(sum(t.on_duty for t in self.teams)))
        self.order = _ORDER[resource.serve]
        #: with aging: the wait worth one priority level, in the process's time unit
        self.aging = resource.aging or 0.0

    def _working(self, on_duty: float) -> int:
        return working_people(on_duty, self._shrinkage)

    def _on_shift(self, teams: list[Team], people: int) -> None:
        """``people`` on duty at the start instead of the calendar's, shared among the teams
        in proportion to the calendar's (evenly when it has nobody on)."""
        planned = [t.on_duty for t in teams]
        total = sum(planned)
        for team, share in zip(teams, planned, strict=True):
            team.on_duty = people * (share / total if total else 1 / len(teams))
            team.servers = team.free = self._working(team.on_duty)

    def hold(self, skill: Skill, now: float) -> Team:
        """A person of a team that can do the work, busy with it although the pool has nobody
        free: a snapshot's item someone holds. They leave when it is done (``leaving``)."""
        team = next((t for t in self.teams if t.serves(skill)), self.teams[0])
        team.leaving += 1
        self.busy.move(now, 1)
        return team

    # ------------------------------------------------------------------ work

    def take(self, skill: Skill, now: float, item: Any = None, stage: Any = None) -> Any:
        """A free team that can do the work (marking one of its people busy), or None.

        What the engine holds while the work is done (a team here, a person in a
        :class:`~procflow.sim.people.PeoplePool`, which reads ``item`` and ``stage``).
        """
        for team in self.teams:
            if team.free > 0 and team.serves(skill):
                team.free -= 1
                self.busy.move(now, 1)
                return team
        return None

    def enqueue(self, skill: Skill, priority: int, ticket: int, item: Any, stage: Any) -> None:
        """Put an item in its skill's queue; ``item.ticket`` must equal ``ticket``.

        The pool's order reads ``item.due`` (earliest_due) or ``item.enqueued`` (aging).
        """
        queue = self.queues.get(skill)
        if queue is None:
            queue = self.queues[skill] = []
        order = self.order
        if order == FIRST_COME:
            entry: _Entry = (-priority, ticket, ticket, item, stage)
        elif order == EARLIEST_DUE:
            entry = (-priority, item.due, ticket, item, stage)
        else:
            entry = (0, item.enqueued - priority * self.aging, ticket, item, stage)
        heapq.heappush(queue, entry)
        self.waiting += 1

    def withdraw(self, item: Any) -> None:
        """An item leaves its queue before service (escalation); its entry is skipped later."""
        item.ticket = 0
        self.waiting -= 1

    def next_for(self, team: Team) -> tuple[Any, Any] | None:
        """Remove and return the most urgent waiting item this team can do, or None."""
        if not self.waiting:
            return None
        best: list[_Entry] | None = None
        for skill, queue in self.queues.items():
            if not team.serves(skill):
                continue
            while queue and queue[0][3].ticket != queue[0][2]:
                heapq.heappop(queue)  # served or escalated already
            if queue and (best is None or queue[0] < best[0]):
                best = queue
        if best is None:
            return None
        _, _, _, item, stage = heapq.heappop(best)
        item.ticket = 0
        self.waiting -= 1
        return item, stage

    def who(self, hand: Any) -> str:
        """The name the event log shows for whoever holds a task: the pool's."""
        return self.name

    def assign(self, team: Team, now: float) -> tuple[Any, Any, Any] | None:
        """People of ``team`` came on shift: one of them takes a task (item, stage, holder)."""
        waiting = self.next_for(team)
        if waiting is None:
            return None
        team.free -= 1
        self.busy.move(now, 1)
        return (*waiting, team)

    def release(self, team: Any, now: float) -> tuple[Any, Any] | None:
        """A person of ``team`` finished a task: the next item they take, or None if they stop."""
        if team.leaving:
            team.leaving -= 1
            self.busy.move(now, -1)
            return None
        following = self.next_for(team)
        if following is None:
            team.free += 1
            self.busy.move(now, -1)
        return following

    # ------------------------------------------------------------------ shifts

    def start_shifts(
        self, env: simpy.Environment, resume: Callable[[StaffPool, Team], None]
    ) -> None:
        """Schedule every shift change; ``resume(pool, team)`` runs when people join."""
        week = WEEK_MINUTES / self._unit_minutes
        for team in self.teams:
            if team.profile.is_constant:
                continue
            steps = team.profile.steps()

            def change(event: simpy.Event, team: Team = team, steps: list[Any] = steps) -> None:
                k, offset = cast(tuple[int, float], event.value)
                self._set(team, env.now, steps[k][2])
                if team.free > 0 and self.waiting:
                    resume(self, team)
                k += 1
                if k == len(steps):
                    k, offset = 0, offset + week
                start = offset + steps[k][0] / self._unit_minutes
                env.timeout(start - env.now, (k, offset)).callbacks.append(change)

            # the step holding at the run's start is in force; the first change is the next
            k = bisect.bisect_right([step[0] for step in steps], self._start)
            offset = -self._start / self._unit_minutes
            if k == len(steps):
                k, offset = 0, offset + week
            first = offset + steps[k][0] / self._unit_minutes
            env.timeout(first, (k, offset)).callbacks.append(change)

    def _set(self, team: Team, now: float, on_duty: float) -> None:
        self.staff.move(now, int(on_duty) - int(team.on_duty))
        team.on_duty = on_duty
        target = self._working(on_duty)
        delta = target - team.servers
        self.capacity.move(now, delta)
        team.servers = target
        if delta > 0:
            stay = min(team.leaving, delta)  # people about to leave stay on instead
            team.leaving -= stay
            team.free += delta - stay
        elif delta < 0:
            idle = min(team.free, -delta)
            team.free -= idle
            team.leaving += -delta - idle

    def reset(self, now: float) -> None:
        """Forget statistics before ``now`` (end of warm-up)."""
        self.busy.reset(now)
        self.capacity.reset(now)
        self.staff.reset(now)
