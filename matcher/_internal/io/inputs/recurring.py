"""Expand recurring requests into one ordinary request per occurrence in the horizon.

Every path into a `Problem` (files, DataFrames, model lists, the database) goes through
`load_problem`, which calls `expand`; so a weekly visit typed once is planned the same way
by the command line, the library and the nightly job. Occurrences are ordinary requests:
the solver, the bound and the checker need to know nothing about recurrence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from matcher._internal.io.errors import Issue
from matcher._internal.model import Request, Settings, Volunteer, WalkingTime
from matcher._internal.model.recurrence import Horizon, occurrence_id, shifted_windows


def planning_horizon(settings: Settings, volunteers: Sequence[Volunteer]) -> Horizon | None:
    """The settings' horizon; where they leave a bound open, the days the volunteers'
    availability covers. None when neither says anything (nobody is ever available)."""
    intervals = [i for v in volunteers for i in v.availability]
    first = settings.horizon_start
    if first is None:
        if not intervals:
            return None
        first = min(i.start for i in intervals).date()
    if settings.horizon_days is not None:
        return Horizon(first, settings.horizon_days)
    if not intervals:
        return Horizon(first, 1)
    last = max(i.end - timedelta(microseconds=1) for i in intervals).date()
    return Horizon(first, max(1, (last - first).days + 1))


@dataclass
class Expansion:
    """The requests after expansion, each with the row it came from."""

    rows: list[tuple[str, Request]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    occurrences_of: dict[str, list[str]] = field(default_factory=dict)
    """Each recurring request's id: the ids of its occurrences."""


def expand(
    source: str,
    rows: Sequence[tuple[str, Request]],
    horizon: Horizon | None,
    *,
    warn_when_none: bool = True,
) -> Expansion:
    """One request per occurrence of each recurring request inside `horizon`, in place of
    it; one-off requests pass through. An occurrence whose id another request already has
    is an issue on the recurring request's row and `recurrence` field."""
    out = Expansion()
    typed = {r.request_id: row for row, r in rows if r.recurrence is None}
    for row, request in rows:
        if request.recurrence is None:
            out.rows.append((row, request))
            continue
        windows = (
            []
            if horizon is None
            else list(
                shifted_windows(
                    request.recurrence, request.earliest_start, request.latest_start, horizon
                )
            )
        )
        ids: list[str] = []
        for earliest, latest in windows:
            rid = occurrence_id(request.request_id, earliest.date())
            if rid in typed:
                message = (
                    f"its occurrence on {earliest.date().isoformat()} would be request {rid}, "
                    f"which is already a request ({typed[rid]})"
                )
                out.issues.append(Issue(source, row, "recurrence", message))
                continue
            ids.append(rid)
            out.rows.append((row, _occurrence(request, rid, earliest, latest)))
        out.occurrences_of[request.request_id] = ids
        if not ids and warn_when_none:
            where = "no planning horizon (no volunteer is available)" if horizon is None else (
                f"the planning horizon {horizon}"
            )  # fmt: skip
            out.warnings.append(
                f"{source}, {row}: recurring request {request.request_id} has no occurrence "
                f"in {where}; nothing of it is planned"
            )
    return out


def _occurrence(request: Request, rid: str, earliest: datetime, latest: datetime) -> Request:
    return request.model_copy(
        update={
            "request_id": rid,
            "earliest_start": earliest,
            "latest_start": latest,
            "recurrence": None,
            "series_id": request.series_id or request.request_id,
        }
    )


def walking_rows_for_occurrences(
    rows: Sequence[tuple[str, WalkingTime]], occurrences_of: dict[str, list[str]]
) -> list[tuple[str, WalkingTime]]:
    """A walking-table row naming a recurring request holds for each of its occurrences."""
    if not occurrences_of:
        return list(rows)
    out: list[tuple[str, WalkingTime]] = []
    for row, walk in rows:
        froms = occurrences_of.get(walk.from_place, [walk.from_place])
        tos = occurrences_of.get(walk.to_place, [walk.to_place])
        out += [
            (row, walk.model_copy(update={"from_place": a, "to_place": b}))
            for a in froms
            for b in tos
        ]
    return out
