"""`plan_city`: split every community into parts, run the parts, merge the results.

A community is planned when all its parts are; one whose rows were bad, whose split
failed, or one of whose parts failed twice is reported with why, and the others are
planned as if it were not there.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from matcher._internal.city.execute import PartDone, PartFailed, PartOutcome, run_parts
from matcher._internal.city.inputs import CityInput, Community, community_label, community_order
from matcher._internal.city.merge import combine, community_summary
from matcher._internal.city.split import (
    CommunitySplit,
    by_community,
    restricted,
    split_community,
)
from matcher._internal.io.errors import InputError
from matcher._internal.model import Problem, Solution, Strategy
from matcher._internal.solver import ProgressCallback

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CommunityOutcome:
    """What became of one community: its plan, or why there is none."""

    community: Community
    problem: Problem | None
    """Its volunteers and requests; None when its rows were bad."""
    solution: Solution | None
    """Its plan; None when it was not planned."""
    parts: int
    seconds: float
    """From the start of the run until its last part was done."""
    failure: str | None = None
    errors: InputError | None = None
    """Its input errors, when they are why it was not planned."""
    requests: int = 0


@dataclass(frozen=True)
class CityResult:
    solution: Solution
    """The planned communities' plans as one (with `per_community` when communities are
    named)."""
    problem: Problem
    """The planned communities' volunteers and requests."""
    communities: list[CommunityOutcome]
    parts: list[PartOutcome]
    split_seconds: float
    """How long reading the communities' candidate pairs and splitting them took."""

    @property
    def not_planned(self) -> list[CommunityOutcome]:
        return [c for c in self.communities if c.solution is None]


def plan_city(
    city: CityInput,
    *,
    strategy: Strategy | str = Strategy.OPTIMISE,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> CityResult:
    """Plan every valid community of `city`: on local processes (`settings.workers` of
    them), or on the Dask cluster at `scheduler`. Raises `InputError` when every community
    has input errors (a walk the strict walking table lacks counts as one), as a run of one
    community always did. Setting `cancel` stops the search early (see `run_parts`)."""
    started, began = time.time(), time.perf_counter()
    strategy = Strategy(strategy)
    settings = city.problem.settings
    splits: dict[Community, CommunitySplit] = {}
    results: list[CommunityOutcome] = []
    for community, problem in by_community(city.problem).items():
        try:
            split = split_community(problem, community)
        except InputError as exc:  # a walk the strict walking table lacks, say
            results.append(_bad_input(community, exc, len(problem.requests)))
            continue
        except Exception as exc:  # one community's trouble must not stop the others
            why = f"could not be split: {type(exc).__name__}: {exc}"
            log.error("community %s %s", community_label(community), why)
            results.append(_not_planned(community, problem, why, time.time() - started))
            continue
        # Only a run of one part in this process reuses what the split built.
        if scheduler is not None or splits or len(split.parts) > 1:
            split = split.lean()
            if len(splits) == 1:  # the first community may hold them still
                splits = {c: s.lean() for c, s in splits.items()}
        splits[community] = split
    results += [_bad_input(c, e, city.bad_requests.get(c, 0)) for c, e in city.bad.items()]
    split_done = time.time()
    parts = [p for s in splits.values() for p in s.parts]
    log.info("%d communities in %d part(s) after %.1f s", len(splits), len(parts),
             split_done - started)  # fmt: skip
    outcomes = []
    if parts:
        outcomes = run_parts(parts, settings=settings, strategy=strategy, started=started,
                             scheduler=scheduler, progress=progress, cancel=cancel)  # fmt: skip
    for community, split in splits.items():
        mine = [o for o in outcomes if o.community == community]
        results.append(_community_result(split, mine, strategy, started, split_done))
    results.sort(key=lambda c: community_order(c.community))
    planned = [c for c in results if c.solution is not None]
    if not planned and all(c.errors is not None for c in results):
        raise InputError([i for c in results if c.errors for i in c.errors.issues])
    problem = _planned_problem(city.problem, {c.community for c in planned})
    solution = combine(
        [c.solution for c in planned if c.solution is not None], requests=problem.requests,
        settings=settings, strategy=strategy, seconds=time.perf_counter() - began,
    )  # fmt: skip
    if len(results) > 1 or any(c.community is not None for c in results):
        solution = _with_communities(solution, results)
    return CityResult(solution, problem, results, outcomes, split_done - started)


def _bad_input(community: Community, errors: InputError, requests: int) -> CommunityOutcome:
    """A community left out for errors in its input; they are reported with it."""
    return CommunityOutcome(community, None, None, 0, 0.0, requests=requests, errors=errors,
                            failure=f"bad input: {len(errors.issues)} error(s)")  # fmt: skip


def _not_planned(
    community: Community, problem: Problem, why: str, seconds: float
) -> CommunityOutcome:
    return CommunityOutcome(community, problem, None, 0, seconds, failure=why,
                            requests=len(problem.requests))  # fmt: skip


def _with_communities(solution: Solution, results: list[CommunityOutcome]) -> Solution:
    """The merged solution with a summary line per community (the unnamed one as "")."""
    per_community = {
        c.community or "": community_summary(
            c.solution, parts=c.parts, seconds=c.seconds, requests=c.requests, failure=c.failure
        )
        for c in results
    }
    summary = solution.summary.model_copy(update={"per_community": per_community})
    return solution.model_copy(update={"summary": summary})


def _community_result(
    split: CommunitySplit,
    outcomes: list[PartOutcome],
    strategy: Strategy,
    started: float,
    split_done: float,
) -> CommunityOutcome:
    """A community's merged plan, or why it has none."""
    c, problem = split.community, split.problem
    failed = [o for o in outcomes if isinstance(o, PartFailed)]
    done = [o for o in outcomes if isinstance(o, PartDone)]
    seconds = max([split_done, *(o.finished_at for o in done)]) - started
    found = [i for o in failed if o.errors is not None for i in o.errors.issues]
    if found:
        return _bad_input(c, InputError(found), len(problem.requests))
    if failed:
        why = "; ".join(f"part {o.index + 1} of {len(split.parts)} {o.message}" for o in failed)
        return _not_planned(c, problem, why, seconds)
    solution = combine(
        [o.solution for o in sorted(done, key=lambda o: o.index)],
        requests=problem.requests,
        settings=problem.settings,
        strategy=strategy,
        seconds=seconds,
        left_out=split.left_out,
    )
    s = solution.summary
    log.info(
        "community %s: %s, weight %d of bound %d (gap %.2f%%) in %d part(s)",
        community_label(c),
        s.status,
        s.served_weight,
        s.upper_bound,
        100 * s.gap,
        len(split.parts),
    )
    return CommunityOutcome(
        c, problem, solution, len(split.parts), seconds, requests=len(problem.requests)
    )


def _planned_problem(problem: Problem, planned: set[Community]) -> Problem:
    """The problem without the communities that were not planned."""
    return restricted(
        problem,
        tuple(v for v in problem.volunteers if v.community in planned),
        tuple(r for r in problem.requests if r.community in planned),
    )
