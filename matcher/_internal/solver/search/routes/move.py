"""The interface every route move shares, and the best-gap search they all use.

A move looks at one request (`evaluate`) and proposes its best change, or nothing when no
change improves the schedule. A proposal's `gain` orders changes lexicographically: served
weight first, then the lower levels of the objective (`core.objective`: walking from home,
preferences, continuity and fairness, summed as the models sum them), then the minutes
walked between visits, which no term of the objective counts but which frees time for
later insertions. `apply` books the proposal's routes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from matcher._internal.solver.search.routes.context import RouteContext
from matcher._internal.solver.search.routes.route import Route, Segment

Gain = tuple[int, int, int]
"""(served weight gained, lower-level cost saved, minutes walked between visits saved)."""
NOTHING: Gain = (0, 0, 0)


@dataclass(frozen=True)
class Proposal:
    gain: Gain
    routes: tuple[Route, ...]
    """The new routes, in the order they are booked: one that drops a request first."""


class Move(Protocol):
    name: str

    def evaluate(self, ctx: RouteContext, r: int) -> Proposal | None:
        """The best improving change this move can make around request r, or None."""
        ...

    def apply(self, ctx: RouteContext, proposal: Proposal) -> None:
        """Book the proposal; the schedule stays valid."""
        ...


def apply_routes(ctx: RouteContext, proposal: Proposal) -> None:
    for route in proposal.routes:
        ctx.book_route(route)


@dataclass(frozen=True)
class Gap:
    """Where r fits best in a route: before visit `pos`, in `window`, adding `detour`
    minutes of walking between visits."""

    pos: int
    window: Segment
    detour: int


def best_gap(ctx: RouteContext, route: Route, r: int) -> Gap | None:
    """The feasible position of r in `route` that adds the least walking between visits
    (the earliest such position on a tie), from the route's slack."""
    segments = ctx.segments(r, route.v)
    if not segments:
        return None
    gaps, tested = route.gaps(r, ctx.inst.plain.r_duration[r], segments)
    ctx.evaluations += tested
    best: Gap | None = None
    for pos, window in gaps:
        detour = route.detour(pos, r)
        if best is not None and detour >= best.detour:
            continue
        if ctx.confirm(route, pos, r, window):
            best = Gap(pos, window, detour)
    return best


def gaps_elsewhere(ctx: RouteContext, r: int, away_from: int) -> Iterator[tuple[int, Route, Gap]]:
    """Each other volunteer who could take r, with their route and r's best gap in it:
    where a move sends a visit it takes off `away_from`'s route."""
    for u in ctx.volunteers_of(r):
        if u == away_from:
            continue
        target = ctx.route(u)
        gap = best_gap(ctx, target, r)
        if gap is not None:
            yield u, target, gap
