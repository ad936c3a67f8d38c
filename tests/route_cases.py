"""Small random problems for the route search's tests, and the brute force they are judged
against: a whole re-simulation of a route, start minute by start minute, and the
objective's lower levels summed over the whole schedule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from factories import CENTRE, at, problem, request, volunteer
from hypothesis import strategies as st

from matcher._internal.check import check_solution
from matcher._internal.model import Problem, Strategy, WalkingTime
from matcher._internal.solver.construct.greedy import greedy_schedule
from matcher._internal.solver.core.candidates import Candidates, find_candidates
from matcher._internal.solver.core.instance import Instance, build_instance
from matcher._internal.solver.core.objective import (
    Costs,
    build_costs,
    fairness_cost,
    pair_cost,
    served_weight,
)
from matcher._internal.solver.core.rules import (
    day_starts,
    service_day,
    start_window,
    within_day_caps,
)
from matcher._internal.solver.core.schedule import Schedule
from matcher._internal.solver.report.result import build_solution
from matcher._internal.solver.search.routes.context import RouteContext
from matcher._internal.solver.search.routes.move import NOTHING, Move

METRES_PER_DEG = 111_195.0


def _place(east: int, north_: int) -> tuple[float, float]:
    return CENTRE[0] + north_ / METRES_PER_DEG, CENTRE[1] + east / METRES_PER_DEG


def _stamp(minute: int) -> str:
    """The time `minute` minutes after midnight of the test day, past midnight too."""
    return (datetime.fromisoformat(at("00:00")) + timedelta(minutes=minute)).isoformat()


@st.composite
def small_problems(draw: st.DrawFn, *, roomy: bool = False) -> Problem:
    """1-3 volunteers with one or two availability intervals, 3-9 requests a few hundred
    metres apart, windows of 0-90 minutes, some crews of two, shared residents and
    preferences, tight daily caps now and then. `roomy`: volunteers free from 7:00 for 6-8
    hours without binding caps and windows of up to 4 hours, so that routes are long and
    can be reordered (what or-opt, swaps and tail exchanges need). Half of the problems
    happen 14 hours later, so that shifts and windows span midnight (rule 7's days)."""
    shift = 14 * 60 if draw(st.booleans()) else 0
    n_v = draw(st.integers(1, 3))
    longest_window = 240 if roomy else 90
    vols = []
    for i in range(n_v):
        first = 7 * 60 if roomy else draw(st.integers(7 * 60, 9 * 60))
        length = draw(st.integers(360, 480) if roomy else st.integers(60, 240))
        hours = [f"{_stamp(shift + first)}/{_stamp(shift + first + length)}"]
        if draw(st.booleans()):
            later = first + (length if roomy else 0) + draw(st.integers(250, 330))
            length = draw(st.integers(30, 120))
            hours.append(f"{_stamp(shift + later)}/{_stamp(shift + later + length)}")
        extra: dict[str, Any] = {
            "availability": hours,
            "max_minutes_per_day": 600 if roomy else draw(st.sampled_from([90, 150, 240, 600])),
            "max_tasks_per_day": None if roomy else draw(st.sampled_from([None, 2, 3])),
            "max_walk_minutes": 30,
        }
        where = _place(draw(st.integers(-600, 600)), draw(st.integers(-600, 600)))
        vols.append(volunteer(f"V{i}", where=where, **extra))
    ids = [v.volunteer_id for v in vols]
    reqs = []
    for j in range(draw(st.integers(3, 9))):
        first = draw(st.integers(7 * 60, 13 * 60))
        last = first + draw(st.integers(0, longest_window))
        extra = {
            "priority": draw(st.integers(1, 5)),
            "volunteers_needed": 2 if n_v > 1 and draw(st.integers(0, 5)) == 0 else 1,
            "resident_id": draw(st.sampled_from([None, None, "A", "B"])),
            "preferred_volunteers": draw(st.lists(st.sampled_from(ids), max_size=1)),
        }
        where = _place(draw(st.integers(-800, 800)), draw(st.integers(-800, 800)))
        minutes = draw(st.sampled_from([15, 30, 45, 60]))
        extra |= {"earliest_start": _stamp(shift + first), "latest_start": _stamp(shift + last)}
        reqs.append(request(f"R{j}", where=where, minutes=minutes, **extra))
    return problem(vols, reqs)


@dataclass
class Case:
    problem: Problem
    inst: Instance
    cands: Candidates
    costs: Costs
    schedule: Schedule

    def context(self) -> RouteContext:
        return RouteContext(self.inst, self.cands, self.schedule, self.costs)


def prepare(p: Problem) -> Case:
    inst = build_instance(p)
    cands = find_candidates(inst)
    return Case(p, inst, cands, build_costs(inst, cands), greedy_schedule(inst, cands))


def assert_checked(case: Case) -> None:
    """The independent checker accepts the schedule."""
    solution = build_solution(
        case.inst, case.cands, case.schedule, upper_bound=10**9,
        strategy=Strategy.OPTIMISE, seconds=0.0,
    )  # fmt: skip
    report = check_solution(case.problem, solution)
    assert report.ok, "\n".join(str(v) for v in report.violations)


def lower_cost(case: Case) -> int:
    """The objective's lower levels over the whole schedule, summed from scratch."""
    cands, costs, schedule = case.cands, case.costs, case.schedule
    walk = {
        (int(r), int(v)): float(w)
        for r, v, w in zip(cands.pair_request, cands.vol, cands.walk, strict=True)
    }
    total = 0
    for r, (_, crew) in schedule.crews.items():
        resident = costs.resident_of[r]
        for v in crew:
            continues = resident is not None and any(
                y != r and costs.resident_of[y] == resident and v in schedule.crews[y][1]
                for y in schedule.crews
            )
            total += pair_cost(costs, r, v, walk[r, v], continues_care=continues)
    return total + sum(fairness_cost(costs, len(b)) for b in schedule.bookings)


def own_windows(case: Case, v: int) -> list[tuple[int, int, int]]:
    """(request, lo, hi) of v's visits in start order: crews of several stay where they
    are; a crew of one may move inside its availability interval, and inside its day
    unless v's daily caps could never refuse a service (minute cap at least all of v's
    available minutes, task cap at least v's candidate requests)."""
    inst, col = case.inst, case.inst.plain
    free = sum(col.a_end[k] - col.a_start[k] for k in range(col.a_ptr[v], col.a_ptr[v + 1]))
    by_day = col.v_max_minutes[v] < free or col.v_max_tasks[v] < int((case.cands.vol == v).sum())
    out = []
    for start, _, r in case.schedule.bookings[v]:
        if int(inst.r_crew[r]) > 1:
            out.append((r, start, start))
            continue
        for k in range(col.a_ptr[v], col.a_ptr[v + 1]):
            lo, hi = start_window(
                col.r_earliest[r], col.r_latest[r], col.r_duration[r],
                col.a_start[k], col.a_end[k],
            )  # fmt: skip
            if lo <= start <= hi:
                first, last = day_starts(service_day(start)) if by_day else (lo, hi)
                out.append((r, max(lo, first), min(hi, last)))
                break
        else:
            raise AssertionError("a booked visit outside every availability interval")
    return out


def brute_fits(case: Case, v: int, pos: int, r: int) -> bool:
    """Whether r can be inserted before v's visit `pos`: try every start minute of r's
    window and re-simulate the whole route around it (neighbours as late as they can
    before, as early as they can after)."""
    col, schedule = case.inst.plain, case.schedule
    visits = own_windows(case, v)
    d = col.r_duration[r]
    for s in range(col.r_earliest[r], col.r_latest[r] + 1):
        inside = any(
            lo <= s <= hi
            for k in range(col.a_ptr[v], col.a_ptr[v + 1])
            for lo, hi in [
                start_window(col.r_earliest[r], col.r_latest[r], d, col.a_start[k], col.a_end[k])
            ]
        )
        day = service_day(s)
        room = within_day_caps(
            schedule.day_minutes.get((v, day), 0), schedule.day_tasks.get((v, day), 0), d,
            col.v_max_minutes[v], col.v_max_tasks[v],
        )  # fmt: skip
        if not (inside and room):
            continue
        ok, nxt_start, nxt = True, s, r
        for q, lo, hi in reversed(visits[:pos]):
            latest = min(hi, nxt_start - schedule.travel(q, nxt) - col.r_duration[q])
            if latest < lo:
                ok = False
                break
            nxt_start, nxt = latest, q
        prev_end, prev = s + d, r
        for q, lo, hi in visits[pos:] if ok else []:
            earliest = max(lo, prev_end + schedule.travel(prev, q))
            if earliest > hi:
                ok = False
                break
            prev_end, prev = earliest + col.r_duration[q], q
        if ok:
            return True
    return False


@st.composite
def table_problems(draw: st.DrawFn, *, roomy: bool = False) -> Problem:
    """`small_problems` with a walking-time table of arbitrary minutes: walks that break the
    triangle inequality, where a neighbour's walk no longer implies the others', and some
    that differ by direction (a one-way gate)."""
    p = draw(small_problems(roomy=roomy))
    places = [v.volunteer_id for v in p.volunteers] + [r.request_id for r in p.requests]
    pairs = [
        (a, b)
        for i, a in enumerate(places)
        for b in places[i + 1 :]
        if not (a.startswith("V") and b.startswith("V"))
    ]
    rows = [
        WalkingTime(from_place=a, to_place=b, minutes=draw(st.integers(0, 40))) for a, b in pairs
    ]
    rows += [
        WalkingTime(from_place=b, to_place=a, minutes=draw(st.integers(0, 40)))
        for a, b in pairs
        if a.startswith("R") and draw(st.integers(0, 3)) == 0
    ]
    return p.model_copy(update={"walking_times": tuple(rows)})


def assert_pairwise(case: Case) -> None:
    """Every two visits of a volunteer are a walk apart (the solver's own invariant under a
    walking-time table), not only neighbours."""
    for booked in case.schedule.bookings:
        for i, (_, end, a) in enumerate(booked):
            for start, _, b in booked[i + 1 :]:
                assert start >= end + case.schedule.travel(a, b), (a, b)


def brute_starts(case: Case, v: int, visits: list[int], moved: set[int]) -> list[int] | None:
    """The earliest start of every visit of `visits`, in this order on v, found minute by
    minute, or None when they cannot all be timed: a visit of `moved` may start at any
    minute of its window inside one of v's availability intervals, the others inside their
    own windows (`own_windows`); then each day's load against the daily caps."""
    col, travel = case.inst.plain, case.schedule.travel
    own = {r: (lo, hi) for r, lo, hi in own_windows(case, v)}
    starts: list[int] = []
    for i, r in enumerate(visits):
        d = col.r_duration[r]
        ready = starts[-1] + col.r_duration[visits[i - 1]] + travel(visits[i - 1], r) if i else 0
        if r in moved:
            windows = [
                start_window(col.r_earliest[r], col.r_latest[r], d, col.a_start[k], col.a_end[k])
                for k in range(col.a_ptr[v], col.a_ptr[v + 1])
            ]
        else:
            windows = [own[r]]
        first, last = min(lo for lo, _ in windows), max(hi for _, hi in windows)
        start = next(
            (s for s in range(max(ready, first), last + 1) if any(a <= s <= b for a, b in windows)),
            None,
        )
        if start is None:
            return None
        starts.append(start)
    minutes: dict[int, int] = {}
    tasks: dict[int, int] = {}
    for r, s in zip(visits, starts, strict=True):
        minutes[service_day(s)] = minutes.get(service_day(s), 0) + col.r_duration[r]
        tasks[service_day(s)] = tasks.get(service_day(s), 0) + 1
    if any(m > col.v_max_minutes[v] for m in minutes.values()):
        return None
    if any(t > col.v_max_tasks[v] for t in tasks.values()):
        return None
    return starts


def rebooked(
    case: Case, routes: dict[int, list[int]], moved: frozenset[int] = frozenset()
) -> Case | None:
    """A copy of the case in which each volunteer of `routes` serves exactly those visits
    in that order, each at its earliest start (`brute_starts`: visits that change volunteer
    and those of `moved` anywhere in their windows), the other bookings kept; None when a
    route cannot be timed. Crews of several stay where they are."""
    held = {v: {r for _, _, r in case.schedule.bookings[v]} for v in routes}
    timed = {}
    for v, visits in routes.items():
        starts = brute_starts(case, v, visits, moved=(set(visits) - held[v]) | moved)
        if starts is None:
            return None
        timed[v] = starts
    schedule = case.schedule.extended(case.inst)
    alone = [r for v in routes for r in held[v] if case.inst.r_crew[r] == 1]
    for r in alone:
        schedule.unbook(r)
    for v, visits in routes.items():
        for r, start in zip(visits, timed[v], strict=True):
            if case.inst.r_crew[r] == 1:
                schedule.book(r, start, [v])
    return Case(case.problem, case.inst, case.cands, case.costs, schedule)


def objective(case: Case) -> tuple[int, int, int]:
    """(served weight, -lower levels, -minutes walked between consecutive visits) of the
    whole schedule, summed from scratch: what a move's `Gain` is a change of."""
    schedule = case.schedule
    walked = sum(
        schedule.travel(a, b)
        for booked in schedule.bookings
        for (_, _, a), (_, _, b) in pairwise(booked)
    )
    return served_weight(case.inst, schedule.crews), -lower_cost(case), -walked


def change(before: tuple[int, int, int], after: tuple[int, int, int]) -> tuple[int, int, int]:
    return (after[0] - before[0], after[1] - before[1], after[2] - before[2])


Alternative = tuple[dict[int, list[int]], frozenset[int]]
"""The new visits of each volunteer a change touches, and the visits it moves in place."""


def best_change(case: Case, alternatives: list[Alternative]) -> tuple[int, int, int]:
    """The best change of the whole objective among `alternatives` that can be timed;
    (0, 0, 0) when none improves."""
    now = objective(case)
    best = (0, 0, 0)
    for routes, moved in alternatives:
        other = rebooked(case, routes, moved)
        if other is not None:
            best = max(best, change(now, objective(other)))
    return best


def visits_of(case: Case, v: int) -> list[int]:
    return [r for _, _, r in case.schedule.bookings[v]]


Alternatives = Callable[[Case, RouteContext, int], list[Alternative]]


def assert_best_of_its_kind(case: Case, move: Move, alternatives: Alternatives) -> int:
    """For every request in turn: the move proposes exactly the best improving change that
    brute force finds among `alternatives(case, ctx, r)` (nothing when none improves), its
    gain is the change of the whole objective once applied, and the checker accepts the
    schedule after it. Returns how many proposals were applied."""
    ctx = case.context()
    applied = 0
    for r in range(case.inst.n_requests):
        best = best_change(case, alternatives(case, ctx, r))
        proposal = move.evaluate(ctx, r)
        if proposal is None:
            assert best == NOTHING, (r, best)
            continue
        assert proposal.gain > NOTHING
        assert proposal.gain == best, (r, proposal.gain, best)
        before = objective(case)
        move.apply(ctx, proposal)
        assert change(before, objective(case)) == proposal.gain
        assert_checked(case)
        applied += 1
    return applied


def scrambled(case: Case, data: st.DataObject) -> Case:
    """The greedy schedule with its crews of one booked again in a drawn order, each at a
    drawn feasible position of a drawn candidate volunteer (`Route.fit`, itself tested
    against brute force): a valid start with room for the moves that shorten routes."""
    ctx = case.context()
    alone = sorted(r for r in case.schedule.crews if case.inst.r_crew[r] == 1)
    for r in alone:
        ctx.unbook(r)
    for r in data.draw(st.permutations(alone)):
        options = []
        for v in ctx.volunteers_of(r):
            route = ctx.route(v)
            for pos in range(len(route) + 1):
                window = route.fit(pos, r, case.inst.plain.r_duration[r], ctx.segments(r, v))
                if window is not None:
                    options.append((route, pos, window))
        if options:
            route, pos, window = data.draw(st.sampled_from(options))
            ctx.book_route(ctx.with_visit(route, pos, r, window))
    return case
