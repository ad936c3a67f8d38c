"""Every bad value is an `Issue` naming the file, the row and the field, in every format."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from matcher import InputError, load_problem
from matcher._internal.io import Issue

FORMATS = ["csv", "json", "parquet"]

# Two valid volunteers and two valid requests; each test spoils one value of a copy.
VOLUNTEERS: list[dict[str, Any]] = [
    {
        "volunteer_id": "v1",
        "team": "care",
        "skills": ["companionship"],
        "lat": 31.20,
        "lon": 121.40,
        "availability": ["2026-12-01T08:00/2026-12-01T12:00"],
    },
    {
        "volunteer_id": "v2",
        "team": "medical",
        "skills": ["nursing"],
        "lat": 31.21,
        "lon": 121.41,
        "availability": ["2026-12-01T13:00/2026-12-01T18:00"],
    },
]
REQUESTS: list[dict[str, Any]] = [
    {
        "request_id": "r1",
        "kind": "elderly_visit",
        "team": "care",
        "required_skills": ["companionship"],
        "lat": 31.20,
        "lon": 121.40,
        "earliest_start": "2026-12-01T09:00",
        "latest_start": "2026-12-01T10:00",
        "duration_minutes": 60,
        "volunteers_needed": 1,
        "priority": 3,
    },
    {
        "request_id": "r2",
        "kind": "health_check",
        "team": "medical",
        "required_skills": ["nursing"],
        "lat": 31.21,
        "lon": 121.41,
        "earliest_start": "2026-12-01T14:00",
        "latest_start": "2026-12-01T15:00",
        "duration_minutes": 30,
        "volunteers_needed": 2,
        "priority": 5,
    },
]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(map(str, value))
    return str(value)


def write_table(folder: Path, stem: str, fmt: str, records: list[dict[str, Any]]) -> Path:
    """Write records as CSV (`;`-lists), JSON (a list of objects) or Parquet."""
    path = folder / f"{stem}.{fmt}"
    if fmt == "csv":
        columns = list(dict.fromkeys(k for r in records for k in r))
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows([_cell(r.get(c)) for c in columns] for r in records)
    elif fmt == "json":
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    else:
        pd.DataFrame(records).to_parquet(path)
    return path


def row_label(fmt: str, index: int) -> str:
    """CSV rows are spreadsheet lines (header = line 1); JSON and Parquet use the index."""
    return f"line {index + 2}" if fmt == "csv" else f"record {index}"


def spoiled(records: list[dict[str, Any]], index: int, **changes: Any) -> list[dict[str, Any]]:
    copy = [dict(r) for r in records]
    copy[index].update(changes)
    return copy


def load_error(volunteers: Any, requests: Any, **kwargs: Any) -> list[Issue]:
    with pytest.raises(InputError) as caught:
        load_problem(volunteers, requests, **kwargs)
    return caught.value.issues


def test_the_fixtures_are_valid_in_every_format(tmp_path: Path) -> None:
    for fmt in FORMATS:
        problem = load_problem(
            write_table(tmp_path, "volunteers", fmt, VOLUNTEERS),
            write_table(tmp_path, "requests", fmt, REQUESTS),
        )
        assert [v.volunteer_id for v in problem.volunteers] == ["v1", "v2"]
        assert [r.request_id for r in problem.requests] == ["r1", "r2"]


# (table, row index, field, bad value, words the message must contain)
BAD_VALUES = [
    pytest.param("volunteers", 1, "lat", 95.0, "less than or equal to 90", id="lat-high"),
    pytest.param("volunteers", 0, "lat", -90.5, "greater than or equal to -90", id="lat-low"),
    pytest.param("volunteers", 0, "lon", -181.0, "greater than or equal to -180", id="lon-low"),
    pytest.param("requests", 1, "lon", 180.5, "less than or equal to 180", id="req-lon-high"),
    pytest.param("requests", 1, "priority", 9, "less than or equal to 5", id="priority-9"),
    pytest.param("requests", 0, "priority", 0, "greater than or equal to 1", id="priority-0"),
    pytest.param("requests", 1, "volunteers_needed", 0, "greater than or equal to 1", id="crew-0"),
    pytest.param(
        "requests", 0, "volunteers_needed", -2, "greater than or equal to 1", id="crew-negative"
    ),
    pytest.param(
        "requests", 0, "latest_start", "2026-12-01T08:30", "window ends", id="window-backwards"
    ),
    pytest.param(
        "volunteers",
        1,
        "availability",
        ["2026-12-01T08:00/2026-12-01T10:00", "2026-12-01T09:00/2026-12-01T11:00"],
        "overlap",
        id="availability-overlap",
    ),
    pytest.param(
        "volunteers",
        0,
        "availability",
        ["2026-12-01T12:00/2026-12-01T08:00"],
        "at or before its start",
        id="availability-backwards",
    ),
    pytest.param(
        "volunteers",
        0,
        "availability",
        ["2026-12-01T08:00 to 2026-12-01T12:00"],
        "not an interval of the form start/end",
        id="availability-not-interval",
    ),
    pytest.param(
        "requests", 1, "earliest_start", "next Tuesday", "not an ISO 8601 time", id="bad-time"
    ),
    pytest.param("volunteers", 1, "team", "Care", "unknown team code 'Care'", id="vol-team"),
    pytest.param("requests", 0, "team", "nursing_home", "unknown team code", id="req-team"),
    pytest.param("volunteers", 1, "volunteer_id", "v1", "duplicate id 'v1'", id="dup-volunteer"),
    pytest.param("requests", 1, "request_id", "r1", "duplicate id 'r1'", id="dup-request"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("table", "index", "field", "bad", "words"), BAD_VALUES)
def test_a_bad_value_is_named_by_file_row_and_field(
    tmp_path: Path, fmt: str, table: str, index: int, field: str, bad: Any, words: str
) -> None:
    volunteers, requests = VOLUNTEERS, REQUESTS
    if table == "volunteers":
        volunteers = spoiled(VOLUNTEERS, index, **{field: bad})
    else:
        requests = spoiled(REQUESTS, index, **{field: bad})
    issues = load_error(
        write_table(tmp_path, "volunteers", fmt, volunteers),
        write_table(tmp_path, "requests", fmt, requests),
    )

    assert len(issues) == 1, issues
    (issue,) = issues
    name, label = f"{table}.{fmt}", row_label(fmt, index)
    assert (issue.source, issue.row, issue.field) == (name, label, field)
    assert words in issue.message
    assert str(issue).startswith(f"{name}, {label}, field '{field}': ")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_duplicate_names_where_the_id_was_first_seen(tmp_path: Path, fmt: str) -> None:
    volunteers = [*VOLUNTEERS, dict(VOLUNTEERS[0])]
    issues = load_error(
        write_table(tmp_path, "volunteers", fmt, volunteers),
        write_table(tmp_path, "requests", fmt, REQUESTS),
    )
    assert [(i.row, i.field) for i in issues] == [(row_label(fmt, 2), "volunteer_id")]
    assert f"first at {row_label(fmt, 0)}" in issues[0].message


@pytest.mark.parametrize(
    ("field", "bad", "words"),
    [
        ("lat", "abc", "valid number"),
        ("lat", "nan", "finite number"),
        ("lon", "", "required value is missing"),
        ("max_walk_minutes", "ten", "valid integer"),
        ("max_minutes_per_day", "-5", "greater than or equal to 0"),
        ("availability", "2026-12-01T08:00", "not an interval"),
        ("volunteer_id", " ", "required value is missing"),
    ],
)
def test_bad_text_in_a_csv_cell(tmp_path: Path, field: str, bad: str, words: str) -> None:
    volunteers = spoiled(VOLUNTEERS, 1, **{field: bad})
    issues = load_error(
        write_table(tmp_path, "volunteers", "csv", volunteers),
        write_table(tmp_path, "requests", "csv", REQUESTS),
    )
    assert [(i.source, i.row, i.field) for i in issues] == [("volunteers.csv", "line 3", field)]
    assert words in issues[0].message


@pytest.mark.parametrize(
    ("field", "bad", "words"),
    [
        ("lat", "abc", "valid number"),
        ("lat", None, "required value is missing"),
        ("duration_minutes", 1.5, "valid integer"),
        ("duration_minutes", 0, "greater than or equal to 1"),
        ("earliest_start", 1764550800, "not an ISO 8601 time"),
        ("required_skills", 7, "valid list"),
    ],
)
def test_bad_values_in_a_json_record(tmp_path: Path, field: str, bad: Any, words: str) -> None:
    requests = spoiled(REQUESTS, 1, **{field: bad})
    issues = load_error(
        write_table(tmp_path, "volunteers", "json", VOLUNTEERS),
        write_table(tmp_path, "requests", "json", requests),
    )
    assert [(i.source, i.row, i.field) for i in issues] == [("requests.json", "record 1", field)]
    assert words in issues[0].message


def test_every_error_of_a_csv_file_is_reported_in_line_order(tmp_path: Path) -> None:
    path = tmp_path / "requests.csv"
    path.write_text(
        "request_id,kind,lat,lon,earliest_start,latest_start,duration_minutes,"
        "volunteers_needed,priority\n"
        "r1,ride,31.2,121.4,2026-12-01T09:00,2026-12-01T10:00,30,1,3\n"
        "r2,ride,north,121.4,2026-12-01T09:00,2026-12-01T10:00,30,-1,9\n"
        "r3,ride,31.2,121.4,2026-12-01T09:00,2026-12-01T08:00,30,1,3\n"
        "r1,ride,31.2,999,2026-12-01T09:00,2026-12-01T10:00,30,1,3\n",
        encoding="utf-8",
    )
    issues = load_error(VOLUNTEERS, path)
    assert [(i.row, i.field) for i in issues] == [
        ("line 3", "lat"),
        ("line 3", "volunteers_needed"),
        ("line 3", "priority"),
        ("line 4", "latest_start"),
        ("line 5", "lon"),
        ("line 5", "request_id"),
    ]
    assert {i.source for i in issues} == {"requests.csv"}
    assert "first at line 2" in issues[-1].message


def test_errors_in_both_files_come_in_one_error(tmp_path: Path) -> None:
    volunteers = spoiled(VOLUNTEERS, 0, lat=123.0)
    requests = spoiled(REQUESTS, 1, priority=6)
    with pytest.raises(InputError) as caught:
        load_problem(
            write_table(tmp_path, "volunteers", "csv", volunteers),
            write_table(tmp_path, "requests", "json", requests),
        )
    issues = caught.value.issues
    assert [(i.source, i.row, i.field) for i in issues] == [
        ("volunteers.csv", "line 2", "lat"),
        ("requests.json", "record 1", "priority"),
    ]
    text = str(caught.value)
    assert text.startswith("2 input error(s):")
    assert "volunteers.csv, line 2, field 'lat'" in text
    assert "requests.json, record 1, field 'priority'" in text


def test_a_missing_file_does_not_hide_the_errors_of_the_other(tmp_path: Path) -> None:
    requests = spoiled(REQUESTS, 0, priority=7)
    issues = load_error(
        tmp_path / "nowhere.csv", write_table(tmp_path, "requests", "csv", requests)
    )
    assert [(Path(i.source).name, i.row, i.field) for i in issues] == [
        ("nowhere.csv", "", ""),
        ("requests.csv", "line 2", "priority"),
    ]
    assert issues[0].message == "file not found"


@pytest.mark.parametrize(
    ("fmt", "label", "message"),
    [
        ("csv", "line 1", "required column is missing"),
        ("parquet", "header", "required column is missing"),
        ("json", "every record", "required field is missing"),
    ],
)
def test_a_missing_required_column(tmp_path: Path, fmt: str, label: str, message: str) -> None:
    volunteers = [{k: v for k, v in r.items() if k != "lat"} for r in VOLUNTEERS]
    volunteers[1]["lon"] = 500.0  # still reported: a missing column hides nothing else
    issues = load_error(
        write_table(tmp_path, "volunteers", fmt, volunteers),
        write_table(tmp_path, "requests", fmt, REQUESTS),
    )
    name = f"volunteers.{fmt}"
    assert [(i.source, i.row, i.field, i.message) for i in issues[:1]] == [
        (name, label, "lat", message)
    ]
    assert [(i.row, i.field) for i in issues[1:]] == [(row_label(fmt, 1), "lon")]
    assert str(issues[0]) == f"{name}, {label}, field 'lat': {message}"


def test_a_json_record_without_a_required_key(tmp_path: Path) -> None:
    volunteers = [dict(VOLUNTEERS[0]), {k: v for k, v in VOLUNTEERS[1].items() if k != "team"}]
    issues = load_error(write_table(tmp_path, "volunteers", "json", volunteers), REQUESTS)
    assert [(i.source, i.row, i.field, i.message) for i in issues] == [
        ("volunteers.json", "record 1", "team", "required value is missing")
    ]


def test_a_dataframe_row_is_named_by_its_position() -> None:
    frame = pd.DataFrame(spoiled(VOLUNTEERS, 1, lat=-91.0), index=[10, 20])
    issues = load_error(frame, REQUESTS)
    assert [(i.source, i.row, i.field) for i in issues] == [
        ("volunteers DataFrame", "row 1", "lat")
    ]


def test_a_list_item_is_named_by_its_index() -> None:
    issues = load_error(VOLUNTEERS, spoiled(REQUESTS, 0, volunteers_needed=0))
    assert [(i.source, i.row, i.field) for i in issues] == [
        ("requests list", "item 0", "volunteers_needed")
    ]


def test_an_item_that_is_no_record_is_named() -> None:
    issues = load_error([VOLUNTEERS[0], "v2"], REQUESTS)
    assert [(i.source, i.row) for i in issues] == [("volunteers list", "item 1")]
    assert "not a record" in issues[0].message


def test_an_error_lists_at_most_fifty_issues_and_counts_the_rest() -> None:
    volunteers = [dict(VOLUNTEERS[0], volunteer_id=f"v{i}", lat=100.0) for i in range(60)]
    with pytest.raises(InputError) as caught:
        load_problem(volunteers, REQUESTS)
    assert len(caught.value.issues) == 60
    assert str(caught.value).startswith("60 input error(s):")
    assert str(caught.value).endswith("... and 10 more")


def test_an_issue_without_row_or_field_reads_naturally() -> None:
    assert str(Issue("v.csv", "", "", "file not found")) == "v.csv: file not found"
    assert str(Issue("s.toml", "", "seed", "bad")) == "s.toml, field 'seed': bad"


def test_a_row_with_a_bad_value_is_still_cross_checked() -> None:
    twin = dict(VOLUNTEERS[0], lat="somewhere", team="ghosts")
    issues = load_error([*VOLUNTEERS, twin], REQUESTS)
    assert [(i.row, i.field) for i in issues] == [
        ("item 2", "lat"),
        ("item 2", "volunteer_id"),
        ("item 2", "team"),
    ]
    assert issues[1].message == "duplicate id 'v1' (first at item 0)"
    assert issues[2].message.startswith("unknown team code 'ghosts'; known: care, convenience")
