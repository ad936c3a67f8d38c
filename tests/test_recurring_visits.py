"""A weekly visit typed once is planned across a 4-week horizon by the command line, the
library and the nightly database job, and the independent checker accepts each plan."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from databases import KINDS, fresh_database
from typer.testing import CliRunner

import matcher
from matcher._internal.check import check_database, check_folder, check_schedule
from matcher._internal.exit_codes import ExitCode
from matcher.cli import app

FIRST_DAY = date(2026, 12, 7)
DAYS = 28
WEEKLY_TUESDAYS = [f"R17@{FIRST_DAY + timedelta(days=1 + 7 * w)}" for w in range(4)]
runner = CliRunner()


def volunteers() -> pd.DataFrame:
    days = [FIRST_DAY + timedelta(days=d) for d in range(DAYS)]
    availability = ";".join(f"{d}T08:00:00/{d}T18:00:00" for d in days)
    return pd.DataFrame(
        {
            "volunteer_id": ["V0", "V1"],
            "team": "care",
            "skills": "elderly_care",
            "lat": [37.8700, 37.8705],
            "lon": 112.55,
            "availability": availability,
        }
    )


def requests(first_start: str = "2026-12-08T09:00:00") -> pd.DataFrame:
    """The weekly visit, typed once, and a one-off request on the first day."""
    base = {
        "kind": "elderly_visit",
        "team": "care",
        "required_skills": "elderly_care",
        "lat": 37.8702,
        "lon": 112.5501,
        "duration_minutes": 60,
        "resident_id": "resident-1",
    }
    return pd.DataFrame(
        [
            {**base, "request_id": "R17", "earliest_start": first_start,
             "latest_start": first_start.replace("09:00", "10:00"),
             "recurrence": "FREQ=WEEKLY;BYDAY=TU;COUNT=8"},
            {**base, "request_id": "R1", "earliest_start": "2026-12-07T14:00:00",
             "latest_start": "2026-12-07T15:00:00", "recurrence": ""},
        ]
    )  # fmt: skip


def test_the_command_line_plans_each_occurrence(tmp_path: Path) -> None:
    vols, reqs, out = tmp_path / "volunteers.csv", tmp_path / "requests.csv", tmp_path / "out"
    volunteers().to_csv(vols, index=False)
    requests().to_csv(reqs, index=False)
    result = runner.invoke(app, ["solve", "--volunteers", str(vols), "--requests", str(reqs),
                                 "--out", str(out), "--time-limit", "5"])  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.output
    served = set(pd.read_csv(out / "assignments.csv")["request_id"])
    assert served == {*WEEKLY_TUESDAYS, "R1"}
    report = check_folder(vols, reqs, out)
    assert report.ok, report.violations


def test_the_command_line_horizon_options_cut_the_plan(tmp_path: Path) -> None:
    vols, reqs, out = tmp_path / "volunteers.csv", tmp_path / "requests.csv", tmp_path / "out"
    volunteers().to_csv(vols, index=False)
    requests().to_csv(reqs, index=False)
    horizon = ["--horizon-start", "2026-12-14", "--horizon-days", "14"]
    result = runner.invoke(app, ["solve", "--volunteers", str(vols), "--requests", str(reqs),
                                 "--out", str(out), "--strategy", "greedy", *horizon])  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.output
    # the horizon cuts recurring requests only; the one-off R1 is planned as typed
    served = set(pd.read_csv(out / "assignments.csv")["request_id"])
    assert served == {*WEEKLY_TUESDAYS[1:3], "R1"}
    report = check_folder(vols, reqs, out)  # the horizon is in summary.json's settings
    assert report.ok and report.served == 3


def test_the_library_plans_each_occurrence() -> None:
    problem = matcher.load_problem(volunteers(), requests())
    solution = matcher.solve(problem, strategy="greedy")
    assert {a.request_id for a in solution.assignments} == {*WEEKLY_TUESDAYS, "R1"}
    report = check_schedule(problem, *_frames(solution))
    assert report.ok, report.violations


def _frames(solution: matcher.Solution) -> tuple[pd.DataFrame, pd.DataFrame]:
    done = pd.DataFrame([a.model_dump() for a in solution.assignments])
    left = pd.DataFrame(
        [u.model_dump(mode="json") for u in solution.unassigned],
        columns=["request_id", "reason", "detail"],
    )
    return done, left


@pytest.fixture(params=KINDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        engine = sa.create_engine(url)
        volunteers().astype(str).to_sql("volunteers", engine, index=False)
        # typed weeks before the plan date: the nightly job still finds its occurrences
        requests("2026-11-03T09:00:00").astype(str).to_sql("requests", engine, index=False)
        engine.dispose()
        yield url


def test_the_nightly_job_plans_the_occurrences_of_its_plan_days(database: str) -> None:
    result = runner.invoke(app, ["solve", "--db", database, "--plan-date", str(FIRST_DAY),
                                 "--days", str(DAYS), "--strategy", "greedy"])  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.output
    engine = sa.create_engine(database)
    with engine.connect() as connection:
        served = set(pd.read_sql(sa.text("SELECT request_id FROM assignments"), connection)[
            "request_id"])  # fmt: skip
    engine.dispose()
    # COUNT=8 from 2026-11-03: the 8th Tuesday is 2026-12-22, so three fall in the plan days
    assert served == {*WEEKLY_TUESDAYS[:3], "R1"}
    report = check_database(database)
    assert report.ok and report.served == 4, report.violations


def test_one_occurrence_can_be_withdrawn_for_its_day(database: str) -> None:
    """The service withdraws a request by id; an occurrence's id withdraws that visit
    alone, the series' other visits stay."""
    from matcher._internal.io.store import database as db
    from matcher._internal.io.store import plan_versions

    engine = sa.create_engine(database)
    db.ensure_tables(engine)  # as the service's first commit does
    problem = plan_versions.load_plan_problem(
        engine, FIRST_DAY, DAYS, matcher.Settings(),
        edits=plan_versions.DayEdits(withdrawn=(WEEKLY_TUESDAYS[1],)),
    )  # fmt: skip
    engine.dispose()
    ids = {r.request_id for r in problem.requests}
    assert ids == {WEEKLY_TUESDAYS[0], WEEKLY_TUESDAYS[2], "R1"}


def test_the_checker_holds_each_occurrence_to_its_own_window_and_one_crew(
    tmp_path: Path,
) -> None:
    """A schedule edited by hand: one occurrence moved into the week before (the window of
    another occurrence), another served twice. The checker names both occurrences."""
    from matcher._internal.check import Rule

    vols, reqs, out = tmp_path / "volunteers.csv", tmp_path / "requests.csv", tmp_path / "out"
    volunteers().to_csv(vols, index=False)
    requests().to_csv(reqs, index=False)
    solved = runner.invoke(app, ["solve", "--volunteers", str(vols), "--requests", str(reqs),
                                 "--out", str(out), "--strategy", "greedy"])  # fmt: skip
    assert solved.exit_code == ExitCode.OK, solved.output
    table = pd.read_csv(out / "assignments.csv", dtype=str)
    moved, twice = WEEKLY_TUESDAYS[1], WEEKLY_TUESDAYS[2]
    row = table["request_id"] == moved
    for column in ("start", "end"):
        week_before = pd.to_datetime(table.loc[row, column]) - pd.Timedelta(days=7)
        table.loc[row, column] = week_before.dt.strftime("%Y-%m-%dT%H:%M:%S")
    second = table[table["request_id"] == twice].assign(
        volunteer_id=lambda t: t["volunteer_id"].map({"V0": "V1", "V1": "V0"})
    )
    pd.concat([table, second]).to_csv(out / "assignments.csv", index=False)
    report = check_folder(vols, reqs, out)
    found = {(str(v.rule), v.request_id) for v in report.violations}
    assert (str(Rule.CREW), moved) in found  # started outside its own window
    assert (str(Rule.CREW), twice) in found  # two volunteers where one is needed
