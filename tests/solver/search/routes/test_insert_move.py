"""Insert, alone: it finds a gap exactly when brute force finds one, gains the request's
weight, prices the lower levels as a whole-schedule sum does, and leaves a schedule the
independent checker accepts."""

from __future__ import annotations

from factories import at, problem, request, volunteer
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


def test_a_visit_shifts_across_midnight_where_daily_caps_cannot_bind() -> None:
    """A visit booked at 23:30 makes room for one that ends at 00:10 by starting after
    midnight: its own window spans both days, as no daily cap can refuse either (one
    volunteer, caps above everything they could do). Where a cap could bind, the visit
    keeps to its day and the insertion is refused."""
    for capped, fits in ((False, True), (True, False)):
        hours = [f"{at('22:00')}/{at('02:00', day='2026-12-02')}"]
        caps = {"max_minutes_per_day": 60 if capped else 600, "max_tasks_per_day": None}
        v = volunteer("V0", availability=hours, **caps)
        booked = request(
            "A", window="23:30-23:59", minutes=30, latest_start=at("01:00", day="2026-12-02")
        )
        late = request("B", window="23:40-23:40", minutes=30)
        case = prepare(problem([v], [booked, late]))
        case.schedule = Schedule(case.inst)
        case.schedule.book(0, case.inst.plain.r_earliest[0], [0])  # A at 23:30
        proposal = Insert().evaluate(case.context(), 1)
        assert (proposal is not None) == fits
        if proposal is not None:
            Insert().apply(case.context(), proposal)
            assert_checked(case)
            assert case.schedule.crews[0][0] >= case.schedule.crews[1][0] + 30
