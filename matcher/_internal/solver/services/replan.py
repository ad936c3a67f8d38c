"""Re-plan during the day: keep the published plan where it still holds, change it only to
serve more priority weight, never touch pinned requests, and say what changed and why.

Every move is a phone call to people who were told their schedule. So an untouched
assignment (the change left its start and crew valid) costs `Settings.replan_move_cost` of
served weight to move (`objective.move_cost`), or cannot move at all with
`Settings.replan_keep_untouched`. Neither changes what the stated bound is about: the
served weight of the day as it is now, over every valid schedule.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from matcher._internal.model import Change, ChangeKind, Problem, Settings, Solution, Strategy
from matcher._internal.solver.construct.greedy import find_crew, request_order
from matcher._internal.solver.core.candidates import Candidates
from matcher._internal.solver.core.instance import Instance
from matcher._internal.solver.core.schedule import Schedule, contains
from matcher._internal.solver.pipeline import Start, optimise
from matcher._internal.solver.prepared import prepare
from matcher._internal.solver.report.result import build_solution
from matcher._internal.solver.search.lns import ProgressCallback
from matcher._internal.solver.services.published import Published, book_previous

BOUND_SHARE = 0.2
"""The share of a re-plan's time limit after which the bound stops adding route hulls (and
pricing rounds); the relaxation is then solved with what it has. Measured on the tight day
after 5% of its busy volunteers cancelled, the bound alone: 20 s for 12,393 when hulls may
use a quarter of 20 s, 8.5 s for 12,449 with a deadline 4 s away (6 s for 12,462 without
hulls). Beside the search, the first made a 20 s re-plan take 22-25 s."""


def replan(
    problem: Problem,
    previous: Solution,
    *,
    pinned: Iterable[str] = (),
    progress: ProgressCallback | None = None,
) -> Solution:
    """The day as it is now (`problem`) planned again from the published `previous` plan:
    a solve (`pipeline.optimise`) from the kept plan, with the pinned requests (and, with
    `replan_keep_untouched`, every untouched one) frozen and the other moves priced."""
    began = time.perf_counter()
    settings = problem.settings
    pinned_ids = set(pinned)
    prepared = prepare(problem)
    inst, cands = prepared.instance, prepared.candidates
    schedule = Schedule(inst)
    published, dropped = book_previous(inst, cands, schedule, previous, pinned_ids)
    untouched = {r: published[r] for r in published if inst.r_ids[r] not in dropped}
    keep_all = settings.replan_keep_untouched
    frozen = frozenset(
        r for r in schedule.crews if inst.r_ids[r] in pinned_ids or (keep_all and r in untouched)
    )
    _serve_what_fits(inst, cands, schedule)
    priced = {} if keep_all else untouched
    # Re-plans have never had the column bound: it would change their stated bounds (and
    # their searches, which stop at the bound), a change of behaviour to make on purpose.
    start = Start(
        schedule, frozen=frozen, priced=priced, bound_share=BOUND_SHARE, column_bound=False
    )
    done = optimise(inst, cands, began=began, start=start, progress=progress)
    _restore_unneeded_moves(schedule, untouched)
    solution = build_solution(
        inst, cands, schedule, upper_bound=done.upper_bound, strategy=Strategy.REPLAN,
        seconds=time.perf_counter() - began, proven_optimal=done.proven_optimal,
        first_schedule_seconds=done.first_schedule_seconds, team_bounds=done.team_bounds,
        search=done.search,
    )  # fmt: skip
    changes = _changes(inst, schedule, published, dropped, previous, solution, settings)
    return solution.model_copy(update={"changes": changes})


def _serve_what_fits(inst: Instance, cands: Candidates, schedule: Schedule) -> None:
    """Book open requests around the kept plan, most valuable first, moving nothing."""
    servable = cands.servable(inst.r_crew)
    for r in request_order(inst, cands):
        if servable[r] and r not in schedule.crews:
            found = find_crew(schedule, cands, r)
            if found is not None:
                schedule.book(r, *found)


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


def _for_more_weight(settings: Settings) -> str:
    """Why an untouched assignment moved: the weight served for it outweighed the move."""
    cost = settings.replan_move_cost
    if not cost:
        return "to serve more priority weight"
    return (f"to serve more priority weight (each move of an unchanged assignment had to "
            f"gain more than {cost:g}, the setting replan_move_cost)")  # fmt: skip


def _changes(
    inst: Instance,
    schedule: Schedule,
    published: Published,
    dropped: dict[str, str],
    previous: Solution,
    solution: Solution,
    settings: Settings,
) -> list[Change]:
    """Every request whose placement differs from the published plan, with why: what the
    change broke for touched ones, the weight it served for untouched ones."""
    reasons = {u.request_id: u.detail for u in solution.unassigned}
    for_weight = _for_more_weight(settings)
    changes = []
    present = set(inst.r_ids)
    published_text = _as_published(previous)
    for rid in sorted(previous.crews().keys() - present):
        changes.append(Change(request_id=rid, kind=ChangeKind.REMOVED, reason=dropped[rid]))
    for r, (start, crew) in sorted(published.items(), key=lambda kv: inst.r_ids[kv[0]]):
        rid = inst.r_ids[r]
        before = published_text.get(rid) or inst.describe(start, crew)
        if r not in schedule.crews:
            why = dropped.get(rid) or f"taken off {for_weight}"
            changes.append(Change(request_id=rid, kind=ChangeKind.REMOVED, before=before,
                                  reason=f"{why}. {reasons.get(rid, '')}".strip()))  # fmt: skip
            continue
        new_start, new_crew = schedule.crews[r]
        if new_start != start or set(new_crew) != set(crew):
            changes.append(Change(
                request_id=rid, kind=ChangeKind.MOVED, before=before,
                after=inst.describe(new_start, new_crew),
                reason=dropped.get(rid) or f"moved {for_weight}",
            ))  # fmt: skip
    for r in sorted(set(schedule.crews) - set(published), key=lambda r: inst.r_ids[r]):
        start, crew = schedule.crews[r]
        changes.append(Change(request_id=inst.r_ids[r], kind=ChangeKind.ADDED,
                              after=inst.describe(start, crew),
                              reason="newly served"))  # fmt: skip
    return changes


def _as_published(previous: Solution) -> dict[str, str]:
    """Each request's crew as the published plan had it, in `Instance.describe`'s form; a
    volunteer who has since left the roster is still named there."""
    return {
        rid: f"{crew[0].start:%Y-%m-%d %H:%M}: {', '.join(sorted(a.volunteer_id for a in crew))}"
        for rid, crew in previous.crews().items()
    }
