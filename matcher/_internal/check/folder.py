"""Check a schedule folder written by `matcher solve` (or edited by hand) against its inputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from matcher._internal.check.findings import CheckReport
from matcher._internal.check.rows import ScheduleRows, parse_schedule
from matcher._internal.check.schedule import check_rows
from matcher._internal.io.errors import InputError, Issue
from matcher._internal.io.inputs.load import load_problem, load_settings
from matcher._internal.io.inputs.tables import read_table
from matcher._internal.model import Problem, Settings

SUMMARY = "summary.json"
STANDBYS = "standbys.csv"


def check_folder(
    volunteers: Path,
    requests: Path,
    schedule: Path,
    *,
    teams: Path | None = None,
    settings: Path | None = None,
    walking: Path | None = None,
) -> CheckReport:
    """Read the inputs and `schedule/assignments.csv`, `unassigned.csv` (and `standbys.csv`
    where the folder has one); check every rule.

    The walking model is the one the schedule was made with: `settings` if given, else the
    settings recorded in `schedule/summary.json`, else the contract's defaults. Every input
    problem, in the inputs and in the schedule files alike, comes back in one `InputError`.
    """
    schedule = Path(schedule)
    if not schedule.is_dir():
        raise InputError([Issue(str(schedule), "", "", "schedule folder not found")])
    chosen = load_settings(settings) if settings is not None else summary_settings(schedule)
    issues: list[Issue] = []
    problem: Problem | None = None
    rows: ScheduleRows | None = None
    try:
        problem = load_problem(volunteers, requests, teams=teams, settings=chosen, walking=walking)
    except InputError as exc:
        issues += exc.issues
    try:
        rows = parse_schedule(
            read_table(schedule / "assignments.csv"),
            read_table(schedule / "unassigned.csv"),
            chosen.timezone,
            read_table(schedule / STANDBYS) if (schedule / STANDBYS).exists() else None,
        )
    except InputError as exc:
        issues += exc.issues
    if issues or problem is None or rows is None:
        raise InputError(issues)
    return check_rows(problem, rows)


def summary_settings(schedule: Path) -> Settings:
    """The settings object recorded in `summary.json`, or defaults when there is none."""
    path = schedule / SUMMARY
    if not path.exists():
        return Settings()
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError([Issue(str(path), "", "", f"cannot be read: {exc}")]) from exc
    if not isinstance(data, dict):
        raise InputError([Issue(str(path), "", "", "expected a JSON object")])
    recorded = data.get("settings")
    if recorded is None:
        return Settings()
    if not isinstance(recorded, dict):
        raise InputError([Issue(str(path), "", "settings", "expected a JSON object")])
    try:
        return Settings.model_validate(recorded)
    except ValidationError as exc:
        raise InputError(
            [
                Issue(str(path), "", ".".join(["settings", *map(str, e["loc"])]), e["msg"])
                for e in exc.errors(include_url=False)
            ]
        ) from exc
