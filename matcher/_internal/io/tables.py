"""Read a table (CSV, Parquet, JSON, or a DataFrame) into raw records labelled by row.

Nothing is interpreted here beyond what the format itself knows: CSV cells stay text, so the
model layer sees exactly what the user wrote and can name it in an error. Problems with the
shape of a table (a CSV row with too many cells, a JSON item that is not an object) are kept
on the table as issues, so they are reported together with every bad value of the file.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from matcher._internal.io.errors import InputError, Issue

SUPPORTED_SUFFIXES = (".csv", ".parquet", ".pq", ".json")


@dataclass
class RawTable:
    """Records of one input table, each with the row label an error message should use."""

    source: str
    columns: list[str]
    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    header: str | None = "header"
    """Row label of the header (``line 1`` in CSV); ``None`` for formats without one (JSON,
    lists of mappings), where a column exists only through the records that carry it."""
    issues: list[Issue] = field(default_factory=list)
    """Problems with the table's shape, found while reading it."""

    def __iter__(self) -> Iterator[tuple[str, dict[str, Any]]]:
        return iter(self.rows)


def is_missing(value: Any) -> bool:
    """Empty cells, None, NaN, NaT and pandas' NA all mean 'not given'."""
    if isinstance(value, str):
        return value.strip() == ""
    if value is None:
        return True
    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


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
    except UnicodeDecodeError as exc:
        message = f"is not UTF-8 text (byte {exc.start}); save it with UTF-8 encoding"
        raise InputError([Issue(source, "", "", message)]) from exc
    except (OSError, ValueError) as exc:
        raise InputError([Issue(source, "", "", f"cannot be read: {exc}")]) from exc


def _read_csv(path: Path, source: str) -> RawTable:
    """Records of a CSV file, labelled with the line number a spreadsheet shows.

    The header is line 1. Blank rows are skipped but still counted, and a cell that spans
    several physical lines (quoted) is still one spreadsheet row, so the labels match the row
    numbers a coordinator sees when opening the file.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, skipinitialspace=True)
        try:
            lines = list(reader)
        except csv.Error as exc:
            raise InputError(
                [Issue(source, f"line {reader.line_num}", "", f"is not valid CSV: {exc}")]
            ) from exc
    table = RawTable(source, [], header="line 1")
    if not lines:  # even an empty table has a header; a truncated export may not
        table.issues.append(Issue(source, "line 1", "", "file is empty; expected a header line"))
        return table
    header = [cell.strip() for cell in lines[0]]
    while header and not header[-1]:
        header.pop()  # trailing separators a spreadsheet leaves behind
    first_at: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name in first_at:
            table.issues.append(
                Issue(
                    source,
                    "line 1",
                    name,
                    f"column appears twice (columns {first_at[name]} and {position})",
                )
            )
        else:
            first_at.setdefault(name, position)
    table.columns = list(first_at)
    for number, cells in enumerate(lines[1:], start=2):
        values = [cell.strip() for cell in cells]
        if not any(values):
            continue
        extra = values[len(header) :]
        if any(extra):
            table.issues.append(
                Issue(
                    source,
                    f"line {number}",
                    "",
                    f"has {len(values)} cells but the header has {len(header)} columns",
                )
            )
            continue
        record: dict[str, str] = {}
        for name, value in zip(header, values, strict=False):
            record.setdefault(name, value)
        table.rows.append((f"line {number}", _clean(record)))
    return table


def _read_json(path: Path, source: str) -> RawTable:
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            [
                Issue(
                    source,
                    f"line {exc.lineno}",
                    "",
                    f"is not valid JSON: {exc.msg} (column {exc.colno})",
                )
            ]
        ) from exc
    if isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), list):
        data = next(iter(data.values()))  # {"volunteers": [...]} is accepted too
    if not isinstance(data, list):
        raise InputError([Issue(source, "", "", "expected a JSON list of records")])
    return records_table(data, source, row_word="record")


def records_table(items: list[Any], source: str, *, row_word: str) -> RawTable:
    """Records of a list of mappings, labelled `<row_word> <index>`; others become issues."""
    table = RawTable(source, [], header=None)
    columns: dict[str, None] = {}
    for index, record in enumerate(items):
        row = f"{row_word} {index}"
        if not isinstance(record, Mapping):
            table.issues.append(
                Issue(source, row, "", f"is not a record of named fields (got {record!r:.60})")
            )
            continue
        columns.update(dict.fromkeys(str(k).strip() for k in record))
        table.rows.append((row, _clean(record)))
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


_TRAILING_NUMBER = re.compile(r"(\d+)$")


def row_position(row: str) -> int:
    """Where a row label sits in its table, for ordering issues; header labels come first."""
    if row == "line 1":
        return -1
    match = _TRAILING_NUMBER.search(row)
    return int(match.group(1)) if match else -1
