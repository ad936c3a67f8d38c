"""Volunteers and service requests, exactly as the data contract describes them."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from matcher._internal.model.recurrence import read_rule
from matcher._internal.model.timefields import Interval, LocalDateTime


def _split_list(value: Any) -> Any:
    """CSV cells hold `;`-separated lists; JSON and Parquet hold real lists."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    if hasattr(value, "tolist"):  # numpy arrays from Parquet
        return value.tolist()
    return value


StrList = Annotated[list[str], BeforeValidator(_split_list)]
IntervalList = Annotated[list[Interval], BeforeValidator(_split_list)]

Latitude = Annotated[float, Field(ge=-90.0, le=90.0, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180.0, le=180.0, allow_inf_nan=False)]
Identifier = Annotated[str, Field(min_length=1)]
Community = Annotated[
    str | None,
    Field(
        description="the community (e.g. a neighbourhood committee's code) this belongs to; "
        "a volunteer serves only requests of their own community, and a run plans each "
        "community on its own. Empty everywhere: one community",
    ),
]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Volunteer(_Record):
    """A registered volunteer: who they are, where they live and when they can serve."""

    volunteer_id: Identifier
    team: Identifier
    skills: StrList = Field(default_factory=list)
    lat: Latitude
    lon: Longitude
    availability: IntervalList
    max_minutes_per_day: Annotated[int, Field(ge=0)] = 240
    max_tasks_per_day: Annotated[int, Field(ge=0)] | None = None
    max_walk_minutes: Annotated[int, Field(ge=0)] = 15
    languages: StrList = Field(default_factory=list)
    name: str | None = None
    community: Community = None
    acceptance_rate: Annotated[float, Field(ge=0, le=1)] | None = None
    """The share of offers this volunteer accepts; absent: learned from their answers, or
    their team's rate."""
    credited_minutes: Annotated[
        int | None,
        Field(
            ge=0,
            description="service minutes credited to the volunteer over the fairness window "
            "before this plan (setting `fairness_window_days`); more than their team's mean "
            "makes new tasks cost more. Empty: the nightly database job reads the hours "
            "ledger; else 0",
        ),
    ] = None

    @field_validator("community")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("availability")
    @classmethod
    def _intervals_disjoint(cls, intervals: list[Interval]) -> list[Interval]:
        ordered = sorted(intervals, key=lambda i: i.start)
        for before, after in itertools.pairwise(ordered):
            if after.start < before.end:
                raise ValueError(f"availability intervals {before} and {after} overlap")
        return ordered


class Request(_Record):
    """A resident's service request: what, where, when and how many volunteers."""

    request_id: Identifier
    kind: Identifier
    team: str | None = None
    required_skills: StrList = Field(default_factory=list)
    lat: Latitude
    lon: Longitude
    earliest_start: LocalDateTime
    latest_start: LocalDateTime
    duration_minutes: Annotated[int, Field(ge=1)]
    volunteers_needed: Annotated[int, Field(ge=1)] = 1
    priority: Annotated[int, Field(ge=1, le=5)] = 3
    weight: Annotated[
        int | None,
        Field(
            ge=1,
            description="a whole number that replaces weight(priority) for this request in the "
            "objective, the bound and every report (for example a vulnerability score)",
        ),
    ] = None
    resident_id: str | None = None
    preferred_volunteers: StrList = Field(default_factory=list)
    excluded_volunteers: StrList = Field(default_factory=list)
    language: str | None = None
    address: Annotated[
        str | None,
        Field(
            description="where to go, as people write it (e.g. `4号楼2单元301`); shown on "
            "team sheets, itineraries and calendars. Empty: the nearest known place, else "
            "the coordinates",
        ),
    ] = None
    community: Community = None
    recurrence: Annotated[
        str | None,
        Field(
            description="an RFC 5545 RRULE (e.g. `FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8`): the "
            "request repeats; `earliest_start` is its first start and every occurrence's time "
            "of day. Each occurrence inside the planning horizon is planned as a request "
            "`<request_id>@<YYYY-MM-DD>` with the window moved to its date. Empty: once",
        ),
    ] = None
    series_id: Annotated[
        str | None,
        Field(
            description="requests with the same series are one regular service (matcher "
            "sets it to the recurring request's id on each occurrence; type it to link "
            "visits typed one by one): the same volunteer for all of them is strongly "
            "preferred (level 3)",
        ),
    ] = None
    regular_volunteer: Annotated[
        str | None,
        Field(
            description="the resident's regular volunteer (a pairing), strongly preferred "
            "(level 3). Empty: the nightly database job takes the volunteer who served the "
            "resident most often in earlier plans",
        ),
    ] = None

    @field_validator("team", "resident_id", "language", "address", "community", "regular_volunteer")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("recurrence")
    @classmethod
    def _rule_readable(cls, rule: str | None, info: ValidationInfo) -> str | None:
        """A rule that cannot be planned is a row error naming `recurrence`."""
        if not rule:
            return None
        first = info.data.get("earliest_start")
        read_rule(rule, first if isinstance(first, datetime) else datetime(2000, 1, 1))
        return rule

    @field_validator("latest_start")
    @classmethod
    def _window_in_order(cls, latest: datetime, info: ValidationInfo) -> datetime:
        earliest = info.data.get("earliest_start")
        if earliest is not None and latest < earliest:
            raise ValueError(
                f"window ends ({latest.isoformat()}) before it starts"
                f" (earliest_start {earliest.isoformat()})"
            )
        return latest


__all__ = ["Interval", "Request", "Volunteer"]
