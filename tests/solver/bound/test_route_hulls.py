"""Route hulls in the bound: every feasible day route is found, and the hull tightens the
relaxation exactly where whole tasks, walks and windows bind."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from factories import north, problem, request, volunteer

import matcher
from matcher._internal.generate import generate_community
from matcher._internal.model import Settings
from matcher._internal.solver.bound.relaxation import lp_bound
from matcher._internal.solver.bound.route_hulls import day_routes
from matcher._internal.solver.core.candidates import find_candidates
from matcher._internal.solver.core.instance import DAY_KEY, Instance, build_instance
from matcher._internal.solver.core.schedule import Schedule


def _every_route(inst: Instance, requests: list[int], v: int) -> set[frozenset[int]]:
    """Independent enumeration: depth-first over task orders, with the schedule's own
    start ranges and walks, keeping the sets that fit both daily caps."""
    schedule = Schedule(inst)
    ranges = {r: schedule.feasible_starts(v, r) for r in requests}
    minutes_cap = int(inst.day_capacity(np.array([v * DAY_KEY]))[0])
    tasks_cap = int(inst.v_max_tasks[v])
    found: set[frozenset[int]] = set()

    def extend(order: list[int], free_at: int, minutes: int) -> None:
        if order:
            found.add(frozenset(order))
        if len(order) >= tasks_cap:
            return
        for r in requests:
            d = int(inst.r_duration[r])
            if r in order or minutes + d > minutes_cap:
                continue
            ready = free_at + (schedule.travel(order[-1], r) if order else 0)
            starts = [max(ready, lo) for lo, hi in ranges[r] if max(ready, lo) <= hi]
            if starts:
                extend([*order, r], min(starts) + d, minutes + d)

    extend([], -(10**9), 0)
    return found


@pytest.mark.parametrize("seed", range(3))
def test_day_routes_are_exactly_the_feasible_task_sets(seed: int) -> None:
    vols, reqs = generate_community(60, 150, days=1, seed=seed, start=date(2026, 12, 1))
    inst = build_instance(matcher.load_problem(vols, reqs, settings=Settings()))
    cands = find_candidates(inst)
    checked = 0
    for v in range(inst.n_volunteers):
        requests = [int(r) for r in cands.pair_request[cands.vol == v]]
        if not 2 <= len(requests) <= 12:
            continue
        members = day_routes(inst, np.array(requests), v * DAY_KEY, limit=10**6)
        assert members is not None
        got = {frozenset(requests[i] for i in np.flatnonzero(row)) for row in members}
        assert len(got) == len(members)  # no set twice
        assert got == _every_route(inst, requests, v)
        checked += 1
    assert checked >= 5


def test_a_day_with_more_routes_than_the_limit_is_left_out() -> None:
    vols, reqs = generate_community(60, 150, days=1, seed=0, start=date(2026, 12, 1))
    inst = build_instance(matcher.load_problem(vols, reqs, settings=Settings()))
    cands = find_candidates(inst)
    v = int(np.argmax(np.bincount(cands.vol, minlength=inst.n_volunteers)))
    requests = cands.pair_request[cands.vol == v]
    every = day_routes(inst, requests, v * DAY_KEY, limit=10**6)
    assert every is not None and len(every) > 3
    assert day_routes(inst, requests, v * DAY_KEY, limit=len(every) - 1) is None
    assert day_routes(inst, requests, v * DAY_KEY, limit=len(every)) is not None


def _bound(p: matcher.Problem, *, hulls: bool = True) -> int:
    """The relaxation's bound; without hulls, given a deadline already passed: the search
    for route hulls gets a share of the time left, none."""
    inst = build_instance(p)
    return lp_bound(inst, find_candidates(inst), deadline=None if hulls else 0.0).total


def test_hull_stops_the_relaxation_filling_minutes_with_parts_of_tasks() -> None:
    """150 free minutes hold one 80-minute visit, not 1.875 of them."""
    p = problem(
        [volunteer("v", hours="08:00-10:30")],
        [request(f"r{i}", window="08:00-12:00", minutes=80) for i in range(3)],
    )
    one = _bound(p)
    assert _bound(p, hulls=False) > one  # the plain rows allow more: the hull made the difference
    weights = build_instance(p).r_weight
    assert one == int(weights[0]) == int(weights.max())


def test_hull_counts_the_walk_between_two_tasks() -> None:
    """Two fixed-time visits 5 minutes apart, 800 m apart: one volunteer can do only one."""
    p = problem(
        [volunteer("v", where=north(400), hours="08:00-12:00")],
        [
            request("a", where=north(0), window="09:00-09:00", minutes=60),
            request("b", where=north(800), window="10:05-10:05", minutes=60),
        ],
    )
    weight = int(build_instance(p).r_weight[0])
    assert _bound(p) == weight
    assert _bound(p, hulls=False) == 2 * weight
