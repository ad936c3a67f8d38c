"""Generated files load cleanly through the public loader, through the API and the CLI."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import matcher
from matcher._internal.generate import generate_community, write_community
from matcher._internal.generate.csvform import csv_frame
from matcher.cli import app

DAY = date(2026, 12, 1)
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def test_written_files_load_without_warnings(tmp_path: Path) -> None:
    paths = write_community(
        tmp_path / "c", volunteers=2000, requests=1500, days=1, seed=4, start=DAY
    )
    assert [p.name for p in paths] == ["volunteers.csv", "requests.csv"]
    problem = matcher.load_problem(volunteers=paths[0], requests=paths[1])
    assert len(problem.volunteers) == 2000 and len(problem.requests) == 1500
    assert problem.warnings == ()


def test_csv_and_frames_load_to_the_same_problem(tmp_path: Path) -> None:
    vols, reqs = generate_community(150, 200, days=2, seed=9, start=DAY)
    paths = write_community(tmp_path, volunteers=150, requests=200, days=2, seed=9, start=DAY)
    from_frames = matcher.load_problem(vols, reqs)
    from_files = matcher.load_problem(*paths)
    assert from_frames.volunteers == from_files.volunteers
    assert from_frames.requests == from_files.requests


def test_csv_cells_follow_the_contract() -> None:
    vols, reqs = generate_community(40, 60, start=DAY)
    cells = csv_frame(vols)
    first = cells.loc[vols["availability"].map(len) > 0, "availability"].iloc[0]
    start, end = first.split(";")[0].split("/")
    assert start.startswith("2026-12-01T") and len(start) == len("2026-12-01T08:00:00")
    assert end > start
    assert csv_frame(reqs)["earliest_start"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00").all()


@settings(max_examples=20, deadline=None)
@given(
    volunteers=st.integers(1, 80),
    requests=st.integers(0, 80),
    days=st.integers(1, 3),
    seed=st.integers(-(2**40), 2**40),
)
def test_any_small_community_loads(volunteers: int, requests: int, days: int, seed: int) -> None:
    vols, reqs = generate_community(volunteers, requests, days=days, seed=seed, start=DAY)
    problem = matcher.load_problem(vols, reqs)
    assert len(problem.volunteers) == volunteers and len(problem.requests) == requests


def test_cli_generate(tmp_path: Path) -> None:
    out = tmp_path / "community"
    result = CliRunner().invoke(
        app,
        [
            "generate",
            "--out",
            str(out),
            "--volunteers",
            "120",
            "--requests",
            "90",
            "--days",
            "2",
            "--seed",
            "3",
            "--start",
            "2026-12-01",
        ],
    )
    assert result.exit_code == 0, result.output
    problem = matcher.load_problem(out / "volunteers.csv", out / "requests.csv")
    assert len(problem.volunteers) == 120 and len(problem.requests) == 90
    assert min(r.earliest_start for r in problem.requests).date() == DAY


def test_sample_dataset_is_the_documented_generation() -> None:
    """data/sample is generate_community(200, 150, days=1, seed=7, start=2026-12-01)."""
    vols, reqs = generate_community(200, 150, days=1, seed=7, start=DAY)
    for frame, name in ((vols, "volunteers.csv"), (reqs, "requests.csv")):
        expected = csv_frame(frame)
        stored = pd.read_csv(SAMPLE / name, dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(stored, expected.reset_index(drop=True))
    problem = matcher.load_problem(SAMPLE / "volunteers.csv", SAMPLE / "requests.csv")
    assert problem.warnings == ()
