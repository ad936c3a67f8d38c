"""The nightly batch job: inputs from files or a database, every community planned (in
independent parts, in parallel where there are several), outputs that replace the previous
plan only when complete (an atomic folder swap, or one database transaction per community).

An export that lost a community's volunteers never replaces its plan unnoticed: a database
run keeps the current plan of a community whose last run had volunteers and that has none
tonight, and says so (`held_back`), unless told the community really has none now.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from matcher._internal import interrupts
from matcher._internal.city import CityInput, CommunityOutcome, load_city, plan_city
from matcher._internal.city.inputs import Community
from matcher._internal.io.errors import InputError, Issue
from matcher._internal.io.inputs.load import load_settings
from matcher._internal.io.inputs.tables import RawTable, community_cell
from matcher._internal.io.outputs.batch_files import write_solution
from matcher._internal.io.store import offers, plan_versions
from matcher._internal.model import Assignment, Problem, Settings, Solution, with_learned_rates
from matcher._internal.solver import ProgressCallback, dispatch_urgent, replan

if TYPE_CHECKING:
    from matcher._internal.io.store.database import LastRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchResult:
    solution: Solution
    """The planned communities' plans as one."""
    problem: Problem
    written_to: str  # a folder path, "run <id> in <database>" (db.describe), or "nothing written"
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


def local_today(timezone: str, now: datetime | None = None) -> date:
    """Today in the community's time zone: the days before it have passed."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone)).date()


def run_files(
    volunteers: Path, requests: Path, out: Path, *, teams: Path | None, settings: Settings,
    strategy: str, progress: ProgressCallback | None = None, walking: Path | None = None,
    scheduler: str | None = None, cancel: threading.Event | None = None,
    osm: Path | None = None,
) -> BatchResult:  # fmt: skip
    """Plan every community of the files into one folder; a community that cannot be
    planned is listed in `summary.json` and `communities.csv` and left out of the rest.
    The caller claims `out` before the long solve
    (`io.outputs.output_folder.claim_output`, as the command line does); the write checks it
    again. With the map `osm`, the team sheets draw each walk along its streets."""
    city = load_city(volunteers, requests, teams=teams, settings=settings, walking=walking)
    result = plan_city(city, strategy=strategy, scheduler=scheduler, progress=progress,
                       cancel=cancel)  # fmt: skip
    interrupts.raise_if_stopped()  # an interrupted run writes nothing
    if not any(c.solution is not None for c in result.communities):
        return BatchResult(result.solution, result.problem, "nothing written", result.not_planned)
    paths = None
    if osm is not None:
        from matcher._internal.streets import walked_paths

        paths = walked_paths(osm, result.problem, result.solution)
    write_solution(result.solution, out, result.problem, walked_paths=paths)
    return BatchResult(result.solution, result.problem, str(out), result.not_planned)


def run_database(
    url: str, *, plan_date: date | None, days: int, out: Path | None, teams: Path | None,
    settings: Settings, strategy: str, progress: ProgressCallback | None = None,
    scheduler: str | None = None, allow_empty: bool = False,
    cancel: threading.Event | None = None,
) -> BatchResult:  # fmt: skip
    """Read the plan days' requests and all volunteers; write each community's plan back in
    a transaction of its own (or everything to `out`). A community that is not planned
    keeps its previous current run; so does one the export has no volunteers for while its
    last run had some (`held_back`), unless `allow_empty`."""
    from matcher._internal.io.store import database as db
    from matcher._internal.io.store import history, hours

    started = datetime.now()
    first_day = plan_date or default_plan_date(settings.timezone)
    settings = db.over_plan_days(settings, first_day, days)
    engine = db.engine_for(url)
    if out is None and settings.hours_credit == hours.DAY_PASSED:
        hours.credit_passed_days(engine, local_today(settings.timezone))
    vols = db.read_input_table(engine, "volunteers", "volunteer_id")
    credited = hours.credited_minutes(engine, first_day, settings.fairness_window_days)
    vols = history.filled(vols, "credited_minutes", "volunteer_id", credited)
    reqs = db.read_input_table(
        engine, "requests", "request_id", plan=(first_day, days), timezone=settings.timezone
    )
    reqs = history.with_regular_volunteers(reqs, history.regular_volunteers(engine, first_day))
    roster = {str(record.get("volunteer_id")) for _, record in vols.rows}
    reqs = offers.with_refusals(engine, reqs, roster)  # no one is asked again after a no
    held = {} if allow_empty else held_back(db.last_runs(engine), vols, reqs)
    city = _load_without(held, vols, reqs, teams=teams, settings=settings)
    if settings.plan_standbys:  # standbys are planned from how each volunteer answers
        learned = with_learned_rates(city.problem, offers.answer_counts(engine))
        city = dataclasses.replace(city, problem=learned)
    log.info("plan %s (+%d days): %d volunteers, %d requests from %s", first_day, days,
             len(city.problem.volunteers), len(city.problem.requests),
             db.describe(url))  # fmt: skip
    result = plan_city(city, strategy=strategy, scheduler=scheduler, progress=progress,
                       cancel=cancel)  # fmt: skip
    interrupts.raise_if_stopped()  # an interrupted run writes nothing
    planned = [c for c in result.communities if c.solution is not None and c.problem is not None]
    if out is not None and planned:
        write_solution(result.solution, out, result.problem)
        return BatchResult(result.solution, result.problem, str(out), result.not_planned)
    runs = []
    for outcome in planned:
        assert outcome.problem is not None and outcome.solution is not None
        problem, solution = keep_accepted(engine, outcome.problem, outcome.solution)
        problem, solution = take_in_late_calls(
            engine, problem, solution, first_day, days, started, community=outcome.community,
        )  # fmt: skip
        if outcome.solution.standbys and not solution.standbys:
            log.warning("accepted offers or late calls changed the plan after its standbys "
                        "were named: it is stored without standbys")  # fmt: skip
        runs.append(db.write_run(
            engine, solution, plan_date=first_day, days=days,
            volunteers=len(problem.volunteers), started_at=started, community=outcome.community,
        ))  # fmt: skip
    where = db.describe(url)
    written = f"run {runs[0]} in {where}" if len(runs) == 1 else f"{len(runs)} runs in {where}"
    return BatchResult(result.solution, result.problem, written if runs else "nothing written",
                       result.not_planned)  # fmt: skip


def held_back(
    last: dict[Community, LastRun], vols: RawTable, reqs: RawTable
) -> dict[Community, Issue]:
    """The communities whose plan an export must not replace, each with why: the last run
    had volunteers, tonight's export has no volunteer row of the community, and either the
    volunteers table is empty or the community has requests tonight (a community in neither
    table is not planned at all, so nothing of it would be replaced). An empty export is far
    likelier a failed export than a community whose volunteers all left overnight."""
    staffed = {community_cell(record) for _, record in vols.rows}
    asking = {community_cell(record) for _, record in reqs.rows}
    held: dict[Community, Issue] = {}
    for community, run in last.items():
        if run.volunteers == 0 or community in staffed:
            continue
        if vols.rows and community not in asking:
            continue
        whose = "the last run" if community is None else f"community {community}'s last run"
        missing = "has no rows" if not vols.rows else f"has no rows of community {community}"
        message = (
            f"{missing}, but {whose} (plan date {run.plan_date}) had {run.volunteers} "
            "volunteers: the export looks incomplete, so the current plan is kept; if there "
            "really are no volunteers now, run again with --allow-empty"
        )
        held[community] = Issue(vols.source, "", "", message)
    return held


def _load_without(
    held: dict[Community, Issue], vols: RawTable, reqs: RawTable, *, teams: Path | None,
    settings: Settings,
) -> CityInput:  # fmt: skip
    """The input without the `held` communities, which are set aside like communities with
    bad rows: reported with why, not planned, their current plans kept. When nothing else
    is left to plan, the whole run is refused."""
    if not held:
        return load_city(vols, reqs, teams=teams, settings=settings)
    refused = InputError(list(held.values()))

    def kept(record: dict[str, Any]) -> bool:
        return community_cell(record) not in held

    rest_vols, rest_reqs = vols.keep(kept), reqs.keep(kept)
    if not rest_vols.rows and not rest_reqs.rows:
        raise refused
    try:
        city = load_city(rest_vols, rest_reqs, teams=teams, settings=settings)
    except InputError as exc:
        raise InputError([*refused.issues, *exc.issues]) from exc
    requests = {c: sum(1 for _, r in reqs.rows if community_cell(r) == c) for c in held}
    return dataclasses.replace(
        city,
        bad={**city.bad, **{c: InputError([issue]) for c, issue in held.items()}},
        bad_requests={**city.bad_requests, **requests},
    )


PIN_SHARE = 0.2
"""The share of the run's time limit the pass that puts accepted offers back may take."""


def keep_accepted(engine: Engine, problem: Problem, solution: Solution) -> tuple[Problem, Solution]:
    """`solution` with every accepted offer of its requests kept as a pin: the request
    stays with its crew at the accepted time, and the rest of the day is planned around it
    (`replan` from the fresh plan with those crews put in, for `PIN_SHARE` of the time
    limit). A pin that no longer holds (a volunteer who left the roster) is dropped with
    its reason, like a re-plan's. Unchanged when nothing was accepted."""
    if not offers.stored(engine):
        return problem, solution
    day = {r.request_id for r in problem.requests}
    accepted = offers.of_requests(engine, day, [offers.OfferState.ACCEPTED])
    if not accepted:
        return problem, solution
    pinned = {o.request_id for o in accepted}
    starts = {o.request_id: (o.start, o.end) for o in accepted}
    teams = {v.volunteer_id: v.team for v in problem.volunteers}
    crews = [o for o in offers.of_requests(engine, pinned, offers.OPEN)
             if (o.start, o.end) == starts[o.request_id]]  # fmt: skip
    kept = [Assignment(request_id=o.request_id, volunteer_id=o.volunteer_id,
                       team=teams.get(o.volunteer_id, ""), start=o.start, end=o.end,
                       walk_minutes=0.0) for o in crews]  # fmt: skip
    rest = [a for a in solution.assignments if a.request_id not in pinned]
    published = solution.model_copy(update={"assignments": [*rest, *kept]})
    settings = problem.settings
    quick = problem.with_settings(time_limit_s=max(1.0, settings.time_limit_s * PIN_SHARE))
    planned = replan(quick, published, pinned=sorted(pinned))
    log.info("kept %d accepted offer(s) of %d request(s) as pins", len(accepted), len(pinned))
    summary = planned.summary.model_copy(update={"settings": solution.summary.settings})
    return problem, planned.model_copy(update={"changes": [], "summary": summary})


def take_in_late_calls(
    engine: Engine, problem: Problem, solution: Solution, plan_date: date, days: int,
    since: datetime, community: str | None = None,
) -> tuple[Problem, Solution]:  # fmt: skip
    """Dispatch into a new plan the urgent calls that arrived after its inputs were read,
    so a plan landing during the day never drops a call already answered. Only the calls
    of the plan's `community` go into it."""
    late = plan_versions.calls_since(engine, plan_date, days, since)
    if not late:
        return problem, solution
    known = {r.request_id for r in problem.requests}
    fresh = plan_versions.load_plan_problem(engine, plan_date, days, problem.settings,
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
