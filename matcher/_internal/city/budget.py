"""How much of the time limit each part may use.

A run of `slots` parallel solvers has `slots x time_limit` solver-seconds. Each part gets a
share of them by its size, but never more than the time limit itself (a part runs on one
solver), and at least `MIN_PART_SECONDS` so even a tiny part gets past its first schedule.
Parts start biggest first, and a part that starts late gets only what is left before the
run's deadline. A part proven optimal stops early and leaves its slot to the next.
"""

from __future__ import annotations

import time

MIN_PART_SECONDS = 1.0


def part_budgets(sizes: list[int], time_limit: float, slots: int) -> list[float]:
    """Seconds per part, in the order of `sizes`."""
    total = sum(sizes)
    if total <= 0:
        return [time_limit] * len(sizes)
    shares = [time_limit * max(1, slots) * size / total for size in sizes]
    return [min(time_limit, max(min(MIN_PART_SECONDS, time_limit), share)) for share in shares]


def seconds_left(budget: float, deadline: float | None) -> float:
    """A part's budget cut to what is left before the run's deadline (a `time.time()`
    reading, since parts may run on other machines), but never below `MIN_PART_SECONDS`:
    a part that starts after the deadline (a retry, say) still makes a valid schedule."""
    if deadline is None:
        return budget
    return min(budget, max(MIN_PART_SECONDS, deadline - time.time()))
