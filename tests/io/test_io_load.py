"""`load_problem`: defaults, lists, intervals, time zones, in-memory inputs, team catalogues."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from matcher import InputError, Interval, Problem, Request, Settings, Volunteer, load_problem


def csv_text(*rows: list[str]) -> str:
    return "".join(",".join(cells) + "\n" for cells in rows)


VOLUNTEERS_CSV = csv_text(
    [
        *("volunteer_id", "team", "skills", "lat", "lon", "availability"),
        *("max_minutes_per_day", "max_tasks_per_day", "max_walk_minutes", "languages", "name"),
    ],
    [
        *("v1", "care", "companionship; first_aid ;;elderly_care", "31.20", "121.40"),
        "2026-12-01T14:00/2026-12-01T18:00;2026-12-01T08:00/2026-12-01T12:00",
        *("", "", "", "shanghainese", "Wang Fang"),
    ],
    ["v2", "medical", "nursing", "31.21", "121.41", "", "300", "2", "20", "", ""],
)
REQUESTS_CSV = csv_text(
    [
        *("request_id", "kind", "team", "required_skills", "lat", "lon"),
        *("earliest_start", "latest_start", "duration_minutes", "volunteers_needed", "priority"),
        *("resident_id", "preferred_volunteers", "excluded_volunteers", "language"),
    ],
    [
        *("r1", "elderly_visit", "", "companionship", "31.20", "121.40"),
        *("2026-12-01T09:00", "2026-12-01T10:00", "60", "", "", "", "", "", ""),
    ],
    [
        *("r2", "health_check", "medical", "nursing", "31.21", "121.41"),
        *("2026-12-01T14:00", "2026-12-01T15:00", "30", "2", "5", "res7", "v2", "v1;v3"),
        "mandarin",
    ],
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load_csv(folder: Path, **kwargs: Any) -> Problem:
    return load_problem(
        write(folder, "volunteers.csv", VOLUNTEERS_CSV),
        write(folder, "requests.csv", REQUESTS_CSV),
        **kwargs,
    )


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 12, day, hour, minute)


def volunteer(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "volunteer_id": "v1",
        "team": "care",
        "skills": ["companionship"],
        "lat": 31.2,
        "lon": 121.4,
        "availability": ["2026-12-01T08:00/2026-12-01T12:00"],
    }
    return record | changes


def request(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "request_id": "r1",
        "kind": "elderly_visit",
        "lat": 31.2,
        "lon": 121.4,
        "earliest_start": "2026-12-01T09:00",
        "latest_start": "2026-12-01T10:00",
        "duration_minutes": 30,
    }
    return record | changes


# --- defaults and lists ------------------------------------------------------------------


def test_empty_optional_cells_take_the_contract_defaults(tmp_path: Path) -> None:
    problem = load_csv(tmp_path)
    v1 = problem.volunteers[0]
    assert (v1.max_minutes_per_day, v1.max_tasks_per_day, v1.max_walk_minutes) == (240, None, 15)
    r1 = problem.requests[0]
    assert (r1.volunteers_needed, r1.priority, r1.team, r1.resident_id, r1.language) == (
        1,
        3,
        None,
        None,
        None,
    )
    assert (r1.preferred_volunteers, r1.excluded_volunteers) == ([], [])
    assert problem.volunteers[1].name is None
    assert problem.volunteers[1].languages == []


def test_given_values_override_the_defaults(tmp_path: Path) -> None:
    problem = load_csv(tmp_path)
    v2 = problem.volunteers[1]
    assert (v2.max_minutes_per_day, v2.max_tasks_per_day, v2.max_walk_minutes) == (300, 2, 20)
    r2 = problem.requests[1]
    assert (r2.volunteers_needed, r2.priority, r2.resident_id, r2.language) == (
        2,
        5,
        "res7",
        "mandarin",
    )


def test_semicolon_lists_are_split_and_trimmed(tmp_path: Path) -> None:
    problem = load_csv(tmp_path)
    assert problem.volunteers[0].skills == ["companionship", "first_aid", "elderly_care"]
    assert problem.volunteers[0].languages == ["shanghainese"]
    assert problem.requests[1].excluded_volunteers == ["v1", "v3"]
    assert problem.requests[1].preferred_volunteers == ["v2"]


def test_availability_intervals_are_read_and_ordered(tmp_path: Path) -> None:
    v1 = load_csv(tmp_path).volunteers[0]
    assert v1.availability == [
        Interval(start=at(8), end=at(12)),
        Interval(start=at(14), end=at(18)),
    ]
    assert str(v1.availability[0]) == "2026-12-01T08:00:00/2026-12-01T12:00:00"
    assert v1.availability[0].minutes == 240


def test_an_empty_availability_cell_means_not_available(tmp_path: Path) -> None:
    assert load_csv(tmp_path).volunteers[1].availability == []


def test_touching_intervals_do_not_overlap() -> None:
    spans = ["2026-12-01T08:00/2026-12-01T10:00", "2026-12-01T10:00/2026-12-01T12:00"]
    (v,) = load_problem([volunteer(availability=spans)], []).volunteers
    assert [i.end for i in v.availability] == [at(10), at(12)]


def test_availability_as_pairs_or_objects_in_json(tmp_path: Path) -> None:
    records = [
        volunteer(volunteer_id="v1", availability=[["2026-12-01T08:00", "2026-12-01T09:00"]]),
        volunteer(
            volunteer_id="v2",
            availability=[{"start": "2026-12-01T08:00", "end": "2026-12-01T09:00"}],
        ),
        volunteer(volunteer_id="v3", availability="2026-12-01T08:00/2026-12-01T09:00"),
    ]
    path = write(tmp_path, "v.json", json.dumps(records))
    problem = load_problem(path, [])
    assert {v.availability[0] for v in problem.volunteers} == {Interval(start=at(8), end=at(9))}


# --- time zones --------------------------------------------------------------------------


def test_times_with_an_offset_become_community_local_time() -> None:
    problem = load_problem(
        [volunteer(availability=["2026-12-01T00:00:00Z/2026-12-01T04:00:00+00:00"])],
        [request(earliest_start="2026-12-01T01:00:00Z", latest_start="2026-12-01T10:00+09:00")],
    )
    assert problem.volunteers[0].availability == [Interval(start=at(8), end=at(12))]
    r = problem.requests[0]
    assert (r.earliest_start, r.latest_start) == (at(9), at(9))
    assert r.earliest_start.tzinfo is None


def test_naive_times_are_already_local() -> None:
    r = load_problem([], [request()], settings={"timezone": "Europe/Berlin"}).requests[0]
    assert r.earliest_start == at(9)


def test_the_community_time_zone_is_a_setting() -> None:
    r = load_problem(
        [], [request(earliest_start="2026-12-01T08:00:00Z")], settings={"timezone": "Europe/Berlin"}
    ).requests[0]
    assert r.earliest_start == at(9)  # CET is UTC+1 in December


def test_offsets_are_converted_before_the_window_is_checked() -> None:
    # 02:00Z is 10:00 local: after 09:00 local, so the window is in order.
    (r,) = load_problem([], [request(latest_start="2026-12-01T02:00Z")]).requests
    assert r.latest_start == at(10)
    with pytest.raises(InputError) as caught:
        load_problem([], [request(latest_start="2026-12-01T00:30Z")])  # 08:30 local
    assert [(i.row, i.field) for i in caught.value.issues] == [("item 0", "latest_start")]


def test_aware_parquet_timestamps_are_converted(tmp_path: Path) -> None:
    path = tmp_path / "requests.parquet"
    frame = pd.DataFrame([request()])
    frame["earliest_start"] = pd.Timestamp("2026-12-01T01:00:00", tz="UTC")
    frame["latest_start"] = pd.Timestamp("2026-12-01T10:00:00")
    frame.to_parquet(path)
    (r,) = load_problem([], path).requests
    assert (r.earliest_start, r.latest_start) == (at(9), at(10))


# --- in-memory inputs --------------------------------------------------------------------


def test_models_are_accepted_as_they_are() -> None:
    v = Volunteer.model_validate(volunteer())
    r = Request.model_validate(request())
    problem = load_problem([v], (r,))
    assert (problem.volunteers, problem.requests) == ((v,), (r,))


def test_dataframes_and_dicts_give_the_same_models_as_csv(tmp_path: Path) -> None:
    from_csv = load_csv(tmp_path)
    frames = [
        pd.DataFrame([m.model_dump() for m in rows])
        for rows in (
            from_csv.volunteers,
            from_csv.requests,
        )
    ]
    from_frames = load_problem(frames[0], frames[1])
    from_dicts = load_problem(
        [v.model_dump() for v in from_csv.volunteers],
        [r.model_dump(mode="json") for r in from_csv.requests],
    )
    assert from_frames.volunteers == from_dicts.volunteers == from_csv.volunteers
    assert from_frames.requests == from_dicts.requests == from_csv.requests


def test_a_dataframe_with_nullable_integers() -> None:
    frame = pd.DataFrame([request(request_id="r1"), request(request_id="r2")])
    frame["priority"] = pd.array([5, None], dtype="Int64")
    problem = load_problem([], frame)
    assert [r.priority for r in problem.requests] == [5, 3]


def test_unknown_columns_are_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(
        tmp_path,
        "volunteers.csv",
        "volunteer_id,team,lat,lon,availability,shoe_size,Team\nv1,care,31.2,121.4,,42,x\n",
    )
    with caplog.at_level(logging.WARNING, logger="matcher._internal.io"):
        problem = load_problem(path, [])
    expected = "volunteers.csv: ignored unknown column(s) shoe_size, Team"
    assert expected in problem.warnings
    assert expected in caplog.messages
    assert problem.volunteers[0].volunteer_id == "v1"


def test_unknown_keys_in_dicts_are_ignored_with_a_warning() -> None:
    problem = load_problem([volunteer(favourite_colour="red")], [])
    assert "volunteers list: ignored unknown column(s) favourite_colour" in problem.warnings


# --- warnings that do not stop a run -----------------------------------------------------


def test_a_required_skill_no_volunteer_has_is_a_warning(tmp_path: Path) -> None:
    problem = load_problem(
        [volunteer(skills=["companionship"])],
        [request(request_id="r1", required_skills=["companionship", "sign_language"])],
    )
    assert problem.warnings == (
        "requests list, item 0, field 'required_skills': no volunteer has sign_language",
    )


def test_a_skill_only_another_team_has_is_a_warning_for_a_team_request() -> None:
    problem = load_problem(
        [
            volunteer(team="care", skills=["first_aid"]),
            volunteer(volunteer_id="v2", team="medical"),
        ],
        [request(team="medical", kind="health_check", required_skills=["first_aid"])],
    )
    assert problem.warnings == (
        "requests list, item 0, field 'required_skills': no volunteer of team 'medical' has "
        "first_aid",
    )


def test_skill_warnings_name_the_csv_line(tmp_path: Path) -> None:
    text = REQUESTS_CSV.replace("r2,health_check,medical,nursing", "r2,health_check,medical,x_ray")
    problem = load_problem(
        write(tmp_path, "volunteers.csv", VOLUNTEERS_CSV), write(tmp_path, "requests.csv", text)
    )
    assert (
        "requests.csv, line 3, field 'required_skills': no volunteer of team 'medical' has x_ray"
        in problem.warnings
    )


def test_other_findings_are_warnings_too() -> None:
    problem = load_problem(
        [volunteer()],
        [request(kind="karaoke", language="welsh", excluded_volunteers=["v9"])],
    )
    assert problem.warnings == (
        "requests list, item 0, field 'language': no volunteer speaks 'welsh'",
        "requests list, item 0, field 'kind': 'karaoke' is not a kind any team lists",
        "requests list, item 0, field 'excluded_volunteers': unknown volunteer(s) v9",
    )


def test_a_clean_problem_has_no_warnings() -> None:
    assert load_problem([volunteer()], [request(required_skills=["companionship"])]).warnings == ()


# --- a deployment's own team catalogue ---------------------------------------------------

TEAMS_CSV = """\
code,name_zh,name_en,kinds,skills
night_watch,守夜,night watch,safety_patrol;night_escort,patrol
care,爱心,care,elderly_visit,companionship
"""


def test_an_own_team_catalogue_from_csv(tmp_path: Path) -> None:
    teams = write(tmp_path, "teams.csv", TEAMS_CSV)
    problem = load_problem(
        [volunteer(team="night_watch", skills=["patrol"])],
        [request(kind="night_escort", team="night_watch")],
        teams=teams,
    )
    assert [t.code for t in problem.teams] == ["night_watch", "care"]
    assert problem.teams[0].kinds == ["safety_patrol", "night_escort"]
    assert problem.teams[0].name_zh == "守夜"
    assert problem.team_codes() == {"night_watch", "care"}
    assert problem.warnings == ()


def test_an_own_team_catalogue_from_json(tmp_path: Path) -> None:
    teams = write(
        tmp_path,
        "teams.json",
        json.dumps([{"code": "night_watch", "kinds": ["night_escort"], "skills": []}]),
    )
    problem = load_problem([volunteer(team="night_watch")], [], teams=teams)
    assert [t.code for t in problem.teams] == ["night_watch"]


def test_a_team_missing_from_the_own_catalogue_is_unknown(tmp_path: Path) -> None:
    teams = write(tmp_path, "teams.csv", TEAMS_CSV)
    volunteers = write(
        tmp_path,
        "volunteers.csv",
        "volunteer_id,team,lat,lon,availability\nv1,care,31.2,121.4,\nv2,medical,31.2,121.4,\n",
    )
    with pytest.raises(InputError) as caught:
        load_problem(volunteers, [request(team="repair")], teams=teams)
    issues = caught.value.issues
    assert [(i.source, i.row, i.field) for i in issues] == [
        ("volunteers.csv", "line 3", "team"),
        ("requests list", "item 0", "team"),
    ]
    assert issues[0].message == "unknown team code 'medical'; known: care, night_watch"


def test_a_broken_catalogue_is_reported_without_a_cascade(tmp_path: Path) -> None:
    teams = write(tmp_path, "teams.csv", "code,kinds,motto\ncare,elderly_visit,x\ncare,,y\n")
    with pytest.raises(InputError) as caught:
        load_problem([volunteer(team="care"), volunteer(volunteer_id="v2", team="x")], [], teams)
    assert [(i.source, i.row, i.field) for i in caught.value.issues] == [
        ("teams.csv", "line 3", "code")
    ]
    assert "duplicate team code 'care' (first at line 2)" in caught.value.issues[0].message


def test_a_missing_catalogue_file_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_problem([volunteer()], [], teams=tmp_path / "teams.json")
    assert [i.message for i in caught.value.issues] == ["file not found"]


def test_unknown_columns_of_a_catalogue_are_warned_about(tmp_path: Path) -> None:
    teams = write(tmp_path, "teams.csv", "code,motto\ncare,we care\n")
    problem = load_problem([volunteer()], [], teams=teams)
    assert "teams.csv: ignored unknown column(s) motto" in problem.warnings


def test_the_default_catalogue_is_qinxian() -> None:
    problem = load_problem([], [])
    assert len(problem.teams) == 10
    assert "express" in problem.team_codes()
    assert problem.settings == Settings()


def test_an_empty_problem_is_valid(tmp_path: Path) -> None:
    problem = load_problem(pd.DataFrame(), [])
    assert (problem.volunteers, problem.requests) == ((), ())


def test_aware_datetime_objects_are_converted() -> None:
    moment = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    (r,) = load_problem([], [request(earliest_start=moment, latest_start=moment)]).requests
    assert r.earliest_start == at(9)
