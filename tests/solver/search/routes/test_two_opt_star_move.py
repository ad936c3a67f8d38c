"""2-opt*, alone: for every served request r on v, the exchange it proposes is the best
of every exchange of v's tail after r with a tail of another route that may take r (at
every cut), each route re-timed minute by minute; visits of crews of several never move;
the stated gain is the change of the whole schedule, and the checker accepts the result."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from route_cases import (
    Alternative,
    Case,
    assert_best_of_its_kind,
    prepare,
    scrambled,
    small_problems,
    visits_of,
)

from matcher._internal.model import Problem
from matcher._internal.solver.search.routes.context import RouteContext
from matcher._internal.solver.search.routes.two_opt_star import TwoOptStar

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def every_tail_exchange(case: Case, ctx: RouteContext, r: int) -> list[Alternative]:
    placed = case.schedule.crews.get(r)
    if placed is None or case.inst.r_crew[r] != 1:
        return []
    v = placed[1][0]

    def tail_end(visits: list[int], start: int) -> int:
        end = start
        while end < len(visits) and case.inst.r_crew[visits[end]] == 1:
            end += 1
        return end

    mine = visits_of(case, v)
    head_v = mine.index(r) + 1
    end_v = tail_end(mine, head_v)
    tail_v = mine[head_v:end_v]
    out: list[Alternative] = []
    for u in ctx.volunteers_of(r):
        if u == v or any(u not in ctx.volunteers_of(x) for x in tail_v):
            continue
        theirs = visits_of(case, u)
        for head_u in range(len(theirs) + 1):
            end_u = tail_end(theirs, head_u)
            tail_u = theirs[head_u:end_u]
            if (tail_u or tail_v) and all(v in ctx.volunteers_of(x) for x in tail_u):
                routes = {
                    v: mine[:head_v] + tail_u + mine[end_v:],
                    u: theirs[:head_u] + tail_v + theirs[end_u:],
                }
                out.append((routes, frozenset()))
    return out


@SETTINGS
@given(st.one_of(small_problems(), small_problems(roomy=True)), st.data())
def test_two_opt_star_is_the_best_tail_exchange(p: Problem, data: st.DataObject) -> None:
    case = prepare(p)  # the greedy start, or a scrambled one with more to improve
    start = scrambled(case, data) if data.draw(st.booleans()) else case
    assert_best_of_its_kind(start, TwoOptStar(), every_tail_exchange)
