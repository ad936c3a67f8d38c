"""The scheduling model of a neighbourhood (`search.scheduling_model`): the greedy schedule
is a hint CP-SAT can take exactly."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from ortools.sat.python import cp_model

import matcher
from matcher._internal.generate import generate_community
from matcher._internal.model import Problem, Settings
from matcher._internal.solver.construct.greedy import greedy_schedule
from matcher._internal.solver.core.candidates import find_candidates
from matcher._internal.solver.core.instance import build_instance
from matcher._internal.solver.core.objective import build_costs
from matcher._internal.solver.search import scheduling_model
from matcher._internal.solver.search.neighbourhood import grow_neighbourhood
from matcher._internal.solver.search.route_model import RouteModel


def _community(volunteers: int, requests: int, seed: int, **settings: object) -> Problem:
    vols, reqs = generate_community(
        volunteers, requests, days=1, seed=seed, start=date(2026, 12, 1)
    )
    return matcher.load_problem(vols, reqs, settings=Settings(**settings))  # type: ignore[arg-type]


def test_greedy_schedule_is_an_exactly_feasible_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixing every variable of the scheduling model to its hint must be feasible, or
    CP-SAT ignores the hint. (The route model's hint is tested in search/test_route_model.py.)"""
    monkeypatch.setattr(scheduling_model, "build_route_model", lambda *_: None)
    p = _community(300, 500, seed=2)
    inst = build_instance(p)
    cands = find_candidates(inst)
    schedule = greedy_schedule(inst, cands)
    costs = build_costs(inst, cands)
    rng = np.random.default_rng(0)
    open_requests = [
        r for r in np.flatnonzero(cands.servable(inst.r_crew)) if r not in schedule.crews
    ]
    served = list(schedule.crews)
    for seed_request in [*open_requests[:4], *served[:4]]:
        nb = grow_neighbourhood(
            inst,
            cands,
            schedule,
            int(seed_request),
            rng,
            max_volunteers=15,
            max_requests=60,
            origin="test",
        )
        prepared = scheduling_model.prepare(inst, cands, schedule, costs, nb)
        sub = prepared.sub
        assert not isinstance(sub, RouteModel) and sub.hint
        for var, value in sub.hint.items():
            sub.model.add(var == value)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 20
        assert solver.solve(sub.model) == cp_model.OPTIMAL
        for r, (start, crew) in prepared.freed.items():
            schedule.book(r, start, crew)
