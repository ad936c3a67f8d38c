"""Bad rows set their community aside; errors that belong to no community stop the run."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from cities import city_frames, spoil, write_frames
from factories import problem, request, volunteer

from matcher._internal.city import CityInput, load_city, plan_city
from matcher._internal.io import InputError
from matcher._internal.model import Problem, WalkingTime


def test_a_bad_row_sets_its_community_aside_with_file_row_and_field(tmp_path: Path) -> None:
    vols, reqs = city_frames(3, 20, 15)
    line = spoil(reqs, "C02")
    city = load_city(*write_frames(tmp_path, vols, reqs))
    assert set(city.bad) == {"C02"}
    [issue] = city.bad["C02"].issues
    assert (issue.source, issue.row, issue.field) == ("requests.csv", f"line {line}", "lat")
    assert city.bad_requests == {"C02": 15}
    assert {r.community for r in city.problem.requests} == {"C01", "C03"}
    assert {v.community for v in city.problem.volunteers} == {"C01", "C03"}
    assert len(city.problem.requests) == 30


def test_an_id_taken_twice_across_communities_fails_the_second(tmp_path: Path) -> None:
    vols, reqs = city_frames(3, 20, 15)
    first_c3 = int(reqs.index[reqs["community"] == "C03"][0])
    reqs.loc[first_c3, "request_id"] = reqs.loc[0, "request_id"]  # a C01 id
    city = load_city(*write_frames(tmp_path, vols, reqs))
    assert set(city.bad) == {"C03"}
    assert "duplicate id" in str(city.bad["C03"])


def test_errors_in_every_community_fail_the_run_as_before(tmp_path: Path) -> None:
    vols, reqs = city_frames(2, 10, 8)
    spoil(reqs, "C01")
    spoil(reqs, "C02", field="duration_minutes", value="-5")
    with pytest.raises(InputError) as caught:
        load_city(*write_frames(tmp_path, vols, reqs))
    assert {i.field for i in caught.value.issues} == {"lat", "duration_minutes"}


def test_a_missing_column_fails_the_run(tmp_path: Path) -> None:
    vols, reqs = city_frames(2, 10, 8)
    with pytest.raises(InputError) as caught:
        load_city(*write_frames(tmp_path, vols, reqs.drop(columns=["kind"])))
    assert [i.field for i in caught.value.issues] == ["kind"]


def test_a_row_whose_community_cannot_be_read_fails_the_run(tmp_path: Path) -> None:
    vols, reqs = city_frames(2, 10, 8)
    records = json.loads(reqs.to_json(orient="records"))
    records[3]["community"] = 7  # not text: which community is this row's?
    records[5]["lat"] = "north"
    (tmp_path / "requests.json").write_text(json.dumps(records), encoding="utf-8")
    vols.to_csv(tmp_path / "volunteers.csv", index=False)
    with pytest.raises(InputError) as caught:
        load_city(tmp_path / "volunteers.csv", tmp_path / "requests.json")
    assert {(i.row, i.field) for i in caught.value.issues} == {
        ("record 3", "community"),
        ("record 5", "lat"),
    }


def test_an_input_without_communities_is_one_community(tmp_path: Path) -> None:
    vols, reqs = city_frames(1, 10, 8)
    vols, reqs = vols.drop(columns=["community"]), reqs.drop(columns=["community"])
    spoil_at = 1
    reqs.loc[spoil_at, "lat"] = "137.9"
    with pytest.raises(InputError):  # as before: the only community's errors stop the run
        load_city(*write_frames(tmp_path, vols, reqs))


def test_walking_times_of_a_community_set_aside_go_with_it(tmp_path: Path) -> None:
    vols, reqs = city_frames(2, 10, 8)
    spoil(reqs, "C02")
    pairs = [(vols["volunteer_id"][vols.community == c].iloc[0],
              reqs["request_id"][reqs.community == c].iloc[0]) for c in ("C01", "C02")]  # fmt: skip
    walking = tmp_path / "walking.csv"
    walking.write_text("from_place,to_place,minutes\n" + "".join(f"{a},{b},4\n" for a, b in pairs))
    v, r = write_frames(tmp_path, vols, reqs)
    city = load_city(v, r, walking=walking)
    assert set(city.bad) == {"C02"}
    assert [(w.from_place, w.to_place) for w in city.problem.walking_times] == [pairs[0]]


def _strict_city(*communities: str) -> Problem:
    """Two requests per community, one volunteer; the walking table (strict) lacks the walk
    between the two requests of `west`."""
    vols, reqs, rows = [], [], []
    for c in communities:
        vols.append(volunteer(f"{c}-v", community=c))
        reqs += [request(f"{c}-a", window="09:00-09:00", community=c),
                 request(f"{c}-b", window="10:30-10:30", community=c)]  # fmt: skip
        rows += [(f"{c}-v", f"{c}-a"), (f"{c}-v", f"{c}-b")]
        if c != "west":
            rows.append((f"{c}-a", f"{c}-b"))
    table = tuple(WalkingTime(from_place=a, to_place=b, minutes=2.0) for a, b in rows)
    base = problem(vols, reqs, missing_walks="error", workers=1, time_limit_s=2)
    return base.model_copy(update={"walking_times": table})


def test_a_walk_missing_from_a_strict_table_is_its_community_s_bad_input() -> None:
    result = plan_city(CityInput(_strict_city("east", "west")))
    [west] = result.not_planned
    assert west.community == "west" and west.errors is not None
    assert "no walking time between west-a and west-b" in str(west.errors)
    assert pickle.loads(pickle.dumps(west.errors)).issues == west.errors.issues  # from a worker
    assert result.solution.summary.requests_served == 2  # east's two
    with pytest.raises(InputError, match="no walking time between west-a and west-b"):
        plan_city(CityInput(_strict_city("west")))  # alone: bad input, as it always was
