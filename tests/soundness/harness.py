"""One instance through the harness: the oracle's optimum, the solver's answer, and the four
promises checked between them. Shared by the CI tests and `benchmarks/soundness.py`."""

from __future__ import annotations

import os
from pathlib import Path

from soundness.oracle import Exact, solve_exact

from matcher import Problem, Reason, Solution, Summary, Unassigned, solve
from matcher._internal.check import check_solution


def oracle_solution(problem: Problem, exact: Exact) -> Solution:
    """The oracle's schedule in the contract's form, so the checker can judge it too."""
    served = {a.request_id for a in exact.assignments}
    left = [
        Unassigned(request_id=r.request_id, reason=Reason.CAPACITY_TAKEN, detail="oracle")
        for r in problem.requests
        if r.request_id not in served
    ]
    # The checker reads neither status nor strategy.
    summary = Summary(
        status="feasible", strategy="optimise", served_weight=exact.weight,
        upper_bound=exact.bound, gap=0.0, walk_minutes=0.0,
        requests_total=len(problem.requests), requests_served=len(served),
        requests_unassigned=len(left), assignments=len(exact.assignments),
        solve_seconds=0.0, seed=0,
    )  # fmt: skip
    return Solution(assignments=exact.assignments, unassigned=left, summary=summary)


def assert_sound(problem: Problem, solution: Solution, exact: Exact) -> None:
    """Bound >= optimum >= served; `optimal` only at the optimum; the checker accepts."""
    summary = solution.summary
    report = check_solution(problem, solution)
    assert report.ok, "solver: " + "\n".join(str(v) for v in report.violations)
    assert summary.upper_bound >= exact.weight, (
        f"stated bound {summary.upper_bound} below a valid schedule's weight {exact.weight}"
    )
    assert summary.served_weight <= exact.bound, (
        f"served {summary.served_weight} above the exact optimum's bound {exact.bound}"
    )
    if summary.status == "optimal":
        assert summary.served_weight >= exact.weight, (
            f"'optimal' with {summary.served_weight} where {exact.weight} is possible"
        )


def run_instance(problem: Problem, oracle_seconds: float = 30.0) -> tuple[Exact, Solution]:
    """Solve exactly and with matcher; raise AssertionError on any broken promise."""
    exact = solve_exact(problem, time_limit=oracle_seconds)
    report = check_solution(problem, oracle_solution(problem, exact))
    assert report.ok, "oracle: " + "\n".join(str(v) for v in report.violations)
    solution = solve(problem)
    try:
        assert_sound(problem, solution, exact)
    except AssertionError:
        if dump := os.environ.get("MATCHER_HARNESS_DUMP"):  # a failing instance to study
            Path(dump).write_text(problem.model_dump_json())
        raise
    return exact, solution
