"""Explanations a service can show: why this volunteer, and who else could have gone."""

from __future__ import annotations

from matcher._internal.model import Explanation, Problem, Solution
from matcher._internal.solver.core.schedule import Schedule, contains
from matcher._internal.solver.services.dispatch import prepared_once
from matcher._internal.solver.services.published import book_previous

RUNNERS_UP = 3


def explain(problem: Problem, solution: Solution, request_id: str) -> Explanation:
    left = {u.request_id: u for u in solution.unassigned}
    if request_id in left:
        u = left[request_id]
        return Explanation(request_id=request_id, served=False,
                           summary=f"{u.reason.value}: {u.detail}")  # fmt: skip
    mine = solution.crews().get(request_id, [])
    if not mine:
        raise KeyError(f"request {request_id!r} is not in this solution")
    if request_id not in {q.request_id for q in problem.requests}:
        raise KeyError(f"request {request_id!r} is not in this problem")
    ready = prepared_once(problem)
    inst, cands = ready.instance, ready.candidates
    schedule = Schedule(inst)
    book_previous(inst, cands, schedule, solution, set())
    r = inst.r_ids.index(request_id)
    request = problem.requests[r]
    volunteers = {v.volunteer_id: v for v in problem.volunteers}
    start = mine[0].start
    skills = ", ".join(request.required_skills) or "no special skill"
    crew = [
        f"{a.volunteer_id}: {a.walk_minutes:.0f} min walk (reach "
        f"{volunteers[a.volunteer_id].max_walk_minutes} min), has {skills}, free at {start:%H:%M}"
        for a in mine
    ]
    chosen = {a.volunteer_id for a in mine}
    minute = round((start - inst.origin).total_seconds() / 60)
    saved = schedule.crews.get(r)
    if saved is not None:
        schedule.unbook(r)
    others = []
    span = cands.of(r)
    for v, walk in zip(cands.vol[span], cands.walk[span], strict=True):
        vid = inst.v_ids[int(v)]
        if vid in chosen:
            continue
        free = contains(schedule.feasible_starts(int(v), r), minute)
        why = (
            "free then, but chosen crew walks less or keeps others served"
            if free
            else ("busy with other requests at that time")
        )
        others.append(f"{vid}: {walk:.0f} min walk, {why}")
        if len(others) == RUNNERS_UP:
            break
    if saved is not None:
        schedule.book(r, *saved)
    return Explanation(
        request_id=request_id, served=True, crew=crew, runners_up=others,
        summary=f"served at {start:%Y-%m-%d %H:%M} by {', '.join(sorted(chosen))}",
    )  # fmt: skip
