"""A schedule under construction: each volunteer's bookings and daily load, with the
one question every constructive step asks: when could this volunteer start this request?

Start sets are lists of closed integer ranges `(lo, hi)` of start minutes.
"""

from __future__ import annotations

from bisect import insort
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from matcher._internal.solver.core.instance import Instance
from matcher._internal.solver.core.rules import (
    day_starts,
    service_day,
    start_window,
    within_day_caps,
)

Ranges = list[tuple[int, int]]


def subtract(ranges: Ranges, lo: int, hi: int) -> Ranges:
    """Remove the closed range [lo, hi] from sorted disjoint ranges."""
    if lo > hi:
        return ranges
    out: Ranges = []
    for a, b in ranges:
        if b < lo or a > hi:
            out.append((a, b))
            continue
        if a < lo:
            out.append((a, lo - 1))
        if b > hi:
            out.append((hi + 1, b))
    return out


def contains(ranges: Ranges, point: int) -> bool:
    return any(a <= point <= b for a, b in ranges)


@dataclass
class Schedule:
    """Bookings per volunteer, kept sorted by start, and the crews chosen per request."""

    inst: Instance
    bookings: list[list[tuple[int, int, int]]] = field(init=False)
    day_minutes: defaultdict[tuple[int, int], int] = field(init=False)
    day_tasks: defaultdict[tuple[int, int], int] = field(init=False)
    crews: dict[int, tuple[int, list[int]]] = field(default_factory=dict)
    _travel: dict[tuple[int, int], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n_v = self.inst.n_volunteers
        self.bookings = [[] for _ in range(n_v)]
        self.day_minutes = defaultdict(int)
        self.day_tasks = defaultdict(int)

    def extended(self, inst: Instance) -> Schedule:
        """A copy of this schedule for `inst`, an instance of the same day with requests
        appended (`extend_instance`): every index stays valid, nothing is booked again."""
        copy = Schedule(inst)
        copy.bookings = [list(b) for b in self.bookings]
        copy.day_minutes = defaultdict(int, self.day_minutes)
        copy.day_tasks = defaultdict(int, self.day_tasks)
        copy.crews = {r: (start, list(crew)) for r, (start, crew) in self.crews.items()}
        copy._travel = self._travel  # a cache of fixed walks: shared, never copied
        return copy

    @property
    def travel_matrix(self) -> np.ndarray | None:
        """`travel` between every two requests at once (`Walks.travel_matrix`), or None
        where the instance is too large or a strict walking table lacks a pair."""
        return self.inst.walks.travel_matrix

    def travel(self, i: int, j: int) -> int:
        """Walking minutes from request i's place to request j's (a table may differ by
        direction)."""
        key = (i, j)
        minutes = self._travel.get(key)
        if minutes is None:
            matrix = self.travel_matrix
            minutes = self._travel[key] = (
                int(matrix[i, j]) if matrix is not None else self.inst.walk_between_requests(i, j)
            )
        return minutes

    def feasible_starts(self, v: int, r: int) -> Ranges:
        """Start minutes at which volunteer v could serve request r, given their bookings."""
        col = self.inst.plain
        es, ls, d = col.r_earliest[r], col.r_latest[r], col.r_duration[r]
        ranges: Ranges = []
        for k in range(col.a_ptr[v], col.a_ptr[v + 1]):
            lo, hi = start_window(es, ls, d, col.a_start[k], col.a_end[k])
            if lo <= hi:
                ranges.append((lo, hi))
        if ranges:  # full days first: they are cheap to check and rule out the most
            ranges = self._drop_full_days(v, d, ranges)
        reach = col.v_reach_between[v]
        for start, end, j in self.bookings[v]:
            if not ranges:
                break
            if start - d - reach >= ranges[-1][1]:
                break  # bookings are sorted by start: no later one is close enough either
            if end + reach <= ranges[0][0]:
                continue  # too early to need a walk checked
            # r before j needs the walk r -> j; r after j the walk j -> r
            ranges = subtract(
                ranges, start - d - self.travel(r, j) + 1, end + self.travel(j, r) - 1
            )
        return ranges

    def _drop_full_days(self, v: int, duration: int, ranges: Ranges) -> Ranges:
        col = self.inst.plain
        for day in range(service_day(ranges[0][0]), service_day(ranges[-1][1]) + 1):
            if not within_day_caps(
                self.day_minutes.get((v, day), 0), self.day_tasks.get((v, day), 0),
                duration, col.v_max_minutes[v], col.v_max_tasks[v],
            ):  # fmt: skip
                ranges = subtract(ranges, *day_starts(day))
        return ranges

    def book(self, r: int, start: int, crew: list[int]) -> None:
        d = int(self.inst.r_duration[r])
        day = service_day(start)
        for v in crew:
            insort(self.bookings[v], (start, start + d, r))
            self.day_minutes[v, day] += d
            self.day_tasks[v, day] += 1
        self.crews[r] = (start, list(crew))

    def unbook(self, r: int) -> None:
        start, crew = self.crews.pop(r)
        d = int(self.inst.r_duration[r])
        day = service_day(start)
        for v in crew:
            self.bookings[v].remove((start, start + d, r))
            self.day_minutes[v, day] -= d
            self.day_tasks[v, day] -= 1
