"""Who could step in for a crew member of a published plan, at the request's planned time.

A decline is filled by the request's standby first, then by someone free: a candidate of
the request (`core/candidates.py`, the rules of `core/rules.py`), not on its crew, a
speaker of its language where it names one, and free at its planned start given every
assignment and every standby of the plan (walks between places and daily caps included:
`Schedule.feasible_starts`). This is the list both would be asked from, nearest first; the
decline simulation (`benchmarks/declines.py`) reads it for the plain and the
acceptance-aware plan alike.
"""

from __future__ import annotations

from matcher._internal.model import Problem, Solution
from matcher._internal.solver.construct.standbys import hold
from matcher._internal.solver.core.schedule import Schedule, contains
from matcher._internal.solver.prepared import prepare


def stand_ins(problem: Problem, solution: Solution) -> dict[str, list[str]]:
    """For each served request of `solution`, the volunteers free to join its crew at its
    planned start, nearest first (see the module)."""
    ready = prepare(problem)
    inst, cands = ready.instance, ready.candidates
    r_index = {rid: i for i, rid in enumerate(inst.r_ids)}
    v_index = {vid: i for i, vid in enumerate(inst.v_ids)}
    schedule = Schedule(inst)
    for rid, crew in solution.crews().items():
        start = round((crew[0].start - inst.origin).total_seconds() / 60)
        schedule.book(r_index[rid], start, [v_index[a.volunteer_id] for a in crew])
    for s in solution.standbys:
        start = round((s.start - inst.origin).total_seconds() / 60)
        hold(schedule, r_index[s.request_id], v_index[s.volunteer_id], start)
    out: dict[str, list[str]] = {}
    for r, (start, members) in schedule.crews.items():
        taken = set(members)
        span = cands.of(r)
        needs_speaker = bool(cands.needs_language[r])
        out[inst.r_ids[r]] = [
            inst.v_ids[int(v)]
            for v, speaks in zip(cands.vol[span], cands.speaks[span], strict=True)
            if int(v) not in taken
            and (speaks or not needs_speaker)
            and contains(schedule.feasible_starts(int(v), r), start)
        ]
    return out
