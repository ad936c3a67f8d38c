"""Turn raw records into validated models, collecting every error with its row and field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar, get_origin

from pydantic import BaseModel, ValidationError

from matcher._internal.io.errors import Issue
from matcher._internal.io.inputs.tables import RawTable

M = TypeVar("M", bound=BaseModel)


def required_columns(model: type[BaseModel]) -> list[str]:
    return [name for name, info in model.model_fields.items() if info.is_required()]


def _required_lists(model: type[BaseModel]) -> list[str]:
    """Required list-valued fields: the column must be there, but an empty cell is `[]`.

    The contract's `availability` is such a field: "empty means not available".
    """
    return [
        name
        for name, info in model.model_fields.items()
        if info.is_required() and get_origin(info.annotation) is list
    ]


def parse_records(
    table: RawTable, model: type[M], *, context: dict[str, Any]
) -> tuple[list[tuple[str, M]], list[Issue], list[str]]:
    """Validate each record on its own.

    Returns the valid models with their row labels, the issues (the table's own, one per bad
    value, plus one per missing column) and warnings (columns the contract does not know,
    which are ignored). A missing column does not hide the other errors of the file.
    """
    known = set(model.model_fields)
    issues: list[Issue] = list(table.issues)
    warnings: list[str] = []
    missing: list[str] = []
    if table.columns or table.rows:  # a table with neither is empty, not wrong
        missing = [c for c in required_columns(model) if c not in table.columns]
    for column in missing:
        if table.header is None:
            issues.append(Issue(table.source, "every record", column, "required field is missing"))
        else:
            issues.append(Issue(table.source, table.header, column, "required column is missing"))
    unknown = [c for c in table.columns if c not in known]
    if unknown:
        warnings.append(f"{table.source}: ignored unknown column(s) {', '.join(unknown)}")

    parsed: list[tuple[str, M]] = []
    for row, values in _model_inputs(table, model):
        try:
            parsed.append((row, model.model_validate(values, context=context)))
        except ValidationError as exc:
            found = _issues_from(exc, table.source, row)
            issues.extend(i for i in found if i.field not in missing)
    return parsed, issues, warnings


def has_valid_row(table: RawTable, model: type[BaseModel], *, context: dict[str, Any]) -> bool:
    """Whether any record of `table` is a valid `model`, as `parse_records` judges it;
    stops at the first that is."""
    for _, values in _model_inputs(table, model):
        try:
            model.model_validate(values, context=context)
        except ValidationError:
            continue
        return True
    return False


def _model_inputs(table: RawTable, model: type[BaseModel]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each record as the model is given it: its known fields, and `[]` for an empty cell
    of a required list column."""
    known = set(model.model_fields)
    empty_is_list = [c for c in _required_lists(model) if c in table.columns]
    for row, record in table:
        values = {k: v for k, v in record.items() if k in known}
        for column in empty_is_list:
            values.setdefault(column, [])
        yield row, values


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
