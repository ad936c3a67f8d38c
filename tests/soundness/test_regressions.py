"""Each input that once broke the proof, the bound or the run, against the exact oracle."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from soundness.harness import run_instance
from typer.testing import CliRunner

from matcher import Problem, Request, Settings, Volunteer, load_problem, solve
from matcher._internal.exit_codes import ExitCode
from matcher._internal.generate import generate_community
from matcher._internal.solver.bound.relaxation import lp_bound, team_bounds
from matcher._internal.solver.core.candidates import find_candidates
from matcher._internal.solver.core.instance import build_instance
from matcher.cli import app

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
BASE = datetime(2026, 12, 1)
CENTRE = (37.87, 112.55)


def _iso(minute: int) -> str:
    return (BASE + timedelta(minutes=minute)).isoformat()


def _request(
    i: int, rng: np.random.Generator, earliest: int, width: int, **extra: object
) -> Request:
    north, east = rng.uniform(-600, 600, size=2)
    fields = {
        "request_id": f"R{i}", "kind": "visit",
        "lat": CENTRE[0] + north / 111_195, "lon": CENTRE[1] + east / 87_800,
        "earliest_start": _iso(earliest), "latest_start": _iso(earliest + width),
        "duration_minutes": 900, "priority": int(rng.integers(1, 6)),
    }  # fmt: skip
    return Request.model_validate({**fields, **extra})


def _long_horizon(seed: int, n: int, *, crossing_only: bool) -> Problem:
    """The published OPTW family's shape: one volunteer, one interval over nine days, the
    whole horizon as the daily cap, 900-minute services whose windows spread over the days
    (most cross midnight), priority weights 10..50 and the walking model overridden."""
    rng = np.random.default_rng(seed)
    horizon = 9 * 1440
    volunteer = Volunteer.model_validate({
        "volunteer_id": "V0", "team": "care", "lat": CENTRE[0], "lon": CENTRE[1],
        "availability": [f"{_iso(0)}/{_iso(horizon)}"], "max_minutes_per_day": horizon,
        "max_walk_minutes": 60,
    })  # fmt: skip
    requests = []
    for i in range(n):
        earliest = int(rng.integers(0, horizon - 2 * 1440))
        if crossing_only:  # every window spans a midnight: no pair counts toward one day
            earliest = (earliest // 1440) * 1440 + 1200
        requests.append(_request(i, rng, earliest, int(rng.integers(300, 900))))
    settings = Settings(
        priority_weights={1: 10, 2: 20, 3: 30, 4: 40, 5: 50}, walking_speed_m_per_min=60.0,
        detour_factor=1.0, deterministic=True, time_limit_s=5.0,
    )  # fmt: skip
    return Problem(volunteers=(volunteer,), requests=tuple(requests), settings=settings)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_volunteer_over_nine_days_with_services_across_midnight(seed: int) -> None:
    exact, solution = run_instance(_long_horizon(seed, 24, crossing_only=False))
    assert exact.proven and exact.weight > 0
    assert solution.summary.served_weight > 0


def test_bounds_hold_when_no_pair_counts_toward_a_single_day() -> None:
    problem = _long_horizon(4, 10, crossing_only=True)
    inst = build_instance(problem)
    cands = find_candidates(inst)
    bound = lp_bound(inst, cands)
    teams = team_bounds(inst, cands)
    exact, _ = run_instance(problem)
    assert bound.total >= exact.weight and teams["any"] >= exact.weight


def test_a_service_after_the_last_evening_minute_counts_whole_toward_its_day() -> None:
    """Available from 20:00 over two nights with a 600-minute cap: a 540-minute service at
    22:00 counts toward its first day although only 120 of its minutes lie in it."""
    volunteer = Volunteer.model_validate({
        "volunteer_id": "V0", "team": "care", "lat": CENTRE[0], "lon": CENTRE[1],
        "availability": [f"{_iso(1200)}/{_iso(1440 + 1920)}"], "max_minutes_per_day": 600,
    })  # fmt: skip
    rng = np.random.default_rng(0)
    nights = tuple(
        _request(i, rng, 1320 + i * 1440, 0, duration_minutes=540, lat=CENTRE[0], lon=CENTRE[1])
        for i in range(2)
    )
    problem = Problem(volunteers=(volunteer,), requests=nights)
    exact, solution = run_instance(problem)
    inst = build_instance(problem)
    assert lp_bound(inst, find_candidates(inst)).total >= exact.weight
    assert exact.weight == solution.summary.upper_bound == solution.summary.served_weight
    assert solution.summary.status == "optimal" and len(solution.assignments) == 2


def test_touching_intervals_are_one_interval() -> None:
    volunteer = Volunteer.model_validate({
        "volunteer_id": "V0", "team": "care", "lat": CENTRE[0], "lon": CENTRE[1],
        "availability": [f"{_iso(540)}/{_iso(600)}", f"{_iso(600)}/{_iso(660)}"],
    })  # fmt: skip
    visit = _request(0, np.random.default_rng(0), 570, 0, duration_minutes=60,
                     lat=CENTRE[0], lon=CENTRE[1])  # fmt: skip
    exact, solution = run_instance(Problem(volunteers=(volunteer,), requests=(visit,)))
    assert exact.weight == solution.summary.served_weight > 0


@pytest.mark.parametrize("seed", [7, 8, 10, 12])
def test_community_days_of_thirty_volunteers(seed: int) -> None:
    """One-day communities of 30 volunteers and 100 requests where the whole-problem model
    once dropped requests (a cap counted unservable ones) and called the day optimal: 166
    of 170, 140 of 144, 116 of 120, 142 of 146."""
    volunteers, requests = generate_community(30, 100, days=1, seed=seed, start=BASE.date())
    problem = load_problem(
        volunteers, requests, settings={"deterministic": True, "time_limit_s": 10.0}
    )
    exact, solution = run_instance(problem)
    if solution.summary.status == "optimal":
        assert solution.summary.served_weight == exact.weight


def test_empty_request_and_volunteer_sets_solve() -> None:
    sample = Problem.model_validate({"volunteers": [], "requests": []})
    assert solve(sample).summary.status == "empty"
    (vol,) = _long_horizon(1, 0, crossing_only=False).volunteers
    alone = solve(Problem(volunteers=(vol,), requests=()))
    assert alone.summary.upper_bound == 0 and alone.summary.status == "empty"
    visits = _long_horizon(1, 3, crossing_only=False).requests
    nobody = solve(Problem(volunteers=(), requests=visits))
    assert nobody.summary.upper_bound == 0 and len(nobody.unassigned) == 3


def test_header_only_files_plan_a_quiet_night(tmp_path: Path) -> None:
    runner = CliRunner()
    for name in ("volunteers", "requests"):
        header = (SAMPLE / f"{name}.csv").read_text().splitlines()[0]
        (tmp_path / f"{name}.csv").write_text(header + "\n")
    cases = {
        ("requests",): ExitCode.OK,  # nothing to plan: a normal night
        ("volunteers",): ExitCode.NOTHING_SERVED,  # requests nobody can serve
        ("volunteers", "requests"): ExitCode.OK,
    }
    for empty, code in cases.items():
        paths = {n: tmp_path / f"{n}.csv" if n in empty else SAMPLE / f"{n}.csv"
                 for n in ("volunteers", "requests")}  # fmt: skip
        out = tmp_path / ("out-" + "-".join(empty))
        result = runner.invoke(app, [
            "solve", "--volunteers", str(paths["volunteers"]), "--requests",
            str(paths["requests"]), "--out", str(out), "--time-limit", "3",
        ])  # fmt: skip
        assert result.exit_code == code, result.output
        assert pd.read_csv(out / "assignments.csv").empty


def test_a_generated_week_of_forty_volunteers() -> None:
    """`generate --volunteers 40 --requests 300 --days 7 --seed 8` was called optimal at 522;
    the exact optimum is 527."""
    volunteers, requests = generate_community(40, 300, days=7, seed=8, start=BASE.date())
    problem = load_problem(
        volunteers, requests, settings={"deterministic": True, "time_limit_s": 10.0}
    )
    exact, _ = run_instance(problem)
    assert exact.proven
