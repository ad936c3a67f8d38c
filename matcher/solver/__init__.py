"""Solvers: candidates -> construct -> (improve) -> bound -> explain."""

from __future__ import annotations

import logging
import time

from matcher.model import Problem, Solution
from matcher.solver.bound import servable_bound
from matcher.solver.candidates import find_candidates
from matcher.solver.greedy import greedy_schedule
from matcher.solver.instance import build_instance
from matcher.solver.result import build_solution

log = logging.getLogger(__name__)

STRATEGIES = ("greedy",)


def solve(problem: Problem, *, strategy: str = "greedy") -> Solution:
    """Solve `problem` with the named strategy; unservable requests come back explained."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; choose from {', '.join(STRATEGIES)}")
    began = time.perf_counter()
    inst = build_instance(problem)
    cands = find_candidates(inst)
    log.info("%d candidate pairs for %d requests", cands.n_pairs, inst.n_requests)
    schedule = greedy_schedule(inst, cands)
    bound = servable_bound(inst, cands)
    return build_solution(
        inst,
        cands,
        schedule,
        upper_bound=bound,
        strategy=strategy,
        seconds=time.perf_counter() - began,
    )


__all__ = ["STRATEGIES", "solve"]
