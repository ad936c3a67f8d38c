"""Turn raw records into validated models, collecting every error with its row and field."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from matcher.io.errors import Issue
from matcher.io.tables import RawTable

M = TypeVar("M", bound=BaseModel)


def required_columns(model: type[BaseModel]) -> list[str]:
    return [name for name, info in model.model_fields.items() if info.is_required()]


def parse_records(
    table: RawTable, model: type[M], *, context: dict[str, Any]
) -> tuple[list[tuple[str, M]], list[Issue], list[str]]:
    """Validate each record on its own.

    Returns the valid models with their row labels, the issues (one per bad value, plus one
    per missing column) and warnings (columns the contract does not know, which are ignored).
    """
    known = set(model.model_fields)
    issues: list[Issue] = []
    warnings: list[str] = []
    missing = [c for c in required_columns(model) if c not in table.columns]
    for column in missing:
        issues.append(Issue(table.source, "header", column, "required column is missing"))
    unknown = [c for c in table.columns if c not in known]
    if unknown:
        warnings.append(f"{table.source}: ignored unknown column(s) {', '.join(unknown)}")
    if missing:
        return [], issues, warnings

    parsed: list[tuple[str, M]] = []
    for row, record in table:
        values = {k: v for k, v in record.items() if k in known}
        try:
            parsed.append((row, model.model_validate(values, context=context)))
        except ValidationError as exc:
            issues.extend(_issues_from(exc, table.source, row))
    return parsed, issues, warnings


def _issues_from(exc: ValidationError, source: str, row: str) -> list[Issue]:
    issues = []
    for error in exc.errors(include_url=False):
        loc = error["loc"]
        field = str(loc[0]) if loc else ""
        detail = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc[1:])
        message = _plain_message(error)
        if detail:
            message = f"{field}{detail}: {message}"
        issues.append(Issue(source, row, field, message))
    return issues


def _plain_message(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        return "required value is missing"
    value = error.get("input")
    if error["type"] != "value_error" and not isinstance(value, dict | list):
        message = f"{message} (got {value!r})"
    return message
