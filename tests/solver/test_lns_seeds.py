"""Where the neighbourhood search looks: mostly at unserved requests, until that stops paying."""

from __future__ import annotations

import time
from collections import Counter

import numpy as np
from factories import problem, request, volunteer

from matcher._internal.solver.construct.greedy import greedy_schedule
from matcher._internal.solver.core.candidates import find_candidates
from matcher._internal.solver.core.instance import build_instance
from matcher._internal.solver.core.objective import build_costs
from matcher._internal.solver.search import lns


def _search() -> lns._Search:
    # One volunteer, two requests at the same minute: one is served, one is open.
    p = problem([volunteer("v")], [request("a", priority=4), request("b", priority=3)])
    inst = build_instance(p)
    cands = find_candidates(inst)
    schedule = greedy_schedule(inst, cands)
    assert len(schedule.crews) == 1
    return lns._Search(
        inst, cands, schedule, build_costs(inst, cands), 100, False, lns.LnsStats(),
        np.random.default_rng(7), time.perf_counter(),
    )  # fmt: skip


def _origins(search: lns._Search, picks: int = 400) -> Counter[str]:
    return Counter(search._pick_seed()[1] for _ in range(picks))


def test_unserved_requests_are_the_usual_seeds() -> None:
    search = _search()
    share = _origins(search)["unserved"] / 400
    assert abs(share - lns.UNSERVED_SHARE) < 0.06


def test_after_a_stall_served_requests_take_over() -> None:
    search = _search()
    search.unserved_tries_since_gain = lns.STALL_ITERATIONS
    share = _origins(search)["unserved"] / 400
    assert abs(share - lns.STALLED_SHARE) < 0.06
