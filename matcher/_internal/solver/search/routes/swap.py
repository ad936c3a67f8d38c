"""Swap two served visits of different volunteers: r (on v) goes to its best gap in u's
route with x taken out, x (on u) to its best gap in v's route with r taken out. It frees
each route for the other's visit where neither relocation alone fits: when each is nearer
the other's home, or where the two routes cross in time.

Only visits near r in time are tried as x (`near`): those of r's candidate volunteers whose
earliest start overlaps r's window, and the one just before and just after them, so that
a swap costs a few best-gap searches, not one for every visit of every route."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from matcher._internal.solver.search.routes.context import RouteContext
from matcher._internal.solver.search.routes.move import (
    NOTHING,
    Proposal,
    apply_routes,
    best_gap,
)
from matcher._internal.solver.search.routes.route import Route


def near(route: Route, first: int, last: int) -> range:
    """Positions of the route's visits that overlap [first, last] when each starts at its
    earliest, with one more on each side: starts and ends grow along a route, so these are
    one run of positions."""
    span = range(len(route))
    overlap_from = bisect_left(span, first, key=lambda i: route.earliest[i] + route.duration[i])
    overlap_to = bisect_right(span, last, key=lambda i: route.earliest[i])
    return range(max(0, overlap_from - 1), min(len(route), overlap_to + 1))


class Swap:
    name = "swap"

    def evaluate(self, ctx: RouteContext, r: int) -> Proposal | None:
        found = ctx.placed_route(r)
        if found is None:
            return None
        route, pos = found
        v = route.v
        col = ctx.inst.plain
        without_r = ctx.without(route, pos)
        n_v = ctx.tasks(v)
        leave_r = ctx.join_cost(r, v, tasks=n_v - 1)
        best: Proposal | None = None
        for u in ctx.volunteers_of(r):
            if u == v:
                continue
            other = ctx.route(u)
            n_u = ctx.tasks(u)
            before = route.travel_minutes() + other.travel_minutes()
            for pos in near(other, col.r_earliest[r], col.r_latest[r] + col.r_duration[r]):
                x = other.visits[pos]
                if not ctx.movable(x) or v not in ctx.volunteers_of(x):
                    continue
                without_x = ctx.without(other, pos)
                gap_r = best_gap(ctx, without_x, r)
                if gap_r is None:
                    continue
                gap_x = best_gap(ctx, without_r, x)
                if gap_x is None:
                    continue
                cost = (  # r leaves v, x leaves u, x joins v, r joins u: each on the last
                    -leave_r
                    - ctx.join_cost(x, u, tasks=n_u - 1)
                    + ctx.join_cost(x, v, tasks=n_v - 1, excluding=r)
                    + ctx.join_cost(r, u, tasks=n_u - 1, excluding=x)
                )
                after = (
                    without_r.travel_minutes() + gap_x.detour
                    + without_x.travel_minutes() + gap_r.detour
                )  # fmt: skip
                gain = (0, -cost, before - after)
                if gain > NOTHING and (best is None or gain > best.gain):
                    best = Proposal(
                        gain,
                        (
                            ctx.with_visit(without_r, gap_x.pos, x, gap_x.window),
                            ctx.with_visit(without_x, gap_r.pos, r, gap_r.window),
                        ),
                    )
        return best

    def apply(self, ctx: RouteContext, proposal: Proposal) -> None:
        apply_routes(ctx, proposal)
