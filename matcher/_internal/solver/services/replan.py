"""Re-plan during the day: keep the published plan where it still holds, change it only to
serve more priority weight, never touch pinned requests, and say what changed and why."""

from __future__ import annotations

import time
from collections.abc import Iterable

from matcher._internal.model import Change, ChangeKind, Problem, Solution, Strategy
from matcher._internal.solver.bound.relaxation import lp_bound
from matcher._internal.solver.construct.greedy import find_crew, request_order
from matcher._internal.solver.core.candidates import find_candidates
from matcher._internal.solver.core.instance import Instance, build_instance
from matcher._internal.solver.core.objective import build_costs
from matcher._internal.solver.core.schedule import Schedule, contains
from matcher._internal.solver.report.result import build_solution
from matcher._internal.solver.search.lns import ProgressCallback, improve
from matcher._internal.solver.services.published import Published, book_previous


def replan(
    problem: Problem,
    previous: Solution,
    *,
    pinned: Iterable[str] = (),
    progress: ProgressCallback | None = None,
) -> Solution:
    """The day as it is now (`problem`) planned again from the published `previous` plan."""
    began = time.perf_counter()
    settings = problem.settings
    pinned_ids = set(pinned)
    inst = build_instance(problem)
    cands = find_candidates(inst)
    schedule = Schedule(inst)
    published, dropped = book_previous(inst, cands, schedule, previous, pinned_ids)
    frozen = frozenset(
        r for r, rid in enumerate(inst.r_ids) if rid in pinned_ids and r in schedule.crews
    )
    servable = cands.servable(inst.r_crew)
    for r in request_order(inst, cands):
        if servable[r] and r not in schedule.crews:
            found = find_crew(schedule, cands, r)
            if found is not None:
                schedule.book(r, *found)
    first = time.perf_counter() - began
    # Like solve: route hulls and pricing stop at the time limit, except when deterministic.
    deadline = None if settings.deterministic else began + settings.time_limit_s
    bound = lp_bound(inst, cands, deadline).total
    costs = build_costs(inst, cands, published)
    remaining = settings.time_limit_s - (time.perf_counter() - began)
    stats = improve(
        inst, cands, schedule, costs, time_limit=max(0.0, remaining), upper_bound=bound,
        seed=settings.seed, workers=settings.effective_workers,
        deterministic=settings.deterministic, progress=progress, frozen=frozen,
    )  # fmt: skip
    kept = {r: published[r] for r in published if inst.r_ids[r] not in dropped}
    _restore_unneeded_moves(schedule, kept)
    solution = build_solution(
        inst, cands, schedule, upper_bound=bound, strategy=Strategy.REPLAN,
        seconds=time.perf_counter() - began, proven_optimal=stats.proven_optimal,
        first_schedule_seconds=first,
    )  # fmt: skip
    changes = _changes(inst, schedule, published, dropped, previous, solution)
    return solution.model_copy(update={"changes": changes})


def _restore_unneeded_moves(schedule: Schedule, published: Published) -> None:
    """Put moved requests back where they were published (and still valid when the re-plan
    began), wherever that still fits.

    Short neighbourhood solves stop at the first better schedule, which can move more than
    the gain needed; every move undone here was not needed for the served weight.
    """
    changed = True
    while changed:
        changed = False
        for r, (start, crew) in published.items():
            if r not in schedule.crews or schedule.crews[r] == (start, crew):
                continue
            now_start, now_crew = schedule.crews[r]
            schedule.unbook(r)
            if all(contains(schedule.feasible_starts(v, r), start) for v in crew):
                schedule.book(r, start, crew)
                changed = True
            else:
                schedule.book(r, now_start, now_crew)


def _changes(
    inst: Instance,
    schedule: Schedule,
    published: Published,
    dropped: dict[str, str],
    previous: Solution,
    solution: Solution,
) -> list[Change]:
    reasons = {u.request_id: u.detail for u in solution.unassigned}
    changes = []
    present = set(inst.r_ids)
    for rid in sorted({a.request_id for a in previous.assignments} - present):
        changes.append(Change(request_id=rid, kind=ChangeKind.REMOVED, reason=dropped[rid]))
    for r, (start, crew) in sorted(published.items(), key=lambda kv: inst.r_ids[kv[0]]):
        rid = inst.r_ids[r]
        before = inst.describe(start, crew)
        if r not in schedule.crews:
            why = dropped.get(rid) or "taken off to serve requests of more priority weight"
            changes.append(Change(request_id=rid, kind=ChangeKind.REMOVED, before=before,
                                  reason=f"{why}. {reasons.get(rid, '')}".strip()))  # fmt: skip
            continue
        new_start, new_crew = schedule.crews[r]
        if new_start != start or set(new_crew) != set(crew):
            changes.append(Change(
                request_id=rid, kind=ChangeKind.MOVED, before=before,
                after=inst.describe(new_start, new_crew),
                reason=dropped.get(rid) or "moved to serve more priority weight",
            ))  # fmt: skip
    for r in sorted(set(schedule.crews) - set(published), key=lambda r: inst.r_ids[r]):
        start, crew = schedule.crews[r]
        changes.append(Change(request_id=inst.r_ids[r], kind=ChangeKind.ADDED,
                              after=inst.describe(start, crew),
                              reason="newly served"))  # fmt: skip
    return changes
