"""Standbys (`standbys.csv`): each must be able to step in for a crew member at once.

A standby is judged as if they were called: the rules about one crew member (R1 team and
community, R2 skills, R5 reach, R8 exclusion; `crew.member_violations`, the checker's own
reading) and availability (R4) hold for them, they speak the request's language where it
names one (so any member can be replaced), they are not on the crew, their time is the
request's planned time, and their day still obeys R6 and R7 with the held time counted:
no own assignment or other standby overlapping, the walks between them fit, the caps hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from matcher._internal.check.crew import member_violations
from matcher._internal.check.findings import Rule, Violation, hm
from matcher._internal.check.rows import AssignmentRow, Labelled, StandbyRow
from matcher._internal.check.timeline import availability_violations, gap_and_walk, minutes
from matcher._internal.check.walking import TOLERANCE_MIN, CheckWalks
from matcher._internal.model import Problem, Request, Volunteer

_AS_STANDBY = {
    Rule.TEAM: Rule.STANDBY_ELIGIBLE,
    Rule.COMMUNITY: Rule.STANDBY_ELIGIBLE,
    Rule.SKILLS: Rule.STANDBY_ELIGIBLE,
    Rule.EXCLUSION: Rule.STANDBY_ELIGIBLE,
    Rule.REACH: Rule.STANDBY_REACH,
    Rule.AVAILABILITY: Rule.STANDBY_AVAILABILITY,
}
"""A crew member's rule and the standby rule it becomes."""


def check_standbys(
    problem: Problem,
    standbys: Sequence[Labelled[StandbyRow]],
    assignments: Sequence[Labelled[AssignmentRow]],
) -> list[Violation]:
    """Every violation of every standby; `assignments` are the judgeable crew rows."""
    volunteers = {v.volunteer_id: v for v in problem.volunteers}
    requests = {r.request_id: r for r in problem.requests}
    walks = CheckWalks(problem)
    crews: dict[str, list[AssignmentRow]] = {}
    for crew_row in assignments:
        crews.setdefault(crew_row.row.request_id, []).append(crew_row.row)
    found: list[Violation] = []
    judged: list[Labelled[StandbyRow]] = []
    seen: set[tuple[str, str]] = set()
    for item in standbys:
        s = item.row
        problems = _reference(item, requests, volunteers, crews, seen)
        found += problems
        if problems:
            continue
        seen.add((s.request_id, s.volunteer_id))
        judged.append(item)
        request, volunteer = requests[s.request_id], volunteers[s.volunteer_id]
        found += _as_called(item, request, volunteer, crews[s.request_id], walks)
    found += _days(problem, judged, assignments, requests, walks)
    return found


def _reference(
    item: Labelled[StandbyRow],
    requests: Mapping[str, Request],
    volunteers: Mapping[str, Volunteer],
    crews: Mapping[str, list[AssignmentRow]],
    seen: set[tuple[str, str]],
) -> list[Violation]:
    s = item.row
    why = []
    if s.request_id not in requests:
        why.append(f"unknown request {s.request_id!r}")
    elif s.request_id not in crews:
        why.append("the request is not served, so there is no one to stand by for")
    if s.volunteer_id not in volunteers:
        why.append(f"unknown volunteer {s.volunteer_id!r}")
    if (s.request_id, s.volunteer_id) in seen:
        why.append("listed twice as a standby of the request")
    return [
        Violation(Rule.STANDBY_REFERENCE, s.request_id, s.volunteer_id, f"{item.where}: {w}")
        for w in why
    ]


def _as_called(
    item: Labelled[StandbyRow],
    request: Request,
    volunteer: Volunteer,
    crew: list[AssignmentRow],
    walks: CheckWalks,
) -> list[Violation]:
    """The rules about the standby alone: their time, the crew, eligibility, reach, R4."""
    s, rid, vid = item.row, request.request_id, volunteer.volunteer_id
    found: list[Violation] = []
    if any(a.volunteer_id == vid for a in crew):
        found.append(
            Violation(Rule.STANDBY_CREW, rid, vid, f"{item.where}: already on the request's crew")
        )
    planned = crew[0]
    if (s.start, s.end) != (planned.start, planned.end):
        found.append(
            Violation(
                Rule.STANDBY_TIME,
                rid,
                vid,
                f"{item.where}: held {hm(s.start)} to {hm(s.end)}, but the request is planned "
                f"{hm(planned.start)} to {hm(planned.end)}",
            )
        )
    as_row = AssignmentRow(
        request_id=rid, volunteer_id=vid, start=s.start, end=s.end, community=s.community
    )
    for v in [
        *member_violations(request, volunteer, walks),
        *availability_violations(volunteer, as_row),
    ]:
        found.append(Violation(_AS_STANDBY[Rule(v.rule)], rid, vid, f"{item.where}: {v.message}"))
    if request.language is not None and request.language not in volunteer.languages:
        found.append(
            Violation(
                Rule.STANDBY_ELIGIBLE,
                rid,
                vid,
                f"{item.where}: does not speak {request.language!r}, so could not replace "
                "the crew's speaker",
            )
        )
    return found


def _days(
    problem: Problem,
    standbys: Sequence[Labelled[StandbyRow]],
    assignments: Sequence[Labelled[AssignmentRow]],
    requests: Mapping[str, Request],
    walks: CheckWalks,
) -> list[Violation]:
    """R6 and R7 for each volunteer's day with their standbys' held time in it."""
    found: list[Violation] = []
    own: dict[str, dict[str, AssignmentRow]] = {}
    for crew_row in assignments:
        a = crew_row.row
        own.setdefault(a.volunteer_id, {}).setdefault(a.request_id, a)
    held: dict[str, list[Labelled[StandbyRow]]] = {}
    for item in standbys:
        held.setdefault(item.row.volunteer_id, []).append(item)
    for volunteer in problem.volunteers:
        mine = held.get(volunteer.volunteer_id)
        if not mine:
            continue
        services = list(own.get(volunteer.volunteer_id, {}).values())
        found += _free(volunteer, mine, services, requests, walks)
        found += _caps(volunteer, mine, services)
    return found


def _free(
    volunteer: Volunteer,
    mine: Sequence[Labelled[StandbyRow]],
    services: Sequence[AssignmentRow],
    requests: Mapping[str, Request],
    walks: CheckWalks,
) -> list[Violation]:
    """Each standby against every other booking of the volunteer (their assignments, and
    their standbys listed after it): no overlap, and the walk between the two fits."""
    vid = volunteer.volunteer_id
    found: list[Violation] = []
    others: list[tuple[str, AssignmentRow | StandbyRow]] = [("assignment", a) for a in services]
    for i, item in enumerate(mine):
        s = item.row
        later = [("standby", other.row) for other in mine[i + 1 :]]
        for kind, b in [*others, *later]:
            what = f"{kind} of request {b.request_id} ({hm(b.start)} to {hm(b.end)})"
            if s.start < b.end and b.start < s.end:
                found.append(
                    Violation(
                        Rule.STANDBY_FREE, s.request_id, vid,
                        f"{item.where}: held {hm(s.start)} to {hm(s.end)}, overlaps {what}",
                    )
                )  # fmt: skip
                continue
            first, second = (s, b) if s.end <= b.start else (b, s)
            gap, need = gap_and_walk(first, second, requests, walks)
            if gap + TOLERANCE_MIN < need:
                found.append(
                    Violation(
                        Rule.STANDBY_FREE, s.request_id, vid,
                        f"{item.where}: {gap:.2f} min between the held time and {what}, "
                        f"but the walk between them takes {need:.2f} min",
                    )
                )  # fmt: skip
    return found


def _caps(
    volunteer: Volunteer,
    mine: Sequence[Labelled[StandbyRow]],
    services: Sequence[AssignmentRow],
) -> list[Violation]:
    """R7 per calendar day of a standby's start, its held time counted as a service."""
    vid = volunteer.volunteer_id
    found: list[Violation] = []
    days: dict[date, list[float]] = {}
    for a in services:
        days.setdefault(a.start.date(), []).append(minutes(a))
    held_days: dict[date, list[StandbyRow]] = {}
    for item in mine:
        held_days.setdefault(item.row.start.date(), []).append(item.row)
    for day, held in held_days.items():
        ids = ", ".join(s.request_id for s in held)
        served = days.get(day, [])
        total = sum(served) + sum((s.end - s.start).total_seconds() / 60.0 for s in held)
        if total > volunteer.max_minutes_per_day + TOLERANCE_MIN:
            found.append(
                Violation(
                    Rule.STANDBY_CAPS, None, vid,
                    f"{total:g} minutes on {day.isoformat()} with standby time for {ids}, "
                    f"cap is {volunteer.max_minutes_per_day}",
                )
            )  # fmt: skip
        cap = volunteer.max_tasks_per_day
        if cap is not None and len(served) + len(held) > cap:
            found.append(
                Violation(
                    Rule.STANDBY_CAPS, None, vid,
                    f"{len(served) + len(held)} assignments and standbys on "
                    f"{day.isoformat()} ({ids}), cap is {cap}",
                )
            )  # fmt: skip
    return found
