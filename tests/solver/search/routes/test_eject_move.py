"""Eject, alone: every proposal it makes is an improvement whose weight and lower-level
change are what the whole schedule shows after it, and the checker accepts the result."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from route_cases import assert_checked, lower_cost, prepare, small_problems

from matcher._internal.model import Problem
from matcher._internal.solver.core.objective import served_weight
from matcher._internal.solver.search.routes.eject import Eject
from matcher._internal.solver.search.routes.move import NOTHING

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("drops", [True, False])
@SETTINGS
@given(p=small_problems())
def test_eject_against_the_whole_schedule(drops: bool, p: Problem) -> None:
    case = prepare(p)
    ctx = case.context()
    move = Eject(drops=drops)
    for r in range(case.inst.n_requests):
        proposal = move.evaluate(ctx, r)
        if proposal is None:
            continue
        assert proposal.gain > NOTHING
        assert proposal.gain[0] >= 0
        weight, cost = served_weight(case.inst, case.schedule.crews), lower_cost(case)
        served = list(case.schedule.crews)
        move.apply(ctx, proposal)
        assert r in case.schedule.crews
        if not drops:  # x went to another volunteer: nothing served before is lost
            assert set(served) <= set(case.schedule.crews)
        assert served_weight(case.inst, case.schedule.crews) - weight == proposal.gain[0]
        assert lower_cost(case) - cost == -proposal.gain[1]
        assert_checked(case)
