"""The column bound (solver/bound/columns): pricing against brute force over every route of
small units, the bound against the exact oracle on every shape the harness draws, never
above the relaxation once converged, and tighter than it on published OPTW instances."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from soundness.oracle import solve_exact
from soundness.shapes import TINY, problems

from matcher import Problem
from matcher._internal.solver.bound.columns import column_bound
from matcher._internal.solver.bound.columns.pricing import knapsack_upper, price_unit
from matcher._internal.solver.bound.columns.units import Unit
from matcher._internal.solver.bound.relaxation import lp_bound
from matcher._internal.solver.core.candidates import find_candidates
from matcher._internal.solver.core.instance import build_instance
from matcher._internal.solver.core.rules import day_starts, service_day, within_day_caps

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:  # `benchmarks` is a folder of scripts beside `matcher`
    sys.path.insert(0, str(ROOT))

from factories import at, north, request, volunteer  # noqa: E402
from factories import problem as make_problem  # noqa: E402

from benchmarks.literature import LITERATURE, convert, find_instance, parse_instance  # noqa: E402

# --- pricing against brute force ------------------------------------------------------------


@st.composite
def units(draw: st.DrawFn) -> Unit:
    """A small unit: up to 6 services over one or two days, one or two availability
    intervals, binding caps, walks that may break the triangle inequality."""
    n = draw(st.integers(1, 6))
    two_days = draw(st.booleans())
    horizon = 2 * 1440 if two_days else 1440
    ranges = []
    for _ in range(n):
        lo = draw(st.integers(0, horizon - 200))
        width = draw(st.sampled_from([0, 10, 60, 180, 900]))
        pieces = [(lo, lo + width)]
        if draw(st.booleans()):  # a second availability interval later on
            later = lo + width + draw(st.integers(30, 300))
            pieces.append((later, later + draw(st.sampled_from([0, 30, 120]))))
        ranges.append(pieces)
    metric = draw(st.booleans())
    if metric:
        points = [(draw(st.integers(0, 20)), draw(st.integers(0, 20))) for _ in range(n)]
        walk = [[abs(a[0] - b[0]) + abs(a[1] - b[1]) for b in points] for a in points]
    else:
        walk = [[0 if i == j else draw(st.integers(0, 60)) for j in range(n)] for i in range(n)]
    return Unit(
        volunteer=0, requests=tuple(range(n)), pairs=tuple(range(n)),
        duration=[draw(st.sampled_from([10, 30, 45, 90, 200])) for _ in range(n)],
        ranges=ranges, walk=walk,
        minutes_cap=draw(st.sampled_from([60, 120, 240, 100_000])),
        tasks_cap=draw(st.sampled_from([1, 2, 3, 10**9])),
        metric=metric,
    )  # fmt: skip


def _feasible(unit: Unit, order: tuple[int, ...]) -> bool:
    """Some starts serve `order` in turn under every rule of a route: tried at the earliest
    start on each service day (a later start on the same day is never better)."""

    def extend(k: int, ready: int, day: int, minutes: int, tasks: int) -> bool:
        if k == len(order):
            return True
        j = order[k]
        after = ready + (unit.walk[order[k - 1]][j] if k else 0)
        for lo, hi in unit.ranges[j]:
            s = max(lo, after)
            while s <= hi:
                d = service_day(s)
                m, t = (minutes, tasks) if d == day else (0, 0)
                fits = within_day_caps(m, t, unit.duration[j], unit.minutes_cap, unit.tasks_cap)
                if fits and extend(k + 1, s + unit.duration[j], d, m + unit.duration[j], t + 1):
                    return True
                s = day_starts(d + 1)[0]
        return False

    return extend(0, -(10**9), -1, 0, 0)


def _brute_best(unit: Unit, prizes: list[float]) -> float:
    best = 0.0
    for size in range(1, unit.size + 1):
        for order in itertools.permutations(range(unit.size), size):
            value = sum(prizes[j] for j in order)
            if value > best and _feasible(unit, order):
                best = value
    return best


prize_lists = st.lists(st.floats(-5, 10, allow_nan=False), min_size=6, max_size=6)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(units(), prize_lists)
def test_pricing_is_exact_on_small_units(unit: Unit, prizes: list[float]) -> None:
    prizes = prizes[: unit.size]
    best = _brute_best(unit, prizes)
    priced = price_unit(unit, prizes, label_limit=10_000)
    assert priced.exact
    assert priced.upper == pytest.approx(best, abs=1e-9)
    for value, route in priced.routes:  # every route offered is real and worth its value
        assert _feasible(unit, route)
        assert value == pytest.approx(sum(prizes[j] for j in route))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(units(), prize_lists, st.sampled_from([1, 2, 5, 20]), st.booleans())
def test_pricing_bounds_when_the_labels_run_out(
    unit: Unit, prizes: list[float], limit: int, elementary: bool
) -> None:
    prizes = prizes[: unit.size]
    best = _brute_best(unit, prizes)
    priced = price_unit(unit, prizes, label_limit=limit, ng=2, elementary=elementary)
    assert priced.upper >= best - 1e-9
    assert knapsack_upper(unit, prizes) >= best - 1e-9


# --- the bound against the exact oracle -----------------------------------------------------


def _tiny_profile(examples: int) -> settings:
    return settings(
        max_examples=examples, derandomize=True, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )  # fmt: skip


@_tiny_profile(150)
@given(problems(TINY))
def test_column_bound_holds_and_never_exceeds_the_relaxation_once_converged(
    problem: Problem,
) -> None:
    inst = build_instance(problem)
    cands = find_candidates(inst)
    exact = solve_exact(problem, time_limit=30.0)
    found = column_bound(inst, cands)
    assert found.total >= exact.weight
    if found.converged:
        assert found.total <= lp_bound(inst, cands).total
    for v, route in found.routes:  # the routes handed on are the volunteer's candidates
        assert all(v in cands.vol[cands.of(r)] for r in route)


def test_the_column_bound_is_tight_where_routes_decide() -> None:
    """One volunteer free for 180 minutes, three 50-minute visits 26 minutes' walk apart
    in a row: the relaxation fits all three by minutes, a route only two."""
    late = {"latest_start": at("00:30", "2026-12-02"), "weight": 1}  # no one day's caps
    problem = make_problem(
        [volunteer("V1", hours="21:00-23:59", max_walk_minutes=30,
                   availability=[f"{at('21:00')}/{at('00:00', '2026-12-02')}"])],
        [request(f"R{k}", where=north(1450 * (k - 1)), window="21:00-21:00", minutes=50, **late)
         for k in range(3)],
    )  # fmt: skip
    inst = build_instance(problem)
    cands = find_candidates(inst)
    assert lp_bound(inst, cands).total == 3
    assert column_bound(inst, cands).total == 2


# --- published OPTW instances ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "optimum"), [("r101", 198), ("r105", 247), ("rc101", 219)])
def test_optw_bound_is_above_the_optimum_and_well_below_the_relaxation(
    name: str, optimum: int
) -> None:
    problem = convert(parse_instance(find_instance(LITERATURE, name))).problem
    inst = build_instance(problem)
    cands = find_candidates(inst)
    relaxation = lp_bound(inst, cands).total
    found = column_bound(inst, cands, rounds=40)
    assert optimum <= found.total
    assert found.total <= optimum + (relaxation - optimum) // 4  # most of the gap closed
    assert np.isfinite(found.part_bounds).all()
