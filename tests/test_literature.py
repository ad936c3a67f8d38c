"""The OPTW literature benchmark's conversion (benchmarks/literature.py): published routes are
feasible at the published score both by the instance README's route check and as matcher
schedules under the independent checker, and one converted instance solves soundly."""

from __future__ import annotations

import math
import sys
from datetime import timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `benchmarks` is a folder of scripts beside `matcher`
    sys.path.insert(0, str(ROOT))

from benchmarks.literature import (  # noqa: E402
    LITERATURE,
    Instance,
    at,
    check_route,
    convert,
    find_instance,
    judge,
    parse_instance,
    read_optima,
    routes_from_schedule,
    schedule_from_routes,
)
from matcher._internal.check import check_solution  # noqa: E402

PUBLISHED = ["r101", "rc101", "r105"]


def load(name: str) -> Instance:
    return parse_instance(find_instance(LITERATURE, name))


@pytest.mark.parametrize("name", [*PUBLISHED, "pr01"])
def test_exact_travel_times_equal_the_readme_formula(name: str) -> None:
    inst = load(name)
    for i in range(inst.customers + 1):
        for j in range(inst.customers + 1):
            dist = math.hypot(float(inst.x[i] - inst.x[j]), float(inst.y[i] - inst.y[j]))
            assert inst.travel[i][j] == math.floor(inst.scale * dist), (i, j)


@pytest.mark.parametrize("name", PUBLISHED)
def test_published_route_passes_the_route_check(name: str) -> None:
    inst, published = load(name), read_optima(LITERATURE)[name]
    result = check_route(inst, published.route)
    assert result.feasible, result.problem
    assert result.score == published.score
    assert not check_route(inst, published.route[::-1]).feasible


@pytest.mark.parametrize("name", PUBLISHED)
def test_conversion_folds_the_depot_legs_into_the_windows(name: str) -> None:
    inst = load(name)
    conv = convert(inst)
    t, scale = inst.travel, inst.scale
    requests = {r.request_id: r for r in conv.problem.requests}
    assert len(requests) + len(conv.zero_profit) + len(conv.empty_window) == inst.customers
    for rid, i in conv.customer_of.items():
        r = requests[rid]
        assert r.weight == inst.profit[i] >= 1
        assert r.duration_minutes == inst.service[i] == scale * 10  # Solomon: d_i = 10
        assert r.earliest_start == at(max(inst.open[i], t[0][i]))
        assert r.latest_start == at(min(inst.close[i], inst.tmax - inst.service[i] - t[i][0]))
    n, walks = len(requests), conv.problem.walking_times
    assert len(walks) == n + n * (n - 1) // 2
    assert all(w.minutes == int(w.minutes) for w in walks)
    assert conv.problem.settings.missing_walks == "error"


@pytest.mark.parametrize("name", PUBLISHED)
def test_published_route_is_a_valid_matcher_schedule(name: str) -> None:
    inst, published = load(name), read_optima(LITERATURE)[name]
    conv = convert(inst)
    solution = schedule_from_routes(inst, conv, [published.route])
    report = check_solution(conv.problem, solution)
    assert report.ok, report.headline() + "".join(f"\n  {v}" for v in report.violations)
    assert solution.summary.served_weight == published.score
    assert routes_from_schedule(conv, solution, 1) == [list(published.route)]


def test_checker_reads_the_walking_table() -> None:
    """Everyone stands on one point, so only the table makes travel count: a service moved
    one minute too close to the previous one must be rejected."""
    inst, published = load("r101"), read_optima(LITERATURE)["r101"]
    conv = convert(inst)
    solution = schedule_from_routes(inst, conv, [published.route])
    rows = solution.assignments
    requests = {r.request_id: r for r in conv.problem.requests}
    for k in range(1, len(rows)):
        a, b = rows[k - 1], rows[k]
        walk = inst.travel[conv.customer_of[a.request_id]][conv.customer_of[b.request_id]]
        start = a.end + timedelta(minutes=walk - 1)
        if walk >= 1 and requests[b.request_id].earliest_start <= start < b.start:
            moved = b.model_copy(update={"start": start, "end": start + (b.end - b.start)})
            rows[k] = moved
            break
    else:
        pytest.fail("no service of the r101 route can be moved earlier inside its window")
    report = check_solution(conv.problem, solution)
    assert [v.rule for v in report.violations] == ["R6 travel"], report.headline()
    assert report.violations[0].request_id == moved.request_id


def test_a_bound_below_a_known_score_is_an_error() -> None:
    matcher = {"served_weight": 190, "upper_bound": 195, "status": "feasible"}
    matcher |= {"checker_ok": True, "route_check_ok": True}
    row = {
        "instance": "r101",
        "published": {"score": 198, "status": "proven optimal", "usable": True},
        "matcher": {"10": matcher},
        "pyvrp": {"10": {"score": 196}},
    }
    errors = judge(row)
    assert len(errors) == 2 and all("stated bound 195 is below" in e for e in errors)
    matcher |= {"upper_bound": 190}  # now claims `feasible` at its own bound: also wrong
    assert any("status feasible" in e for e in judge(row))


@pytest.mark.slow
def test_a_50_customer_instance_solves_soundly() -> None:
    from matcher import solve

    inst = load("50_r101")
    conv = convert(inst, time_limit_s=5, seed=1)
    solution = solve(conv.problem)
    report = check_solution(conv.problem, solution)
    assert report.ok, report.headline()
    s = solution.summary
    assert s.upper_bound >= s.served_weight > 0
    assert (s.status == "optimal") == (s.served_weight == s.upper_bound)
    recheck = check_route(inst, routes_from_schedule(conv, solution, 1)[0])
    assert recheck.feasible, recheck.problem
    assert recheck.score == s.served_weight
