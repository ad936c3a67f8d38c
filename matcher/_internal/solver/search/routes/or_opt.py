"""Or-opt: move a string of 2 or 3 consecutive visits, in their order, to another gap of
their own route or to another volunteer's route, when that lowers the objective's lower
levels or, at equal cost, walks fewer minutes between visits. Relocate moves one visit;
a string moves visits that sit well together (a resident's two calls, a street) where
moving either alone would not fit or would walk further."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from matcher._internal.solver.search.routes.context import RouteContext
from matcher._internal.solver.search.routes.move import (
    NOTHING,
    Proposal,
    apply_routes,
    run_windows,
)
from matcher._internal.solver.search.routes.route import Route, Segment

LENGTHS = (2, 3)


@dataclass(frozen=True)
class StringGap:
    """Where a string fits best in a route: before visit `pos`, its visits in `windows`,
    adding `detour` minutes of walking between visits (the string's own walks left out)."""

    pos: int
    windows: list[Segment]
    detour: int


def best_string_gap(ctx: RouteContext, route: Route, string: list[int]) -> StringGap | None:
    """The feasible position of `string` in `route` that adds the least walking between
    visits, the earliest on a tie: `best_gap` for several visits, each position tested by
    a forward pass over the string (`run_windows`)."""
    travel, visits = route.travel, route.visits
    first, last = string[0], string[-1]
    segments = ctx.segments(first, route.v)
    if not segments:
        return None
    best: StringGap | None = None
    for pos in range(len(visits) + 1):
        if route.ready(pos, first) > segments[-1][1]:
            break  # later positions are readier still
        before = travel(visits[pos - 1], first) if pos > 0 else 0
        after = travel(last, visits[pos]) if pos < len(visits) else 0
        skipped = travel(visits[pos - 1], visits[pos]) if 0 < pos < len(visits) else 0
        detour = before + after - skipped
        if best is not None and detour >= best.detour:
            continue
        windows = run_windows(ctx, route, pos, string, pos)
        if windows is None:
            continue
        if ctx.pairwise and ctx.starts(ctx.spliced(route, pos, string, windows, pos)) is None:
            continue
        best = StringGap(pos, windows, detour)
    return best


class OrOpt:
    name = "or_opt"

    def evaluate(self, ctx: RouteContext, r: int) -> Proposal | None:
        found = ctx.placed_route(r)
        if found is None:
            return None
        route, i = found
        v = route.v
        before_v = route.travel_minutes()
        best: Proposal | None = None
        for k in LENGTHS:
            string = route.visits[i : i + k]
            if len(string) < k or not all(ctx.movable(x) for x in string):
                break  # a longer string holds this one
            reduced = ctx.spliced(route, i, [], [], i + k)
            walked = reduced.travel_minutes() + sum(route.travel(a, b) for a, b in pairwise(string))
            gap = best_string_gap(ctx, reduced, string)  # where it was gains nothing
            if gap is not None:
                gain = (0, 0, before_v - (walked + gap.detour))
                if gain > NOTHING and (best is None or gain > best.gain):
                    moved = ctx.spliced(reduced, gap.pos, string, gap.windows, gap.pos)
                    best = Proposal(gain, (moved,))
            leave: int | None = None  # priced once another volunteer can take the string
            for u in ctx.volunteers_of(r):
                if u == v or any(u not in ctx.volunteers_of(x) for x in string):
                    continue
                target = ctx.route(u)
                gap = best_string_gap(ctx, target, string)
                if gap is None:
                    continue
                if leave is None:
                    leave = ctx.serving_cost(v, reduced.visits) - ctx.serving_cost(v, route.visits)
                join = ctx.serving_cost(u, [*target.visits, *string]) - ctx.serving_cost(
                    u, target.visits
                )
                gain = (0, -(leave + join), before_v - (walked + gap.detour))
                if gain > NOTHING and (best is None or gain > best.gain):
                    moved = ctx.spliced(target, gap.pos, string, gap.windows, gap.pos)
                    best = Proposal(gain, (reduced, moved))
        return best

    def apply(self, ctx: RouteContext, proposal: Proposal) -> None:
        apply_routes(ctx, proposal)
