"""Carry a published plan into the day as it is now: keep every assignment still valid.

Pinned requests (confirmed or already started) are booked first, then the rest in start
order. A request is kept only whole: every crew member still on the roster, still eligible,
still free at the same start with the walks between their requests. Each request that cannot
be kept gets a sentence saying why.
"""

from __future__ import annotations

from datetime import datetime

from matcher._internal.model import Solution
from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance
from matcher._internal.solver.core.schedule import Schedule, contains

Published = dict[int, tuple[int, list[int]]]


def book_previous(
    inst: Instance,
    cands: Candidates,
    schedule: Schedule,
    previous: Solution,
    pinned: set[str],
) -> tuple[Published, dict[str, str]]:
    """Book what can be kept; return the published crews (by request index) and, for each
    published request that could not be kept, the reason."""
    r_index = {rid: i for i, rid in enumerate(inst.r_ids)}
    v_index = {vid: i for i, vid in enumerate(inst.v_ids)}
    previous_crews = previous.crews()
    crews = {rid: [a.volunteer_id for a in crew] for rid, crew in previous_crews.items()}
    starts = {rid: crew[0].start for rid, crew in previous_crews.items()}
    published: Published = {}
    dropped: dict[str, str] = {}
    order = sorted(crews, key=lambda rid: (rid not in pinned, starts[rid], rid))
    for rid in order:
        why = _why_not_kept(inst, cands, schedule, rid, crews[rid], starts[rid], r_index, v_index)
        if why is None:
            r = r_index[rid]
            start = _minute(inst, starts[rid])
            crew = [v_index[v] for v in crews[rid]]
            schedule.book(r, start, crew)
            published[r] = (start, crew)
        else:
            dropped[rid] = f"pinned, but {why}" if rid in pinned else why
            if rid in r_index:
                r = r_index[rid]
                published[r] = (_minute(inst, starts[rid]),
                                [v_index[v] for v in crews[rid] if v in v_index])  # fmt: skip
    return published, dropped


def _minute(inst: Instance, moment: datetime) -> int:
    return round((moment - inst.origin).total_seconds() / 60)


def _why_not_kept(
    inst: Instance,
    cands: Candidates,
    schedule: Schedule,
    rid: str,
    crew: list[str],
    start_time: datetime,
    r_index: dict[str, int],
    v_index: dict[str, int],
) -> str | None:
    if rid not in r_index:
        return "the request was withdrawn"
    r = r_index[rid]
    gone = [v for v in crew if v not in v_index]
    if gone:
        return f"{', '.join(gone)} left the roster"
    if len(crew) != int(inst.r_crew[r]):
        return f"the crew size changed to {int(inst.r_crew[r])}"
    start = _minute(inst, start_time)
    if not int(inst.r_earliest[r]) <= start <= int(inst.r_latest[r]):
        return "its start is no longer inside the request's window"
    eligible = set(cands.vol[cands.of(r)].tolist())
    for vid in crew:
        v = v_index[vid]
        if v not in eligible:
            return f"{vid} can no longer serve it (availability, skills or reach changed)"
        if not contains(schedule.feasible_starts(v, r), start):
            return f"{vid} is no longer free at that time"
    if cands.needs_language[r]:
        span = cands.of(r)
        speakers = {int(v) for v, s in zip(cands.vol[span], cands.speaks[span], strict=True) if s}
        if not speakers & {v_index[v] for v in crew}:
            return "nobody in the crew speaks the requested language"
    return None
