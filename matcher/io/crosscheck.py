"""Checks across records: duplicate ids, unknown teams, and things worth a warning."""

from __future__ import annotations

from collections.abc import Sequence

from matcher.io.errors import Issue
from matcher.model import Request, Team, Volunteer


def duplicate_ids(
    source: str, rows: Sequence[tuple[str, Volunteer | Request]], id_field: str
) -> list[Issue]:
    first_seen: dict[str, str] = {}
    issues = []
    for row, record in rows:
        key = getattr(record, id_field)
        if key in first_seen:
            issues.append(
                Issue(source, row, id_field, f"duplicate id {key!r} (first at {first_seen[key]})")
            )
        else:
            first_seen[key] = row
    return issues


def unknown_teams(
    source: str, rows: Sequence[tuple[str, Volunteer | Request]], teams: Sequence[Team]
) -> list[Issue]:
    codes = {t.code for t in teams}
    known = ", ".join(sorted(codes))
    return [
        Issue(source, row, "team", f"unknown team code {record.team!r}; known: {known}")
        for row, record in rows
        if record.team is not None and record.team not in codes
    ]


def warnings_for(
    requests_source: str,
    requests: Sequence[tuple[str, Request]],
    volunteers: Sequence[Volunteer],
    teams: Sequence[Team],
) -> list[str]:
    """Findings that leave a request unservable or odd but the input still valid."""
    skills_by_team: dict[str, set[str]] = {}
    languages: set[str] = set()
    for v in volunteers:
        skills_by_team.setdefault(v.team, set()).update(v.skills)
        languages.update(v.languages)
    all_skills = set().union(*skills_by_team.values()) if skills_by_team else set()
    known_kinds = {k for t in teams for k in t.kinds}
    volunteer_ids = {v.volunteer_id for v in volunteers}

    found = []
    for row, r in requests:
        where = f"{requests_source}, {row}"
        pool = skills_by_team.get(r.team, set()) if r.team else all_skills
        lacking = sorted(set(r.required_skills) - pool)
        if lacking:
            who = f"volunteer of team {r.team!r}" if r.team else "volunteer"
            found.append(f"{where}, field 'required_skills': no {who} has {', '.join(lacking)}")
        if r.language and r.language not in languages:
            found.append(f"{where}, field 'language': no volunteer speaks {r.language!r}")
        if known_kinds and r.kind not in known_kinds:
            found.append(f"{where}, field 'kind': {r.kind!r} is not a kind any team lists")
        for column in ("preferred_volunteers", "excluded_volunteers"):
            strangers = sorted(set(getattr(r, column)) - volunteer_ids)
            if strangers:
                found.append(
                    f"{where}, field '{column}': unknown volunteer(s) {', '.join(strangers)}"
                )
    return found
