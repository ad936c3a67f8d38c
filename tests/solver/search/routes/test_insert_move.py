"""Insert, alone: it finds a gap exactly when brute force finds one, gains the request's
weight, prices the lower levels as a whole-schedule sum does, and leaves a schedule the
independent checker accepts."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from route_cases import assert_checked, brute_fits, lower_cost, prepare, small_problems

from matcher._internal.model import Problem
from matcher._internal.solver.core.objective import served_weight
from matcher._internal.solver.core.schedule import Schedule
from matcher._internal.solver.search.routes.insert import Insert

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(small_problems())
def test_insert_against_brute_force(p: Problem) -> None:
    case = prepare(p)
    case.schedule = Schedule(case.inst)  # from empty: every request is offered
    ctx = case.context()
    move = Insert()
    for r in range(case.inst.n_requests):
        if not ctx.movable(r):
            continue
        possible = any(
            brute_fits(case, v, pos, r)
            for v in ctx.volunteers_of(r)
            for pos in range(len(case.schedule.bookings[v]) + 1)
        )
        proposal = move.evaluate(ctx, r)
        assert (proposal is not None) == possible, r
        if proposal is None:
            continue
        weight, cost = served_weight(case.inst, case.schedule.crews), lower_cost(case)
        move.apply(ctx, proposal)
        assert r in case.schedule.crews
        assert served_weight(case.inst, case.schedule.crews) - weight == proposal.gain[0]
        assert lower_cost(case) - cost == -proposal.gain[1]
        assert_checked(case)
