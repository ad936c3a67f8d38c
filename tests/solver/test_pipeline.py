"""The pipeline (`solver.pipeline.solve`): valid and never worse than greedy, deterministic when
asked, the bound thread's errors reach the caller, progress reports weight and bound."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from factories import assert_valid, north, problem, request, volunteer

import matcher
from matcher._internal.generate import generate_community
from matcher._internal.model import Problem, Settings
from matcher._internal.solver import Progress, solve


def _community(volunteers: int, requests: int, seed: int, **settings: object) -> Problem:
    vols, reqs = generate_community(
        volunteers, requests, days=1, seed=seed, start=date(2026, 12, 1)
    )
    return matcher.load_problem(vols, reqs, settings=Settings(**settings))  # type: ignore[arg-type]


@pytest.mark.slow
def test_optimiser_is_valid_and_never_worse_than_greedy() -> None:
    p = _community(400, 700, seed=5, time_limit_s=6)
    greedy = solve(p, strategy="greedy")
    best = solve(p)
    assert_valid(p, best)
    assert best.summary.served_weight >= greedy.summary.served_weight
    assert best.summary.served_weight <= best.summary.upper_bound
    assert best.summary.requests_served + best.summary.requests_unassigned == 700


def test_deterministic_mode_gives_identical_output() -> None:
    p = _community(300, 500, seed=9, time_limit_s=3, deterministic=True)
    first, second = solve(p), solve(p)
    assert first.assignments == second.assignments
    assert first.unassigned == second.unassigned


def test_an_error_while_bounding_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bound runs in its own thread; its failure must not vanish with the thread."""
    solver_package = importlib.import_module("matcher._internal.solver.pipeline")

    def failing(*args: object, **kwargs: object) -> None:
        raise RuntimeError("relaxation failed")

    monkeypatch.setattr(solver_package, "lp_bound", failing)
    with pytest.raises(RuntimeError, match="relaxation failed"):
        solve(_community(100, 150, seed=1, time_limit_s=1))


def test_progress_reports_weight_and_bound() -> None:
    p = _community(200, 300, seed=4, time_limit_s=2)
    seen: list[Progress] = []
    s = solve(p, progress=seen.append)
    assert seen
    assert seen[-1].served_weight == s.summary.served_weight
    assert all(0.0 <= pr.gap <= 1.0 for pr in seen)


def test_optimiser_uses_travel_time_and_caps_on_a_hand_made_day() -> None:
    # One volunteer, three visits; the far one cannot follow the first without the walk.
    p = problem(
        [volunteer("v", hours="08:00-11:00", max_walk_minutes=30, max_tasks_per_day=2)],
        [
            request("a", window="08:00-08:00", minutes=60, priority=3),
            request("far", where=north(1000), window="09:00-09:10", minutes=60, priority=4),
            request("near", where=north(10), window="09:00-10:00", minutes=60, priority=3),
        ],
        time_limit_s=10,
    )
    s = solve(p)
    assert_valid(p, s)
    # "far" (weight 8) cannot follow "a": a ends 09:00 and the 17.3-minute walk misses its
    # 09:10 latest start; nothing fits after "far" either. So the best is 8, by "far" alone
    # or by "a" + "near" (4 + 4).
    assert s.summary.served_weight == 8
    assert s.summary.status == "optimal"


def test_a_solve_with_almost_no_time_still_reports_its_result() -> None:
    """However short the limit (or busy the machine), a progress callback hears at least
    once, and its last report is the schedule returned with its stated bound."""
    p = _community(200, 300, seed=4, time_limit_s=0.05)
    seen: list[Progress] = []
    s = solve(p, progress=seen.append)
    assert seen
    assert (seen[-1].served_weight, seen[-1].upper_bound) == (
        s.summary.served_weight,
        s.summary.upper_bound,
    )
