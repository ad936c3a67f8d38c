"""The command line end to end: generate, solve, check — on the sample and at full scale."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from factories import assert_valid
from typer.testing import CliRunner

import matcher
from matcher._internal.exit_codes import ExitCode
from matcher.cli import app

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
runner = CliRunner()


def _run(*args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == ExitCode.OK, result.output


def _solve_and_check(volunteers: Path, requests: Path, out: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    _run(
        "solve",
        "--volunteers",
        str(volunteers),
        "--requests",
        str(requests),
        "--out",
        str(out),
        *extra,
    )
    _run(
        "check",
        "--volunteers",
        str(volunteers),
        "--requests",
        str(requests),
        "--schedule",
        str(out),
    )
    return json.loads((out / "summary.json").read_text())  # type: ignore[no-any-return]


@pytest.mark.slow
def test_sample_with_the_optimiser(tmp_path: Path) -> None:
    summary = _solve_and_check(
        SAMPLE / "volunteers.csv",
        SAMPLE / "requests.csv",
        tmp_path / "out",
        "--time-limit",
        "5",
        "--seed",
        "1",
    )
    assert summary["requests_served"] + summary["requests_unassigned"] == 150
    assert summary["served_weight"] <= summary["upper_bound"]


@pytest.fixture(scope="module")
def generated_day(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A Qinxian-sized day written by `matcher generate`: 2,000 volunteers, 1,500 requests."""
    data = tmp_path_factory.mktemp("day")
    _run(
        "generate", "--out", str(data), "--volunteers", "2000", "--requests", "1500",
        "--seed", "11", "--start", "2026-12-01",
    )  # fmt: skip
    return data / "volunteers.csv", data / "requests.csv"


@pytest.fixture(scope="module")
def greedy_baseline(generated_day: tuple[Path, Path]) -> matcher.Solution:
    """The constructive baseline on the same day, through the library."""
    return matcher.solve(matcher.load_problem(*generated_day), strategy="greedy")


def _read_back(out: Path) -> matcher.Solution:
    """The three batch files `matcher solve` wrote, as the Solution they describe."""

    def rows(name: str) -> list[dict[str, str]]:
        frame = pd.read_csv(out / name, dtype=str, keep_default_na=False)
        return frame.to_dict("records")  # type: ignore[return-value]

    return matcher.Solution(
        assignments=[matcher.Assignment.model_validate(r) for r in rows("assignments.csv")],
        unassigned=[matcher.Unassigned.model_validate(r) for r in rows("unassigned.csv")],
        summary=matcher.Summary.model_validate_json((out / "summary.json").read_text()),
    )


@pytest.mark.slow
@pytest.mark.parametrize("strategy", ["greedy", "optimise"])
def test_generated_2000_volunteer_day(
    tmp_path: Path,
    strategy: str,
    generated_day: tuple[Path, Path],
    greedy_baseline: matcher.Solution,
) -> None:
    volunteers, requests = generated_day
    out = tmp_path / strategy
    _solve_and_check(volunteers, requests, out, "--strategy", strategy, "--time-limit", "8")
    solution = _read_back(out)
    summary = solution.summary
    # The day as the run saw it: the walking model is the one recorded in summary.json.
    problem = matcher.load_problem(
        volunteers, requests, settings=matcher.Settings.model_validate(summary.settings)
    )
    assert_valid(problem, solution)

    # Every request is either served or left with a reason, never both, never neither.
    served = solution.served_request_ids()
    left = {u.request_id for u in solution.unassigned}
    assert len(left) == len(solution.unassigned)
    assert not served & left
    assert served | left == {q.request_id for q in problem.requests}
    assert all(u.reason and u.detail.strip() for u in solution.unassigned)
    assert summary.requests_total == 1500
    assert (summary.requests_served, summary.requests_unassigned) == (len(served), len(left))
    assert summary.assignments == len(solution.assignments)

    # The figures add up: the weight is that of the served requests, below the bound.
    worth = {q.request_id: problem.settings.request_weight(q) for q in problem.requests}
    assert summary.served_weight == sum(worth[r] for r in served)
    assert summary.served_weight >= greedy_baseline.summary.served_weight
    assert summary.upper_bound >= summary.served_weight > 0
    bound = summary.upper_bound
    assert summary.gap == pytest.approx((bound - summary.served_weight) / bound, abs=1e-9)
    if summary.served_weight == bound:
        assert summary.status == "optimal" and summary.gap == 0
    else:
        assert summary.status == "feasible" and summary.gap > 0


def test_rerun_replaces_what_matcher_wrote_and_keeps_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _solve_and_check(
        SAMPLE / "volunteers.csv", SAMPLE / "requests.csv", out, "--strategy", "greedy"
    )
    (out / "assignments.csv").write_text("an older run's\n")
    (out / "notes.txt").write_text("the coordinator's notes")
    _solve_and_check(
        SAMPLE / "volunteers.csv", SAMPLE / "requests.csv", out, "--strategy", "greedy"
    )
    assert (out / "assignments.csv").read_text() != "an older run's\n"
    assert (out / "notes.txt").read_text() == "the coordinator's notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_bad_input_names_file_row_field_and_keeps_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _solve_and_check(
        SAMPLE / "volunteers.csv", SAMPLE / "requests.csv", out, "--strategy", "greedy"
    )
    before = (out / "assignments.csv").read_text()
    lines = (SAMPLE / "volunteers.csv").read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")
    cells[header.index("lat")] = "north"
    lines[3] = ",".join(cells)
    broken = tmp_path / "volunteers.csv"
    broken.write_text("\n".join(lines) + "\n")
    result = runner.invoke(
        app,
        [
            "solve",
            "--volunteers",
            str(broken),
            "--requests",
            str(SAMPLE / "requests.csv"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "volunteers.csv, line 4, field 'lat'" in result.output
    assert (out / "assignments.csv").read_text() == before
