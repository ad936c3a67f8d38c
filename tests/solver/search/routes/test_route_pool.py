"""Route pool recombination, alone: every pooled route can be timed minute by minute on its
volunteer; the packing it applies is the best of every choice of one pooled route (or the
current one, or none) per poolable volunteer, each request served at most once, counted
from scratch; it applies nothing unless that is better by (served weight, -lower levels);
its stated change is the change of the whole schedule; and the checker accepts the result."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from route_cases import (
    Case,
    assert_checked,
    brute_starts,
    objective,
    prepare,
    rebooked,
    small_problems,
    visits_of,
)

from matcher._internal.model import Problem
from matcher._internal.solver.search.routes.pool import RoutePool
from matcher._internal.solver.search.routes.ruin import COST_PER_WEIGHT

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _scalar(score: tuple[int, int, int]) -> int:
    """What the pool's MIP maximises: weight first, at COST_PER_WEIGHT lower-level units."""
    return COST_PER_WEIGHT * score[0] + score[1]


def _every_packing(case: Case, pool: RoutePool) -> list[tuple[int, int, int]]:
    """The whole objective of every packing: per poolable volunteer their current route, a
    pooled route, or none; each request at most once; crews of several and other volunteers'
    visits kept."""
    kept = {
        r for r, (_, crew) in case.schedule.crews.items() if not set(crew) <= set(pool.poolable)
    }
    choices = []
    for v in pool.poolable:
        mine = [list(visits) for (u, visits) in pool.routes if u == v]
        choices.append([[], visits_of(case, v), *mine])
    out = []
    for pick in itertools.product(*choices):
        served = [r for route in pick for r in route]
        if len(served) != len(set(served)) or kept & set(served):
            continue
        other = rebooked(case, dict(zip(pool.poolable, pick, strict=True)))
        if other is not None:
            out.append(objective(other))
    return out


@SETTINGS
@given(small_problems(roomy=True), st.data())
def test_recombination_applies_the_best_packing(p: Problem, data: st.DataObject) -> None:
    case = prepare(p)
    ctx = case.context()
    served = sorted(r for r in case.schedule.crews if ctx.movable(r))
    for r in data.draw(st.lists(st.sampled_from(served), unique=True)) if served else []:
        ctx.unbook(r)  # a poorer start, so that packings can beat it
    pool = RoutePool(ctx)
    for v in pool.poolable:
        theirs = [
            r for r in range(case.inst.n_requests) if ctx.movable(r) and v in ctx.volunteers_of(r)
        ]
        if not theirs:
            continue
        for visits in data.draw(
            st.lists(
                st.lists(st.sampled_from(theirs), min_size=1, max_size=3, unique=True), max_size=5
            )
        ):
            pool.add_visits(v, sorted(visits, key=lambda r: case.inst.plain.r_earliest[r]))
    for v in pool.poolable:  # the current routes, as the recombination pools them
        pool.add(ctx.route(v))
    for v, visits in pool.routes:  # every pooled route is a valid route of its volunteer
        assert brute_starts(case, v, list(visits), moved=set(visits)) is not None
    before = objective(case)
    packings = _every_packing(case, pool)
    found = pool.recombine(cost_per_weight=COST_PER_WEIGHT, seconds=None, nodes=None)
    after = objective(case)
    assert_checked(case)
    best = max(packings, key=_scalar)
    if found is None:
        assert after == before
        assert (best[0], best[1]) <= (before[0], before[1]) or _scalar(best) <= _scalar(before)
    else:
        assert (after[0], after[1]) > (before[0], before[1])
        assert _scalar(after) == _scalar(best)
        assert (found.weight, -found.cost) == (after[0] - before[0], after[1] - before[1])
