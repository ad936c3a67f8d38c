"""The harness's promises with standbys planned: the stated bound is still at least the
exact optimum (served weight if everyone accepts), `optimal` is said only of an optimum even
when weight was given up for standbys, and the checker accepts the schedule and every
standby. A generous share makes trades and swaps happen on these tiny instances."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from soundness.harness import run_instance
from soundness.shapes import TINY, problems

from matcher import Problem, solve


@settings(
    max_examples=80,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problems(TINY), st.sampled_from([0.0, 0.01, 0.3]), st.integers(1, 5))
def test_standbys_keep_every_promise(problem: Problem, share: float, priority: int) -> None:
    aware = problem.model_copy(
        update={
            "settings": problem.settings.model_copy(
                update={"plan_standbys": True, "standby_max_share": share,
                        "standby_min_priority": priority}
            )
        }
    )  # fmt: skip
    _, solution = run_instance(aware)
    assert solution.summary.standbys == len(solution.standbys)
    plain = solve(problem)  # deterministic: the same schedule before standbys
    given_up = plain.summary.served_weight - solution.summary.served_weight
    assert 0 <= given_up <= share * plain.summary.served_weight + 1e-9
