"""The walking-time table: where it has a pair it replaces the great-circle estimate for
reach, travel between services, the bound, the reports and the checker."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from factories import assert_valid, north, problem, request, volunteer
from typer.testing import CliRunner

from matcher import InputError, Problem, WalkingTime, load_problem, solve
from matcher._internal.check import check_solution
from matcher._internal.exit_codes import ExitCode
from matcher._internal.solver.core.instance import build_instance
from matcher.cli import app


def _with_table(p: Problem, *rows: tuple[str, str, float], **settings: object) -> Problem:
    table = tuple(WalkingTime(from_place=a, to_place=b, minutes=m) for a, b, m in rows)
    return p.model_copy(update={"walking_times": table}).with_settings(**settings)


def test_a_wall_puts_a_near_request_out_of_reach() -> None:
    base = problem([volunteer("v0")], [request("r0", where=north(100))])
    assert solve(base).summary.requests_served == 1
    walled = _with_table(base, ("v0", "r0", 20.0))  # reach is 15 minutes
    solution = solve(walled)
    assert solution.summary.requests_served == 0
    assert solution.unassigned[0].reason == "none_within_reach"
    gate = _with_table(problem([volunteer("v0")], [request("r0", where=north(2000))]),
                       ("r0", "v0", 6.0))  # fmt: skip
    served = solve(gate)
    assert served.summary.requests_served == 1
    assert served.assignments[0].walk_minutes == 6.0


def test_travel_between_services_follows_the_table() -> None:
    reqs = [
        request("a", window="09:00-09:00", minutes=30),
        request("b", window="09:31-09:31", minutes=30, where=north(40)),
    ]
    base = problem([volunteer("v0")], reqs)
    both = solve(base)
    assert both.summary.requests_served == 2  # under a minute's walk apart
    far = _with_table(base, ("a", "b", 10.0))
    one = solve(far)
    assert_valid(far, one)
    assert one.summary.requests_served == 1 and one.summary.status == "optimal"
    # The checker reads the table too: the schedule serving both breaks the travel rule.
    report = check_solution(far, both)
    assert [v.rule.value for v in report.violations] == ["R6 travel"]


@pytest.mark.parametrize("strategy", ["greedy", "optimise"])
@pytest.mark.parametrize("listed_first", ["a", "b"])
def test_a_walk_that_differs_by_direction_is_read_one_way(strategy: str, listed_first: str) -> None:
    """A gate that is a short walk one way and a long one back (a one-way door): b, then a,
    cannot both be served; a, then b, can. Either request may come first in the input, so
    no index order hides a walk read in the wrong direction."""
    b = request("b", window="09:00-09:00", minutes=30, where=north(40))
    a = request("a", window="09:31-09:40", minutes=10)
    first, second = (a, b) if listed_first == "a" else (b, a)
    hard = _with_table(problem([volunteer("v0")], [first, second]),
                       ("a", "b", 1.0), ("b", "a", 30.0))  # fmt: skip
    solution = solve(hard, strategy=strategy)
    assert_valid(hard, solution)
    assert solution.summary.requests_served == 1
    # The other way round both fit: a at 8:30 ends 8:40, one minute to b at 9:00.
    a_first = request("a", window="08:30-08:40", minutes=10)
    easy = _with_table(problem([volunteer("v0")], [a_first, b]),
                       ("a", "b", 1.0), ("b", "a", 30.0))  # fmt: skip
    served = solve(easy, strategy=strategy)
    assert_valid(easy, served)
    assert served.summary.requests_served == 2


def test_a_missing_pair_is_an_error_when_the_settings_say_so() -> None:
    reqs = [request("a", window="09:00-09:00"), request("b", window="10:30-10:30")]
    strict = _with_table(problem([volunteer("v0")], reqs), ("v0", "a", 1.0), ("v0", "b", 1.0),
                         missing_walks="error")  # fmt: skip
    with pytest.raises(InputError, match="no walking time between a and b"):
        solve(strict)
    complete = _with_table(strict, ("v0", "a", 1.0), ("v0", "b", 1.0), ("a", "b", 3.0),
                           missing_walks="error")  # fmt: skip
    assert solve(complete).summary.requests_served == 2


def test_travel_that_breaks_the_triangle_inequality_proves_nothing_by_itself() -> None:
    reqs = [request(r, window="09:00-12:00", minutes=10) for r in "abc"]
    base = problem([volunteer("v0")], reqs, time_limit_s=2)  # the search uses all of it
    assert build_instance(base).walks.travel_is_metric
    bent = _with_table(base, ("a", "c", 30.0), ("a", "b", 1.0), ("b", "c", 1.0))
    assert not build_instance(bent).walks.travel_is_metric
    solution = solve(bent)
    assert_valid(bent, solution)
    assert solution.summary.upper_bound >= solution.summary.served_weight


def test_walking_file_errors_name_file_row_and_field(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parents[3] / "data" / "sample"
    vols = pd.read_csv(sample / "volunteers.csv", dtype=str)
    reqs = pd.read_csv(sample / "requests.csv", dtype=str)
    table = pd.DataFrame(
        {
            "from_place": [vols.volunteer_id[0], reqs.request_id[0], reqs.request_id[0]],
            "to_place": [reqs.request_id[0], "NOWHERE", reqs.request_id[1]],
            "minutes": ["4", "2", "-1"],
        }
    )
    table.to_csv(tmp_path / "walking.csv", index=False)
    with pytest.raises(InputError) as caught:
        load_problem(sample / "volunteers.csv", sample / "requests.csv",
                     walking=tmp_path / "walking.csv")  # fmt: skip
    text = str(caught.value)
    assert "walking.csv, line 3, field 'to_place'" in text
    assert "walking.csv, line 4, field 'minutes'" in text
    table.loc[1, "to_place"] = reqs.request_id[2]
    table.loc[2, "minutes"] = "7.5"
    table.to_csv(tmp_path / "walking.csv", index=False)
    loaded = load_problem(sample / "volunteers.csv", sample / "requests.csv",
                          walking=tmp_path / "walking.csv")  # fmt: skip
    assert len(loaded.walking_times) == 3


def test_the_command_line_takes_a_walking_table(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parents[3] / "data" / "sample"
    reqs = pd.read_csv(sample / "requests.csv", dtype=str)
    vols = pd.read_csv(sample / "volunteers.csv", dtype=str)
    pd.DataFrame(
        {"from_place": [vols.volunteer_id[0]], "to_place": [reqs.request_id[0]], "minutes": [3]}
    ).to_csv(tmp_path / "walking.csv", index=False)
    paths = ["--volunteers", str(sample / "volunteers.csv"),
             "--requests", str(sample / "requests.csv")]  # fmt: skip
    runner = CliRunner()
    solved = runner.invoke(app, ["solve", *paths, "--out", str(tmp_path / "out"),
                                 "--walking", str(tmp_path / "walking.csv"),
                                 "--time-limit", "3"])  # fmt: skip
    assert solved.exit_code == ExitCode.OK, solved.output
    checked = runner.invoke(app, ["check", *paths, "--schedule", str(tmp_path / "out"),
                                  "--walking", str(tmp_path / "walking.csv")])  # fmt: skip
    assert checked.exit_code == ExitCode.OK, checked.output
