"""The nightly batch job: inputs from files or a database, every community planned (in
independent parts, in parallel where there are several), outputs that replace the previous
plan only when complete (an atomic folder swap, or one database transaction per community).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from matcher._internal import interrupts
from matcher._internal.city import CommunityOutcome, load_city, plan_city
from matcher._internal.io import plans
from matcher._internal.io.atomic import check_output_place
from matcher._internal.io.load import load_settings
from matcher._internal.io.output import write_solution
from matcher._internal.model import Problem, Settings, Solution
from matcher._internal.solver import ProgressCallback
from matcher._internal.solver.services.dispatch import dispatch_urgent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchResult:
    solution: Solution
    """The planned communities' plans as one."""
    problem: Problem
    written_to: str  # a folder path, "run <id> in <redacted url>", or "nothing written"
    not_planned: list[CommunityOutcome] = field(default_factory=list)
    """Communities left without a new plan (bad rows, or a part that failed twice)."""


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
    scheduler: str | None = None, cancel: threading.Event | None = None,
) -> BatchResult:  # fmt: skip
    """Plan every community of the files into one folder; a community that cannot be
    planned is listed in `summary.json` and `communities.csv` and left out of the rest."""
    check_output_place(out)
    city = load_city(volunteers, requests, teams=teams, settings=settings, walking=walking)
    result = plan_city(city, strategy=strategy, scheduler=scheduler, progress=progress,
                       cancel=cancel)  # fmt: skip
    if not any(c.solution is not None for c in result.communities):
        return BatchResult(result.solution, result.problem, "nothing written", result.not_planned)
    write_solution(result.solution, out, result.problem)
    return BatchResult(result.solution, result.problem, str(out), result.not_planned)


def run_database(
    url: str, *, plan_date: date | None, days: int, out: Path | None, teams: Path | None,
    settings: Settings, strategy: str, progress: ProgressCallback | None = None,
    scheduler: str | None = None, cancel: threading.Event | None = None,
) -> BatchResult:  # fmt: skip
    """Read the plan days' requests and all volunteers; write each community's plan back in
    a transaction of its own (or everything to `out`). A community that is not planned
    keeps its previous current run."""
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
    city = load_city(vols, reqs, teams=teams, settings=settings)
    log.info("plan %s (+%d days): %d volunteers, %d requests from %s", first_day, days,
             len(city.problem.volunteers), len(city.problem.requests), db.redact(url))  # fmt: skip
    result = plan_city(city, strategy=strategy, scheduler=scheduler, progress=progress,
                       cancel=cancel)  # fmt: skip
    planned = [c for c in result.communities if c.solution is not None and c.problem is not None]
    if out is not None and planned:
        write_solution(result.solution, out, result.problem)
        return BatchResult(result.solution, result.problem, str(out), result.not_planned)
    interrupts.raise_if_stopped()  # before the first commit: nothing written
    runs = []
    for outcome in planned:
        assert outcome.problem is not None and outcome.solution is not None
        problem, solution = take_in_late_calls(
            engine, outcome.problem, outcome.solution, first_day, days, started,
            community=outcome.community,
        )  # fmt: skip
        runs.append(db.write_run(
            engine, solution, plan_date=first_day, days=days,
            volunteers=len(problem.volunteers), started_at=started, community=outcome.community,
        ))  # fmt: skip
    where = db.redact(url)
    written = f"run {runs[0]} in {where}" if len(runs) == 1 else f"{len(runs)} runs in {where}"
    return BatchResult(result.solution, result.problem, written if runs else "nothing written",
                       result.not_planned)  # fmt: skip


def take_in_late_calls(
    engine: Engine, problem: Problem, solution: Solution, plan_date: date, days: int,
    since: datetime, community: str | None = None,
) -> tuple[Problem, Solution]:  # fmt: skip
    """Dispatch into a new plan the urgent calls that arrived after its inputs were read,
    so a plan landing during the day never drops a call already answered. Only the calls
    of the plan's `community` go into it."""
    late = plans.calls_since(engine, plan_date, days, since)
    if not late:
        return problem, solution
    known = {r.request_id for r in problem.requests}
    fresh = plans.load_plan_problem(engine, plan_date, days, problem.settings,
                                    community=community)  # fmt: skip
    by_id = {r.request_id: r for r in fresh.requests}
    for rid in late:
        if rid in known or rid not in by_id or by_id[rid].community != community:
            continue
        solution = dispatch_urgent(problem, solution, by_id[rid])
        problem = problem.model_copy(update={"requests": (*problem.requests, by_id[rid])})
        known.add(rid)
    log.info("took in %d urgent call(s) that arrived during the run", len(late))
    return problem, solution
