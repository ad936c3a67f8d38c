"""Splitting a community into independent parts, and merging their plans back.

The promises: parts share no volunteer, no request and no candidate pair; a request no
volunteer could serve is explained as a run of the whole would; the merged plan is valid,
its bound is a bound, and it serves what a run of the whole community serves.
"""

from __future__ import annotations

import numpy as np
from cities import DAY
from factories import north, problem, request, volunteer
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import load_problem
from matcher._internal.check import check_solution
from matcher._internal.city.budget import MIN_PART_SECONDS, part_budgets
from matcher._internal.city.merge import combine
from matcher._internal.city.split import by_community, split_community
from matcher._internal.generate import generate_city
from matcher._internal.model import Problem, Status, Strategy
from matcher._internal.solver import solve
from matcher._internal.solver.core.candidates import find_candidates, linked_parts
from matcher._internal.solver.core.instance import build_instance


def _city(communities: int, volunteers: int, requests: int, seed: int, reach: int) -> Problem:
    """A generated city whose volunteers walk at most `reach` minutes: short reaches break
    a community into many connected parts."""
    vols, reqs = generate_city(communities, volunteers, requests, seed=seed, start=DAY)
    vols["max_walk_minutes"] = reach
    return load_problem(vols, reqs)


def _pairs(p: Problem) -> set[tuple[str, str]]:
    inst = build_instance(p)
    cands = find_candidates(inst)
    pairs = zip(cands.pair_request.tolist(), cands.vol.tolist(), strict=True)
    return {(inst.r_ids[r], inst.v_ids[v]) for r, v in pairs}


@given(
    communities=st.integers(1, 3),
    volunteers=st.integers(1, 40),
    requests=st.integers(1, 40),
    seed=st.integers(0, 10_000),
    reach=st.sampled_from([1, 2, 4, 15]),
    limit=st.sampled_from([1, 25, 20_000]),
)
@settings(max_examples=30, deadline=None)
def test_parts_share_no_volunteer_no_request_and_no_pair(
    communities: int, volunteers: int, requests: int, seed: int, reach: int, limit: int
) -> None:
    city = _city(communities, volunteers, requests, seed, reach)
    every_pair = _pairs(city)
    community_of = {v.volunteer_id: v.community for v in city.volunteers}
    community_of |= {r.request_id: r.community for r in city.requests}
    assert all(community_of[r] == community_of[v] for r, v in every_pair)  # rule 1
    for community, whole in by_community(city).items():
        split = split_community(whole, community, part_pairs=limit)
        vols = [{v.volunteer_id for v in p.problem.volunteers} for p in split.parts]
        reqs = [{r.request_id for r in p.problem.requests} for p in split.parts]
        assert sum(map(len, vols)) == len(set().union(*vols))  # no volunteer in two parts
        left = {u.request_id for u in split.left_out}
        assert sum(map(len, reqs)) + len(left) == len(whole.requests)
        assert set().union(*reqs, left) == {r.request_id for r in whole.requests}
        vol_part = {v: k for k, ids in enumerate(vols) for v in ids}
        req_part = {r: k for k, ids in enumerate(reqs) for r in ids}
        mine = _pairs(whole)
        assert all(req_part[r] == vol_part[v] for r, v in mine if r not in left)  # no crossing
        assert not any(r in left for r, _ in mine)  # left out: nobody could serve it
        for part in split.parts:
            assert part.problem.requests and part.community == community
            assert {x.community for x in (*part.problem.volunteers, *part.problem.requests)} == {
                community
            }
            assert part.pairs == len(_pairs(part.problem))
            if part.pairs > limit:  # grouped only up to the limit: a big part is one piece
                inst = build_instance(part.problem)
                cands = find_candidates(inst)
                every = np.ones(inst.n_requests, dtype=bool)
                assert linked_parts(cands, inst.n_volunteers, every).count == 1


def test_merged_parts_serve_what_the_whole_community_serves() -> None:
    whole = _city(1, 100, 150, seed=5, reach=6).with_settings(deterministic=True, time_limit_s=5)
    community = whole.requests[0].community
    split = split_community(whole, community, part_pairs=30)
    assert len(split.parts) >= 3 and split.left_out
    pieces = [solve(p.problem) for p in split.parts]
    merged = combine(
        pieces, requests=whole.requests, settings=whole.settings, strategy=Strategy.OPTIMISE,
        seconds=0.0, left_out=split.left_out,
    )  # fmt: skip
    alone = solve(whole)
    assert check_solution(whole, merged).ok
    m, a = merged.summary, alone.summary
    assert m.upper_bound == sum(p.summary.upper_bound for p in pieces)
    assert m.served_weight <= a.upper_bound and a.served_weight <= m.upper_bound
    assert m.status == Status.OPTIMAL and a.status == Status.OPTIMAL
    assert m.served_weight == a.served_weight
    assert m.requests_total == a.requests_total == len(whole.requests)
    by_id = {u.request_id: u for u in alone.unassigned}
    for u in split.left_out:  # explained against every volunteer, as in the whole run
        assert (u.reason, u.detail) == (by_id[u.request_id].reason, by_id[u.request_id].detail)
    for code, team in m.per_team.items():
        assert team.requests == a.per_team[code].requests
        assert team.served_weight <= a.per_team[code].upper_bound


def test_a_volunteer_serves_only_their_own_community() -> None:
    near = north(100)
    p = problem(
        [volunteer("V1", where=near, community="east"), volunteer("V2", community="west")],
        [request("R1", community="west"), request("R2", community="west", window="11:00-11:00")],
        time_limit_s=2,
    )
    assert _pairs(p) == {("R1", "V2"), ("R2", "V2")}
    solution = solve(p)
    assert {a.volunteer_id for a in solution.assignments} == {"V2"}
    crossing = solution.model_copy(update={"assignments": [
        a.model_copy(update={"volunteer_id": "V1"}) for a in solution.assignments
    ]})  # fmt: skip
    lines = [str(v) for v in check_solution(p, crossing).violations]
    assert any(line.startswith("R1 community") for line in lines), lines


def test_each_part_gets_a_share_of_the_time_by_its_size() -> None:
    budgets = part_budgets([100, 300, 600, 0], time_limit=60, slots=2)
    assert budgets[1] == 3 * budgets[0] and budgets[2] == 60  # capped at the time limit
    assert budgets[3] == MIN_PART_SECONDS
    assert sum(budgets[:3]) <= 2 * 60 + MIN_PART_SECONDS
    assert part_budgets([5], time_limit=60, slots=8) == [60]
