"""The constructive baseline on hand-made cases, every schedule checked independently."""

from __future__ import annotations

import math
from datetime import datetime

from factories import assert_valid, north, problem, request, volunteer

from matcher._internal.check.walking import walk_minutes
from matcher._internal.model import Reason
from matcher._internal.solver import solve


def _crew(solution, rid):  # type: ignore[no-untyped-def]
    return sorted(a.volunteer_id for a in solution.assignments if a.request_id == rid)


def _start(solution, rid):  # type: ignore[no-untyped-def]
    return next(a.start for a in solution.assignments if a.request_id == rid)


def test_nearest_volunteer_at_earliest_start() -> None:
    p = problem(
        [volunteer("far", where=north(600)), volunteer("near", where=north(100))],
        [request("r1", window="09:00-10:00")],
    )
    s = solve(p, strategy="greedy")
    assert_valid(p, s)
    assert _crew(s, "r1") == ["near"]
    assert _start(s, "r1") == datetime(2026, 12, 1, 9, 0)
    assert s.summary.status == "optimal"


def test_crew_starts_together_when_all_are_free() -> None:
    p = problem(
        [volunteer("early", hours="08:00-12:00"), volunteer("late", hours="09:30-12:00")],
        [request("r1", window="09:00-11:00", volunteers_needed=2)],
    )
    s = solve(p, strategy="greedy")
    assert_valid(p, s)
    assert _crew(s, "r1") == ["early", "late"]
    assert _start(s, "r1") == datetime(2026, 12, 1, 9, 30)


def test_travel_between_consecutive_assignments_is_respected() -> None:
    # 1 km apart: 1000 m x 1.3 / 75 m/min = 17.3 min, so the second visit starts at 10:18.
    p = problem(
        [volunteer("v", hours="08:00-12:00", max_walk_minutes=30)],
        [
            request("first", priority=5, window="09:00-09:00"),
            request("second", where=north(1000), window="10:00-11:00"),
        ],
    )
    s = solve(p, strategy="greedy")
    assert_valid(p, s)
    assert _start(s, "second") == datetime(2026, 12, 1, 10, 18)


def test_daily_minute_cap_leaves_lower_priority_unserved() -> None:
    p = problem(
        [volunteer("v", max_minutes_per_day=60)],
        [
            request("low", priority=1, window="09:00-11:00"),
            request("high", priority=4, window="09:00-11:00"),
        ],
    )
    s = solve(p, strategy="greedy")
    assert_valid(p, s)
    assert s.served_request_ids() == {"high"}
    (left,) = s.unassigned
    assert left.reason == Reason.CAPACITY_TAKEN and "high" in left.detail


def test_daily_task_cap() -> None:
    p = problem(
        [volunteer("v", max_tasks_per_day=1)],
        [
            request("a", minutes=30, window="09:00-09:00"),
            request("b", minutes=30, window="10:00-10:00"),
        ],
    )
    s = solve(p, strategy="greedy")
    assert_valid(p, s)
    assert len(s.served_request_ids()) == 1


def test_language_needs_one_speaker_in_the_crew() -> None:
    p = problem(
        [
            volunteer("a", where=north(10)),
            volunteer("b", where=north(20)),
            volunteer("speaker", where=north(300), languages=["jin"]),
        ],
        [request("r", volunteers_needed=2, language="jin")],
    )
    s = solve(p, strategy="greedy")
    assert_valid(p, s)
    assert _crew(s, "r") == ["a", "speaker"]


def test_excluded_volunteer_is_never_assigned() -> None:
    p = problem(
        [volunteer("near"), volunteer("other", where=north(300))],
        [request("r", excluded_volunteers=["near"])],
    )
    s = solve(p, strategy="greedy")
    assert_valid(p, s)
    assert _crew(s, "r") == ["other"]


def test_every_reason_code() -> None:
    p = problem(
        [
            volunteer("care1", hours="08:00-10:00", max_walk_minutes=10),
            volunteer("care2", where=north(50), hours="08:00-10:00", max_walk_minutes=10),
        ],
        [
            request("no_skill", team="repair", required_skills=["plumbing"]),
            request("too_far", where=north(2000)),
            request("night", window="22:00-22:30"),
            request("dialect", language="jin", window="08:00-08:00"),
            request("big_crew", volunteers_needed=3),
            request("taken_first", priority=5, window="08:30-08:30", volunteers_needed=2),
            request("taken_second", priority=2, window="08:30-08:30"),
        ],
    )
    s = solve(p, strategy="greedy")
    assert_valid(p, s)
    reasons = {u.request_id: u.reason for u in s.unassigned}
    assert reasons == {
        "no_skill": Reason.NO_SKILLED_VOLUNTEER,
        "too_far": Reason.NONE_WITHIN_REACH,
        "night": Reason.NONE_AVAILABLE,
        "dialect": Reason.NO_LANGUAGE_SPEAKER,
        "big_crew": Reason.CREW_TOO_SMALL,
        "taken_second": Reason.CAPACITY_TAKEN,
    }
    detail = {u.request_id: u.detail for u in s.unassigned}
    assert "taken_first" in detail["taken_second"]
    assert "care1" in detail["too_far"] or "care2" in detail["too_far"]


def test_bound_is_at_least_served_and_unassigned_cover_the_rest() -> None:
    p = problem(
        [volunteer(f"v{i}", where=north(40 * i)) for i in range(3)],
        [request(f"r{i}", priority=1 + i % 5, window="08:00-11:00", minutes=90) for i in range(8)],
    )
    s = solve(p, strategy="greedy")
    assert_valid(p, s)
    assert s.summary.upper_bound >= s.summary.served_weight
    assert s.summary.requests_served + s.summary.requests_unassigned == 8
    assert len(s.served_request_ids() | {u.request_id for u in s.unassigned}) == 8


def test_same_input_same_output() -> None:
    vols = [volunteer(f"v{i}", where=north(37 * i)) for i in range(6)]
    reqs = [
        request(
            f"r{i}",
            where=north(23 * i),
            window="08:00-11:00",
            minutes=45,
            volunteers_needed=1 + i % 2,
        )
        for i in range(12)
    ]
    first, second = (
        solve(problem(vols, reqs), strategy="greedy"),
        solve(problem(vols, reqs), strategy="greedy"),
    )
    assert first.assignments == second.assignments
    assert first.unassigned == second.unassigned


def test_each_assignment_reports_its_own_walk() -> None:
    vols = [volunteer("near", where=north(100)), volunteer("far", where=north(500))]
    p = problem(vols, [request("r1", window="09:00-10:00", volunteers_needed=2)])
    s = solve(p, strategy="greedy")
    assert_valid(p, s)
    home = {v.volunteer_id: v for v in vols}
    req = p.requests[0]
    assert len(s.assignments) == 2
    for a in s.assignments:
        v = home[a.volunteer_id]
        expected = walk_minutes(v.lat, v.lon, req.lat, req.lon, p.settings)
        assert math.isclose(a.walk_minutes, expected, abs_tol=1e-6)
