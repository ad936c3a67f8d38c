"""Apply a scenario's changes to a problem. Each change is a pure function of the problem."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import numpy as np

from matcher._internal.io.inputs.load import load_problem, load_settings
from matcher._internal.model import Interval, Problem, Request, Volunteer
from matcher._internal.scenarios.spec import (
    AddEvent,
    AddVolunteers,
    Availability,
    Change,
    RemoveVolunteers,
    ScaleRequests,
    Scenario,
    SetVolunteers,
    Who,
)


def base_problem(scenario: Scenario) -> Problem:
    """The scenario's starting point, with its settings applied."""
    settings = load_settings(scenario.settings)
    base = scenario.base
    if base.generate is not None:
        from matcher._internal.generate import generate_community

        g = base.generate
        vols, reqs = generate_community(g.volunteers, g.requests, days=g.days, seed=g.seed,
                                        start=g.start)  # fmt: skip
        return load_problem(vols, reqs, settings=settings)
    if base.database is not None:
        from matcher._internal.io.store import database as db

        engine = db.engine_for(base.database.url)
        plan = (base.database.plan_date, base.database.days)
        return load_problem(
            db.read_input_table(engine, "volunteers", "volunteer_id"),
            db.read_input_table(engine, "requests", "request_id", plan=plan,
                                timezone=settings.timezone),
            settings=settings,
        )  # fmt: skip
    here = scenario.path.parent if scenario.path is not None else Path()
    assert base.volunteers is not None and base.requests is not None
    return load_problem(here / base.volunteers, here / base.requests, settings=settings)


def apply_changes(problem: Problem, changes: list[Change]) -> Problem:
    for change in changes:
        problem = apply_change(problem, change)
    return problem


def apply_change(problem: Problem, change: Change) -> Problem:
    if isinstance(change, RemoveVolunteers):
        return _remove_volunteers(problem, change)
    if isinstance(change, AddVolunteers):
        return _add_volunteers(problem, change)
    if isinstance(change, SetVolunteers):
        return _set_volunteers(problem, change)
    if isinstance(change, Availability):
        return _availability(problem, change)
    if isinstance(change, ScaleRequests):
        return _scale_requests(problem, change)
    return _add_event(problem, change)


def _matches_volunteer(v: Volunteer, who: Who) -> bool:
    return (who.team is None or v.team == who.team) and (who.skill is None or who.skill in v.skills)


def _matches_request(r: Request, who: Who) -> bool:
    return (
        (who.team is None or r.team == who.team)
        and (who.kind is None or r.kind == who.kind)
        and (who.skill is None or who.skill in r.required_skills)
    )


def _remove_volunteers(problem: Problem, change: RemoveVolunteers) -> Problem:
    chosen = [i for i, v in enumerate(problem.volunteers) if _matches_volunteer(v, change)]
    count = change.count if change.count is not None else round(
        len(chosen) * (change.fraction or 0.0)
    )  # fmt: skip
    rng = np.random.default_rng(change.seed)
    gone = set(rng.choice(chosen, size=min(count, len(chosen)), replace=False).tolist())
    kept = tuple(v for i, v in enumerate(problem.volunteers) if i not in gone)
    return problem.model_copy(update={"volunteers": kept})


def _add_volunteers(problem: Problem, change: AddVolunteers) -> Problem:
    like = [v for v in problem.volunteers if _matches_volunteer(v, change)]
    if not like or change.count == 0:
        return problem
    rng = np.random.default_rng(change.seed)
    taken = {v.volunteer_id for v in problem.volunteers}
    added = []
    for k in range(change.count):
        model = like[int(rng.integers(len(like)))]
        vid = f"NEW{change.team or 'V'}{k + 1:05d}"
        while vid in taken:
            vid += "x"
        taken.add(vid)
        jitter = rng.normal(0, 0.0004, 2)  # about 40 m: a neighbour of a current volunteer
        added.append(model.model_copy(update={
            "volunteer_id": vid, "lat": model.lat + float(jitter[0]),
            "lon": model.lon + float(jitter[1]), "name": None,
        }))  # fmt: skip
    return problem.model_copy(update={"volunteers": (*problem.volunteers, *added)})


def _set_volunteers(problem: Problem, change: SetVolunteers) -> Problem:
    vols = tuple(
        v.model_copy(update={change.field: change.value}) if _matches_volunteer(v, change) else v
        for v in problem.volunteers
    )
    return problem.model_copy(update={"volunteers": vols})


def _clock(text: str) -> timedelta:
    hours, minutes = (int(part) for part in text.split(":"))
    return timedelta(hours=hours, minutes=minutes)


def _availability(problem: Problem, change: Availability) -> Problem:
    lo, hi = _clock(change.after), _clock(change.until)

    def cut(v: Volunteer) -> Volunteer:
        kept = []
        for i in v.availability:
            day = datetime.combine(i.start.date(), time())
            start, end = max(i.start, day + lo), min(i.end, day + hi)
            if end > start:
                kept.append(Interval(start=start, end=end))
        return v.model_copy(update={"availability": kept})

    vols = tuple(cut(v) if _matches_volunteer(v, change) else v for v in problem.volunteers)
    return problem.model_copy(update={"volunteers": vols})


def _scale_requests(problem: Problem, change: ScaleRequests) -> Problem:
    chosen = [r for r in problem.requests if _matches_request(r, change)]
    others = [r for r in problem.requests if not _matches_request(r, change)]
    rng = np.random.default_rng(change.seed)
    whole, part = int(change.factor), change.factor - int(change.factor)
    result = []
    for copy in range(whole):
        for r in chosen:
            rid = r.request_id if copy == 0 else f"{r.request_id}-x{copy}"
            result.append(r if copy == 0 else r.model_copy(update={"request_id": rid}))
    extra = rng.random(len(chosen)) < part
    for r, take in zip(chosen, extra, strict=True):
        if take:
            rid = r.request_id if whole == 0 else f"{r.request_id}-x{whole}"
            result.append(r if whole == 0 else r.model_copy(update={"request_id": rid}))
    return problem.model_copy(update={"requests": (*others, *result)})


def _add_event(problem: Problem, event: AddEvent) -> Problem:
    request = Request(
        request_id=event.request_id, kind=event.kind, team=event.team,
        required_skills=event.required_skills, lat=event.lat, lon=event.lon,
        earliest_start=event.start, latest_start=event.latest_start or event.start,
        duration_minutes=event.duration_minutes, volunteers_needed=event.crew,
        priority=event.priority,
    )  # fmt: skip
    return problem.model_copy(update={"requests": (*problem.requests, request)})
