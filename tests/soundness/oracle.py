"""An exact model of the data contract, written from the contract alone: the reference the
differential harness holds the solver's bounds and proofs against.

It imports nothing from `matcher._internal.solver` (nor `matcher._internal.geo`): its own
walking formula, its own reading of every hard rule. Schedules start on whole community-local
minutes, as the contract says. Travel is written for every pair of a volunteer's assignments,
not only consecutive ones; with walks that obey the triangle inequality (great-circle
distances do) and services of at least one minute, the two are the same rule. With a
walking-time table that breaks it, this model is a restriction: its schedules are still
valid (the checker judges them), and its optimum is at most the true one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ortools.sat.python import cp_model

from matcher import Assignment, Problem, Request, Volunteer

DAY = 1440
EARTH_RADIUS_M = 6_371_008.8


def walk(lat1: float, lon1: float, lat2: float, lon2: float, speed: float, detour: float) -> float:
    """The contract's walking minutes: great-circle metres times the detour, at the speed."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin((math.radians(lon2 - lon1)) / 2) ** 2
    )
    metres = 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, max(0.0, h))))
    return metres * detour / speed


@dataclass
class Exact:
    """The oracle's answer: the best weight found, the proven upper bound, and a schedule."""

    weight: int
    bound: int
    assignments: list[Assignment] = field(default_factory=list)

    @property
    def proven(self) -> bool:
        return self.weight == self.bound


def _merged(v: Volunteer, origin: datetime) -> list[tuple[int, int]]:
    """Availability in minutes from `origin`; intervals that touch are one (rule 4)."""
    spans: list[list[int]] = []
    for iv in sorted(v.availability, key=lambda i: i.start):
        a = math.ceil((iv.start - origin).total_seconds() / 60 - 1e-9)
        b = math.floor((iv.end - origin).total_seconds() / 60 + 1e-9)
        if spans and a <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], b)
        elif b > a:
            spans.append([a, b])
    return [(a, b) for a, b in spans]


def _walks(p: Problem) -> dict[tuple[str, str], float]:
    """The walking-time table by place ids; a row given one way holds both ways."""
    table = {(w.from_place, w.to_place): w.minutes for w in p.walking_times}
    for w in p.walking_times:
        table.setdefault((w.to_place, w.from_place), w.minutes)
    return table


def _walk(
    p: Problem, table: dict[tuple[str, str], float], a: Volunteer | Request, b: Request
) -> float:
    s = p.settings
    key = (a.volunteer_id if isinstance(a, Volunteer) else a.request_id, b.request_id)
    listed = table.get(key)
    if listed is not None:
        return listed
    return walk(a.lat, a.lon, b.lat, b.lon, s.walking_speed_m_per_min, s.detour_factor)


def _eligible(p: Problem, table: dict[tuple[str, str], float], r: Request, v: Volunteer) -> bool:
    if r.team and v.team != r.team:
        return False  # rule 1
    if not set(r.required_skills) <= set(v.skills):
        return False  # rule 2
    if v.volunteer_id in r.excluded_volunteers:
        return False  # rule 8
    if v.max_tasks_per_day == 0:
        return False  # rule 7
    return _walk(p, table, v, r) <= v.max_walk_minutes + 1e-9  # rule 5


def solve_exact(p: Problem, time_limit: float = 30.0, workers: int = 2) -> Exact:
    """Maximise the served priority weight over every schedule the contract allows."""
    s = p.settings
    times = [r.earliest_start for r in p.requests]
    times += [iv.start for v in p.volunteers for iv in v.availability]
    if not p.requests:
        return Exact(0, 0)
    first = min(times)
    origin = datetime(first.year, first.month, first.day)

    def minute(t: datetime, up: bool) -> int:
        x = (t - origin).total_seconds() / 60
        return math.ceil(x - 1e-9) if up else math.floor(x + 1e-9)

    table = _walks(p)
    m = cp_model.CpModel()
    x: list[cp_model.IntVar] = []
    start: list[cp_model.IntVar] = []
    # per volunteer: (request index, presence literal, day) for every option
    options: dict[int, list[tuple[int, cp_model.IntVar, int]]] = {}
    chosen: dict[tuple[int, int], cp_model.IntVar] = {}
    weights = []
    for i, r in enumerate(p.requests):
        es, ls, d = (
            minute(r.earliest_start, True),
            minute(r.latest_start, False),
            r.duration_minutes,
        )
        xi = m.new_bool_var(f"x{i}")
        si = m.new_int_var(min(es, ls), max(es, ls), f"s{i}")
        x.append(xi)
        start.append(si)
        # the request's own weight where given, else weight(priority)
        weights.append(r.weight if r.weight is not None else s.priority_weights[r.priority])
        crew: list[cp_model.IntVar] = []
        speakers: list[cp_model.IntVar] = []
        for j, v in enumerate(p.volunteers):
            if not _eligible(p, table, r, v):
                continue
            lits = []
            for a, b in _merged(v, origin):
                lo_all, hi_all = max(es, a), min(ls, b - d)
                # one option per calendar day of the start: the day the caps count it on
                for day in range(lo_all // DAY, hi_all // DAY + 1) if lo_all <= hi_all else []:
                    lo, hi = max(lo_all, day * DAY), min(hi_all, day * DAY + DAY - 1)
                    if lo > hi:
                        continue
                    o = m.new_bool_var(f"o{i}_{j}_{a}_{day}")
                    m.add(si >= lo).only_enforce_if(o)
                    m.add(si <= hi).only_enforce_if(o)
                    lits.append(o)
                    options.setdefault(j, []).append((i, o, day))
            if not lits:
                continue
            y = m.new_bool_var(f"y{i}_{j}")
            m.add(sum(lits) == y)
            chosen[i, j] = y
            crew.append(y)
            if r.language is None or r.language in v.languages:
                speakers.append(y)
        m.add(sum(crew) == r.volunteers_needed * xi)  # rule 3
        if r.language:
            m.add(sum(speakers) >= xi)  # rule 8
    for j, v in enumerate(p.volunteers):
        opts = options.get(j, [])
        present: dict[int, cp_model.IntVar] = {i: chosen[i, j] for i, _, _ in opts}
        mine = sorted(present)
        for k, a in enumerate(mine):  # rule 6, every pair
            for b in mine[k + 1 :]:
                ra, rb = p.requests[a], p.requests[b]
                t = _walk(p, table, ra, rb)
                gap = math.ceil(t - 1e-6)  # whole-minute starts: the first minute >= t
                a_first = m.new_bool_var("")
                both = [present[a], present[b]]
                m.add(start[b] >= start[a] + ra.duration_minutes + gap).only_enforce_if(
                    [*both, a_first]
                )
                m.add(start[a] >= start[b] + rb.duration_minutes + gap).only_enforce_if(
                    [*both, a_first.Not()]
                )
        days: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
        for i, o, day in opts:
            days.setdefault(day, []).append((i, o))
        for group in days.values():  # rule 7, on the day each service starts
            m.add(
                sum(p.requests[i].duration_minutes * o for i, o in group) <= v.max_minutes_per_day
            )
            if v.max_tasks_per_day is not None:
                m.add(sum(o for _, o in group) <= v.max_tasks_per_day)
    m.maximize(sum(w * xi for w, xi in zip(weights, x, strict=True)))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"the exact model found no schedule: {solver.status_name(status)}")
    assignments = []
    for (i, j), y in chosen.items():
        if solver.boolean_value(y):
            r, v = p.requests[i], p.volunteers[j]
            begin = origin + timedelta(minutes=solver.value(start[i]))
            assignments.append(
                Assignment(
                    request_id=r.request_id,
                    volunteer_id=v.volunteer_id,
                    team=v.team,
                    start=begin,
                    end=begin + timedelta(minutes=r.duration_minutes),
                    walk_minutes=_walk(p, table, v, r),
                )
            )
    weight = round(solver.objective_value)
    bound = weight if status == cp_model.OPTIMAL else math.floor(solver.best_objective_bound + 1e-6)
    return Exact(weight, bound, assignments)
