"""A neighbourhood: the part of the schedule one CP-SAT call may rearrange.

It is a set of volunteers and the requests they may (re)take: requests whose whole crew lies
inside the set, and unserved requests with enough candidates inside it. Everything else stays
as it is, including the bookings that set's volunteers keep with crews from outside.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.solver.candidates import Candidates
from matcher.solver.instance import Instance
from matcher.solver.schedule import Schedule


@dataclass(frozen=True)
class Neighbourhood:
    volunteers: frozenset[int]
    requests: tuple[int, ...]  # served ones whose crew lies inside, and unserved ones
    origin: str  # which generator made it, for adaptive choice and logs


def grow_neighbourhood(
    inst: Instance,
    cands: Candidates,
    schedule: Schedule,
    seed_request: int,
    rng: np.random.Generator,
    *,
    max_volunteers: int,
    max_requests: int,
    origin: str,
    pad: int = 60,
) -> Neighbourhood:
    """Grow outwards from one request: its nearest candidates, the requests those volunteers
    serve around that time, those requests' candidates, and so on, until the size caps."""
    window_lo = int(inst.r_earliest[seed_request]) - pad
    window_hi = int(inst.r_latest[seed_request] + inst.r_duration[seed_request]) + pad
    volunteers: set[int] = set()
    frontier = [seed_request]
    seen_requests = {seed_request}
    while frontier and len(volunteers) < max_volunteers:
        r = frontier.pop(0)
        span = cands.of(r)
        pool = [int(v) for v in cands.vol[span] if int(v) not in volunteers]
        take = max(int(inst.r_crew[r]) + 1, 3)
        # Mostly nearest first, with some randomness so repeated seeds explore.
        if len(pool) > take:
            head = pool[: take * 3]
            picks = rng.choice(len(head), size=min(take, len(head)), replace=False)
            pool = [head[i] for i in sorted(picks)]
        for v in pool[: max_volunteers - len(volunteers)]:
            volunteers.add(v)
            for start, end, j in schedule.bookings[v]:
                if end > window_lo and start < window_hi and j not in seen_requests:
                    seen_requests.add(j)
                    frontier.append(j)
    return _close(
        inst,
        cands,
        schedule,
        volunteers,
        seed_request,
        max_requests,
        origin,
        (window_lo, window_hi),
    )


def _close(
    inst: Instance,
    cands: Candidates,
    schedule: Schedule,
    volunteers: set[int],
    seed_request: int,
    max_requests: int,
    origin: str,
    window: tuple[int, int] | None = None,
) -> Neighbourhood:
    """The requests the volunteer set may rearrange within the time window: served ones
    whose crew lies fully inside it, and unserved ones it could staff, most valuable first."""
    lo, hi = window if window is not None else (-(10**9), 10**9)
    served = {
        r
        for v in volunteers
        for start, end, r in schedule.bookings[v]
        if end > lo and start < hi and set(schedule.crews[r][1]) <= volunteers
    }
    vol_mask = np.zeros(inst.n_volunteers, dtype=bool)
    vol_mask[list(volunteers)] = True
    pair_r = np.repeat(np.arange(inst.n_requests), np.diff(cands.indptr))
    inside = vol_mask[cands.vol]
    counts = np.bincount(pair_r[inside], minlength=inst.n_requests)
    in_window = (inst.r_latest + inst.r_duration > lo) & (inst.r_earliest < hi)
    unserved = np.flatnonzero((counts >= inst.r_crew) & in_window)
    unserved = np.array([r for r in unserved if r not in schedule.crews], dtype=np.int64)
    room = max(0, max_requests - len(served))
    if len(unserved) > room:
        order = np.lexsort((unserved, -inst.r_weight[unserved]))
        first = [seed_request] if seed_request in set(unserved.tolist()) else []
        rest = [int(r) for r in unserved[order] if r != seed_request]
        unserved = np.array((first + rest)[:room], dtype=np.int64)
    requests = tuple(sorted(served | {int(r) for r in unserved}))
    return Neighbourhood(frozenset(volunteers), requests, origin)


def whole_problem(inst: Instance, cands: Candidates, schedule: Schedule) -> Neighbourhood:
    """Every volunteer with a candidate pair and every servable request: for small problems,
    one exact solve of this proves optimality outright."""
    volunteers = set(np.unique(cands.vol).tolist())
    servable = np.flatnonzero(cands.servable(inst.r_crew))
    return _close(
        inst,
        cands,
        schedule,
        volunteers,
        int(servable[0]) if len(servable) else -1,
        len(servable),
        "whole",
    )
