"""The nightly job against real databases: SQLite always, PostgreSQL where CI starts one.

PostgreSQL runs when MATCHER_TEST_POSTGRES_URL is set; `.ci/run` installs and starts a
server and sets it, and under CI a missing URL is a failure, not a skip.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from databases import fresh_database
from typer.testing import CliRunner

from matcher._internal.exit_codes import ExitCode
from matcher.cli import app

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
PLAN = ["--plan-date", "2026-12-01"]
runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database holding the sample community's volunteers and requests tables."""
    with fresh_database(request.param, tmp_path) as url:
        _fill(url)
        yield url


def _fill(url: str, *, volunteers: pd.DataFrame | None = None) -> None:
    engine = sa.create_engine(url)
    vols = volunteers if volunteers is not None else _sample("volunteers")
    vols.to_sql("volunteers", engine, index=False, if_exists="replace")
    _sample("requests").to_sql("requests", engine, index=False, if_exists="replace")
    engine.dispose()


def _sample(name: str) -> pd.DataFrame:
    return pd.read_csv(SAMPLE / f"{name}.csv", dtype=str, keep_default_na=False)


def _runs(url: str) -> pd.DataFrame:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        runs = pd.read_sql(sa.text("SELECT * FROM schedule_runs ORDER BY finished_at"), connection)
    engine.dispose()
    return runs


def _solve(url: str, *extra: str) -> None:
    result = runner.invoke(app, ["solve", "--db", url, *PLAN, "--strategy", "greedy", *extra])
    assert result.exit_code == ExitCode.OK, result.output


def _check(url: str, *extra: str) -> str:
    result = runner.invoke(app, ["check", "--db", url, *extra])
    assert result.exit_code == ExitCode.OK, result.output
    return result.output


def test_nightly_run_writes_a_checked_schedule_and_keeps_history(database: str) -> None:
    _solve(database)
    first = _runs(database)
    assert len(first) == 1 and bool(first.loc[0, "current"])
    assert first.loc[0, "requests"] == 150
    assert "OK:" in _check(database)

    _solve(database, "--time-limit", "3")
    runs = _runs(database)
    assert len(runs) == 2
    assert runs["current"].astype(bool).tolist() == [False, True]
    # The older run stays checkable: history is kept, not overwritten.
    assert "OK:" in _check(database, "--run", str(runs.loc[0, "run_id"]))

    engine = sa.create_engine(database)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT COUNT(*) FROM assignments WHERE run_id = :r"),
            {"r": runs.loc[1, "run_id"]},
        ).scalar_one()
    engine.dispose()
    assert rows >= runs.loc[1, "requests_served"] > 0


def test_plan_date_selects_the_requests_of_that_day(database: str) -> None:
    result = runner.invoke(
        app, ["solve", "--db", database, "--plan-date", "2026-12-02", "--strategy", "greedy"]
    )
    assert result.exit_code == ExitCode.OK, result.output
    assert _runs(database).loc[0, "requests"] == 0


def test_bad_database_row_names_table_key_and_field(database: str) -> None:
    vols = _sample("volunteers")
    vols.loc[2, "lat"] = "north"
    _fill(database, volunteers=vols)
    result = runner.invoke(app, ["solve", "--db", database, *PLAN])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"table volunteers, key {vols.loc[2, 'volunteer_id']}, field 'lat'" in result.output


def test_unreachable_database_never_shows_the_password() -> None:
    url = "postgresql+psycopg://planner:s3cret-pw@127.0.0.1:1/nowhere"
    result = runner.invoke(app, ["solve", "--db", url, *PLAN])
    assert result.exit_code == ExitCode.DATABASE_UNREACHABLE
    assert "s3cret-pw" not in result.output
    assert "planner:***@127.0.0.1" in result.output


def test_killed_run_leaves_the_current_plan_in_place(database: str) -> None:
    _solve(database)
    before = _runs(database)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "matcher.cli",
            "solve",
            "--db",
            database,
            *PLAN,
            "--time-limit",
            "60",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(4)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = _runs(database)
    assert after["run_id"].tolist() == before["run_id"].tolist()
    assert bool(after.loc[0, "current"])
    assert "OK:" in _check(database)


def test_killed_file_run_leaves_the_previous_folder_intact(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    files = [
        "--volunteers",
        str(SAMPLE / "volunteers.csv"),
        "--requests",
        str(SAMPLE / "requests.csv"),
        "--out",
        str(out),
    ]
    result = runner.invoke(app, ["solve", *files, "--strategy", "greedy"])
    assert result.exit_code == ExitCode.OK, result.output
    before = _tree(out)
    proc = subprocess.Popen(
        [sys.executable, "-m", "matcher.cli", "solve", *files, "--time-limit", "60"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(4)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]  # no half-written leftovers


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_log_json_writes_one_object_per_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    _fill(url)
    result = runner.invoke(
        app, ["--log-json", "-v", "solve", "--db", url, *PLAN, "--strategy", "greedy"]
    )
    assert result.exit_code == ExitCode.OK, result.output
    import json

    entries = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert entries and all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    assert any("plan 2026-12-01" in e["message"] for e in entries)


def test_native_timestamp_columns_are_read_like_iso_text(database: str) -> None:
    requests = _sample("requests")
    for column in ("earliest_start", "latest_start"):
        requests[column] = pd.to_datetime(requests[column])
    engine = sa.create_engine(database)
    requests.to_sql("requests", engine, index=False, if_exists="replace")
    engine.dispose()
    _solve(database)
    assert _runs(database).loc[0, "requests"] == 150
    assert "OK:" in _check(database)


def test_nothing_served_has_its_own_exit_code_and_still_writes(tmp_path: Path) -> None:
    vols = _sample("volunteers")
    vols["availability"] = ""  # nobody is available that day
    url = f"sqlite:///{tmp_path / 'c.db'}"
    _fill(url, volunteers=vols)
    result = runner.invoke(app, ["solve", "--db", url, *PLAN, "--strategy", "greedy"])
    assert result.exit_code == ExitCode.NOTHING_SERVED, result.output
    runs = _runs(url)
    assert runs.loc[0, "requests_served"] == 0 and runs.loc[0, "requests_unassigned"] == 150


def test_a_quiet_night_with_no_requests_is_a_normal_night(database: str) -> None:
    """The optimiser (not only the greedy baseline) plans a day without requests."""
    result = runner.invoke(
        app, ["solve", "--db", database, "--plan-date", "2026-12-02", "--time-limit", "5"]
    )
    assert result.exit_code == ExitCode.OK, result.output
    runs = _runs(database)
    assert runs.loc[0, "requests"] == 0 and runs.loc[0, "status"] == "empty"
    assert runs.loc[0, "upper_bound"] == 0
