"""2-opt*: exchange the tails of two routes. Cut v's route after r (position i) and u's
route after position j; v keeps its head and takes u's tail, u keeps its head and takes
v's tail. Where two volunteers' days cross (v ends near where u goes on, and the other way
round), this uncrosses them in one step that no sequence of single relocations reaches
without passing through a worse schedule.

A tail runs from the cut to the route's end or to its next visit the search may not move
(a crew of several, a frozen request): that visit and the ones after it stay. Every visit
that changes route must be a candidate of its new volunteer and takes the first of its
start segments there that a forward pass finds feasible (`run_windows`)."""

from __future__ import annotations

from matcher._internal.solver.search.routes.context import RouteContext
from matcher._internal.solver.search.routes.move import (
    NOTHING,
    Proposal,
    apply_routes,
    run_windows,
)
from matcher._internal.solver.search.routes.route import Route


def tail_end(ctx: RouteContext, route: Route, start: int) -> int:
    """Where the tail that starts at position `start` ends: the next visit the search may
    not move, or the route's end."""
    end = start
    while end < len(route) and ctx.movable(route.visits[end]):
        end += 1
    return end


class TwoOptStar:
    name = "two_opt_star"

    def evaluate(self, ctx: RouteContext, r: int) -> Proposal | None:
        found = ctx.placed_route(r)
        if found is None:
            return None
        route, pos = found
        v = route.v
        head_v = pos + 1
        end_v = tail_end(ctx, route, head_v)
        tail_v = route.visits[head_v:end_v]
        best: Proposal | None = None
        for u in ctx.volunteers_of(r):
            if u == v or any(u not in ctx.volunteers_of(x) for x in tail_v):
                continue
            other = ctx.route(u)
            before = (
                ctx.serving_cost(v, route.visits) + ctx.serving_cost(u, other.visits),
                route.travel_minutes() + other.travel_minutes(),
            )
            for head_u in range(len(other) + 1):  # u keeps other.visits[:head_u]
                end_u = tail_end(ctx, other, head_u)
                tail_u = other.visits[head_u:end_u]
                if not tail_u and not tail_v:
                    continue
                if any(v not in ctx.volunteers_of(x) for x in tail_u):
                    continue
                to_v = run_windows(ctx, route, head_v, tail_u, end_v)
                if to_v is None:
                    continue
                to_u = run_windows(ctx, other, head_u, tail_v, end_u)
                if to_u is None:
                    continue
                new_v = ctx.spliced(route, head_v, tail_u, to_v, end_v)
                new_u = ctx.spliced(other, head_u, tail_v, to_u, end_u)
                if ctx.pairwise and (ctx.starts(new_v) is None or ctx.starts(new_u) is None):
                    continue
                cost = ctx.serving_cost(v, new_v.visits) + ctx.serving_cost(u, new_u.visits)
                walked = new_v.travel_minutes() + new_u.travel_minutes()
                gain = (0, before[0] - cost, before[1] - walked)
                if gain > NOTHING and (best is None or gain > best.gain):
                    best = Proposal(gain, (new_v, new_u))
        return best

    def apply(self, ctx: RouteContext, proposal: Proposal) -> None:
        apply_routes(ctx, proposal)
