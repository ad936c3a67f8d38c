"""`check_folder` and `matcher check`: files in, a report or a precise input error out."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from matcher._internal.check import check_folder
from matcher._internal.exit_codes import ExitCode
from matcher._internal.io import InputError
from matcher._internal.io.outputs.batch_files import write_solution
from matcher._internal.model import Assignment, Reason, Solution, Summary, Unassigned
from matcher.cli import app

DAY = "2026-12-01T"

VOLUNTEERS = [
    {
        "volunteer_id": "v1",
        "team": "care",
        "skills": "companionship",
        "lat": 30.0,
        "lon": 120.0,
        "availability": f"{DAY}08:00/{DAY}18:00",
    }
]
REQUESTS = [
    {
        "request_id": "r1",
        "kind": "elderly_visit",
        "team": "care",
        "lat": 30.0,
        "lon": 120.001,  # about 96 m east: 1.67 walking minutes at the defaults
        "earliest_start": f"{DAY}09:00",
        "latest_start": f"{DAY}10:00",
        "duration_minutes": 30,
    },
    {
        "request_id": "r2",
        "kind": "elderly_visit",
        "lat": 31.0,
        "lon": 121.0,
        "earliest_start": f"{DAY}09:00",
        "latest_start": f"{DAY}10:00",
        "duration_minutes": 30,
    },
]
ASSIGNED = [
    {
        "request_id": "r1",
        "volunteer_id": "v1",
        "team": "care",
        "start": f"{DAY}09:00",
        "end": f"{DAY}09:30",
        "walk_minutes": 1.67,
    }
]
UNASSIGNED = [{"request_id": "r2", "reason": "none_within_reach", "detail": "Too far for all."}]


def write_csv(path: Path, records: list[dict[str, Any]], columns: list[str] | None = None) -> Path:
    pd.DataFrame(records, columns=columns).to_csv(path, index=False)
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A valid run: inputs beside a `schedule/` folder holding the batch outputs."""
    write_csv(tmp_path / "volunteers.csv", VOLUNTEERS)
    write_csv(tmp_path / "requests.csv", REQUESTS)
    schedule = tmp_path / "schedule"
    schedule.mkdir()
    write_csv(schedule / "assignments.csv", ASSIGNED)
    write_csv(schedule / "unassigned.csv", UNASSIGNED)
    return tmp_path


def check(root: Path, **options: Path) -> Any:
    return check_folder(
        root / "volunteers.csv", root / "requests.csv", root / "schedule", **options
    )


def issues_of(root: Path, **options: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(InputError) as caught:
        check(root, **options)
    return [(Path(i.source).name, i.row, i.field) for i in caught.value.issues]


def test_valid_folder_passes(folder: Path) -> None:
    report = check(folder)
    assert report.ok
    assert (report.assignments, report.served, report.unassigned) == (1, 1, 1)


def test_files_written_by_the_output_writer_pass(folder: Path) -> None:
    solution = Solution(
        assignments=[
            Assignment(
                request_id="r1",
                volunteer_id="v1",
                team="care",
                start=datetime(2026, 12, 1, 9, 15),
                end=datetime(2026, 12, 1, 9, 45),
                walk_minutes=1.666,
            )
        ],
        unassigned=[Unassigned(request_id="r2", reason=Reason.NONE_WITHIN_REACH, detail="far")],
        summary=Summary(
            status="optimal",
            strategy="greedy",  # made by hand; any strategy the summary accepts
            served_weight=4,
            upper_bound=4,
            gap=0.0,
            walk_minutes=1.666,
            requests_total=2,
            requests_served=1,
            requests_unassigned=1,
            assignments=1,
            solve_seconds=0.0,
            seed=0,
            settings={"walking_speed_m_per_min": 75.0},
        ),
    )
    shutil.rmtree(folder / "schedule")  # hand-written files: the writer would refuse them
    write_solution(solution, folder / "schedule")
    assert check(folder).ok


def test_walking_settings_come_from_the_summary(folder: Path) -> None:
    summary = {"status": "feasible", "settings": {"walking_speed_m_per_min": 1.0}}
    (folder / "schedule" / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    report = check(folder)
    assert [str(v.rule) for v in report.violations] == ["R5 reach"]


def test_settings_option_overrides_the_summary(folder: Path) -> None:
    summary = {"status": "feasible", "settings": {"walking_speed_m_per_min": 1.0}}
    (folder / "schedule" / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    settings = folder / "settings.json"
    settings.write_text(json.dumps({"walking_speed_m_per_min": 75.0}), encoding="utf-8")
    assert check(folder, settings=settings).ok


def test_summary_with_full_settings_dump_is_read(folder: Path) -> None:
    from matcher._internal.model import Settings

    dump = json.loads(Settings(detour_factor=200.0).model_dump_json())
    summary = {"status": "feasible", "settings": dump}
    (folder / "schedule" / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    assert [str(v.rule) for v in check(folder).violations] == ["R5 reach"]


def test_malformed_assignments_name_file_line_and_field(folder: Path) -> None:
    bad = [{**ASSIGNED[0], "start": "soon"}, {**ASSIGNED[0], "volunteer_id": ""}]
    write_csv(folder / "schedule" / "assignments.csv", bad)
    assert issues_of(folder) == [
        ("assignments.csv", "line 2", "start"),
        ("assignments.csv", "line 3", "volunteer_id"),
    ]


def test_missing_files_and_columns_are_input_errors(folder: Path) -> None:
    (folder / "schedule" / "unassigned.csv").unlink()
    assert issues_of(folder) == [("unassigned.csv", "", "")]
    write_csv(folder / "schedule" / "unassigned.csv", [{"request_id": "r2"}])
    assert issues_of(folder) == [
        ("unassigned.csv", "header", "reason"),
        ("unassigned.csv", "header", "detail"),
    ]


def test_bad_summary_is_an_input_error(folder: Path) -> None:
    path = folder / "schedule" / "summary.json"
    path.write_text("{not json", encoding="utf-8")
    assert issues_of(folder) == [("summary.json", "", "")]
    path.write_text(json.dumps({"settings": {"detour_factor": 0.5}}), encoding="utf-8")
    assert issues_of(folder) == [("summary.json", "", "settings.detour_factor")]


def test_input_and_schedule_errors_come_together(folder: Path) -> None:
    write_csv(folder / "volunteers.csv", [{**VOLUNTEERS[0], "lat": "north"}])
    write_csv(folder / "schedule" / "assignments.csv", [{**ASSIGNED[0], "end": ""}])
    assert issues_of(folder) == [
        ("volunteers.csv", "line 2", "lat"),
        ("assignments.csv", "line 2", "end"),
    ]


def cli(root: Path, *extra: str) -> Any:
    args = [
        "check",
        "--volunteers",
        str(root / "volunteers.csv"),
        "--requests",
        str(root / "requests.csv"),
        "--schedule",
        str(root / "schedule"),
        *extra,
    ]
    return CliRunner().invoke(app, args)


def test_cli_exit_ok(folder: Path) -> None:
    result = cli(folder)
    assert result.exit_code == ExitCode.OK, result.output
    assert "OK: 1 assignments, 1 served, 1 unassigned, 0 violations" in result.stdout


def test_cli_exit_violations(folder: Path) -> None:
    write_csv(folder / "schedule" / "assignments.csv", [{**ASSIGNED[0], "end": f"{DAY}09:40"}])
    result = cli(folder)
    assert result.exit_code == ExitCode.VIOLATIONS
    assert "R3 crew [request r1, volunteer v1]" in result.stdout
    assert "FAIL:" in result.stdout


def test_cli_exit_bad_input(folder: Path) -> None:
    write_csv(folder / "schedule" / "assignments.csv", [{**ASSIGNED[0], "start": "soon"}])
    result = cli(folder)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "assignments.csv, line 2, field 'start'" in result.stderr
