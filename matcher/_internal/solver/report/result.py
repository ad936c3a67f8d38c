"""Turn a finished schedule into the typed `Solution` with its summary."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from matcher._internal.model import (
    Assignment,
    SearchStats,
    Solution,
    Standby,
    Strategy,
    Unassigned,
    relative_gap,
    summarise,
)
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
    search: SearchStats | None = None,
    unchanged_from: tuple[Solution, set[str]] | None = None,
    standbys: Sequence[tuple[int, int, int]] = (),
) -> Solution:
    """The schedule as a `Solution`. With `unchanged_from=(previous, changed_ids)`, the rows
    of every request not in `changed_ids` are copied from `previous` instead of computed:
    urgent dispatch changes a few requests of thousands, and their reasons and walks are
    most of the cost of an answer. `standbys` are (request, volunteer, start minute) holds
    (`construct/standbys.py`); they serve nothing and change no figure but their count."""
    problem = inst.problem
    kept: set[str] = set()
    reused_rows: list[Assignment] = []
    reused_reasons: list[Unassigned] = []
    if unchanged_from is not None:
        previous, changed = unchanged_from
        present = set(inst.r_ids)
        kept = present - changed
        reused_rows = [a for a in previous.assignments if a.request_id in kept]
        reused_reasons = [u for u in previous.unassigned if u.request_id in kept]
        kept = {a.request_id for a in reused_rows} | {u.request_id for u in reused_reasons}
    fresh = [r for r in schedule.crews if inst.r_ids[r] not in kept]
    walk_of = _crew_walks(cands, schedule, fresh)
    assignments = list(reused_rows)
    for r in fresh:
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
    assignments.sort(key=lambda a: (a.start, a.request_id, a.volunteer_id))
    unassigned = explain_unassigned(inst, cands, schedule, skip=kept)
    if reused_reasons:
        position = {rid: i for i, rid in enumerate(inst.r_ids)}
        unassigned = sorted([*reused_reasons, *unassigned], key=lambda u: position[u.request_id])
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
    summary = summarise(
        assignments,
        strategy=strategy,
        served_weight=served,
        upper_bound=upper_bound,
        requests_total=inst.n_requests,
        requests_served=len(schedule.crews),
        requests_unassigned=len(unassigned),
        seconds=seconds,
        first_schedule_seconds=first_schedule_seconds,
        per_team=_per_team(inst, schedule, team_bounds or {}, servable, proven_optimal),
        settings=problem.settings,
        search=search,
        standbys=len(standbys),
    )
    held = [
        Standby(
            request_id=inst.r_ids[r],
            volunteer_id=inst.v_ids[v],
            start=inst.to_time(start),
            end=inst.to_time(start + int(inst.r_duration[r])),
        )
        for r, v, start in standbys
    ]
    return Solution(assignments=assignments, unassigned=unassigned, summary=summary, standbys=held)


def _per_team(
    inst: Instance,
    schedule: Schedule,
    bounds: dict[str, int],
    servable: np.ndarray,
    proven_optimal: bool,
) -> dict[str, TeamSummary]:
    """Served weight per team (requests naming no team under "any") against its bound."""
    out = {}
    is_served = np.zeros(inst.n_requests, dtype=bool)
    is_served[list(schedule.crews)] = True
    for code, team in [*((c, i) for i, c in enumerate(inst.team_codes)), ("any", -1)]:
        mine = inst.r_team == team
        if not mine.any():
            continue
        served = np.flatnonzero(mine & is_served).tolist()
        weight = served_weight(inst, served)
        if proven_optimal:
            bound = weight
        else:  # the team's own bound where one was computed, else all it could serve
            servable_ones = np.flatnonzero(mine & servable).tolist()
            bound = bounds.get(code, served_weight(inst, servable_ones))
            bound = max(weight, bound)
        out[code] = TeamSummary(
            requests=int(mine.sum()),
            served=len(served),
            served_weight=weight,
            upper_bound=bound,
            gap=relative_gap(weight, bound),
        )
    return out


def _crew_walks(
    cands: Candidates, schedule: Schedule, requests: list[int]
) -> dict[tuple[int, int], float]:
    """Walk minutes of every booked (request, volunteer) pair, looked up in the request's
    candidate list only for the crew (not all its candidates: urgent dispatch builds a
    solution per call, and the full table took 0.15 s of it)."""
    walks: dict[tuple[int, int], float] = {}
    for r in requests:
        crew = schedule.crews[r][1]
        span = cands.of(r)
        position = {v: i for i, v in enumerate(cands.vol[span].tolist())}
        span_walks = cands.walk[span]
        for v in crew:
            walks[r, v] = float(span_walks[position[v]])
    return walks
