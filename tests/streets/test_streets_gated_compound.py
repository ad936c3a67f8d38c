"""Gated compounds: the walk goes out through the gate, not through the wall.

A home 115 m from a request across the compound's wall: the straight-line estimate says
2 minutes, the footpaths (out through the only public gate, round the compound) say 9. The
plan made with the measured table must use 9, and the independent checker, given the same
table, must find that a plan made on straight lines breaks the reach rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import assert_valid, problem, request, volunteer
from osm_maps import HOME_M, REQUEST_M, WALK_AROUND_M, gated_compound, latlon

from matcher import Problem, load_problem, solve
from matcher._internal.check import check_solution
from matcher._internal.geo import Walking
from matcher._internal.streets import walking_times_from_osm

PACE = 75.0


def _compound_problem(max_walk: int) -> Problem:
    return problem(
        [volunteer("v-inside", where=latlon(*HOME_M), max_walk_minutes=max_walk)],
        [request("r-outside", where=latlon(*REQUEST_M))],
    )


def _map(tmp_path: Path, **tags: dict[str, str]) -> Path:
    path = tmp_path / "compound.osm"
    path.write_text(gated_compound(**tags), encoding="utf-8")
    return path


def _walk(osm: Path, p: Problem) -> float:
    table = walking_times_from_osm(osm, p).table
    row = table[(table.from_place == "r-outside") & (table.to_place == "v-inside")]
    assert len(row) == 1
    return float(row.minutes.iloc[0])


def test_the_straight_line_says_two_minutes_and_the_footpaths_nine(tmp_path: Path) -> None:
    p = _compound_problem(max_walk=15)
    straight = Walking().minutes(*latlon(*HOME_M), *latlon(*REQUEST_M))
    assert float(straight) == pytest.approx(2.0, abs=0.01)
    assert _walk(_map(tmp_path), p) == pytest.approx(WALK_AROUND_M / PACE, abs=0.02)
    assert WALK_AROUND_M / PACE == 9.0


def test_the_plan_uses_nine_minutes(tmp_path: Path) -> None:
    p = _compound_problem(max_walk=15)
    walks = walking_times_from_osm(_map(tmp_path), p)
    measured = load_problem(list(p.volunteers), list(p.requests), walking=walks.table)
    solution = solve(measured, time_limit=5)
    assert_valid(measured, solution)
    (assignment,) = solution.assignments
    assert assignment.walk_minutes == pytest.approx(9.0, abs=0.02)
    assert check_solution(measured, solution).ok


def test_a_straight_line_plan_is_out_of_reach_on_the_footpaths(tmp_path: Path) -> None:
    """An 8-minute reach: the estimate (2 min) serves the request, the streets (9 min) do
    not; the checker reading the table flags the straight-line plan, and the plan made with
    the table leaves the request unserved with the reason a coordinator can act on."""
    p = _compound_problem(max_walk=8)
    walks = walking_times_from_osm(_map(tmp_path), p)
    measured = load_problem(list(p.volunteers), list(p.requests), walking=walks.table)
    on_straight_lines = solve(p, time_limit=5)
    assert on_straight_lines.summary.requests_served == 1
    report = check_solution(measured, on_straight_lines)
    assert [v.rule.value for v in report.violations] == ["R5 reach"]
    on_streets = solve(measured, time_limit=5)
    assert_valid(measured, on_streets)
    assert on_streets.summary.requests_served == 0
    assert on_streets.unassigned[0].reason == "none_within_reach"


@pytest.mark.parametrize(
    ("east_gate", "north_lane", "metres"),
    [
        ({"barrier": "gate", "access": "private"}, None, WALK_AROUND_M),
        ({"barrier": "gate", "access": "no"}, None, WALK_AROUND_M),
        ({"barrier": "gate", "access": "private", "foot": "yes"}, None, 115.0),
        ({"barrier": "gate"}, None, 115.0),
        ({"barrier": "entrance", "access": "yes"}, None, 115.0),
        ({"barrier": "wall"}, None, WALK_AROUND_M),
        (None, {"highway": "service"}, 70 + 115 + 70),
        (None, {"highway": "footway", "foot": "private"}, WALK_AROUND_M),
        (None, {"highway": "service", "access": "private", "foot": "yes"}, 70 + 115 + 70),
        (None, {"highway": "motorway"}, WALK_AROUND_M),
    ],
)
def test_gates_and_lanes_open_or_closed_by_their_tags(
    tmp_path: Path,
    east_gate: dict[str, str] | None,
    north_lane: dict[str, str] | None,
    metres: float,
) -> None:
    osm = _map(tmp_path, east_gate=east_gate, north_lane=north_lane)
    assert _walk(osm, _compound_problem(max_walk=15)) == pytest.approx(metres / PACE, abs=0.02)


def test_steps_are_walked_at_half_the_pace(tmp_path: Path) -> None:
    """The lane north (70 m, then 115 m) as steps counts double; the street back south to
    the request (70 m) does not."""
    osm = _map(tmp_path, north_lane={"highway": "steps"})
    metres = 2 * (70 + 115) + 70
    assert _walk(osm, _compound_problem(max_walk=15)) == pytest.approx(metres / PACE, abs=0.02)


def test_no_walk_is_measured_between_two_communities(tmp_path: Path) -> None:
    """Communities are planned apart; a row joining two of them would stop a city run."""
    p = problem(
        [volunteer("v-a", where=latlon(*HOME_M), community="A")],
        [request("r-a", where=latlon(*REQUEST_M), community="A"),
         request("r-b", where=latlon(*REQUEST_M), community="B")],
    )  # fmt: skip
    table = walking_times_from_osm(_map(tmp_path), p).table
    assert sorted(zip(table.from_place, table.to_place, strict=True)) == [("r-a", "v-a")]


def test_a_pair_the_estimate_puts_in_reach_is_measured_beyond_the_search_bound(
    tmp_path: Path,
) -> None:
    """A 3-minute reach bounds the searches at 6 minutes (450 m), short of the 675 m walk
    round; the estimate (2 minutes) puts the pair in reach, so it is measured in full
    rather than left to the estimate, and the plan does not serve it."""
    p = _compound_problem(max_walk=3)
    assert _walk(_map(tmp_path), p) == pytest.approx(9.0, abs=0.02)
    walks = walking_times_from_osm(_map(tmp_path), p)
    measured = load_problem(list(p.volunteers), list(p.requests), walking=walks.table)
    assert solve(p, time_limit=5).summary.requests_served == 1
    assert solve(measured, time_limit=5).summary.requests_served == 0


def test_the_walk_is_timed_at_the_settings_pace(tmp_path: Path) -> None:
    """The same pace as the straight-line estimate: a slower community walks longer."""
    slow = _compound_problem(max_walk=15).with_settings(walking_speed_m_per_min=50.0)
    assert _walk(_map(tmp_path), slow) == pytest.approx(WALK_AROUND_M / 50.0, abs=0.02)
