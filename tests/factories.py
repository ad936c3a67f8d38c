"""Tiny builders for hand-made problems: a place, a volunteer, a request, a problem."""

from __future__ import annotations

from typing import Any

from matcher._internal.model import Problem, Request, Settings, Volunteer

CENTRE = (37.8700, 112.5500)
DAY = "2026-12-01"
METRES_PER_DEG_LAT = 111_195.0


def north(metres: float) -> tuple[float, float]:
    """A point `metres` north of the service centre."""
    return CENTRE[0] + metres / METRES_PER_DEG_LAT, CENTRE[1]


def at(hhmm: str, day: str = DAY) -> str:
    return f"{day}T{hhmm}:00"


def volunteer(
    vid: str,
    *,
    team: str = "care",
    where: tuple[float, float] = CENTRE,
    hours: str = "08:00-12:00",
    **extra: Any,
) -> Volunteer:
    start, end = hours.split("-")
    fields: dict[str, Any] = {
        "volunteer_id": vid,
        "team": team,
        "skills": ["elderly_care"],
        "lat": where[0],
        "lon": where[1],
        "availability": [f"{at(start)}/{at(end)}"],
    }
    fields.update(extra)
    return Volunteer.model_validate(fields)


def request(
    rid: str,
    *,
    team: str | None = "care",
    where: tuple[float, float] = CENTRE,
    window: str = "09:00-09:00",
    minutes: int = 60,
    **extra: Any,
) -> Request:
    first, last = window.split("-")
    fields: dict[str, Any] = {
        "request_id": rid,
        "kind": "elderly_visit",
        "team": team,
        "required_skills": ["elderly_care"],
        "lat": where[0],
        "lon": where[1],
        "earliest_start": at(first),
        "latest_start": at(last),
        "duration_minutes": minutes,
    }
    fields.update(extra)
    return Request.model_validate(fields)


def problem(volunteers: list[Volunteer], requests: list[Request], **settings: Any) -> Problem:
    return Problem(
        volunteers=tuple(volunteers), requests=tuple(requests), settings=Settings(**settings)
    )


def assert_valid(problem_: Problem, solution: Any) -> None:
    """Run the independent checker on a solver's output; every solver test calls this."""
    from matcher._internal.check import check_schedule
    from matcher._internal.io.outputs.batch_files import assignments_frame, unassigned_frame

    report = check_schedule(problem_, assignments_frame(solution), unassigned_frame(solution))
    assert report.ok, "\n".join(str(v) for v in report.violations)
