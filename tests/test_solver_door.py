"""Issue 25: one door into the solver, one pipeline for solve and re-plan, one result.

The door itself is held by import-linter ("One door into the solver" in pyproject.toml);
these tests hold what it promises: a re-plan runs through the pipeline (per-team bounds and
search statistics included), a `Summary` is made one way for a schedule and for merged
pieces, and `Solution.crews()` groups a plan's rows by request.
"""

from __future__ import annotations

from datetime import date

from factories import assert_valid, north, problem, request, volunteer

import matcher
from matcher._internal import solver
from matcher._internal.city.merge import combine
from matcher._internal.generate import generate_community
from matcher._internal.model import Problem, Settings, Strategy


def _day() -> Problem:
    vols, reqs = generate_community(40, 70, days=1, seed=5, start=date(2026, 12, 1))
    return matcher.load_problem(
        vols, reqs, settings=Settings(time_limit_s=1, seed=1, deterministic=True)
    )


def test_the_door_declares_the_solvers_interface() -> None:
    for name in ("solve", "replan", "dispatch_urgent", "dispatch_calls", "explain"):
        assert callable(getattr(solver, name)), name
    for name in ("decompose", "prepare", "bound_alone"):
        assert callable(getattr(solver, name)), name
    assert set(solver.__all__) <= set(dir(solver))


def test_decompose_covers_every_request_once_and_hands_the_whole_back_to_solve() -> None:
    p = _day()
    found = solver.decompose(p)
    in_parts = int((found.request_part >= 0).sum())
    assert in_parts + len(found.left_out()) == len(p.requests)
    assert int(found.pairs.sum()) == found.prepared.pairs
    again = solver.solve(p, prepared=found.prepared)
    assert again.assignments == solver.solve(p).assignments


def test_a_replan_runs_through_the_pipeline_with_team_bounds_and_statistics() -> None:
    p = _day()
    published = matcher.solve(p)
    assert published.summary.search is not None
    withdrawn = {r.request_id for r in p.requests[:5]}
    today = p.model_copy(
        update={"requests": tuple(r for r in p.requests if r.request_id not in withdrawn)}
    )
    again = matcher.replan(today, published)
    assert_valid(today, again)
    s = again.summary
    assert s.strategy is Strategy.REPLAN and s.search is not None
    bound = solver.bound_alone(solver.prepare(today))
    assert s.served_weight <= s.upper_bound <= bound.servable
    for team in s.per_team.values():
        assert team.served_weight <= team.upper_bound
    assert sum(t.upper_bound for t in s.per_team.values()) >= s.served_weight


def test_the_greedy_strategy_carries_no_search_statistics() -> None:
    p = _day()
    assert matcher.solve(p, strategy="greedy").summary.search is None


def test_one_piece_merged_keeps_its_figures() -> None:
    """`combine` and `build_solution` make their summaries with the same function."""
    p = _day()
    one = matcher.solve(p)
    merged = combine([one], requests=p.requests, settings=p.settings,
                     strategy=Strategy.OPTIMISE, seconds=one.summary.solve_seconds)  # fmt: skip
    same = {"per_community", "per_team", "first_schedule_seconds", "solve_seconds"}
    ours = merged.summary.model_dump(exclude=same)
    assert ours == one.summary.model_dump(exclude=same)
    assert merged.summary.per_team.keys() == one.summary.per_team.keys()


def test_crews_group_the_rows_of_each_request_in_order() -> None:
    vols = [volunteer(f"v{i}", where=north(40 * i)) for i in range(3)]
    reqs = [request("pair", volunteers_needed=2), request("solo", window="10:30-10:30")]
    solution = matcher.solve(problem(vols, reqs, time_limit_s=2, deterministic=True))
    crews = solution.crews()
    assert set(crews) == solution.served_request_ids() == {"pair", "solo"}
    assert len(crews["pair"]) == 2 and len(crews["solo"]) == 1
    for rid, rows in crews.items():
        assert rows == [a for a in solution.assignments if a.request_id == rid]
    assert len({a.start for a in crews["pair"]}) == 1  # one start per crew (rule 3)
