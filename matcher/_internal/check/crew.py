"""Rules about one request and its crew: R1 team, R2 skills, R3 crew, R5 reach, R8.

Everything here needs only the request, its rows and the crew members' records, so a
violation names the request and, where one member is at fault, that volunteer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from matcher._internal.check.findings import Rule, Violation, hm
from matcher._internal.check.rows import AssignmentRow, Labelled
from matcher._internal.check.walking import TOLERANCE_MIN, CheckWalks
from matcher._internal.model import Request, Volunteer


def check_crew(
    request: Request,
    rows: Sequence[Labelled[AssignmentRow]],
    volunteers: Mapping[str, Volunteer],
    walks: CheckWalks,
) -> list[Violation]:
    """All rules about one served request; `rows` are its rows, with known volunteers only."""
    found = _crew_shape(request, rows)
    for item in rows:
        found += member_violations(request, volunteers[item.row.volunteer_id], walks)
    found += _language(request, rows, volunteers)
    return found


def _crew_shape(request: Request, rows: Sequence[Labelled[AssignmentRow]]) -> list[Violation]:
    """R3: the right number of distinct volunteers, one common start, the right length."""
    rid = request.request_id
    found: list[Violation] = []
    first_row: dict[str, str] = {}
    for item in rows:
        vid = item.row.volunteer_id
        if vid in first_row:
            found.append(
                Violation(
                    Rule.CREW,
                    rid,
                    vid,
                    f"{item.where}: volunteer listed twice on the request "
                    f"(first at {first_row[vid]})",
                )
            )
        first_row.setdefault(vid, item.where)
    if len(first_row) != request.volunteers_needed:
        found.append(
            Violation(
                Rule.CREW,
                rid,
                None,
                f"served by {len(first_row)} distinct volunteer(s), needs exactly "
                f"{request.volunteers_needed} (a request is served whole or not at all)",
            )
        )
    starts = sorted({item.row.start for item in rows})
    if len(starts) > 1:
        found.append(
            Violation(
                Rule.CREW,
                rid,
                None,
                f"crew does not start together: starts {', '.join(hm(s) for s in starts)}",
            )
        )
    duration = timedelta(minutes=request.duration_minutes)
    for item in rows:
        a = item.row
        if not request.earliest_start <= a.start <= request.latest_start:
            found.append(
                Violation(
                    Rule.CREW,
                    rid,
                    a.volunteer_id,
                    f"starts {hm(a.start)}, outside the window "
                    f"{hm(request.earliest_start)} to {hm(request.latest_start)}",
                )
            )
        if a.end != a.start + duration:
            found.append(
                Violation(
                    Rule.CREW,
                    rid,
                    a.volunteer_id,
                    f"ends {hm(a.end)}, but {hm(a.start)} + {request.duration_minutes} min "
                    f"is {hm(a.start + duration)}",
                )
            )
    return found


def member_violations(request: Request, volunteer: Volunteer, walks: CheckWalks) -> list[Violation]:
    """R1, R2, R5 and R8 exclusion for one crew member (or a standby, as if called)."""
    rid, vid = request.request_id, volunteer.volunteer_id
    found: list[Violation] = []
    if volunteer.community != request.community:
        found.append(
            Violation(
                Rule.COMMUNITY,
                rid,
                vid,
                f"request is in community {request.community or '(none)'!r}, volunteer in "
                f"{volunteer.community or '(none)'!r}",
            )
        )
    if request.team is not None and volunteer.team != request.team:
        found.append(
            Violation(
                Rule.TEAM,
                rid,
                vid,
                f"request is for team {request.team!r}, volunteer is in {volunteer.team!r}",
            )
        )
    lacking = [s for s in request.required_skills if s not in volunteer.skills]
    if lacking:
        found.append(Violation(Rule.SKILLS, rid, vid, f"lacks skill(s) {', '.join(lacking)}"))
    walk = walks.minutes(
        volunteer.volunteer_id, volunteer.lat, volunteer.lon,
        request.request_id, request.lat, request.lon,
    )  # fmt: skip
    if walk > volunteer.max_walk_minutes + TOLERANCE_MIN:
        found.append(
            Violation(
                Rule.REACH,
                rid,
                vid,
                f"walk from home is {walk:.2f} min, more than the volunteer's "
                f"{volunteer.max_walk_minutes} min",
            )
        )
    if vid in request.excluded_volunteers:
        found.append(Violation(Rule.EXCLUSION, rid, vid, "volunteer is excluded by the request"))
    return found


def _language(
    request: Request,
    rows: Sequence[Labelled[AssignmentRow]],
    volunteers: Mapping[str, Volunteer],
) -> list[Violation]:
    """R8 language: where a request names a language, someone in the crew speaks it."""
    if request.language is None:
        return []
    if any(request.language in volunteers[item.row.volunteer_id].languages for item in rows):
        return []
    return [
        Violation(
            Rule.LANGUAGE,
            request.request_id,
            None,
            f"no crew member speaks {request.language!r}",
        )
    ]
