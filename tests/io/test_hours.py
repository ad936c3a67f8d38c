"""The hours ledger on real databases: crediting is idempotent per assignment, no-shows
count for nothing, the window and the monthly export add up, and fairness reads it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from databases import KINDS, fill, fresh_database
from factories import north, problem, request, volunteer
from typer.testing import CliRunner

import matcher
from matcher._internal.exit_codes import ExitCode
from matcher._internal.io.store import database as db
from matcher._internal.io.store import hours
from matcher.cli import app

runner = CliRunner()


@pytest.fixture(params=KINDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    with fresh_database(request.param, tmp_path) as url:
        made = db.engine_for(url, create=True)
        yield made
        made.dispose()


def _summary(n: int) -> matcher.Summary:
    return matcher.Summary(
        status="feasible", strategy="greedy", served_weight=n, upper_bound=n, gap=0.0,
        walk_minutes=0.0, requests_total=n, requests_served=n, requests_unassigned=0,
        assignments=n, solve_seconds=0.0, seed=0,
    )  # fmt: skip


def _plan(engine: sa.Engine, day: date, rows: list[tuple[str, str, str, int]]) -> None:
    """A current run for `day`: (request, volunteer, HH:MM start, minutes) rows."""
    assignments = []
    for rid, vid, hhmm, minutes in rows:
        start = datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time())
        assignments.append(matcher.Assignment(
            request_id=rid, volunteer_id=vid, team="care", start=start,
            end=start + timedelta(minutes=minutes), walk_minutes=1.0,
        ))  # fmt: skip
    solution = matcher.Solution(assignments=assignments, unassigned=[],
                                summary=_summary(len(rows)))  # fmt: skip
    db.write_run(engine, solution, plan_date=day, days=1, volunteers=2, started_at=datetime.now())


def _ledger(engine: sa.Engine) -> pd.DataFrame:
    with engine.connect() as connection:
        frame = pd.read_sql(sa.select(hours.volunteer_hours), connection)
    return frame.sort_values(["request_id", "volunteer_id"]).reset_index(drop=True)


def test_passed_days_are_credited_once(engine: sa.Engine) -> None:
    _plan(engine, date(2026, 12, 1), [("A", "v1", "09:00", 60), ("B", "v2", "10:00", 45)])
    _plan(engine, date(2026, 12, 2), [("C", "v1", "09:00", 30)])
    _plan(engine, date(2026, 12, 3), [("D", "v1", "09:00", 30)])  # today: not passed
    assert hours.credit_passed_days(engine, date(2026, 12, 3)) == 3
    assert hours.credit_passed_days(engine, date(2026, 12, 3)) == 0
    ledger = _ledger(engine)
    assert list(ledger["request_id"]) == ["A", "B", "C"]
    assert list(ledger["minutes"]) == [60, 45, 30]
    assert set(ledger["state"]) == {hours.DAY_PASSED}
    assert hours.credited_minutes(engine, date(2026, 12, 3), 28) == {"v1": 90, "v2": 45}
    assert hours.credited_minutes(engine, date(2026, 12, 3), 1) == {"v1": 30}
    assert hours.credited_minutes(engine, date(2026, 12, 3), 0) == {}


def test_a_replaced_plan_is_credited_as_last_published(engine: sa.Engine) -> None:
    _plan(engine, date(2026, 12, 1), [("A", "v1", "09:00", 60)])
    _plan(engine, date(2026, 12, 1), [("A", "v2", "09:00", 60)])  # the current run now
    hours.credit_passed_days(engine, date(2026, 12, 2))
    assert list(_ledger(engine)["volunteer_id"]) == ["v2"]


def test_a_no_show_is_never_credited_until_marked_done(engine: sa.Engine) -> None:
    _plan(engine, date(2026, 12, 1), [("A", "v1", "09:00", 60), ("B", "v1", "11:00", 30)])
    hours.exclude(engine, "A", "v1")
    hours.credit_passed_days(engine, date(2026, 12, 2))
    assert hours.credited_minutes(engine, date(2026, 12, 2), 28) == {"v1": 30}
    hours.credit(engine, "A", "v1")  # it was done after all
    hours.credit(engine, "A", "v1")  # twice is once
    ledger = _ledger(engine)
    assert list(ledger["state"]) == [hours.DONE, hours.DAY_PASSED]
    assert hours.credited_minutes(engine, date(2026, 12, 2), 28) == {"v1": 90}


def test_crediting_an_unplanned_assignment_needs_its_minutes(engine: sa.Engine) -> None:
    with pytest.raises(hours.UnknownAssignment, match="give minutes, start and team"):
        hours.credit(engine, "walk-in", "v3")
    hours.credit(engine, "walk-in", "v3", minutes=50, start=datetime(2026, 12, 4, 15, 0),
                 team="care")  # fmt: skip
    assert hours.credited_minutes(engine, date(2026, 12, 5), 28) == {"v3": 50}


def test_the_month_is_exported_per_team_as_csv_and_excel(engine: sa.Engine,
                                                          tmp_path: Path) -> None:  # fmt: skip
    _plan(engine, date(2026, 11, 30), [("Z", "v1", "09:00", 600)])  # another month
    _plan(engine, date(2026, 12, 1), [("A", "v1", "09:00", 60), ("B", "v2", "10:00", 90)])
    _plan(engine, date(2026, 12, 2), [("C", "v1", "09:00", 30)])
    hours.credit(engine, "X", "v9", minutes=120, start=datetime(2026, 12, 3, 9), team="repair")
    url = engine.url.render_as_string(hide_password=False)
    csv, xlsx = tmp_path / "hours.csv", tmp_path / "hours.xlsx"
    for out in (csv, xlsx):
        result = runner.invoke(app, ["hours", "--database", url, "--month", "2026-12",
                                     "--out", str(out), "--credit-passed"])  # fmt: skip
        assert result.exit_code == ExitCode.OK, result.output
    table = pd.read_csv(csv, encoding="utf-8-sig", dtype={"volunteer_id": str})
    assert table.to_dict(orient="list") == {
        "team": ["care", "care", "repair"], "volunteer_id": ["v1", "v2", "v9"],
        "services": [2, 1, 1], "minutes": [90, 90, 120], "hours": [1.5, 1.5, 2.0],
    }  # fmt: skip
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert set(sheets) == {"all", "care", "repair"}
    assert sheets["all"].set_index("team")["hours"].to_dict() == {"care": 3.0, "repair": 2.0}
    assert list(sheets["care"]["volunteer_id"]) == ["v1", "v2"]


def test_the_hours_command_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    bad_month = runner.invoke(app, ["hours", "--db", url, "--month", "December",
                                    "--out", str(tmp_path / "h.csv")])  # fmt: skip
    assert bad_month.exit_code == ExitCode.USAGE and "YYYY-MM" in bad_month.output
    bad_file = runner.invoke(app, ["hours", "--db", url, "--month", "2026-12",
                                   "--out", str(tmp_path / "h.txt")])  # fmt: skip
    assert bad_file.exit_code == ExitCode.USAGE
    missing = runner.invoke(app, ["hours", "--db", url, "--month", "2026-12",
                                  "--out", str(tmp_path / "h.csv")])  # fmt: skip
    assert missing.exit_code == ExitCode.DATABASE_UNREACHABLE
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize(("window", "expected"), [(28, "fresh"), (0, "loaded")])
def test_fairness_over_the_window_sends_work_to_the_less_credited(
    window: int, expected: str
) -> None:
    """`loaded` lives 2.6 walking minutes nearer but has 10 credited hours to `fresh`'s
    none: 5 hours above the team's mean is 2.5 fairness steps (12.5 minutes) per task."""
    vols = [volunteer("loaded", credited_minutes=600),
            volunteer("fresh", where=north(150), credited_minutes=0)]  # fmt: skip
    chosen = problem(vols, [request("visit")], fairness_window_days=window, time_limit_s=5,
                     deterministic=True)  # fmt: skip
    solution = matcher.solve(chosen)
    assert [a.volunteer_id for a in solution.assignments] == [expected]


@pytest.fixture(params=KINDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


def test_the_nightly_job_reads_the_credited_minutes(database: str) -> None:
    day = "2026-12-10"
    hours_of_day = f"{day}T08:00:00/{day}T12:00:00"
    vols = pd.DataFrame([
        {"volunteer_id": "loaded", "team": "care", "skills": "elderly_care",
         "lat": north(0)[0], "lon": north(0)[1], "availability": hours_of_day},
        {"volunteer_id": "fresh", "team": "care", "skills": "elderly_care",
         "lat": north(150)[0], "lon": north(150)[1], "availability": hours_of_day},
    ])  # fmt: skip
    reqs = pd.DataFrame([{
        "request_id": "visit", "kind": "elderly_visit", "team": "care",
        "required_skills": "elderly_care", "lat": north(0)[0], "lon": north(0)[1],
        "earliest_start": f"{day}T09:00:00", "latest_start": f"{day}T09:00:00",
        "duration_minutes": 60,
    }])  # fmt: skip
    engine = db.engine_for(database, create=True)
    vols.to_sql("volunteers", engine, index=False)
    reqs.to_sql("requests", engine, index=False)
    for week in range(3):  # 10 hours in the four weeks before the plan date
        hours.credit(engine, f"old{week}", "loaded", minutes=200,
                     start=datetime(2026, 11, 20 + week, 9), team="care")  # fmt: skip
    result = runner.invoke(app, ["solve", "--db", database, "--plan-date", day,
                                 "--time-limit", "5", "--deterministic"])  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.output
    done, _ = db.run_frames(engine, db.current_run(engine)["run_id"])
    engine.dispose()
    assert list(done["volunteer_id"]) == ["fresh"]


@pytest.mark.parametrize(("credit_setting", "credited"), [("day_passed", True), ("done", False)])
def test_the_nightly_job_credits_passed_days_by_setting(
    database: str, tmp_path: Path, credit_setting: str, credited: bool
) -> None:
    """The sample's plan of 2026-12-01 has passed by the next night (today, on any clock
    after it); it is credited only under `hours_credit = "day_passed"`."""
    fill(database)
    settings = tmp_path / "settings.toml"
    settings.write_text(f'hours_credit = "{credit_setting}"\n')
    for day in ("2026-12-01", "2026-12-02"):
        command = ["solve", "--db", database, "--plan-date", day, "--strategy", "greedy"]
        result = runner.invoke(app, [*command, "--settings", str(settings)])
        assert result.exit_code in (ExitCode.OK, ExitCode.NOTHING_SERVED), result.output
    engine = db.engine_for(database)
    first = db.run_frames(engine, _run_of(engine, date(2026, 12, 1)))[0]
    ledger = _ledger(engine) if sa.inspect(engine).has_table("volunteer_hours") else None
    engine.dispose()
    assert len(first) > 0
    if credited:
        assert ledger is not None
        assert len(ledger) == len(first) and set(ledger["state"]) == {hours.DAY_PASSED}
        assert ledger["minutes"].sum() == sum(
            (first["end"] - first["start"]).dt.total_seconds() // 60
        )
    else:
        assert ledger is None or ledger.empty


def _run_of(engine: sa.Engine, day: date) -> str:
    runs = db.schedule_runs
    query = sa.select(runs.c.run_id).where(runs.c.plan_date == day, runs.c.current)
    with engine.connect() as connection:
        return str(connection.execute(query).scalar_one())
