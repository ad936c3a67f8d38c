"""The stall rule: a search that has gone quiet close to its bound stops before the time
limit; progress reports come per change, not per neighbourhood, and count from the solve's
start."""

from __future__ import annotations

import itertools
from pathlib import Path

from factories import north, problem, request, volunteer

import matcher
from matcher._internal.model import Settings
from matcher._internal.solver import Progress
from matcher._internal.solver.construct.greedy import greedy_schedule
from matcher._internal.solver.core.candidates import find_candidates
from matcher._internal.solver.core.instance import build_instance
from matcher._internal.solver.core.objective import build_costs
from matcher._internal.solver.search.lns import HEARTBEAT_SECONDS, StallRule

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "sample"


def test_the_rule_needs_both_quiet_and_a_small_gap() -> None:
    rule = StallRule(seconds=10, gap=0.01)
    assert rule.stalled(10.0, Progress(995, 1000, 30.0, 50))
    assert not rule.stalled(9.9, Progress(995, 1000, 30.0, 50))
    assert not rule.stalled(60.0, Progress(980, 1000, 30.0, 50))  # a 2% gap keeps going


def test_the_default_window_scales_with_the_time_limit() -> None:
    assert Settings(time_limit_s=60).effective_stall_seconds == 10
    assert Settings(time_limit_s=300).effective_stall_seconds == 50
    assert Settings(time_limit_s=300, stall_seconds=0).effective_stall_seconds == 0
    assert Settings(deterministic=True).effective_stall_seconds == 0  # work, not seconds


def test_a_quiet_search_stops_long_before_its_limit() -> None:
    problem = matcher.load_problem(SAMPLE / "volunteers.csv", SAMPLE / "requests.csv")
    problem = problem.with_settings(time_limit_s=600, stall_seconds=1, stall_gap=0.05)
    reports: list[Progress] = []
    plan = matcher.solve(problem, progress=reports.append)
    assert plan.summary.gap <= 0.05
    assert plan.summary.solve_seconds < 600
    reports.sort(key=lambda r: r.elapsed)  # threads may call back in a different order
    for before, after in itertools.pairwise(reports):
        changed = (before.served_weight, before.upper_bound) != (
            after.served_weight,
            after.upper_bound,
        )
        assert changed or after.elapsed - before.elapsed >= HEARTBEAT_SECONDS * 0.99


def test_progress_reports_count_seconds_from_the_solves_start() -> None:
    """The neighbourhood search runs after the start and ruin and recreate; its reports
    count from the solve's start (`started`), as theirs do, so the progress line never
    goes back in time."""
    import time

    from matcher._internal.solver.search.lns import improve

    reqs = [
        request(
            f"r{i}",
            where=north(90 * (i % 7)),
            window="08:00-11:30",
            minutes=15 + i % 4,
            priority=1 + i % 3,
        )
        for i in range(24)
    ]
    p = problem([volunteer("v0", max_tasks_per_day=None)], reqs)
    inst = build_instance(p)
    cands = find_candidates(inst)
    schedule = greedy_schedule(inst, cands)
    heard: list[Progress] = []
    improve(
        inst, cands, schedule, build_costs(inst, cands), time_limit=3.0, upper_bound=10**6,
        seed=0, workers=1, progress=heard.append, started=time.perf_counter() - 100.0,
    )  # fmt: skip
    assert heard and all(100.0 <= h.elapsed < 110.0 for h in heard)
