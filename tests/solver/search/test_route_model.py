"""The route model of a neighbourhood: the same optimum as the scheduling model, an exactly
feasible hint, and crews the independent checker accepts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Protocol

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
from matcher._internal.solver.search import route_model, scheduling_model
from matcher._internal.solver.search.neighbourhood import Neighbourhood, grow_neighbourhood
from matcher._internal.solver.search.options import Crews
from matcher._internal.solver.search.route_model import RouteModel, build_route_model
from matcher._internal.solver.search.scheduling_model import Prepared, apply, prepare, run
from matcher._internal.solver.search.subproblem import Subproblem


class SubModel(Protocol):
    """What both neighbourhood models offer: the CP-SAT model with a presence literal per
    request, its hint's objective, and the crews of a solution."""

    @property
    def model(self) -> cp_model.CpModel: ...

    @property
    def x(self) -> dict[int, cp_model.IntVar]: ...

    def objective_of_hint(self) -> int: ...

    def extract(self, solver: cp_model.CpSolver) -> Crews: ...


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


def _scheduling_model(
    inst: Instance, cands: Candidates, schedule: Schedule, costs: Costs, nb: Neighbourhood
) -> Prepared:
    """`prepare` with the route model switched off: the neighbourhood's served requests
    unbooked, and the scheduling model built around what stays."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scheduling_model, "build_route_model", lambda *_: None)
        prepared = prepare(inst, cands, schedule, costs, nb)
    assert not isinstance(prepared.sub, RouteModel)
    return prepared


def _taken_out(
    inst: Instance, cands: Candidates, schedule: Schedule, costs: Costs, count: int
) -> Iterator[Prepared]:
    """Each neighbourhood prepared as the scheduling model (its served requests unbooked),
    and booked back once the caller is done with it."""
    for nb in _neighbourhoods(inst, cands, schedule, count):
        prepared = _scheduling_model(inst, cands, schedule, costs, nb)
        yield prepared
        for r, (start, crew) in prepared.freed.items():
            schedule.book(r, start, crew)


def _solved(model: cp_model.CpModel) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30
    assert solver.solve(model) == cp_model.OPTIMAL
    return solver


def _weight_factor(inst: Instance, sub: SubModel) -> int:
    """The factor the model puts on served weight, read from its objective: each request's
    presence literal is worth weight_factor * weight (0 for a model without requests)."""
    objective = sub.model.proto.objective
    coeff = dict(zip(objective.vars, objective.coeffs, strict=True))
    worth = {r: round(coeff[x.index] * objective.scaling_factor) for r, x in sub.x.items()}
    factors = {w // int(inst.r_weight[r]) for r, w in worth.items()}
    assert all(w % int(inst.r_weight[r]) == 0 for r, w in worth.items()) and len(factors) <= 1
    return factors.pop() if factors else 0


def _gains(inst: Instance, sub: SubModel, freed: Crews) -> tuple[int, int]:
    """The optimum's gain over the hint: in served weight, and in the lower levels."""
    weight_factor = _weight_factor(inst, sub)
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
    _, inst, cands, schedule, costs = _setup(seed)
    compared = 0
    for scheduling in _taken_out(inst, cands, schedule, costs, 8):
        nb, freed = scheduling.nb, scheduling.freed
        routed = build_route_model(Subproblem(inst, cands, schedule, costs, nb, freed))
        if routed is not None and routed[0].complete:
            compared += 1
            if routed[0].x:
                assert _weight_factor(inst, routed[0]) == routed[1]
            routes_weight, routes_cost = _gains(inst, routed[0], freed)
            assert routes_weight >= 0
            assert (routes_weight, routes_cost) == _gains(inst, scheduling.sub, freed)
    assert compared >= 8


def test_too_many_routes_drop_open_options_not_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With room for few routes, volunteers give up options they do not hold: the route
    model still applies, keeps the current schedule reachable, and finds no more than the
    scheduling model over the whole neighbourhood."""
    monkeypatch.setattr(route_model, "ROUTES_PER_VOLUNTEER", 3)
    _, inst, cands, schedule, costs = _setup(0)
    compared = dropped = 0
    for scheduling in _taken_out(inst, cands, schedule, costs, 8):
        nb, freed = scheduling.nb, scheduling.freed
        routed = build_route_model(Subproblem(inst, cands, schedule, costs, nb, freed))
        if routed is not None:
            compared += 1
            assert all(len(routes.masks) <= 3 for routes in routed[0].routes)
            dropped += not routed[0].complete
            gains = _gains(inst, routed[0], freed)
            assert (0, 0) <= gains <= _gains(inst, scheduling.sub, freed)
    assert compared >= 8 and dropped >= 1  # some volunteers did have to give options up


@pytest.mark.parametrize("seed", range(2))
def test_route_model_hint_is_the_current_schedule_exactly(seed: int) -> None:
    """Fixing every variable to its hint is feasible and scores the hint's objective, or
    CP-SAT would ignore the hint and the search would compare against the wrong value."""
    _, inst, cands, schedule, costs = _setup(seed)
    checked = 0
    for scheduling in _taken_out(inst, cands, schedule, costs, 4):
        routed = build_route_model(
            Subproblem(inst, cands, schedule, costs, scheduling.nb, scheduling.freed)
        )
        if routed is not None:
            model = routed[0].model
            hint = model.proto.solution_hint
            checked += len(hint.vars) > 0
            for var, value in zip(list(hint.vars), list(hint.values), strict=True):
                model.add(model.get_bool_var_from_proto_index(var) == value)
            assert round(_solved(model).objective_value) == routed[0].objective_of_hint()
    assert checked >= 6  # models with variables to fix, not empty ones


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
    solution = build_solution(inst, cands, schedule, upper_bound=0, strategy="optimise", seconds=0)
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
    assert (
        build_route_model(Subproblem(inst, cands, schedule, build_costs(inst, cands), nb, freed))
        is None
    )
