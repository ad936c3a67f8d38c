"""One volunteer's bookings as a route, with the slack that makes an insertion test O(1).

Each booked visit keeps its own start window while the route search works on it: the
request's window, inside the availability interval that holds its current start (rule 4),
on the day its current start counts toward (rule 7), so that no other visit's day load
changes when it shifts; where v's daily caps can never bind (`caps_can_bind`), over every
day of that interval, so that a visit may shift across midnight. Visits the route search
may not move (crews of several, frozen requests) are pinned to their current start.

`earliest[i]` is the earliest start of visit i when every visit before it starts as early
as it can; `latest[i]` the latest when every visit after it starts as late as it can (rule
6 between consecutive visits, `travel_minutes` through `Schedule.travel`). Request r fits
between visits i-1 and i at a start s exactly when s lies in one of r's own start windows
(`start_window`, rule 4), the day of s has room for it (`within_day_caps`, rule 7),
s >= earliest[i-1] + d[i-1] + travel(i-1, r) and s + d_r + travel(r, i) <= latest[i].

With a walking-time table the triangle inequality may fail, and the solver's schedules
keep every pair of a volunteer's visits a walk apart, not just neighbours: there an
insertion that passes the O(1) test is confirmed by `pairwise_starts`, an O(n^2) pass.

Where the instance has a travel matrix (`Walks.travel_matrix`, up to 2,000 requests) the
slack pass, the gap scan and `pairwise_starts` run compiled (`kernels`), on arrays the route
keeps beside its lists; above that they run here in Python, with the same arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from matcher._internal.solver.core.instance import Instance
from matcher._internal.solver.core.rules import (
    day_starts,
    service_day,
    start_window,
    within_day_caps,
)
from matcher._internal.solver.search.routes import kernels
from matcher._internal.solver.search.routes.kernels import ALWAYS as ALWAYS
from matcher._internal.solver.search.routes.kernels import NEVER as NEVER

Segment = tuple[int, int, int]
"""A closed range of starts (lo, hi) inside one availability interval and one day."""
Travel = Callable[[int, int], int]


class Segments(list[Segment]):
    """The start segments of one request and volunteer, and the same as an int64 array
    of rows (lo, hi, day) for the kernels, made once."""

    @cached_property
    def array(self) -> np.ndarray:
        return np.array(self, dtype=np.int64).reshape(-1, 3)


def caps_can_bind(inst: Instance, v: int, candidates: int) -> bool:
    """Whether rule 7 can ever refuse v a service: its daily minute cap is below the minutes
    of all its availability (services lie inside it, rule 4), or its daily task cap below
    the `candidates` requests it may serve. Where neither holds, no day needs its own
    segment, and a visit's own window may span midnight."""
    col = inst.plain
    free = sum(col.a_end[k] - col.a_start[k] for k in range(col.a_ptr[v], col.a_ptr[v + 1]))
    return bool(col.v_max_minutes[v] < free or col.v_max_tasks[v] < candidates)


def start_segments(inst: Instance, r: int, v: int, *, by_day: bool = True) -> Segments:
    """Every start of r that v's availability allows (rule 4), split by the day it counts
    toward (rule 7) when `by_day`: sorted, disjoint, each inside one interval (and one day;
    otherwise the day is that of its first start)."""
    col = inst.plain
    es, ls, d = col.r_earliest[r], col.r_latest[r], col.r_duration[r]
    out = Segments()
    for k in range(col.a_ptr[v], col.a_ptr[v + 1]):
        lo, hi = start_window(es, ls, d, col.a_start[k], col.a_end[k])
        while lo <= hi:
            day = service_day(lo)
            last = min(hi, day_starts(day)[1]) if by_day else hi
            out.append((lo, last, day))
            lo = last + 1
    return out


class Arrays(NamedTuple):
    """A route's lists as int64 arrays, and the travel matrix, for the compiled kernels."""

    visits: np.ndarray
    duration: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    earliest: np.ndarray
    latest: np.ndarray
    travel: np.ndarray


def own_window(segments: Sequence[Segment], start: int) -> tuple[int, int]:
    """The starts a booked visit may take without leaving its availability interval or its
    day: the segment of its `start_segments` that holds its current start."""
    for lo, hi, _ in segments:
        if lo <= start <= hi:
            return lo, hi
    raise AssertionError(f"a booked start {start} lies in no start segment")


@dataclass
class Route:
    """Visits of volunteer v in start order, their own windows and their slack."""

    v: int
    visits: list[int]
    duration: list[int]
    lo: list[int]
    hi: list[int]
    max_minutes: int
    max_tasks: int
    travel: Travel
    earliest: list[int]
    latest: list[int]
    walked: int | None = None
    """Walking minutes between consecutive visits, when the slack pass counted them."""
    arrays: Arrays | None = None
    """The same route for the kernels, when the instance has a travel matrix."""

    def __len__(self) -> int:
        return len(self.visits)

    @cached_property
    def minutes(self) -> dict[int, int]:
        """Service minutes per day (rule 7), each visit on the day its window counts toward."""
        return self._day_loads[0]

    @cached_property
    def tasks(self) -> dict[int, int]:
        """Services per day (rule 7)."""
        return self._day_loads[1]

    @cached_property
    def _day_loads(self) -> tuple[dict[int, int], dict[int, int]]:
        minutes: dict[int, int] = {}
        tasks: dict[int, int] = {}
        for d, first in zip(self.duration, self.lo, strict=True):
            day = service_day(first)
            minutes[day] = minutes.get(day, 0) + d
            tasks[day] = tasks.get(day, 0) + 1
        return minutes, tasks

    def ready(self, pos: int, r: int) -> int:
        """The earliest start of r placed before visit `pos` (after visit pos-1)."""
        if pos == 0:
            return NEVER
        p = pos - 1
        return self.earliest[p] + self.duration[p] + self.travel(self.visits[p], r)

    def due(self, pos: int, r: int, d: int) -> int:
        """The latest start of r (lasting d) placed before visit `pos`."""
        if pos == len(self.visits):
            return ALWAYS
        return self.latest[pos] - d - self.travel(r, self.visits[pos])

    def has_room(self, day: int, d: int) -> bool:
        return within_day_caps(
            self.minutes.get(day, 0), self.tasks.get(day, 0), d, self.max_minutes, self.max_tasks
        )

    def fit(self, pos: int, r: int, d: int, segments: Sequence[Segment]) -> Segment | None:
        """The part of r's first segment where r fits before visit `pos`, or None: O(1) in
        the route's length, O(segments) in all."""
        ready, due = self.ready(pos, r), self.due(pos, r, d)
        for lo, hi, day in segments:
            a, b = max(lo, ready), min(hi, due)
            if a <= b and self.has_room(day, d):
                return a, b, day
        return None

    def gaps(
        self, r: int, d: int, segments: Sequence[Segment]
    ) -> tuple[list[tuple[int, Segment]], int]:
        """Every position where r fits (its window there), in order, and how many positions
        were tested: `fit` at each, stopping once r could start no earlier than its last
        start (later positions are readier still)."""
        if self.arrays is not None:
            arr = self.arrays
            rows, tested = kernels.gaps(
                arr.visits, arr.duration, arr.earliest, arr.latest, r, d,
                segments.array if isinstance(segments, Segments) else Segments(segments).array,
                np.array([self.has_room(day, d) for _, _, day in segments], dtype=np.bool_),
                arr.travel,
            )  # fmt: skip
            return [(pos, (lo, hi, day)) for pos, lo, hi, day in rows.tolist()], tested
        visits, earliest, latest, duration = self.visits, self.earliest, self.latest, self.duration
        travel, n = self.travel, len(visits)
        last = segments[-1][1] if segments else NEVER
        found: list[tuple[int, Segment]] = []
        for pos in range(n + 1):
            if pos:
                p = pos - 1
                ready = earliest[p] + duration[p] + travel(visits[p], r)
                if ready > last:
                    return found, pos + 1
            else:
                ready = NEVER
            due = latest[pos] - d - travel(r, visits[pos]) if pos < n else ALWAYS
            if ready > due:
                continue
            for lo, hi, day in segments:
                a, b = max(lo, ready), min(hi, due)
                if a <= b and self.has_room(day, d):
                    found.append((pos, (a, b, day)))
                    break
        return found, n + 1

    def detour(self, pos: int, r: int) -> int:
        """The walking minutes between visits that r placed before visit `pos` adds."""
        travel, visits = self.travel, self.visits
        before = travel(visits[pos - 1], r) if pos > 0 else 0
        after = travel(r, visits[pos]) if pos < len(visits) else 0
        skipped = travel(visits[pos - 1], visits[pos]) if 0 < pos < len(visits) else 0
        return before + after - skipped

    def travel_minutes(self) -> int:
        """Walking minutes between consecutive visits (not from home)."""
        if self.walked is not None:
            return self.walked
        return sum(self.travel(a, b) for a, b in zip(self.visits, self.visits[1:], strict=False))


def make_route(
    inst: Instance,
    v: int,
    visits: list[int],
    windows: list[tuple[int, int]],
    travel: Travel,
    matrix: np.ndarray | None = None,
) -> Route:
    """The route of `visits` (in order) with their own windows; its slack from both ends.
    A route whose visits cannot all be timed has some earliest[i] > latest[i]. With the
    instance's travel `matrix` (the same minutes as `travel`), compiled."""
    col = inst.plain
    lo = [w[0] for w in windows]
    hi = [w[1] for w in windows]
    if matrix is not None:
        return _compiled_route(
            inst, v, np.array(visits, dtype=np.int64), np.array(lo, dtype=np.int64),
            np.array(hi, dtype=np.int64), travel, matrix,
        )  # fmt: skip
    duration = [col.r_duration[r] for r in visits]
    n = len(visits)
    earliest = [0] * n
    latest = [0] * n
    for i in range(n):
        earliest[i] = lo[i] if i == 0 else max(
            lo[i], earliest[i - 1] + duration[i - 1] + travel(visits[i - 1], visits[i])
        )  # fmt: skip
    for i in range(n - 1, -1, -1):
        latest[i] = hi[i] if i == n - 1 else min(
            hi[i], latest[i + 1] - duration[i] - travel(visits[i], visits[i + 1])
        )  # fmt: skip
    return Route(
        v, list(visits), duration, lo, hi,
        col.v_max_minutes[v], col.v_max_tasks[v], travel, earliest, latest,
    )  # fmt: skip


def spliced_route(
    inst: Instance,
    route: Route,
    head: int,
    visits: Sequence[int],
    windows: Sequence[tuple[int, int]],
    end: int,
    matrix: np.ndarray | None = None,
) -> Route:
    """`make_route` of the route's first `head` visits, then `visits` in `windows`, then its
    visits from `end` on (each keeping its window): on the route's arrays when it has them."""
    if route.arrays is None or matrix is None:
        kept = list(zip(route.lo, route.hi, strict=True))
        return make_route(
            inst, route.v, [*route.visits[:head], *visits, *route.visits[end:]],
            [*kept[:head], *windows, *kept[end:]], route.travel, matrix,
        )  # fmt: skip
    a = route.arrays

    def join(old: np.ndarray, new: Sequence[int]) -> np.ndarray:
        return np.concatenate((old[:head], np.array(new, dtype=np.int64), old[end:]))

    return _compiled_route(
        inst, route.v, join(a.visits, visits), join(a.lo, [w[0] for w in windows]),
        join(a.hi, [w[1] for w in windows]), route.travel, matrix,
    )  # fmt: skip


def _compiled_route(
    inst: Instance,
    v: int,
    visits: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    travel: Travel,
    matrix: np.ndarray,
) -> Route:
    """`make_route` by `kernels.slack`, from int64 arrays."""
    col = inst.plain
    duration = inst.r_duration[visits]
    earliest, latest, walked = kernels.slack(visits, duration, lo, hi, matrix)
    arrays = Arrays(visits, duration, lo, hi, earliest, latest, matrix)
    return Route(
        v, visits.tolist(), duration.tolist(), lo.tolist(), hi.tolist(),
        col.v_max_minutes[v], col.v_max_tasks[v], travel, earliest.tolist(),
        latest.tolist(), int(walked), arrays,
    )  # fmt: skip


def is_timed(route: Route) -> bool:
    """Every visit has a start between its earliest and latest."""
    return all(e <= h for e, h in zip(route.earliest, route.hi, strict=True))


def consecutive_starts(route: Route) -> list[int] | None:
    """The earliest start of every visit (rule 6 between neighbours), or None."""
    return list(route.earliest) if is_timed(route) else None


def pairwise_starts(route: Route) -> list[int] | None:
    """The earliest start of every visit with every earlier visit a walk away, not only the
    previous one (what the solver keeps when walks come from a table), or None."""
    if route.arrays is not None:
        a = route.arrays
        found, timed = kernels.pairwise_starts(a.visits, a.duration, a.lo, a.hi, a.travel)
        return found.tolist() if timed else None
    starts: list[int] = []
    for i, r in enumerate(route.visits):
        s = route.lo[i]
        for j in range(i):
            s = max(s, starts[j] + route.duration[j] + route.travel(route.visits[j], r))
        if s > route.hi[i]:
            return None
        starts.append(s)
    return starts
