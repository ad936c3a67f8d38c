"""Fallback on a declined offer: fill the declined place with as little disruption as can be.

A volunteer who declines (or lets an offer expire) leaves a hole in one request's crew. In
order of disruption, the hole is filled by

1. a standby the plan named for that request (in `standbys`, or in the plan's own
   `Solution.standbys`), free, eligible and in reach at its start;
2. any other free eligible volunteer at the same start (nearest first), the rest of the
   crew unchanged;
3. the request planned again as a whole, as an urgent call is (`dispatch._dispatch_one`):
   a fresh crew at any start, else volunteers taken from lower-priority work, which is
   re-homed where possible. Requests in `keep` (accepted offers) are never taken from.

The volunteer who declined is excluded from that request from then on (the returned problem
lists them in its `excluded_volunteers`), so no later plan offers it to them again. The
time of other requests' standbys is held while filling, so none is taken; the returned plan
keeps every standby of untouched requests (and the request's other standbys when one of
them took the place), and drops those of requests that moved.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from matcher._internal.model import Change, ChangeKind, Problem, Solution, Standby, Strategy
from matcher._internal.solver.construct.standbys import hold, release
from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance
from matcher._internal.solver.core.schedule import Schedule, contains
from matcher._internal.solver.prepared import Prepared
from matcher._internal.solver.report.result import build_solution
from matcher._internal.solver.services import dispatch


@dataclass(frozen=True)
class Fallback:
    """What a decline did: the new day and plan, and how the hole was filled."""

    problem: Problem
    solution: Solution
    filled_by: str
    """`standby`, `same_time` (another volunteer at the same start), `replanned` (the
    request planned again as a whole) or `unserved` (nobody could take it)."""


def fill_declined(
    problem: Problem,
    solution: Solution,
    request_id: str,
    volunteer_id: str,
    *,
    standbys: Sequence[str] = (),
    keep: Iterable[str] = (),
    why: str = "declined",
) -> Fallback:
    """`solution` without `volunteer_id` on `request_id`'s crew, the place filled as the
    module says. `standbys` are the volunteers the plan holds for that request, in order of
    preference; `keep` request ids are never taken from to make room; `why` names the
    answer (declined, expired) in the changes."""
    began = time.perf_counter()
    day = _without_pair(problem, request_id, volunteer_id)
    base = dispatch.prepared_once(problem)
    inst = base.instance
    r = inst.r_ids.index(request_id)
    v = inst.v_ids.index(volunteer_id)
    cands = _drop_pair(base.candidates, r, v)
    schedule = dispatch.booked_schedule(inst, solution, inst)
    if r not in schedule.crews or v not in schedule.crews[r][1]:
        raise ValueError(f"{volunteer_id} is not on the crew of {request_id} in this plan")
    start, crew = schedule.crews[r]
    before = inst.describe(start, crew)
    rest = [member for member in crew if member != v]
    schedule.unbook(r)
    v_index = {vid: i for i, vid in enumerate(inst.v_ids)}
    held = _hold_others(inst, schedule, solution.standbys, request_id)
    own = [s.volunteer_id for s in solution.standbys if s.request_id == request_id]
    standby_ids = [v_index[s] for s in dict.fromkeys([*standbys, *own]) if s in v_index]
    bumped: list[tuple[int, tuple[int, list[int]]]] = []
    filled_by = "unserved"
    stand_in = _same_time(schedule, cands, r, start, rest, standby_ids)
    if stand_in is not None:
        filled_by = "standby"
    else:
        stand_in = _same_time(schedule, cands, r, start, rest, list(cands.vol[cands.of(r)]))
        if stand_in is not None:
            filled_by = "same_time"
    if stand_in is not None:
        schedule.book(r, start, [*rest, stand_in])
    else:
        kept = {i for i, rid in enumerate(inst.r_ids) if rid in set(keep)}
        bumped = dispatch.dispatch_one(inst, cands, schedule, r, keep=frozenset(kept))
        if r in schedule.crews:
            filled_by = "replanned"
    reason = f"{volunteer_id} {why}"
    changes = _changes(inst, schedule, r, before, bumped, reason)
    touched = {request_id, *(inst.r_ids[j] for j, _ in bumped)}
    result = build_solution(
        inst, cands, schedule, strategy=Strategy.DISPATCH, seconds=time.perf_counter() - began,
        upper_bound=max(solution.summary.upper_bound, solution.summary.served_weight),
        unchanged_from=(solution, touched),
    )  # fmt: skip
    for hr, hv, hs in held:
        release(schedule, hr, hv, hs)
    used = inst.v_ids[stand_in] if filled_by == "standby" and stand_in is not None else None
    still = [s for s in solution.standbys if s.request_id not in touched]
    if used is not None:  # the request's other standbys still hold at its unchanged start
        still += [s for s in solution.standbys
                  if s.request_id == request_id and s.volunteer_id != used]  # fmt: skip
    answer = result.model_copy(update={"changes": changes, "standbys": still})
    dispatch.remember(day, Prepared(inst, cands), answer, schedule)
    return Fallback(day, answer, filled_by)


def _hold_others(
    inst: Instance, schedule: Schedule, standbys: Sequence[Standby], request_id: str
) -> list[tuple[int, int, int]]:
    """Hold the time of every standby of other requests, so no replacement takes it;
    the holds, to release once the fill is done."""
    r_index = {rid: i for i, rid in enumerate(inst.r_ids)}
    v_index = {vid: i for i, vid in enumerate(inst.v_ids)}
    held = []
    for s in standbys:
        if s.request_id == request_id or s.request_id not in r_index:
            continue
        if s.volunteer_id not in v_index:
            continue
        minute = round((s.start - inst.origin).total_seconds() / 60)
        held.append((r_index[s.request_id], v_index[s.volunteer_id], minute))
        hold(schedule, *held[-1])
    return held


def _without_pair(problem: Problem, request_id: str, volunteer_id: str) -> Problem:
    """The day with the volunteer excluded from the request (the request keeps its place)."""
    requests = []
    for request in problem.requests:
        if request.request_id == request_id and volunteer_id not in request.excluded_volunteers:
            excluded = [*request.excluded_volunteers, volunteer_id]
            request = request.model_copy(update={"excluded_volunteers": excluded})
        requests.append(request)
    return problem.model_copy(update={"requests": tuple(requests)})


def _drop_pair(cands: Candidates, r: int, v: int) -> Candidates:
    """The candidates without the pair (r, v): what `find_candidates` gives once v is
    excluded from r (the per-stage counts are those of the day; they only explain)."""
    span = cands.of(r)
    hits = np.flatnonzero(cands.vol[span] == v)
    if not len(hits):
        return cands
    position = span.start + int(hits[0])
    indptr = cands.indptr.copy()
    indptr[r + 1 :] -= 1
    return Candidates(
        indptr=indptr, vol=np.delete(cands.vol, position), walk=np.delete(cands.walk, position),
        speaks=np.delete(cands.speaks, position), n_skilled=cands.n_skilled,
        n_in_reach=cands.n_in_reach, n_available=cands.n_available, n_speakers=cands.n_speakers,
        needs_language=cands.needs_language, nearest_skilled=cands.nearest_skilled,
        nearest_skilled_walk=cands.nearest_skilled_walk,
    )  # fmt: skip


def _same_time(
    schedule: Schedule, cands: Candidates, r: int, start: int, rest: list[int],
    choices: Iterable[int],
) -> int | None:  # fmt: skip
    """The first of `choices` who is a candidate of r (eligible, in reach) and free at
    `start`, and with whom the crew still has a speaker of the request's language."""
    span = cands.of(r)
    speaks = dict(zip(cands.vol[span].tolist(), cands.speaks[span].tolist(), strict=True))
    crew_speaks = any(speaks.get(member, False) for member in rest)
    for choice in choices:
        u = int(choice)
        if u not in speaks or u in rest:
            continue
        if cands.needs_language[r] and not crew_speaks and not speaks[u]:
            continue
        if contains(schedule.feasible_starts(u, r), start):
            return u
    return None


def _changes(
    inst: Instance, schedule: Schedule, r: int, before: str,
    bumped: list[tuple[int, tuple[int, list[int]]]], reason: str,
) -> list[Change]:  # fmt: skip
    rid = inst.r_ids[r]
    if r in schedule.crews:
        changes = [Change(request_id=rid, kind=ChangeKind.MOVED, before=before,
                          after=inst.describe(*schedule.crews[r]), reason=reason)]  # fmt: skip
    else:
        changes = [Change(request_id=rid, kind=ChangeKind.REMOVED, before=before,
                          reason=f"{reason}; nobody else could take it")]  # fmt: skip
    return changes + dispatch.bumped_changes(inst, schedule, bumped, f"to fill {rid} ({reason})")
