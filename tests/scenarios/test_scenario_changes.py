"""Scenario files: validation, each kind of change checked on the problem directly, runs."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

import matcher
from matcher._internal.generate import generate_community
from matcher._internal.io.errors import InputError
from matcher._internal.model import Problem
from matcher._internal.scenarios.apply import apply_change, base_problem
from matcher._internal.scenarios.run import compare, variants
from matcher._internal.scenarios.spec import load_scenario

SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def day() -> Problem:
    vols, reqs = generate_community(200, 300, days=1, seed=2, start=date(2026, 12, 1))
    return matcher.load_problem(vols, reqs)


def _change(**fields: object):  # type: ignore[no-untyped-def]
    from pydantic import TypeAdapter

    from matcher._internal.scenarios.spec import Change

    return TypeAdapter(Change).validate_python(fields)


def test_every_shipped_scenario_is_valid() -> None:
    names = {load_scenario(p).name for p in SHIPPED.glob("*.toml")}
    assert {
        "baseline",
        "flu season",
        "winter storm",
        "recruitment drive",
        "community events weekend",
        "20-minute circle",
        "walking reach sweep",
    } <= names


def test_unknown_key_names_the_file_and_the_key(tmp_path: Path) -> None:
    path = tmp_path / "typo.toml"
    path.write_text(
        'name = "x"\n[base.generate]\nvolunteers = 10\nrequests = 5\n'
        '[[change]]\ntype = "remove_volunteers"\nfractoin = 0.1\n'
    )
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    (issue,) = caught.value.issues
    assert issue.source == str(path) and issue.field == "change.0.fractoin"
    assert "unknown key" in str(issue)


def test_remove_volunteers_by_team_and_fraction(day: Problem) -> None:
    care = sum(v.team == "care" for v in day.volunteers)
    after = apply_change(day, _change(type="remove_volunteers", team="care", fraction=0.5))
    assert sum(v.team == "care" for v in after.volunteers) == care - round(care * 0.5)
    assert len(after.volunteers) == len(day.volunteers) - round(care * 0.5)


def test_add_volunteers_copies_team_members_with_new_ids(day: Problem) -> None:
    after = apply_change(day, _change(type="add_volunteers", team="repair", count=25))
    new = after.volunteers[len(day.volunteers) :]
    assert len(new) == 25 and all(v.team == "repair" for v in new)
    assert len({v.volunteer_id for v in after.volunteers}) == len(after.volunteers)


def test_set_volunteers_field(day: Problem) -> None:
    after = apply_change(day, _change(type="set_volunteers", field="max_walk_minutes", value=10))
    assert {v.max_walk_minutes for v in after.volunteers} == {10}


def test_availability_band_cuts_evenings(day: Problem) -> None:
    after = apply_change(day, _change(type="availability", until="18:00"))
    assert any(v.availability for v in after.volunteers)  # daytime hours are kept
    assert all(
        i.end.time() <= time(18) or i.end.time() == time(0)
        for v in after.volunteers
        for i in v.availability
    )
    assert any(i.end.time() > time(18) for v in day.volunteers for i in v.availability)


def test_scale_requests_doubles_a_team(day: Problem) -> None:
    medical = sum(r.team == "medical" for r in day.requests)
    after = apply_change(day, _change(type="scale_requests", team="medical", factor=2.0))
    assert sum(r.team == "medical" for r in after.requests) == 2 * medical
    assert len({r.request_id for r in after.requests}) == len(after.requests)


def test_add_event_needs_a_crew(day: Problem) -> None:
    after = apply_change(
        day,
        _change(
            type="add_event",
            request_id="EVT",
            kind="event_photo",
            team="photo",
            crew=3,
            start="2026-12-01T09:00:00",
            duration_minutes=120,
        ),
    )
    (event,) = [r for r in after.requests if r.request_id == "EVT"]
    assert event.volunteers_needed == 3 and event.team == "photo"


def test_sweep_expands_to_one_variant_per_value() -> None:
    sweep = load_scenario(SHIPPED / "walking_sweep.toml")
    names = [name for name, _ in variants(sweep)]
    assert names == [f"walking reach sweep [max_walk_minutes={v}]" for v in (5, 10, 15, 20, 25)]


def test_settings_override_reaches_the_problem() -> None:
    assert base_problem(load_scenario(SHIPPED / "baseline.toml")).settings.time_limit_s == 30


def test_compare_against_the_baseline() -> None:
    import pandas as pd

    table = compare(pd.DataFrame([
        {"scenario": "storm", "variant": "storm", "served_share": 0.8},
        {"scenario": "baseline", "variant": "baseline", "served_share": 0.9},
    ]))  # fmt: skip
    assert table["served_share_change"].round(6).tolist() == [-0.1, 0.0]


def test_scenario_run_command_writes_the_comparison(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from matcher.cli import app

    files = []
    for name, change in [
        ("baseline", ""),
        ("storm", '[[change]]\ntype = "set_volunteers"\nfield = "max_walk_minutes"\nvalue = 5\n'),
    ]:
        path = tmp_path / f"{name}.toml"
        path.write_text(
            f'name = "{name}"\n[base.generate]\nvolunteers = 120\nrequests = 150\n'
            f"seed = 3\n{change}"
        )
        files.append(str(path))
    result = CliRunner().invoke(
        app,
        [
            "scenario",
            "run",
            *files,
            "--out",
            str(tmp_path / "cmp"),
            "--time-limit",
            "2",
            "--workers",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    import pandas as pd

    table = pd.read_csv(tmp_path / "cmp" / "comparison.csv")
    assert table["variant"].tolist() == ["baseline", "storm"]
    storm = table.set_index("variant").loc["storm"]
    assert storm["served_share_change"] < 0  # a 5-minute reach serves fewer requests
    assert table.set_index("variant").loc["baseline", "served_share_change"] == 0


def test_base_from_a_database(tmp_path: Path) -> None:
    import pandas as pd
    import sqlalchemy as sa

    sample = SHIPPED.parent / "data" / "sample"
    url = f"sqlite:///{tmp_path / 'c.db'}"
    engine = sa.create_engine(url)
    for name in ("volunteers", "requests"):
        table = pd.read_csv(sample / f"{name}.csv", dtype=str, keep_default_na=False)
        table.to_sql(name, engine, index=False)
    engine.dispose()
    path = tmp_path / "db.toml"
    path.write_text(f'name = "db"\n[base.database]\nurl = "{url}"\nplan_date = 2026-12-01\n')
    problem = base_problem(load_scenario(path))
    assert len(problem.volunteers) == 200 and len(problem.requests) == 150
