"""What a solve returns: assignments, unassigned requests with reasons, and a summary."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from matcher._internal.model.reasons import Reason
from matcher._internal.model.settings import Settings


class Assignment(BaseModel):
    """One crew member serving one request (one row of `assignments.csv`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    request_id: str
    volunteer_id: str
    team: str
    start: datetime
    end: datetime
    walk_minutes: float


class Standby(BaseModel):
    """A volunteer held in reserve for a request (one row of `standbys.csv`): free, in
    reach and eligible at the request's planned time, so that a decline of one of its crew
    can be filled at once. A standby's time is held, but serves nothing until called."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    request_id: str
    volunteer_id: str
    start: datetime
    end: datetime


class Unassigned(BaseModel):
    """A request left unserved, with a reason code and a sentence a coordinator can act on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    request_id: str
    reason: Reason
    detail: str


class Status(StrEnum):
    """What a result proves (see the data contract's status table)."""

    OPTIMAL = "optimal"
    """The served weight equals the proven upper bound."""
    FEASIBLE = "feasible"
    """A valid schedule below the upper bound: it may not be the best."""
    EMPTY = "empty"
    """A valid schedule serving no request."""


class Strategy(StrEnum):
    """How a result was made."""

    OPTIMISE = "optimise"
    """Construction, a proven bound, and the neighbourhood search (the default)."""
    GREEDY = "greedy"
    """The constructive baseline alone."""
    REPLAN = "replan"
    """A published plan carried into the day as it is now, then improved."""
    DISPATCH = "dispatch"
    """An urgent request served on top of a published plan."""


class ChangeKind(StrEnum):
    """How a re-plan or a dispatch changed one request against the published plan."""

    ADDED = "added"
    REMOVED = "removed"
    MOVED = "moved"


class TeamSummary(BaseModel):
    """One team's share: served weight against the bound of the parts its requests lie in."""

    model_config = ConfigDict(extra="forbid")

    requests: int
    served: int
    served_weight: int
    upper_bound: int
    gap: float


class CommunitySummary(BaseModel):
    """One community's share of a run that plans several: its figures against the sum of
    its parts' bounds. A community that could not be planned has no `status`, zero figures
    and a `failure` saying why (its previous plan stays in place)."""

    model_config = ConfigDict(extra="forbid")

    status: Status | None
    requests: int
    served: int
    served_weight: int
    upper_bound: int
    gap: float
    walk_minutes: float
    parts: int
    """Independent parts the community was solved in (no volunteer or request shared)."""
    solve_seconds: float
    failure: str | None = None


class SearchStats(BaseModel):
    """What the search did (as PyVRP's `Result` carries its statistics): how much it tried
    and how much of it was kept. For tuning and for trusting a result, not for decisions."""

    model_config = ConfigDict(extra="forbid")

    iterations: int = 0
    """Neighbourhoods the CP-SAT search solved (the exact model of a small problem is one)."""
    moves_accepted: int = 0
    """Changes kept: neighbourhoods whose re-plan replaced the schedule, route moves
    applied, and ruin-and-recreate steps accepted."""
    ruin_steps: int = 0
    """Ruin-and-recreate steps tried (none where volunteers hold short routes)."""


class Summary(BaseModel):
    """Headline figures of a run (`summary.json`)."""

    model_config = ConfigDict(extra="forbid")

    status: Status
    strategy: Strategy
    served_weight: int
    upper_bound: int
    gap: float = Field(description="(upper_bound - served_weight) / upper_bound")
    walk_minutes: float
    requests_total: int
    requests_served: int
    requests_unassigned: int
    assignments: int
    solve_seconds: float
    first_schedule_seconds: float = 0.0
    """When the first complete valid schedule (the constructive one) was ready."""
    standbys: int = 0
    """Rows of `standbys.csv`: volunteers held in reserve (0 unless `plan_standbys`)."""
    per_team: dict[str, TeamSummary] = Field(default_factory=dict)
    per_community: dict[str, CommunitySummary] = Field(default_factory=dict)
    """Per community, when the input names communities: status, requests, served,
    served_weight, upper_bound, gap, walk_minutes, parts, solve_seconds, and `failure` for a
    community that was not planned. The headline figures cover the planned communities."""
    seed: int
    settings: dict[str, Any] = Field(default_factory=dict)
    search: SearchStats | None = None
    """What the search did: `iterations` (neighbourhoods the CP-SAT search solved),
    `moves_accepted` (neighbourhoods, route moves and ruin-and-recreate steps kept) and
    `ruin_steps`; null where no search ran (the greedy strategy, urgent dispatch). For
    tuning and trust: the figures differ between runs that are not deterministic."""


def summarise(
    assignments: Sequence[Assignment],
    *,
    strategy: Strategy,
    served_weight: int,
    upper_bound: int,
    requests_total: int,
    requests_served: int,
    requests_unassigned: int,
    seconds: float,
    first_schedule_seconds: float,
    per_team: dict[str, TeamSummary],
    settings: Settings,
    search: SearchStats | None = None,
    standbys: int = 0,
) -> Summary:
    """The one way a `Summary` is made, whether from one schedule (`report/result.py`) or
    from independent pieces (`city/merge.py`): the status, the gap, the walking and the
    counts are read the same way for both."""
    return Summary(
        status=status_of(served_weight, upper_bound, bool(assignments)),
        strategy=strategy,
        served_weight=served_weight,
        upper_bound=upper_bound,
        gap=relative_gap(served_weight, upper_bound),
        walk_minutes=round(sum(a.walk_minutes for a in assignments), 2),
        requests_total=requests_total,
        requests_served=requests_served,
        requests_unassigned=requests_unassigned,
        assignments=len(assignments),
        solve_seconds=round(seconds, 3),
        first_schedule_seconds=round(first_schedule_seconds, 3),
        standbys=standbys,
        per_team=per_team,
        seed=settings.seed,
        settings=settings.model_dump(mode="json"),
        search=search,
    )


def status_of(served: int, bound: int, serves_anything: bool) -> Status:
    """The one reading of the status table: `optimal` only when the served weight meets a
    proven bound, `empty` when nothing is served."""
    if not serves_anything:
        return Status.EMPTY
    return Status.OPTIMAL if served == bound else Status.FEASIBLE


def relative_gap(served: int, bound: int) -> float:
    """Share of the bound not reached; 0 when nothing could be served at all."""
    return 0.0 if bound <= 0 else max(0.0, (bound - served) / bound)


class Change(BaseModel):
    """How a re-plan changed one request against the published plan."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    request_id: str
    kind: ChangeKind
    reason: str
    before: str = ""  # "start: crew" of the published plan, when it had one
    after: str = ""


class Solution(BaseModel):
    """A complete schedule: every request is either in `assignments` or in `unassigned`."""

    model_config = ConfigDict(extra="forbid")

    assignments: list[Assignment]
    unassigned: list[Unassigned]
    summary: Summary
    changes: list[Change] = Field(default_factory=list)
    """Filled by `replan`: what differs from the previous plan, and why."""
    standbys: list[Standby] = Field(default_factory=list)
    """Volunteers held in reserve for likely declines; empty unless standbys are planned.
    They count in no served weight and the stated bound does not depend on them."""

    def served_request_ids(self) -> set[str]:
        return {a.request_id for a in self.assignments}

    def crews(self) -> dict[str, list[Assignment]]:
        """Each served request's crew: its assignments, in the order of `assignments` (one
        start for the whole crew, rule 3)."""
        crews: dict[str, list[Assignment]] = {}
        for a in self.assignments:
            crews.setdefault(a.request_id, []).append(a)
        return crews

    def to_frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(assignments, unassigned) as DataFrames with the batch files' columns."""
        done = pd.DataFrame(
            [a.model_dump() for a in self.assignments],
            columns=["request_id", "volunteer_id", "team", "start", "end", "walk_minutes"],
        )
        left = pd.DataFrame(
            [u.model_dump(mode="json") for u in self.unassigned],
            columns=["request_id", "reason", "detail"],
        )
        return done, left

    def write(self, folder: str | Path) -> Path:
        """Deprecated since 0.2.0, to be removed in 0.4.0: use
        `matcher.write_solution(solution, folder)`, which also writes itineraries and
        sheets when given the problem."""
        warnings.warn(
            "Solution.write is deprecated since matcher 0.2.0 and will be removed in 0.4.0; "
            "use matcher.write_solution(solution, folder)",
            DeprecationWarning,
            stacklevel=2,
        )
        # The one import from a model to a layer above it, allowed in pyproject.toml's
        # import-linter contract until the alias is removed.
        from matcher._internal.io.outputs.batch_files import write_solution

        return write_solution(self, folder)


class Explanation(BaseModel):
    """Why a request was served by its crew (and who else could have gone), or why not."""

    request_id: str
    served: bool
    summary: str
    crew: list[str] = Field(default_factory=list)
    runners_up: list[str] = Field(default_factory=list)
