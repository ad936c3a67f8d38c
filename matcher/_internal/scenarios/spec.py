"""The scenario file format (TOML), validated with pydantic: unknown keys are errors.

A scenario starts from a base (files or generator parameters), applies changes in order,
may override settings, and may sweep one volunteer field over several values.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from matcher._internal.io.errors import InputError, Issue


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GeneratedBase(_Strict):
    volunteers: int = Field(ge=1)
    requests: int = Field(ge=0)
    days: int = Field(default=1, ge=1)
    seed: int = 0
    start: date = date(2026, 12, 1)


class DatabaseBase(_Strict):
    url: str
    plan_date: date
    days: int = Field(default=1, ge=1)


class Base(_Strict):
    """Files (paths relative to the scenario file), a database, or generator parameters."""

    volunteers: str | None = None
    requests: str | None = None
    generate: GeneratedBase | None = None
    database: DatabaseBase | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Base:
        files = self.volunteers is not None and self.requests is not None
        if files + (self.generate is not None) + (self.database is not None) != 1:
            raise ValueError("give exactly one of: volunteers and requests files, "
                             "generate, database")  # fmt: skip
        return self


class Who(_Strict):
    """Which volunteers or requests a change touches; empty means all."""

    team: str | None = None
    skill: str | None = None
    kind: str | None = None


class RemoveVolunteers(Who):
    type: Literal["remove_volunteers"]
    fraction: float | None = Field(default=None, ge=0, le=1)
    count: int | None = Field(default=None, ge=0)
    seed: int = 0


class AddVolunteers(Who):
    """New volunteers like existing ones of the team (home, skills, hours), new ids."""

    type: Literal["add_volunteers"]
    count: int = Field(ge=0)
    seed: int = 0


class SetVolunteers(Who):
    """Set a volunteer field, e.g. max_walk_minutes = 10 for a winter storm."""

    type: Literal["set_volunteers"]
    field: Literal["max_walk_minutes", "max_minutes_per_day", "max_tasks_per_day"]
    value: int = Field(ge=0)


class Availability(Who):
    """Cut availability to a daily time band, e.g. evenings off: until = "18:00"."""

    type: Literal["availability"]
    after: str = "00:00"
    until: str = "24:00"


class ScaleRequests(Who):
    """Multiply requests of a kind or team: 2.0 doubles them (copies at new ids)."""

    type: Literal["scale_requests"]
    factor: float = Field(ge=0)
    seed: int = 0


class AddEvent(_Strict):
    """One community event that needs a crew."""

    type: Literal["add_event"]
    request_id: str
    kind: str
    team: str | None = None
    crew: int = Field(ge=1)
    start: datetime
    latest_start: datetime | None = None
    duration_minutes: int = Field(ge=1)
    priority: int = Field(default=4, ge=1, le=5)
    lat: float = 37.8700
    lon: float = 112.5500
    required_skills: list[str] = Field(default_factory=list)


Change = Annotated[
    RemoveVolunteers | AddVolunteers | SetVolunteers | Availability | ScaleRequests | AddEvent,
    Field(discriminator="type"),
]


class Sweep(_Strict):
    """Run the scenario once per value of one volunteer field."""

    field: Literal["max_walk_minutes", "max_minutes_per_day", "max_tasks_per_day"]
    values: list[int] = Field(min_length=1)


class Scenario(_Strict):
    name: str
    description: str = ""
    base: Base
    settings: dict[str, Any] = Field(default_factory=dict)
    change: list[Change] = Field(default_factory=list)
    sweep: Sweep | None = None
    path: Path | None = Field(default=None, exclude=True)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; every problem names the file and the key."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError([Issue(str(path), "", "", f"cannot be read: {exc}")]) from exc
    try:
        return Scenario.model_validate({**data, "path": path})
    except ValidationError as exc:
        issues = []
        for error in exc.errors(include_url=False):
            key = ".".join(str(part) for part in error["loc"] if not _is_tag(part))
            message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
            issues.append(Issue(str(path), "", key, message))
        raise InputError(issues) from exc


def _is_tag(part: object) -> bool:
    names = {"remove_volunteers", "add_volunteers", "set_volunteers", "availability",
             "scale_requests", "add_event"}  # fmt: skip
    return part in names


# --- in words, for the report ---------------------------------------------------------------

SWEPT_FIELDS = {
    "max_walk_minutes": ("max walk", "minutes"),
    "max_minutes_per_day": ("max service per day", "minutes"),
    "max_tasks_per_day": ("max tasks per day", "tasks"),
}
"""A volunteer field a scenario may set or sweep, as an axis names it: (what, unit)."""


def _who(change: Who) -> str:
    named = (("team", change.team), ("skill", change.skill), ("kind", change.kind))
    parts = [f"{key} {value}" for key, value in named if value]
    return f" ({', '.join(parts)})" if parts else ""


def describe_change(change: Change) -> str:
    """One change as a reader of the report would say it, e.g. "remove 15% of volunteers"."""
    if isinstance(change, RemoveVolunteers):
        amount = f"{change.fraction:.0%}" if change.fraction is not None else str(change.count)
        return f"remove {amount} of volunteers{_who(change)}"
    if isinstance(change, AddVolunteers):
        return f"add {change.count} volunteers like existing ones{_who(change)}"
    if isinstance(change, SetVolunteers):
        what, unit = SWEPT_FIELDS[change.field]
        return f"set {what} to {change.value} {unit}{_who(change)}"
    if isinstance(change, Availability):
        return f"keep availability between {change.after} and {change.until} daily{_who(change)}"
    if isinstance(change, ScaleRequests):
        return f"scale requests ×{change.factor:g}{_who(change)}"
    team = f", team {change.team}" if change.team else ""
    return (
        f"add event {change.request_id} ({change.kind.replace('_', ' ')}{team}, crew "
        f"{change.crew}, {change.start:%Y-%m-%d %H:%M}, {change.duration_minutes} min, "
        f"priority {change.priority})"
    )


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def describe_base(base: Base) -> str:
    """Where the scenario's community comes from, in words."""
    if base.generate is not None:
        g = base.generate
        return (
            f"generated: {g.volunteers} volunteers, {g.requests} requests, {_days(g.days)} "
            f"from {g.start.isoformat()}, seed {g.seed}"
        )
    if base.database is not None:
        d = base.database
        return f"database: {_days(d.days)} from {d.plan_date.isoformat()}"  # no URL: no secret
    return f"files: {base.volunteers}, {base.requests}"


def describe(scenario: Scenario) -> dict[str, str]:
    """The scenario's description, base, settings, changes and sweep as text columns."""
    sweep = ""
    if scenario.sweep is not None:
        what, unit = SWEPT_FIELDS[scenario.sweep.field]
        sweep = f"{what} ({unit}): {', '.join(map(str, scenario.sweep.values))}"
    return {
        "description": scenario.description,
        "base": describe_base(scenario.base),
        "settings": "; ".join(f"{k} = {v}" for k, v in sorted(scenario.settings.items())),
        "changes": "; ".join(describe_change(c) for c in scenario.change),
        "sweep": sweep,
        "sweep_field": scenario.sweep.field if scenario.sweep is not None else "",
    }
