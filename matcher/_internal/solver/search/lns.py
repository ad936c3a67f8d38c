"""Large neighbourhood search: CP-SAT re-plans one small neighbourhood at a time, keeping the
incumbent, until the time runs out or the served weight meets the proven bound.

Why not one model: measured at 2,000 volunteers, a single CP-SAT model over all pairs finds no
solution in 60 s. Neighbourhoods of a dozen volunteers solve in a fraction of a second, and
each accepted one is exactly valid, so the schedule is valid throughout. Several
neighbourhoods that share no volunteer and no request are solved at once, one per core: CP-SAT
releases the interpreter while it searches, so the threads overlap model building and solving.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance
from matcher._internal.solver.core.objective import Costs, served_weight
from matcher._internal.solver.core.schedule import Schedule
from matcher._internal.solver.search.neighbourhood import (
    Neighbourhood,
    grow_neighbourhood,
    whole_problem,
)
from matcher._internal.solver.search.routes.search import improve_routes
from matcher._internal.solver.search.scheduling_model import (
    Outcome,
    apply,
    prepare,
    run,
    solve_neighbourhood,
)

log = logging.getLogger(__name__)

ITERATIONS_PER_SECOND = 4  # deterministic mode's work budget per second of time limit
WORK_PER_SECOND = 0.2  # CP-SAT deterministic time per second of limit (measured: ~5 s each)
WHOLE_VOLUNTEERS = 60
WHOLE_REQUESTS = 150
WHOLE_TIME_LIMIT = 2.0
"""Seconds for the one exact model of a small problem before the neighbourhoods take over.
Small communities prove their optimum well within it (30 x 100 days: 0.1-0.8 s). Measured on
five long-horizon OPTW instances at 10 s (r102, r104, r107, rc104, rc108; served weight
summed, two runs each): 1,399 and 1,381 with 2 s, 1,378 and 1,367 with 10 s, 1,345 with
0.5 s: past a few seconds the whole model gains less than neighbourhoods do."""
SUB_TIME_LIMIT = 0.15
ROUTE_TESTS_PER_GAIN = 20_000
"""Insertion tests the route search may make after each neighbourhood that raised the served
weight, starting from that neighbourhood's requests (about 0.1 s at `TESTS_PER_SECOND`)."""
UNSERVED_SHARE = 0.85  # how often a neighbourhood grows from an unserved request
STALLED_SHARE = 0.3  # ... once that has stopped paying: walks are then what can improve
STALL_ITERATIONS = 100  # unserved-seeded neighbourhoods in a row without a weight gain


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


@dataclass(frozen=True)
class StallRule:
    """Stop a search that has gone quiet close to its bound: neither the served weight nor
    the bound moved for `seconds`, and the gap is at most `gap`. Small problems reach their
    best schedule in a second; without this rule they would idle to the time limit."""

    seconds: float
    gap: float

    def stalled(self, quiet_for: float, now: Progress) -> bool:
        return quiet_for >= self.seconds and now.gap <= self.gap


HEARTBEAT_SECONDS = 1.0
"""Longest silence between progress reports while nothing changes."""


@dataclass
class LnsStats:
    """What the search did: how many neighbourhoods, whether it proved the schedule optimal
    (an exact model of the whole problem), and how long it took."""

    iterations: int = 0
    improved: int = 0
    """Neighbourhoods whose re-plan was better, and replaced the schedule."""
    route_moves: int = 0
    """Route moves applied after weight gains (`polish`)."""
    proven_optimal: bool = False
    stalled: bool = False
    seconds: float = 0.0


@dataclass
class _Sizes:
    """Neighbourhood size, adapted: grow while sub-problems solve fast, shrink when not."""

    volunteers: float = 6.0
    low: float = 3.0
    high: float = 60.0

    def adapt(self, optimal: bool, fast: bool) -> None:
        if optimal and fast:
            self.volunteers = min(self.high, self.volunteers * 1.05)
        elif not optimal:
            self.volunteers = max(self.low, self.volunteers * 0.9)


def _small(inst: Instance, cands: Candidates, servable: np.ndarray) -> bool:
    """Small enough to try as one exact model before any neighbourhood search."""
    return len(np.unique(cands.vol)) <= WHOLE_VOLUNTEERS and servable.sum() <= WHOLE_REQUESTS


@dataclass
class _Search:
    """Shared state of the search; every access to the schedule holds `lock`."""

    inst: Instance
    cands: Candidates
    schedule: Schedule
    costs: Costs
    upper_bound: int
    deterministic: bool
    stats: LnsStats
    rng: np.random.Generator
    began: float
    weight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    sizes: _Sizes = field(default_factory=_Sizes)
    claimed_volunteers: set[int] = field(default_factory=set)
    claimed_requests: set[int] = field(default_factory=set)
    failures: np.ndarray = field(init=False)
    servable: np.ndarray = field(init=False)
    unserved_tries_since_gain: int = 0
    last_change: float = 0.0
    """Elapsed seconds when the served weight or the bound last moved (the stall rule)."""
    last_report: Progress | None = None

    def progress_due(self, now: Progress) -> bool:
        """Report a change at once, and otherwise a heartbeat every `HEARTBEAT_SECONDS`, so
        that `progress=print` prints a line per change, not one per neighbourhood."""
        last = self.last_report
        due = (
            last is None
            or (now.served_weight, now.upper_bound) != (last.served_weight, last.upper_bound)
            or now.elapsed - last.elapsed >= HEARTBEAT_SECONDS
        )
        if due:
            self.last_report = now
        return due

    def __post_init__(self) -> None:
        self.failures = np.zeros(self.inst.n_requests)
        self.servable = self.cands.servable(self.inst.r_crew)
        self.weight = served_weight(self.inst, self.schedule.crews)

    def elapsed(self) -> float:
        return time.perf_counter() - self.began

    def next_neighbourhood(self) -> tuple[Neighbourhood, int] | None:
        """Pick a seed request and grow a neighbourhood around it (caller holds the lock)."""
        seed_request, origin = self._pick_seed()
        if seed_request is None:
            return None
        nb = grow_neighbourhood(
            self.inst, self.cands, self.schedule, seed_request, self.rng,
            max_volunteers=round(self.sizes.volunteers),
            max_requests=round(self.sizes.volunteers) * 4, origin=origin,
            claimed_volunteers=frozenset(self.claimed_volunteers),
            claimed_requests=frozenset(self.claimed_requests),
        )  # fmt: skip
        return nb, seed_request

    def record(
        self, outcome: Outcome, seed_request: int | None, limit: float, nb_origin: str
    ) -> None:
        """Book-keeping after a neighbourhood was applied (caller holds the lock)."""
        stats = self.stats
        stats.iterations += 1
        stats.improved += outcome.improved
        optimal = outcome.status == "OPTIMAL"
        spent = outcome.work if self.deterministic else outcome.seconds
        self.sizes.adapt(optimal, spent < limit / 3)
        self.weight += outcome.weight_gain
        if outcome.weight_gain:
            self.last_change = self.elapsed()
        if nb_origin == "unserved":
            gained = outcome.weight_gain > 0
            self.unserved_tries_since_gain = 0 if gained else self.unserved_tries_since_gain + 1
        if seed_request is not None and seed_request not in self.schedule.crews:
            self.failures[seed_request] += 1
        log.debug(
            "lns %d %s: %s, %d requests, %d volunteers, %.2f s, weight %d", stats.iterations,
            outcome.status, nb_origin, outcome.requests, outcome.volunteers, outcome.seconds,
            self.weight,
        )  # fmt: skip

    def polish(self, requests: tuple[int, ...]) -> None:
        """After a weight gain, the route search from `requests`, around every volunteer and
        request claimed by a neighbourhood still being solved (caller holds the lock)."""
        routed = improve_routes(
            self.inst, self.cands, self.schedule, self.costs,
            frozen_requests=frozenset(self.claimed_requests),
            frozen_volunteers=frozenset(self.claimed_volunteers),
            max_evaluations=ROUTE_TESTS_PER_GAIN, requests=requests,
        )  # fmt: skip
        self.stats.route_moves += sum(routed.applied.values())
        if routed.weight_gain:
            self.weight += routed.weight_gain
            self.last_change = self.elapsed()
        log.debug("route search: +%d weight, %d tests", routed.weight_gain, routed.evaluations)

    def _pick_seed(self) -> tuple[int | None, str]:
        """Mostly an unserved request worth the most (tried least); sometimes a served one,
        to shorten walks."""
        inst, schedule, rng = self.inst, self.schedule, self.rng
        served = np.zeros(inst.n_requests, dtype=bool)
        served[list(schedule.crews)] = True
        busy = np.zeros(inst.n_requests, dtype=bool)
        busy[list(self.claimed_requests)] = True
        open_ = np.flatnonzero(self.servable & ~served & ~busy)
        stalled = self.unserved_tries_since_gain >= STALL_ITERATIONS
        share = STALLED_SHARE if stalled else UNSERVED_SHARE
        if len(open_) and self.weight < self.upper_bound and rng.random() < share:
            score = inst.r_weight[open_] / (1.0 + self.failures[open_]) ** 2
            return int(rng.choice(open_, p=score / score.sum())), "unserved"
        taken = np.flatnonzero(served & ~busy)
        if len(taken):
            return int(rng.choice(taken)), "served"
        if len(open_):
            return int(rng.choice(open_)), "unserved"
        return None, "none"


def improve(
    inst: Instance,
    cands: Candidates,
    schedule: Schedule,
    costs: Costs,
    *,
    time_limit: float,
    upper_bound: int | Callable[[], int],
    seed: int,
    workers: int,
    deterministic: bool = False,
    max_iterations: int | None = None,
    progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    sub_time_limit: float = SUB_TIME_LIMIT,
    frozen: frozenset[int] = frozenset(),
    stall: StallRule | None = None,
    started: float | None = None,
) -> LnsStats:
    """Improve `schedule` in place; it stays valid after every step. `frozen` requests
    (pinned ones when re-planning) keep their bookings untouched. `upper_bound` may be a
    callable, read as the search goes, so a bound still being computed can tighten later.
    Progress reports count seconds from `started` (a `time.perf_counter()` reading; default:
    this call), so a solve's stages report on one clock."""
    current_bound = upper_bound if callable(upper_bound) else (lambda: upper_bound)
    search = _Search(
        inst, cands, schedule, costs, current_bound(), deterministic, LnsStats(),
        np.random.default_rng(seed), time.perf_counter(),
    )  # fmt: skip
    stats = search.stats
    origin = search.began if started is None else started

    def shown() -> float:
        return time.perf_counter() - origin

    search.claimed_requests |= frozen
    if deterministic:
        workers = 1
        if max_iterations is None:
            max_iterations = max(5, round(time_limit * ITERATIONS_PER_SECOND))
    if _small(inst, cands, search.servable):
        whole_limit = min(time_limit, WHOLE_TIME_LIMIT)
        if deterministic:
            whole_limit *= WORK_PER_SECOND
        outcome = solve_neighbourhood(
            inst, cands, schedule, costs, whole_problem(inst, cands, schedule, frozen),
            time_limit=whole_limit,
            seed=seed, workers=workers,
            deterministic=deterministic,
        )  # fmt: skip
        search.record(outcome, None, WHOLE_TIME_LIMIT, "whole")
        if outcome.weight_gain > 0 and not outcome.proves_optimum:
            search.polish(tuple(range(inst.n_requests)))
        # Only a model that kept every option of every request proves anything about the
        # problem; the stated bound is then the served weight.
        if outcome.proves_optimum:
            stats.proven_optimal = True
            stats.seconds = search.elapsed()
            if progress is not None:
                progress(Progress(search.weight, search.weight, shown(), stats.iterations))
            return stats

    def done() -> bool:
        if max_iterations is not None and stats.iterations >= max_iterations:
            return True
        if not deterministic and search.elapsed() >= time_limit:
            return True
        if stall is not None and stall.stalled(search.elapsed() - search.last_change, report()):
            stats.stalled = True
            return True
        return should_stop is not None and should_stop()

    def report() -> Progress:
        return Progress(search.weight, search.upper_bound, shown(), stats.iterations)

    def worker() -> None:
        while True:
            with search.lock:
                if done():
                    return
                picked = search.next_neighbourhood()
                if picked is None:
                    return
                nb, seed_request = picked
                search.claimed_volunteers |= nb.volunteers
                search.claimed_requests |= set(nb.requests)
                prepared = prepare(inst, cands, schedule, costs, nb)
                sub_seed = int(search.rng.integers(1 << 30))
            remaining = time_limit - search.elapsed()
            limit = sub_time_limit if deterministic else max(0.05, min(sub_time_limit, remaining))
            solved = run(prepared, time_limit=limit, seed=sub_seed, workers=1,
                         deterministic=deterministic)  # fmt: skip
            with search.lock:
                outcome = apply(inst, schedule, prepared, solved)
                search.claimed_volunteers -= nb.volunteers
                search.claimed_requests -= set(nb.requests)
                search.record(outcome, seed_request, limit, nb.origin)
                if outcome.weight_gain > 0:
                    search.polish(nb.requests)
                bound = current_bound()
                if bound != search.upper_bound:
                    search.upper_bound, search.last_change = bound, search.elapsed()
                now = report()
                due = search.progress_due(now)
            if progress is not None and due:
                progress(now)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats.seconds = search.elapsed()
    return stats
