"""The library surface a service uses: load, solve, frames, files, JSON and its schema."""

from __future__ import annotations

from pathlib import Path

from factories import assert_valid, north, problem, request, volunteer

import matcher

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def test_load_solve_and_export(tmp_path: Path) -> None:
    problem = matcher.load_problem(
        volunteers=SAMPLE / "volunteers.csv", requests=SAMPLE / "requests.csv"
    )
    seen: list[object] = []
    solution = matcher.solve(problem, time_limit=3, seed=1, progress=seen.append)
    assert_valid(problem, solution)
    assert seen
    assert solution.summary.settings["time_limit_s"] == 3
    done, left = solution.to_frames()
    assert list(done.columns) == ["request_id", "volunteer_id", "team", "start", "end",
                                  "walk_minutes"]  # fmt: skip
    assert len(done) == solution.summary.assignments and len(left) == len(solution.unassigned)
    again = matcher.Solution.model_validate_json(solution.model_dump_json())
    assert again == solution
    folder = matcher.write_solution(solution, tmp_path / "out")
    visible = {p.name for p in folder.iterdir() if not p.name.startswith(".")}
    assert visible == {"assignments.csv", "unassigned.csv", "summary.json"}


def test_json_schemas_describe_the_exchanged_models() -> None:
    schemas = matcher.json_schemas()
    assert set(schemas) == {"Volunteer", "Request", "Team", "Settings", "Problem", "Solution"}
    assert "volunteer_id" in schemas["Volunteer"]["properties"]
    assert "latest_start" in schemas["Request"]["required"]


def test_explain_an_assignment_and_an_unassigned_request() -> None:
    problem = matcher.load_problem(
        volunteers=SAMPLE / "volunteers.csv", requests=SAMPLE / "requests.csv"
    )
    solution = matcher.solve(problem, time_limit=2, strategy="greedy")
    served = solution.assignments[0]
    why = matcher.explain(problem, solution, served.request_id)
    assert why.served and served.volunteer_id in why.summary
    assert any("min walk" in line and "reach" in line for line in why.crew)
    # The sample's first request has several eligible volunteers besides its crew.
    assert why.runners_up
    assert all("min walk" in line for line in why.runners_up)
    left = solution.unassigned[0]
    why_not = matcher.explain(problem, solution, left.request_id)
    assert not why_not.served and left.reason.value in why_not.summary


def test_explain_names_every_other_eligible_volunteer_as_a_runner_up() -> None:
    """Three care volunteers can reach the visit and are free; one is too far to walk. The
    nearest serves it, the other two eligible ones are the runners-up, nearest first."""
    p = problem(
        [
            volunteer("far", where=north(600)),
            volunteer("near", where=north(50)),
            volunteer("mid", where=north(300)),
            volunteer("beyond", where=north(3000)),
        ],
        [request("visit", window="09:00-09:00")],
        time_limit_s=2,
    )
    solution = matcher.solve(p, strategy="greedy")
    assert_valid(p, solution)
    assert [(a.request_id, a.volunteer_id) for a in solution.assignments] == [("visit", "near")]
    why = matcher.explain(p, solution, "visit")
    assert why.served and len(why.crew) == 1 and why.crew[0].startswith("near:")
    assert [line.split(":")[0] for line in why.runners_up] == ["mid", "far"]
    assert all("min walk" in line and "free then" in line for line in why.runners_up)
