"""The constructive baseline: highest priority first, nearest eligible free volunteers,
earliest feasible start. Fast, deterministic, and the yardstick the optimiser must beat.
"""

from __future__ import annotations

import numpy as np

from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance
from matcher._internal.solver.core.schedule import Ranges, Schedule, contains


def request_order(inst: Instance, cands: Candidates) -> list[int]:
    """Priority first; within a priority the scarcest requests (fewest candidates per crew
    member) go first, then the earliest deadline, then input order."""
    counts = np.diff(cands.indptr) / np.maximum(1, inst.r_crew)
    order = np.lexsort((np.arange(inst.n_requests), inst.r_latest, counts, -inst.r_weight))
    return [int(r) for r in order]


def greedy_schedule(inst: Instance, cands: Candidates) -> Schedule:
    """Book each request in turn with the nearest crew that shares an earliest common start."""
    schedule = Schedule(inst)
    servable = cands.servable(inst.r_crew)
    for r in request_order(inst, cands):
        if not servable[r]:
            continue
        found = find_crew(schedule, cands, r)
        if found is not None:
            schedule.book(r, *found)
    return schedule


def find_crew(schedule: Schedule, cands: Candidates, r: int) -> tuple[int, list[int]] | None:
    """The nearest volunteers who can all start r together, at their earliest common start.

    Candidates are taken nearest first; as soon as some start minute is feasible for a full
    crew (with a speaker of the request's language where one is needed), that crew is used.
    """
    crew_size = int(schedule.inst.r_crew[r])
    needs_speaker = bool(cands.needs_language[r])
    added: list[tuple[int, bool, Ranges]] = []
    span = cands.of(r)
    for v, speaks in zip(cands.vol[span], cands.speaks[span], strict=True):
        ranges = schedule.feasible_starts(int(v), r)
        if not ranges:
            continue
        added.append((int(v), bool(speaks), ranges))
        if len(added) < crew_size:
            continue
        # Any start that completes a crew now must involve the newcomer's ranges.
        points = sorted({lo for _, _, rs in added for lo, _ in rs if contains(ranges, lo)})
        for p in points:
            able = [(vol, sp) for vol, sp, rs in added if contains(rs, p)]
            crew = _pick_crew(able, crew_size, needs_speaker)
            if crew is not None:
                return p, crew
    return None


def _pick_crew(able: list[tuple[int, bool]], size: int, needs_speaker: bool) -> list[int] | None:
    """The `size` nearest of `able` (already nearest first), swapping in a speaker if needed."""
    if len(able) < size:
        return None
    crew = able[:size]
    if needs_speaker and not any(sp for _, sp in crew):
        speaker = next((entry for entry in able[size:] if entry[1]), None)
        if speaker is None:
            return None
        crew = [*crew[: size - 1], speaker]
    return [vol for vol, _ in crew]
