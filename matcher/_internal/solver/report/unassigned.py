"""A reason code and an actionable sentence for every request left unassigned."""

from __future__ import annotations

import heapq

from matcher._internal.model import Reason, Unassigned
from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance
from matcher._internal.solver.core.schedule import Schedule


def explain_unassigned(
    inst: Instance, cands: Candidates, schedule: Schedule, skip: set[str] | None = None
) -> list[Unassigned]:
    """Explain each unserved request (but those whose id is in `skip`) by the first filter
    stage that leaves too few volunteers."""
    skip = skip or set()
    return [
        _explain(inst, cands, schedule, r)
        for r in range(inst.n_requests)
        if r not in schedule.crews and inst.r_ids[r] not in skip
    ]


def _explain(inst: Instance, cands: Candidates, schedule: Schedule, r: int) -> Unassigned:
    request = inst.problem.requests[r]
    crew = int(inst.r_crew[r])
    team = f"team {request.team!r}" if request.team else "any team"
    skills = ", ".join(request.required_skills) or "no particular skill"
    window = _window_text(inst, r)

    def result(reason: Reason, detail: str) -> Unassigned:
        return Unassigned(request_id=request.request_id, reason=reason, detail=detail)

    if cands.n_skilled[r] == 0:
        return result(
            Reason.NO_SKILLED_VOLUNTEER,
            f"No volunteer in {team} has all of: {skills}. Recruit or train one, "
            "or let another team take it.",
        )
    if cands.n_in_reach[r] == 0:
        nearest = inst.v_ids[int(cands.nearest_skilled[r])]
        walk = float(cands.nearest_skilled_walk[r])
        return result(
            Reason.NONE_WITHIN_REACH,
            f"{cands.n_skilled[r]} volunteer(s) in {team} have the skills, but none lives "
            f"within walking reach; the nearest, {nearest}, is {walk:.0f} min away "
            f"(reach {inst.v_max_walk[cands.nearest_skilled[r]]:.0f} min). Ask them to "
            "walk further or arrange a ride.",
        )
    if cands.n_available[r] == 0:
        return result(
            Reason.NONE_AVAILABLE,
            f"{cands.n_in_reach[r]} skilled volunteer(s) are in reach, but none is available "
            f"for {inst.r_duration[r]} min with a start {window}. Widen the window or ask a "
            "volunteer to extend their hours.",
        )
    if cands.needs_language[r] and cands.n_speakers[r] == 0:
        return result(
            Reason.NO_LANGUAGE_SPEAKER,
            f"None of the {cands.n_available[r]} eligible volunteer(s) speaks "
            f"{request.language!r}. Find a speaker or an interpreter.",
        )
    if cands.n_available[r] < crew:
        names = ", ".join(inst.v_ids[v] for v in cands.vol[cands.of(r)])
        return result(
            Reason.CREW_TOO_SMALL,
            f"Needs a crew of {crew} but only {cands.n_available[r]} volunteer(s) are "
            f"eligible ({names}). Reduce the crew or recruit for {team}.",
        )
    blockers = _blocking_requests(inst, cands, schedule, r)
    names = ", ".join(inst.r_ids[j] for j in blockers) or "other requests"
    return result(
        Reason.CAPACITY_TAKEN,
        f"All {cands.n_available[r]} eligible volunteer(s) are taken {window} by requests of "
        f"equal or higher value ({names}). Move the window or add volunteers to {team}.",
    )


def _blocking_requests(
    inst: Instance, cands: Candidates, schedule: Schedule, r: int, limit: int = 3
) -> list[int]:
    """Served requests whose crews hold r's eligible volunteers during r's window."""
    lo, hi = int(inst.r_earliest[r]), int(inst.r_latest[r] + inst.r_duration[r])
    found: set[int] = set()
    for v in cands.vol[cands.of(r)]:
        for start, end, j in schedule.bookings[int(v)]:
            if start < hi and end > lo:
                found.add(j)
    weight, ids = inst.plain.r_weight, inst.r_ids
    return heapq.nsmallest(limit, found, key=lambda j: (-weight[j], ids[j]))


def _window_text(inst: Instance, r: int) -> str:
    es, ls = inst.to_time(int(inst.r_earliest[r])), inst.to_time(int(inst.r_latest[r]))
    if es == ls:
        return f"at {es:%Y-%m-%d %H:%M}"
    return f"between {es:%Y-%m-%d %H:%M} and {ls:%H:%M}"
