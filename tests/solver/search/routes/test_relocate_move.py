"""Relocate, alone: it never loses weight, its stated lower-level and between-visit walking
changes are what the whole schedule shows after it, and the checker accepts the result."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from route_cases import assert_checked, lower_cost, prepare, small_problems

from matcher._internal.model import Problem
from matcher._internal.solver.core.objective import served_weight
from matcher._internal.solver.search.routes.move import NOTHING
from matcher._internal.solver.search.routes.relocate import Relocate

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(small_problems())
def test_relocate_against_the_whole_schedule(p: Problem) -> None:
    case = prepare(p)
    ctx = case.context()
    move = Relocate()
    volunteers = range(case.inst.n_volunteers)
    for r in range(case.inst.n_requests):
        proposal = move.evaluate(ctx, r)
        if proposal is None:
            continue
        assert proposal.gain > NOTHING
        assert proposal.gain[0] == 0
        weight, cost = served_weight(case.inst, case.schedule.crews), lower_cost(case)
        walked = sum(ctx.route(v).travel_minutes() for v in volunteers)
        move.apply(ctx, proposal)
        assert r in case.schedule.crews
        assert served_weight(case.inst, case.schedule.crews) == weight
        assert lower_cost(case) - cost == -proposal.gain[1]
        assert walked - sum(ctx.route(v).travel_minutes() for v in volunteers) == proposal.gain[2]
        assert_checked(case)
