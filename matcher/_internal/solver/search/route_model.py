"""A neighbourhood as a choice of routes: each volunteer takes one of their feasible task sets.

Why: for crews of one, the scheduling model (a start variable per request, a walking
disjunction per pair of a volunteer's requests) is slow for CP-SAT. Measured on the tight
day: a quarter of the 4-volunteer neighbourhoods were not solved in 0.15 s, and given 3 s
half of those served more. Listing each volunteer's feasible task sets instead (exact, around
their kept bookings: `core.task_sets.feasible_task_sets`) leaves a set-packing model that CP-SAT
solves at once, so the search can afford larger neighbourhoods.

A volunteer with more routes than ROUTES_PER_VOLUNTEER gives up open requests of little
weight until the rest fit. A route fixes no start, so it cannot keep the members of a crew
together in time: a neighbourhood with a crew of several members at a free start keeps the
scheduling model, as do neighbourhoods where a volunteer has requests on two days.

Re-planning: an untouched request of one is kept when its published volunteer's route holds
it at its published start, so that volunteer's option for it is narrowed to that start
(serving it at another start would be a move all the same).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance, IntArray
from matcher._internal.solver.core.objective import (
    Costs,
    fairness_cost,
    is_kept,
    move_cost,
    move_tie_break,
    served_weight,
    weight_first,
    weight_units,
)
from matcher._internal.solver.core.schedule import Ranges, Schedule, contains
from matcher._internal.solver.core.task_sets import feasible_task_sets
from matcher._internal.solver.search.options import Option, request_options
from matcher._internal.solver.search.subproblem import Crews, Subproblem

ROUTES_PER_VOLUNTEER = 300
"""The most routes a volunteer brings into one model. Measured on the tight day, served
weight after 60 s for 100 / 300 / 500 / 1,000: 12,122 / 12,148 / 12,125 / 12,107 (one run
each, bound not computed). Fewer make neighbourhoods larger but slower to build; more
make models CP-SAT cannot solve in a neighbourhood's time."""


@dataclass
class _Volunteer:
    """One volunteer's tasks in the neighbourhood, and what timing a route needs."""

    v: int
    requests: list[int]
    ranges: list[Ranges]
    durations: list[int]
    walk: IntArray  # walk[i, j]: minutes from task i's place to task j's
    speaks: list[bool]

    def starts(self, tasks: list[int]) -> dict[int, int]:
        """Starts for the tasks (indices into `requests`) in a feasible order, each as early
        as it may be; every order is tried depth first (a route holds a handful of tasks)."""

        def extend(order: list[tuple[int, int]], free_from: int) -> list[tuple[int, int]] | None:
            if len(order) == len(tasks):
                return order
            placed = {j for j, _ in order}
            for j in tasks:
                if j in placed:
                    continue
                arrive = free_from + (int(self.walk[order[-1][0], j]) if order else 0)
                start = _earliest(self.ranges[j], arrive)
                if start is not None:
                    found = extend([*order, (j, start)], start + self.durations[j])
                    if found is not None:
                        return found
            return None

        timed = extend([], -(10**9))
        if timed is None:
            raise AssertionError(f"a listed route of volunteer {self.v} has no timing")
        return {self.requests[j]: start for j, start in timed}


_Listed = tuple[_Volunteer, np.ndarray, IntArray, int]
"""A volunteer, their routes as 0/1 rows over their tasks, each route's cost, and the row
they hold now (-1: none)."""


@dataclass
class _Routes:
    """One volunteer's routes in the model: 0/1 rows over their tasks, a variable each."""

    volunteer: _Volunteer
    masks: np.ndarray
    z: list[cp_model.IntVar]


@dataclass
class RouteModel:
    """The CP-SAT model over routes; the current schedule is its hint."""

    model: cp_model.CpModel
    x: dict[int, cp_model.IntVar]
    routes: list[_Routes]
    fixed_starts: dict[int, int]
    hint_objective: int
    complete: bool = True
    """Every option of every request is in the model: no volunteer gave any up."""

    def objective_of_hint(self) -> int:
        return self.hint_objective

    def extract(self, solver: cp_model.CpSolver) -> Crews:
        crews: Crews = {r: (-1, []) for r, x in self.x.items() if solver.boolean_value(x)}
        for routes in self.routes:
            chosen = [k for k, z in enumerate(routes.z) if solver.boolean_value(z)]
            if not chosen:
                continue
            tasks = np.flatnonzero(routes.masks[chosen[0]]).tolist()
            v = routes.volunteer.v
            for r, start in routes.volunteer.starts(tasks).items():
                # A crew of several shares its fixed start; a crew of one takes its route's.
                crews[r] = (self.fixed_starts.get(r, start), [*crews[r][1], v])
        return crews


def build_route_model(sub: Subproblem) -> tuple[RouteModel, int] | None:
    """The route model of the neighbourhood, or None where it does not apply (see above)."""
    inst, cands, schedule, costs, freed = sub.inst, sub.cands, sub.schedule, sub.costs, sub.freed
    options = request_options(sub)
    at_published_start, narrowed = _narrow_to_published_starts(inst, costs, options, freed)
    complete = not narrowed
    fixed_starts: dict[int, int] = {}
    for r in options:
        if inst.r_crew[r] > 1:
            if inst.r_earliest[r] != inst.r_latest[r]:
                return None
            fixed_starts[r] = int(inst.r_earliest[r])
    by_volunteer: dict[int, list[tuple[int, Option]]] = {}
    for r, opts in options.items():
        for o in opts:
            by_volunteer.setdefault(o.v, []).append((r, o))
    walks = _Walks(schedule, list(options))
    listed: list[_Listed] = []
    for v, pairs in by_volunteer.items():
        found = _volunteer_routes(inst, schedule, costs, v, pairs, freed, walks)
        while found is None and (pairs := _fewer_options(inst, v, pairs, freed)):
            complete = False
            found = _volunteer_routes(inst, schedule, costs, v, pairs, freed, walks)
        if found is None:
            return None
        listed.append(found)
    keepable = at_published_start | {
        r
        for r, start in fixed_starts.items()
        if r in costs.untouched and costs.untouched[r][0] == start
    }
    model, weight_factor = _assemble(
        inst, cands, costs, list(options), listed, freed, fixed_starts, keepable
    )
    model.complete = complete
    return model, weight_factor


def _narrow_to_published_starts(
    inst: Instance, costs: Costs, options: dict[int, list[Option]], freed: Crews
) -> tuple[set[int], bool]:
    """Re-planning: the published volunteer of an untouched request of one may take it only
    at its published start (see above), unless they hold it at another start now. Returns
    the requests so narrowed, and whether any option lost starts."""
    at_published_start: set[int] = set()
    narrowed = False
    for r, opts in options.items():
        placement = costs.untouched.get(r)
        if placement is None or inst.r_crew[r] != 1:
            continue
        start, crew = placement
        now = freed.get(r)
        if now is not None and now[0] != start and set(now[1]) == crew:
            continue
        kept_opts = []
        for o in opts:
            if o.v not in crew:
                kept_opts.append(o)
            elif contains(o.ranges, start):
                kept_opts.append(Option(o.v, [(start, start)], o.cost, o.speaks))
            narrowed = narrowed or (o.v in crew and o.ranges != [(start, start)])
        options[r] = kept_opts
        at_published_start.add(r)
    return at_published_start, narrowed


def _assemble(
    inst: Instance,
    cands: Candidates,
    costs: Costs,
    requests: list[int],
    listed: list[_Listed],
    freed: Crews,
    fixed_starts: dict[int, int],
    keepable: set[int],
) -> tuple[RouteModel, int]:
    """Set packing over the listed routes: at most one route a volunteer, each request's
    crew from the routes holding it (a speaker among them where asked)."""
    m = cp_model.CpModel()
    x = {r: m.new_bool_var("") for r in requests}
    covering: dict[int, list[cp_model.IntVar]] = {r: [] for r in requests}
    covering_by: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    speaking: dict[int, list[cp_model.IntVar]] = {r: [] for r in requests}
    objective_vars: list[int] = []
    objective_coeffs: list[int] = []
    hinted_routes: list[int] = []
    hint_cost = 0
    widest = 0
    all_routes = []
    for volunteer, masks, route_costs, hinted in listed:
        zs = [m.new_bool_var("") for _ in range(len(masks))]
        m.add_at_most_one(zs)
        all_routes.append(_Routes(volunteer, masks, zs))
        objective_vars += [z.index for z in zs]
        objective_coeffs += (-route_costs).tolist()
        if hinted >= 0:
            hinted_routes.append(zs[hinted].index)
            hint_cost += int(route_costs[hinted])
        widest += int(np.abs(route_costs).max(initial=0))
        for j, r in enumerate(volunteer.requests):
            holding = [zs[k] for k in np.flatnonzero(masks[:, j]).tolist()]
            covering[r] += holding
            covering_by[r, volunteer.v] = holding
            if volunteer.speaks[j]:
                speaking[r] += holding
    for r, xr in x.items():
        m.add(cp_model.LinearExpr.sum(covering[r]) == int(inst.r_crew[r]) * xr)
        if cands.needs_language[r]:
            m.add(cp_model.LinearExpr.sum(speaking[r]) >= xr)
    kept = _kept_untouched(m, costs, keepable, covering_by)
    hinted_kept = {k.index for r, k in kept.items() if r in freed and is_kept(costs, r, *freed[r])}
    # Any two solutions' walking and fairness differ by at most twice the widest costs.
    tie_break = move_tie_break(2 * widest)
    weight_factor = weight_first(2 * widest + tie_break * len(kept))
    for r, xr in x.items():
        objective_vars.append(xr.index)
        objective_coeffs.append(weight_factor * weight_units(costs, int(inst.r_weight[r])))
    keeping = weight_factor * move_cost(costs, served_weight(inst, requests)) + tie_break
    for k in kept.values():
        objective_vars.append(k.index)
        objective_coeffs.append(keeping)
    _maximise(m, objective_vars, objective_coeffs)
    _hint(m, objective_vars,
          set(hinted_routes) | {x[r].index for r in freed if r in x} | hinted_kept)  # fmt: skip
    hint_objective = (
        weight_factor * weight_units(costs, served_weight(inst, freed))
        + keeping * len(hinted_kept)
        - hint_cost
    )
    return RouteModel(m, x, all_routes, fixed_starts, hint_objective), weight_factor


def _kept_untouched(
    m: cp_model.CpModel,
    costs: Costs,
    keepable: set[int],
    covering_by: dict[tuple[int, int], list[cp_model.IntVar]],
) -> dict[int, cp_model.IntVar]:
    """Re-planning: a literal per untouched request that stays as published when every
    published member's route holds it. `keepable` are those whose published members can
    take them only at the published start (a crew of one's narrowed option, or a crew's
    one fixed start)."""
    kept: dict[int, cp_model.IntVar] = {}
    for r in sorted(keepable):
        _, crew = costs.untouched[r]
        holding = [covering_by.get((r, v), []) for v in crew]
        if not all(holding):
            continue
        same = m.new_bool_var("")
        for routes in holding:
            m.add(cp_model.LinearExpr.sum(routes) >= same)
        kept[r] = same
    return kept


def _maximise(m: cp_model.CpModel, variables: list[int], coeffs: list[int]) -> None:
    """Set the objective straight in the model's proto (CP-SAT stores a maximisation as
    minimising the negation, scaled by -1): through the expression API this took several
    milliseconds per neighbourhood."""
    objective = m.proto.objective
    objective.vars.extend(variables)
    objective.coeffs.extend([-c for c in coeffs])
    objective.scaling_factor = -1.0


def _hint(m: cp_model.CpModel, variables: list[int], ones: set[int]) -> None:
    """A complete hint, straight in the proto: every variable 0 except `ones`."""
    m.proto.solution_hint.vars.extend(variables)
    m.proto.solution_hint.values.extend([int(v in ones) for v in variables])


class _Walks:
    """The schedule's walks between the neighbourhood's requests, looked up once: every
    volunteer's routes, and every retry with fewer options, index into the same table."""

    def __init__(self, schedule: Schedule, requests: list[int]) -> None:
        self.position = {r: i for i, r in enumerate(requests)}
        n = len(requests)
        self.table = np.zeros((n, n), np.int64)
        for i in range(n):
            for j in range(i + 1, n):
                self.table[i, j] = schedule.travel(requests[i], requests[j])
                self.table[j, i] = schedule.travel(requests[j], requests[i])

    def among(self, requests: list[int]) -> IntArray:
        at = [self.position[r] for r in requests]
        return self.table[np.ix_(at, at)]


def _fewer_options(
    inst: Instance, v: int, pairs: list[tuple[int, Option]], freed: Crews
) -> list[tuple[int, Option]]:
    """v's options without the less valuable half of those v does not hold now (empty when
    none is left to drop): a volunteer with too many routes gives up some open requests
    rather than the whole neighbourhood its route model."""
    spare = [i for i, (r, _) in enumerate(pairs) if not _holds(freed, r, v)]
    if not spare:
        return []
    spare.sort(key=lambda i: int(inst.r_weight[pairs[i][0]]))
    dropped = set(spare[: max(1, len(spare) // 2)])
    return [pair for i, pair in enumerate(pairs) if i not in dropped]


def _volunteer_routes(
    inst: Instance,
    schedule: Schedule,
    costs: Costs,
    v: int,
    pairs: list[tuple[int, Option]],
    freed: Crews,
    walks: _Walks,
) -> _Listed | None:
    """v's feasible task sets as 0/1 rows, each one's cost (pairs plus the extra fairness
    steps), and the row v holds now (-1: none); None when v has more routes than the limit
    or requests on two days."""
    day = pairs[0][1].day
    if any(o.day != day for _, o in pairs):
        return None
    # At least one task is left: `feasible_starts` gives no start on a day that is full.
    tasks_left = int(inst.v_max_tasks[v]) - schedule.day_tasks[v, day]
    requests = [r for r, _ in pairs]
    ranges = [o.ranges for _, o in pairs]
    durations = [int(inst.r_duration[r]) for r in requests]
    n = len(pairs)
    walk = walks.among(requests)
    speaks = [o.speaks for _, o in pairs]
    volunteer = _Volunteer(v, requests, ranges, durations, walk, speaks)
    width = max(len(rs) for rs in ranges)
    lo = np.ones((n, width), np.int64)
    hi = np.zeros((n, width), np.int64)
    for i, rs in enumerate(ranges):
        for k, (a, b) in enumerate(rs):
            lo[i, k], hi[i, k] = a, b
    masks = feasible_task_sets(
        np.array(durations, np.int64), lo, hi, walk,
        minutes_cap=int(inst.v_max_minutes[v]) - schedule.day_minutes[v, day],
        tasks_cap=tasks_left, limit=ROUTES_PER_VOLUNTEER,
    )  # fmt: skip
    if masks is None:
        return None
    held = np.array([_holds(freed, r, v) for r in requests])
    hinted = -1
    if held.any():
        same = np.flatnonzero((masks.astype(bool) == held).all(axis=1))
        if len(same) == 0:
            return None  # cannot happen: v's current tasks are a feasible route
        hinted = int(same[0])
    already = len(schedule.bookings[v])
    extra_fairness = np.array(
        [fairness_cost(costs, already + k) - fairness_cost(costs, already) for k in range(n + 1)]
    )
    pair_costs = np.array([o.cost for _, o in pairs], np.int64)
    route_costs = masks @ pair_costs + extra_fairness[masks.sum(axis=1)]
    return volunteer, masks, route_costs, hinted


def _holds(freed: Crews, r: int, v: int) -> bool:
    """Whether v is in the crew request r had before the neighbourhood was taken out."""
    return r in freed and v in freed[r][1]


def _earliest(ranges: Ranges, at: int) -> int | None:
    """The first start at or after `at` inside the sorted ranges."""
    for a, b in ranges:
        if b >= at:
            return max(a, at)
    return None
