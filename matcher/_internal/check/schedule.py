"""Check a parsed schedule against a problem: structure first, then every hard rule."""

from __future__ import annotations

import pandas as pd

from matcher._internal.check.crew import check_crew
from matcher._internal.check.findings import CheckReport, Violation
from matcher._internal.check.rows import (
    AssignmentRow,
    Labelled,
    ScheduleRows,
    parse_schedule,
    rows_from_models,
)
from matcher._internal.check.standbys import check_standbys
from matcher._internal.check.structure import check_coverage, check_reasons, check_references
from matcher._internal.check.timeline import check_timeline
from matcher._internal.check.walking import CheckWalks
from matcher._internal.io.inputs.tables import frame_table
from matcher._internal.model import Problem, Solution


def check_schedule(
    problem: Problem,
    assignments: pd.DataFrame,
    unassigned: pd.DataFrame,
    standbys: pd.DataFrame | None = None,
) -> CheckReport:
    """Check frames shaped like `assignments.csv`, `unassigned.csv` and, where given,
    `standbys.csv`.

    Times may be ISO text or datetimes; a malformed value raises `InputError` naming the
    frame, row and field, since a schedule that cannot be read cannot be judged.
    """
    rows = parse_schedule(
        frame_table(assignments, "assignments", row_word="row"),
        frame_table(unassigned, "unassigned", row_word="row"),
        problem.settings.timezone,
        None if standbys is None else frame_table(standbys, "standbys", row_word="row"),
    )
    return check_rows(problem, rows)


def check_solution(problem: Problem, solution: Solution) -> CheckReport:
    """Check an in-memory `Solution`, as solver tests do after every solve."""
    rows = rows_from_models(
        solution.assignments, solution.unassigned, problem.settings.timezone, solution.standbys
    )
    return check_rows(problem, rows)


def check_rows(problem: Problem, rows: ScheduleRows) -> CheckReport:
    """List every violation; each rule sees only rows whose request and volunteer are known."""
    volunteers = {v.volunteer_id: v for v in problem.volunteers}
    requests = {r.request_id: r for r in problem.requests}
    violations, known = check_references(rows, volunteers, requests)
    violations += check_coverage(problem, rows)
    violations += check_reasons(rows)
    violations += _per_request(problem, known)
    violations += _per_volunteer(problem, known)
    violations += check_standbys(problem, rows.standbys, known)
    return CheckReport(
        violations=violations,
        assignments=len(rows.assignments),
        served=len({a.row.request_id for a in rows.assignments}),
        unassigned=len({u.row.request_id for u in rows.unassigned}),
        standbys=len(rows.standbys),
    )


def _per_request(problem: Problem, known: list[Labelled[AssignmentRow]]) -> list[Violation]:
    walks = CheckWalks(problem)
    volunteers = {v.volunteer_id: v for v in problem.volunteers}
    by_request: dict[str, list[Labelled[AssignmentRow]]] = {}
    for item in known:
        by_request.setdefault(item.row.request_id, []).append(item)
    found: list[Violation] = []
    for request in problem.requests:
        crew = by_request.get(request.request_id)
        if crew:
            found += check_crew(request, crew, volunteers, walks)
    return found


def _per_volunteer(problem: Problem, known: list[Labelled[AssignmentRow]]) -> list[Violation]:
    walks = CheckWalks(problem)
    requests = {r.request_id: r for r in problem.requests}
    by_volunteer: dict[str, list[Labelled[AssignmentRow]]] = {}
    for item in known:
        by_volunteer.setdefault(item.row.volunteer_id, []).append(item)
    found: list[Violation] = []
    for volunteer in problem.volunteers:
        rows = by_volunteer.get(volunteer.volunteer_id)
        if rows:
            found += check_timeline(volunteer, rows, requests, walks)
    return found
