"""The linear relaxation (`bound.relaxation`) and the Lagrangian bound (`bound.lagrangian`):
never below a proven optimum, pricing pairs in reaches the relaxation over all pairs, and
any multipliers give a valid bound."""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

import numpy as np
import pytest
from factories import assert_valid, north, problem, request, volunteer

import matcher
from matcher._internal.generate import generate_community
from matcher._internal.model import Problem, Settings
from matcher._internal.solver import solve
from matcher._internal.solver.bound.lagrangian import lagrangian_bound
from matcher._internal.solver.bound.relaxation import lp_bound, request_prices
from matcher._internal.solver.core.candidates import find_candidates
from matcher._internal.solver.core.instance import build_instance

# The package re-exports the function lp_bound under the module's name: fetch the module.
lp_bound_module = importlib.import_module("matcher._internal.solver.bound.relaxation")


def _community(volunteers: int, requests: int, seed: int, **settings: object) -> Problem:
    vols, reqs = generate_community(
        volunteers, requests, days=1, seed=seed, start=date(2026, 12, 1)
    )
    return matcher.load_problem(vols, reqs, settings=Settings(**settings))  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(6))
def test_lp_bound_is_never_below_a_proven_optimum(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
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
    # The bound large instances get (Lagrangian, pairs priced in) holds as well.
    monkeypatch.setattr(lp_bound_module, "FULL_LP_PAIRS", 0)
    assert lp_bound(inst, cands).total >= s.summary.served_weight


def test_pricing_pairs_in_reaches_the_relaxation_over_all_pairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Starting from each request's two nearest pairs, pricing must add pairs until the
    Lagrangian bound equals the crew-and-minutes relaxation solved over every pair."""
    monkeypatch.setattr(lp_bound_module, "NEAREST_PAIRS", 2)
    solved_over: list[int] = []
    solve_lp = lp_bound_module._solve_lp

    def counting(*args: Any, **kwargs: Any) -> Any:
        solved_over.append(len(args[3]))
        return solve_lp(*args, **kwargs)

    monkeypatch.setattr(lp_bound_module, "_solve_lp", counting)
    inst = build_instance(_community(200, 300, seed=3))
    cands = find_candidates(inst)
    servable = cands.servable(inst.r_crew)
    requests = np.flatnonzero(servable)
    prices = request_prices(inst, cands, servable)
    priced = lagrangian_bound(inst, cands, prices, servable)
    every_pair = np.flatnonzero(servable[cands.pair_request])
    exact = solve_lp(inst, cands, requests, every_pair, simple=True).value
    assert len(solved_over) >= 2 and solved_over[-1] < len(every_pair)  # grew, not all
    assert exact - 1e-6 <= priced <= exact + 0.5
    weights = int(inst.r_weight[servable].sum())
    assert priced < weights  # tighter than counting every servable request


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
