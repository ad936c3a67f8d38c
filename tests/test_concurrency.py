"""Several services solving at once, and a solve cancelled halfway."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from factories import assert_valid

import matcher
from matcher._internal.generate import generate_community
from matcher._internal.model import Problem, Settings


def _day(seed: int, **settings: object) -> Problem:
    vols, reqs = generate_community(200, 300, days=1, seed=seed, start=date(2026, 12, 1))
    return matcher.load_problem(vols, reqs, settings=Settings(**settings))  # type: ignore[arg-type]


def test_concurrent_solves_match_solving_alone() -> None:
    problems = [_day(seed, time_limit_s=2, deterministic=True) for seed in (1, 2, 3)]
    alone = [matcher.solve(p) for p in problems]
    with ThreadPoolExecutor(max_workers=3) as pool:
        together = list(pool.map(matcher.solve, problems))
    for p, a, b in zip(problems, alone, together, strict=True):
        assert_valid(p, b)
        assert a.assignments == b.assignments and a.unassigned == b.unassigned


def test_cancel_stops_early_with_a_valid_schedule() -> None:
    p = _day(5, time_limit_s=60)
    cancel = threading.Event()
    threading.Timer(2.0, cancel.set).start()
    began = time.perf_counter()
    s = matcher.solve(p, cancel=cancel)
    assert time.perf_counter() - began < 20
    assert_valid(p, s)
    assert s.summary.requests_served > 0
