"""Inputs people actually have: Excel workbooks, CSV from Chinese Excel (GBK/GB18030), CSV
with a byte-order mark or in UTF-16, and `;`- or tab-delimited CSV."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from typer.testing import CliRunner

from matcher import InputError, Problem, load_problem
from matcher._internal.exit_codes import ExitCode
from matcher._internal.io.errors import Issue
from matcher._internal.io.inputs.tables import read_table
from matcher._internal.io.inputs.workbook import cell_text
from matcher.cli import app

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
VOLUNTEERS = SAMPLE / "volunteers.csv"
REQUESTS = SAMPLE / "requests.csv"
HEADER = ["volunteer_id", "team", "lat", "lon", "availability", "max_minutes_per_day", "name"]
ROWS = [
    ["v1", "care", "31.2", "121.4", "2026-12-01T08:00/2026-12-01T12:00", "240", "王芳"],
    ["v2", "care", "31.3", "121.5", "", "120", "李建国"],
]


def read_issues(path: Path) -> list[Issue]:
    with pytest.raises(InputError) as caught:
        read_table(path)
    return caught.value.issues


def load_issues(volunteers: Path, requests: Path = REQUESTS) -> list[Issue]:
    with pytest.raises(InputError) as caught:
        load_problem(volunteers, requests)
    return caught.value.issues


def same_problem(a: Problem, b: Problem) -> bool:
    return (a.volunteers, a.requests, a.teams) == (b.volunteers, b.requests, b.teams)


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def records(path: Path) -> list[tuple[str, dict[str, Any]]]:
    return read_table(path).rows


@pytest.fixture(scope="module")
def sample_problem() -> Problem:
    return load_problem(VOLUNTEERS, REQUESTS)


def sample_frame(path: Path) -> pd.DataFrame:
    """A sample table as pandas reads it: numbers typed, empty cells NaN (so whole-number
    columns with gaps are floats), window times as real date-times."""
    frame = pd.read_csv(path)
    for column in ("earliest_start", "latest_start"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column])
    return frame


# --- Excel -------------------------------------------------------------------------------


def test_the_sample_as_xlsx_is_the_same_problem(tmp_path: Path, sample_problem: Problem) -> None:
    volunteers, requests = tmp_path / "v.xlsx", tmp_path / "r.xlsx"
    vol_frame = sample_frame(VOLUNTEERS)
    assert vol_frame["max_tasks_per_day"].dtype == float  # 240.0-style cells are exercised
    vol_frame.to_excel(volunteers, index=False)
    sample_frame(REQUESTS).to_excel(requests, index=False)
    assert same_problem(load_problem(volunteers, requests), sample_problem)


def test_one_workbook_with_a_sheet_per_table(tmp_path: Path, sample_problem: Problem) -> None:
    roster = tmp_path / "roster.xlsx"
    with pd.ExcelWriter(roster) as writer:
        pd.DataFrame({"read me": ["first sheet: not a table"]}).to_excel(
            writer, sheet_name="Notes", index=False
        )
        sample_frame(REQUESTS).to_excel(writer, sheet_name=" Requests ", index=False)
        sample_frame(VOLUNTEERS).to_excel(writer, sheet_name="volunteers", index=False)
    assert same_problem(load_problem(roster, roster), sample_problem)


def test_the_first_sheet_when_none_is_named_like_the_table(tmp_path: Path) -> None:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "名册"
    for row in [HEADER, *ROWS]:
        first.append(row)
    book.create_sheet("other").append(["x"])
    book.save(tmp_path / "v.xlsx")
    table = read_table(tmp_path / "v.xlsx", table="volunteers")
    assert [row for row, _ in table] == ["sheet '名册', row 2", "sheet '名册', row 3"]
    assert table.rows[0][1]["name"] == "王芳"


def test_a_bad_cell_is_named_by_file_sheet_row_and_column(tmp_path: Path) -> None:
    frame = sample_frame(VOLUNTEERS)
    frame.loc[5, "lat"] = 137.9  # Excel row 7: the header is row 1
    path = tmp_path / "roster.xlsx"
    frame.to_excel(path, sheet_name="volunteers", index=False)
    (issue,) = load_issues(path)
    assert (issue.source, issue.row, issue.field) == (
        "roster.xlsx",
        "sheet 'volunteers', row 7",
        "lat",
    )
    assert str(issue).startswith("roster.xlsx, sheet 'volunteers', row 7, field 'lat': ")
    assert "137.9" in issue.message


def test_excel_rows_keep_their_numbers_across_blank_rows(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(ROWS[0])
    sheet.append([])
    sheet.append([None, None, None])
    sheet.append(["v3", "care", "north", 121.4, None, 240.0])
    book.save(tmp_path / "v.xlsx")
    issues = load_issues(tmp_path / "v.xlsx")
    assert [(i.row, i.field) for i in issues] == [("sheet 'Sheet', row 5", "lat")]


def test_excel_cells_read_as_the_text_a_user_would_type() -> None:
    assert cell_text(240.0) == "240"
    assert cell_text(240) == "240"
    assert cell_text(31.25) == "31.25"
    assert cell_text(dt.datetime(2026, 12, 1, 9, 10)) == "2026-12-01T09:10:00"
    assert cell_text(dt.datetime(2026, 12, 1, 9, 9, 59, 999_000)) == "2026-12-01T09:10:00"
    assert cell_text(dt.date(2026, 12, 1)) == "2026-12-01"
    assert cell_text(True) == "TRUE"
    assert cell_text(None) == ""
    assert cell_text(" 王芳 ") == "王芳"


def test_excel_date_cells_are_valid_windows(tmp_path: Path) -> None:
    frame = sample_frame(REQUESTS).head(3)
    frame["duration_minutes"] = frame["duration_minutes"].astype(float)  # 35.0 and so on
    frame.to_excel(tmp_path / "r.xlsx", index=False)
    loaded = load_problem(VOLUNTEERS, tmp_path / "r.xlsx").requests
    expected = load_problem(VOLUNTEERS, REQUESTS).requests[:3]
    assert loaded == expected


def test_an_empty_sheet_is_an_error(tmp_path: Path) -> None:
    Workbook().save(tmp_path / "v.xlsx")
    issues = load_issues(tmp_path / "v.xlsx")
    assert [(i.source, i.row) for i in issues] == [("v.xlsx", "sheet 'Sheet', row 1")]
    assert "sheet is empty" in issues[0].message


@pytest.mark.parametrize(
    "content",
    [b"not a workbook at all", b"PK\x03\x04 truncated zip", b""],
    ids=["text", "truncated-zip", "empty"],
)
def test_an_unreadable_workbook_is_named(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(content)
    (issue,) = read_issues(path)
    assert (issue.source, issue.row, issue.field) == ("roster.xlsx", "", "")
    assert "is not a readable .xlsx workbook" in issue.message


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    (issue,) = read_issues(path)
    assert "is not a readable .xlsx workbook" in issue.message


def test_old_excel_files_ask_for_xlsx_or_csv(tmp_path: Path) -> None:
    (tmp_path / "roster.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64))
    (issue,) = read_issues(tmp_path / "roster.xls")
    assert issue.source == "roster.xls"
    assert "save it as .xlsx or as CSV" in issue.message
    (tmp_path / "renamed.xlsx").write_bytes((tmp_path / "roster.xls").read_bytes())
    (issue,) = read_issues(tmp_path / "renamed.xlsx")
    assert "old-format Excel workbook (.xls)" in issue.message


def test_the_cli_solves_xlsx_inputs(tmp_path: Path) -> None:
    volunteers, requests = tmp_path / "v.xlsx", tmp_path / "r.xlsx"
    sample_frame(VOLUNTEERS).to_excel(volunteers, index=False)
    sample_frame(REQUESTS).to_excel(requests, index=False)
    out = tmp_path / "out"
    args = ["--volunteers", str(volunteers), "--requests", str(requests)]
    result = CliRunner().invoke(app, ["solve", *args, "--out", str(out), "--time-limit", "2"])
    assert result.exit_code == ExitCode.OK, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["requests_total"] == 150
    result = CliRunner().invoke(app, ["check", *args, "--schedule", str(out)])
    assert result.exit_code == ExitCode.OK, result.output


def test_the_cli_names_the_sheet_row_and_column(tmp_path: Path) -> None:
    frame = sample_frame(VOLUNTEERS)
    frame.loc[5, "lat"] = 137.9
    frame.to_excel(tmp_path / "roster.xlsx", sheet_name="volunteers", index=False)
    args = ["--volunteers", str(tmp_path / "roster.xlsx"), "--requests", str(REQUESTS)]
    result = CliRunner().invoke(app, ["solve", *args, "--out", str(tmp_path / "out")])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "roster.xlsx, sheet 'volunteers', row 7, field 'lat': " in result.output


# --- Encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-16"])
def test_the_sample_in_other_encodings_is_the_same_problem(
    tmp_path: Path, encoding: str, sample_problem: Problem
) -> None:
    for source in (VOLUNTEERS, REQUESTS):
        text = source.read_text(encoding="utf-8")
        (tmp_path / source.name).write_bytes(text.encode(encoding))
    loaded = load_problem(tmp_path / VOLUNTEERS.name, tmp_path / REQUESTS.name)
    assert same_problem(loaded, sample_problem)
    assert any(v.name and "王" in v.name for v in loaded.volunteers)


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_bytes(codecs.BOM_UTF8 + csv_text([HEADER, *ROWS]).encode())
    assert read_table(path).columns[0] == "volunteer_id"


def test_excel_unicode_text_is_read(tmp_path: Path) -> None:
    """Excel's "Unicode text": UTF-16 with a byte-order mark, tab-delimited, saved as .txt."""
    path = tmp_path / "v.txt"
    path.write_bytes(csv_text([HEADER, *ROWS], delimiter="\t").encode("utf-16"))
    assert records(path) == records(write_csv(tmp_path / "v.csv", [HEADER, *ROWS]))


def write_csv(
    path: Path, rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    path.write_bytes(csv_text(rows, delimiter).encode(encoding))
    return path


def test_junk_bytes_are_named_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_bytes(csv_text([HEADER, ROWS[0]]).encode() + b"v2,care,\xff\xff,1,\r\n")
    (issue,) = read_issues(path)
    assert (issue.source, issue.row, issue.field) == ("v.csv", "line 3", "")
    assert "neither UTF-8 nor GB18030 (GBK) text: byte 0xff" in issue.message


def test_utf16_without_a_byte_order_mark_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_bytes(csv_text([HEADER, *ROWS]).encode("utf-16-le"))
    (issue,) = read_issues(path)
    assert (issue.source, issue.row) == ("v.csv", "line 1")
    assert "UTF-16 text without a byte-order mark" in issue.message


def test_a_workbook_named_csv_is_an_error(tmp_path: Path) -> None:
    pd.DataFrame({"a": [1]}).to_excel(tmp_path / "v.xlsx", index=False)
    (tmp_path / "v.csv").write_bytes((tmp_path / "v.xlsx").read_bytes())
    (issue,) = read_issues(tmp_path / "v.csv")
    assert "name it .xlsx" in issue.message


# --- Delimiters --------------------------------------------------------------------------


def rewrite(source: Path, target: Path, delimiter: str, encoding: str = "utf-8") -> Path:
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return write_csv(target, rows, delimiter, encoding)


@pytest.mark.parametrize("delimiter", [";", "\t", "|"], ids=["semicolon", "tab", "pipe"])
def test_the_sample_with_other_delimiters_is_the_same_problem(
    tmp_path: Path, delimiter: str, sample_problem: Problem
) -> None:
    volunteers = rewrite(VOLUNTEERS, tmp_path / "v.csv", delimiter)
    requests = rewrite(REQUESTS, tmp_path / "r.csv", delimiter, encoding="gb18030")
    if delimiter == ";":  # list cells that hold a `;` are quoted, as Excel does
        assert '"2026-12-01T08:00:00/2026-12-01T12:00:00;' in volunteers.read_text()
    assert same_problem(load_problem(volunteers, requests), sample_problem)


def test_semicolons_in_list_cells_do_not_make_a_comma_file_semicolon_delimited(
    tmp_path: Path,
) -> None:
    rows = [["volunteer_id", "skills"], ["v1", "first_aid;driving;nursing"], ["v2", "a;b"]]
    table = read_table(write_csv(tmp_path / "v.csv", rows))
    assert table.columns == ["volunteer_id", "skills"]
    assert table.rows[0][1]["skills"] == "first_aid;driving;nursing"


def test_a_semicolon_header_over_comma_rows_says_what_it_looks_like(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text(";".join(HEADER) + "\n" + "\n".join(",".join(r) for r in ROWS) + "\n")
    (issue,) = read_issues(path)
    assert (issue.source, issue.row) == ("v.csv", "line 1")
    assert "looks ';'-delimited (7 columns)" in issue.message
    assert "required column" not in str(load_issues(path))


def test_a_header_that_splits_two_ways_is_decided_by_the_rows(tmp_path: Path) -> None:
    rows = [["volunteer_id;team", "lat"], ["v1;care", "31.2"]]  # the rows split both ways
    (issue,) = read_issues(write_csv(tmp_path / "v.csv", rows))
    assert "looks ','-delimited (2 columns) and ';'-delimited (2 columns)" in issue.message
    rows = [["volunteer_id", "team;x"], ["v1", "care"]]  # only ',' fits the rows
    assert read_table(write_csv(tmp_path / "w.csv", rows)).columns == ["volunteer_id", "team;x"]


def test_a_header_only_semicolon_file_is_an_empty_table(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text(";".join(HEADER) + "\n")
    assert read_table(path).columns == HEADER


# --- Properties --------------------------------------------------------------------------

CELL = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK ideographs
        st.sampled_from("abcxyz019 ,;|\t\"'-_/:."),
    ),
    max_size=8,
).map(str.strip)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=5),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)
def test_chinese_text_survives_every_encoding_and_delimiter(
    tmp_path: Path, cells: list[list[str]], encoding: str, delimiter: str
) -> None:
    rows = [["编号", "名字", "队伍"], *[["v", *r[1:]] for r in cells]]
    data = csv_text(rows, delimiter).encode(encoding)
    if encoding == "gb18030":  # a few short GB18030 strings are also valid UTF-8
        assume(not _is_utf8(data))
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    table = read_table(path)
    assert table.columns == rows[0]
    expected = [{k: v for k, v in zip(rows[0], r, strict=True) if v} for r in rows[1:]]
    assert [record for _, record in table] == expected


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
