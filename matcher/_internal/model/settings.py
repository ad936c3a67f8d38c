"""Settings: objective weights, walking model, solver limits."""

from __future__ import annotations

import os
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from matcher._internal.model.entities import Request
from matcher._internal.model.timefields import DEFAULT_TIMEZONE


def _default_priority_weights() -> dict[int, int]:
    return {p: 2 ** (p - 1) for p in range(1, 6)}


class Settings(BaseModel):
    """Everything a run can be tuned with; every field has the contract's default."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    priority_weights: dict[int, int] = Field(default_factory=_default_priority_weights)
    """weight(priority) for the served-priority objective (level 1)."""
    walk_weight: Annotated[float, Field(ge=0)] = 1.0
    """Cost per walking minute (level 2)."""
    fairness_weight: Annotated[float, Field(ge=0)] = 1.0
    """Cost of uneven workload (level 3)."""
    continuity_weight: Annotated[float, Field(ge=0)] = 1.0
    """Reward for keeping a resident with a volunteer who served them (level 3)."""
    preference_weight: Annotated[float, Field(ge=0)] = 1.0
    """Reward for a preferred volunteer (level 3)."""
    fairness_window_days: Annotated[int, Field(ge=0)] = 28
    """Fairness over a rolling window: a volunteer's credited minutes of this many days
    before the plan (the volunteer column `credited_minutes`; the nightly database job
    reads them from the hours ledger) make each new task cost more, the more they lie
    above their team's mean (level 3). ``0``: each plan alone."""
    hours_credit: Literal["day_passed", "done"] = "day_passed"
    """The hours ledger: `day_passed` credits every assignment of a day that has passed
    unless it was recorded as a no-show; `done` credits only assignments marked done."""
    replan_move_cost: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 2.0
    """Re-planning: the served priority weight that moving one untouched assignment costs
    (level 1; to within 1/100). Untouched: the change left its published start and crew
    valid; a move changes its start or crew, or unassigns it. A re-plan moves them only
    where that serves more than this much extra weight per move; walking, fairness and
    preferences never move one, even at `0`. The stated bound and `optimal` stay about
    served weight alone. Default 2: measured, re-plans keep about 98.5% of them."""
    replan_keep_untouched: bool = False
    """Re-planning: never move an untouched assignment; they stay as published, like pinned
    requests, and only the rest of the day is planned again."""

    offer_expiry_minutes: Annotated[int, Field(ge=0)] = 120
    """Offers: an offer still unanswered this many minutes before its start expires (when
    the service's expiry runs, `POST /plans/{plan_date}/expire-offers`), and its place is
    filled like a decline's."""
    plan_standbys: bool = False
    """Name standbys: for served requests of priority `standby_min_priority` and above, a
    volunteer free, available and eligible at the request's planned time, whose time is
    held so that a decline can be filled at once (`standbys.csv`). Off: no standbys, and
    the plan is exactly what it was without this setting."""
    standby_min_priority: Annotated[int, Field(ge=1, le=5)] = 4
    """Standbys: the lowest priority of a request that may have standbys."""
    standbys_per_request: Annotated[int, Field(ge=1)] = 1
    """Standbys: the most standbys one request may have."""
    standby_max_share: Annotated[float, Field(ge=0, le=1)] = 0.01
    """Standbys: the largest share of the served weight the plan may give up (when
    everyone accepts) to free a standby for a request where the expected weight saved is
    larger than the expected weight given up; above `0` the plan may also move bookings
    to give heavy requests crews likelier to accept, serving no less. `0`: the plan is
    untouched and standbys come only from time no one is planned for. The stated bound
    stays about served weight if everyone accepts."""
    default_acceptance_rate: Annotated[float, Field(ge=0, le=1)] = 0.8
    """Standbys: the share of offers a volunteer accepts when neither their
    `acceptance_rate` nor any past answer of them or their team is known."""
    acceptance_prior_answers: Annotated[float, Field(gt=0)] = 10.0
    """Standbys: how many answers the team's rate counts for when a volunteer's own rate is
    learned from their answers (a Beta prior): a newcomer has their team's rate, a
    volunteer with many answers their own."""

    walking_speed_m_per_min: Annotated[float, Field(gt=0)] = 75.0
    detour_factor: Annotated[float, Field(ge=1.0)] = 1.3
    missing_walks: Literal["estimate", "error"] = "estimate"
    """With a walking-time table: a pair it lacks falls back to the great-circle estimate,
    or is an error."""
    timezone: str = DEFAULT_TIMEZONE
    horizon_start: date | None = None
    """Recurring requests: the first day of the planning horizon, whose occurrences are
    planned. ``None``: the first day any volunteer is available. The nightly database job
    plans its plan days instead."""
    horizon_days: Annotated[int, Field(ge=1)] | None = None
    """Recurring requests: the planning horizon's length in calendar days. ``None``:
    through the last day any volunteer is available. The nightly database job plans its
    plan days instead."""

    time_limit_s: Annotated[float, Field(gt=0)] = 60.0
    stall_seconds: Annotated[float, Field(ge=0)] | None = None
    """Stop early when neither the served weight nor the bound has moved for this long and
    the gap is at most `stall_gap`. ``None``: a sixth of the time limit, at least 10 s (a
    60 s run stops 10 s after its last change, a 300 s nightly run 50 s after); ``0``: always
    use the whole time limit. Deterministic runs never stop on the clock."""
    stall_gap: Annotated[float, Field(ge=0, le=1)] = 0.01
    """The largest gap (share of the bound) at which a stalled search may stop early."""
    seed: int = 0
    workers: Annotated[int, Field(ge=1)] | None = None
    """Cores a run may use; ``None`` means every core of the machine. A run of one part
    solves on this many threads; a run split into several parts runs this many worker
    processes of one thread each."""
    deterministic: bool = False
    """Identical output for identical input and seed: the search is budgeted in work units
    (deterministic time, iterations) instead of wall-clock seconds, on one thread per model."""

    @field_validator("priority_weights")
    @classmethod
    def _all_priorities_weighted(cls, weights: dict[int, int]) -> dict[int, int]:
        missing = set(range(1, 6)) - set(weights)
        if missing:
            raise ValueError(f"priority_weights lacks priorities {sorted(missing)}")
        if any(w < 0 for w in weights.values()):
            raise ValueError("priority weights must not be negative")
        return dict(sorted(weights.items()))

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, name: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {name!r}") from exc
        return name

    def weight(self, priority: int) -> int:
        return self.priority_weights[priority]

    def request_weight(self, request: Request) -> int:
        """What serving `request` is worth: its own `weight` where given, else
        weight(priority). The one definition every stage and report uses."""
        return request.weight if request.weight is not None else self.weight(request.priority)

    @property
    def effective_stall_seconds(self) -> float:
        """The stall window in seconds; 0 when the stall rule is off."""
        if self.deterministic:
            return 0.0
        if self.stall_seconds is None:
            return max(10.0, self.time_limit_s / 6)
        return self.stall_seconds

    @property
    def effective_workers(self) -> int:
        return self.workers or max(1, os.cpu_count() or 1)
