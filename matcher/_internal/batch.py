"""The nightly batch job: inputs from files or a database, one solve, outputs that replace
the previous plan only when complete (an atomic folder swap, or one database transaction)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from matcher._internal.io import plans
from matcher._internal.io.atomic import check_output_place
from matcher._internal.io.load import load_problem, load_settings
from matcher._internal.io.output import write_solution
from matcher._internal.model import Problem, Settings, Solution
from matcher._internal.solver import ProgressCallback, solve
from matcher._internal.solver.services.dispatch import dispatch_urgent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchResult:
    solution: Solution
    problem: Problem
    written_to: str  # a folder path or "run <id> in <redacted url>"


def merged_settings(path: Path | None, **overrides: Any) -> Settings:
    """Settings from a file (or defaults), with command-line values that were given on top."""
    base = load_settings(path)
    given = {k: v for k, v in overrides.items() if v is not None and v is not False}
    return load_settings({**base.model_dump(), **given}) if given else base


def default_plan_date(timezone: str, now: datetime | None = None) -> date:
    """Tomorrow in the community's time zone, not the server's: at 23:06 UTC it is already
    the next morning in Shanghai, and "tomorrow" is the day after that."""
    moment = (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone))
    return moment.date() + timedelta(days=1)


def run_files(
    volunteers: Path, requests: Path, out: Path, *, teams: Path | None, settings: Settings,
    strategy: str, progress: ProgressCallback | None = None, walking: Path | None = None,
) -> BatchResult:  # fmt: skip
    check_output_place(out)
    problem = load_problem(volunteers, requests, teams=teams, settings=settings, walking=walking)
    solution = solve(problem, strategy=strategy, progress=progress)
    write_solution(solution, out, problem)
    return BatchResult(solution, problem, str(out))


def run_database(
    url: str, *, plan_date: date | None, days: int, out: Path | None, teams: Path | None,
    settings: Settings, strategy: str, progress: ProgressCallback | None = None,
) -> BatchResult:  # fmt: skip
    """Read the plan days' requests and all volunteers; write back (or to `out`)."""
    from matcher._internal.io import database as db

    if out is not None:
        check_output_place(out)
    started = datetime.now()
    first_day = plan_date or default_plan_date(settings.timezone)
    engine = db.engine_for(url)
    vols = db.read_input_table(engine, "volunteers", "volunteer_id")
    reqs = db.read_input_table(
        engine, "requests", "request_id", plan=(first_day, days), timezone=settings.timezone
    )
    problem = load_problem(vols, reqs, teams=teams, settings=settings)
    log.info("plan %s (+%d days): %d volunteers, %d requests from %s", first_day, days,
             len(problem.volunteers), len(problem.requests), db.redact(url))  # fmt: skip
    solution = solve(problem, strategy=strategy, progress=progress)
    if out is not None:
        write_solution(solution, out, problem)
        return BatchResult(solution, problem, str(out))
    problem, solution = take_in_late_calls(engine, problem, solution, first_day, days, started)
    run_id = db.write_run(
        engine, solution, plan_date=first_day, days=days, volunteers=len(problem.volunteers),
        started_at=started,
    )  # fmt: skip
    return BatchResult(solution, problem, f"run {run_id} in {db.redact(url)}")


def take_in_late_calls(
    engine: Engine, problem: Problem, solution: Solution, plan_date: date, days: int,
    since: datetime,
) -> tuple[Problem, Solution]:  # fmt: skip
    """Dispatch into a new plan the urgent calls that arrived after its inputs were read,
    so a plan landing during the day never drops a call already answered."""
    late = plans.calls_since(engine, plan_date, days, since)
    if not late:
        return problem, solution
    known = {r.request_id for r in problem.requests}
    fresh = plans.load_plan_problem(engine, plan_date, days, problem.settings)
    by_id = {r.request_id: r for r in fresh.requests}
    for rid in late:
        if rid in known or rid not in by_id:
            continue
        solution = dispatch_urgent(problem, solution, by_id[rid])
        problem = problem.model_copy(update={"requests": (*problem.requests, by_id[rid])})
        known.add(rid)
    log.info("took in %d urgent call(s) that arrived during the run", len(late))
    return problem, solution
