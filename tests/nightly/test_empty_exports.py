"""A nightly database run never lets an empty export replace a real plan unnoticed, and its
result line names the database it wrote to. Real SQLite and PostgreSQL, the real command."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from cities import city_frames
from databases import KINDS, fill, fresh_database, sample_table
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from matcher._internal.exit_codes import ExitCode
from matcher.cli import app

PLAN = ["--plan-date", "2026-12-01", "--strategy", "greedy", "--workers", "1"]
runner = CliRunner()


@pytest.fixture(params=KINDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


def solve(url: str, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["solve", "--db", url, *PLAN, *extra])
    return result.exit_code, result.output


def runs(url: str) -> pd.DataFrame:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = pd.read_sql(sa.text("SELECT * FROM schedule_runs ORDER BY finished_at"), connection)
    engine.dispose()
    found["current"] = found["current"].astype(bool)
    return found


def replace_volunteers(url: str, volunteers: pd.DataFrame) -> None:
    engine = sa.create_engine(url)
    volunteers.to_sql("volunteers", engine, index=False, if_exists="replace")
    engine.dispose()


def test_an_empty_volunteers_table_keeps_the_current_plan(database: str) -> None:
    fill(database)
    code, output = solve(database)
    assert code == ExitCode.OK, output
    before = runs(database)
    volunteers = len(sample_table("volunteers"))

    replace_volunteers(database, sample_table("volunteers").iloc[:0])  # header only
    code, output = solve(database)
    assert code == ExitCode.BAD_INPUT, output
    assert (
        f"table volunteers: has no rows, but the last run (plan date 2026-12-01) had "
        f"{volunteers} volunteers" in output
    )
    assert "--allow-empty" in output
    assert runs(database).equals(before)  # nothing written: the plan stays current

    code, output = solve(database, "--allow-empty")  # told: nobody volunteers any more
    assert code == ExitCode.NOTHING_SERVED, output
    after = runs(database)
    assert len(after) == 2 and after["current"].tolist() == [False, True]
    assert after.loc[1, "volunteers"] == 0


def test_a_quiet_night_after_a_busy_one_still_plans(database: str) -> None:
    """Volunteers but no requests tonight is an ordinary night, not an empty export."""
    fill(database)
    assert solve(database)[0] == ExitCode.OK
    fill(database, requests=sample_table("requests").iloc[:0])
    code, output = solve(database)
    assert code == ExitCode.OK, output
    assert runs(database).loc[1, "requests"] == 0


def test_a_community_without_volunteers_keeps_its_plan_and_the_others_are_planned(
    database: str,
) -> None:
    vols, reqs = city_frames(3, 40, 30)
    fill(database, vols, reqs)
    code, output = solve(database)
    assert code == ExitCode.OK, output
    first = runs(database)
    c02 = first.loc[first["community"] == "C02", "run_id"].item()

    fill(database, vols[vols["community"] != "C02"], reqs)  # C02's volunteers lost
    code, output = solve(database)
    assert code == ExitCode.COMMUNITIES_NOT_PLANNED, output
    assert "community C02 not planned" in output
    assert "has no rows of community C02, but community C02's last run" in output
    now = runs(database)
    current = now[now["current"]].set_index("community")["run_id"]
    assert current["C02"] == c02  # kept
    assert set(current.index) == {"C01", "C02", "C03"}
    assert len(now) == 5  # C01 and C03 planned again

    code, output = solve(database, "--allow-empty")
    assert code == ExitCode.OK, output
    assert runs(database).set_index("run_id").loc[c02, "current"] == False  # noqa: E712


def test_the_result_line_names_the_database_without_its_password(
    database: str, tmp_path: Path
) -> None:
    fill(database)
    url = make_url(database)
    if url.get_backend_name() == "sqlite":
        given = str(tmp_path / "community.db")  # a plain path, as the README shows it
        where = f"SQLite file {given}"
    else:
        given = database
        where = f"host {url.host}, port {url.port}, database {url.database}"
    code, output = solve(given)
    assert code == ExitCode.OK, output
    run_id = runs(database).loc[0, "run_id"]
    assert output.strip().endswith(f"-> run {run_id} in {where}")
    if url.password:
        assert url.password not in output
