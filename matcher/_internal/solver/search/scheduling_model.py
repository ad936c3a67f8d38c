"""One CP-SAT model over a neighbourhood, hinted with the current schedule.

Per request r: presence x_r and a start s_r. Per candidate pair inside the neighbourhood:
y_rv, with y_rv => s_r in the start ranges v has around their fixed bookings (availability,
travel and all). Crews: sum_v y_rv = crew_r * x_r, one speaker where a language is asked.
Per volunteer: optional intervals under one NoOverlap, plus a travel disjunction for each pair
of their requests that could come close in time, and the daily caps on what is left of them.
The hint is the current schedule, complete and exactly feasible on this integer grid.

`prepare` builds the route model (`search.route_model`) instead wherever it applies: it solves the
same neighbourhood to the same optimum, several times faster.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model
from ortools.util.python.sorted_interval_list import Domain

from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance
from matcher._internal.solver.core.objective import (
    MAX_FAIRNESS_STEPS,
    Costs,
    is_kept,
    move_cost,
    move_tie_break,
    served_weight,
    weight_first,
    weight_units,
)
from matcher._internal.solver.core.rules import service_day
from matcher._internal.solver.core.schedule import Ranges, Schedule, contains
from matcher._internal.solver.search.neighbourhood import Neighbourhood
from matcher._internal.solver.search.options import request_options
from matcher._internal.solver.search.route_model import build_route_model
from matcher._internal.solver.search.subproblem import Crews, NeighbourhoodModel, Subproblem


@dataclass
class Outcome:
    """What one neighbourhood solve did."""

    improved: bool
    status: str
    weight_gain: int
    seconds: float
    requests: int
    volunteers: int
    work: float = 0.0  # CP-SAT's deterministic time, for decisions that must not use clocks
    proves_optimum: bool = False
    """The model held every option of every request and was solved to optimality: on the
    whole problem, that proves the schedule optimal for the objective (for the served
    weight alone only where nothing else is at level 1: no re-plan move cost, nothing
    frozen)."""


@dataclass
class _Pair:
    r: int
    v: int
    ranges: Ranges
    cost: int
    speaks: bool
    y: cp_model.IntVar


@dataclass
class _Model:
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[int, cp_model.IntVar] = field(default_factory=dict)
    s: dict[int, cp_model.IntVar] = field(default_factory=dict)
    pairs: list[_Pair] = field(default_factory=list)
    terms: list[tuple[cp_model.IntVar, int]] = field(default_factory=list)
    hint: dict[cp_model.IntVar, int] = field(default_factory=dict)
    complete: bool = True  # every option of every request is in the model

    def objective_of_hint(self) -> int:
        return sum(coef * self.hint[var] for var, coef in self.terms)

    def extract(self, solver: cp_model.CpSolver) -> Crews:
        crews: Crews = {}
        for r, x in self.x.items():
            if solver.boolean_value(x):
                crews[r] = (solver.value(self.s[r]), [])
        for p in self.pairs:
            if solver.boolean_value(p.y):
                crews[p.r][1].append(p.v)
        return crews


@dataclass
class Prepared:
    """A neighbourhood taken out of the schedule and turned into a model, ready to solve."""

    nb: Neighbourhood
    freed: Crews
    sub: NeighbourhoodModel
    began: float


def prepare(
    inst: Instance, cands: Candidates, schedule: Schedule, costs: Costs, nb: Neighbourhood
) -> Prepared:
    """Unbook the neighbourhood's served requests and build the model around what stays."""
    began = time.perf_counter()
    freed: Crews = {r: schedule.crews[r] for r in nb.requests if r in schedule.crews}
    for r in freed:
        schedule.unbook(r)
    subproblem = Subproblem(inst, cands, schedule, costs, nb, freed)
    built: tuple[NeighbourhoodModel, int] | None = build_route_model(subproblem)
    if built is not None and nb.origin == "whole" and not built[0].complete:
        built = None  # the whole problem must keep every option, or it proves nothing
    sub, _ = built or _build(subproblem)
    return Prepared(nb, freed, sub, began)


@dataclass
class Solved:
    status: str
    crews: Crews | None  # a strictly better assignment of the neighbourhood, or None
    work: float


def run(
    prepared: Prepared,
    *,
    time_limit: float,
    seed: int,
    workers: int,
    deterministic: bool,
) -> Solved:
    """Solve the model; touches no shared state, so it can run beside other solves."""
    sub = prepared.sub
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = workers
    params.random_seed = seed
    params.cp_model_probing_level = 0
    # CP-SAT's own Ctrl-C handler, installed and removed by each of the concurrent solves,
    # aborts the process natively when a signal meets one half torn down; the search stops
    # through `should_stop` instead (see `interrupts`).
    params.catch_sigint_signal = False
    if deterministic:
        params.interleave_search = workers > 1  # one worker is deterministic as it is
        params.max_deterministic_time = time_limit
    else:
        params.max_time_in_seconds = time_limit
    status = solver.solve(sub.model)
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"CP-SAT rejected a neighbourhood model: {sub.model.validate()}")
    crews: Crews | None = None
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if found and round(solver.objective_value) > sub.objective_of_hint():
        crews = sub.extract(solver)
    return Solved(solver.status_name(status), crews, solver.deterministic_time)


def apply(inst: Instance, schedule: Schedule, prepared: Prepared, solved: Solved) -> Outcome:
    """Book the better assignment, or put the old one back."""
    chosen = solved.crews if solved.crews is not None else prepared.freed
    for r, (start, crew) in chosen.items():
        schedule.book(r, start, crew)
    old_weight = served_weight(inst, prepared.freed)
    new_weight = served_weight(inst, chosen)
    return Outcome(
        improved=solved.crews is not None,
        status=solved.status,
        weight_gain=new_weight - old_weight,
        seconds=time.perf_counter() - prepared.began,
        requests=len(prepared.nb.requests),
        volunteers=len(prepared.nb.volunteers),
        work=solved.work,
        proves_optimum=(
            solved.status == "OPTIMAL" and prepared.sub.complete and inst.walks.travel_is_metric
        ),
    )


def solve_neighbourhood(
    inst: Instance,
    cands: Candidates,
    schedule: Schedule,
    costs: Costs,
    nb: Neighbourhood,
    *,
    time_limit: float,
    seed: int,
    workers: int,
    deterministic: bool = False,
) -> Outcome:
    """Re-plan the neighbourhood; keep the result only if it is strictly better."""
    prepared = prepare(inst, cands, schedule, costs, nb)
    solved = run(
        prepared, time_limit=time_limit, seed=seed, workers=workers, deterministic=deterministic
    )
    return apply(inst, schedule, prepared, solved)


def _build(subproblem: Subproblem) -> tuple[_Model, int]:
    """The scheduling model of the subproblem (see the module's docstring)."""
    inst, cands, schedule = subproblem.inst, subproblem.cands, subproblem.schedule
    costs, freed = subproblem.costs, subproblem.freed
    sub = _Model()
    m = sub.model
    by_vol: defaultdict[int, list[_Pair]] = defaultdict(list)
    by_request: dict[int, list[_Pair]] = {}
    for r, options in request_options(subproblem).items():
        es, ls = int(inst.r_earliest[r]), int(inst.r_latest[r])
        x = m.new_bool_var(f"x{r}")
        s = m.new_int_var(es, ls, f"s{r}")
        sub.x[r], sub.s[r] = x, s
        hinted = freed.get(r)
        sub.hint[x] = 1 if hinted else 0
        sub.hint[s] = hinted[0] if hinted else min(o.ranges[0][0] for o in options)
        pairs = [
            _Pair(r, o.v, o.ranges, o.cost, o.speaks, m.new_bool_var(f"y{r}_{o.v}"))
            for o in options
        ]
        by_request[r] = pairs
        for p in pairs:
            by_vol[p.v].append(p)
            sub.pairs.append(p)
            held = hinted is not None and p.v in hinted[1] and contains(p.ranges, hinted[0])
            sub.hint[p.y] = int(held)
            m.add_linear_expression_in_domain(
                s, Domain.from_intervals([[a, b] for a, b in p.ranges])
            ).only_enforce_if(p.y)
            m.add_implication(p.y, x)
        for v in {p.v for p in pairs}:  # one option (one day) of a volunteer per request
            same = [p.y for p in pairs if p.v == v]
            if len(same) > 1:
                m.add_at_most_one(same)
        m.add(sum(p.y for p in pairs) == int(inst.r_crew[r]) * x)
        if cands.needs_language[r]:
            m.add(sum(p.y for p in pairs if p.speaks) >= x)

    fairness_vars = _add_volunteer_constraints(inst, schedule, costs, sub, by_vol)
    kept = _add_kept_untouched(costs, sub, by_request, freed)
    lower_span = sum(abs(p.cost) for p in sub.pairs) + sum(
        costs.fairness_step * ub for _, ub in fairness_vars
    )
    tie_break = move_tie_break(lower_span)
    weight_factor = weight_first(lower_span + tie_break * len(kept))
    for r, x in sub.x.items():
        sub.terms.append((x, weight_factor * weight_units(costs, int(inst.r_weight[r]))))
    # Each untouched request's move costs are paid unless it is kept: the model rewards keeping
    # (the cost of moving all of them is a constant it need not state).
    at_stake = served_weight(inst, sub.x)
    for var in kept:
        sub.terms.append((var, weight_factor * move_cost(costs, at_stake) + tie_break))
    for p in sub.pairs:
        if p.cost:
            sub.terms.append((p.y, -p.cost))
    for var, _ in fairness_vars:
        sub.terms.append((var, -costs.fairness_step))
    m.maximize(sum(coef * var for var, coef in sub.terms))
    for var, value in sub.hint.items():
        m.add_hint(var, value)
    return sub, weight_factor


def _add_kept_untouched(
    costs: Costs, sub: _Model, by_request: dict[int, list[_Pair]], freed: Crews
) -> list[cp_model.IntVar]:
    """Re-planning: a literal per untouched request that can stay exactly as published
    (same start, every published crew member); with the crew size fixed, that is the crew."""
    kept: list[cp_model.IntVar] = []
    m = sub.model
    for r, s in sub.s.items():
        if r not in costs.untouched:
            continue
        start, crew = costs.untouched[r]
        members = {v: [p.y for p in by_request[r] if p.v == v] for v in crew}
        if not all(members.values()):
            continue  # someone of its published crew is outside: it cannot be kept here
        same = m.new_bool_var(f"kept{r}")
        m.add(s == start).only_enforce_if(same)
        for ys in members.values():
            m.add_bool_or(ys).only_enforce_if(same)
        now = freed.get(r)
        sub.hint[same] = int(now is not None and is_kept(costs, r, *now))
        kept.append(same)
    return kept


def _add_volunteer_constraints(
    inst: Instance,
    schedule: Schedule,
    costs: Costs,
    sub: _Model,
    by_vol: defaultdict[int, list[_Pair]],
) -> list[tuple[cp_model.IntVar, int]]:
    """NoOverlap, travel between close requests, daily caps, and fairness per volunteer."""
    m = sub.model
    fairness: list[tuple[cp_model.IntVar, int]] = []
    for v, pairs in by_vol.items():
        pairs = [p for p in pairs if p.r in sub.x]
        if not pairs:
            continue
        intervals = [
            m.new_optional_fixed_size_interval_var(
                sub.s[p.r], int(inst.r_duration[p.r]), p.y, f"i{p.r}_{v}"
            )
            for p in pairs
        ]
        m.add_no_overlap(intervals)
        _add_travel(inst, schedule, sub, pairs)
        _add_caps(inst, schedule, sub, v, pairs)
        if costs.fairness_step:
            fairness += _add_fairness(schedule, sub, v, pairs)
    return fairness


def _add_travel(inst: Instance, schedule: Schedule, sub: _Model, pairs: list[_Pair]) -> None:
    m = sub.model
    if len(pairs) < 2:
        return
    # Pairs further apart in time than any walk between two places in v's reach need no
    # constraint; finding them in numpy first skips most of the Python loop below.
    lo = np.array([p.ranges[0][0] for p in pairs])
    hi = np.array([p.ranges[-1][1] for p in pairs])
    durations = inst.r_duration[[p.r for p in pairs]]
    end = hi + durations
    durations_list = durations.tolist()
    reach = inst.plain.v_reach_between[pairs[0].v]
    first, second = np.triu_indices(len(pairs), 1)
    close = (end[first] + reach > lo[second]) & (end[second] + reach > lo[first])
    for i, k in zip(first[close].tolist(), second[close].tolist(), strict=True):
        a, b = pairs[i], pairs[k]
        if a.r == b.r:
            continue  # two days' options of one request: never both taken
        ab, ba = schedule.travel(a.r, b.r), schedule.travel(b.r, a.r)
        da, db = durations_list[i], durations_list[k]
        a_lo, a_hi = a.ranges[0][0], a.ranges[-1][1]
        b_lo, b_hi = b.ranges[0][0], b.ranges[-1][1]
        if a_hi + da + ab <= b_lo or b_hi + db + ba <= a_lo:
            continue  # always far enough apart
        a_first = a_lo + da + ab <= b_hi
        b_first = b_lo + db + ba <= a_hi
        sa, sb = sub.s[a.r], sub.s[b.r]
        both = [a.y, b.y]
        if not a_first and not b_first:
            m.add_bool_or([a.y.Not(), b.y.Not()])
        elif a_first and not b_first:
            m.add(sb >= sa + da + ab).only_enforce_if(both)
        elif b_first and not a_first:
            m.add(sa >= sb + db + ba).only_enforce_if(both)
        else:
            order = m.new_bool_var(f"o{a.r}_{b.r}_{a.v}")
            m.add(sb >= sa + da + ab).only_enforce_if([*both, order])
            m.add(sa >= sb + db + ba).only_enforce_if([*both, order.Not()])
            sub.hint[order] = 1 if sub.hint[sa] <= sub.hint[sb] else 0


def _add_caps(inst: Instance, schedule: Schedule, sub: _Model, v: int, pairs: list[_Pair]) -> None:
    days: defaultdict[int, list[_Pair]] = defaultdict(list)
    for p in pairs:
        days[service_day(p.ranges[0][0])].append(p)
    for day, group in days.items():
        minutes_left = int(inst.v_max_minutes[v]) - schedule.day_minutes[v, day]
        tasks_left = int(inst.v_max_tasks[v]) - schedule.day_tasks[v, day]
        total = sum(int(inst.r_duration[p.r]) for p in group)
        if total > minutes_left:
            sub.model.add(sum(int(inst.r_duration[p.r]) * p.y for p in group) <= minutes_left)
        if len(group) > tasks_left:
            sub.model.add(sum(p.y for p in group) <= tasks_left)


def _add_fairness(
    schedule: Schedule, sub: _Model, v: int, pairs: list[_Pair]
) -> list[tuple[cp_model.IntVar, int]]:
    """`objective.fairness_cost` as CP-SAT variables: excess tasks e_k >= n_v - k for
    k = 1..MAX_FAIRNESS_STEPS, each costing one fairness step."""
    m = sub.model
    fixed = len(schedule.bookings[v])
    hinted = fixed + sum(sub.hint[p.y] for p in pairs)
    most = fixed + len(pairs)
    out = []
    for k in range(1, MAX_FAIRNESS_STEPS + 1):
        if most <= k:
            break
        excess = m.new_int_var(0, most - k, f"e{v}_{k}")
        m.add(excess >= fixed + sum(p.y for p in pairs) - k)
        sub.hint[excess] = max(0, hinted - k)
        out.append((excess, most - k))
    return out
