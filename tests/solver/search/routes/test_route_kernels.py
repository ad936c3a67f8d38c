"""The compiled route kernels (`kernels.py`, used where the instance has a travel matrix)
give exactly what the plain-Python path of route.py gives, on drawn routes: any order of
any requests in any windows, timed or not, with estimated walks and with walking tables
that differ by direction."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from route_cases import prepare, small_problems, table_problems

from matcher._internal.io.errors import InputError
from matcher._internal.model import Problem
from matcher._internal.solver.core.rules import travel_minutes
from matcher._internal.solver.core.walking import TRAVEL_MATRIX_REQUESTS
from matcher._internal.solver.search.routes.route import (
    Route,
    make_route,
    pairwise_starts,
    spliced_route,
    start_segments,
)

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_same(compiled: Route, plain: Route) -> None:
    assert compiled.arrays is not None and plain.arrays is None
    for name in ("visits", "duration", "lo", "hi", "earliest", "latest"):
        assert getattr(compiled, name) == getattr(plain, name), name
    assert compiled.minutes == plain.minutes and compiled.tasks == plain.tasks
    assert compiled.travel_minutes() == plain.travel_minutes()
    assert pairwise_starts(compiled) == pairwise_starts(plain)


@SETTINGS
@given(st.one_of(small_problems(), table_problems(), table_problems(roomy=True)), st.data())
def test_kernels_agree_with_the_python_path(p: Problem, data: st.DataObject) -> None:
    case = prepare(p)
    inst, travel = case.inst, case.schedule.travel
    matrix = case.schedule.travel_matrix
    assert matrix is not None
    n = inst.n_requests
    for i in range(n):  # the matrix is the walk, row i to column j
        for j in range(n):
            assert matrix[i, j] == inst.walk_between_requests(i, j)
    col = inst.plain
    v = data.draw(st.integers(0, inst.n_volunteers - 1))
    visits = data.draw(st.permutations(range(n)))[: data.draw(st.integers(0, n))]
    windows = []
    for r in visits:
        lo = data.draw(st.integers(col.r_earliest[r] - 60, col.r_latest[r] + 60))
        windows.append((lo, lo + data.draw(st.integers(0, 120))))
    compiled = make_route(inst, v, visits, windows, travel, matrix)
    plain = make_route(inst, v, visits, windows, travel)
    assert_same(compiled, plain)
    for r in range(n):  # the gap scan of every request, in the route or not
        segments = start_segments(inst, r, v)
        d = col.r_duration[r]
        assert compiled.gaps(r, d, segments) == plain.gaps(r, d, segments)
        assert compiled.gaps(r, d, list(segments)) == plain.gaps(r, d, segments)
    head = data.draw(st.integers(0, len(visits)))
    end = data.draw(st.integers(head, len(visits)))
    extra = [r for r in range(n) if r not in visits[:head] + visits[end:]][:2]
    extra_windows = [(col.r_earliest[r], col.r_latest[r]) for r in extra]
    assert_same(
        spliced_route(inst, compiled, head, extra, extra_windows, end, matrix),
        spliced_route(inst, plain, head, extra, extra_windows, end),
    )


@settings(max_examples=5, deadline=None)
@given(small_problems())
def test_no_matrix_above_the_limit_or_for_a_strict_table_that_lacks_a_pair(p: Problem) -> None:
    walks = prepare(p).inst.walks
    assert walks.travel_matrix is not None
    many = replace(walks, r_ids=["x"] * (TRAVEL_MATRIX_REQUESTS + 1))
    assert many.travel_matrix is None
    lacking = replace(walks, strict=True, between={(0, 1): 3.0, (1, 0): 4.0})
    assert lacking.travel_matrix is None  # the pair-by-pair path raises when a pair is needed
    with pytest.raises(InputError, match="no walking time between"):
        lacking.between_requests(0, 2)
    listed = replace(walks, between={(0, 1): 3.0, (1, 0): 4.0})  # not strict: the rest estimated
    matrix = listed.travel_matrix
    assert matrix is not None
    assert (matrix[0, 1], matrix[1, 0]) == (3, 4)
    assert matrix[0, 2] == travel_minutes(walks.between_requests(0, 2))
