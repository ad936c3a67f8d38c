"""The O(1) insertion test from forward and backward slack says exactly what a full
re-simulation of the route says, at every position of every route."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from route_cases import brute_fits, prepare, small_problems

from matcher._internal.model import Problem
from matcher._internal.solver.search.routes.route import consecutive_starts

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(small_problems(), st.data())
def test_fit_agrees_with_a_full_resimulation(p: Problem, data: st.DataObject) -> None:
    case = prepare(p)
    for r in sorted(case.schedule.crews):  # some served requests taken out: room to test
        if case.inst.r_crew[r] == 1 and data.draw(st.booleans()):
            case.schedule.unbook(r)
    ctx = case.context()
    d = case.inst.plain.r_duration
    for r in range(case.inst.n_requests):
        if r in case.schedule.crews or not ctx.movable(r):
            continue
        for v in ctx.volunteers_of(r):
            route = ctx.route(v)
            assert consecutive_starts(route) is not None  # the schedule it came from is valid
            fits = {}
            for pos in range(len(route) + 1):
                window = route.fit(pos, r, d[r], ctx.segments(r, v))
                assert (window is not None) == brute_fits(case, v, pos, r), (r, v, pos)
                if window is not None:  # and the route with r in it can be timed
                    assert consecutive_starts(ctx.with_visit(route, pos, r, window)) is not None
                    fits[pos] = window
            # the one-pass scan the moves use finds the same gaps and windows
            assert dict(route.gaps(r, d[r], ctx.segments(r, v))[0]) == fits


@SETTINGS
@given(small_problems())
def test_a_route_is_its_bookings_in_order(p: Problem) -> None:
    case = prepare(p)
    ctx = case.context()
    for v in range(case.inst.n_volunteers):
        route = ctx.route(v)
        booked = case.schedule.bookings[v]
        assert route.visits == [r for _, _, r in booked]
        for i, (start, _, _) in enumerate(booked):
            assert route.earliest[i] <= start <= route.latest[i]
