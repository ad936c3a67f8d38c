"""A neighbourhood: the part of the schedule one CP-SAT call may rearrange.

It is a set of volunteers and the requests they may (re)take inside a time window: requests
whose whole crew lies inside the set, and unserved requests with enough candidates inside
it. Everything else stays as it is, including the bookings that set's volunteers keep with
crews from outside. Volunteers and requests claimed by a neighbourhood being solved in
parallel are left out, so two neighbourhoods never touch the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance
from matcher._internal.solver.core.schedule import Schedule

NO_CLAIMS: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Neighbourhood:
    volunteers: frozenset[int]
    requests: tuple[int, ...]  # served ones whose crew lies inside, and unserved ones
    origin: str  # which generator made it, for logs


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
    claimed_volunteers: frozenset[int] = NO_CLAIMS,
    claimed_requests: frozenset[int] = NO_CLAIMS,
) -> Neighbourhood:
    """Grow outwards from one request: some of its nearest candidates, the requests those
    volunteers serve around that time, those requests' candidates, and so on. The seed gets
    a few of its nearest candidates; every other request gets one candidate per crew
    member, one who could take it over as it stands where there is one: moving it to them
    is what frees time for the seed, and one each reaches more of the requests in the way.
    Measured on the tight day (median of 3, 60 s, route model in use): 12,124 taking three
    per request, take-over candidates first; 12,156 taking one each."""
    window = (
        int(inst.r_earliest[seed_request]) - pad,
        int(inst.r_latest[seed_request] + inst.r_duration[seed_request]) + pad,
    )
    volunteers: set[int] = set()
    frontier = [seed_request]
    seen_requests = {seed_request}
    while frontier and len(volunteers) < max_volunteers:
        r = frontier.pop(0)
        span = cands.of(r)
        pool = [
            int(v) for v in cands.vol[span] if v not in volunteers and v not in claimed_volunteers
        ]
        crew = int(inst.r_crew[r])
        if r == seed_request:
            pool = _some_nearest(pool, max(crew + 1, 3), rng)
        else:
            # Volunteers who could take r over as it stands come first: they free its crew.
            free = [v for v in pool if schedule.feasible_starts(v, r)]
            others = [v for v in pool if v not in free]
            pool = _some_nearest(free, crew, rng)
            pool += _some_nearest(others, crew - len(pool), rng)
        for v in pool[: max_volunteers - len(volunteers)]:
            volunteers.add(v)
            for start, end, j in schedule.bookings[v]:
                if end > window[0] and start < window[1] and j not in seen_requests:
                    seen_requests.add(j)
                    frontier.append(j)
    return close_neighbourhood(
        inst, cands, schedule, volunteers, max_requests=max_requests, origin=origin,
        window=window, first=seed_request, claimed_requests=claimed_requests,
    )  # fmt: skip


def _some_nearest(pool: list[int], take: int, rng: np.random.Generator) -> list[int]:
    """`take` of the pool's nearest (pool is nearest first), with some randomness so
    repeated seeds explore."""
    if len(pool) <= take:
        return pool
    head = pool[: take * 3]
    picks = rng.choice(len(head), size=take, replace=False)
    return [head[i] for i in sorted(picks)]


def close_neighbourhood(
    inst: Instance,
    cands: Candidates,
    schedule: Schedule,
    volunteers: set[int],
    *,
    max_requests: int,
    origin: str,
    window: tuple[int, int] | None = None,
    first: int = -1,
    claimed_requests: frozenset[int] = NO_CLAIMS,
) -> Neighbourhood:
    """The requests the volunteer set may rearrange within the time window: served ones
    whose crew lies fully inside it, and unserved ones it could staff, `first` and then the
    most valuable first."""
    lo, hi = window if window is not None else (-(10**9), 10**9)
    served = {
        r
        for v in volunteers
        for start, end, r in schedule.bookings[v]
        if end > lo
        and start < hi
        and r not in claimed_requests
        and set(schedule.crews[r][1]) <= volunteers
    }
    vol_mask = np.zeros(inst.n_volunteers, dtype=bool)
    vol_mask[list(volunteers)] = True
    pair_r = cands.pair_request
    counts = np.bincount(pair_r[vol_mask[cands.vol]], minlength=inst.n_requests)
    in_window = (inst.r_latest + inst.r_duration > lo) & (inst.r_earliest < hi)
    open_ = [
        int(r)
        for r in np.flatnonzero((counts >= inst.r_crew) & in_window)
        if r not in schedule.crews and r not in claimed_requests
    ]
    open_.sort(key=lambda r: (r != first, -int(inst.r_weight[r]), r))
    open_ = open_[: max(0, max_requests - len(served))]
    return Neighbourhood(frozenset(volunteers), tuple(sorted(served | set(open_))), origin)


def whole_problem(
    inst: Instance,
    cands: Candidates,
    schedule: Schedule,
    claimed_requests: frozenset[int] = NO_CLAIMS,
) -> Neighbourhood:
    """Every volunteer with a candidate pair and every servable request: for small problems,
    one exact solve of this proves optimality outright."""
    volunteers = set(np.unique(cands.vol).tolist())
    # No cap on requests: a cap would cut some out (and the model would prove nothing).
    return close_neighbourhood(
        inst, cands, schedule, volunteers, max_requests=inst.n_requests, origin="whole",
        claimed_requests=claimed_requests,
    )  # fmt: skip
