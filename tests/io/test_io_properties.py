"""Property tests: files round-trip to equal models; one spoiled cell is named exactly."""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import QINXIAN_TEAMS, InputError, Interval, Request, Volunteer, load_problem

TEAM_CODES = [t.code for t in QINXIAN_TEAMS]
FIRST = datetime(2026, 11, 30)
LAST = datetime(2026, 12, 3)
Record = Volunteer | Request

words = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
# Display names with spaces inside, commas, quotes, line breaks and Chinese characters:
# everything a CSV writer has to quote. Stripped, as the models strip text.
names = st.text(
    alphabet=st.sampled_from("abcXYZ王芳李 ,;\"'-\n0123456789"), min_size=1, max_size=12
).map(str.strip)
times = st.datetimes(min_value=FIRST, max_value=LAST)
word_lists = st.lists(words, max_size=3)


@st.composite
def intervals(draw: st.DrawFn) -> list[Interval]:
    """Disjoint intervals: consecutive pairs of distinct sorted moments."""
    moments = sorted(draw(st.lists(times, unique=True, max_size=6)))
    return [Interval(start=a, end=b) for a, b in zip(moments[::2], moments[1::2], strict=False)]


@st.composite
def volunteers(draw: st.DrawFn, volunteer_id: str) -> Volunteer:
    return Volunteer(
        volunteer_id=volunteer_id,
        team=draw(st.sampled_from(TEAM_CODES)),
        skills=draw(word_lists),
        lat=draw(st.floats(-90, 90)),
        lon=draw(st.floats(-180, 180)),
        availability=draw(intervals()),
        max_minutes_per_day=draw(st.integers(0, 10_000)),
        max_tasks_per_day=draw(st.none() | st.integers(0, 50)),
        max_walk_minutes=draw(st.integers(0, 600)),
        languages=draw(word_lists),
        name=draw(st.none() | names) or None,
    )


@st.composite
def requests(draw: st.DrawFn, request_id: str) -> Request:
    earliest = draw(times)
    return Request(
        request_id=request_id,
        kind=draw(words),
        team=draw(st.none() | st.sampled_from(TEAM_CODES)),
        required_skills=draw(word_lists),
        lat=draw(st.floats(-90, 90)),
        lon=draw(st.floats(-180, 180)),
        earliest_start=earliest,
        latest_start=earliest + timedelta(minutes=draw(st.integers(0, 600))),
        duration_minutes=draw(st.integers(1, 600)),
        volunteers_needed=draw(st.integers(1, 8)),
        priority=draw(st.integers(1, 5)),
        resident_id=draw(st.none() | words),
        preferred_volunteers=draw(word_lists),
        excluded_volunteers=draw(word_lists),
        language=draw(st.none() | words),
    )


def tables(
    make: Callable[[str], st.SearchStrategy[Any]], prefix: str, min_size: int = 0
) -> st.SearchStrategy[list[Any]]:
    ids = st.lists(words, unique=True, min_size=min_size, max_size=5)
    return ids.flatmap(lambda keys: st.tuples(*(make(f"{prefix}{k}") for k in keys)).map(list))


def cells(record: Record) -> dict[str, str]:
    """A model as CSV text: `;`-lists, `start/end` intervals, ISO times, empty for None."""
    out = {}
    for name in type(record).model_fields:
        value = getattr(record, name)
        if value is None:
            out[name] = ""
        elif isinstance(value, list):
            out[name] = ";".join(str(item) for item in value)
        elif isinstance(value, datetime):
            out[name] = value.isoformat()
        else:
            out[name] = str(value)  # floats: shortest repr, read back exactly
    return out


def write_csv(path: Path, model: type[Record], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(model.model_fields))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_json(path: Path, records: list[Any]) -> Path:
    path.write_text(json.dumps([r.model_dump(mode="json") for r in records]), encoding="utf-8")
    return path


def write_parquet(path: Path, model: type[Record], records: list[Any]) -> Path:
    """Parquet as another tool would write it: real lists, real timestamps, intervals as text."""
    rows = [r.model_dump() for r in records]
    for row, record in zip(rows, records, strict=True):
        if isinstance(record, Volunteer):
            row["availability"] = [str(i) for i in record.availability]
    pd.DataFrame(rows, columns=list(model.model_fields)).to_parquet(path)
    return path


@settings(max_examples=30, deadline=None)
@given(vols=tables(volunteers, "v"), reqs=tables(requests, "r"))
def test_valid_tables_round_trip_through_every_format(
    vols: list[Volunteer], reqs: list[Request]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        written = {
            "csv": (
                write_csv(tmp / "v.csv", Volunteer, [cells(v) for v in vols]),
                write_csv(tmp / "r.csv", Request, [cells(r) for r in reqs]),
            ),
            "json": (write_json(tmp / "v.json", vols), write_json(tmp / "r.json", reqs)),
            "parquet": (
                write_parquet(tmp / "v.parquet", Volunteer, vols),
                write_parquet(tmp / "r.parquet", Request, reqs),
            ),
        }
        for fmt, (vol_path, req_path) in written.items():
            problem = load_problem(vol_path, req_path)
            assert list(problem.volunteers) == vols, fmt
            assert list(problem.requests) == reqs, fmt
    frames = load_problem(
        pd.DataFrame([v.model_dump() for v in vols]), pd.DataFrame([r.model_dump() for r in reqs])
    )
    assert (list(frames.volunteers), list(frames.requests)) == (vols, reqs)


# (field, bad cell text) for each table; every one spoils exactly that field.
VOLUNTEER_SPOILERS: list[tuple[str, Callable[[dict[str, str]], str]]] = [
    ("lat", lambda row: "north"),
    ("lat", lambda row: "90.5"),
    ("lon", lambda row: "-180.01"),
    ("lon", lambda row: ""),
    ("team", lambda row: "no_such_team"),
    ("max_minutes_per_day", lambda row: "-1"),
    ("max_walk_minutes", lambda row: "a while"),
    ("max_tasks_per_day", lambda row: "2.5"),
    ("availability", lambda row: "tomorrow"),
    ("availability", lambda row: "2026-12-01T10:00/2026-12-01T09:00"),
    (
        "availability",
        lambda row: "2026-12-01T08:00/2026-12-01T10:00;2026-12-01T09:00/2026-12-01T11:00",
    ),
]
REQUEST_SPOILERS: list[tuple[str, Callable[[dict[str, str]], str]]] = [
    ("lat", lambda row: "1,5"),
    ("lon", lambda row: "inf"),
    ("priority", lambda row: "9"),
    ("priority", lambda row: "0"),
    ("priority", lambda row: "urgent"),
    ("volunteers_needed", lambda row: "-2"),
    ("volunteers_needed", lambda row: "0"),
    ("duration_minutes", lambda row: "0"),
    ("team", lambda row: "firefighters"),
    ("earliest_start", lambda row: "2026-13-01T09:00"),
    (
        "latest_start",
        lambda row: (
            datetime.fromisoformat(row["earliest_start"]) - timedelta(minutes=1)
        ).isoformat(),
    ),
    ("request_id", lambda row: ""),
]


@pytest.mark.parametrize("table", ["volunteers", "requests"])
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_one_spoiled_cell_is_named_by_line_and_field(table: str, data: st.DataObject) -> None:
    model: type[Record]
    if table == "volunteers":
        model, spoilers = Volunteer, VOLUNTEER_SPOILERS
        rows = [cells(v) for v in data.draw(tables(volunteers, "v", min_size=1), "volunteers")]
    else:
        model, spoilers = Request, REQUEST_SPOILERS
        rows = [cells(r) for r in data.draw(tables(requests, "r", min_size=1), "requests")]
    index = data.draw(st.integers(0, len(rows) - 1), "row")
    field, spoil = data.draw(st.sampled_from(spoilers), "spoiler")
    rows[index][field] = spoil(rows[index])

    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder) / f"{table}.csv", model, rows)
        nothing: list[Any] = []
        with pytest.raises(InputError) as caught:
            if table == "volunteers":
                load_problem(path, nothing)
            else:
                load_problem(nothing, path)

    issues = caught.value.issues
    assert {(i.source, i.row, i.field) for i in issues} == {
        (f"{table}.csv", f"line {index + 2}", field)
    }
    assert all(f"{table}.csv, line {index + 2}, field '{field}'" in str(i) for i in issues)
