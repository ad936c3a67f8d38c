"""Hypothesis strategies for problems of every shape the data contract allows, not only the
generator's: multi-day and mid-day availability, back-to-back intervals, services that cross
midnight and long ones, binding minute and task caps, crews of 2-3 at fixed or free starts,
languages, exclusions and preferences, teams with nothing to do, one volunteer with many
requests, and settings overrides (priority weights, walking speed, detour)."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from matcher import Problem, Request, Settings, Volunteer, WalkingTime

BASE = datetime(2026, 12, 1)
CENTRE = (37.8700, 112.5500)
METRES_PER_DEG = 111_195.0
TEAMS = ("care", "repair", "medical")  # volunteers are in the first two only
SKILLS = ("first_aid", "tools")
LANGUAGES = ("jin", "mandarin", "english")


@dataclass(frozen=True)
class Size:
    """Upper limits of one harness size."""

    volunteers: tuple[int, int]
    requests: tuple[int, int]
    days: int


TINY = Size(volunteers=(1, 6), requests=(0, 12), days=2)
COMMUNITY = Size(volunteers=(15, 30), requests=(40, 100), days=2)


def _iso(minute: int) -> str:
    return (BASE + timedelta(minutes=minute)).isoformat()


def _minute(iso: str) -> int:
    return int((datetime.fromisoformat(iso) - BASE).total_seconds() // 60)


def _place(draw: st.DrawFn, spread_m: int) -> tuple[float, float]:
    north = draw(st.integers(-spread_m, spread_m))
    east = draw(st.integers(-spread_m, spread_m))
    return CENTRE[0] + north / METRES_PER_DEG, CENTRE[1] + east / (METRES_PER_DEG * 0.79)


AVAILABILITY_SHAPES = (
    "day", "day", "split", "back_to_back", "multi_day", "evening_to_morning", "none",
)  # fmt: skip


def _availability(draw: st.DrawFn, days: int, shape: str) -> list[str]:
    """Intervals of one shape; back-to-back ones touch, multi-day ones cross midnight."""
    day = draw(st.integers(0, days - 1)) * 1440
    five = st.integers(0, 288).map(lambda k: k * 5)
    if shape == "none":
        return []
    if shape == "day":
        a = day + draw(st.integers(6 * 12, 14 * 12)) * 5
        return [f"{_iso(a)}/{_iso(a + draw(st.integers(24, 144)) * 5)}"]
    if shape == "split":  # morning and afternoon, a gap between
        a = day + 8 * 60 + draw(five) // 4
        b = a + 120 + draw(five) // 4
        c = b + 30 + draw(five) // 4
        return [f"{_iso(a)}/{_iso(b)}", f"{_iso(c)}/{_iso(c + 60 + draw(five) // 2)}"]
    if shape == "back_to_back":  # touching intervals: one interval by rule 4
        a = day + 8 * 60 + draw(five) // 2
        cuts = sorted({a + 30 + k * 5 for k in draw(st.lists(st.integers(0, 60), max_size=3))})
        ends = [a, *[c for c in cuts if c > a], a + 30 + 5 * 61 + draw(five)]
        return [f"{_iso(x)}/{_iso(y)}" for x, y in itertools.pairwise(ends) if y > x]
    if shape == "multi_day":  # one interval over several days
        a = day + draw(five)
        return [f"{_iso(a)}/{_iso(a + draw(st.integers(1440, 1440 * days)))}"]
    # evening_to_morning: across midnight
    a = day + 18 * 60 + draw(five) // 2
    return [f"{_iso(a)}/{_iso(a + 6 * 60 + draw(five) * 2)}"]


@st.composite
def volunteers_strategy(draw: st.DrawFn, vid: str, size: Size, spread_m: int) -> dict[str, Any]:
    lat, lon = _place(draw, spread_m)
    intervals = _availability(draw, size.days, draw(st.sampled_from(AVAILABILITY_SHAPES)))
    return {
        "volunteer_id": vid,
        "team": draw(st.sampled_from(TEAMS[:2])),
        "skills": draw(st.sampled_from([[], [SKILLS[0]], [SKILLS[1]], list(SKILLS), list(SKILLS)])),
        "lat": lat,
        "lon": lon,
        "availability": intervals,
        "max_minutes_per_day": draw(st.sampled_from([30, 60, 90, 120, 240, 480, 1440, 4320])),
        "max_tasks_per_day": draw(st.sampled_from([None, None, None, 0, 1, 2, 3])),
        "max_walk_minutes": draw(st.sampled_from([0, 10, 15, 20, 30, 30])),
        "languages": draw(st.lists(st.sampled_from(LANGUAGES), unique=True, max_size=2)),
    }


@st.composite
def requests_strategy(
    draw: st.DrawFn,
    rid: str,
    size: Size,
    spread_m: int,
    volunteer_ids: list[str],
    anchors: list[int],
) -> dict[str, Any]:
    """A request; `anchors` are minutes where some volunteer's availability starts."""
    lat, lon = _place(draw, spread_m)
    if anchors and draw(st.booleans()):  # inside someone's availability, half the time
        earliest = draw(st.sampled_from(anchors)) + draw(st.integers(0, 12)) * 5
    else:
        day = draw(st.integers(0, size.days - 1)) * 1440
        at_night = draw(st.integers(0, 5)) == 0
        earliest = day + draw(st.integers(0, 1439) if at_night else st.integers(420, 1200))
    width = draw(st.sampled_from([0, 15, 60, 120, 180, 600, 1440]))
    duration = draw(st.sampled_from([10, 20, 30, 45, 60, 90, 120, 300, 900]))
    crew = draw(st.sampled_from([1, 1, 1, 1, 1, 1, 2, 3]))
    ids = (
        st.lists(st.sampled_from(volunteer_ids), unique=True, max_size=2)
        if volunteer_ids
        else st.just([])
    )
    return {
        "request_id": rid,
        "kind": "visit",
        "team": draw(st.sampled_from([None] * 4 + list(TEAMS))),  # "medical" has no volunteers
        "required_skills": draw(st.sampled_from([[], [], [], [SKILLS[0]], [SKILLS[1]]])),
        "lat": lat,
        "lon": lon,
        "earliest_start": _iso(earliest),
        "latest_start": _iso(earliest + width),
        "duration_minutes": duration,
        "volunteers_needed": crew,
        "priority": draw(st.integers(1, 5)),
        "weight": draw(st.one_of(st.none(), st.none(), st.integers(1, 30))),
        "resident_id": draw(st.sampled_from([None, "res1", "res2"])),
        "preferred_volunteers": draw(ids),
        "excluded_volunteers": draw(ids),
        "language": draw(st.sampled_from([None] * 7 + list(LANGUAGES))),
    }


@st.composite
def settings_strategy(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        out["priority_weights"] = {p: draw(st.integers(1, 50)) for p in range(1, 6)}
    if draw(st.booleans()):
        out["walking_speed_m_per_min"] = draw(st.sampled_from([40.0, 60.0, 75.0, 90.0]))
        out["detour_factor"] = draw(st.sampled_from([1.0, 1.2, 1.3, 1.6]))
    return out


@st.composite
def problems(draw: st.DrawFn, size: Size) -> Problem:
    """A problem of at most `size`, of any shape the contract allows."""
    spread_m = draw(st.sampled_from([150, 400, 900]))
    if draw(st.integers(0, 7)) == 0:  # one volunteer with many requests
        n_v, n_r = 1, draw(st.integers(size.requests[1] // 2, size.requests[1]))
    else:
        n_v = draw(st.integers(*size.volunteers))
        n_r = draw(st.integers(*size.requests))
    vids = [f"V{i}" for i in range(n_v)]
    vols = [draw(volunteers_strategy(v, size, spread_m)) for v in vids]
    anchors = sorted({_minute(iv.split("/")[0]) for v in vols for iv in v["availability"]})
    reqs = [draw(requests_strategy(f"R{i}", size, spread_m, vids, anchors)) for i in range(n_r)]
    places = [v["volunteer_id"] for v in vols] + [r["request_id"] for r in reqs]
    table = draw(walking_tables(places)) if len(places) > 1 else []
    return Problem(
        volunteers=tuple(Volunteer.model_validate(v) for v in vols),
        requests=tuple(Request.model_validate(r) for r in reqs),
        settings=Settings(**draw(settings_strategy()), deterministic=True, time_limit_s=2.0),
        walking_times=tuple(table),
    )


@st.composite
def walking_tables(draw: st.DrawFn, places: list[str]) -> list[WalkingTime]:
    """A walking-time table a quarter of the time: some pairs, with minutes that need not
    obey the triangle inequality (walls and gates)."""
    if draw(st.integers(0, 3)) != 0:
        return []
    pairs = st.tuples(st.sampled_from(places), st.sampled_from(places)).filter(
        lambda p: p[0] != p[1]
    )
    chosen = draw(st.lists(pairs, max_size=3 * len(places), unique_by=lambda p: p))
    return [
        WalkingTime(from_place=a, to_place=b, minutes=draw(st.integers(0, 40)) / 2)
        for a, b in chosen
    ]


def describe(problem: Problem) -> Counter[str]:
    """Which shapes a problem shows, for the benchmark's tally of what the harness tried."""
    seen: Counter[str] = Counter()
    for v in problem.volunteers:
        iv = v.availability
        if not iv:
            seen["volunteer without availability"] += 1
        if any(i.start.date() != (i.end - timedelta(microseconds=1)).date() for i in iv):
            seen["availability across midnight"] += 1
        if any(a.end == b.start for a, b in itertools.pairwise(iv)):
            seen["back-to-back intervals"] += 1
        if v.max_tasks_per_day is not None:
            seen["task cap"] += 1
    for r in problem.requests:
        end = r.latest_start + timedelta(minutes=r.duration_minutes)
        if end.date() != r.earliest_start.date():
            seen["service may cross midnight"] += 1
        if r.volunteers_needed > 1:
            seen["crew of several"] += 1
        if r.volunteers_needed > 1 and r.earliest_start != r.latest_start:
            seen["crew at a free start"] += 1
        if r.language:
            seen["language"] += 1
        if r.excluded_volunteers:
            seen["exclusion"] += 1
    if not problem.requests:
        seen["no requests"] += 1
    if not problem.volunteers:
        seen["no volunteers"] += 1
    if problem.settings.priority_weights != Settings().priority_weights:
        seen["priority weights override"] += 1
    if any(r.weight is not None for r in problem.requests):
        seen["request weights"] += 1
    if problem.walking_times:
        seen["walking-time table"] += 1
    if problem.settings.walking_speed_m_per_min != 75.0:
        seen["walking override"] += 1
    return seen
