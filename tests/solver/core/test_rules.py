"""The hard rules of `core.rules`, one by one, against the independent checker's reading.

Each test builds the smallest problem and schedule that exercise exactly one rule, at and
around its boundary, asks the rule function (on the instance's integer-minute grid) whether
the schedule keeps it, and asks the checker (`matcher._internal.check`, real datetimes, its
own walks) the same question: the checker accepts exactly when the rule says yes, and when it
refuses, it names only the rule under test. Where a rule is arithmetic, Hypothesis draws the
cases. A case also states the answer a person reads off the contract, so the two readings
cannot agree on a wrong answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from factories import north, problem, request, volunteer
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher._internal.check import CheckReport, Rule, check_schedule
from matcher._internal.model import Problem, WalkingTime
from matcher._internal.solver.core.candidates import find_candidates
from matcher._internal.solver.core.instance import Instance, build_instance
from matcher._internal.solver.core.rules import (
    MINUTES_PER_DAY,
    day_service_minutes,
    day_starts,
    has_skills,
    in_community,
    in_reach,
    in_team,
    merge_touching,
    service_day,
    start_window,
    travel_minutes,
    within_day_caps,
)

T0 = datetime(2026, 12, 1)
"""Midnight of the factories' day: minute 0 of every instance built here."""

Booking = tuple[str, str, int]
"""(request, volunteer, start minute): one crew member's row."""


def clock(minute: float) -> datetime:
    return T0 + timedelta(minutes=minute)


def stamp(minute: float) -> str:
    return clock(minute).isoformat()


def minute_of(moment: datetime) -> float:
    return (moment - T0).total_seconds() / 60


def instance(p: Problem) -> Instance:
    inst = build_instance(p)
    assert inst.origin == T0
    return inst


def checked(p: Problem, booked: Iterable[Booking]) -> CheckReport:
    """The checker's report on a schedule of `booked` rows (each ends after its request's
    duration), every other request listed as unassigned."""
    duration = {r.request_id: r.duration_minutes for r in p.requests}
    rows = [
        {"request_id": r, "volunteer_id": v, "start": clock(s), "end": clock(s + duration[r])}
        for r, v, s in booked
    ]
    served = {row["request_id"] for row in rows}
    left = [
        {"request_id": r.request_id, "reason": "capacity_taken", "detail": "left out here"}
        for r in p.requests
        if r.request_id not in served
    ]
    return check_schedule(
        p,
        pd.DataFrame(rows, columns=["request_id", "volunteer_id", "start", "end"]),
        pd.DataFrame(left, columns=["request_id", "reason", "detail"]),
    )


def agrees(report: CheckReport, says: bool, *rules: Rule) -> None:
    """The checker accepts exactly when the rule says yes, and refuses for `rules` only."""
    assert report.ok == says, "\n".join(str(v) for v in report.violations) or "accepted"
    assert set(report.by_rule()) <= {str(r) for r in rules}, report.headline()


def starts_allowed(inst: Instance, r: int, v: int) -> list[tuple[int, int]]:
    """Rule 4 as the solver reads it: the start ranges of r inside each of v's (merged)
    availability intervals, empty ones dropped."""
    ranges = []
    for k in range(int(inst.a_ptr[v]), int(inst.a_ptr[v + 1])):
        lo, hi = start_window(
            int(inst.r_earliest[r]),
            int(inst.r_latest[r]),
            int(inst.r_duration[r]),
            int(inst.a_start[k]),
            int(inst.a_end[k]),
        )
        if lo <= hi:
            ranges.append((int(lo), int(hi)))
    return ranges


def inside(start: int, ranges: list[tuple[int, int]]) -> bool:
    return any(lo <= start <= hi for lo, hi in ranges)


# --- rule 1: team and community -------------------------------------------------------------


@pytest.mark.parametrize("volunteer_team", ["care", "medical"])
@pytest.mark.parametrize("request_team", [None, "care", "medical"])
def test_rule_1_team(request_team: str | None, volunteer_team: str) -> None:
    p = problem([volunteer("v", team=volunteer_team)], [request("r", team=request_team)])
    inst = instance(p)
    says = bool(in_team(inst.r_team[:, None], inst.v_team[None, :])[0, 0])
    assert says == (request_team in (None, volunteer_team))
    agrees(checked(p, [("r", "v", 9 * 60)]), says, Rule.TEAM)


@pytest.mark.parametrize(
    ("request_community", "volunteer_community"),
    [(None, None), ("east", "east"), ("east", "west"), (None, "east"), ("east", None)],
)
def test_rule_1_community(request_community: str | None, volunteer_community: str | None) -> None:
    p = problem(
        [volunteer("v", community=volunteer_community)],
        [request("r", community=request_community)],
    )
    inst = instance(p)
    says = bool(in_community(inst.r_community[:, None], inst.v_community[None, :])[0, 0])
    assert says == (request_community == volunteer_community)
    agrees(checked(p, [("r", "v", 9 * 60)]), says, Rule.COMMUNITY)


# --- rule 2: skills -------------------------------------------------------------------------

SKILLS = ["elderly_care", "first_aid", "cooking"]


@settings(max_examples=60, deadline=None)
@given(
    required=st.lists(st.sampled_from(SKILLS), unique=True),
    held=st.lists(st.sampled_from(SKILLS), unique=True),
)
def test_rule_2_skills(required: list[str], held: list[str]) -> None:
    p = problem([volunteer("v", skills=held)], [request("r", required_skills=required)])
    inst = instance(p)
    says = bool(has_skills(inst.r_skills, inst.v_skills)[0, 0])
    assert says == (set(required) <= set(held))
    agrees(checked(p, [("r", "v", 9 * 60)]), says, Rule.SKILLS)


# --- rules 3 and 4: the window, availability, and a crew's common start ----------------------


def _window_case(free: tuple[int, int], window: tuple[int, int], minutes: int) -> Problem:
    return problem(
        [volunteer("v", availability=[f"{stamp(free[0])}/{stamp(free[1])}"])],
        [
            request(
                "r",
                minutes=minutes,
                earliest_start=stamp(window[0]),
                latest_start=stamp(window[1]),
            )
        ],
    )


WINDOW_CASES = {
    # free minutes, request window, duration: each with the start range a person reads off
    "availability binds both ends": ((480, 600), (420, 660), 60, (480, 540)),
    "window binds both ends": ((480, 720), (540, 570), 60, (540, 570)),
    "exactly fits": ((480, 540), (480, 480), 60, (480, 480)),
    "one minute short": ((480, 539), (480, 480), 60, None),
    "window opens after the last start": ((480, 600), (541, 600), 60, None),
}


@pytest.mark.parametrize("case", WINDOW_CASES, ids=list(WINDOW_CASES))
def test_rules_3_and_4_start_window_at_its_edges(case: str) -> None:
    free, window, minutes, expected = WINDOW_CASES[case]
    p = _window_case(free, window, minutes)
    inst = instance(p)
    lo, hi = start_window(
        int(inst.r_earliest[0]),
        int(inst.r_latest[0]),
        minutes,
        int(inst.a_start[0]),
        int(inst.a_end[0]),
    )
    assert ((int(lo), int(hi)) if lo <= hi else None) == expected
    edges = {window[0] - 1, window[0], window[1], window[1] + 1, free[0] - 1, free[0]}
    edges |= {free[1] - minutes, free[1] - minutes + 1, int(lo) - 1, int(lo), int(hi), int(hi) + 1}
    for s in sorted(edges):
        agrees(checked(p, [("r", "v", s)]), bool(lo <= s <= hi), Rule.CREW, Rule.AVAILABILITY)


@settings(max_examples=120, deadline=None)
@given(
    free_from=st.integers(6 * 60, 10 * 60),
    free_length=st.integers(1, 240),
    earliest=st.integers(6 * 60, 10 * 60),
    window_length=st.integers(0, 120),
    minutes=st.integers(1, 120),
    offset=st.integers(-3, 3),
    edge=st.sampled_from(["earliest", "latest", "free_from", "last_fit"]),
)
def test_rules_3_and_4_start_window_drawn(
    free_from: int,
    free_length: int,
    earliest: int,
    window_length: int,
    minutes: int,
    offset: int,
    edge: str,
) -> None:
    free = (free_from, free_from + free_length)
    window = (earliest, earliest + window_length)
    p = _window_case(free, window, minutes)
    near = {
        "earliest": window[0],
        "latest": window[1],
        "free_from": free[0],
        "last_fit": free[1] - minutes,
    }
    s = near[edge] + offset
    says = inside(s, starts_allowed(instance(p), 0, 0))
    assert says == (window[0] <= s <= window[1] and free[0] <= s and s + minutes <= free[1])
    agrees(checked(p, [("r", "v", s)]), says, Rule.CREW, Rule.AVAILABILITY)


@pytest.mark.parametrize("start", [8 * 60 + 59, 9 * 60, 9 * 60 + 1])
def test_rule_3_a_crew_starts_inside_every_members_window(start: int) -> None:
    """Crew of two: one free 08:00-10:00, one 09:00-12:00; a 60-minute visit can start
    only at 09:00, the one start inside both members' windows."""
    p = problem(
        [volunteer("early", hours="08:00-10:00"), volunteer("late", hours="09:00-12:00")],
        [request("r", window="08:00-10:00", minutes=60, volunteers_needed=2)],
    )
    inst = instance(p)
    says = all(inside(start, starts_allowed(inst, 0, v)) for v in range(2))
    assert says == (start == 9 * 60)
    report = checked(p, [("r", "early", start), ("r", "late", start)])
    agrees(report, says, Rule.AVAILABILITY)


def test_rule_3_a_crew_that_does_not_start_together_is_refused() -> None:
    p = problem(
        [volunteer("a"), volunteer("b")],
        [request("r", window="09:00-10:00", minutes=60, volunteers_needed=2)],
    )
    inst = instance(p)
    assert all(inside(s, starts_allowed(inst, 0, v)) for v in range(2) for s in (540, 541))
    agrees(checked(p, [("r", "a", 540), ("r", "b", 540)]), True)
    agrees(checked(p, [("r", "a", 540), ("r", "b", 541)]), False, Rule.CREW)


# --- rule 4: touching intervals are one -----------------------------------------------------

TOUCHING = {
    # availability (minute pairs) and a 60-minute service at 08:30
    "touching": ([(480, 540), (540, 600)], True),
    "a minute apart": ([(480, 540), (541, 600)], False),
    "three in a row": ([(480, 500), (500, 520), (520, 600)], True),
    "inside one": ([(480, 600), (660, 700)], True),
}


@pytest.mark.parametrize("case", TOUCHING, ids=list(TOUCHING))
def test_rule_4_touching_intervals_are_one(case: str) -> None:
    spans, expected = TOUCHING[case]
    merged = merge_touching(spans)
    says = any(lo <= 510 <= hi for lo, hi in (start_window(510, 510, 60, a, b) for a, b in merged))
    assert says == expected
    p = problem(
        [volunteer("v", availability=[f"{stamp(a)}/{stamp(b)}" for a, b in spans])],
        [request("r", window="08:30-08:30", minutes=60)],
    )
    assert inside(510, starts_allowed(instance(p), 0, 0)) == says
    agrees(checked(p, [("r", "v", 510)]), says, Rule.AVAILABILITY)


def test_rule_4_intervals_touching_between_minutes_are_merged_before_rounding() -> None:
    """08:00 to 09:00:30 and 09:00:30 to 10:00 are one interval; rounded inwards apart, they
    would be 08:00-09:00 and 09:01-10:00 and refuse a visit from 08:30 to 09:30."""
    spans = [(clock(480), clock(540.5)), (clock(540.5), clock(600))]
    assert merge_touching(spans) == [(clock(480), clock(600))]
    p = problem(
        [volunteer("v", availability=[f"{a.isoformat()}/{b.isoformat()}" for a, b in spans])],
        [request("r", window="08:30-08:30", minutes=60)],
    )
    inst = instance(p)
    assert (inst.a_start.tolist(), inst.a_end.tolist()) == ([480], [600])
    agrees(checked(p, [("r", "v", 510)]), inside(510, starts_allowed(inst, 0, 0)))


def test_rule_4_an_interval_ending_between_minutes_is_rounded_inwards() -> None:
    """Free until 09:59:30: a 60-minute visit at 08:59 would end at 09:59 (fits), at 09:00
    it would end at 10:00 (30 s too late)."""
    p = problem(
        [volunteer("v", availability=[f"{stamp(480)}/{stamp(599.5)}"])],
        [request("r", window="08:00-10:00", minutes=60)],
    )
    ranges = starts_allowed(instance(p), 0, 0)
    assert ranges == [(480, 539)]
    for s in (539, 540):
        agrees(checked(p, [("r", "v", s)]), inside(s, ranges), Rule.AVAILABILITY)


@settings(max_examples=80, deadline=None)
@given(
    lengths=st.lists(st.integers(5, 90), min_size=1, max_size=4),
    gaps=st.lists(st.integers(0, 2), min_size=3, max_size=3),
    start=st.integers(470, 700),
    minutes=st.integers(10, 120),
)
def test_rule_4_merged_availability_drawn(
    lengths: list[int], gaps: list[int], start: int, minutes: int
) -> None:
    spans, at = [], 480
    for length, gap in zip(lengths, [0, *gaps], strict=False):
        at += gap
        spans.append((at, at + length))
        at += length
    says = any(
        lo <= start <= hi
        for lo, hi in (start_window(start, start, minutes, a, b) for a, b in merge_touching(spans))
    )
    p = problem(
        [volunteer("v", availability=[f"{stamp(a)}/{stamp(b)}" for a, b in spans])],
        [request("r", minutes=minutes, earliest_start=stamp(start), latest_start=stamp(start))],
    )
    assert inside(start, starts_allowed(instance(p), 0, 0)) == says
    agrees(checked(p, [("r", "v", start)]), says, Rule.AVAILABILITY)


# --- rule 5: reach --------------------------------------------------------------------------


def _reach_case(walk: float | None, metres: float = 0.0) -> Problem:
    p = problem([volunteer("v", max_walk_minutes=15)], [request("r", where=north(metres))])
    if walk is None:
        return p
    table = (WalkingTime(from_place="v", to_place="r", minutes=walk),)
    return p.model_copy(update={"walking_times": table})


def _reach_agrees(p: Problem) -> bool:
    inst = instance(p)
    walk = float(inst.walks.home_matrix(np.array([0]))[0, 0])
    says = bool(in_reach(walk, inst.v_max_walk[0]))
    assert (find_candidates(inst).n_pairs == 1) == says  # the candidate filter enforces it
    agrees(checked(p, [("r", "v", 9 * 60)]), says, Rule.REACH)
    return says


@pytest.mark.parametrize(
    ("walk", "expected"), [(0.0, True), (14.99, True), (15.0, True), (15.01, False), (40, False)]
)
def test_rule_5_reach_at_its_edge(walk: float, expected: bool) -> None:
    assert _reach_agrees(_reach_case(walk)) == expected


@settings(max_examples=60, deadline=None)
@given(hundredths=st.integers(1300, 1700))
def test_rule_5_reach_from_a_walking_table(hundredths: int) -> None:
    assert _reach_agrees(_reach_case(hundredths / 100)) == (hundredths <= 1500)


@settings(max_examples=60, deadline=None)
@given(metres=st.integers(700, 1000))
def test_rule_5_reach_great_circle(metres: int) -> None:
    """15 minutes at 75 m/min with a detour factor of 1.3 reach 865 m."""
    assert _reach_agrees(_reach_case(None, metres)) == (metres <= 865)


# --- rule 6: time and travel ----------------------------------------------------------------


def _travel_case(walk: float) -> Problem:
    p = problem(
        [volunteer("v", hours="08:00-12:00")],
        [
            request("a", window="09:00-09:00", minutes=30),
            request("b", window="09:00-11:00", minutes=30),
        ],
    )
    table = (WalkingTime(from_place="a", to_place="b", minutes=walk),)
    return p.model_copy(update={"walking_times": table})


def _travel_agrees(walk: float, gap: int) -> bool:
    """a from 09:00 to 09:30, then b `gap` minutes after a ends."""
    p = _travel_case(walk)
    inst = instance(p)
    a, b = inst.r_ids.index("a"), inst.r_ids.index("b")
    need = inst.walk_between_requests(a, b)
    assert need == travel_minutes(walk)
    says = 570 + gap >= 570 + need
    agrees(checked(p, [("a", "v", 540), ("b", "v", 570 + gap)]), says, Rule.TRAVEL, Rule.OVERLAP)
    return says


@pytest.mark.parametrize(
    ("walk", "gap", "expected"),
    [
        (10.0, 10, True),
        (10.0, 9, False),
        (10.01, 10, False),
        (10.01, 11, True),
        (10 + 1e-12, 10, True),  # float noise is forgiven
        (9.99, 10, True),
        (0.0, 0, True),
        (0.0, -1, False),  # an overlap
    ],
)
def test_rule_6_travel_at_its_edge(walk: float, gap: int, expected: bool) -> None:
    assert _travel_agrees(walk, gap) == expected


@settings(max_examples=100, deadline=None)
@given(hundredths=st.integers(0, 3000), gap=st.integers(-5, 35))
def test_rule_6_travel_drawn(hundredths: int, gap: int) -> None:
    assert _travel_agrees(hundredths / 100, gap) == (gap >= 0 and gap * 100 >= hundredths)


@pytest.mark.parametrize(
    ("walk", "expected"),
    [(0.0, 0), (1e-12, 0), (0.5, 1), (1.0, 1), (1.000001, 2), (17.3, 18), (10 - 1e-12, 10)],
)
def test_rule_6_travel_minutes_is_the_first_whole_minute_after_the_walk(
    walk: float, expected: int
) -> None:
    assert travel_minutes(walk) == expected


# --- rule 7: daily caps ---------------------------------------------------------------------


def test_rule_7_day_starts_bound_the_days_of_service_day() -> None:
    for day in range(-2, 40):
        first, last = day_starts(day)
        assert last - first + 1 == MINUTES_PER_DAY
        assert service_day(first) == service_day(last) == day
        assert service_day(first - 1) == day - 1 and service_day(last + 1) == day + 1
    starts = np.arange(-3000, 9000)
    firsts = np.array([day_starts(int(d))[0] for d in service_day(starts)])
    assert ((firsts <= starts) & (starts < firsts + MINUTES_PER_DAY)).all()


@pytest.mark.parametrize("second", [23 * 60 + 58, 23 * 60 + 59, 24 * 60, 24 * 60 + 1])
def test_rule_7_a_service_counts_whole_toward_the_day_it_starts(second: int) -> None:
    """Two 40-minute visits under a 60-minute cap: allowed only on different days. The
    second, starting before midnight, counts whole toward the first day even where it ends
    after midnight."""
    evening = [f"{stamp(22 * 60)}/{stamp(27 * 60)}"]
    p = problem(
        [volunteer("v", availability=evening, max_minutes_per_day=60)],
        [
            request("x", minutes=40, earliest_start=stamp(22 * 60), latest_start=stamp(22 * 60)),
            request("y", minutes=40, earliest_start=stamp(second), latest_start=stamp(second)),
        ],
    )
    inst = instance(p)
    says, load = True, {}
    for s in (22 * 60, second):
        minutes, tasks = load.get(service_day(s), (0, 0))
        says = says and within_day_caps(minutes, tasks, 40, 60, int(inst.v_max_tasks[0]))
        load[service_day(s)] = (minutes + 40, tasks + 1)
    assert says == (second >= 24 * 60)
    agrees(checked(p, [("x", "v", 22 * 60), ("y", "v", second)]), says, Rule.DAY_MINUTES)


@settings(max_examples=100, deadline=None)
@given(
    durations=st.lists(st.integers(10, 120), min_size=1, max_size=5),
    max_minutes=st.integers(0, 400),
    max_tasks=st.none() | st.integers(0, 5),
)
def test_rule_7_within_day_caps_drawn(
    durations: list[int], max_minutes: int, max_tasks: int | None
) -> None:
    """Services back to back at one place on one day: the last one fits the caps exactly
    when the whole day does."""
    starts = [360 + sum(durations[:i]) for i in range(len(durations))]
    p = problem(
        [
            volunteer(
                "v",
                hours="06:00-23:00",
                max_minutes_per_day=max_minutes,
                max_tasks_per_day=max_tasks,
            )
        ],
        [
            request(f"r{i}", minutes=d, earliest_start=stamp(s), latest_start=stamp(s))
            for i, (d, s) in enumerate(zip(durations, starts, strict=True))
        ],
    )
    inst = instance(p)
    assert len({service_day(s) for s in starts}) == 1
    says = within_day_caps(
        sum(durations[:-1]),
        len(durations) - 1,
        durations[-1],
        int(inst.v_max_minutes[0]),
        int(inst.v_max_tasks[0]),
    )
    total_ok = sum(durations) <= max_minutes
    assert says == (total_ok and (max_tasks is None or len(durations) <= max_tasks))
    booked = [(f"r{i}", "v", s) for i, s in enumerate(starts)]
    agrees(checked(p, booked), says, Rule.DAY_MINUTES, Rule.DAY_TASKS)


@pytest.mark.parametrize(
    ("booked_minutes", "booked_tasks", "duration", "expected"),
    [(180, 2, 60, True), (180, 2, 61, False), (180, 3, 10, False), (0, 0, 240, True)],
)
def test_rule_7_within_day_caps_at_its_edges(
    booked_minutes: int, booked_tasks: int, duration: int, expected: bool
) -> None:
    assert within_day_caps(booked_minutes, booked_tasks, duration, 240, 3) == expected


def test_rule_7_day_service_minutes_is_reached_across_midnight() -> None:
    """Free 22:00 to 02:00; the longest service is 120 minutes. Day 0's services start by
    23:59, so at most 239 minutes count toward it: 22:00-23:59 and 23:59-01:59."""
    night = [f"{stamp(22 * 60)}/{stamp(26 * 60)}"]
    p = problem(
        [volunteer("v", availability=night, max_minutes_per_day=600)],
        [
            request("a", minutes=119, earliest_start=stamp(1320), latest_start=stamp(1320)),
            request("b", minutes=120, earliest_start=stamp(1439), latest_start=stamp(1439)),
        ],
    )
    inst = instance(p)
    most = day_service_minutes(inst.a_start, inst.a_end, 0, inst.longest_service)
    assert most == 239
    assert day_service_minutes(inst.a_start, inst.a_end, 1, inst.longest_service) == 120
    report = checked(p, [("a", "v", 1320), ("b", "v", 1439)])
    agrees(report, True)
    assert sum(r.duration_minutes for r in p.requests) == most


@pytest.mark.parametrize(
    ("spans", "day", "longest", "expected"),
    [
        ([(1320, 1560)], 0, 120, 239),  # from 22:00 to the last start, 23:59, plus 120
        ([(1320, 1560)], 1, 120, 120),  # after midnight: what is left of the interval
        ([(1439, 1560)], 0, 120, 120),  # one service starting 23:59
        ([(1440, 1560)], 0, 120, 0),  # opens at midnight: nothing starts on day 0
        ([(1380, 1441)], 1, 30, 1),  # one minute of day 1 is open
        ([(1380, 1440)], 1, 30, 0),  # closes at midnight
        ([(600, 660), (700, 760)], 0, 30, 120),
        ([(0, 60)], 1, 30, 0),
    ],
)
def test_rule_7_day_service_minutes_by_hand(
    spans: list[tuple[int, int]], day: int, longest: int, expected: int
) -> None:
    free_from, free_until = (np.array(side) for side in zip(*spans, strict=True))
    assert day_service_minutes(free_from, free_until, day, longest) == expected


@settings(max_examples=80, deadline=None)
@given(
    free=st.lists(st.tuples(st.integers(0, 200), st.integers(10, 600)), min_size=1, max_size=3),
    services=st.lists(st.tuples(st.integers(0, 200), st.integers(5, 150)), max_size=6),
)
def test_rule_7_day_service_minutes_holds_every_accepted_day(
    free: list[tuple[int, int]], services: list[tuple[int, int]]
) -> None:
    """Services laid one after another inside the availability (from 20:00 on, so that
    days change): whatever the checker accepts counts no more minutes toward a day than
    `day_service_minutes` says."""
    spans, at = [], 20 * 60
    for gap, length in free:
        spans.append((at + gap, at + gap + length))
        at += gap + length
    booked, at = [], spans[0][0]
    for gap, minutes in services:
        at += gap
        booked.append((f"r{len(booked)}", at, minutes))
        at += minutes
    if not booked:
        booked = [("r0", spans[0][0], 5)]
    p = problem(
        [
            volunteer(
                "v",
                availability=[f"{stamp(a)}/{stamp(b)}" for a, b in spans],
                max_minutes_per_day=10_000,  # no cap binds: only availability and overlaps
            )
        ],
        [
            request(r, minutes=d, earliest_start=stamp(s), latest_start=stamp(s))
            for r, s, d in booked
        ],
    )
    report = checked(p, [(r, "v", s) for r, s, _ in booked])
    assert set(report.by_rule()) <= {str(Rule.AVAILABILITY)}
    if report.ok:
        inst = instance(p)
        for day in {service_day(s) for _, s, _ in booked}:
            counted = sum(d for _, s, d in booked if service_day(s) == day)
            most = day_service_minutes(inst.a_start, inst.a_end, day, inst.longest_service)
            assert counted <= most


# --- rule 8: exclusions and language (no function in rules.py: a pair filter and a crew
# count, both read from core.candidates) ------------------------------------------------------


@pytest.mark.parametrize("excluded", [[], ["v"], ["other"]])
def test_rule_8_an_excluded_volunteer_is_never_a_candidate(excluded: list[str]) -> None:
    p = problem([volunteer("v"), volunteer("other")], [request("r", excluded_volunteers=excluded)])
    inst = instance(p)
    cands = find_candidates(inst)
    says = inst.v_ids.index("v") in cands.vol[cands.of(0)].tolist()
    assert says == ("v" not in excluded)
    agrees(checked(p, [("r", "v", 9 * 60)]), says, Rule.EXCLUSION)


@pytest.mark.parametrize(
    ("languages", "expected"),
    [((["zh"], ["zh"]), True), ((["zh"], []), True), (([], []), False), ((["wu"], ["en"]), False)],
)
def test_rule_8_a_crew_has_a_speaker_of_the_requests_language(
    languages: tuple[list[str], list[str]], expected: bool
) -> None:
    p = problem(
        [volunteer(f"v{i}", languages=spoken) for i, spoken in enumerate(languages)],
        [request("r", language="zh", volunteers_needed=2)],
    )
    cands = find_candidates(instance(p))
    assert cands.needs_language[0]
    says = bool(cands.speaks[cands.of(0)].any())
    assert says == expected
    agrees(checked(p, [("r", "v0", 9 * 60), ("r", "v1", 9 * 60)]), says, Rule.LANGUAGE)
