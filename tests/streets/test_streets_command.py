"""`matcher walking` and `matcher generate --osm`: tables written, kept when nothing moved,
never written over a file matcher did not write, and bad maps told apart by name."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from osm_maps import HOME_M, REQUEST_M, gated_compound, helsinki, latlon, osm_xml
from typer.testing import CliRunner

from matcher._internal.exit_codes import ExitCode
from matcher.cli import app


def _inputs(folder: Path, home: tuple[float, float] = HOME_M) -> tuple[Path, Path]:
    """volunteers.csv and requests.csv of one home and one request on the compound map."""
    folder.mkdir(parents=True, exist_ok=True)
    hlat, hlon = latlon(*home)
    rlat, rlon = latlon(*REQUEST_M)
    vols, reqs = folder / "volunteers.csv", folder / "requests.csv"
    vols.write_text("volunteer_id,team,skills,lat,lon,availability\n"
                    f"v1,care,elderly_care,{hlat:.7f},{hlon:.7f},"
                    "2026-12-01T08:00:00/2026-12-01T12:00:00\n", encoding="utf-8")  # fmt: skip
    reqs.write_text("request_id,kind,team,required_skills,lat,lon,earliest_start,latest_start,"
                    "duration_minutes\n"
                    f"r1,elderly_visit,care,elderly_care,{rlat:.7f},{rlon:.7f},"
                    "2026-12-01T09:00:00,2026-12-01T09:00:00,60\n", encoding="utf-8")  # fmt: skip
    return vols, reqs


def _walking(osm: Path, vols: Path, reqs: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["walking", "--osm", str(osm), "--volunteers", str(vols),
                                      "--requests", str(reqs), "--out", str(out)])  # fmt: skip
    return result.exit_code, result.output


@pytest.fixture
def compound(tmp_path: Path) -> Path:
    path = tmp_path / "compound.osm"
    path.write_text(gated_compound(), encoding="utf-8")
    return path


def test_the_table_is_written_kept_and_rebuilt_when_a_place_moves(
    tmp_path: Path, compound: Path
) -> None:
    vols, reqs = _inputs(tmp_path / "in")
    out = tmp_path / "walking.csv"
    code, output = _walking(compound, vols, reqs, out)
    assert code == ExitCode.OK, output
    table = pd.read_csv(out)
    assert list(table.columns) == ["from_place", "to_place", "minutes"]
    assert table.set_index(["from_place", "to_place"]).minutes[("r1", "v1")] == pytest.approx(
        9.0, abs=0.02
    )
    stamp = json.loads(out.with_name("walking.csv.matcher.json").read_text())
    assert stamp["written_by"].startswith("matcher ")
    written = out.stat().st_mtime_ns

    code, output = _walking(compound, vols, reqs, out)
    assert code == ExitCode.OK and "is current" in output
    assert out.stat().st_mtime_ns == written  # nothing moved: not rebuilt

    vols, reqs = _inputs(tmp_path / "in", home=(100.0, 50.0))  # the volunteer moved house
    code, output = _walking(compound, vols, reqs, out)
    assert code == ExitCode.OK and "wrote" in output
    moved = pd.read_csv(out).set_index(["from_place", "to_place"]).minutes[("r1", "v1")]
    assert moved == pytest.approx((675 - 80) / 75, abs=0.02)

    solved = CliRunner().invoke(app, ["solve", "--volunteers", str(vols), "--requests", str(reqs),
                                      "--walking", str(out), "--out", str(tmp_path / "plan"),
                                      "--time-limit", "5"])  # fmt: skip
    assert solved.exit_code == ExitCode.OK, solved.output
    plan = pd.read_csv(tmp_path / "plan" / "assignments.csv")
    assert plan.walk_minutes.tolist() == [pytest.approx(moved, abs=0.01)]


def test_the_table_may_be_parquet(tmp_path: Path, compound: Path) -> None:
    vols, reqs = _inputs(tmp_path / "in")
    out = tmp_path / "walking.parquet"
    assert _walking(compound, vols, reqs, out)[0] == ExitCode.OK
    table = pd.read_parquet(out)
    assert table.astype({"from_place": str, "to_place": str}).values.tolist() == [
        ["r1", "v1", pytest.approx(9.0, abs=0.02)]
    ]
    assert out.with_name("walking.parquet.matcher.json").is_file()
    solved = CliRunner().invoke(app, ["solve", "--volunteers", str(vols), "--requests", str(reqs),
                                      "--walking", str(out), "--out", str(tmp_path / "plan"),
                                      "--time-limit", "5"])  # fmt: skip
    assert solved.exit_code == ExitCode.OK, solved.output
    walk = pd.read_csv(tmp_path / "plan" / "assignments.csv").walk_minutes
    assert walk.tolist() == [pytest.approx(9.0, abs=0.02)]


def test_a_file_matcher_did_not_write_is_left_alone(tmp_path: Path, compound: Path) -> None:
    vols, reqs = _inputs(tmp_path / "in")
    out = tmp_path / "measured.csv"
    out.write_text("from_place,to_place,minutes\nr1,v1,4.5\n", encoding="utf-8")
    code, output = _walking(compound, vols, reqs, out)
    assert code == ExitCode.USAGE
    assert "not written by `matcher walking`" in output
    assert out.read_text(encoding="utf-8") == "from_place,to_place,minutes\nr1,v1,4.5\n"


def _no_walkable_ways() -> str:
    return osm_xml({1: (0, 0, {}), 2: (100, 0, {})}, [([1, 2], {"barrier": "wall"})])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the map file is empty"),
        ("this is not a map\n", "not a readable OpenStreetMap file"),
        (_no_walkable_ways(), "the map has no walkable ways"),
    ],
)
def test_a_bad_map_is_named_without_a_traceback(tmp_path: Path, content: str, message: str) -> None:
    vols, reqs = _inputs(tmp_path / "in")
    osm = tmp_path / "area.osm"
    osm.write_text(content, encoding="utf-8")
    code, output = _walking(osm, vols, reqs, tmp_path / "walking.csv")
    assert code == ExitCode.BAD_INPUT, output
    assert "area.osm" in output and message in output
    assert "Traceback" not in output
    assert not (tmp_path / "walking.csv").exists()


def test_a_missing_map_is_named(tmp_path: Path) -> None:
    vols, reqs = _inputs(tmp_path / "in")
    code, output = _walking(tmp_path / "nowhere.osm.pbf", vols, reqs, tmp_path / "w.csv")
    assert code == ExitCode.BAD_INPUT
    assert "nowhere.osm.pbf" in output and "no such map file" in output


def test_a_place_outside_the_map_is_named(tmp_path: Path, compound: Path) -> None:
    vols, reqs = _inputs(tmp_path / "in", home=(180.0, 2_000.0))  # 2 km north of the map
    code, output = _walking(compound, vols, reqs, tmp_path / "walking.csv")
    assert code == ExitCode.BAD_INPUT
    assert "compound.osm, volunteer v1, field 'lat/lon'" in output
    assert "from the nearest walkable way" in output


def test_generate_lays_a_community_on_the_streets(tmp_path: Path) -> None:
    out = tmp_path / "community"
    result = CliRunner().invoke(app, ["generate", "--osm", str(helsinki()), "--out", str(out),
                                      "--volunteers", "40", "--requests", "30"])  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.output
    vols = pd.read_csv(out / "volunteers.csv")
    reqs = pd.read_csv(out / "requests.csv")
    for frame in (vols, reqs):  # central Helsinki, the extract's box
        assert frame.lat.between(60.16, 60.18).all() and frame.lon.between(24.93, 24.96).all()
    code, output = _walking(helsinki(), out / "volunteers.csv", out / "requests.csv",
                            tmp_path / "walking.csv")  # fmt: skip
    assert code == ExitCode.OK, output
    assert "farthest 0 m" in output  # generated places lie on the ways themselves


def test_solve_with_the_map_draws_the_walk_round_the_compound(
    tmp_path: Path, compound: Path
) -> None:
    """`solve --walking --osm`: the team sheet's map follows the footpaths out through the
    west gate; without the map it draws the straight arrow over the wall."""
    from matcher import load_problem, solve
    from matcher._internal.geo import great_circle_m
    from matcher._internal.io.outputs.team_sheets import team_sheets
    from matcher._internal.streets import walked_paths

    vols, reqs = _inputs(tmp_path / "in")
    table = tmp_path / "walking.csv"
    assert _walking(compound, vols, reqs, table)[0] == ExitCode.OK
    problem = load_problem(vols, reqs, walking=table)
    plan = solve(problem, time_limit=5)
    paths = walked_paths(compound, problem, plan)
    (walk,) = paths.values()
    assert list(paths) == [("v1", "r1")]
    lat, lon = zip(*walk, strict=True)
    metres = great_circle_m(lat[:-1], lon[:-1], lat[1:], lon[1:]).sum()
    assert metres == pytest.approx(675, abs=1)
    west_gate = latlon(0, 50)
    assert min(abs(a - west_gate[0]) + abs(b - west_gate[1]) for a, b in walk) < 1e-7
    assert team_sheets(plan, problem, paths) != team_sheets(plan, problem)

    out = tmp_path / "plan"
    result = CliRunner().invoke(app, ["solve", "--volunteers", str(vols), "--requests", str(reqs),
                                      "--walking", str(table), "--osm", str(compound),
                                      "--out", str(out), "--time-limit", "5"])  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.output
    assert (out / "sheets" / "care.html").is_file()
    without_table = ["solve", "--volunteers", str(vols), "--requests", str(reqs),
                     "--osm", str(compound), "--out", str(tmp_path / "p2")]  # fmt: skip
    refused = CliRunner().invoke(app, without_table)
    assert refused.exit_code == ExitCode.USAGE and "give --walking" in refused.output
