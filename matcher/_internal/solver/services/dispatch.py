"""Urgent dispatch: a one-click call gets the best crew at once.

A free eligible volunteer nearest to the caller if there is one; otherwise volunteers are
taken from lower-priority work near the call's time, and each request they leave is re-homed
with someone else where possible. The day's instance and candidate pairs are cached per
problem, so an urgent call costs one request's candidates and a few bookings, not a re-plan.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

import numpy as np

from matcher._internal.model import Change, ChangeKind, Problem, Request, Solution, Strategy
from matcher._internal.solver.construct.greedy import find_crew
from matcher._internal.solver.core.candidates import Candidates, find_candidates, with_request
from matcher._internal.solver.core.instance import Instance, build_instance, extend_instance
from matcher._internal.solver.core.schedule import Schedule, contains
from matcher._internal.solver.prepared import Prepared, prepare
from matcher._internal.solver.report.result import build_solution

_CACHE: OrderedDict[int, tuple[Problem, Prepared]] = OrderedDict()
_SCHEDULES: OrderedDict[int, tuple[Solution, Schedule]] = OrderedDict()
"""The schedule behind each recent answer: the next batch on that answer starts from a copy
instead of booking thousands of assignments again."""
_CACHE_SIZE = 4
_LOCK = threading.Lock()
BUMP_MARGIN = 30  # minutes around the call's window in which other work is in the way
BUMP_CANDIDATES = 20


def prepared_once(problem: Problem) -> Prepared:
    """`prepare(problem)`, computed once and kept for a few problems."""
    with _LOCK:
        hit = _CACHE.get(id(problem))
        if hit is not None and hit[0] is problem:
            _CACHE.move_to_end(id(problem))
            return hit[1]
    ready = prepare(problem)
    with _LOCK:
        _CACHE[id(problem)] = (problem, ready)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return ready


def dispatch_urgent(problem: Problem, solution: Solution, request: Request) -> Solution:
    """`solution` with `request` served at once if anyone can, bumping lower priorities."""
    return dispatch_calls(problem, solution, [request])[1]


def dispatch_calls(
    problem: Problem, solution: Solution, calls: list[Request]
) -> tuple[Problem, Solution]:
    """Dispatch urgent calls one after another, in the order given, onto `solution`; return
    the day's problem with the calls in it, and the new plan whose `changes` say what each
    call did. A service answers the calls that queued up while it was busy in one go: the
    day is rebuilt once, and the rows of requests no call touched are kept as they were
    (their reasons included). The returned problem is cached with its instance and
    candidates, so the next batch pays for its calls' candidates only."""
    began = time.perf_counter()
    base = prepared_once(problem)
    base_inst, base_cands = base.instance, base.candidates
    new_ids = {c.request_id for c in calls}
    others = tuple(q for q in problem.requests if q.request_id not in new_ids)
    day = problem.model_copy(update={"requests": (*others, *calls)})
    first_new = len(others)
    extended = extend_instance(base_inst, day, first_new)
    inst = extended or build_instance(day)
    same_grid = extended is not None or (
        len(others) == len(problem.requests)
        and inst.origin == base_inst.origin
        and inst.skill_names == base_inst.skill_names
    )
    if same_grid:
        cands = base_cands
        extra = find_candidates(inst, only=np.arange(first_new, inst.n_requests))
        for r in range(first_new, inst.n_requests):
            cands = with_request(cands, extra, r)
    else:
        cands = find_candidates(inst)
    if extended is not None:
        schedule = booked_schedule(inst, solution, base_inst)
    else:
        schedule = Schedule(inst)
        _book(inst, schedule, solution)
    changes: list[Change] = []
    touched: set[int] = set()
    for r in range(first_new, inst.n_requests):
        bumped = dispatch_one(inst, cands, schedule, r)
        changes += _changes(inst, schedule, r, bumped)
        touched |= {r, *(j for j, _ in bumped)}
    served_before = solution.summary.served_weight
    bound = solution.summary.upper_bound + int(inst.r_weight[first_new:].sum())
    result = build_solution(
        inst, cands, schedule, upper_bound=max(bound, served_before), strategy=Strategy.DISPATCH,
        seconds=time.perf_counter() - began,
        unchanged_from=(solution, {inst.r_ids[r] for r in touched}) if same_grid else None,
    )  # fmt: skip
    answer = result.model_copy(update={"changes": changes})
    remember(day, Prepared(inst, cands), answer, schedule)
    return day, answer


def booked_schedule(inst: Instance, solution: Solution, base: Instance) -> Schedule:
    """A schedule of `inst` (which is `base`, or `base` with requests appended) holding
    `solution`: a copy of the one the last answer left when `solution` is that answer on
    `base`, else booked afresh."""
    with _LOCK:
        booked = _SCHEDULES.get(id(solution))
    if booked is not None and booked[0] is solution and booked[1].inst is base:
        return booked[1].extended(inst)  # the plan as the last answer left it
    schedule = Schedule(inst)
    _book(inst, schedule, solution)
    return schedule


def remember(day: Problem, prepared: Prepared, answer: Solution, schedule: Schedule) -> None:
    """Keep an answer's day (with its instance and candidates) and schedule, so the next
    change on top of it pays only for itself."""
    with _LOCK:
        _CACHE[id(day)] = (day, prepared)
        _SCHEDULES[id(answer)] = (answer, schedule)
        for cache in (_CACHE, _SCHEDULES):
            while len(cache) > _CACHE_SIZE:
                cache.popitem(last=False)


def dispatch_one(
    inst: Instance, cands: Candidates, schedule: Schedule, r: int,
    keep: frozenset[int] = frozenset(),
) -> list[tuple[int, tuple[int, list[int]]]]:  # fmt: skip
    """Serve request `r` if anyone can: a free crew, else one freed from lower-priority
    work (never from the requests in `keep`), whose requests are put back or re-homed
    where possible. Returns what was bumped."""
    bumped: list[tuple[int, tuple[int, list[int]]]] = []
    found = find_crew(schedule, cands, r)
    if found is None:
        found, bumped = _bump(inst, cands, schedule, r, keep)
    if found is not None:
        schedule.book(r, *found)
    # Put back what the call did not need after all, then re-home the rest.
    still_out = []
    for j, (start, crew) in bumped:
        if all(contains(schedule.feasible_starts(v, j), start) for v in crew):
            schedule.book(j, start, crew)
        else:
            still_out.append((j, (start, crew)))
    for j, _ in still_out:
        rehomed = find_crew(schedule, cands, j)
        if rehomed is not None:
            schedule.book(j, *rehomed)
    return still_out


def _book(inst: Instance, schedule: Schedule, solution: Solution) -> None:
    """Book the published plan as it is (it was valid for the same volunteers)."""
    r_index = {rid: i for i, rid in enumerate(inst.r_ids)}
    v_index = {vid: i for i, vid in enumerate(inst.v_ids)}
    for rid, crew in solution.crews().items():
        members = [v_index[a.volunteer_id] for a in crew if a.volunteer_id in v_index]
        if rid in r_index and members:
            start = round((crew[0].start - inst.origin).total_seconds() / 60)
            schedule.book(r_index[rid], start, members)


def _bump(
    inst: Instance, cands: Candidates, schedule: Schedule, r: int, keep: frozenset[int]
) -> tuple[tuple[int, list[int]] | None, list[tuple[int, tuple[int, list[int]]]]]:
    """Free the nearest candidates from lower-priority work until a crew fits."""
    lo = int(inst.r_earliest[r]) - BUMP_MARGIN
    hi = int(inst.r_latest[r] + inst.r_duration[r]) + BUMP_MARGIN
    weight = int(inst.r_weight[r])
    blockers: dict[int, tuple[int, list[int]]] = {}
    for v in cands.vol[cands.of(r)][:BUMP_CANDIDATES]:
        in_way = [j for s, e, j in schedule.bookings[int(v)] if e > lo and s < hi]
        if any(int(inst.r_weight[j]) >= weight or j in keep for j in in_way):
            continue  # never bump work that matters as much, nor work to keep
        fresh = [j for j in in_way if j not in blockers]
        for j in fresh:
            blockers[j] = schedule.crews[j]
            schedule.unbook(j)
        found = find_crew(schedule, cands, r)
        if found is not None:
            return found, list(blockers.items())
    for j, (start, crew) in blockers.items():
        schedule.book(j, start, crew)
    return None, []


def _changes(
    inst: Instance, schedule: Schedule, r: int, bumped: list[tuple[int, tuple[int, list[int]]]]
) -> list[Change]:
    changes = []
    if r in schedule.crews:
        after = inst.describe(*schedule.crews[r])
        changes.append(Change(request_id=inst.r_ids[r], kind=ChangeKind.ADDED, after=after,
                              reason="urgent call"))  # fmt: skip
    return changes + bumped_changes(inst, schedule, bumped, f"for urgent call {inst.r_ids[r]}")


def bumped_changes(
    inst: Instance, schedule: Schedule, bumped: list[tuple[int, tuple[int, list[int]]]],
    taken: str,
) -> list[Change]:  # fmt: skip
    """What happened to each request whose crew was taken (`taken`: for what): re-homed
    in `schedule`, or left unserved."""
    changes = []
    for j, (start, crew) in bumped:
        before = inst.describe(start, crew)
        if j in schedule.crews:
            changes.append(Change(
                request_id=inst.r_ids[j], kind=ChangeKind.MOVED, before=before,
                after=inst.describe(*schedule.crews[j]), reason=f"crew taken {taken}; re-homed",
            ))  # fmt: skip
        else:
            changes.append(Change(
                request_id=inst.r_ids[j], kind=ChangeKind.REMOVED, before=before,
                reason=f"crew taken {taken}; nobody else could take it",
            ))  # fmt: skip
    return changes
