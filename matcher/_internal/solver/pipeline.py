"""The solve pipeline: candidates -> construct -> bound (beside the search) -> improve -> report."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from matcher._internal.model import Problem, SearchStats, Settings, Solution, Strategy
from matcher._internal.model.acceptance import acceptance_probabilities
from matcher._internal.solver.bound.columns import VolunteerRoute, column_bound, combined_total
from matcher._internal.solver.bound.relaxation import Bound, lp_bound, team_bounds
from matcher._internal.solver.bound.servable import servable_bound
from matcher._internal.solver.construct.contention import least_contended_first
from matcher._internal.solver.construct.greedy import greedy_schedule
from matcher._internal.solver.construct.standbys import plan_standbys
from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance
from matcher._internal.solver.core.objective import Costs, build_costs, served_weight
from matcher._internal.solver.core.schedule import Schedule
from matcher._internal.solver.prepared import Prepared, prepare
from matcher._internal.solver.report.result import build_solution
from matcher._internal.solver.search.lns import (
    Progress,
    ProgressCallback,
    StallRule,
    improve,
)
from matcher._internal.solver.search.routes.ruin import ruin_and_recreate
from matcher._internal.solver.search.routes.search import TESTS_PER_SECOND, improve_routes

log = logging.getLogger(__name__)

STRATEGIES = (Strategy.OPTIMISE, Strategy.GREEDY)
"""The strategies `solve` offers; re-planning and dispatch are services of their own."""


def solve(
    problem: Problem,
    *,
    strategy: Strategy | str = Strategy.OPTIMISE,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    prepared: Prepared | None = None,
) -> Solution:
    """Solve `problem`; every request comes back either assigned or explained.

    `greedy` is the constructive baseline alone; `optimise` starts from it, proves an upper
    bound with a linear relaxation, and improves with CP-SAT neighbourhoods until the time
    limit in the settings (or until the bound is met). Setting `cancel` stops the search
    early; the best valid schedule found so far is returned. `prepared` is what `prepare`
    (or `decompose`) built for this very problem's volunteers and requests, when the caller
    has it already (a run that split a community and found one part: the whole).
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; choose from {', '.join(STRATEGIES)}")
    strategy = Strategy(strategy)
    began = time.perf_counter()
    # The same volunteers and requests when prepared; only the time limit or threads differ.
    ready = prepare(problem) if prepared is None else prepared.for_problem(problem)
    inst, cands = ready.instance, ready.candidates
    log.info("%d candidate pairs for %d requests", cands.n_pairs, inst.n_requests)
    if strategy is Strategy.GREEDY:
        schedule = greedy_schedule(inst, cands)
        first = time.perf_counter() - began
        held = _standbys(inst, cands, schedule, proven_optimal=False)
        return build_solution(
            inst, cands, schedule, upper_bound=servable_bound(inst, cands),
            strategy=strategy, seconds=time.perf_counter() - began,
            first_schedule_seconds=first, standbys=held.holds,
        )  # fmt: skip
    done = optimise(inst, cands, began=began, progress=progress, cancel=cancel)
    held = _standbys(inst, cands, done.schedule, proven_optimal=done.proven_optimal)
    return build_solution(
        inst, cands, done.schedule, upper_bound=held.upper_bound or done.upper_bound,
        strategy=strategy, seconds=time.perf_counter() - began,
        proven_optimal=done.proven_optimal and held.weight_given_up == 0,
        first_schedule_seconds=done.first_schedule_seconds, team_bounds=done.team_bounds,
        search=done.search, standbys=held.holds,
    )  # fmt: skip


@dataclass(frozen=True)
class _Held:
    """The standbys of a finished schedule, and a bound the trade for them must not lose."""

    holds: list[tuple[int, int, int]] = field(default_factory=list)
    weight_given_up: int = 0
    upper_bound: int | None = None
    """The served weight before the trade, when that was proven optimal: still the bound."""


def _standbys(
    inst: Instance, cands: Candidates, schedule: Schedule, *, proven_optimal: bool
) -> _Held:
    """Standbys for the schedule when `plan_standbys` is on (`construct/standbys.py`). A
    trade may serve a little less weight; an optimum proven before it stays the bound."""
    if not inst.problem.settings.plan_standbys:
        return _Held()
    accept = acceptance_probabilities(inst.problem.volunteers, inst.problem.settings)
    before = served_weight(inst, schedule.crews)
    plan = plan_standbys(inst, cands, schedule, np.array([accept[v] for v in inst.v_ids]))
    log.info("%d standbys; %d weight given up for them", len(plan.holds), plan.weight_given_up)
    bound = before if proven_optimal and plan.weight_given_up else None
    return _Held(plan.holds, plan.weight_given_up, bound)


@dataclass(frozen=True)
class Start:
    """A search from a given schedule instead of a constructed one: a re-plan's. Everything
    a re-plan does differently from a solve from scratch, as far as the search goes."""

    schedule: Schedule
    """Booked already (the published plan where it still holds, and what fits around it);
    the search improves it in place."""
    frozen: frozenset[int] = frozenset()
    """Requests whose bookings never move (pinned ones)."""
    priced: Mapping[int, tuple[int, list[int]]] = field(default_factory=dict)
    """Bookings whose move costs `Settings.replan_move_cost` (`objective.move_cost`)."""
    bound_share: float = 1.0
    """The share of the time limit after which the bound stops adding route hulls and
    pricing rounds (not in deterministic mode, which computes it in full)."""
    column_bound: bool = True
    """Whether the column bound may lower the relaxation's bound."""


@dataclass(frozen=True)
class Optimised:
    """What `optimise` leaves: the improved schedule, what is proven about it, and when the
    first complete schedule was ready."""

    schedule: Schedule
    upper_bound: int
    team_bounds: dict[str, int]
    proven_optimal: bool
    """The served weight is proven the most there is: the exact model of the whole problem
    was solved to optimality, and its objective was the served weight alone (nothing
    frozen, no move cost)."""
    first_schedule_seconds: float
    search: SearchStats
    """How many neighbourhoods, moves and ruin steps the search tried and kept."""


def optimise(
    inst: Instance,
    cands: Candidates,
    *,
    began: float,
    start: Start | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> Optimised:
    """The one choreography of an optimising run: the bounds in their own thread (or first,
    in deterministic mode), a starting schedule, then the searches until the time limit
    (counted from `began`, a `time.perf_counter()` reading) or the bound.

    From scratch (`start=None`) the start is the better greedy schedule, improved by route
    moves and ruin and recreate before the CP-SAT neighbourhoods. From a `Start` (a
    re-plan) only the neighbourhoods run: they respect its frozen requests and price its
    moves, which the route stages do not.
    """
    settings = inst.problem.settings
    # The bounds are computed beside construction and search (HiGHS and CP-SAT both release
    # the interpreter) and tighten the search's target when ready; their pricing rounds stop
    # at the time limit. Deterministic runs compute them first and in full: when they land,
    # or where a clock stops them, must not change the search or the stated bound.
    bounds = _Bounds(servable_bound(inst, cands), columns=start is None or start.column_bound)
    heard = None if progress is None else _Heard(progress)
    bounder: threading.Thread | None = None
    if not settings.deterministic:
        share = 1.0 if start is None else start.bound_share
        deadline = began + share * settings.time_limit_s
        bounder = threading.Thread(target=bounds.compute, args=(inst, cands, deadline))
        bounder.start()
    should_stop = cancel.is_set if cancel is not None else None
    try:
        if start is None:
            schedule = greedy_schedule(inst, cands)
            first = time.perf_counter() - began
            if settings.deterministic or 2 * first <= settings.time_limit_s:
                schedule = _better_start(inst, cands, schedule)
            else:  # the second greedy costs about what the first did: past the limit
                log.info("no contention-ordered start: the first schedule took %.1f s", first)
        else:
            schedule = start.schedule
            first = time.perf_counter() - began
        bounds.start_routes = _routes_of(schedule)
        if settings.deterministic:  # after the (deterministic) start: its routes seed it
            bounds.compute(inst, cands, None)
        costs = build_costs(inst, cands, {} if start is None else start.priced)
        on_start = SearchStats()
        if start is None:
            on_start = _route_stages(
                inst, cands, schedule, costs, began, bounds, heard, should_stop
            )
        stats = improve(
            inst, cands, schedule, costs,
            time_limit=_search_budget(settings.time_limit_s, began, settings.deterministic),
            upper_bound=lambda: bounds.total, seed=settings.seed,
            workers=settings.effective_workers, deterministic=settings.deterministic,
            progress=heard, should_stop=should_stop, stall=_stall_rule(settings),
            started=began, frozen=frozenset() if start is None else start.frozen,
        )  # fmt: skip
        if start is None and costs.requests_of_series:
            _keep_series_together(inst, cands, schedule, costs)
    finally:
        bounds.search_done.set()  # the column bound stops with the search
        if bounder is not None:
            bounder.join()
    if bounds.error is not None:
        raise bounds.error
    log.info("first schedule after %.1f s; bound %d", first, bounds.total)
    weight = served_weight(inst, schedule.crews)
    if heard is not None and heard.last != (weight, bounds.total):
        # the last report is the result, however little time there was
        heard(Progress(weight, bounds.total, time.perf_counter() - began, stats.iterations))
    if stats.stalled:
        quiet, gap = settings.effective_stall_seconds, 100 * settings.stall_gap
        log.info("stopped after %.1f s: nothing moved for %.0f s within a %.1f%% gap",
                 stats.seconds, quiet, gap)  # fmt: skip
    weight_alone = start is None or (not start.frozen and costs.move_unit_cost == 0)
    proven = stats.proven_optimal and weight_alone
    search = SearchStats(
        iterations=stats.iterations,
        moves_accepted=on_start.moves_accepted + stats.improved + stats.route_moves,
        ruin_steps=on_start.ruin_steps,
    )
    return Optimised(schedule, bounds.total, bounds.per_team, proven, first, search)


def _route_stages(
    inst: Instance,
    cands: Candidates,
    schedule: Schedule,
    costs: Costs,
    began: float,
    bounds: _Bounds,
    progress: ProgressCallback | None,
    should_stop: Callable[[], bool] | None,
) -> SearchStats:
    """Route moves on the start, then ruin and recreate where routes are long; what they
    tried and kept."""
    settings = inst.problem.settings
    routed = improve_routes(
        inst, cands, schedule, costs, max_evaluations=_route_budget(settings.time_limit_s)
    )
    log.info(
        "route search on the start: +%d weight, %d moves, %d insertion tests in %.2f s",
        routed.weight_gain, sum(routed.applied.values()), routed.evaluations, routed.seconds,
    )  # fmt: skip
    share = _ruin_share(inst, cands)
    ruined = ruin_and_recreate(
        inst, cands, schedule, costs, seed=settings.seed,
        steps=round(share * settings.time_limit_s * RUIN_STEPS_PER_SECOND)
        if settings.deterministic else (UNLIMITED if share else 0),
        seconds=None if settings.deterministic else share * _search_budget(
            settings.time_limit_s, began, deterministic=False
        ),
        should_stop=should_stop,
        upper_bound=lambda: bounds.total,
        on_better=None if progress is None else lambda weight, steps: progress(
            Progress(weight, bounds.total, time.perf_counter() - began, steps)
        ),
        leads=lambda: bounds.column_routes,
    )  # fmt: skip
    log.info(
        "ruin and recreate: +%d weight in %d steps (%d accepted, %d recombined) in %.2f s",
        ruined.weight_gain, ruined.steps, ruined.accepted, ruined.recombined, ruined.seconds,
    )  # fmt: skip
    moves = sum(routed.applied.values()) + ruined.accepted
    return SearchStats(moves_accepted=moves, ruin_steps=ruined.steps)


@dataclass
class _Bounds:
    """The proven bounds: overall (the search reads it as it goes) and per team."""

    total: int
    columns: bool = True
    """Whether the column bound runs after the relaxation."""
    per_team: dict[str, int] = field(default_factory=dict)
    error: BaseException | None = None
    start_routes: list[VolunteerRoute] = field(default_factory=list)
    search_done: threading.Event = field(default_factory=threading.Event)
    column_routes: list[VolunteerRoute] = field(default_factory=list)

    def compute(self, inst: Instance, cands: Candidates, deadline: float | None) -> None:
        """Run in its own thread: an error is kept and re-raised by the caller."""
        try:
            began = time.perf_counter()
            proven = lp_bound(inst, cands, deadline)
            self.total = min(self.total, proven.total)
            log.info("proven bound %d after %.1f s", proven.total, time.perf_counter() - began)
            self.per_team = team_bounds(inst, cands, proven.prices, deadline)
            if self.columns:
                self._columns(inst, cands, proven, deadline)
        except BaseException as exc:
            self.error = exc

    def _columns(
        self, inst: Instance, cands: Candidates, proven: Bound, deadline: float | None
    ) -> None:
        """The column bound, where parts are small enough, can only lower the total. It
        runs until the deadline or the search ends; deterministic runs (no deadline) count
        rounds and labels instead, so the bound never depends on the clock."""
        if self.total == 0 or proven.prices is not None:
            return  # nothing to lower, or an instance too large for the full relaxation
        began = time.perf_counter()
        if deadline is None:
            found = column_bound(
                inst, cands, routes=self.start_routes, rounds=COLUMN_ROUNDS,
                label_budget=COLUMN_LABELS,
            )  # fmt: skip
        else:
            found = column_bound(
                inst, cands, routes=list(self.start_routes), deadline=deadline,
                stop=self.search_done.is_set,
            )  # fmt: skip
        self.total = min(self.total, combined_total(proven, found))
        self.column_routes = found.routes
        log.info("column bound %d (%d rounds) after %.1f s; bound %d",
                 found.total, found.rounds, time.perf_counter() - began, self.total)  # fmt: skip


@dataclass
class _Heard:
    """Passes progress reports on and remembers what the last one said, so that the solve
    ends with a report of its result without repeating one just made."""

    progress: ProgressCallback
    last: tuple[int, int] | None = None

    def __call__(self, report: Progress) -> None:
        self.last = (report.served_weight, report.upper_bound)
        self.progress(report)


@dataclass(frozen=True)
class BoundAlone:
    """The bound without a search (`benchmarks/bounds.py` compares versions of it)."""

    servable: int
    """The weight of every request with enough candidates."""
    relaxation: int
    """The linear relaxation's bound, in full (no deadline), as a deterministic run has it
    before the column bound."""


def bound_alone(prepared: Prepared) -> BoundAlone:
    """Prove the bound of a prepared problem, and nothing else."""
    inst, cands = prepared.instance, prepared.candidates
    return BoundAlone(servable_bound(inst, cands), lp_bound(inst, cands).total)


COLUMN_ROUNDS = 12
"""Deterministic runs: rounds of the column bound at most."""
COLUMN_LABELS = 400_000
"""Deterministic runs: pricing labels of the column bound at most (about 10 s of work)."""


def _routes_of(schedule: Schedule) -> list[VolunteerRoute]:
    """Each volunteer's bookings in start order: routes to start the column bound with."""
    return [(v, tuple(r for _, _, r in b)) for v, b in enumerate(schedule.bookings) if b]


def _better_start(inst: Instance, cands: Candidates, baseline: Schedule) -> Schedule:
    """The baseline or the same greedy reaching for the least contended volunteers first,
    whichever serves more weight (the baseline on a tie: nearest-first walks less). The
    search starts from the better one, so the optimiser never starts below the baseline."""
    contended = greedy_schedule(inst, least_contended_first(inst, cands))
    if served_weight(inst, contended.crews) > served_weight(inst, baseline.crews):
        return contended
    return baseline


ROUTE_SHARE = 0.1
"""The share of the time limit the route search may spend on the starting schedule, as a
budget of insertion tests (`TESTS_PER_SECOND`): work, so deterministic runs stay so."""


RUIN_SHARE = 0.8
"""The share of the time left that ruin and recreate takes before the CP-SAT neighbourhoods,
where routes are long (`LONG_ROUTES`); in deterministic mode a number of steps, at
`RUIN_STEPS_PER_SECOND`. Measured at 10 s on seven OPTW instances (r102, r105, r106, r110,
r112, rc106, rc107; one path): 96.0% of the optima with a share of 0.5, 97.4% with 0.8, 97.2%
with 0.9."""
RUIN_STEPS_PER_SECOND = 400
"""Ruin-and-recreate steps a second on the published OPTW instances (measured: 400-550):
deterministic runs count steps, the others stop at their share of the time."""
UNLIMITED = 10**9
LONG_ROUTES = 4.0
"""Servable crews of one per volunteer from which routes are long enough for ruin and
recreate to beat the CP-SAT neighbourhoods. Measured on the tight day (2,000 volunteers,
3,000 requests, 1.5 per volunteer, 60 s): 12,073 served with a share of 0.8 against 12,147
without; there each step costs 25 ms (40 a second: every seed has hundreds of candidates),
against 2 ms on an OPTW instance."""


def _ruin_share(inst: Instance, cands: Candidates) -> float:
    """`RUIN_SHARE` where volunteers would hold long routes of crews of one, else nothing."""
    servable = cands.servable(inst.r_crew) & (inst.r_crew == 1)
    volunteers = len(np.unique(cands.vol))
    if volunteers == 0 or servable.sum() < LONG_ROUTES * volunteers:
        return 0.0
    return RUIN_SHARE


def _keep_series_together(
    inst: Instance, cands: Candidates, schedule: Schedule, costs: Costs
) -> None:
    """A last pass of route moves from the visits of regular services (`series_id`): the
    neighbourhoods are grown around one time window, so they seldom see a series' other
    weeks, while a relocation to the volunteer of its other visits is one insertion test.
    Measured on a generated 4-week plan (benchmarks/continuity.py); budgeted in work like
    the pass on the start, and it never loses weight."""
    visits = [r for members in costs.requests_of_series.values() for r in members]
    routed = improve_routes(
        inst, cands, schedule, costs,
        max_evaluations=_route_budget(inst.problem.settings.time_limit_s), requests=visits,
    )  # fmt: skip
    log.info(
        "route moves from %d visits of regular services: %d moves in %.2f s",
        len(visits), sum(routed.applied.values()), routed.seconds,
    )  # fmt: skip


def _route_budget(time_limit: float) -> int:
    return round(ROUTE_SHARE * time_limit * TESTS_PER_SECOND)


def _stall_rule(settings: Settings) -> StallRule | None:
    seconds = settings.effective_stall_seconds
    return StallRule(seconds, settings.stall_gap) if seconds > 0 else None


def _search_budget(time_limit: float, began: float, deterministic: bool) -> float:
    """What is left of the time limit; in deterministic mode the whole limit, since the search
    there counts work, and elapsed wall time would make the budget differ between runs."""
    if deterministic:
        return time_limit
    return max(0.0, time_limit - (time.perf_counter() - began))


__all__ = [
    "STRATEGIES",
    "BoundAlone",
    "Optimised",
    "Progress",
    "ProgressCallback",
    "Start",
    "bound_alone",
    "optimise",
    "solve",
]
