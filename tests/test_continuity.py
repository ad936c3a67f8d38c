"""Continuity across days and weeks: a resident's regular volunteer is strongly preferred,
from the request's `regular_volunteer` or, in the nightly job, from earlier plans."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from databases import KINDS, fresh_database
from factories import assert_valid, north, problem, request, volunteer
from typer.testing import CliRunner

import matcher
from matcher._internal.exit_codes import ExitCode
from matcher._internal.io.store import database as db
from matcher._internal.io.store.history import regular_volunteers, series_id
from matcher.cli import app

runner = CliRunner()


def _served_by(solution: matcher.Solution) -> dict[str, str]:
    return {a.request_id: a.volunteer_id for a in solution.assignments}


@pytest.mark.parametrize(("regular", "weight", "expected"), [
    (None, 1.0, "near"), ("far", 1.0, "far"), ("far", 0.0, "near"),
])  # fmt: skip
def test_the_regular_volunteer_outweighs_a_shorter_walk(
    regular: str | None, weight: float, expected: str
) -> None:
    """`far` lives about 9 walking minutes further than `near`: a preference (10 minutes)
    would hardly tip it; the regular volunteer (60) does, unless continuity is weighted 0."""
    vols = [volunteer("near"), volunteer("far", where=north(500))]
    req = request("visit", resident_id="r1", regular_volunteer=regular)
    chosen = problem(vols, [req], continuity_weight=weight, time_limit_s=5, deterministic=True)
    solution = matcher.solve(chosen)
    assert _served_by(solution) == {"visit": expected}
    assert_valid(chosen, solution)


@pytest.mark.parametrize(("weight", "expected"), [(1.0, "far"), (0.0, "near")])
def test_visits_of_one_series_keep_their_volunteer(weight: float, expected: str) -> None:
    """Monday's visit only `far` can make; on Tuesday `near` is 9 walking minutes closer,
    yet the series keeps `far` (its regular-volunteer strength, 60 minutes)."""
    vols = [
        volunteer("far", where=north(500), availability=[
            "2026-12-07T08:00:00/2026-12-07T12:00:00", "2026-12-08T08:00:00/2026-12-08T12:00:00"
        ]),
        volunteer("near", availability=["2026-12-08T08:00:00/2026-12-08T12:00:00"]),
    ]  # fmt: skip
    monday = request("S@2026-12-07", series_id="S", earliest_start="2026-12-07T09:00:00",
                     latest_start="2026-12-07T09:00:00")  # fmt: skip
    tuesday = request("S@2026-12-08", series_id="S", earliest_start="2026-12-08T09:00:00",
                      latest_start="2026-12-08T09:00:00")  # fmt: skip
    chosen = problem(vols, [monday, tuesday], continuity_weight=weight, time_limit_s=5,
                     deterministic=True)  # fmt: skip
    solution = matcher.solve(chosen)
    assert _served_by(solution) == {"S@2026-12-07": "far", "S@2026-12-08": expected}
    assert_valid(chosen, solution)


def test_the_regular_volunteer_never_costs_a_served_request() -> None:
    """Weight comes first: the regular volunteer serves the lighter request when taking the
    heavier one would leave a request unserved."""
    vols = [volunteer("only")]
    heavy = request("heavy", priority=5, window="09:00-09:00")
    light = request("light", priority=1, window="09:00-09:00", regular_volunteer="only")
    solution = matcher.solve(problem(vols, [heavy, light], time_limit_s=5, deterministic=True))
    assert _served_by(solution) == {"heavy": "only"}


def test_a_stored_occurrence_belongs_to_its_recurring_request() -> None:
    assert series_id("R17@2026-12-08") == "R17"
    assert series_id("a@b") == "a@b"  # not a date: an id that happens to hold an @
    assert series_id("R1") == "R1"


def _volunteers(*ids_and_metres: tuple[str, float]) -> pd.DataFrame:
    first = date(2026, 12, 7)
    availability = ";".join(
        f"{first + timedelta(days=d)}T08:00:00/{first + timedelta(days=d)}T18:00:00"
        for d in range(21)
    )
    return pd.DataFrame(
        [
            {"volunteer_id": vid, "team": "care", "skills": "elderly_care",
             "lat": north(metres)[0], "lon": north(metres)[1], "availability": availability}
            for vid, metres in ids_and_metres
        ]
    )  # fmt: skip


def _weekly_visit() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"request_id": "R17", "kind": "elderly_visit", "team": "care",
             "required_skills": "elderly_care", "lat": north(0)[0], "lon": north(0)[1],
             "earliest_start": "2026-12-08T09:00:00", "latest_start": "2026-12-08T10:00:00",
             "duration_minutes": "60", "resident_id": "resident-1",
             "recurrence": "FREQ=WEEKLY;BYDAY=TU"}
        ]
    )  # fmt: skip


@pytest.fixture(params=KINDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


def _tables(url: str, volunteers: pd.DataFrame) -> None:
    engine = sa.create_engine(url)
    volunteers.astype(str).to_sql("volunteers", engine, index=False, if_exists="replace")
    _weekly_visit().to_sql("requests", engine, index=False, if_exists="replace")
    engine.dispose()


def _plan_week(url: str, first: str) -> None:
    result = runner.invoke(app, ["solve", "--db", url, "--plan-date", first, "--days", "7",
                                 "--time-limit", "5"])  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.output


def test_the_nightly_job_keeps_the_resident_with_last_weeks_volunteer(database: str) -> None:
    """Week one only `far` is on the roster and serves the visit; week two `near` joins,
    closer by 9 walking minutes, and the visit still goes to `far`, read from week one."""
    _tables(database, _volunteers(("far", 500)))
    _plan_week(database, "2026-12-07")
    engine = db.engine_for(database)
    assert regular_volunteers(engine, date(2026, 12, 14)) == {"resident-1": "far"}
    _tables(database, _volunteers(("far", 500), ("near", 0)))
    _plan_week(database, "2026-12-14")
    run = db.current_run(engine)
    done, _ = db.run_frames(engine, run["run_id"])
    assert dict(zip(done["request_id"], done["volunteer_id"], strict=True)) == {
        "R17@2026-12-15": "far"
    }
    engine.dispose()


def test_the_most_frequent_volunteer_is_the_regular_one(tmp_path: Path) -> None:
    """Counted over the current runs of earlier plan dates: a superseded run and a later
    plan date do not count; ties go to the most recent."""
    url = f"sqlite:///{tmp_path / 'history.db'}"
    engine = db.engine_for(url, create=True)
    pd.DataFrame({"request_id": ["A", "B", "C"], "resident_id": ["r1", "r1", "r2"]}).to_sql(
        "requests", engine, index=False
    )

    def run(day: date, rows: list[tuple[str, str]]) -> None:
        solution = matcher.Solution(
            assignments=[
                matcher.Assignment(request_id=rid, volunteer_id=vid, team="care",
                                   start=datetime.combine(day, datetime.min.time()),
                                   end=datetime.combine(day, datetime.min.time()),
                                   walk_minutes=0.0)
                for rid, vid in rows
            ],
            unassigned=[],
            summary=_summary(len(rows)),
        )  # fmt: skip
        db.write_run(engine, solution, plan_date=day, days=1, volunteers=2,
                     started_at=datetime.now())  # fmt: skip

    run(date(2026, 12, 1), [("A@2026-12-01", "v1"), ("C", "v3")])
    run(date(2026, 12, 2), [("A@2026-12-02", "v2")])
    run(date(2026, 12, 3), [("B", "v2")])
    run(date(2026, 12, 3), [("B", "v1")])  # replaces the run above as the day's current
    run(date(2026, 12, 9), [("A@2026-12-09", "v9"), ("A@2026-12-09", "v9")])  # not before
    assert regular_volunteers(engine, date(2026, 12, 8)) == {"r1": "v1", "r2": "v3"}
    run(date(2026, 12, 4), [("A@2026-12-04", "v2")])
    assert regular_volunteers(engine, date(2026, 12, 8)) == {"r1": "v2", "r2": "v3"}
    assert regular_volunteers(engine, date(2026, 12, 8), lookback_days=5) == {"r1": "v2"}
    engine.dispose()


def _summary(served: int) -> matcher.Summary:
    return matcher.Summary(
        status="feasible", strategy="greedy", served_weight=served, upper_bound=served,
        gap=0.0, walk_minutes=0.0, requests_total=served, requests_served=served,
        requests_unassigned=0, assignments=served, solve_seconds=0.0, seed=0,
    )  # fmt: skip
