"""Properties of the checker over many generated schedules (hypothesis)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher._internal.check import CheckReport, check_schedule
from matcher._internal.check.walking import great_circle_m, walk_minutes
from matcher._internal.model import Problem, Request, Settings, Volunteer

MIDNIGHT = datetime(2026, 12, 1)
OPEN, CLOSE = MIDNIGHT + timedelta(hours=9), MIDNIGHT + timedelta(hours=12)


def volunteer(availability: str) -> Volunteer:
    return Volunteer.model_validate(
        {
            "volunteer_id": "v1",
            "team": "care",
            "lat": 30.0,
            "lon": 120.0,
            "availability": availability,
            "max_minutes_per_day": 1440,
            "max_walk_minutes": 60,
        }
    )


def request(
    rid: str, lat: float, lon: float, earliest: datetime, latest: datetime, d: int
) -> Request:
    return Request.model_validate(
        {
            "request_id": rid,
            "kind": "elderly_visit",
            "lat": lat,
            "lon": lon,
            "earliest_start": earliest,
            "latest_start": latest,
            "duration_minutes": d,
        }
    )


def check(problem: Problem, rows: list[dict[str, Any]]) -> CheckReport:
    return check_schedule(
        problem,
        pd.DataFrame(rows, columns=["request_id", "volunteer_id", "team", "start", "end"]),
        pd.DataFrame([], columns=["request_id", "reason", "detail"]),
    )


def one_row(rid: str, start: datetime, end: datetime) -> dict[str, Any]:
    return {"request_id": rid, "volunteer_id": "v1", "team": "care", "start": start, "end": end}


@settings(max_examples=150, deadline=None)
@given(start_minute=st.integers(0, 23 * 60), duration=st.integers(1, 180))
def test_r4_reported_exactly_when_outside_availability(start_minute: int, duration: int) -> None:
    start = MIDNIGHT + timedelta(minutes=start_minute)
    end = start + timedelta(minutes=duration)
    problem = Problem(
        volunteers=(volunteer(f"{OPEN.isoformat()}/{CLOSE.isoformat()}"),),
        requests=(request("r1", 30.0, 120.0, MIDNIGHT, MIDNIGHT + timedelta(hours=23), duration),),
    )
    report = check(problem, [one_row("r1", start, end)])
    inside = start >= OPEN and end <= CLOSE
    assert [str(v.rule) for v in report.violations] == ([] if inside else ["R4 availability"])


stop = st.tuples(
    st.floats(-0.004, 0.004),  # latitude offset from home: within about 450 m
    st.floats(-0.004, 0.004),
    st.integers(5, 90),  # duration
    st.integers(0, 30),  # slack before the start, beyond the walk
)


def chain(stops: list[tuple[float, float, int, int]]) -> tuple[Problem, list[dict[str, Any]]]:
    """A volunteer's day built only from feasible slots: each start >= previous end + walk."""
    walking = Settings()
    reqs, rows = [], []
    at, lat, lon = MIDNIGHT + timedelta(hours=7), 30.0, 120.0
    for i, (dlat, dlon, duration, slack) in enumerate(stops):
        here = (30.0 + dlat, 120.0 + dlon)
        walk = walk_minutes(lat, lon, *here, walking) if i else 0.0
        start = at + timedelta(minutes=math.ceil(walk) + slack)
        end = start + timedelta(minutes=duration)
        reqs.append(request(f"r{i}", *here, start - timedelta(minutes=slack), start, duration))
        rows.append(one_row(f"r{i}", start, end))
        at, (lat, lon) = end, here
    problem = Problem(
        volunteers=(
            volunteer(f"{MIDNIGHT.isoformat()}/{(MIDNIGHT + timedelta(days=1)).isoformat()}"),
        ),
        requests=tuple(reqs),
    )
    return problem, rows


@settings(max_examples=80, deadline=None)
@given(stops=st.lists(stop, min_size=1, max_size=6))
def test_schedules_from_feasible_slots_are_accepted(
    stops: list[tuple[float, float, int, int]],
) -> None:
    problem, rows = chain(stops)
    assert check(problem, rows).violations == []


@settings(max_examples=80, deadline=None)
@given(stops=st.lists(stop, min_size=2, max_size=6), pick=st.integers(1, 5), data=st.data())
def test_starting_before_the_walk_is_done_is_r6_travel(
    stops: list[tuple[float, float, int, int]], pick: int, data: st.DataObject
) -> None:
    i = min(pick, len(stops) - 1)
    moved = (stops[i - 1][0] + 0.003, stops[i][1], stops[i][2], 0)
    stops = [*stops[:i], moved, *stops[i + 1 :]]  # at least 333 m from the previous stop
    problem, rows = chain(stops)
    before, after = problem.requests[i - 1], problem.requests[i]
    walk = walk_minutes(before.lat, before.lon, after.lat, after.lon, problem.settings)
    early = data.draw(st.integers(0, math.ceil(walk) - 1), label="minutes after the previous end")
    start = rows[i - 1]["end"] + timedelta(minutes=early)
    rows[i] = one_row(f"r{i}", start, start + timedelta(minutes=after.duration_minutes))
    rules = {str(v.rule) for v in check(problem, rows).violations}
    assert "R6 travel" in rules


def test_great_circle_matches_a_known_distance() -> None:
    # One degree of latitude on the IUGG mean sphere is pi/180 * 6,371,008.8 m.
    assert math.isclose(great_circle_m(30.0, 120.0, 31.0, 120.0), 111_195.08, abs_tol=0.01)
    assert math.isclose(walk_minutes(0, 0, 0, 0, Settings()), 0.0)
