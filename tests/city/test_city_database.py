"""A city's nightly run against real databases (SQLite always, PostgreSQL where configured):
a current run per community and plan date, and a community with bad rows keeping its
previous current run while the others land."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from cities import DAY, city_frames, spoil
from databases import KINDS, fill, fresh_database

from matcher._internal.batch import BatchResult, run_database
from matcher._internal.check import check_database
from matcher._internal.io.store import database as db
from matcher._internal.io.store import plan_versions
from matcher._internal.model import Settings

SETTINGS = Settings(time_limit_s=5, workers=1)


@pytest.fixture(params=KINDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as found:
        yield found


def _night(url: str, settings: Settings = SETTINGS) -> BatchResult:
    return run_database(url, plan_date=DAY, days=1, out=None, teams=None, settings=settings,
                        strategy="optimise")  # fmt: skip


def _runs(url: str) -> pd.DataFrame:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        runs = pd.read_sql(sa.select(db.schedule_runs), connection)
    engine.dispose()
    return runs


def test_each_community_has_its_own_current_run_and_a_bad_one_keeps_its_last(url: str) -> None:
    vols, reqs = city_frames(3, 30, 25)
    fill(url, vols, reqs)
    first = _night(url)
    assert not first.not_planned
    runs = _runs(url)
    assert sorted(runs["community"]) == ["C01", "C02", "C03"] and runs["current"].all()
    night_one = runs.set_index("community")["run_id"]

    spoil(reqs, "C02")  # the next night, C02's table has a bad latitude
    fill(url, vols, reqs)
    second = _night(url)
    [c02] = second.not_planned
    assert c02.community == "C02" and c02.errors is not None
    assert "table requests, key C02-R00001, field 'lat'" in str(c02.errors)
    runs = _runs(url)
    current = runs[runs["current"]].set_index("community")["run_id"]
    assert len(runs) == 5 and sorted(current.index) == ["C01", "C02", "C03"]
    assert current["C02"] == night_one["C02"]  # the previous plan stays in place
    assert current["C01"] != night_one["C01"] and current["C03"] != night_one["C03"]
    engine = db.engine_for(url)
    for community in ("C01", "C03"):
        head = plan_versions.head(engine, DAY, community)
        assert head is not None and head.run_id == current[community]
        assert head.run_id not in set(runs[~runs["current"]]["run_id"])
        report = check_database(url, community=community)
        assert report.ok, report.violations
        done, left = db.run_frames(engine, head.run_id)
        ids = set(done["request_id"]) | set(left["request_id"])
        assert ids and {i.split("-")[0] for i in ids} == {community}
    assert plan_versions.head(engine, DAY) is None  # no run of the unnamed community here
    engine.dispose()


def test_a_database_without_communities_reads_as_before(url: str) -> None:
    fill(url)  # the sample community: no community column
    quick = Settings(time_limit_s=1, workers=1)
    _night(url, quick)
    engine = db.engine_for(url)
    [run] = _runs(url).to_dict(orient="records")
    assert run["community"] is None and run["current"]
    head = plan_versions.head(engine, date(2026, 12, 1))
    assert head is not None and head.run_id == run["run_id"]
    assert db.current_run(engine)["run_id"] == run["run_id"]
    with engine.begin() as connection:  # a database written before the column existed
        connection.execute(sa.text("ALTER TABLE schedule_runs DROP COLUMN community"))
    db.ensure_tables(engine)
    head = plan_versions.head(engine, date(2026, 12, 1))
    assert head is not None and head.run_id == run["run_id"]
    _night(url, quick)
    runs = _runs(url)
    assert len(runs) == 2 and runs["current"].sum() == 1
    assert runs["community"].isna().all()
    engine.dispose()
