"""Relocate a served request: to another gap of its own route when that walks fewer minutes
between visits (an or-opt of one visit), or to another volunteer when that lowers the
objective's lower levels (walking from home first of all) without losing weight."""

from __future__ import annotations

from matcher._internal.solver.search.routes.context import RouteContext
from matcher._internal.solver.search.routes.move import (
    NOTHING,
    Proposal,
    apply_routes,
    best_gap,
    gaps_elsewhere,
)


class Relocate:
    name = "relocate"

    def evaluate(self, ctx: RouteContext, r: int) -> Proposal | None:
        found = ctx.placed_route(r)
        if found is None:
            return None
        route, pos = found
        v = route.v
        reduced = ctx.without(route, pos)
        before = route.travel_minutes()
        left = reduced.travel_minutes()
        best: Proposal | None = None
        gap = best_gap(ctx, reduced, r)
        if gap is not None and gap.pos != pos:  # pos is where r was: the same route again
            gain = (0, 0, before - (left + gap.detour))
            if gain > NOTHING:
                best = Proposal(gain, (ctx.with_visit(reduced, gap.pos, r, gap.window),))
        leave = -ctx.join_cost(r, v, tasks=ctx.tasks(v) - 1)
        for u, target, moved in gaps_elsewhere(ctx, r, away_from=v):
            gain = (
                0,
                -(leave + ctx.join_cost(r, u, tasks=ctx.tasks(u))),
                before - (left + moved.detour),
            )
            if gain > NOTHING and (best is None or gain > best.gain):
                best = Proposal(gain, (reduced, ctx.with_visit(target, moved.pos, r, moved.window)))
        return best

    def apply(self, ctx: RouteContext, proposal: Proposal) -> None:
        apply_routes(ctx, proposal)
