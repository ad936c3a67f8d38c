"""The file readers: spreadsheet line numbers, file-level problems, the shapes each format takes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matcher import InputError, load_problem
from matcher._internal.io.errors import Issue
from matcher._internal.io.inputs.tables import is_missing, read_table

HEADER = "volunteer_id,team,lat,lon,availability"
V1 = "v1,care,31.2,121.4,2026-12-01T08:00/2026-12-01T12:00"
V2 = "v2,care,31.3,121.5,"
ONE_REQUEST = [
    {
        "request_id": "r1",
        "kind": "elderly_visit",
        "lat": 31.2,
        "lon": 121.4,
        "earliest_start": "2026-12-01T09:00",
        "latest_start": "2026-12-01T10:00",
        "duration_minutes": 30,
    }
]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def file_issues(path: Path) -> list[Issue]:
    with pytest.raises(InputError) as caught:
        read_table(path)
    return caught.value.issues


def load_issues(volunteers: Path) -> list[Issue]:
    with pytest.raises(InputError) as caught:
        load_problem(volunteers, ONE_REQUEST)
    return caught.value.issues


# --- CSV ---------------------------------------------------------------------------------


def test_csv_rows_carry_spreadsheet_line_numbers(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "v.csv", f"{HEADER}\n{V1}\n{V2}\n"))
    assert table.source == "v.csv"
    assert [row for row, _ in table] == ["line 2", "line 3"]


def test_blank_rows_are_skipped_but_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "v.csv", f"{HEADER}\n{V1}\n\n,,,,\n{V2.replace('31.3', 'x')}\n")
    assert [row for row, _ in read_table(path)] == ["line 2", "line 5"]
    assert [(i.row, i.field) for i in load_issues(path)] == [("line 5", "lat")]


def test_a_quoted_cell_over_two_lines_is_one_spreadsheet_row(tmp_path: Path) -> None:
    text = f'{HEADER},name\n{V1},"Wang\nFang"\nv2,care,north,121.5,,Li\n'
    path = write(tmp_path, "v.csv", text)
    assert [(i.row, i.field) for i in load_issues(path)] == [("line 3", "lat")]


def test_cells_are_trimmed_and_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text(
        " volunteer_id , team ,lat,lon,availability\n  v1 , care , 31.2, 121.4 ,\n",
        encoding="utf-8-sig",
    )
    problem = load_problem(path, ONE_REQUEST)
    (v,) = problem.volunteers
    assert (v.volunteer_id, v.team, v.lat, v.lon) == ("v1", "care", 31.2, 121.4)


def test_trailing_separators_are_harmless(tmp_path: Path) -> None:
    path = write(tmp_path, "v.csv", f"{HEADER},,\n{V1},,\n{V2},,\n")
    assert len(load_problem(path, ONE_REQUEST).volunteers) == 2


def test_a_row_with_too_many_cells_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "v.csv", f"{HEADER}\n{V1}\n{V2},surplus\nv3,care,95,121.4,\n")
    issues = load_issues(path)
    assert [(i.row, i.field) for i in issues] == [("line 3", ""), ("line 4", "lat")]
    assert issues[0].message == "has 6 cells but the header has 5 columns"


def test_a_column_named_twice_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "v.csv", f"{HEADER},lat\n{V1},0\n")
    issues = load_issues(path)
    assert [(i.row, i.field) for i in issues] == [("line 1", "lat")]
    assert "columns 3 and 6" in issues[0].message


def test_a_header_only_csv_is_an_empty_table(tmp_path: Path) -> None:
    path = write(tmp_path, "v.csv", f"{HEADER}\n")
    assert load_problem(path, ONE_REQUEST).volunteers == ()


def test_an_empty_csv_file_is_an_error_not_an_empty_table(tmp_path: Path) -> None:
    issues = load_issues(write(tmp_path, "v.csv", ""))
    assert [(i.source, i.row, i.field) for i in issues] == [("v.csv", "line 1", "")]
    assert issues[0].message == "file is empty; expected a header line"


def test_a_csv_that_is_not_utf8_is_read_as_gbk(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_bytes(f"{HEADER},name\n{V1},".encode() + "王芳\n".encode("gbk"))
    assert [r["name"] for _, r in read_table(path)] == ["王芳"]


def test_a_csv_in_no_known_encoding_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_bytes(f"{HEADER},name\n{V1},ok\n{V2},".encode() + b"\xff\xfe\x80\n")
    (issue,) = file_issues(path)
    assert (issue.source, issue.row) == ("v.csv", "line 3")
    assert "neither UTF-8 nor GB18030" in issue.message


# --- JSON --------------------------------------------------------------------------------


def test_json_records_are_labelled_by_index(tmp_path: Path) -> None:
    path = write(tmp_path, "v.json", '[{"volunteer_id": "v1"}, {"volunteer_id": "v2"}]')
    assert [row for row, _ in read_table(path)] == ["record 0", "record 1"]


def test_a_json_object_wrapping_one_list_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "v.json", '{"volunteers": [{"volunteer_id": "v1"}]}')
    assert [record for _, record in read_table(path)] == [{"volunteer_id": "v1"}]


def test_an_empty_json_list_is_an_empty_table(tmp_path: Path) -> None:
    assert load_problem(write(tmp_path, "v.json", "[]"), []).volunteers == ()


def test_malformed_json_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "v.json", '[\n  {"volunteer_id": "v1"},\n  {"volunteer_id": }\n]')
    (issue,) = file_issues(path)
    assert (issue.source, issue.row, issue.field) == ("v.json", "line 3", "")
    assert issue.message.startswith("is not valid JSON")


def test_json_that_is_not_a_list_of_records(tmp_path: Path) -> None:
    (issue,) = file_issues(write(tmp_path, "v.json", '{"a": 1, "b": 2}'))
    assert (issue.source, issue.message) == ("v.json", "expected a JSON list of records")


def test_a_json_item_that_is_not_an_object_is_named_with_the_rest(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "v.json",
        '[17, {"volunteer_id": "v2", "team": "care", "lat": 95, "lon": 1, "availability": []}]',
    )
    issues = load_issues(path)
    assert [(i.row, i.field) for i in issues] == [("record 0", ""), ("record 1", "lat")]


# --- Parquet and file-level problems -----------------------------------------------------


def test_parquet_records_are_labelled_by_index(tmp_path: Path) -> None:
    path = tmp_path / "v.parquet"
    pd.DataFrame({"volunteer_id": ["v1", "v2"], "lat": [1.0, None]}).to_parquet(path)
    table = read_table(path)
    assert table.rows == [
        ("record 0", {"volunteer_id": "v1", "lat": 1.0}),
        ("record 1", {"volunteer_id": "v2"}),
    ]


def test_a_file_that_is_not_parquet(tmp_path: Path) -> None:
    (issue,) = file_issues(write(tmp_path, "v.parquet", "volunteer_id\nv1\n"))
    assert issue.source == "v.parquet"
    assert issue.message.startswith("cannot be read")


def test_a_missing_file(tmp_path: Path) -> None:
    (issue,) = file_issues(tmp_path / "absent.csv")
    assert (issue.source, issue.row, issue.field) == (str(tmp_path / "absent.csv"), "", "")
    assert str(issue) == f"{tmp_path / 'absent.csv'}: file not found"


def test_an_unsupported_extension(tmp_path: Path) -> None:
    (issue,) = file_issues(write(tmp_path, "volunteers.ods", "not really"))
    assert issue.source.endswith("volunteers.ods")
    assert "unsupported file type '.ods'" in issue.message


def test_missing_values_in_every_spelling() -> None:
    missing: list[object] = [None, "", "  ", float("nan"), pd.NaT, pd.NA]
    given: list[object] = ["x", 0, 0.0, [], False]
    assert [is_missing(v) for v in missing] == [True] * len(missing)
    assert [is_missing(v) for v in given] == [False] * len(given)
