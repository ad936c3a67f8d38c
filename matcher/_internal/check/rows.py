"""Schedule rows as the checker reads them, validated at the edge with file, row and field.

The checker has its own row models rather than `matcher._internal.model.Assignment`: it must
read what the solver wrote (or what a person edited) with no help from the writer, localise
times with an offset, and treat the `team`, `walk_minutes` and `community` columns as
optional.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from matcher._internal.io.errors import InputError, Issue
from matcher._internal.io.inputs.records import parse_records
from matcher._internal.io.inputs.tables import RawTable
from matcher._internal.model import Assignment, Standby, Unassigned
from matcher._internal.model.timefields import LocalDateTime

Identifier = Annotated[str, Field(min_length=1)]
T = TypeVar("T")

UNASSIGNED_REQUIRED = ("request_id", "reason", "detail")
"""Columns `unassigned.csv` must have; empty cells there are violations, not input errors."""


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class AssignmentRow(_Row):
    """One row of `assignments.csv`: one crew member serving one request."""

    request_id: Identifier
    volunteer_id: Identifier
    team: str | None = None
    start: LocalDateTime
    end: LocalDateTime
    walk_minutes: Annotated[float, Field(allow_inf_nan=False)] | None = None
    community: str | None = None


class StandbyRow(_Row):
    """One row of `standbys.csv`: a volunteer held in reserve at a request's planned time."""

    request_id: Identifier
    volunteer_id: Identifier
    start: LocalDateTime
    end: LocalDateTime
    community: str | None = None


class UnassignedRow(_Row):
    """One row of `unassigned.csv`; an empty reason is reported as a violation."""

    request_id: Identifier
    reason: str = ""
    detail: str = ""
    community: str | None = None


@dataclass(frozen=True)
class Labelled(Generic[T]):
    """A parsed row with the place it came from (``assignments.csv, line 7``)."""

    where: str
    row: T


@dataclass(frozen=True)
class ScheduleRows:
    """A whole parsed schedule. `team_column` says whether assignments carried a team column."""

    assignments: list[Labelled[AssignmentRow]]
    unassigned: list[Labelled[UnassignedRow]]
    team_column: bool
    standbys: list[Labelled[StandbyRow]] = field(default_factory=list)
    """Rows of `standbys.csv`, where there is one."""


def parse_schedule(
    assignments: RawTable, unassigned: RawTable, timezone: str, standbys: RawTable | None = None
) -> ScheduleRows:
    """Validate the tables; raise one `InputError` listing every malformed value in any."""
    context = {"timezone": timezone}
    issues: list[Issue] = []
    assigned, found, _ = parse_records(assignments, AssignmentRow, context=context)
    issues += found
    for column in UNASSIGNED_REQUIRED[1:]:
        if column not in unassigned.columns:
            issues.append(Issue(unassigned.source, "header", column, "required column is missing"))
    unserved, found, _ = parse_records(unassigned, UnassignedRow, context=context)
    issues += found
    held: list[tuple[str, StandbyRow]] = []
    if standbys is not None:
        held, found, _ = parse_records(standbys, StandbyRow, context=context)
        issues += found
    if issues:
        raise InputError(issues)
    return ScheduleRows(
        assignments=[Labelled(f"{assignments.source}, {row}", a) for row, a in assigned],
        unassigned=[Labelled(f"{unassigned.source}, {row}", u) for row, u in unserved],
        team_column="team" in assignments.columns,
        standbys=[Labelled(f"{standbys.source}, {row}", h) for row, h in held]
        if standbys is not None
        else [],
    )


def rows_from_models(
    assignments: list[Assignment],
    unassigned: list[Unassigned],
    timezone: str,
    standbys: list[Standby] | None = None,
) -> ScheduleRows:
    """Rows of an in-memory `Solution`, so solver tests check the very objects returned."""
    context = {"timezone": timezone}
    return ScheduleRows(
        assignments=[
            Labelled(
                f"assignment {i}", AssignmentRow.model_validate(a.model_dump(), context=context)
            )
            for i, a in enumerate(assignments)
        ],
        unassigned=[
            Labelled(
                f"unassigned {i}",
                UnassignedRow(request_id=u.request_id, reason=u.reason.value, detail=u.detail),
            )
            for i, u in enumerate(unassigned)
        ],
        team_column=True,
        standbys=[
            Labelled(f"standby {i}", StandbyRow.model_validate(s.model_dump(), context=context))
            for i, s in enumerate(standbys or [])
        ],
    )
