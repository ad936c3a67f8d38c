"""Read a table (CSV, Excel, Parquet, JSON, or a DataFrame) into raw records labelled by row.

Nothing is interpreted here beyond what the format itself knows: CSV and Excel cells stay
text (Excel's numbers and dates as the text a user would type), so the model layer sees
exactly what the user wrote and can name it in an error. Problems with the shape of a table
(a CSV row with too many cells, a JSON item that is not an object) are kept on the table as
issues, so they are reported together with every bad value of the file.

A reader can stop after the first rows (`limit`): a delimited text file is then decoded and
split only as far as those rows go, so a huge file that is not a table at all can be judged
on its start without being read whole (see `load.raw_table`).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from matcher._internal.io.errors import InputError, Issue
from matcher._internal.io.inputs.textfile import (
    HEAD_BYTES,
    SAMPLE_CHARS,
    decode_text,
    find_delimiter,
    head_codec,
)
from matcher._internal.io.inputs.workbook import read_sheet

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, *EXCEL_SUFFIXES, ".parquet", ".pq", ".json")


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
    complete: bool = True
    """False when reading stopped after the first rows (a `limit`) and more rows follow:
    `rows` and `issues` are then those of the first rows only."""

    def __iter__(self) -> Iterator[tuple[str, dict[str, Any]]]:
        return iter(self.rows)

    def keep(self, wanted: Callable[[dict[str, Any]], bool]) -> RawTable:
        """The table with only the records `wanted` accepts, and only the shape issues of
        those rows (or of no row)."""
        rows = [(label, record) for label, record in self.rows if wanted(record)]
        kept = {label for label, _ in rows}
        dropped = {label for label, _ in self.rows} - kept
        issues = [i for i in self.issues if i.row not in dropped]
        return RawTable(self.source, self.columns, rows, self.header, issues, self.complete)


def is_missing(value: Any) -> bool:
    """Empty cells, None, NaN, NaT and pandas' NA all mean 'not given'."""
    if isinstance(value, str):
        return value.strip() == ""
    if value is None:
        return True
    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


class Unreadable:
    """The community of a record whose `community` cell is not text."""


UNREADABLE = Unreadable()


def community_cell(record: Mapping[str, Any]) -> str | Unreadable | None:
    """The community a raw record names: its `community` text, None when empty or absent
    (the unnamed community), `UNREADABLE` when the cell is not text at all."""
    value = record.get("community")
    if is_missing(value):
        return None
    if isinstance(value, str):
        return value.strip() or None
    return UNREADABLE


def _clean(record: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(k).strip(): v for k, v in record.items() if not is_missing(v)}


def read_table(path: str | Path, table: str | None = None, *, limit: int | None = None) -> RawTable:
    """Read a CSV (or other delimited text), Excel, Parquet or JSON file.

    `table` names what the file holds (`volunteers`, `requests`, ...): a workbook's sheet of
    that name is read in preference to its first sheet. With a `limit`, only the header and
    the first `limit` data rows are kept (`complete` says whether that was all); CSV and
    Excel are then read no further than those rows. A file that cannot be read is an
    `InputError` naming it.
    """
    path = Path(path)
    source = path.name
    suffix = path.suffix.lower()
    not_a_file = path_issue(path, table, SUPPORTED_SUFFIXES)
    if not_a_file is not None:
        raise InputError([not_a_file])
    if suffix == ".xls":
        message = "is an old-format Excel workbook (.xls); save it as .xlsx or as CSV UTF-8"
        raise InputError([Issue(source, "", "", message)])
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
        if suffix in TEXT_SUFFIXES:
            return _read_csv(path, source, limit)
        if suffix in EXCEL_SUFFIXES:
            return _read_excel(path, source, table, limit)
        if suffix == ".json":
            return _read_json(path, source, limit)
        frame = pd.read_parquet(path)
        records = frame_table(frame.iloc[:limit], source, row_word="record", start=0)
        records.complete = limit is None or len(frame) <= limit
        return records
    except InputError:
        raise
    except (OSError, ValueError) as exc:
        raise InputError([Issue(source, "", "", f"cannot be read: {exc}")]) from exc


def path_issue(path: Path, what: str | None, suffixes: Sequence[str]) -> Issue | None:
    """Why `path` cannot be read as a file at all (missing, or a folder), or None. A folder
    is named as one, with the files inside it that could be meant (`what`: `volunteers`,
    ...), rather than as a file of an unsupported type ''."""
    if path.is_dir():
        try:
            files = sorted(
                p.name for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes
            )
        except OSError:
            files = []
        likely = [name for name in files if what and what in name.lower()] or files
        wanted = f"the {what} file" if what else "a file"
        if likely:
            shown = ", ".join(str(path / name) for name in likely[:3])
            more = ", ..." if len(likely) > 3 else ""
            inside = f" ({shown}{more})"
        else:
            inside = f"; it holds no {', '.join(suffixes)} file"
        return Issue(str(path), "", "", f"is a folder, not a file: give {wanted} inside it{inside}")
    if not path.exists():
        return Issue(str(path), "", "", "file not found")
    return None


def _read_csv(path: Path, source: str, limit: int | None) -> RawTable:
    """Records of a delimited text file, labelled with the line number a spreadsheet shows.

    The header is line 1. Blank rows are skipped but still counted, and a cell that spans
    several physical lines (quoted) is still one spreadsheet row, so the labels match the row
    numbers a coordinator sees when opening the file. The encoding (UTF-8, with or without a
    byte-order mark, GB18030/GBK, UTF-16 with a mark) and the delimiter (`,`, `;`, tab, `|`)
    are detected; see `textfile`. With a `limit`, the file is decoded as a stream and only
    as far as the first `limit` data rows go.
    """
    if limit is not None:
        try:
            return _read_csv_start(path, source, limit)
        except UnicodeDecodeError:
            pass  # a later byte not in the start's encoding: the whole read names it
    text, _ = decode_text(path.read_bytes(), source)
    lines = io.StringIO(text, newline="")
    return _csv_table(lines, find_delimiter(text, source), source, limit)


def _read_csv_start(path: Path, source: str, limit: int) -> RawTable:
    """The first `limit` data rows of a delimited text file, decoded as a stream in the
    encoding its first bytes are in; `UnicodeDecodeError` when a later byte is not."""
    with path.open("rb") as raw:
        head = raw.read(HEAD_BYTES)
        codec = head_codec(head, source, whole=len(head) < HEAD_BYTES)
        raw.seek(0)
        stream = io.TextIOWrapper(raw, encoding=codec, newline="")
        sample = stream.read(SAMPLE_CHARS)
        sample += stream.readline()  # the delimiter is found on whole lines
        lines = itertools.chain(io.StringIO(sample, newline=""), stream)
        return _csv_table(lines, find_delimiter(sample, source), source, limit)


def _csv_table(
    lines: Iterable[str], delimiter: str, source: str, limit: int | None = None
) -> RawTable:
    reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True)
    rows = enumerate(([cell.strip() for cell in cells] for cells in reader), start=1)
    try:
        first = next(rows, None)
        if first is None:  # even an empty table has a header; a truncated export may not
            table = RawTable(source, [], header="line 1")
            table.issues.append(
                Issue(source, "line 1", "", "file is empty; expected a header line")
            )
            return table
        return _grid_table(source, itertools.chain([first], rows), _line, limit)
    except csv.Error as exc:
        raise InputError(
            [Issue(source, f"line {reader.line_num}", "", f"is not valid CSV: {exc}")]
        ) from exc


def _line(number: int) -> str:
    return f"line {number}"


def _read_excel(path: Path, source: str, table: str | None, limit: int | None) -> RawTable:
    """Records of one sheet of a workbook, labelled `sheet 'name', row N` as Excel numbers
    rows; the header is the first non-blank row (row 1 in a plain export)."""
    sheet, rows = read_sheet(path, source, table, None if limit is None else limit + 2)

    def label(number: int) -> str:
        return f"sheet {sheet!r}, row {number}"

    if not rows:
        raw = RawTable(source, [], header=label(1))
        raw.issues.append(Issue(source, label(1), "", "sheet is empty; expected a header row"))
        return raw
    return _grid_table(source, iter(rows), label, limit)


def _grid_table(
    source: str,
    rows: Iterator[tuple[int, list[str]]],
    label: Callable[[int], str],
    limit: int | None = None,
) -> RawTable:
    """Records of a grid of text cells whose first row is the header; `label` names a row
    by its number. With a `limit`, rows are taken from `rows` only until that many non-blank
    data rows have been read (and one more, to know whether the table goes on)."""
    header_number, header = next(rows)
    header_label = label(header_number)
    header = list(header)
    while header and not header[-1]:
        header.pop()  # trailing separators a spreadsheet leaves behind
    table = RawTable(source, [], header=header_label)
    first_at: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name in first_at:
            table.issues.append(
                Issue(
                    source,
                    header_label,
                    name,
                    f"column appears twice (columns {first_at[name]} and {position})",
                )
            )
        else:
            first_at.setdefault(name, position)
    table.columns = list(first_at)
    taken = 0
    for number, values in rows:
        if not any(values):
            continue
        if limit is not None and taken == limit:
            table.complete = False
            break
        taken += 1
        extra = values[len(header) :]
        if any(extra):
            table.issues.append(
                Issue(
                    source,
                    label(number),
                    "",
                    f"has {len(values)} cells but the header has {len(header)} columns",
                )
            )
            continue
        record: dict[str, str] = {}
        for name, value in zip(header, values, strict=False):
            record.setdefault(name, value)
        table.rows.append((label(number), _clean(record)))
    return table


def _read_json(path: Path, source: str, limit: int | None) -> RawTable:
    text, _ = decode_text(path.read_bytes(), source)
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
    table = records_table(data[:limit], source, row_word="record")
    table.complete = limit is None or len(data) <= limit
    return table


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
