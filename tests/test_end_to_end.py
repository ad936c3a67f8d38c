"""The command line end to end: generate, solve, check — on the sample and at full scale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher._internal.exit_codes import ExitCode
from matcher.cli import app

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
runner = CliRunner()


def _run(*args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == ExitCode.OK, result.output


def _solve_and_check(volunteers: Path, requests: Path, out: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    _run(
        "solve",
        "--volunteers",
        str(volunteers),
        "--requests",
        str(requests),
        "--out",
        str(out),
        *extra,
    )
    _run(
        "check",
        "--volunteers",
        str(volunteers),
        "--requests",
        str(requests),
        "--schedule",
        str(out),
    )
    return json.loads((out / "summary.json").read_text())  # type: ignore[no-any-return]


def test_sample_with_the_optimiser(tmp_path: Path) -> None:
    summary = _solve_and_check(
        SAMPLE / "volunteers.csv",
        SAMPLE / "requests.csv",
        tmp_path / "out",
        "--time-limit",
        "5",
        "--seed",
        "1",
    )
    assert summary["requests_served"] + summary["requests_unassigned"] == 150
    assert summary["served_weight"] <= summary["upper_bound"]


@pytest.mark.parametrize("strategy", ["greedy", "optimise"])
def test_generated_2000_volunteer_day(tmp_path: Path, strategy: str) -> None:
    data = tmp_path / "day"
    _run(
        "generate",
        "--out",
        str(data),
        "--volunteers",
        "2000",
        "--requests",
        "1500",
        "--seed",
        "11",
        "--start",
        "2026-12-01",
    )
    summary = _solve_and_check(
        data / "volunteers.csv",
        data / "requests.csv",
        tmp_path / strategy,
        "--strategy",
        strategy,
        "--time-limit",
        "8",
    )
    assert summary["requests_served"] + summary["requests_unassigned"] == 1500
    assert summary["requests_served"] > 1000
    assert 0.0 <= summary["gap"] < 0.2


def test_rerun_replaces_output_atomically(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.txt").write_text("from an older run")
    _solve_and_check(
        SAMPLE / "volunteers.csv", SAMPLE / "requests.csv", out, "--strategy", "greedy"
    )
    assert not (out / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_bad_input_names_file_row_field_and_keeps_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _solve_and_check(
        SAMPLE / "volunteers.csv", SAMPLE / "requests.csv", out, "--strategy", "greedy"
    )
    before = (out / "assignments.csv").read_text()
    lines = (SAMPLE / "volunteers.csv").read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")
    cells[header.index("lat")] = "north"
    lines[3] = ",".join(cells)
    broken = tmp_path / "volunteers.csv"
    broken.write_text("\n".join(lines) + "\n")
    result = runner.invoke(
        app,
        [
            "solve",
            "--volunteers",
            str(broken),
            "--requests",
            str(SAMPLE / "requests.csv"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "volunteers.csv, line 4, field 'lat'" in result.output
    assert (out / "assignments.csv").read_text() == before
