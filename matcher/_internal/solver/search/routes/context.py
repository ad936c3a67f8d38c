"""What every move reads: the schedule, the routes built from it, each pair's start
segments and walk, and the change to the objective's lower levels of adding or dropping one
visit (`join_cost`).

Only crews of one move: a request is movable when it needs one volunteer and is not frozen;
its volunteers are its candidates (`core.candidates`: team, community, skills, exclusions,
reach, availability), speaking its language when it asks for one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance
from matcher._internal.solver.core.objective import (
    Costs,
    continuity_bonus,
    fairness_cost,
    pair_cost,
)
from matcher._internal.solver.core.schedule import Schedule
from matcher._internal.solver.search.routes.route import (
    Route,
    Segment,
    Segments,
    caps_can_bind,
    consecutive_starts,
    make_route,
    own_window,
    pairwise_starts,
    spliced_route,
    start_segments,
)

Change = tuple[int, int, tuple[int, ...]]
"""A booking change: (request, start, crew) of an unbooking; start -1 for a booking."""
BOOKED = -1


@dataclass
class RouteContext:
    inst: Instance
    cands: Candidates
    schedule: Schedule
    costs: Costs
    frozen_requests: frozenset[int] = frozenset()
    frozen_volunteers: frozenset[int] = frozenset()
    evaluations: int = 0
    """Insertion tests made (each one `Route.fit`), for moves evaluated per second."""
    journal: list[Change] | None = None
    """When a list, every booking change is appended to it, so `undo` can take it back."""
    _routes: dict[int, Route] = field(default_factory=dict)
    _segments: dict[tuple[int, int], Segments] = field(default_factory=dict)
    _caps_bind: list[bool] = field(default_factory=list)
    _pairs: dict[int, dict[int, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.costs.untouched:
            raise ValueError("the route search does not price re-planning moves")
        self.pairwise = self.inst.walks.has_table
        self.matrix = self.schedule.travel_matrix
        """Travel minutes for the compiled route kernels, or None (a large instance)."""

    # ---- who may move where
    def movable(self, r: int) -> bool:
        return int(self.inst.r_crew[r]) == 1 and r not in self.frozen_requests

    def volunteers_of(self, r: int) -> dict[int, float]:
        """r's candidate volunteers (speakers if it asks for a language) and their walks
        from home, nearest first; frozen volunteers left out."""
        if r not in self._pairs:
            span, cands = self.cands.of(r), self.cands
            needs = bool(cands.needs_language[r])
            walks = zip(cands.vol[span], cands.walk[span], cands.speaks[span], strict=True)
            self._pairs[r] = {
                int(v): float(w)
                for v, w, speaks in walks
                if (speaks or not needs) and int(v) not in self.frozen_volunteers
            }
        return self._pairs[r]

    def _by_day(self, v: int) -> bool:
        """Whether v's segments are cut at midnight: only where a daily cap can bind."""
        if not self._caps_bind:
            per_volunteer = np.bincount(self.cands.vol, minlength=self.inst.n_volunteers)
            self._caps_bind = [
                caps_can_bind(self.inst, u, int(n)) for u, n in enumerate(per_volunteer)
            ]
        return self._caps_bind[v]

    def segments(self, r: int, v: int) -> Segments:
        key = (r, v)
        if key not in self._segments:
            self._segments[key] = start_segments(self.inst, r, v, by_day=self._by_day(v))
        return self._segments[key]

    # ---- routes
    def route(self, v: int) -> Route:
        if v not in self._routes:
            visits, windows = [], []
            for start, _, r in self.schedule.bookings[v]:
                visits.append(r)
                pinned = not self.movable(r)
                windows.append((start, start) if pinned else own_window(self.segments(r, v), start))
            self._routes[v] = make_route(
                self.inst, v, visits, windows, self.schedule.travel, self.matrix
            )
        return self._routes[v]

    def variant(self, v: int, visits: list[int], windows: list[tuple[int, int]]) -> Route:
        return make_route(self.inst, v, visits, windows, self.schedule.travel, self.matrix)

    def without(self, route: Route, pos: int) -> Route:
        """The route with visit `pos` taken out (its slack recomputed, O(n))."""
        return self.spliced(route, pos, [], [], pos + 1)

    def starts(self, route: Route) -> list[int] | None:
        """The starts the route would be booked at, or None if it cannot be timed."""
        return pairwise_starts(route) if self.pairwise else consecutive_starts(route)

    def spliced(
        self, route: Route, head: int, visits: list[int], windows: list[Segment], end: int
    ) -> Route:
        """The route's first `head` visits, then `visits` in `windows`, then its visits from
        `end` on: an insertion when head == end, a tail exchange when end is the route's end."""
        pairs = [(lo, hi) for lo, hi, _ in windows]
        return spliced_route(self.inst, route, head, visits, pairs, end, self.matrix)

    def with_visit(self, route: Route, pos: int, r: int, window: Segment) -> Route:
        return self.spliced(route, pos, [r], [window], pos)

    def placed_route(self, r: int) -> tuple[Route, int] | None:
        """The route of the volunteer serving r and r's position in it, where a move may take
        r from it: None when r is unserved, not movable, or its volunteer is frozen."""
        placed = self.schedule.crews.get(r)
        if placed is None or not self.movable(r):
            return None
        v = placed[1][0]
        if v in self.frozen_volunteers:
            return None
        route = self.route(v)
        return route, route.visits.index(r)

    def confirm(self, route: Route, pos: int, r: int, window: Segment) -> bool:
        """Where walks are not a metric, the O(1) test is necessary only: confirm."""
        if not self.pairwise:
            return True
        return self.starts(self.with_visit(route, pos, r, window)) is not None

    def book_route(self, route: Route) -> None:
        """Make v's bookings those of `route`, each at its earliest start."""
        starts = self.starts(route)
        if starts is None:
            raise AssertionError("a route that cannot be timed was applied")
        schedule, v = self.schedule, route.v
        want = dict(zip(route.visits, starts, strict=True))
        for start, _, r in list(schedule.bookings[v]):
            if want.get(r) != start:
                self.unbook(r)
        for r, start in want.items():
            if r not in schedule.crews:
                self._book(r, start, (v,))
        self._routes.pop(v, None)

    def unbook(self, r: int) -> None:
        start, crew = self.schedule.crews[r]
        self.schedule.unbook(r)
        if self.journal is not None:
            self.journal.append((r, start, tuple(crew)))
        for v in crew:
            self._routes.pop(v, None)

    def _book(self, r: int, start: int, crew: tuple[int, ...]) -> None:
        self.schedule.book(r, start, list(crew))
        if self.journal is not None:
            self.journal.append((r, BOOKED, crew))
        for v in crew:
            self._routes.pop(v, None)

    def undo(self, to: int) -> None:
        """Take back the journal's changes after its first `to`, newest first."""
        journal = self.journal
        if journal is None:
            raise AssertionError("undo without a journal")
        schedule = self.schedule
        while len(journal) > to:
            r, start, crew = journal.pop()
            if start == BOOKED:
                schedule.unbook(r)
            else:
                schedule.book(r, start, list(crew))
            for v in crew:
                self._routes.pop(v, None)

    # ---- the objective's lower levels
    def join_cost(self, r: int, v: int, *, tasks: int, excluding: int = -1) -> int:
        """What serving r by v adds to the lower levels when v holds `tasks` other tasks and
        r is not served by v: r's pair cost, the continuity another request of the same
        resident (or series) gains (`excluding` is treated as unserved) and v's extra
        fairness cost."""
        costs = self.costs
        same = self._served_by(v, r, excluding, costs.resident_of, costs.requests_of_resident)
        series = self._served_by(v, r, excluding, costs.series_of, costs.requests_of_series)
        return self._added_cost(r, v, tasks=tasks, same=same, same_series=series)

    def _served_by(
        self,
        v: int,
        r: int,
        excluding: int,
        group_of: Sequence[str | None],
        members: Mapping[str, tuple[int, ...]],
    ) -> int:
        """How many other requests of r's group (resident or series) v serves."""
        group = group_of[r] if group_of else None
        if group is None:
            return 0
        count = 0
        for y in members.get(group, ()):
            if y in (r, excluding):
                continue
            placed = self.schedule.crews.get(y)
            if placed is not None and v in placed[1]:
                count += 1
        return count

    def serving_cost(self, v: int, visits: Iterable[int]) -> int:
        """The lower levels of v serving exactly `visits` (every one of v's bookings, crews
        of several too): their join costs one after another from an empty route. Moves that
        shift several visits at once price themselves as the change of this sum."""
        residents, series = self.costs.resident_of, self.costs.series_of
        total, seen, seen_series = 0, Counter[str](), Counter[str]()
        for tasks, r in enumerate(visits):
            resident = residents[r]
            group = series[r] if series else None
            same = 0 if resident is None else seen[resident]
            same_series = 0 if group is None else seen_series[group]
            total += self._added_cost(r, v, tasks=tasks, same=same, same_series=same_series)
            if resident is not None:
                seen[resident] += 1
            if group is not None:
                seen_series[group] += 1
        return total

    def _added_cost(self, r: int, v: int, *, tasks: int, same: int, same_series: int = 0) -> int:
        """`join_cost` once v's other tasks and those of r's resident (`same`) and series
        (`same_series`: each pair of a series' visits with one volunteer counts once, so
        the visit that joins brings one per visit already there) are counted."""
        costs = self.costs
        return (
            pair_cost(
                costs,
                r,
                v,
                self._walk(r, v),
                continues_care=same >= 1,
                series_peers=same_series,
            )
            - continuity_bonus(costs, same == 1)
            + fairness_cost(costs, tasks + 1)
            - fairness_cost(costs, tasks)
        )

    def _walk(self, r: int, v: int) -> float:
        """v's walk from home to r: from `volunteers_of` when v may take r, else from every
        candidate pair (a crew member of several need not speak r's language)."""
        walk = self.volunteers_of(r).get(v)
        if walk is not None:
            return walk
        span = self.cands.of(r)
        for u, w in zip(self.cands.vol[span], self.cands.walk[span], strict=True):
            if int(u) == v:
                return float(w)
        raise AssertionError(f"volunteer {v} is no candidate of request {r}")

    def tasks(self, v: int) -> int:
        return len(self.schedule.bookings[v])
