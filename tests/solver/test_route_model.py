"""The route model of a neighbourhood: the same optimum as the scheduling model, an exactly
feasible hint, and crews the independent checker accepts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import pytest
from factories import assert_valid, north, problem, request, volunteer
from ortools.sat.python import cp_model

import matcher
from matcher import Problem, Settings
from matcher._internal.generate import generate_community
from matcher._internal.solver.construct.greedy import greedy_schedule
from matcher._internal.solver.core.candidates import Candidates, find_candidates
from matcher._internal.solver.core.instance import Instance, build_instance
from matcher._internal.solver.core.objective import Costs, build_costs
from matcher._internal.solver.core.schedule import Schedule
from matcher._internal.solver.report.result import build_solution
from matcher._internal.solver.search import route_model
from matcher._internal.solver.search.neighbourhood import Neighbourhood, grow_neighbourhood
from matcher._internal.solver.search.options import Crews
from matcher._internal.solver.search.route_model import RouteModel, build_route_model
from matcher._internal.solver.search.scheduling_model import _build, _Model, apply, prepare, run


def _community(seed: int) -> Problem:
    vols, reqs = generate_community(150, 300, days=1, seed=seed, start=date(2026, 12, 1))
    return matcher.load_problem(vols, reqs, settings=Settings())


def _neighbourhoods(
    inst: Instance, cands: Candidates, schedule: Schedule, count: int
) -> list[Neighbourhood]:
    """Neighbourhoods grown from open and served requests, as the search grows them."""
    rng = np.random.default_rng(0)
    open_requests = [
        int(r) for r in np.flatnonzero(cands.servable(inst.r_crew)) if r not in schedule.crews
    ]
    seeds = open_requests[:count] + list(schedule.crews)[:count]
    return [
        grow_neighbourhood(
            inst, cands, schedule, r, rng, max_volunteers=5, max_requests=20, origin="test"
        )
        for r in seeds
    ]


def _taken_out(
    inst: Instance, cands: Candidates, schedule: Schedule, count: int
) -> Iterator[tuple[Neighbourhood, Crews]]:
    """Each neighbourhood with its served requests unbooked (as `prepare` does), and
    booked back once the caller is done with it."""
    for nb in _neighbourhoods(inst, cands, schedule, count):
        freed = {r: schedule.crews[r] for r in nb.requests if r in schedule.crews}
        for r in freed:
            schedule.unbook(r)
        yield nb, freed
        for r, (start, crew) in freed.items():
            schedule.book(r, start, crew)


def _solved(model: cp_model.CpModel) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30
    assert solver.solve(model) == cp_model.OPTIMAL
    return solver


def _gains(inst: Instance, built: tuple[RouteModel | _Model, int], freed: Crews) -> tuple[int, int]:
    """The optimum's gain over the hint: in served weight, and in the lower levels."""
    sub, weight_factor = built
    solver = _solved(sub.model)
    crews = sub.extract(solver)
    weight = sum(int(inst.r_weight[r]) for r in crews) - sum(int(inst.r_weight[r]) for r in freed)
    gain = round(solver.objective_value) - sub.objective_of_hint()
    return weight, gain - weight * weight_factor


def _setup(seed: int) -> tuple[Problem, Instance, Candidates, Schedule, Costs]:
    p = _community(seed)
    inst = build_instance(p)
    cands = find_candidates(inst)
    return p, inst, cands, greedy_schedule(inst, cands), build_costs(inst, cands)


@pytest.mark.parametrize("seed", range(3))
def test_route_model_finds_what_the_scheduling_model_finds(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where every route is listed (no option dropped), both models solved to optimality
    gain the same served weight and the same walking and fairness cost over the current
    schedule: routes lose nothing."""
    monkeypatch.setattr(route_model, "ROUTES_PER_VOLUNTEER", 1000)
    monkeypatch.setattr(route_model, "_fewer_options", lambda *_: [])
    _, inst, cands, schedule, costs = _setup(seed)
    compared = 0
    for nb, freed in _taken_out(inst, cands, schedule, 8):
        routed = build_route_model(inst, cands, schedule, costs, nb, freed)
        if routed is not None:
            compared += 1
            scheduling = _build(inst, cands, schedule, costs, nb, freed)
            routes_weight, routes_cost = _gains(inst, routed, freed)
            assert routes_weight >= 0
            assert (routes_weight, routes_cost) == _gains(inst, scheduling, freed)
    assert compared >= 8


def test_too_many_routes_drop_open_options_not_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With room for few routes, volunteers give up options they do not hold: the route
    model still applies, keeps the current schedule reachable, and finds no more than the
    scheduling model over the whole neighbourhood."""
    monkeypatch.setattr(route_model, "ROUTES_PER_VOLUNTEER", 3)
    _, inst, cands, schedule, costs = _setup(0)
    compared = 0
    for nb, freed in _taken_out(inst, cands, schedule, 8):
        routed = build_route_model(inst, cands, schedule, costs, nb, freed)
        if routed is not None:
            compared += 1
            assert all(len(routes.masks) <= 3 for routes in routed[0].routes)
            scheduling = _build(inst, cands, schedule, costs, nb, freed)
            assert (0, 0) <= _gains(inst, routed, freed) <= _gains(inst, scheduling, freed)
    assert compared >= 8


@pytest.mark.parametrize("seed", range(2))
def test_route_model_hint_is_the_current_schedule_exactly(seed: int) -> None:
    """Fixing every variable to its hint is feasible and scores the hint's objective, or
    CP-SAT would ignore the hint and the search would compare against the wrong value."""
    _, inst, cands, schedule, costs = _setup(seed)
    for nb, freed in _taken_out(inst, cands, schedule, 4):
        routed = build_route_model(inst, cands, schedule, costs, nb, freed)
        if routed is not None:
            model = routed[0].model
            hint = model.proto.solution_hint
            for var, value in zip(list(hint.vars), list(hint.values), strict=True):
                model.add(model.get_bool_var_from_proto_index(var) == value)
            assert round(_solved(model).objective_value) == routed[0].objective_of_hint()


def test_route_model_crews_pass_the_checker() -> None:
    """Re-plan neighbourhood after neighbourhood with the route model; the checker then
    accepts the whole schedule (starts, walks between consecutive tasks, caps)."""
    p, inst, cands, schedule, costs = _setup(5)
    rng = np.random.default_rng(1)
    used = improved = 0
    for seed_request in range(0, inst.n_requests, 10):
        nb = grow_neighbourhood(
            inst, cands, schedule, seed_request, rng, max_volunteers=5, max_requests=20,
            origin="test",
        )  # fmt: skip
        prepared = prepare(inst, cands, schedule, costs, nb)
        used += isinstance(prepared.sub, RouteModel)
        solved = run(prepared, time_limit=5.0, seed=0, workers=1, deterministic=False)
        improved += apply(inst, schedule, prepared, solved).improved
    assert used >= 10 and improved >= 1
    solution = build_solution(inst, cands, schedule, upper_bound=0, strategy="test", seconds=0)
    assert_valid(p, solution)


def test_a_crew_of_two_at_a_free_start_keeps_the_scheduling_model() -> None:
    """A route cannot hold two volunteers' starts together: such neighbourhoods fall back."""
    p = problem(
        [volunteer("a"), volunteer("b", where=north(50))],
        [request("pair", volunteers_needed=2, window="09:00-10:00")],
    )
    inst = build_instance(p)
    cands = find_candidates(inst)
    schedule = greedy_schedule(inst, cands)
    nb = Neighbourhood(frozenset({0, 1}), (0,), "test")
    freed = {0: schedule.crews[0]}
    schedule.unbook(0)
    assert build_route_model(inst, cands, schedule, build_costs(inst, cands), nb, freed) is None
