"""Urgent dispatch: a one-click call gets the best crew at once.

A free eligible volunteer nearest to the caller if there is one; otherwise volunteers are
taken from lower-priority work near the call's time, and each request they leave is re-homed
with someone else where possible. The day's instance and candidate pairs are cached per
problem, so an urgent call costs one request's candidates and a few bookings, not a re-plan.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, defaultdict

import numpy as np

from matcher._internal.model import Change, ChangeKind, Problem, Request, Solution, Strategy
from matcher._internal.solver.construct.greedy import find_crew
from matcher._internal.solver.core.candidates import Candidates, find_candidates, with_request
from matcher._internal.solver.core.instance import Instance, build_instance
from matcher._internal.solver.core.schedule import Schedule, contains
from matcher._internal.solver.report.result import build_solution

_CACHE: OrderedDict[int, tuple[Problem, Instance, Candidates]] = OrderedDict()
_CACHE_SIZE = 4
_LOCK = threading.Lock()
BUMP_MARGIN = 30  # minutes around the call's window in which other work is in the way
BUMP_CANDIDATES = 20


def prepared(problem: Problem) -> tuple[Instance, Candidates]:
    """The problem's instance and candidates, computed once and kept for a few problems."""
    with _LOCK:
        hit = _CACHE.get(id(problem))
        if hit is not None and hit[0] is problem:
            _CACHE.move_to_end(id(problem))
            return hit[1], hit[2]
    inst = build_instance(problem)
    cands = find_candidates(inst)
    with _LOCK:
        _CACHE[id(problem)] = (problem, inst, cands)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return inst, cands


def dispatch_urgent(problem: Problem, solution: Solution, request: Request) -> Solution:
    """`solution` with `request` served at once if anyone can, bumping lower priorities."""
    return dispatch_into(problem, solution, request)[1]


def dispatch_into(
    problem: Problem, solution: Solution, request: Request
) -> tuple[Problem, Solution]:
    """`dispatch_urgent`, also returning the day's problem with the call in it. That problem
    is cached with its instance and candidates, so a service answering call after call on
    the same day pays for one request's candidates per call, not the whole day's."""
    began = time.perf_counter()
    base_inst, base_cands = prepared(problem)
    others = tuple(q for q in problem.requests if q.request_id != request.request_id)
    day = problem.model_copy(update={"requests": (*others, request)})
    inst = build_instance(day)
    r = inst.n_requests - 1
    same_grid = (
        len(others) == len(problem.requests)
        and inst.origin == base_inst.origin
        and inst.skill_names == base_inst.skill_names
    )
    if same_grid:
        cands = with_request(base_cands, find_candidates(inst, only=np.array([r])), r)
    else:
        cands = find_candidates(inst)
    schedule = Schedule(inst)
    _book(inst, schedule, solution)
    bumped: list[tuple[int, tuple[int, list[int]]]] = []
    found = find_crew(schedule, cands, r)
    if found is None:
        found, bumped = _bump(inst, cands, schedule, r)
    if found is not None:
        schedule.book(r, *found)
    # Put back what the call did not need after all, then re-home the rest.
    still_out = []
    for j, (start, crew) in bumped:
        if all(contains(schedule.feasible_starts(v, j), start) for v in crew):
            schedule.book(j, start, crew)
        else:
            still_out.append((j, (start, crew)))
    bumped = still_out
    for j, _ in bumped:
        rehomed = find_crew(schedule, cands, j)
        if rehomed is not None:
            schedule.book(j, *rehomed)
    served_before = solution.summary.served_weight
    bound = solution.summary.upper_bound + int(inst.r_weight[r])
    result = build_solution(
        inst, cands, schedule, upper_bound=max(bound, served_before), strategy=Strategy.DISPATCH,
        seconds=time.perf_counter() - began,
    )  # fmt: skip
    with _LOCK:
        _CACHE[id(day)] = (day, inst, cands)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return day, result.model_copy(update={"changes": _changes(inst, schedule, r, bumped)})


def _book(inst: Instance, schedule: Schedule, solution: Solution) -> None:
    """Book the published plan as it is (it was valid for the same volunteers)."""
    r_index = {rid: i for i, rid in enumerate(inst.r_ids)}
    v_index = {vid: i for i, vid in enumerate(inst.v_ids)}
    crews: defaultdict[str, list[int]] = defaultdict(list)
    starts = {}
    for a in solution.assignments:
        if a.request_id in r_index and a.volunteer_id in v_index:
            crews[a.request_id].append(v_index[a.volunteer_id])
            starts[a.request_id] = round((a.start - inst.origin).total_seconds() / 60)
    for rid, crew in crews.items():
        schedule.book(r_index[rid], starts[rid], crew)


def _bump(
    inst: Instance, cands: Candidates, schedule: Schedule, r: int
) -> tuple[tuple[int, list[int]] | None, list[tuple[int, tuple[int, list[int]]]]]:
    """Free the nearest candidates from lower-priority work until a crew fits."""
    lo = int(inst.r_earliest[r]) - BUMP_MARGIN
    hi = int(inst.r_latest[r] + inst.r_duration[r]) + BUMP_MARGIN
    weight = int(inst.r_weight[r])
    blockers: dict[int, tuple[int, list[int]]] = {}
    for v in cands.vol[cands.of(r)][:BUMP_CANDIDATES]:
        in_way = [j for s, e, j in schedule.bookings[int(v)] if e > lo and s < hi]
        if any(int(inst.r_weight[j]) >= weight for j in in_way):
            continue  # never bump work that matters as much
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
    for j, before in bumped:
        if j in schedule.crews:
            changes.append(Change(
                request_id=inst.r_ids[j], kind=ChangeKind.MOVED, before=inst.describe(*before),
                after=inst.describe(*schedule.crews[j]),
                reason=f"crew taken for urgent call {inst.r_ids[r]}; re-homed",
            ))  # fmt: skip
        else:
            changes.append(Change(
                request_id=inst.r_ids[j], kind=ChangeKind.REMOVED, before=inst.describe(*before),
                reason=f"crew taken for urgent call {inst.r_ids[r]}; nobody else could take it",
            ))  # fmt: skip
    return changes
