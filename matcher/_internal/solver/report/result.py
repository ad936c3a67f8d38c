"""Turn a finished schedule into the typed `Solution` with its summary."""

from __future__ import annotations

import logging

import numpy as np

from matcher._internal.model import Assignment, Solution, Status, Strategy, Summary, relative_gap
from matcher._internal.model.solution import TeamSummary
from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance
from matcher._internal.solver.core.objective import served_weight
from matcher._internal.solver.core.schedule import Schedule
from matcher._internal.solver.report.unassigned import explain_unassigned

log = logging.getLogger(__name__)


def build_solution(
    inst: Instance,
    cands: Candidates,
    schedule: Schedule,
    *,
    upper_bound: int,
    strategy: Strategy,
    seconds: float,
    proven_optimal: bool = False,
    first_schedule_seconds: float = 0.0,
    team_bounds: dict[str, int] | None = None,
) -> Solution:
    problem = inst.problem
    walk_of = _crew_walks(cands, schedule)
    assignments = []
    for r in sorted(schedule.crews, key=lambda r: (schedule.crews[r][0], inst.r_ids[r])):
        start, crew = schedule.crews[r]
        for v in sorted(crew, key=lambda v: inst.v_ids[v]):
            assignments.append(
                Assignment(
                    request_id=inst.r_ids[r],
                    volunteer_id=inst.v_ids[v],
                    team=problem.volunteers[v].team,
                    start=inst.to_time(start),
                    end=inst.to_time(start + int(inst.r_duration[r])),
                    walk_minutes=walk_of[r, v],
                )
            )
    unassigned = explain_unassigned(inst, cands, schedule)
    served = served_weight(inst, schedule.crews)
    servable = cands.servable(inst.r_crew)
    if proven_optimal:
        # An exact model of the whole problem was solved to optimality: nothing serves more.
        upper_bound = served
    elif upper_bound < served:
        # A bound below a valid schedule is a bug in the bound; never state it, and never
        # call the schedule optimal because of it. Counting what is servable always holds.
        log.error("bound %d below the served weight %d: stating the servable weight instead",
                  upper_bound, served)  # fmt: skip
        upper_bound = max(served, served_weight(inst, np.flatnonzero(servable).tolist()))
    if not schedule.crews:
        status = Status.EMPTY
    elif served == upper_bound:
        status = Status.OPTIMAL
    else:
        status = Status.FEASIBLE
    summary = Summary(
        status=status,
        strategy=strategy,
        served_weight=served,
        upper_bound=upper_bound,
        gap=relative_gap(served, upper_bound),
        walk_minutes=round(sum(a.walk_minutes for a in assignments), 2),
        requests_total=inst.n_requests,
        requests_served=len(schedule.crews),
        requests_unassigned=len(unassigned),
        assignments=len(assignments),
        solve_seconds=round(seconds, 3),
        first_schedule_seconds=round(first_schedule_seconds, 3),
        per_team=_per_team(inst, schedule, team_bounds or {}, servable, proven_optimal),
        seed=problem.settings.seed,
        settings=problem.settings.model_dump(mode="json"),
    )
    return Solution(assignments=assignments, unassigned=unassigned, summary=summary)


def _per_team(
    inst: Instance,
    schedule: Schedule,
    bounds: dict[str, int],
    servable: np.ndarray,
    proven_optimal: bool,
) -> dict[str, TeamSummary]:
    """Served weight per team (requests naming no team under "any") against its bound."""
    out = {}
    for code, team in [*((c, i) for i, c in enumerate(inst.team_codes)), ("any", -1)]:
        requests = [r for r in range(inst.n_requests) if inst.r_team[r] == team]
        if not requests:
            continue
        served = [r for r in requests if r in schedule.crews]
        weight = served_weight(inst, served)
        if proven_optimal:
            bound = weight
        else:  # the team's own bound where one was computed, else all it could serve
            bound = bounds.get(code, served_weight(inst, (r for r in requests if servable[r])))
            bound = max(weight, bound)
        out[code] = TeamSummary(
            requests=len(requests),
            served=len(served),
            served_weight=weight,
            upper_bound=bound,
            gap=relative_gap(weight, bound),
        )
    return out


def _crew_walks(cands: Candidates, schedule: Schedule) -> dict[tuple[int, int], float]:
    """Walk minutes of every booked (request, volunteer) pair, looked up in the request's
    candidate list only for the crew (not all its candidates: urgent dispatch builds a
    solution per call, and the full table took 0.15 s of it)."""
    walks: dict[tuple[int, int], float] = {}
    for r, (_, crew) in schedule.crews.items():
        span = cands.of(r)
        position = {v: i for i, v in enumerate(cands.vol[span].tolist())}
        span_walks = cands.walk[span]
        for v in crew:
            walks[r, v] = float(span_walks[position[v]])
    return walks
