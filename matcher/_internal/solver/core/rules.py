"""The data contract's hard rules and per-day accounting, defined once for every solver stage.

Candidates, construction, both neighbourhood models, route enumeration and every bound read
the rules from here, on the integer-minute grid of `Instance` (schedules start on whole
community-local minutes). The independent checker (`matcher._internal.check`) keeps its own
reading on purpose; where the two disagree, the contract decides.

- Rule 4, availability: a service lies inside one availability interval; intervals that
  touch are one interval (`merge_touching`), and an interval may span several days.
- Rule 5, reach: the walk from home is at most the volunteer's `max_walk_minutes`.
- Rule 6, travel: after a service at A, the next at B starts no earlier than A's end plus
  the walk A -> B, rounded up to the next whole minute (`travel_minutes`).
- Rule 7, caps: a service counts, whole, toward the calendar day on which it starts
  (`service_day`), even when it ends after midnight.

Functions take plain ints or numpy arrays alike.

Where each model writes a rule in its own terms (a CP-SAT constraint, an LP row), it reads
the quantities from here:
- rules 1, 2 and 8's exclusions (`in_team`, `in_community`, `has_skills`): whether a pair
  exists at all, in `core.candidates`;
- rule 3 and 8's language (counts of a crew): the crew constraints of
  `search.scheduling_model` and `search.route_model`, the crew and language rows of
  `bound.relaxation`;
- rule 4 (`merge_touching`, `start_window`): `core.instance`, `core.candidates`,
  `core.schedule`, `search.routes.route`, `bound.route_hulls` and the interval rows of
  `bound.relaxation`;
- rule 5 (`in_reach`): `core.candidates`;
- rule 6 (`travel_minutes`): `Instance.walk_between_requests`, read by `core.schedule`
  (whose `Schedule.travel` the route search reads) and both neighbourhood models;
- rule 7 (`service_day`, `day_starts`, `within_day_caps`, `day_service_minutes`):
  `core.schedule`, `search.routes.route`, `search.options`, `search.scheduling_model`, and
  `Instance.day_capacity` for `bound.relaxation`, `bound.lagrangian` and
  `bound.route_hulls`.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TypeVar

import numpy as np

MINUTES_PER_DAY = 1440

Minutes = TypeVar("Minutes", int, np.ndarray)
Moment = TypeVar("Moment", int, datetime)


def in_team(request_team: np.ndarray, volunteer_team: np.ndarray) -> np.ndarray:
    """Rule 1 (broadcast): the request names no team (-1), or the volunteer's."""
    return np.asarray((request_team < 0) | (request_team == volunteer_team))


def in_community(request_community: np.ndarray, volunteer_community: np.ndarray) -> np.ndarray:
    """Rule 1 (broadcast): the volunteer belongs to the request's community (community
    indices; an empty community is a community of its own, the only one of most inputs)."""
    return np.asarray(request_community == volunteer_community)


def has_skills(required: np.ndarray, held: np.ndarray) -> np.ndarray:
    """Rule 2: requests (rows of `required`, a skills mask) x volunteers (rows of `held`):
    the volunteer holds every skill the request requires."""
    lacks = (~held).astype(np.float32)
    return np.asarray((required.astype(np.float32) @ lacks.T) < 0.5)


def service_day(start: Minutes) -> Minutes:
    """Rule 7: the calendar day (0 = the instance's first) a service starting at `start`
    counts toward, whole, for both daily caps."""
    return start // MINUTES_PER_DAY


def day_starts(day: int) -> tuple[int, int]:
    """The first and last start minute that count toward `day`."""
    return day * MINUTES_PER_DAY, (day + 1) * MINUTES_PER_DAY - 1


def merge_touching(spans: list[tuple[Moment, Moment]]) -> list[tuple[Moment, Moment]]:
    """Rule 4: availability intervals `(start, end)` sorted by start, with touching ones
    joined (overlapping ones are an input error, caught when the input is read). Merge
    real times before rounding them to the grid: rounding inwards would part them."""
    merged: list[tuple[Moment, Moment]] = []
    for start, end in spans:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def start_window(
    earliest: Minutes, latest: Minutes, duration: Minutes, free_from: Minutes, free_until: Minutes
) -> tuple[Minutes, Minutes]:
    """Rules 3 and 4: the closed range of starts inside the request's window that keep the
    whole service inside the interval [free_from, free_until); empty when lo > hi."""
    return np.maximum(earliest, free_from), np.minimum(latest, free_until - duration)


def travel_minutes(walk: float) -> int:
    """Rule 6 on the whole-minute grid: the first whole minute at or after a walk of `walk`
    minutes (a hair of float noise is forgiven, as the checker forgives it)."""
    return math.ceil(walk - 1e-9)


def in_reach(walk: Minutes, max_walk: Minutes) -> Minutes:
    """Rule 5: the walk from home to the request is within the volunteer's reach."""
    return walk <= max_walk


def within_day_caps(
    minutes_booked: int, tasks_booked: int, duration: int, max_minutes: int, max_tasks: int
) -> bool:
    """Rule 7: one more service of `duration` on a day that already holds the given load."""
    return minutes_booked + duration <= max_minutes and tasks_booked + 1 <= max_tasks


def day_service_minutes(
    free_from: np.ndarray, free_until: np.ndarray, day: int, longest: int
) -> float:
    """The most service minutes that can count toward `day` inside the given (merged)
    availability intervals: the services start that day, so they lie within
    [day start, last start of the day + the longest service), and inside an interval that
    is open at their start. A service crossing midnight counts its minutes after midnight
    too, so the day itself is not the limit."""
    first, last = day_starts(day)
    opens = (free_from <= last) & (free_until > first)
    lo = np.maximum(free_from[opens], first)
    hi = np.minimum(free_until[opens], last + longest)
    return float(np.clip(hi - lo, 0, None).sum())
