"""The route search as a whole: valid after every pass (the checker), never below the
weight it started from, the same schedule from the same start, and under a walking-time
table that breaks the triangle inequality every two visits stay a walk apart. Roomy
problems (long routes) give the swaps, tail exchanges and or-opt moves work to do."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from route_cases import (
    assert_checked,
    assert_pairwise,
    prepare,
    small_problems,
    table_problems,
)

from matcher._internal.model import Problem
from matcher._internal.solver.core.objective import served_weight
from matcher._internal.solver.search.routes.insert import Insert
from matcher._internal.solver.search.routes.search import improve_routes

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _bookings(p: Problem) -> tuple[int, list[list[tuple[int, int, int]]]]:
    case = prepare(p)
    before = served_weight(case.inst, case.schedule.crews)
    stats = improve_routes(case.inst, case.cands, case.schedule, case.costs)
    after = served_weight(case.inst, case.schedule.crews)
    assert after - before == stats.weight_gain >= 0
    assert_checked(case)
    return after, case.schedule.bookings


@SETTINGS
@given(st.one_of(small_problems(), small_problems(roomy=True)))
def test_the_search_is_valid_and_deterministic(p: Problem) -> None:
    assert _bookings(p) == _bookings(p)


@SETTINGS
@given(st.one_of(table_problems(), table_problems(roomy=True)))
def test_under_a_walking_table_every_pair_stays_apart(p: Problem) -> None:
    case = prepare(p)
    ctx = case.context()
    for r in range(case.inst.n_requests):
        proposal = Insert().evaluate(ctx, r)
        if proposal is not None:
            Insert().apply(ctx, proposal)
            assert_pairwise(case)
    improve_routes(case.inst, case.cands, case.schedule, case.costs)
    assert_pairwise(case)
    assert_checked(case)


def test_frozen_requests_and_volunteers_are_left_alone() -> None:
    from factories import problem, request, volunteer

    p = problem(
        [volunteer("V0"), volunteer("V1")],
        [request("R0", window="09:00-10:00"), request("R1", window="09:00-10:00")],
    )
    case = prepare(p)
    case.schedule.crews.clear()
    case.schedule.bookings = [[] for _ in case.schedule.bookings]
    case.schedule.day_minutes.clear()
    case.schedule.day_tasks.clear()
    improve_routes(
        case.inst, case.cands, case.schedule, case.costs,
        frozen_requests=frozenset({0}), frozen_volunteers=frozenset({0}),
    )  # fmt: skip
    assert set(case.schedule.crews) == {1}
    assert case.schedule.crews[1][1] == [1]
