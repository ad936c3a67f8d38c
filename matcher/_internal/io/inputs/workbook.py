"""Excel workbooks (.xlsx): one sheet's rows as text, numbered as Excel shows them.

openpyxl reads the cells directly rather than through `pandas.read_excel`, which drops blank
rows (and with them the row numbers a coordinator sees) and guesses column types. Every cell
becomes the text a user would have typed into a CSV, so the model layer parses and reports
it the same way: a whole-number cell (`240`, stored by Excel as the float 240.0) is `240`, a
date-time cell is ISO 8601 (`2026-12-01T09:00:00`, to the second), a formula is the value
Excel last computed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from matcher._internal.io.errors import InputError, Issue

OLE2_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
"""The start of a legacy .xls workbook (and of an encrypted .xlsx)."""


def read_sheet(
    path: Path, source: str, table: str | None, limit: int | None = None
) -> tuple[str, list[tuple[int, list[str]]]]:
    """The chosen sheet's name and its non-blank rows as `(Excel row number, cell texts)`,
    the first `limit` of them when a limit is given (the rest is not read).

    The sheet is the one named like the table (`volunteers`, `requests`, ..., ignoring case
    and surrounding spaces) if the workbook has one, else the first (leftmost) worksheet.
    """
    with path.open("rb") as handle:
        start = handle.read(len(OLE2_SIGNATURE))
    if start == OLE2_SIGNATURE:
        message = (
            "is an old-format Excel workbook (.xls) or an encrypted one; save it as .xlsx"
            " (Excel Workbook, without a password) or as CSV UTF-8"
        )
        raise InputError([Issue(source, "", "", message)])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know
            book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        message = f"is not a readable .xlsx workbook ({type(exc).__name__}: {exc})"
        raise InputError([Issue(source, "", "", message)]) from exc
    try:
        sheets = list(book.worksheets)
        if not sheets:
            raise InputError([Issue(source, "", "", "workbook has no worksheet")])
        wanted = [s for s in sheets if table and s.title.strip().casefold() == table.casefold()]
        sheet = (wanted or sheets)[0]
        sheet.reset_dimensions()  # some writers record a wrong used range
        rows = list(itertools.islice(_rows(sheet.iter_rows(values_only=True)), limit))
    except InputError:
        raise
    except Exception as exc:  # a damaged part of the zip surfaces only while reading
        message = f"is not a readable .xlsx workbook ({type(exc).__name__}: {exc})"
        raise InputError([Issue(source, "", "", message)]) from exc
    finally:
        book.close()
    return sheet.title, rows


def _rows(values: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, list[str]]]:
    for number, cells in enumerate(values, start=1):
        texts = [cell_text(value) for value in cells]
        if any(texts):
            yield number, texts


def cell_text(value: Any) -> str:
    """A cell's value as the text a user would have typed for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        whole = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        return whole.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()
