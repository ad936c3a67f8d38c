"""The stable library surface: load a problem, solve it, export schemas.

Everything a service needs is re-exported from `matcher`; the sub-packages are the
implementation and may change between releases.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from matcher._internal import solver
from matcher._internal.model import (
    Explanation,
    Problem,
    Request,
    Settings,
    Solution,
    Strategy,
    Team,
    Volunteer,
)
from matcher._internal.solver import ProgressCallback


def solve(
    problem: Problem,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    progress: ProgressCallback | None = None,
    strategy: Strategy | str = Strategy.OPTIMISE,
    cancel: threading.Event | None = None,
) -> Solution:
    """Solve `problem` within `time_limit` seconds (default: its settings'); every request
    comes back either assigned or with a reason. `progress` is called from worker threads;
    setting `cancel` stops early with the best valid schedule so far. Safe to call from
    several threads at once."""
    return solver.solve(
        _with(problem, time_limit, seed), strategy=strategy, progress=progress, cancel=cancel
    )


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schema of every model a service exchanges with matcher, by model name."""
    models = (Volunteer, Request, Team, Settings, Problem, Solution)
    return {m.__name__: m.model_json_schema() for m in models}


def replan(
    problem: Problem,
    previous: Solution,
    *,
    pinned: Iterable[str] = (),
    time_limit: float | None = None,
    seed: int | None = None,
    progress: ProgressCallback | None = None,
) -> Solution:
    """Plan the day as it is now (`problem`: cancellations, new or withdrawn requests,
    changed windows) starting from the published `previous` plan.

    Every still-valid assignment is kept unless changing it serves more priority weight
    than the problem's `Settings.replan_move_cost` per move (`replan_keep_untouched`: never
    moved; set them with `problem.with_settings`); `pinned` request ids (confirmed or
    started) are never moved. `Solution.changes` lists what was added, removed or moved,
    and why.
    """
    return solver.replan(
        _with(problem, time_limit, seed), previous, pinned=pinned, progress=progress
    )


def _with(problem: Problem, time_limit: float | None, seed: int | None) -> Problem:
    overrides = {"time_limit_s": time_limit, "seed": seed}
    return problem.with_settings(**{k: v for k, v in overrides.items() if v is not None})


def dispatch_urgent(
    problem: Problem, solution: Solution, request: Request | Mapping[str, Any]
) -> Solution:
    """Serve an urgent request at once on top of `solution`: the nearest free eligible crew,
    or volunteers taken from lower-priority work (which is re-homed where possible).
    `Solution.changes` says who was moved or dropped for it."""
    if not isinstance(request, Request):
        request = Request.model_validate(
            dict(request), context={"timezone": problem.settings.timezone}
        )
    return solver.dispatch_urgent(problem, solution, request)


def fill_declined(
    problem: Problem,
    solution: Solution,
    request_id: str,
    volunteer_id: str,
    *,
    standbys: Iterable[str] = (),
    keep: Iterable[str] = (),
) -> tuple[Problem, Solution]:
    """`solution` after `volunteer_id` declined `request_id`: the place filled by one of
    the request's `standbys` (free, eligible, in reach at its start) if any can, else the
    nearest other free volunteer at the same start, else the request planned again as an
    urgent call is, never taking from the requests in `keep` (accepted offers). Returns
    the day with the volunteer excluded from the request, and the plan; its `changes` say
    what moved and why."""
    done = solver.fill_declined(problem, solution, request_id, volunteer_id,
                                standbys=list(standbys), keep=keep)  # fmt: skip
    return done.problem, done.solution


def explain(problem: Problem, solution: Solution, request_id: str) -> Explanation:
    """Why a request was served by its crew (reach, skills, the runners-up), or why not."""
    return solver.explain(problem, solution, request_id)


def compare_scenarios(
    paths: Iterable[str | Path], *, time_limit: float | None = None
) -> pd.DataFrame:
    """Run scenario files in parallel; a pandas DataFrame of KPIs with changes vs baseline."""
    from matcher._internal.scenarios.run import run_scenarios

    return run_scenarios([Path(p) for p in paths], time_limit=time_limit)
