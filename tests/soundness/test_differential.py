"""The differential harness: on every shape the contract allows, the solver's stated bound is
at least the exact optimum, the optimum at least the served weight, `optimal` is said only of
an optimum, and the independent checker accepts the schedule (and the oracle's).

The oracle (`oracle.py`) is written from the contract and imports nothing from the solver.
CI runs this fixed, derandomised profile; `benchmarks/soundness.py` runs a larger one.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from soundness.harness import run_instance
from soundness.shapes import COMMUNITY, TINY, problems

from matcher import Problem


def harness(examples: int) -> settings:
    """The CI profile: the same examples every run, no time limits per example."""
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@harness(500)
@given(problems(TINY))
def test_tiny_instances_keep_every_promise(problem: Problem) -> None:
    run_instance(problem)


@pytest.mark.slow  # about 20 s: CI runs it, the README's quick command does not
@harness(60)
@given(problems(COMMUNITY))
def test_community_sized_instances_keep_every_promise(problem: Problem) -> None:
    run_instance(problem)
