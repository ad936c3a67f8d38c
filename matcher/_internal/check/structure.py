"""Checks of the schedule's shape: known ids, a truthful team column, every request covered.

These run before the hard rules because a row naming an unknown request or volunteer cannot
be judged by them; such rows are reported here once and left out of the rule checks.
"""

from __future__ import annotations

from collections.abc import Mapping

from matcher._internal.check.findings import Rule, Violation
from matcher._internal.check.rows import AssignmentRow, Labelled, ScheduleRows
from matcher._internal.model import Problem, Reason, Request, Volunteer

REASON_CODES = tuple(r.value for r in Reason)


def check_references(
    rows: ScheduleRows, volunteers: Mapping[str, Volunteer], requests: Mapping[str, Request]
) -> tuple[list[Violation], list[Labelled[AssignmentRow]]]:
    """Unknown ids and team-column mismatches; also returns the rows the rules can judge."""
    found: list[Violation] = []
    judgeable: list[Labelled[AssignmentRow]] = []
    for item in rows.assignments:
        a = item.row
        known = True
        if a.request_id not in requests:
            known = False
            found.append(
                Violation(
                    Rule.REFERENCE,
                    a.request_id,
                    a.volunteer_id,
                    f"{item.where}: unknown request {a.request_id!r}",
                )
            )
        volunteer = volunteers.get(a.volunteer_id)
        if volunteer is None:
            known = False
            found.append(
                Violation(
                    Rule.REFERENCE,
                    a.request_id,
                    a.volunteer_id,
                    f"{item.where}: unknown volunteer {a.volunteer_id!r}",
                )
            )
        elif rows.team_column and a.team != volunteer.team:
            found.append(
                Violation(
                    Rule.REFERENCE,
                    a.request_id,
                    a.volunteer_id,
                    f"{item.where}: team column says {a.team or ''!r}, "
                    f"but the volunteer is in team {volunteer.team!r}",
                )
            )
        if known:
            judgeable.append(item)
        found += _community_column(item.where, a.request_id, a.community, requests)
    for entry in rows.unassigned:
        if entry.row.request_id not in requests:
            found.append(
                Violation(
                    Rule.REFERENCE,
                    entry.row.request_id,
                    None,
                    f"{entry.where}: unknown request {entry.row.request_id!r}",
                )
            )
        found += _community_column(entry.where, entry.row.request_id, entry.row.community,
                                   requests)  # fmt: skip
    return found, judgeable


def _community_column(
    where: str, request_id: str, said: str | None, requests: Mapping[str, Request]
) -> list[Violation]:
    """A `community` column, where a schedule has one, names the request's community."""
    request = requests.get(request_id)
    if request is None or said is None or (said or None) == request.community:
        return []
    return [
        Violation(
            Rule.REFERENCE,
            request_id,
            None,
            f"{where}: community column says {said!r}, but the request is in "
            f"{request.community or '(none)'!r}",
        )
    ]


def check_coverage(problem: Problem, rows: ScheduleRows) -> list[Violation]:
    """Every request is either served or listed as unassigned: never both, never neither."""
    found: list[Violation] = []
    served = {a.row.request_id for a in rows.assignments}
    listed: dict[str, str] = {}
    for entry in rows.unassigned:
        rid = entry.row.request_id
        if rid in listed:
            found.append(
                Violation(
                    Rule.COVERAGE,
                    rid,
                    None,
                    f"{entry.where}: listed as unassigned again (first at {listed[rid]})",
                )
            )
        else:
            listed[rid] = entry.where
    for request in problem.requests:
        rid = request.request_id
        if rid in served and rid in listed:
            found.append(
                Violation(
                    Rule.COVERAGE,
                    rid,
                    None,
                    f"both assigned and listed as unassigned ({listed[rid]})",
                )
            )
        elif rid not in served and rid not in listed:
            found.append(
                Violation(Rule.COVERAGE, rid, None, "neither assigned nor listed as unassigned")
            )
    return found


def check_reasons(rows: ScheduleRows) -> list[Violation]:
    """An unassigned request needs a known reason code and a sentence a coordinator can use."""
    found: list[Violation] = []
    for entry in rows.unassigned:
        u = entry.row
        if not u.reason:
            found.append(Violation(Rule.REASON, u.request_id, None, f"{entry.where}: no reason"))
        elif u.reason not in REASON_CODES:
            found.append(
                Violation(
                    Rule.REASON,
                    u.request_id,
                    None,
                    f"{entry.where}: reason {u.reason!r} is not one of {', '.join(REASON_CODES)}",
                )
            )
        if not u.detail:
            found.append(
                Violation(Rule.REASON, u.request_id, None, f"{entry.where}: no detail sentence")
            )
    return found
