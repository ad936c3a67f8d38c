"""Standbys: volunteers held in reserve at a request's planned time, for likely declines.

Runs on a finished schedule (`Settings.plan_standbys`). A standby of request r is a
candidate of r (team, community, skills, exclusions and reach: `core/candidates.py`, which
reads `core/rules.py`), not on r's crew, a speaker of r's language where it names one, and
free to start r at its planned start: `Schedule.feasible_starts` with every booking and
every other hold of theirs, so availability, walks between places (rule 6) and the daily
caps (rule 7, as if called) all hold. The hold is booked like a service, so nothing later
uses that time.

Which requests get standbys, and how many, comes from the acceptance probabilities: a
request of weight w whose crew members accept with p_1..p_n is served when at least n of
its crew and standbys accept, so a standby is worth w times the rise in that probability
(`served_probability`). Three passes where `standby_max_share` is above 0 (else pass 1
alone):

0. reliable crews: a crew member of a heavy request is swapped for a candidate likelier
   to accept, who is free then or whose lower-weight bookings in the way are served again
   by others (`find_crew`) or, below `standby_min_priority`, given up within the share;
   kept when the expected served weight of the requests touched rises.
1. free holds: volunteers whom the plan leaves free at that time; nothing is given up.
2. traded holds: a volunteer whose only obstacle is lower-priority bookings (below
   `standby_min_priority`) is freed by taking those requests off them; each is then served
   again elsewhere where `construct.greedy.find_crew` finds a crew, and the trade is kept
   only when the expected weight saved exceeds the expected weight of what stays unserved,
   and the weight given up stays within `standby_max_share` of the served weight.

Passes 0 and 2 share the one budget of `standby_max_share`. So the served weight, if
everyone accepts, falls by at most that share, and the proven
upper bound (about served weight, standbys serving nothing) is untouched.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

from matcher._internal.solver.construct.greedy import find_crew
from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import FloatArray, Instance
from matcher._internal.solver.core.rules import service_day
from matcher._internal.solver.core.schedule import Schedule, contains

TRADE_TRIES = 12
"""Swaps and traded holds: the most candidates (likeliest to accept first) tried per crew
member or request, which bounds the work on days with many candidates."""


def served_probability(probabilities: list[float], needed: int) -> float:
    """P(at least `needed` of independent people accept), each with their probability
    (the Poisson-binomial tail, by dynamic programming)."""
    if needed <= 0:
        return 1.0
    ways = [1.0] + [0.0] * len(probabilities)  # ways[k]: P(exactly k accept so far)
    for p in probabilities:
        for k in range(len(ways) - 1, 0, -1):
            ways[k] = ways[k] * (1 - p) + ways[k - 1] * p
        ways[0] *= 1 - p
    return float(sum(ways[needed:]))


@dataclass
class StandbyPlan:
    """The standbys chosen, and what the plan gave up for them."""

    holds: list[tuple[int, int, int]] = field(default_factory=list)
    """(request, volunteer, start minute) of every standby."""
    given_up: list[int] = field(default_factory=list)
    """Requests the plan no longer serves so that a standby could be held."""
    weight_given_up: int = 0


@dataclass
class _Planner:
    inst: Instance
    cands: Candidates
    schedule: Schedule
    accept: FloatArray
    plan: StandbyPlan = field(default_factory=StandbyPlan)
    of_request: dict[int, list[int]] = field(default_factory=dict)

    def crew_odds(self, r: int, extra: int | None = None) -> float:
        """P(request r is served by its crew and standbys), with one more standby `extra`."""
        crew = self.schedule.crews[r][1]
        people = [*crew, *self.of_request.get(r, [])] + ([] if extra is None else [extra])
        return served_probability([float(self.accept[v]) for v in people], len(crew))

    def gain(self, r: int, v: int) -> float:
        """The expected weight standby v saves for request r."""
        return float(self.inst.r_weight[r]) * (self.crew_odds(r, v) - self.crew_odds(r))

    def eligible(self, r: int) -> list[int]:
        """Candidates of r who may stand by: not on its crew, not its standby yet, and a
        speaker where r names a language (so any crew member can be replaced)."""
        crew = set(self.schedule.crews[r][1]) | set(self.of_request.get(r, []))
        span = self.cands.of(r)
        needs_speaker = bool(self.cands.needs_language[r])
        return [
            int(v)
            for v, speaks in zip(self.cands.vol[span], self.cands.speaks[span], strict=True)
            if int(v) not in crew and (speaks or not needs_speaker)
        ]

    def best_free(self, r: int) -> tuple[float, int] | None:
        """The free volunteer saving the most expected weight for r (nearest on a tie)."""
        start = self.schedule.crews[r][0]
        best: tuple[float, int] | None = None
        for v in self.eligible(r):
            if best is not None and self.accept[v] <= self.accept[best[1]]:
                continue  # candidates are nearest first: only a likelier one replaces it
            if contains(self.schedule.feasible_starts(v, r), start):
                best = (self.gain(r, v), v)
        return best

    def hold(self, r: int, v: int) -> None:
        start = self.schedule.crews[r][0]
        hold(self.schedule, r, v, start)
        self.of_request.setdefault(r, []).append(v)
        self.plan.holds.append((r, v, start))

    def release(self, r: int, v: int) -> None:
        start = self.schedule.crews[r][0]
        release(self.schedule, r, v, start)
        self.of_request[r].remove(v)
        self.plan.holds.remove((r, v, start))


def hold(schedule: Schedule, r: int, v: int, start: int) -> None:
    """Book v's time for r as if v served it, without adding v to r's crew."""
    duration = int(schedule.inst.r_duration[r])
    day = service_day(start)
    schedule.bookings[v].append((start, start + duration, r))
    schedule.bookings[v].sort()
    schedule.day_minutes[v, day] += duration
    schedule.day_tasks[v, day] += 1


def release(schedule: Schedule, r: int, v: int, start: int) -> None:
    """Undo `hold`."""
    duration = int(schedule.inst.r_duration[r])
    day = service_day(start)
    schedule.bookings[v].remove((start, start + duration, r))
    schedule.day_minutes[v, day] -= duration
    schedule.day_tasks[v, day] -= 1


def plan_standbys(
    inst: Instance, cands: Candidates, schedule: Schedule, accept: FloatArray
) -> StandbyPlan:
    """Choose standbys for `schedule` (changed in place only where a trade gives up or
    moves a lower-priority request); `accept[v]` is volunteer v's probability of accepting.
    The holds are released again before returning: the schedule holds services only."""
    settings = inst.problem.settings
    planner = _Planner(inst, cands, schedule, accept)
    wanted = [
        r for r in sorted(schedule.crews) if inst.r_priority[r] >= settings.standby_min_priority
    ]
    weight = sum(int(inst.r_weight[r]) for r in schedule.crews)
    budget = int(np.floor(settings.standby_max_share * weight + 1e-9))
    if settings.standby_max_share > 0:  # moves lose nothing: they need no budget
        _reliable_crews(planner, wanted, budget)
    _free_holds(planner, wanted, settings.standbys_per_request)
    if settings.standby_max_share > 0:
        _traded_holds(planner, wanted, settings.standbys_per_request, budget)
    for r, v, start in planner.plan.holds:
        release(schedule, r, v, start)
    planner.plan.holds.sort(key=lambda h: (h[2], inst.r_ids[h[0]], inst.v_ids[h[1]]))
    return planner.plan


def _free_holds(planner: _Planner, wanted: list[int], per_request: int) -> None:
    """Pass 1: hold free volunteers, the largest expected weight saved first. A popped
    choice is re-checked (an earlier hold may have taken the volunteer's time)."""
    queue: list[tuple[float, int, int]] = []
    for r in wanted:
        best = planner.best_free(r)
        if best is not None and best[0] > 0:
            queue.append((-best[0], r, best[1]))
    heapq.heapify(queue)
    while queue:
        _, r, v = heapq.heappop(queue)
        start = planner.schedule.crews[r][0]
        if contains(planner.schedule.feasible_starts(v, r), start):
            planner.hold(r, v)
            if len(planner.of_request[r]) >= per_request:
                continue
        best = planner.best_free(r)
        if best is not None and best[0] > 0:
            heapq.heappush(queue, (-best[0], r, best[1]))


def _traded_holds(planner: _Planner, wanted: list[int], per_request: int, budget: int) -> None:
    """Pass 2: for requests still short of standbys, the largest expected loss from a
    decline first, free a volunteer by moving or giving up lower-priority bookings."""
    inst = planner.inst

    def exposure(r: int) -> float:
        return float(inst.r_weight[r]) * (1 - planner.crew_odds(r))

    for r in sorted(wanted, key=lambda r: (-exposure(r), r)):
        if r not in planner.schedule.crews or len(planner.of_request.get(r, [])) >= per_request:
            continue
        tried = 0
        for v in sorted(planner.eligible(r), key=lambda v: -float(planner.accept[v])):
            if tried >= TRADE_TRIES:
                break
            blockers = _blockers(planner, r, v)
            if blockers is None:
                continue
            tried += 1
            lost = _trade(planner, r, v, blockers, budget - planner.plan.weight_given_up)
            if lost is not None:
                planner.plan.weight_given_up += lost
                break


def _blockers(planner: _Planner, r: int, v: int) -> list[int] | None:
    """`_conflicts`, or None when there are none (v is free: not a trade)."""
    return _conflicts(planner, r, v) or None


def _conflicts(planner: _Planner, r: int, v: int, lighter: bool = False) -> list[int] | None:
    """The bookings of v that overlap r's planned time with the walks around it, when all
    of them are crews (not holds) of requests below the standby priority (or, `lighter`,
    of less weight than r); else None."""
    inst, schedule = planner.inst, planner.schedule
    start = schedule.crews[r][0]
    end = start + int(inst.r_duration[r])
    minimum = inst.problem.settings.standby_min_priority
    found: list[int] = []
    for s, e, j in schedule.bookings[v]:
        if s >= end + schedule.travel(r, j) or e + schedule.travel(j, r) <= start:
            continue
        if j not in schedule.crews or v not in schedule.crews[j][1]:
            return None  # another standby's hold
        if inst.r_priority[j] >= minimum and not (lighter and inst.r_weight[j] < inst.r_weight[r]):
            return None
        found.append(j)
    return found


def _trade(planner: _Planner, r: int, v: int, blockers: list[int], budget: int) -> int | None:
    """Take `blockers` off the plan, hold v for r, serve the blockers again where a crew is
    found; keep it when it saves more expected weight than it loses and its weight lost
    fits `budget`. Returns the weight lost, or None (everything put back)."""
    inst, schedule = planner.inst, planner.schedule
    start = schedule.crews[r][0]
    before = {j: (schedule.crews[j][0], list(schedule.crews[j][1])) for j in blockers}
    expected_before = {j: planner.crew_odds(j) for j in blockers}
    for j in blockers:
        schedule.unbook(j)
    if not contains(schedule.feasible_starts(v, r), start):
        for j, (s, crew) in before.items():
            schedule.book(j, s, crew)
        return None
    saved = planner.gain(r, v)
    planner.hold(r, v)
    lost_weight, lost_expected = 0, 0.0
    served_again: list[int] = []
    for j in sorted(blockers, key=lambda j: -int(inst.r_weight[j])):
        found = find_crew(schedule, planner.cands, j)
        if found is not None:
            schedule.book(j, *found)
            served_again.append(j)
            lost_expected += float(inst.r_weight[j]) * max(
                0.0, expected_before[j] - planner.crew_odds(j)
            )
        else:
            lost_weight += int(inst.r_weight[j])
            lost_expected += float(inst.r_weight[j]) * expected_before[j]
    if saved > lost_expected and lost_weight <= budget:
        planner.plan.given_up += [j for j in blockers if j not in served_again]
        return lost_weight
    planner.release(r, v)
    for j in served_again:
        schedule.unbook(j)
    for j, (s, crew) in before.items():
        schedule.book(j, s, crew)
    return None


SWAP_MARGIN = 0.05
"""Reliable crews: the least rise in a crew member's probability of accepting worth a swap."""


def _reliable_crews(planner: _Planner, wanted: list[int], budget: int) -> None:
    """Pass 0: give the heaviest requests the volunteers likeliest to accept. A crew member
    is swapped for a likelier candidate who is free then, or whose lighter bookings in the
    way are served again by someone else (or, below the standby priority, given up within
    `budget`, shared with pass 2); kept when the expected served weight of the requests
    touched rises."""
    inst = planner.inst
    for r in sorted(wanted, key=lambda r: (-int(inst.r_weight[r]), r)):
        for c in sorted(planner.schedule.crews[r][1], key=lambda v: float(planner.accept[v])):
            floor = float(planner.accept[c]) + SWAP_MARGIN
            likelier = [u for u in planner.eligible(r) if planner.accept[u] > floor]
            likelier.sort(key=lambda u: -float(planner.accept[u]))
            for u in likelier[:TRADE_TRIES]:
                if _swap(planner, r, c, u, budget):
                    break


def _swap(planner: _Planner, r: int, c: int, u: int, budget: int) -> bool:
    """Put u in c's place on r's crew (see `_reliable_crews`); False: all put back."""
    inst, schedule = planner.inst, planner.schedule
    minimum = inst.problem.settings.standby_min_priority
    blockers = _conflicts(planner, r, u, lighter=True)
    if blockers is None:
        return False
    touched = [r, *blockers]

    def expected() -> float:
        return sum(
            float(inst.r_weight[j]) * planner.crew_odds(j) for j in touched if j in schedule.crews
        )

    before_value = expected()
    before = {j: (schedule.crews[j][0], list(schedule.crews[j][1])) for j in touched}
    for j in touched:
        schedule.unbook(j)
    start, crew = before[r]
    served_again: list[int] = []
    if contains(schedule.feasible_starts(u, r), start):
        schedule.book(r, start, [u if v == c else v for v in crew])
        lost: list[int] = []
        for j in blockers:
            found = find_crew(schedule, planner.cands, j)
            if found is None:
                lost.append(j)
            else:
                schedule.book(j, *found)
                served_again.append(j)
        lost_weight = sum(int(inst.r_weight[j]) for j in lost)
        affordable = lost_weight <= budget - planner.plan.weight_given_up and all(
            inst.r_priority[j] < minimum for j in lost
        )
        if affordable and expected() > before_value + 1e-9:
            planner.plan.given_up += lost
            planner.plan.weight_given_up += lost_weight
            return True
        schedule.unbook(r)
    for j in served_again:
        schedule.unbook(j)
    for j, (s, members) in before.items():
        schedule.book(j, s, members)
    return False
