"""Or-opt, alone: for every served request, the string it moves and where it puts it are
the best of every string of 2 or 3 visits from that request and every other position of
every route that may take the string, each re-timed minute by minute; the stated gain is
the change of the whole schedule, and the checker accepts the result."""

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
from matcher._internal.solver.search.routes.or_opt import OrOpt

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def every_string_move(case: Case, ctx: RouteContext, r: int) -> list[Alternative]:
    placed = case.schedule.crews.get(r)
    if placed is None or case.inst.r_crew[r] != 1:
        return []
    v = placed[1][0]
    mine = visits_of(case, v)
    i = mine.index(r)
    out: list[Alternative] = []
    for k in (2, 3):
        string = mine[i : i + k]
        if len(string) < k or any(case.inst.r_crew[x] != 1 for x in string):
            break
        rest = mine[:i] + mine[i + k :]
        for pos in range(len(rest) + 1):
            if pos != i:
                out.append(({v: rest[:pos] + string + rest[pos:]}, frozenset(string)))
        for u in range(case.inst.n_volunteers):
            if u == v or any(u not in ctx.volunteers_of(x) for x in string):
                continue
            theirs = visits_of(case, u)
            for pos in range(len(theirs) + 1):
                out.append(({v: rest, u: theirs[:pos] + string + theirs[pos:]}, frozenset()))
    return out


@SETTINGS
@given(st.one_of(small_problems(), small_problems(roomy=True)), st.data())
def test_or_opt_is_the_best_string_move(p: Problem, data: st.DataObject) -> None:
    case = prepare(p)  # the greedy start, or a scrambled one with more to improve
    start = scrambled(case, data) if data.draw(st.booleans()) else case
    assert_best_of_its_kind(start, OrOpt(), every_string_move)
