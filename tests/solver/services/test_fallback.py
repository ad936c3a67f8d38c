"""Filling a declined offer's place: standby first, then the same start, then the request
planned again (taking only from lower-priority work that is not kept), always valid."""

from __future__ import annotations

from functools import cache

from factories import assert_valid, north, problem, request, volunteer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcher
from matcher._internal.check import check_solution
from matcher._internal.model import Problem, Solution
from matcher._internal.solver import fill_declined, solve


def test_a_standby_fills_the_place_before_anyone_nearer() -> None:
    vols = [
        volunteer("first", where=north(10)),
        volunteer("near", where=north(20)),
        volunteer("standby", where=north(400)),
    ]
    p = problem(vols, [request("visit")], time_limit_s=5)
    plan = solve(p, strategy="greedy")
    assert {a.volunteer_id for a in plan.assignments} == {"first"}
    done = fill_declined(p, plan, "visit", "first", standbys=["standby"])
    assert_valid(done.problem, done.solution)
    assert done.filled_by == "standby"
    assert {a.volunteer_id for a in done.solution.assignments} == {"standby"}
    assert done.problem.requests[0].excluded_volunteers == ["first"]
    assert [c.reason for c in done.solution.changes] == ["first declined"]


def test_without_a_usable_standby_the_nearest_free_volunteer_takes_the_same_start() -> None:
    vols = [
        volunteer("first", where=north(10)),
        volunteer("near", where=north(20)),
        volunteer("standby", where=north(30), hours="13:00-15:00"),  # not free at 09:00
    ]
    p = problem(vols, [request("visit")], time_limit_s=5)
    plan = solve(p, strategy="greedy")
    done = fill_declined(p, plan, "visit", "first", standbys=["standby"])
    assert_valid(done.problem, done.solution)
    assert done.filled_by == "same_time"
    assert {a.volunteer_id for a in done.solution.assignments} == {"near"}


def test_kept_requests_are_never_taken_from_and_lower_work_otherwise_is() -> None:
    vols = [volunteer("a", where=north(10)), volunteer("b", where=north(20))]
    wanted = request("urgent", priority=5, window="09:00-09:00")
    chat = request("chat", priority=1, window="09:00-09:00")
    p = problem(vols, [wanted, chat], time_limit_s=5)
    plan = solve(p, strategy="greedy")
    holder = next(a.volunteer_id for a in plan.assignments if a.request_id == "urgent")
    kept = fill_declined(p, plan, "urgent", holder, keep=["chat"])
    assert_valid(kept.problem, kept.solution)
    assert kept.filled_by == "unserved"
    chat_crew = [a for a in plan.assignments if a.request_id == "chat"]
    assert [a for a in kept.solution.assignments if a.request_id == "chat"] == chat_crew
    taken = fill_declined(p, plan, "urgent", holder)
    assert_valid(taken.problem, taken.solution)
    assert taken.filled_by == "replanned"
    crews = {rid: {a.volunteer_id for a in c} for rid, c in taken.solution.crews().items()}
    assert crews == {"urgent": {"b"}, "chat": {"a"}}  # who declined the call still chats
    assert any(c.request_id == "chat" and "re-homed" in c.reason for c in taken.solution.changes)


@cache
def _busy_day() -> tuple[Problem, Solution]:
    """The sample community with half its volunteers: declines then compete (all four
    outcomes and bumps occur)."""
    full = matcher.load_problem(volunteers="data/sample/volunteers.csv",
                                requests="data/sample/requests.csv")  # fmt: skip
    day = full.model_copy(update={"volunteers": full.volunteers[::2]})
    return day, solve(day, strategy="greedy")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_sequence_of_declines_stays_valid_and_keeps_what_is_kept(data: st.DataObject) -> None:
    """Random declines on a busy day, some requests kept: every plan passes the checker,
    the decliner is off the request for good, kept and untouched requests do not move."""
    day, plan = _busy_day()
    served = sorted(plan.served_request_ids())
    keep = set(data.draw(st.lists(st.sampled_from(served), max_size=15)))
    for _ in range(data.draw(st.integers(1, 4))):
        crews = plan.crews()
        open_ = sorted(rid for rid in crews if rid not in keep)
        if not open_:
            break
        rid = data.draw(st.sampled_from(open_))
        vid = data.draw(st.sampled_from(sorted(a.volunteer_id for a in crews[rid])))
        done = fill_declined(day, plan, rid, vid, keep=keep)
        assert_valid(done.problem, done.solution)
        after = done.solution.crews()
        assert vid not in {a.volunteer_id for a in after.get(rid, [])}
        touched = {c.request_id for c in done.solution.changes}
        assert rid in touched and not touched & keep
        for other, crew in crews.items():
            if other not in touched:
                assert after.get(other) == crew, other
        day, plan = done.problem, done.solution


def test_the_library_fills_a_decline_like_the_service() -> None:
    vols = [volunteer("first", where=north(10)), volunteer("near", where=north(20))]
    p = problem(vols, [request("visit")], time_limit_s=5)
    plan = matcher.solve(p, strategy="greedy")
    day, after = matcher.fill_declined(p, plan, "visit", "first")
    assert_valid(day, after)
    assert [(a.request_id, a.volunteer_id) for a in after.assignments] == [("visit", "near")]
    assert day.requests[0].excluded_volunteers == ["first"]


def test_a_plan_with_standbys_stays_valid_through_declines() -> None:
    """With standbys planned, a decline calls the request's own standby first, and the plan
    with the standbys it keeps passes the checker, standby rules included (no fill takes
    the time another request's standby holds)."""
    full, _ = _busy_day()
    day = full.with_settings(plan_standbys=True, standby_min_priority=1, time_limit_s=3)
    plan = solve(day, strategy="greedy")
    assert plan.standbys
    filled = []
    for k in range(12):
        crews = plan.crews()
        held = sorted({s.request_id for s in plan.standbys} & set(crews))
        rid = held[0] if held and k % 2 == 0 else sorted(crews)[k]
        vid = crews[rid][0].volunteer_id
        own = {s.volunteer_id for s in plan.standbys if s.request_id == rid}
        done = fill_declined(day, plan, rid, vid)
        report = check_solution(done.problem, done.solution)
        assert report.ok, report.violations[:3]
        new = {a.volunteer_id for a in done.solution.crews().get(rid, [])} - {
            a.volunteer_id for a in crews[rid]}  # fmt: skip
        if own and done.filled_by == "standby":
            assert new <= own
        filled.append(done.filled_by)
        day, plan = done.problem, done.solution
    assert "standby" in filled
