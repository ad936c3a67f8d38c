"""Ruin and recreate for crews of one: take strings of visits out of a few routes near a seed
request, then put requests back one at a time at their best gap, and keep the result by
simulated annealing on the served weight.

Why: the passes of `search.py` stop at a local optimum, where every single move loses. The
best routing heuristics leave it by destroying a small part of the schedule and rebuilding
it (Christiaens and Vanden Berghe's slack-induction by string removals, SISR, which this
follows: strings around a seed, greedy re-insertion in a random order with blinks).
Requests are prizes here, so the recreate step also offers unserved requests whose windows
meet the ruined time, and the seed may be any movable request, served or not.

Every step books routes through `RouteContext`, whose journal lets a rejected step be taken
back exactly; the best schedule seen, by (served weight, -lower-level cost), is the one left
in place. The random numbers come from a seeded generator and the length of the run from a
count of steps (or, outside deterministic mode, a clock), so the same seed and step count
give the same schedule.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance
from matcher._internal.solver.core.objective import Costs, served_weight
from matcher._internal.solver.core.schedule import Schedule
from matcher._internal.solver.search.routes.context import RouteContext
from matcher._internal.solver.search.routes.pool import RoutePool, VolunteerRoute
from matcher._internal.solver.search.routes.route import Route

MAX_STRING = 10
"""Longest string of visits one ruin takes from one route (SISR's L_max)."""
MEAN_REMOVED = 10
"""Visits a ruin removes on average over all its strings (SISR's c-bar)."""
BLINK = 0.01
"""Chance that the recreate step skips a feasible gap, so equal orders differ (SISR's beta)."""
NEAR_ROUTES = 8
"""Besides the ruined routes, the seed's nearest candidates' routes take re-insertions."""
UNSERVED_OFFERED = 20
"""At most this many unserved requests are offered back after a ruin."""
COST_PER_WEIGHT = 10_000
"""Lower-level units worth one unit of served weight in the annealing's score only (1,000
walking minutes): the lower levels steer among equal weights, never against weight."""
START_TEMPERATURE = 1.0
END_TEMPERATURE = 0.01
"""Temperatures as shares of the mean weight of the requests offered."""
RECOMBINE_SECONDS = 1.0
RECOMBINE_NODES = 200
"""A recombination's MIP stops after this long, or in deterministic runs (no clock) after
this many branch-and-bound nodes."""


@dataclass
class RuinStats:
    steps: int = 0
    accepted: int = 0
    improved: int = 0
    recombined: int = 0
    """Recombinations of the route pool that found a better schedule."""
    weight_gain: int = 0
    cost_saved: int = 0
    """Lower-level units the best schedule saves against the start."""
    seconds: float = 0.0


@dataclass
class _Step:
    """One ruin-and-recreate step's change to the served weight and the lower levels."""

    seed: int
    when: int
    weight: int = 0
    cost: int = 0
    open_routes: set[int] = field(default_factory=set)
    """Volunteers whose routes the step ruined or that lie nearest the seed: where it
    re-inserts."""
    removed: list[int] = field(default_factory=list)


def ruin_and_recreate(
    inst: Instance,
    cands: Candidates,
    schedule: Schedule,
    costs: Costs,
    *,
    seed: int,
    steps: int,
    seconds: float | None = None,
    frozen_requests: frozenset[int] = frozenset(),
    frozen_volunteers: frozenset[int] = frozenset(),
    should_stop: Callable[[], bool] | None = None,
    upper_bound: Callable[[], int] | None = None,
    on_better: Callable[[int, int], None] | None = None,
    leads: Callable[[], Sequence[VolunteerRoute]] | None = None,
) -> RuinStats:
    """Improve `schedule` in place by at most `steps` ruin-and-recreate steps (and, when
    `seconds` is given, no longer than that, and not once the best served weight meets
    `upper_bound`); the schedule is valid after every step and is left at the best one
    seen. `on_better(served weight, steps)` hears of each better schedule as it is found.
    Where several volunteers take part, the routes of every step, and the routes `leads()`
    names (say, the column bound's), are pooled and recombined with the best schedule at
    the end (`pool`). Measured on four OPTW instances with 2-4 paths, 4,000 steps: at the
    end it adds 0-18 weight (mean 6) to the best; every 1,000 steps it left less, as its
    jumps cut the annealing's walk short."""
    began = time.perf_counter()
    stats = RuinStats()
    if costs.untouched or steps <= 0:
        return stats
    ctx = RouteContext(inst, cands, schedule, costs, frozen_requests, frozen_volunteers)
    movable = [r for r in range(inst.n_requests) if ctx.movable(r) and ctx.volunteers_of(r)]
    if not movable:
        return stats
    rng = random.Random(seed)
    weights = inst.plain.r_weight
    mean_weight = float(np.mean([weights[r] for r in movable]))
    hot, cold = START_TEMPERATURE * mean_weight, END_TEMPERATURE * mean_weight
    by_volunteer = _requests_by_volunteer(ctx, movable, inst.n_volunteers)
    ctx.journal = []
    weight = cost = 0  # relative to the start
    best = (0, 0)
    start_weight = served_weight(inst, schedule.crews)
    if on_better is not None:
        on_better(start_weight, 0)
    pool = RoutePool(ctx)
    pooling = len(pool.poolable) >= 2
    for step in range(steps):
        if should_stop is not None and should_stop():
            break
        if upper_bound is not None and start_weight + best[0] >= upper_bound():
            break  # proven optimal: nothing left to gain
        elapsed = time.perf_counter() - began
        if seconds is not None and elapsed >= seconds:
            break
        done = step / steps if seconds is None else max(step / steps, elapsed / seconds)
        temperature = hot * (cold / hot) ** done
        mark = len(ctx.journal)
        change = _ruin(ctx, rng, movable)
        _recreate(ctx, rng, change, by_volunteer)
        stats.steps += 1
        if pooling:  # every step's routes, kept or not, are valid routes to pool
            for v in change.open_routes:
                pool.add(ctx.route(v))
        score = (change.weight - change.cost / COST_PER_WEIGHT) / temperature
        if score >= 0 or score > math.log(1.0 - rng.random()):
            stats.accepted += 1
            weight, cost = weight + change.weight, cost + change.cost
            if (weight, -cost) > best:
                if on_better is not None and weight > best[0]:
                    on_better(start_weight + weight, stats.steps)
                best = (weight, -cost)
                stats.improved += 1
                ctx.journal.clear()
        else:
            ctx.undo(mark)
    ctx.undo(0)  # back to the best schedule seen
    if pooling and stats.steps and not (should_stop is not None and should_stop()):
        for v, visits in leads() if leads is not None else ():
            pool.add_visits(v, visits)
        found = pool.recombine(
            cost_per_weight=COST_PER_WEIGHT,
            seconds=None if seconds is None else RECOMBINE_SECONDS,
            nodes=RECOMBINE_NODES if seconds is None else None,
        )
        if found is not None:  # better than the best by construction
            best = (best[0] + found.weight, best[1] - found.cost)
            stats.improved += 1
            stats.recombined += 1
            if on_better is not None and found.weight > 0:
                on_better(start_weight + best[0], stats.steps)
    stats.weight_gain, stats.cost_saved = best
    stats.seconds = time.perf_counter() - began
    return stats


def _requests_by_volunteer(
    ctx: RouteContext, movable: list[int], n_volunteers: int
) -> list[list[int]]:
    """The movable requests each volunteer may serve: where unserved ones are found."""
    out: list[list[int]] = [[] for _ in range(n_volunteers)]
    for r in movable:
        for v in ctx.volunteers_of(r):
            out[v].append(r)
    return out


def _seed_time(ctx: RouteContext, r: int) -> int:
    placed = ctx.schedule.crews.get(r)
    if placed is not None:
        return placed[0]
    col = ctx.inst.plain
    return (int(col.r_earliest[r]) + int(col.r_latest[r])) // 2


def _ruin(ctx: RouteContext, rng: random.Random, movable: list[int]) -> _Step:
    """Remove strings of visits from the routes nearest in time to a random seed request."""
    seed_r = movable[rng.randrange(len(movable))]
    t0 = _seed_time(ctx, seed_r)
    step = _Step(seed_r, t0)
    nearest: list[tuple[float, int, int]] = []  # (time to t0, volunteer, position)
    volunteers = list(ctx.volunteers_of(seed_r))
    placed = ctx.schedule.crews.get(seed_r)
    if placed is not None and placed[1][0] not in volunteers:
        volunteers.append(placed[1][0])
    for v in volunteers:
        route = ctx.route(v)
        best: tuple[float, int, int] | None = None
        for pos, x in enumerate(route.visits):
            if ctx.movable(x):
                gap = abs(route.earliest[pos] - t0) * (1.0 + 0.5 * rng.random())
                if best is None or gap < best[0]:
                    best = (gap, v, pos)
        if best is not None:
            nearest.append(best)
    nearest.sort()
    step.open_routes.update(volunteers[:NEAR_ROUTES])
    if not nearest:
        return step
    sizes = [len(ctx.route(v)) for _, v, _ in nearest]
    longest = min(MAX_STRING, max(1, round(sum(sizes) / len(sizes))))
    most_strings = max(1, int(4 * MEAN_REMOVED / (1 + longest) - 1))
    n_strings = min(len(nearest), rng.randint(1, most_strings))
    for _, v, pos in nearest[:n_strings]:
        route = ctx.route(v)
        length = rng.randint(1, min(longest, len(route)))
        first = max(0, min(pos - rng.randrange(length), len(route) - length))
        out = [i for i in range(first, first + length) if ctx.movable(route.visits[i])]
        _remove(ctx, route, out, step)
        step.open_routes.add(v)
    return step


def _remove(ctx: RouteContext, route: Route, positions: list[int], step: _Step) -> None:
    weights = ctx.inst.plain.r_weight
    for i in sorted(positions, reverse=True):
        r = route.visits[i]
        step.cost -= ctx.join_cost(r, route.v, tasks=ctx.tasks(route.v) - 1)
        step.weight -= int(weights[r])
        ctx.unbook(r)
        step.removed.append(r)


def _recreate(
    ctx: RouteContext, rng: random.Random, step: _Step, by_volunteer: list[list[int]]
) -> None:
    """Offer the removed requests and some unserved ones nearby back, in a random order of
    kind, each at its best gap among the step's open routes (skipping gaps by blinks)."""
    served = ctx.schedule.crews
    offered = list(step.removed)
    seen = set(offered)
    nearby: list[int] = []
    for v in step.open_routes:
        for r in by_volunteer[v]:
            if r not in served and r not in seen and r not in ctx.frozen_requests:
                seen.add(r)
                nearby.append(r)
    if len(nearby) > UNSERVED_OFFERED:
        nearby = _closest(ctx, rng, step, nearby)[:UNSERVED_OFFERED]
    offered += nearby
    col = ctx.inst.plain
    order = rng.randrange(11)
    noise = [rng.random() for _ in offered]
    if order < 4:  # heaviest first
        key = [(-int(col.r_weight[r]), noise[i]) for i, r in enumerate(offered)]
    elif order < 8:
        key = [(0, noise[i]) for i in range(len(offered))]
    elif order < 10:  # earliest window first
        key = [(int(col.r_earliest[r]), noise[i]) for i, r in enumerate(offered)]
    else:  # narrowest window first
        key = [(int(col.r_latest[r] - col.r_earliest[r]), noise[i]) for i, r in enumerate(offered)]
    for _, r in sorted(zip(key, offered, strict=True)):
        if r not in served:
            _insert(ctx, rng, r, step)


def _closest(ctx: RouteContext, rng: random.Random, step: _Step, requests: list[int]) -> list[int]:
    """`requests` nearest the seed first, in walking minutes plus half the minutes between
    the middle of their window and the seed's time, each blurred by up to half again."""
    col = ctx.inst.plain
    noise = [1.0 + 0.5 * rng.random() for _ in requests]
    if ctx.matrix is not None:
        walks = ctx.matrix[step.seed, requests].tolist()
    else:
        walks = [ctx.schedule.travel(step.seed, r) for r in requests]
    keyed = sorted(
        (
            (walks[i] + abs((col.r_earliest[r] + col.r_latest[r]) // 2 - step.when) / 2) * noise[i],
            r,
        )
        for i, r in enumerate(requests)
    )
    return [r for _, r in keyed]


def _insert(ctx: RouteContext, rng: random.Random, r: int, step: _Step) -> None:
    """Book r at its cheapest gap among the routes the step may use, if it fits anywhere."""
    col = ctx.inst.plain
    d = int(col.r_duration[r])
    best: tuple[tuple[int, int], Route, int, tuple[int, int, int]] | None = None
    volunteers = ctx.volunteers_of(r)
    targets = volunteers if len(volunteers) <= NEAR_ROUTES else step.open_routes
    for v in targets:
        if v not in volunteers:
            continue
        segments = ctx.segments(r, v)
        if not segments:
            continue
        route = ctx.route(v)
        gaps, tested = route.gaps(r, d, segments)
        ctx.evaluations += tested
        join: int | None = None
        for pos, window in gaps:
            if rng.random() < BLINK:
                continue
            if join is None:
                join = ctx.join_cost(r, v, tasks=ctx.tasks(v))
            key = (join, route.detour(pos, r))
            if best is not None and key >= best[0]:
                continue
            if ctx.confirm(route, pos, r, window):
                best = (key, route, pos, window)
    if best is None:
        return
    (join, _), route, pos, window = best
    ctx.book_route(ctx.with_visit(route, pos, r, window))
    step.weight += int(col.r_weight[r])
    step.cost += join
