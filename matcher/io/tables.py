"""Read a table (CSV, Parquet, JSON, or a DataFrame) into raw records labelled by row.

Nothing is interpreted here beyond what the format itself knows: CSV cells stay text, so the
model layer sees exactly what the user wrote and can name it in an error.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from matcher.io.errors import InputError, Issue

SUPPORTED_SUFFIXES = (".csv", ".parquet", ".pq", ".json")


@dataclass
class RawTable:
    """Records of one input table, each with the row label an error message should use."""

    source: str
    columns: list[str]
    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __iter__(self) -> Iterator[tuple[str, dict[str, Any]]]:
        return iter(self.rows)


def is_missing(value: Any) -> bool:
    """Empty cells, None, NaN and NaT all mean 'not given'."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, float):
        return math.isnan(value)
    return value is pd.NaT


def _clean(record: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(k).strip(): v for k, v in record.items() if not is_missing(v)}


def read_table(path: str | Path) -> RawTable:
    """Read a CSV, Parquet or JSON file; a file that cannot be read is an `InputError`."""
    path = Path(path)
    source = path.name
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError([Issue(str(path), "", "", "file not found")])
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(
            [
                Issue(
                    str(path),
                    "",
                    "",
                    f"unsupported file type {suffix!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}",
                )
            ]
        )
    try:
        if suffix == ".csv":
            return _read_csv(path, source)
        if suffix == ".json":
            return _read_json(path, source)
        return frame_table(pd.read_parquet(path), source, row_word="record", start=0)
    except InputError:
        raise
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError([Issue(source, "", "", f"cannot be read: {exc}")]) from exc


def _read_csv(path: Path, source: str) -> RawTable:
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, skipinitialspace=True, encoding="utf-8-sig"
        )
    except pd.errors.EmptyDataError:
        return RawTable(source, [])
    # Spreadsheet line numbers: the header is line 1, so record i sits on line i + 2.
    return frame_table(frame, source, row_word="line", start=2)


def _read_json(path: Path, source: str) -> RawTable:
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), list):
        data = next(iter(data.values()))  # {"volunteers": [...]} is accepted too
    if not isinstance(data, list):
        raise InputError([Issue(source, "", "", "expected a JSON list of records")])
    table = RawTable(source, [])
    columns: dict[str, None] = {}
    issues: list[Issue] = []
    for index, record in enumerate(data):
        if not isinstance(record, dict):
            issues.append(Issue(source, f"record {index}", "", "is not a JSON object"))
            continue
        columns.update(dict.fromkeys(str(k) for k in record))
        table.rows.append((f"record {index}", _clean(record)))
    if issues:
        raise InputError(issues)
    table.columns = list(columns)
    return table


def frame_table(
    frame: pd.DataFrame, source: str, *, row_word: str = "row", start: int = 0
) -> RawTable:
    """Records of a DataFrame, labelled `<row_word> <start + position>`."""
    frame = frame.rename(columns=lambda c: str(c).strip())
    records = frame.to_dict(orient="records")
    rows = [(f"{row_word} {start + i}", _clean(r)) for i, r in enumerate(records)]
    return RawTable(source, list(frame.columns), rows)
