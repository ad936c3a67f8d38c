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

from matcher.io.crosscheck import duplicate_ids, unknown_teams, warnings_for
from matcher.io.errors import InputError, Issue
from matcher.io.records import parse_records
from matcher.io.tables import RawTable, frame_table, read_table
from matcher.model import QINXIAN_TEAMS, Problem, Request, Settings, Team, Volunteer

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
TableInput = str | Path | pd.DataFrame | Sequence[Any]
"""A path to CSV/Parquet/JSON, a DataFrame, or a list of models or mappings."""


def load_problem(
    volunteers: TableInput,
    requests: TableInput,
    teams: TableInput | None = None,
    settings: Settings | Mapping[str, Any] | str | Path | None = None,
) -> Problem:
    """Read and validate one run's input; raise `InputError` listing every problem found."""
    settings = load_settings(settings)
    context = {"timezone": settings.timezone}
    issues: list[Issue] = []
    warnings: list[str] = []

    team_list = list(QINXIAN_TEAMS) if teams is None else _load_teams(teams, issues)
    vol_rows = _parse(volunteers, "volunteers", Volunteer, context, issues, warnings)
    req_rows = _parse(requests, "requests", Request, context, issues, warnings)
    vol_source = _source_name(volunteers, "volunteers")
    req_source = _source_name(requests, "requests")
    issues += duplicate_ids(vol_source, vol_rows, "volunteer_id")
    issues += duplicate_ids(req_source, req_rows, "request_id")
    issues += unknown_teams(vol_source, vol_rows, team_list)
    issues += unknown_teams(req_source, req_rows, team_list)
    if issues:
        raise InputError(issues)

    vols = [v for _, v in vol_rows]
    warnings += warnings_for(req_source, req_rows, vols, team_list)
    for warning in warnings:
        log.warning(warning)
    return Problem(
        volunteers=tuple(vols),
        requests=tuple(r for _, r in req_rows),
        teams=tuple(team_list),
        settings=settings,
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
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
        except (OSError, ValueError) as exc:
            raise InputError([Issue(str(path), "", "", f"cannot be read: {exc}")]) from exc
    else:
        data = dict(settings)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            [Issue(source, "", ".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()]
        ) from exc


def _source_name(data: TableInput, what: str) -> str:
    if isinstance(data, str | Path):
        return Path(data).name
    if isinstance(data, pd.DataFrame):
        return f"{what} DataFrame"
    return f"{what} list"


def _raw(data: TableInput, what: str) -> RawTable:
    if isinstance(data, str | Path):
        return read_table(data)
    source = _source_name(data, what)
    if isinstance(data, pd.DataFrame):
        return frame_table(data, source, row_word="row")
    records: list[dict[str, Any]] = [
        r.model_dump() if isinstance(r, BaseModel) else dict(r) for r in list[Any](data)
    ]
    frame_columns: dict[str, None] = {}
    for r in records:
        frame_columns.update(dict.fromkeys(r))
    rows = [
        (f"item {i}", {k: v for k, v in r.items() if v is not None}) for i, r in enumerate(records)
    ]
    return RawTable(source, list(frame_columns), rows)


def _parse(
    data: TableInput,
    what: str,
    model: type[M],
    context: dict[str, Any],
    issues: list[Issue],
    warnings: list[str],
) -> list[tuple[str, M]]:
    try:
        table = _raw(data, what)
    except InputError as exc:
        issues.extend(exc.issues)
        return []
    rows, found, noted = parse_records(table, model, context=context)
    issues.extend(found)
    warnings.extend(noted)
    return rows


def _load_teams(teams: TableInput, issues: list[Issue]) -> list[Team]:
    rows = _parse(teams, "teams", Team, {}, issues, [])
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
