"""The linear relaxation (`bound.relaxation`) and the Lagrangian bound (`bound.lagrangian`):
never below a proven optimum, pricing pairs in reaches the relaxation over all pairs, and
any multipliers give a valid bound."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from factories import assert_valid, north, problem, request, volunteer

import matcher
from matcher._internal.generate import generate_community
from matcher._internal.model import Problem, Settings
from matcher._internal.solver import solve
from matcher._internal.solver.bound.lagrangian import lagrangian_bound
from matcher._internal.solver.bound.relaxation import NEAREST_PAIRS, lp_bound, request_prices
from matcher._internal.solver.core.candidates import find_candidates
from matcher._internal.solver.core.instance import build_instance


def _community(volunteers: int, requests: int, seed: int, **settings: object) -> Problem:
    vols, reqs = generate_community(
        volunteers, requests, days=1, seed=seed, start=date(2026, 12, 1)
    )
    return matcher.load_problem(vols, reqs, settings=Settings(**settings))  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(6))
def test_lp_bound_is_never_below_a_proven_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    vols = [
        volunteer(
            f"v{i}",
            where=north(float(rng.uniform(0, 500))),
            hours=str(rng.choice(["08:00-12:00", "09:00-11:00", "10:00-13:00"])),
            max_minutes_per_day=int(rng.choice([60, 120, 240])),
        )
        for i in range(5)
    ]
    reqs = [
        request(
            f"r{i}",
            where=north(float(rng.uniform(0, 500))),
            window=str(rng.choice(["08:00-10:00", "09:00-09:00", "10:00-12:00"])),
            minutes=int(rng.choice([30, 45, 60, 90])),
            volunteers_needed=int(rng.choice([1, 1, 2])),
            priority=int(rng.integers(1, 6)),
        )
        for i in range(10)
    ]
    p = problem(vols, reqs, time_limit_s=20)
    s = solve(p)
    assert_valid(p, s)
    assert s.summary.status == "optimal"
    inst = build_instance(p)
    cands = find_candidates(inst)
    assert lp_bound(inst, cands).total >= s.summary.served_weight
    # The bound large instances get (above FULL_LP_PAIRS pairs: the Lagrangian bound at the
    # multipliers pricing finds) holds as well.
    servable = cands.servable(inst.r_crew)
    prices = request_prices(inst, cands, servable)
    assert lagrangian_bound(inst, cands, prices, servable) >= s.summary.served_weight - 1e-6


def test_pricing_pairs_in_reaches_the_relaxation_over_all_pairs() -> None:
    """Thirty one-hour visits at one place and time, twenty volunteers free for that hour
    at growing distances. Every request's nearest pairs (`NEAREST_PAIRS`, twelve) lead to
    the same twelve volunteers, so the relaxation over them serves twelve visits: pricing
    must add the farther volunteers' pairs until the Lagrangian bound equals the relaxation
    over every pair, twenty visits (the thirteen of priority 5 and seven of priority 3)."""
    priorities = [5] * 13 + [3] * 10 + [1] * 7
    p = problem(
        [
            volunteer(f"v{i:02}", where=north(20.0 * (i + 1)), hours="09:00-10:00")
            for i in range(20)
        ],
        [request(f"r{j:02}", minutes=60, priority=pr) for j, pr in enumerate(priorities)],
    )
    inst = build_instance(p)
    cands = find_candidates(inst)
    servable = cands.servable(inst.r_crew)
    assert servable.all() and cands.n_pairs == 30 * 20 and NEAREST_PAIRS == 12
    weight = dict(zip(priorities, inst.r_weight.tolist(), strict=True))
    exact = 13 * weight[5] + 7 * weight[3]  # each volunteer serves one visit, the best ones
    # At the starting multipliers (each request's weight) every volunteer takes a visit of
    # priority 5: the bound is loose until pricing has moved them.
    start = inst.r_weight / inst.r_crew
    assert lagrangian_bound(inst, cands, start, servable) == 20 * weight[5] > exact
    priced = lagrangian_bound(inst, cands, request_prices(inst, cands, servable), servable)
    assert exact - 1e-6 <= priced <= exact + 0.5
    assert lp_bound(inst, cands).total == exact


# Seeds 1 and 2 are not proven optimal, so their solves run the whole 20 s limit.
@pytest.mark.parametrize(
    "seed", [0, pytest.param(1, marks=pytest.mark.slow), pytest.param(2, marks=pytest.mark.slow), 3]
)
def test_lagrangian_bound_holds_for_any_prices(seed: int) -> None:
    """The Lagrangian bound is valid whatever the multipliers: try random ones."""
    p = _community(40, 60, seed=seed, time_limit_s=20)
    s = solve(p)
    assert_valid(p, s)
    inst = build_instance(p)
    cands = find_candidates(inst)
    servable = cands.servable(inst.r_crew)
    rng = np.random.default_rng(seed)
    for _ in range(5):
        prices = rng.uniform(-2, 20, inst.n_requests)
        assert lagrangian_bound(inst, cands, prices, servable) >= s.summary.served_weight - 1e-9
