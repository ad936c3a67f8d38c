"""Build a validated `Problem` from files, DataFrames or model lists."""

from __future__ import annotations

import json
import logging
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from pydantic import BaseModel, ValidationError

from matcher._internal.io.errors import InputError, Issue
from matcher._internal.io.inputs.crosscheck import (
    duplicate_ids,
    unknown_teams,
    walking_table_issues,
    warnings_for,
)
from matcher._internal.io.inputs.records import has_valid_row, parse_records, required_columns
from matcher._internal.io.inputs.recurring import (
    expand,
    planning_horizon,
    walking_rows_for_occurrences,
)
from matcher._internal.io.inputs.tables import (
    RawTable,
    frame_table,
    path_issue,
    read_table,
    records_table,
    row_position,
)
from matcher._internal.model import (
    QINXIAN_TEAMS,
    Problem,
    Request,
    Settings,
    Team,
    Volunteer,
    WalkingTime,
)

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
TableInput = str | Path | pd.DataFrame | RawTable | Sequence[Any]
"""A path to CSV/Excel/Parquet/JSON, a DataFrame, or a list of models or mappings."""

SETTINGS_SUFFIXES = (".toml", ".json")

FIRST_ROWS = 1000
"""A file is judged on this many data rows before it is read whole: if not one of them is
valid, it is refused there (see `raw_table`). A real export's rows are nearly all valid, so
a thousand invalid ones in a row say the file is something else; they validate in a
fraction of a second and bounded memory, and are far more errors than anyone reads (an
error message shows 50)."""

TABLE_MODELS: dict[str, type[BaseModel]] = {
    "volunteers": Volunteer,
    "requests": Request,
    "teams": Team,
    "walking": WalkingTime,
}
"""What each input table's rows must be."""


def load_problem(
    volunteers: TableInput,
    requests: TableInput,
    teams: TableInput | None = None,
    settings: Settings | Mapping[str, Any] | str | Path | None = None,
    walking: TableInput | None = None,
) -> Problem:
    """Read and validate one run's input; raise `InputError` listing every problem found.

    A recurring request (its `recurrence` column holds an RRULE) becomes one request per
    occurrence inside the planning horizon (`Settings.horizon_start` and `horizon_days`;
    by default the days the volunteers' availability covers), named
    `<request_id>@<YYYY-MM-DD>`.

    Every table is read and validated in full before anything is raised, so one error lists
    the problems of all files, ordered by file and row.
    """
    settings = load_settings(settings)
    issues: list[Issue] = []
    warnings: list[str] = []

    if teams is None:
        team_list = list(QINXIAN_TEAMS)
        teams_ok = True
    else:
        team_list = _load_teams(teams, settings, issues, warnings)
        teams_ok = not issues
    vol_rows, vol_raw = _parse(volunteers, "volunteers", Volunteer, settings, issues, warnings)
    req_rows, req_raw = _parse(requests, "requests", Request, settings, issues, warnings)
    walk_rows: list[tuple[str, WalkingTime]] = []
    if walking is not None:
        walk_rows, _ = _parse(walking, "walking", WalkingTime, settings, issues, warnings)
    vol_source = _source_name(volunteers, "volunteers")
    req_source = _source_name(requests, "requests")
    issues += duplicate_ids(vol_source, vol_raw, "volunteer_id")
    issues += duplicate_ids(req_source, req_raw, "request_id")
    if teams_ok:  # a broken catalogue would make every team look unknown
        issues += unknown_teams(vol_source, vol_raw, team_list)
        issues += unknown_teams(req_source, req_raw, team_list)
    if walking is not None:
        places = {v.volunteer_id for _, v in vol_rows} | {r.request_id for _, r in req_rows}
        issues += walking_table_issues(_source_name(walking, "walking"), walk_rows, places)
    vols = [v for _, v in vol_rows]
    expansion = expand(req_source, req_rows, planning_horizon(settings, vols))
    issues += expansion.issues
    warnings += expansion.warnings
    if issues:
        raise InputError(_in_reading_order(issues))

    req_rows = expansion.rows
    walk_rows = walking_rows_for_occurrences(walk_rows, expansion.occurrences_of)
    warnings += warnings_for(req_source, req_rows, vols, team_list)
    for warning in warnings:
        log.warning(warning)
    return Problem(
        volunteers=tuple(vols),
        requests=tuple(r for _, r in req_rows),
        teams=tuple(team_list),
        settings=settings,
        walking_times=tuple(w for _, w in walk_rows),
        warnings=tuple(warnings),
    )


def load_settings(settings: Settings | Mapping[str, Any] | str | Path | None) -> Settings:
    """Settings from a model, a mapping, or a JSON or TOML file."""
    if settings is None:
        return Settings()
    if isinstance(settings, Settings):
        return settings
    source = "settings"
    if isinstance(settings, str | Path):
        path = Path(settings)
        source = path.name
        suffix = path.suffix.lower()
        not_a_file = path_issue(path, "settings", SETTINGS_SUFFIXES)
        if not_a_file is not None:
            raise InputError([not_a_file])
        if suffix not in SETTINGS_SUFFIXES:
            message = f"unsupported settings file type {suffix!r}; use .toml or .json"
            raise InputError([Issue(str(path), "", "", message)])
        try:
            text = path.read_text(encoding="utf-8-sig")
            data = tomllib.loads(text) if suffix == ".toml" else json.loads(text)
        except (OSError, ValueError) as exc:
            raise InputError([Issue(str(path), "", "", f"cannot be read: {exc}")]) from exc
    else:
        data = dict(settings)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise InputError([_settings_issue(source, e) for e in exc.errors()]) from exc


def _settings_issue(source: str, error: Any) -> Issue:
    field = ".".join(map(str, error["loc"]))
    if error["type"] == "extra_forbidden":
        known = ", ".join(Settings.model_fields)
        return Issue(source, "", field, f"unknown setting; known settings: {known}")
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] not in ("value_error", "missing"):
        message = f"{message} (got {error.get('input')!r})"
    return Issue(source, "", field, message)


def _source_name(data: TableInput, what: str) -> str:
    if isinstance(data, RawTable):
        return data.source
    if isinstance(data, str | Path):
        return Path(data).name
    if isinstance(data, pd.DataFrame):
        return f"{what} DataFrame"
    return f"{what} list"


def validation_context(settings: Settings) -> dict[str, Any]:
    """What the models need to read a row (times without an offset are local time)."""
    return {"timezone": settings.timezone}


def raw_table(data: TableInput, what: str, settings: Settings | None = None) -> RawTable:
    """The table's records as written, labelled by row (a workbook's sheet named `what`
    first); reading errors are an `InputError` naming the file.

    A file is judged on its first `FIRST_ROWS` data rows before it is read whole, so that
    one which is clearly not a `what` table (random text, another table, a log) is refused
    in a second and a few megabytes rather than after validating every line. The rows are
    read with `settings` (default: the defaults).
    """
    if isinstance(data, RawTable):
        return data
    if isinstance(data, str | Path):
        first = read_table(data, table=what, limit=FIRST_ROWS)
        if first.complete:
            return first
        _refuse_if_hopeless(first, what, settings or Settings())
        return read_table(data, table=what)
    source = _source_name(data, what)
    if isinstance(data, pd.DataFrame):
        return frame_table(data, source, row_word="row")
    records = [r.model_dump() if isinstance(r, BaseModel) else r for r in list[Any](data)]
    return records_table(records, source, row_word="item")


def _refuse_if_hopeless(first: RawTable, what: str, settings: Settings) -> None:
    """Refuse a file none of whose first rows (`first`, a limited read) is a valid `what`
    row, with the errors of those rows, when reading on could not change the run's outcome:
    the file lacks a required column (it is refused whatever its later rows hold), or it
    names no community (its one community cannot be planned). A city's file with all its
    columns is read on: the bad rows may all be one community's, and the others must still
    be planned and every bad row listed."""
    model = TABLE_MODELS[what]
    context = validation_context(settings)
    complete_header = all(c in first.columns for c in required_columns(model))
    if complete_header and "community" in model.model_fields and "community" in first.columns:
        return
    if has_valid_row(first, model, context=context):
        return
    _, issues, _ = parse_records(first, model, context=context)
    stop = (
        f"not one of its first {FIRST_ROWS} rows is a valid {what} row, so the rest of the "
        f"file was not read (is it the {what} file?); the errors of those rows follow"
    )
    raise InputError([Issue(first.source, "", "", stop), *issues])


def _parse(
    data: TableInput,
    what: str,
    model: type[M],
    settings: Settings,
    issues: list[Issue],
    warnings: list[str],
) -> tuple[list[tuple[str, M]], list[tuple[str, dict[str, Any]]]]:
    """The valid models of a table and all its raw records, both with their row labels."""
    try:
        table = raw_table(data, what, settings)
    except InputError as exc:
        issues.extend(exc.issues)
        return [], []
    context = validation_context(settings)
    rows, found, noted = parse_records(table, model, context=context)
    issues.extend(found)
    warnings.extend(noted)
    return rows, table.rows


def _load_teams(
    teams: TableInput, settings: Settings, issues: list[Issue], warnings: list[str]
) -> list[Team]:
    rows, _ = _parse(teams, "teams", Team, settings, issues, warnings)
    source = _source_name(teams, "teams")
    seen: dict[str, str] = {}
    for row, team in rows:
        if team.code in seen:
            issues.append(
                Issue(
                    source,
                    row,
                    "code",
                    f"duplicate team code {team.code!r} (first at {seen[team.code]})",
                )
            )
        seen.setdefault(team.code, row)
    return [t for _, t in rows]


def _in_reading_order(issues: list[Issue]) -> list[Issue]:
    """Issues grouped by file (in the order the files were read), then by row."""
    rank: dict[str, int] = {}
    for issue in issues:
        rank.setdefault(issue.source, len(rank))
    return sorted(issues, key=lambda i: (rank[i.source], row_position(i.row)))
