"""`matcher solve` on a city's files: one folder, the community in every row, a line per
community, and a community with bad rows reported (exit 7) while the others are planned."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from cities import city_frames, spoil, write_frames

from matcher._internal.check import check_folder
from matcher._internal.exit_codes import ExitCode


def matcher(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed command in a child process, as cron runs it."""
    return subprocess.run(
        [sys.executable, "-c", "from matcher.cli import main; main()", *args],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_a_city_lands_in_one_folder_with_its_community_in_every_row(tmp_path: Path) -> None:
    vols, reqs = city_frames(3, 20, 15)
    v, r = write_frames(tmp_path / "in", vols, reqs)
    out = tmp_path / "out"
    files = ["--volunteers", str(v), "--requests", str(r)]
    done = matcher("solve", *files, "--out", str(out), "--time-limit", "5", "--workers", "1")
    assert done.returncode == ExitCode.OK, done.stderr
    community = dict(zip(reqs["request_id"], reqs["community"], strict=True))
    for name in ("assignments.csv", "unassigned.csv"):
        rows = pd.read_csv(out / name, dtype=str)
        assert list(rows.columns)[-1] == "community"
        assert (rows["community"] == rows["request_id"].map(community)).all()
    lines = pd.read_csv(out / "communities.csv", keep_default_na=False)
    assert list(lines["community"]) == ["C01", "C02", "C03"]
    assert (lines["failure"] == "").all() and (lines["requests"] == 15).all()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["upper_bound"] == lines["upper_bound"].sum()
    assert sorted(p.name for p in (out / "sheets").iterdir()) == ["C01", "C02", "C03"]
    assert (out / "sheets" / "C01" / "care.html").exists()
    report = check_folder(v, r, out)
    assert report.ok, report.violations


@pytest.mark.parametrize("workers", ["1", pytest.param("2", marks=pytest.mark.slow)])
def test_bad_rows_in_one_community_are_reported_and_the_others_planned(
    tmp_path: Path, workers: str
) -> None:
    vols, reqs = city_frames(3, 30, 25)
    line = spoil(reqs, "C02")
    v, r = write_frames(tmp_path / "in", vols, reqs)
    out = tmp_path / "out"
    done = matcher("solve", "--volunteers", str(v), "--requests", str(r), "--out", str(out),
                   "--time-limit", "5", "--workers", workers)  # fmt: skip
    assert done.returncode == ExitCode.COMMUNITIES_NOT_PLANNED, done.stderr
    assert "community C02 not planned: 1 input error(s):" in done.stderr
    assert f"requests.csv, line {line}, field 'lat'" in done.stderr
    assert "1 communities not planned: C02" in done.stderr
    rows = pd.read_csv(out / "assignments.csv", dtype=str)
    assert set(rows["community"]) == {"C01", "C03"}
    lines = pd.read_csv(out / "communities.csv", keep_default_na=False).set_index("community")
    assert lines.loc["C02", "failure"] == "bad input: 1 error(s)"
    assert lines.loc["C02", "status"] == "" and lines.loc["C01", "status"] != ""
    summary = json.loads((out / "summary.json").read_text())
    assert summary["requests_total"] == 50


def test_bad_rows_in_every_community_are_bad_input_as_before(tmp_path: Path) -> None:
    vols, reqs = city_frames(2, 10, 8)
    spoil(reqs, "C01")
    spoil(reqs, "C02")
    v, r = write_frames(tmp_path / "in", vols, reqs)
    done = matcher("solve", "--volunteers", str(v), "--requests", str(r),
                   "--out", str(tmp_path / "out"), "--workers", "1")  # fmt: skip
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr
    assert "2 input error(s)" in done.stderr
    assert not (tmp_path / "out").exists()
