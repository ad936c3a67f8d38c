"""The interface every route move shares, and the best-gap search they all use.

A move looks at one request (`evaluate`) and proposes its best change, or nothing when no
change improves the schedule. A proposal's `gain` orders changes lexicographically: served
weight first, then the lower levels of the objective (`core.objective`: walking from home,
preferences, continuity and fairness, summed as the models sum them), then the minutes
walked between visits, which no term of the objective counts but which frees time for
later insertions. `apply` books the proposal's routes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from matcher._internal.solver.core.rules import service_day, within_day_caps
from matcher._internal.solver.search.routes.context import RouteContext
from matcher._internal.solver.search.routes.route import NEVER, Route, Segment

Gain = tuple[int, int, int]
"""(served weight gained, lower-level cost saved, minutes walked between visits saved)."""
NOTHING: Gain = (0, 0, 0)


@dataclass(frozen=True)
class Proposal:
    gain: Gain
    routes: tuple[Route, ...]
    """The new routes of every volunteer the change touches."""


class Move(Protocol):
    name: str

    def evaluate(self, ctx: RouteContext, r: int) -> Proposal | None:
        """The best improving change this move can make around request r, or None."""
        ...

    def apply(self, ctx: RouteContext, proposal: Proposal) -> None:
        """Book the proposal; the schedule stays valid."""
        ...


def apply_routes(ctx: RouteContext, proposal: Proposal) -> None:
    """Book the proposal's routes. Every visit that changes volunteer is unbooked first, so
    that routes which trade visits (a swap, an exchange of tails) find them free."""
    for route in proposal.routes:
        for r in route.visits:
            placed = ctx.schedule.crews.get(r)
            if placed is not None and route.v not in placed[1]:
                ctx.unbook(r)
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


def run_windows(
    ctx: RouteContext, route: Route, head: int, run: Sequence[int], resume: int
) -> list[Segment] | None:
    """The windows of the visits `run`, in this order, between the route's first `head`
    visits and its visits from `resume` on (those between leave the route), or None when
    they cannot all be timed there: a forward pass from the head's earliest end gives each
    visit the first of its segments with a start and room on its day (rule 7, counting
    the visits that leave and those placed before it), then the last one's end is tested
    against the next visit's latest start. O(len(run) + resume - head)."""
    ctx.evaluations += 1
    minutes: dict[int, int] = {}  # what the change adds to each day's load
    tasks: dict[int, int] = {}

    def load(day: int, d: int, count: int) -> None:
        minutes[day] = minutes.get(day, 0) + d
        tasks[day] = tasks.get(day, 0) + count

    def has_room(day: int, d: int) -> bool:
        return within_day_caps(
            route.minutes.get(day, 0) + minutes.get(day, 0),
            route.tasks.get(day, 0) + tasks.get(day, 0),
            d, route.max_minutes, route.max_tasks,
        )  # fmt: skip

    for i in range(head, resume):
        load(service_day(route.lo[i]), -route.duration[i], -1)
    prev = route.visits[head - 1] if head else -1  # -1: nothing before, no walk
    end = route.earliest[head - 1] + route.duration[head - 1] if head else NEVER
    windows: list[Segment] = []
    for r in run:
        d = ctx.inst.plain.r_duration[r]
        ready = end + route.travel(prev, r) if prev >= 0 else NEVER
        for lo, hi, day in ctx.segments(r, route.v):
            if max(lo, ready) <= hi and has_room(day, d):
                break
        else:
            return None
        load(day, d, 1)
        windows.append((lo, hi, day))
        prev, end = r, max(lo, ready) + d
    after = route.visits[resume] if resume < len(route) else -1
    if prev >= 0 and after >= 0 and end + route.travel(prev, after) > route.latest[resume]:
        return None
    return windows
