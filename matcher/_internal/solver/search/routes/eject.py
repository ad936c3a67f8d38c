"""An ejection chain of length one: to serve an unserved request r on volunteer v, take
one of v's visits x out, then either move x to another volunteer's best gap (r's whole
weight is gained) or, with `drops`, leave x unserved when it weighs less than r.

Dropping x for a request of the same weight and a lower cost is not offered: on the sample
community it ended lower (`matcher solve` on data/sample, deterministic, seeds 0-2: 601,
601, 601 with such drops; 604, 604, 604 with heavier-only drops; 604, 603, 604 with no
route search at all)."""

from __future__ import annotations

from dataclasses import dataclass

from matcher._internal.solver.search.routes.context import RouteContext
from matcher._internal.solver.search.routes.move import (
    Proposal,
    apply_routes,
    best_gap,
    gaps_elsewhere,
)


@dataclass
class Eject:
    drops: bool = True
    """Whether x may be left unserved for a heavier r when no other volunteer takes it."""
    name: str = "eject"

    def evaluate(self, ctx: RouteContext, r: int) -> Proposal | None:
        if r in ctx.schedule.crews or not ctx.movable(r):
            return None
        weights = ctx.inst.plain.r_weight
        best: Proposal | None = None
        for v in ctx.volunteers_of(r):
            route = ctx.route(v)
            n_v = ctx.tasks(v)
            for pos, x in enumerate(route.visits):
                if not ctx.movable(x):
                    continue
                reduced = ctx.without(route, pos)
                gap = best_gap(ctx, reduced, r)
                if gap is None:
                    continue
                swapped = ctx.with_visit(reduced, gap.pos, r, gap.window)
                change = ctx.join_cost(r, v, tasks=n_v - 1, excluding=x) - ctx.join_cost(
                    x, v, tasks=n_v - 1
                )
                travel = swapped.travel_minutes() - route.travel_minutes()
                for u, target, moved in gaps_elsewhere(ctx, x, away_from=v):
                    cost = change + ctx.join_cost(x, u, tasks=ctx.tasks(u))
                    gain = (weights[r], -cost, -(travel + moved.detour))
                    if best is None or gain > best.gain:
                        placed = ctx.with_visit(target, moved.pos, x, moved.window)
                        best = Proposal(gain, (swapped, placed))
                gain = (weights[r] - weights[x], -change, -travel)
                if self.drops and gain[0] > 0 and (best is None or gain > best.gain):
                    best = Proposal(gain, (swapped,))
        return best

    def apply(self, ctx: RouteContext, proposal: Proposal) -> None:
        apply_routes(ctx, proposal)
