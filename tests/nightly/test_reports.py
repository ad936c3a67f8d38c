"""Itineraries (CSV, iCalendar) and team sheets (HTML) written beside the batch files."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from matcher.cli import app

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def _solve(out: Path) -> pd.DataFrame:
    result = CliRunner().invoke(app, [
        "solve", "--volunteers", str(SAMPLE / "volunteers.csv"),
        "--requests", str(SAMPLE / "requests.csv"), "--out", str(out), "--strategy", "greedy",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    return pd.read_csv(out / "assignments.csv")


def test_every_assigned_volunteer_gets_an_itinerary_and_a_calendar(tmp_path: Path) -> None:
    done = _solve(tmp_path / "out")
    folder = tmp_path / "out" / "itineraries"
    for volunteer_id, mine in done.groupby("volunteer_id"):
        rows = pd.read_csv(folder / f"{volunteer_id}.csv")
        assert sorted(rows["request_id"]) == sorted(mine["request_id"])
        assert list(rows["start"]) == sorted(rows["start"])
        calendar = (folder / f"{volunteer_id}.ics").read_bytes().decode()
        assert calendar.startswith("BEGIN:VCALENDAR\r\n") and calendar.endswith("END:VCALENDAR\r\n")
        assert calendar.count("BEGIN:VEVENT") == len(mine)
    first = done.iloc[0]
    local = datetime.fromisoformat(first["start"])
    utc = (local - timedelta(hours=8)).strftime("%Y%m%dT%H%M%SZ")  # Asia/Shanghai is UTC+8
    calendar = (folder / f"{first['volunteer_id']}.ics").read_text()
    assert f"DTSTART:{utc}" in calendar


def test_team_sheets_list_crews_and_unassigned_reasons(tmp_path: Path) -> None:
    done = _solve(tmp_path / "out")
    left = pd.read_csv(tmp_path / "out" / "unassigned.csv")
    requests = pd.read_csv(SAMPLE / "requests.csv", dtype=str, keep_default_na=False)
    team_of = dict(zip(requests["request_id"], requests["team"].replace("", "any"), strict=True))
    sheets = tmp_path / "out" / "sheets"
    for request_id in done["request_id"]:
        page = (sheets / f"{team_of[request_id]}.html").read_text()
        assert request_id in page
    for request_id, reason in zip(left["request_id"], left["reason"], strict=True):
        page = (sheets / f"{team_of[request_id]}.html").read_text()
        assert request_id in page and reason in page
