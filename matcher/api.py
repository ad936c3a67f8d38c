"""The stable library surface: load a problem, solve it, export schemas.

Everything a service needs is re-exported from `matcher`; the sub-packages are the
implementation and may change between releases.
"""

from __future__ import annotations

from typing import Any

from matcher.model import Problem, Request, Settings, Solution, Team, Volunteer
from matcher.solver import ProgressCallback
from matcher.solver import solve as _solve


def solve(
    problem: Problem,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    progress: ProgressCallback | None = None,
    strategy: str = "optimise",
) -> Solution:
    """Solve `problem` within `time_limit` seconds (default: its settings'); every request
    comes back either assigned or with a reason. `progress` is called from worker threads."""
    overrides: dict[str, Any] = {}
    if time_limit is not None:
        overrides["time_limit_s"] = time_limit
    if seed is not None:
        overrides["seed"] = seed
    if overrides:
        settings = Settings.model_validate({**problem.settings.model_dump(), **overrides})
        problem = problem.model_copy(update={"settings": settings})
    return _solve(problem, strategy=strategy, progress=progress)


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schema of every model a service exchanges with matcher, by model name."""
    models = (Volunteer, Request, Team, Settings, Problem, Solution)
    return {m.__name__: m.model_json_schema() for m in models}
