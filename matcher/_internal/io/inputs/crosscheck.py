"""Checks across records: duplicate ids, unknown teams, and things worth a warning."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from matcher._internal.io.errors import Issue
from matcher._internal.model import Request, Team, Volunteer, WalkingTime

Record = BaseModel | Mapping[str, Any]
"""A validated model, or a raw record (so rows with other bad values are checked too)."""


def _text(record: Record, name: str) -> str | None:
    """The stripped text of a field, or None when it is absent, empty or not text."""
    value = record.get(name) if isinstance(record, Mapping) else getattr(record, name, None)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def duplicate_ids(source: str, rows: Sequence[tuple[str, Record]], id_field: str) -> list[Issue]:
    first_seen: dict[str, str] = {}
    issues = []
    for row, record in rows:
        key = _text(record, id_field)
        if key is None:
            continue
        if key in first_seen:
            issues.append(
                Issue(source, row, id_field, f"duplicate id {key!r} (first at {first_seen[key]})")
            )
        else:
            first_seen[key] = row
    return issues


def unknown_teams(
    source: str, rows: Sequence[tuple[str, Record]], teams: Sequence[Team]
) -> list[Issue]:
    codes = {t.code for t in teams}
    known = ", ".join(sorted(codes)) or "(none)"
    issues = []
    for row, record in rows:
        team = _text(record, "team")
        if team is not None and team not in codes:
            issues.append(Issue(source, row, "team", f"unknown team code {team!r}; known: {known}"))
    return issues


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


def walking_table_issues(
    source: str, rows: Sequence[tuple[str, WalkingTime]], places: set[str]
) -> list[Issue]:
    """Rows of a walking-time table naming a place that is no volunteer or request id, and
    pairs given twice the same way."""
    issues = []
    first_seen: dict[tuple[str, str], str] = {}
    for row, walk in rows:
        for field in ("from_place", "to_place"):
            place = getattr(walk, field)
            if place not in places:
                issues.append(Issue(source, row, field, f"{place!r} is no volunteer or request id"))
        key = (walk.from_place, walk.to_place)
        if key in first_seen:
            issues.append(
                Issue(source, row, "to_place", f"pair given twice (first at {first_seen[key]})")
            )
        first_seen.setdefault(key, row)
    return issues
