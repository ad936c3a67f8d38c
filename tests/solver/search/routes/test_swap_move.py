"""Swap, alone: for every served request r on v, the swap it proposes is the best of every
exchange of r with a visit x near r in time on another route (x a candidate of v, r of
x's volunteer), over every position of each in the other's route, each route re-timed
minute by minute; the stated gain is the change of the whole schedule, and the checker
accepts the result."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from route_cases import (
    Alternative,
    Case,
    assert_best_of_its_kind,
    brute_starts,
    prepare,
    scrambled,
    small_problems,
    visits_of,
)

from matcher._internal.model import Problem
from matcher._internal.solver.search.routes.context import RouteContext
from matcher._internal.solver.search.routes.swap import Swap

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def near_in_time(case: Case, u: int, r: int) -> set[int]:
    """u's visits that overlap r's window when each starts at its earliest, the last that
    ends before it and the first that starts after it."""
    col = case.inst.plain
    theirs = visits_of(case, u)
    starts = brute_starts(case, u, theirs, moved=set())
    assert starts is not None
    first, last = col.r_earliest[r], col.r_latest[r] + col.r_duration[r]
    ends = [s + col.r_duration[x] for s, x in zip(starts, theirs, strict=True)]
    out = {x for x, s, e in zip(theirs, starts, ends, strict=True) if e >= first and s <= last}
    before = [x for x, e in zip(theirs, ends, strict=True) if e < first]
    after = [x for x, s in zip(theirs, starts, strict=True) if s > last]
    return out | set(before[-1:]) | set(after[:1])


def every_swap(case: Case, ctx: RouteContext, r: int) -> list[Alternative]:
    placed = case.schedule.crews.get(r)
    if placed is None or case.inst.r_crew[r] != 1:
        return []
    v = placed[1][0]
    mine = [y for y in visits_of(case, v) if y != r]
    out: list[Alternative] = []
    for u in ctx.volunteers_of(r):
        if u == v:
            continue
        for x in near_in_time(case, u, r):
            if case.inst.r_crew[x] != 1 or v not in ctx.volunteers_of(x):
                continue
            theirs = [y for y in visits_of(case, u) if y != x]
            for p in range(len(mine) + 1):
                for q in range(len(theirs) + 1):
                    routes = {v: [*mine[:p], x, *mine[p:]], u: [*theirs[:q], r, *theirs[q:]]}
                    out.append((routes, frozenset()))
    return out


@SETTINGS
@given(st.one_of(small_problems(), small_problems(roomy=True)), st.data())
def test_swap_is_the_best_swap_near_in_time(p: Problem, data: st.DataObject) -> None:
    case = prepare(p)  # the greedy start, or a scrambled one with more to improve
    start = scrambled(case, data) if data.draw(st.booleans()) else case
    assert_best_of_its_kind(start, Swap(), every_swap)
