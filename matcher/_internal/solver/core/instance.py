"""A problem as numpy arrays on an integer-minute grid, the form every solver stage works in.

Minute 0 is midnight before the earliest time in the input. Request windows are rounded
inwards (earliest start up, latest start down) and availability intervals too, so anything
scheduled on the grid also holds in real time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from matcher._internal.geo import Walking
from matcher._internal.model import Problem
from matcher._internal.solver.core.rules import (
    day_service_minutes,
    merge_touching,
    service_day,
    travel_minutes,
)
from matcher._internal.solver.core.walking import Walks, build_walks

DAY_KEY = 100_000
"""A volunteer-day is keyed volunteer * DAY_KEY + day: one sortable integer."""
IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class PlainColumns:
    """The columns that hot loops read one element at a time, as Python lists: indexing a
    numpy array for one scalar costs about ten times a list lookup."""

    a_ptr: list[int]
    a_start: list[int]
    a_end: list[int]
    r_earliest: list[int]
    r_latest: list[int]
    r_duration: list[int]
    r_weight: list[int]
    v_max_minutes: list[int]
    v_max_tasks: list[int]
    v_reach_between: list[int]  # longest walk between two places within v's reach


@dataclass(frozen=True)
class Instance:
    """Column arrays of volunteers (`v_*`), requests (`r_*`) and availability (`a_*`)."""

    problem: Problem
    origin: datetime
    walks: Walks
    # volunteers
    v_ids: list[str]
    v_team: IntArray  # index into team_codes
    v_lat: FloatArray
    v_lon: FloatArray
    v_skills: BoolArray  # volunteers x skills
    v_max_minutes: IntArray
    v_max_tasks: IntArray  # a large number when uncapped
    v_max_walk: FloatArray
    v_community: IntArray  # index into community_names
    # availability intervals, sorted by volunteer then start, touching ones merged (rule 4)
    a_vol: IntArray
    a_start: IntArray
    a_end: IntArray
    a_ptr: IntArray  # volunteer v's intervals are a_ptr[v]:a_ptr[v + 1]
    # requests
    r_ids: list[str]
    r_team: IntArray  # -1: any team
    r_lat: FloatArray
    r_lon: FloatArray
    r_skills: BoolArray  # requests x skills
    r_earliest: IntArray
    r_latest: IntArray
    r_duration: IntArray
    r_crew: IntArray
    r_weight: IntArray
    r_priority: IntArray
    r_community: IntArray  # index into community_names
    team_codes: list[str]
    skill_names: list[str]
    community_names: list[str]  # "" is the unnamed community

    @property
    def n_volunteers(self) -> int:
        return len(self.v_ids)

    @property
    def n_requests(self) -> int:
        return len(self.r_ids)

    @cached_property
    def plain(self) -> PlainColumns:
        # Both places lie within v's reach of home, so (triangle inequality) no estimated walk
        # between them is longer than twice the reach; +2 covers rounding up to whole
        # minutes. A walking-time table promises no such thing: then no walk is ruled out.
        reach_between = 2 * np.floor(self.v_max_walk).astype(np.int64) + 2
        if self.walks.has_table:
            reach_between[:] = 10**9
        return PlainColumns(
            self.a_ptr.tolist(), self.a_start.tolist(), self.a_end.tolist(),
            self.r_earliest.tolist(), self.r_latest.tolist(), self.r_duration.tolist(),
            self.r_weight.tolist(),
            self.v_max_minutes.tolist(), self.v_max_tasks.tolist(), reach_between.tolist(),
        )  # fmt: skip

    def to_time(self, minute: int) -> datetime:
        return self.origin + timedelta(minutes=int(minute))

    @cached_property
    def longest_service(self) -> int:
        return int(self.r_duration.max()) if self.n_requests else 0

    def volunteer_days(self, pair_r: IntArray, pair_v: IntArray) -> tuple[IntArray, BoolArray]:
        """Each pair's volunteer-day key (the day its request's window opens), and whether
        every start in the window counts toward that day (rule 7): a start that may fall on
        either of two days belongs to no single day's caps."""
        day = service_day(self.r_earliest[pair_r])
        one_day = day == service_day(self.r_latest[pair_r])
        return pair_v * DAY_KEY + day, one_day

    def day_capacity(self, keys: IntArray) -> FloatArray:
        """Service minutes each volunteer-day can count: the smaller of the daily minute cap
        and the minutes its services can occupy (`rules.day_service_minutes`)."""
        out = np.zeros(len(keys))
        for i, key in enumerate(keys.tolist()):
            v, day = divmod(key, DAY_KEY)
            span = slice(self.a_ptr[v], self.a_ptr[v + 1])
            free = day_service_minutes(
                self.a_start[span], self.a_end[span], day, self.longest_service
            )
            out[i] = min(float(self.v_max_minutes[v]), free)
        return out

    def describe(self, start: int, crew: list[int]) -> str:
        """`2026-12-01 09:30: V00001, V00002`, as change lists show a crew."""
        names = ", ".join(sorted(self.v_ids[v] for v in crew))
        return f"{self.to_time(start):%Y-%m-%d %H:%M}: {names}"

    def walk_between_requests(self, i: int, j: int) -> int:
        """Whole walking minutes from request i's place to request j's, rounded up."""
        return travel_minutes(self.walks.between_requests(i, j))


def _minute(t: datetime, origin: datetime, *, up: bool) -> int:
    seconds = (t - origin).total_seconds()
    return math.ceil(seconds / 60 - 1e-9) if up else math.floor(seconds / 60 + 1e-9)


def build_instance(problem: Problem) -> Instance:
    """Flatten the validated models into arrays once; every stage reads these."""
    vols, reqs = problem.volunteers, problem.requests
    times = [r.earliest_start for r in reqs] + [i.start for v in vols for i in v.availability]
    first = min(times) if times else datetime(2000, 1, 1)
    origin = datetime(first.year, first.month, first.day)

    team_codes = [t.code for t in problem.teams]
    team_index = {c: i for i, c in enumerate(team_codes)}
    skill_names = sorted(
        {s for v in vols for s in v.skills} | {s for r in reqs for s in r.required_skills}
    )
    skill_index = {s: i for i, s in enumerate(skill_names)}
    community_names = sorted({v.community or "" for v in vols} | {r.community or "" for r in reqs})
    community_index = {c: i for i, c in enumerate(community_names)}

    v_skills = np.zeros((len(vols), len(skill_names)), dtype=bool)
    for i, v in enumerate(vols):
        v_skills[i, [skill_index[s] for s in v.skills]] = True
    r_skills = np.zeros((len(reqs), len(skill_names)), dtype=bool)
    for i, r in enumerate(reqs):
        r_skills[i, [skill_index[s] for s in r.required_skills]] = True

    a_vol, a_start, a_end = [], [], []
    for i, v in enumerate(vols):
        for begins, ends in merge_touching([(iv.start, iv.end) for iv in v.availability]):
            start = _minute(begins, origin, up=True)
            end = _minute(ends, origin, up=False)
            if end > start:
                a_vol.append(i)
                a_start.append(start)
                a_end.append(end)

    settings = problem.settings
    unlimited = 10**9
    return Instance(
        problem=problem,
        origin=origin,
        walks=build_walks(
            problem,
            Walking(settings.walking_speed_m_per_min, settings.detour_factor),
            min((r.duration_minutes for r in reqs), default=1),
        ),
        v_ids=[v.volunteer_id for v in vols],
        v_team=np.array([team_index[v.team] for v in vols], dtype=np.int64),
        v_lat=np.array([v.lat for v in vols], dtype=float),
        v_lon=np.array([v.lon for v in vols], dtype=float),
        v_skills=v_skills,
        v_max_minutes=np.array([v.max_minutes_per_day for v in vols], dtype=np.int64),
        v_max_tasks=np.array(
            [unlimited if v.max_tasks_per_day is None else v.max_tasks_per_day for v in vols],
            dtype=np.int64,
        ),
        v_max_walk=np.array([v.max_walk_minutes for v in vols], dtype=float),
        v_community=np.array([community_index[v.community or ""] for v in vols], np.int64),
        a_vol=np.array(a_vol, dtype=np.int64),
        a_start=np.array(a_start, dtype=np.int64),
        a_end=np.array(a_end, dtype=np.int64),
        a_ptr=np.searchsorted(np.array(a_vol, dtype=np.int64), np.arange(len(vols) + 1)),
        r_ids=[r.request_id for r in reqs],
        r_team=np.array([team_index[r.team] if r.team else -1 for r in reqs], dtype=np.int64),
        r_lat=np.array([r.lat for r in reqs], dtype=float),
        r_lon=np.array([r.lon for r in reqs], dtype=float),
        r_skills=r_skills,
        r_earliest=np.array([_minute(r.earliest_start, origin, up=True) for r in reqs], np.int64),
        r_latest=np.array([_minute(r.latest_start, origin, up=False) for r in reqs], np.int64),
        r_duration=np.array([r.duration_minutes for r in reqs], dtype=np.int64),
        r_crew=np.array([r.volunteers_needed for r in reqs], dtype=np.int64),
        r_weight=np.array([settings.request_weight(r) for r in reqs], dtype=np.int64),
        r_priority=np.array([r.priority for r in reqs], dtype=np.int64),
        r_community=np.array([community_index[r.community or ""] for r in reqs], np.int64),
        team_codes=team_codes,
        skill_names=skill_names,
        community_names=community_names,
    )


def extend_instance(base: Instance, problem: Problem, first_new: int) -> Instance | None:
    """`base` with `problem.requests[first_new:]` appended, or None when they do not fit its
    grid (an earlier day, a new skill or team, a shorter service, a walking-time table).

    `problem` must be `base.problem` with requests appended only: existing requests keep
    their index, so a schedule of `base` stays valid. An urgent call then costs its own
    columns, not the whole day's (building the day takes about 0.05 s at 2,000 x 3,000)."""
    new = problem.requests[first_new:]
    team_index = {c: i for i, c in enumerate(base.team_codes)}
    skill_index = {s: i for i, s in enumerate(base.skill_names)}
    community_index = {c: i for i, c in enumerate(base.community_names)}
    fits = (
        first_new == base.n_requests
        and not problem.walking_times
        and all(r.earliest_start >= base.origin for r in new)
        and all(s in skill_index for r in new for s in r.required_skills)
        and all(r.team is None or r.team in team_index for r in new)
        and all((r.community or "") in community_index for r in new)
        and all(r.duration_minutes >= base.walks.min_duration for r in new)
    )
    if not fits:
        return None
    skills = np.zeros((len(new), len(skill_index)), dtype=bool)
    for i, r in enumerate(new):
        skills[i, [skill_index[s] for s in r.required_skills]] = True
    weights = problem.settings.request_weight

    def grow(column: np.ndarray, values: list[object], dtype: object) -> np.ndarray:
        return np.concatenate([column, np.array(values, dtype=dtype)])  # type: ignore[call-overload]

    lat, lon = [r.lat for r in new], [r.lon for r in new]
    walks = replace(
        base.walks, r_lat=grow(base.walks.r_lat, lat, float),  # type: ignore[arg-type]
        r_lon=grow(base.walks.r_lon, lon, float),  # type: ignore[arg-type]
        r_ids=[*base.walks.r_ids, *(r.request_id for r in new)],
    )  # fmt: skip
    return replace(
        base, problem=problem, walks=walks,
        r_ids=[*base.r_ids, *(r.request_id for r in new)],
        r_team=grow(base.r_team, [team_index[r.team] if r.team else -1 for r in new], np.int64),
        r_lat=grow(base.r_lat, lat, float),  # type: ignore[arg-type]
        r_lon=grow(base.r_lon, lon, float),  # type: ignore[arg-type]
        r_skills=np.vstack([base.r_skills, skills]),
        r_earliest=grow(base.r_earliest,
                        [_minute(r.earliest_start, base.origin, up=True) for r in new], np.int64),
        r_latest=grow(base.r_latest,
                      [_minute(r.latest_start, base.origin, up=False) for r in new], np.int64),
        r_duration=grow(base.r_duration, [r.duration_minutes for r in new], np.int64),
        r_crew=grow(base.r_crew, [r.volunteers_needed for r in new], np.int64),
        r_weight=grow(base.r_weight, [weights(r) for r in new], np.int64),
        r_priority=grow(base.r_priority, [r.priority for r in new], np.int64),
        r_community=grow(base.r_community, [community_index[r.community or ""] for r in new],
                         np.int64),
    )  # fmt: skip
