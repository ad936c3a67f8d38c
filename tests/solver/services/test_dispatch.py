"""Urgent dispatch on a planned day: the nearest free crew, or one bumped from lower work."""

from __future__ import annotations

from datetime import date, datetime

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


def _crews(solution: matcher.Solution) -> dict[str, tuple[datetime, set[str]]]:
    """Each served request's start and crew."""
    out: dict[str, tuple[datetime, set[str]]] = {}
    for a in solution.assignments:
        out.setdefault(a.request_id, (a.start, set()))[1].add(a.volunteer_id)
    return out


def test_call_only_a_busy_volunteer_can_take_bumps_their_lower_priority_request() -> None:
    """On a busy generated day, an urgent call at the place, time and length of a served
    request, with every volunteer but that request's own one excluded: the only eligible
    volunteer is busy with lower-priority work, so this call must bump it."""
    vols, reqs = generate_community(150, 400, days=1, seed=6, start=date(2026, 12, 1))
    p = matcher.load_problem(vols, reqs, settings=Settings(time_limit_s=2))
    plan = matcher.solve(p, strategy="greedy")
    assert_valid(p, plan)
    by_id = {q.request_id: q for q in p.requests}
    crews: dict[str, list[matcher.Assignment]] = {}
    for a in plan.assignments:
        crews.setdefault(a.request_id, []).append(a)
    # A request served by one volunteer whose every task that day is worth less than an
    # urgent call, so nothing they do is protected from bumping.
    urgent = p.settings.weight(5)
    heaviest: dict[str, int] = {}
    for a in plan.assignments:
        worth = p.settings.request_weight(by_id[a.request_id])
        heaviest[a.volunteer_id] = max(worth, heaviest.get(a.volunteer_id, 0))
    chosen = next(
        rid
        for rid, crew in sorted(crews.items())
        if len(crew) == 1 and heaviest[crew[0].volunteer_id] < urgent
    )
    held, busy = by_id[chosen], crews[chosen][0]
    call = matcher.Request.model_validate(
        {
            "request_id": "URGENT",
            "kind": "one_click_call",
            "team": held.team,
            "required_skills": held.required_skills,
            "lat": held.lat,
            "lon": held.lon,
            "earliest_start": busy.start.isoformat(),
            "latest_start": busy.start.isoformat(),
            "duration_minutes": held.duration_minutes,
            "priority": 5,
            "excluded_volunteers": [
                v.volunteer_id for v in p.volunteers if v.volunteer_id != busy.volunteer_id
            ],
        },
        context={"timezone": p.settings.timezone},
    )
    after = matcher.dispatch_urgent(p, plan, call)
    today = p.model_copy(update={"requests": (*p.requests, call)})
    assert_valid(today, after)

    assert [
        (a.request_id, a.volunteer_id) for a in after.assignments if a.request_id == "URGENT"
    ] == [("URGENT", busy.volunteer_id)]
    changes = {c.request_id: c for c in after.changes}
    assert changes["URGENT"].kind == "added"
    bumped = changes[chosen]
    assert bumped.kind in ("moved", "removed") and "URGENT" in bumped.reason
    assert bumped.before
    if bumped.kind == "moved":  # re-homed: another start or another volunteer
        assert chosen in after.served_request_ids() and bumped.after
    else:  # reported unassigned, with a reason a coordinator can act on
        left = {u.request_id: u for u in after.unassigned}
        assert chosen not in after.served_request_ids() and left[chosen].detail
    # Nothing else moved: every other request keeps its published crew and start.
    before, now = _crews(plan), _crews(after)
    assert set(changes) == {"URGENT", chosen}
    assert {r: c for r, c in now.items() if r not in changes} == {
        r: c for r, c in before.items() if r != chosen
    }
    assert after.summary.served_weight > plan.summary.served_weight


def test_batches_of_calls_match_one_call_at_a_time_from_scratch() -> None:
    """The fast path (the day extended, the last batch's schedule copied, untouched rows
    reused) books exactly what dispatching each call on a freshly built day books."""
    from datetime import timedelta

    import numpy as np

    from matcher._internal.solver.services.dispatch import dispatch_calls

    vols, reqs = generate_community(120, 160, seed=4, start=date(2026, 12, 1))
    base = matcher.load_problem(vols, reqs, settings=Settings(time_limit_s=2, seed=1))
    plan = matcher.solve(base, strategy="greedy")
    rng = np.random.default_rng(11)
    calls = []
    for k in range(12):
        home = base.requests[int(rng.integers(len(base.requests)))]
        at = datetime(2026, 12, 1, 8) + timedelta(minutes=int(rng.integers(0, 600)))
        calls.append(matcher.Request.model_validate({
            "request_id": f"C{k}", "kind": "one_click_call", "team": "care", "lat": home.lat,
            "lon": home.lon, "priority": 5, "duration_minutes": 30,
            "earliest_start": at, "latest_start": at + timedelta(minutes=20),
        }))  # fmt: skip
    fast_problem, fast = base, plan
    for batch in (calls[:1], calls[1:5], calls[5:6], calls[6:]):
        fast_problem, fast = dispatch_calls(fast_problem, fast, batch)
    slow_problem, slow = base, plan
    for call in calls:  # a copy of the problem each time: nothing cached can be reused
        fresh = slow_problem.model_copy()
        slow_problem, slow = dispatch_calls(fresh, slow.model_copy(deep=True), [call])
    assert fast.assignments == slow.assignments
    assert {u.request_id for u in fast.unassigned} == {u.request_id for u in slow.unassigned}
    assert fast.summary.served_weight == slow.summary.served_weight
    assert_valid(fast_problem, fast)


def test_an_extended_day_equals_the_day_built_from_scratch() -> None:
    import numpy as np

    from matcher._internal.solver.core.instance import build_instance, extend_instance

    vols, reqs = generate_community(60, 90, seed=2, start=date(2026, 12, 1))
    first = matcher.load_problem(vols, reqs)
    again = [r.model_copy(update={"request_id": f"{r.request_id}-again", "priority": 5})
             for r in first.requests[::7]]  # fmt: skip
    day = first.model_copy(update={"requests": (*first.requests, *again)})
    extended = extend_instance(build_instance(first), day, len(first.requests))
    assert extended is not None
    built = build_instance(day)
    for name in ("r_team", "r_lat", "r_lon", "r_skills", "r_earliest", "r_latest",
                 "r_duration", "r_crew", "r_weight", "r_priority"):  # fmt: skip
        assert np.array_equal(getattr(extended, name), getattr(built, name)), name
    assert extended.r_ids == built.r_ids and extended.walks.r_ids == built.walks.r_ids
    earlier = day.requests[0].model_copy(
        update={"request_id": "EARLY", "earliest_start": datetime(2026, 11, 30, 23)}
    )
    before = day.model_copy(update={"requests": (*day.requests, earlier)})
    assert extend_instance(built, before, len(day.requests)) is None  # a day earlier: rebuild
