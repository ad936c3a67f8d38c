"""Ruin and recreate: valid after every step (the checker), never below its start in (served
weight, -lower-level cost), its own account of both equal to a count from scratch, the same
schedule from the same seed, and a journal that takes every change back exactly."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from route_cases import (
    Case,
    assert_checked,
    assert_pairwise,
    lower_cost,
    prepare,
    small_problems,
    table_problems,
)

from matcher._internal.model import Problem
from matcher._internal.solver.core.objective import served_weight
from matcher._internal.solver.search.routes.insert import Insert
from matcher._internal.solver.search.routes.ruin import ruin_and_recreate

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _run(case: Case, seed: int, steps: int = 40) -> tuple[int, int]:
    before = (served_weight(case.inst, case.schedule.crews), lower_cost(case))
    stats = ruin_and_recreate(
        case.inst, case.cands, case.schedule, case.costs, seed=seed, steps=steps
    )
    after = (served_weight(case.inst, case.schedule.crews), lower_cost(case))
    assert stats.weight_gain == after[0] - before[0]
    assert stats.cost_saved == before[1] - after[1]
    assert (after[0], -after[1]) >= (before[0], -before[1])
    assert_checked(case)
    return after


@SETTINGS
@given(small_problems(), st.integers(0, 3))
def test_never_worse_valid_and_its_own_account_is_right(p: Problem, seed: int) -> None:
    _run(prepare(p), seed)


@SETTINGS
@given(small_problems(), st.integers(0, 3))
def test_the_same_seed_gives_the_same_schedule(p: Problem, seed: int) -> None:
    one, two = prepare(p), prepare(p)
    _run(one, seed)
    _run(two, seed)
    assert one.schedule.bookings == two.schedule.bookings


@SETTINGS
@given(table_problems(), st.integers(0, 3))
def test_under_a_walking_table_every_pair_stays_apart(p: Problem, seed: int) -> None:
    case = prepare(p)
    _run(case, seed)
    assert_pairwise(case)


@SETTINGS
@given(small_problems(), st.data())
def test_undo_takes_every_change_back(p: Problem, data: st.DataObject) -> None:
    case = prepare(p)
    start = copy.deepcopy((case.schedule.bookings, case.schedule.crews))
    minutes = dict(case.schedule.day_minutes)
    ctx = case.context()
    ctx.journal = []
    served = list(case.schedule.crews)
    for r in data.draw(st.lists(st.sampled_from(served), unique=True)) if served else []:
        if ctx.movable(r):
            ctx.unbook(r)
    for r in range(case.inst.n_requests):  # re-times the routes it books into
        proposal = Insert().evaluate(ctx, r)
        if proposal is not None:
            Insert().apply(ctx, proposal)

    ctx.undo(0)
    assert (case.schedule.bookings, case.schedule.crews) == start
    assert {k: m for k, m in case.schedule.day_minutes.items() if m} == {
        k: m for k, m in minutes.items() if m
    }


def test_frozen_requests_and_volunteers_are_left_alone() -> None:
    from factories import problem, request, volunteer

    p = problem(
        [volunteer("V0"), volunteer("V1")],
        [request("R0", window="09:00-10:00"), request("R1", window="09:00-10:00")],
    )
    case = prepare(p)
    kept = case.schedule.crews[0]
    ruin_and_recreate(
        case.inst, case.cands, case.schedule, case.costs, seed=0, steps=50,
        frozen_requests=frozenset({0}),
    )  # fmt: skip
    assert case.schedule.crews[0] == kept
    ruin_and_recreate(
        case.inst, case.cands, case.schedule, case.costs, seed=1, steps=50,
        frozen_volunteers=frozenset({0, 1}),
    )  # fmt: skip
    assert case.schedule.crews[0] == kept


@SETTINGS
@given(small_problems(), st.integers(0, 3))
def test_each_better_schedule_is_reported_as_found(p: Problem, seed: int) -> None:
    case = prepare(p)
    start = served_weight(case.inst, case.schedule.crews)
    heard: list[int] = []
    ruin_and_recreate(
        case.inst, case.cands, case.schedule, case.costs, seed=seed, steps=40,
        on_better=lambda weight, _: heard.append(weight),
    )  # fmt: skip
    ctx = case.context()
    if not any(ctx.movable(r) and ctx.volunteers_of(r) for r in range(case.inst.n_requests)):
        assert heard == []  # nothing it could move: it did not run
        return
    assert heard[0] == start
    assert heard == sorted(set(heard))  # each report serves more than the last
    assert heard[-1] == served_weight(case.inst, case.schedule.crews)
