"""Urgent dispatch on a planned day: the nearest free crew, or one bumped from lower work."""

from __future__ import annotations

from datetime import date

from factories import assert_valid, north, problem, request, volunteer

import matcher
from matcher._internal.generate import generate_community
from matcher._internal.model import Settings


def test_free_volunteer_nearest_to_the_caller_is_sent() -> None:
    vols = [
        volunteer("far", where=north(500)),
        volunteer("near", where=north(50)),
        volunteer("busy", where=north(10)),
    ]
    planned = [request("visit", window="09:00-09:00", minutes=120)]
    p = problem(vols, planned, time_limit_s=5)
    plan = matcher.solve(p)
    assert {a.volunteer_id for a in plan.assignments} == {"busy"}
    call = request("call", priority=5, window="09:30-09:45", minutes=40, kind="one_click_call")
    today = problem(vols, [*planned, call], time_limit_s=5)
    after = matcher.dispatch_urgent(p, plan, call)
    assert_valid(today, after)
    crew = {a.volunteer_id for a in after.assignments if a.request_id == "call"}
    assert crew == {"near"}
    assert [c.kind for c in after.changes] == ["added"]


def test_lower_priority_work_is_bumped_and_rehomed() -> None:
    vols = [
        volunteer("near", where=north(20)),
        volunteer("other", where=north(300), hours="10:00-12:00"),
    ]
    planned = [request("chat", priority=1, where=north(20), window="09:00-10:30")]
    p = problem(vols, planned, time_limit_s=5)
    plan = matcher.solve(p)
    assert {a.volunteer_id for a in plan.assignments} == {"near"}
    # Only "near" is free at 09:00; "other" starts at 10:00 and can take the chat then.
    call = {
        "request_id": "call",
        "kind": "one_click_call",
        "team": "care",
        "required_skills": "elderly_care",
        "lat": north(0)[0],
        "lon": north(0)[1],
        "earliest_start": "2026-12-01T09:00:00",
        "latest_start": "2026-12-01T09:05:00",
        "duration_minutes": 45,
        "priority": 5,
    }
    after = matcher.dispatch_urgent(p, plan, call)
    today = problem(
        vols,
        [*planned, request("call", priority=5, window="09:00-09:05", minutes=45)],
        time_limit_s=5,
    )
    assert_valid(today, after)
    crews = {}
    for a in after.assignments:
        crews.setdefault(a.request_id, set()).add(a.volunteer_id)
    assert "near" in crews["call"]
    changes = {c.request_id: c for c in after.changes}
    assert changes["call"].kind == "added"
    assert changes["chat"].kind == "moved" and "call" in changes["chat"].reason
    assert "chat" in crews  # re-homed: later with "near", or with "other"


def test_dispatch_on_a_full_generated_day_is_valid() -> None:
    vols, reqs = generate_community(300, 500, days=1, seed=4, start=date(2026, 12, 1))
    p = matcher.load_problem(vols, reqs, settings=Settings(time_limit_s=3))
    plan = matcher.solve(p)
    care = next(v for v in p.volunteers if v.team == "care" and v.availability)
    window = care.availability[0]
    call = {
        "request_id": "URGENT1",
        "kind": "one_click_call",
        "team": "care",
        "lat": care.lat,
        "lon": care.lon,
        "priority": 5,
        "earliest_start": window.start.isoformat(),
        "latest_start": window.start.isoformat(),
        "duration_minutes": 30,
    }
    after = matcher.dispatch_urgent(p, plan, call)
    today = p.model_copy(update={"requests": (*p.requests, matcher.Request.model_validate(call))})
    assert_valid(today, after)
    assert "URGENT1" in after.served_request_ids()
    assert after.summary.served_weight >= plan.summary.served_weight


def test_dispatch_with_bumping_on_a_busy_generated_day() -> None:
    vols, reqs = generate_community(150, 400, days=1, seed=6, start=date(2026, 12, 1))
    p = matcher.load_problem(vols, reqs, settings=Settings(time_limit_s=2))
    plan = matcher.solve(p, strategy="greedy")
    homes = [q for q in p.requests if q.team == "care"]
    bumped_once = False
    for k, home in enumerate(homes[:40]):
        start = home.earliest_start.isoformat()
        call = {
            "request_id": f"URGENT{k}",
            "kind": "one_click_call",
            "team": "care",
            "required_skills": "elderly_care",
            "lat": home.lat,
            "lon": home.lon,
            "earliest_start": start,
            "latest_start": start,
            "duration_minutes": 45,
            "priority": 5,
        }
        after = matcher.dispatch_urgent(p, plan, call)
        if any(c.kind != "added" for c in after.changes):
            today = p.model_copy(
                update={"requests": (*p.requests, matcher.Request.model_validate(call))}
            )
            assert_valid(today, after)
            assert f"URGENT{k}" in after.served_request_ids()
            bumped_once = True
            break
    assert bumped_once, "no call needed bumping on a busy day"
