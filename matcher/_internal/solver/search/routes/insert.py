"""Insert an unserved request at its best feasible gap over all its candidate volunteers."""

from __future__ import annotations

from matcher._internal.solver.search.routes.context import RouteContext
from matcher._internal.solver.search.routes.move import Proposal, apply_routes, best_gap


class Insert:
    name = "insert"

    def evaluate(self, ctx: RouteContext, r: int) -> Proposal | None:
        if r in ctx.schedule.crews or not ctx.movable(r):
            return None
        weight = ctx.inst.plain.r_weight[r]
        best: Proposal | None = None
        for v in ctx.volunteers_of(r):
            route = ctx.route(v)
            gap = best_gap(ctx, route, r)
            if gap is None:
                continue
            gain = (weight, -ctx.join_cost(r, v, tasks=ctx.tasks(v)), -gap.detour)
            if best is None or gain > best.gain:
                best = Proposal(gain, (ctx.with_visit(route, gap.pos, r, gap.window),))
        return best

    def apply(self, ctx: RouteContext, proposal: Proposal) -> None:
        apply_routes(ctx, proposal)
