"""Route pool recombination: a set-packing MIP over every route the search has held.

Why: ruin and recreate visits many good routes and keeps only one schedule. Routes that were
each part of a good schedule at different times often combine into a better one, which a
set-packing model over the pooled routes finds exactly (the "set partitioning" step of
Subramanian, Uchoa and Ochi's ILS-SP, and the restricted-master MIP of column generation,
whose routes the pool also takes: `bound.columns`). Each column is one volunteer's whole
route; the model picks at most one route per volunteer and serves each request at most once.

Only volunteers whose every booking is a movable crew of one take part (`poolable`); the
others keep their routes, and the requests they serve stay theirs. A route is pooled for its
own volunteer and, where every one of its requests has a single start segment for them, for
each other poolable volunteer who may serve all its requests and can time it (a route found
by one of several alike volunteers serves the others too). Every pooled route is a valid
route of its volunteer: own windows from `start_segments` (rule 4, days by rule 7), timed by
`RouteContext.starts` (rule 6, every pair apart under a walking table) and its daily load
within the caps (rule 7), so any packing is a valid schedule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from matcher._internal.solver.core.rules import within_day_caps
from matcher._internal.solver.search.routes.context import RouteContext
from matcher._internal.solver.search.routes.route import Route

POOL_LIMIT = 20_000
"""Routes kept at most; past it new routes are not pooled (the oldest are as good a lead)."""

VolunteerRoute = tuple[int, tuple[int, ...]]


@dataclass(frozen=True)
class Recombined:
    """What one recombination changed: served weight and lower-level cost (both as deltas),
    and the volunteers whose routes it replaced."""

    weight: int
    cost: int
    volunteers: tuple[int, ...]


class RoutePool:
    """Whole routes of poolable volunteers, each with its served weight and lower levels."""

    def __init__(self, ctx: RouteContext) -> None:
        self.ctx = ctx
        self.poolable = tuple(
            v
            for v in range(ctx.inst.n_volunteers)
            if v not in ctx.frozen_volunteers
            and all(ctx.movable(r) for _, _, r in ctx.schedule.bookings[v])
        )
        self._poolable = frozenset(self.poolable)
        self.routes: dict[VolunteerRoute, Route] = {}
        self._tried: set[tuple[int, ...]] = set()

    def __len__(self) -> int:
        return len(self.routes)

    def add(self, route: Route) -> None:
        """Pool v's route as it is, and the same visits for every alike volunteer."""
        if route.v not in self._poolable or not route.visits:
            return
        visits = tuple(route.visits)
        self._keep((route.v, visits), route)
        if visits not in self._tried:
            self._tried.add(visits)
            for v in self._others(visits, route.v):
                self.add_visits(v, visits)

    def add_visits(self, v: int, visits: Sequence[int]) -> None:
        """Pool `visits` for v where each has one start segment for v and the route is valid
        (a lead from elsewhere, say the column bound's routes)."""
        key = (v, tuple(visits))
        if key in self.routes or v not in self._poolable or not visits:
            return
        windows: list[tuple[int, int]] = []
        for r in visits:
            if not self.ctx.movable(r) or v not in self.ctx.volunteers_of(r):
                return
            segments = self.ctx.segments(r, v)
            if len(segments) != 1:
                return
            windows.append(segments[0][:2])
        route = self.ctx.variant(v, list(visits), windows)
        if _within_caps(route) and self.ctx.starts(route) is not None:
            self._keep(key, route)

    def _keep(self, key: VolunteerRoute, route: Route) -> None:
        if len(self.routes) < POOL_LIMIT:
            self.routes.setdefault(key, route)

    def _others(self, visits: Iterable[int], v: int) -> list[int]:
        """Poolable volunteers other than v who are candidates of every request in visits."""
        common = set(self._poolable)
        for r in visits:
            common.intersection_update(self.ctx.volunteers_of(r))
            if not common:
                return []
        return sorted(common - {v})

    def recombine(
        self, *, cost_per_weight: int, seconds: float | None, nodes: int | None
    ) -> Recombined | None:
        """Replace the poolable volunteers' routes by the best packing of pooled routes and
        the current ones, when that is better by (served weight, -lower-level cost); the
        MIP stops at `seconds` or after `nodes` branch-and-bound nodes (deterministic)."""
        ctx = self.ctx
        current = {v: ctx.route(v) for v in self.poolable}
        for route in current.values():
            self.add(route)
        held = {  # served by volunteers who keep their routes
            r for r, (_, crew) in ctx.schedule.crews.items() if not self._poolable.issuperset(crew)
        }
        options = [  # (volunteer, route), the empty route implied
            (v, route) for (v, visits), route in self.routes.items() if held.isdisjoint(visits)
        ]
        if not options:
            return None
        scores = [_score(ctx, [option]) for option in options]
        value = np.array([cost_per_weight * w - c for w, c in scores], dtype=float)
        chosen = _pack(options, value, len(self.poolable), seconds=seconds, nodes=nodes)
        if chosen is None:
            return None
        before = _score(ctx, current.items())
        picked = {options[k][0]: options[k][1] for k in chosen}
        after = _score(ctx, picked.items())
        if (after[0], -after[1]) <= (before[0], -before[1]):
            return None
        changed = tuple(
            v
            for v in self.poolable
            if tuple(current[v].visits) != (tuple(picked[v].visits) if v in picked else ())
        )
        for v in changed:  # free every changed route first: requests may change hands
            for r in list(current[v].visits):
                ctx.unbook(r)
        for v in changed:
            if v in picked:
                ctx.book_route(picked[v])
        return Recombined(after[0] - before[0], after[1] - before[1], changed)


def _score(ctx: RouteContext, routes: Iterable[tuple[int, Route]]) -> tuple[int, int]:
    """Served weight and lower-level cost of the given volunteers' routes."""
    weights = ctx.inst.plain.r_weight
    weight = cost = 0
    for v, route in routes:
        weight += sum(int(weights[r]) for r in route.visits)
        cost += ctx.serving_cost(v, route.visits)
    return weight, cost


def _within_caps(route: Route) -> bool:
    """Rule 7 on every day of the route: the day's whole load, taken as one service of all
    its minutes joining its other tasks, fits the caps."""
    return all(
        within_day_caps(0, route.tasks[day] - 1, minutes, route.max_minutes, route.max_tasks)
        for day, minutes in route.minutes.items()
    )


def _pack(
    options: Sequence[tuple[int, Route]],
    value: np.ndarray,
    n_volunteers: int,
    *,
    seconds: float | None,
    nodes: int | None,
) -> list[int] | None:
    """The options of the best packing HiGHS finds (at most one per volunteer, each request
    at most once), or None when it finds none."""
    volunteer_row: dict[int, int] = {}
    request_row: dict[int, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for k, (v, route) in enumerate(options):
        rows.append(volunteer_row.setdefault(v, len(volunteer_row)))
        cols.append(k)
        for r in route.visits:
            rows.append(n_volunteers + request_row.setdefault(r, len(request_row)))
            cols.append(k)
    shape = (n_volunteers + len(request_row), len(options))
    matrix = csr_array((np.ones(len(rows)), (rows, cols)), shape=shape)
    options_: dict[str, float | int | bool] = {"presolve": True}
    if seconds is not None:
        options_["time_limit"] = seconds
    if nodes is not None:
        options_["node_limit"] = nodes
    result = milp(
        -value,
        integrality=np.ones(len(options)),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(matrix, -np.inf, 1),
        options=options_,
    )
    if result.x is None:
        return None
    return [k for k in range(len(options)) if result.x[k] > 0.5]
