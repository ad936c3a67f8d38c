"""Large neighbourhood search: CP-SAT re-plans one small neighbourhood at a time, keeping the
incumbent, until the time runs out or the served weight meets the proven bound.

Why not one model: measured at 2,000 volunteers, a single CP-SAT model over all pairs finds no
solution in 60 s. Neighbourhoods of a few dozen volunteers solve to optimality in well under
a second each, and each accepted one is exactly valid, so the schedule is valid throughout.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from matcher.solver.candidates import Candidates
from matcher.solver.costs import Costs
from matcher.solver.instance import Instance
from matcher.solver.neighbourhood import grow_neighbourhood, whole_problem
from matcher.solver.schedule import Schedule
from matcher.solver.submodel import solve_neighbourhood

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    """A progress report: served weight so far against the proven bound."""

    served_weight: int
    upper_bound: int
    elapsed: float
    iterations: int

    @property
    def gap(self) -> float:
        b = self.upper_bound
        return 0.0 if b <= 0 else max(0.0, (b - self.served_weight) / b)


ProgressCallback = Callable[[Progress], None]


@dataclass
class LnsStats:
    iterations: int = 0
    improvements: int = 0
    proven_optimal: bool = False
    optimal_subproblems: int = 0
    seconds: float = 0.0
    history: list[tuple[float, int]] = field(default_factory=list)


@dataclass
class _Sizes:
    """Neighbourhood size, adapted: grow while sub-problems solve fast, shrink when not."""

    volunteers: float = float(os.environ.get("NB_VOL", 12))
    low: float = 8.0
    high: float = 120.0

    def adapt(self, optimal: bool, fast: bool) -> None:
        if optimal and fast:
            self.volunteers = min(self.high, self.volunteers * 1.1)
        elif not optimal:
            self.volunteers = max(self.low, self.volunteers * 0.8)


ITERATIONS_PER_SECOND = 4  # deterministic mode's work budget per second of time limit
WHOLE_VOLUNTEERS = 60
WHOLE_REQUESTS = 150
WHOLE_TIME_LIMIT = 10.0


def _small(inst: Instance, cands: Candidates, servable: np.ndarray) -> bool:
    """Small enough to try as one exact model before any neighbourhood search."""
    return len(np.unique(cands.vol)) <= WHOLE_VOLUNTEERS and servable.sum() <= WHOLE_REQUESTS


def served_weight(inst: Instance, schedule: Schedule) -> int:
    return int(sum(int(inst.r_weight[r]) for r in schedule.crews))


def improve(
    inst: Instance,
    cands: Candidates,
    schedule: Schedule,
    costs: Costs,
    *,
    time_limit: float,
    upper_bound: int,
    seed: int,
    workers: int,
    deterministic: bool = False,
    max_iterations: int | None = None,
    progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    sub_time_limit: float = float(os.environ.get("NB_T", 1.0)),
) -> LnsStats:
    """Improve `schedule` in place; it stays valid after every step."""
    began = time.perf_counter()
    rng = np.random.default_rng(seed)
    stats = LnsStats()
    sizes = _Sizes()
    servable = cands.servable(inst.r_crew)
    failures = np.zeros(inst.n_requests)
    weight = served_weight(inst, schedule)
    stats.history.append((0.0, weight))

    def elapsed() -> float:
        return time.perf_counter() - began

    if deterministic:
        workers = 1
        if max_iterations is None:
            max_iterations = max(5, round(time_limit * ITERATIONS_PER_SECOND))
    if _small(inst, cands, servable):
        nb = whole_problem(inst, cands, schedule)
        outcome = solve_neighbourhood(
            inst,
            cands,
            schedule,
            costs,
            nb,
            time_limit=min(time_limit, WHOLE_TIME_LIMIT),
            seed=seed,
            workers=workers,
            deterministic=deterministic,
        )
        stats.iterations += 1
        stats.improvements += outcome.improved
        weight = served_weight(inst, schedule)
        stats.history.append((elapsed(), weight))
        if outcome.status == "OPTIMAL":
            stats.proven_optimal = True
            stats.seconds = elapsed()
            if progress is not None:
                progress(Progress(weight, weight, elapsed(), stats.iterations))
            return stats

    while True:
        if max_iterations is not None and stats.iterations >= max_iterations:
            break
        if not deterministic and elapsed() >= time_limit:
            break
        if should_stop is not None and should_stop():
            break
        seed_request, origin = _pick_seed(
            inst, schedule, servable, failures, weight, upper_bound, rng
        )
        if seed_request is None:
            break
        nb = grow_neighbourhood(
            inst,
            cands,
            schedule,
            seed_request,
            rng,
            max_volunteers=round(sizes.volunteers),
            max_requests=round(sizes.volunteers) * 4,
            origin=origin,
            pad=int(os.environ.get("NB_PAD", 60)),
        )
        remaining = time_limit - elapsed()
        limit = sub_time_limit if deterministic else max(0.05, min(sub_time_limit, remaining))
        outcome = solve_neighbourhood(
            inst,
            cands,
            schedule,
            costs,
            nb,
            time_limit=limit,
            seed=int(rng.integers(1 << 30)),
            workers=int(os.environ.get("NB_W", workers)),
            deterministic=deterministic,
        )
        stats.iterations += 1
        optimal = outcome.status == "OPTIMAL"
        stats.optimal_subproblems += optimal
        spent = outcome.work if deterministic else outcome.seconds
        sizes.adapt(optimal, spent < limit / 3)
        if outcome.improved:
            stats.improvements += 1
            new_weight = served_weight(inst, schedule)
            if new_weight > weight:
                weight = new_weight
                stats.history.append((elapsed(), weight))
        if seed_request not in schedule.crews:
            failures[seed_request] += 1
        if progress is not None:
            progress(Progress(weight, upper_bound, elapsed(), stats.iterations))
        log.debug(
            "lns %d %s: %s %d req %d vol %.2fs weight %d",
            stats.iterations,
            origin,
            outcome.status,
            outcome.requests,
            outcome.volunteers,
            outcome.seconds,
            weight,
        )
    stats.seconds = elapsed()
    return stats


def _pick_seed(
    inst: Instance,
    schedule: Schedule,
    servable: np.ndarray,
    failures: np.ndarray,
    weight: int,
    upper_bound: int,
    rng: np.random.Generator,
) -> tuple[int | None, str]:
    """Mostly an unserved request worth the most (tried least); sometimes a served one, to
    shorten walks; nothing when there is no request at all."""
    served = np.zeros(inst.n_requests, dtype=bool)
    served[list(schedule.crews)] = True
    open_ = np.flatnonzero(servable & ~served)
    if len(open_) and weight < upper_bound and rng.random() < 0.85:
        score = inst.r_weight[open_] / (1.0 + failures[open_]) ** 2
        return int(rng.choice(open_, p=score / score.sum())), "unserved"
    taken = np.flatnonzero(served)
    if len(taken):
        return int(rng.choice(taken)), "served"
    if len(open_):
        return int(rng.choice(open_)), "unserved"
    return None, "none"
