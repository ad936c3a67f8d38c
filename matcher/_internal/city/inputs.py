"""Validate a run's input once, and set aside the communities whose rows are bad.

Validation is `load_problem`'s, unchanged: every bad file, row and field is found. Each
error on a row is then charged to the row's community (a walking-table row to the community
of the places it names); those communities are left out and reported with their errors,
and the rest is validated again without them. Errors that belong to no one community (a
missing column, an unreadable file, the team catalogue, a walking-table row between two
communities, a row whose community cell itself cannot be read) stop the whole run, as a
run of one community always did.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matcher._internal.io.errors import InputError, Issue
from matcher._internal.io.inputs.load import TableInput, load_problem, load_settings, raw_table
from matcher._internal.io.inputs.tables import UNREADABLE, RawTable, Unreadable, community_cell
from matcher._internal.model import Problem, Settings

Community = str | None
"""A community's name; None is the unnamed community (all of an input without the column)."""


@dataclass(frozen=True)
class CityInput:
    """What a run plans: the valid communities, and the ones set aside for bad rows."""

    problem: Problem
    """Every volunteer and request of the communities whose rows are all valid."""
    bad: dict[Community, InputError] = field(default_factory=dict)
    """Communities set aside, each with every error found in its rows."""
    bad_requests: dict[Community, int] = field(default_factory=dict)
    """How many request rows each community set aside had."""


def community_order(community: Community) -> tuple[bool, str]:
    return community is not None, community or ""


def community_label(community: Community) -> str:
    """A community as messages name it."""
    return "(no community)" if community is None else community


def load_city(
    volunteers: TableInput,
    requests: TableInput,
    *,
    teams: TableInput | None = None,
    settings: Settings | Mapping[str, Any] | str | Path | None = None,
    walking: TableInput | None = None,
) -> CityInput:
    """Validate the input; raise `InputError` only when no community can be planned or an
    error belongs to no community's row."""
    chosen = load_settings(settings)
    try:
        vols = raw_table(volunteers, "volunteers", chosen)
        reqs = raw_table(requests, "requests", chosen)
        walks = raw_table(walking, "walking", chosen) if walking is not None else None
    except InputError:  # an unreadable file: report every file's problems together
        load_problem(volunteers, requests, teams=teams, settings=chosen, walking=walking)
        raise
    try:
        return CityInput(load_problem(vols, reqs, teams=teams, settings=chosen, walking=walks))
    except InputError as exc:
        issues = exc.issues
    row_community = {**_row_communities(vols), **_row_communities(reqs)}
    every = {c for c in row_community.values() if not isinstance(c, Unreadable)}
    if walks is not None:
        row_community |= _walking_communities(walks, vols, reqs)
    bad: dict[Community, list[Issue]] = {}
    for issue in issues:
        community = row_community.get((issue.source, issue.row), UNREADABLE)
        if isinstance(community, Unreadable):
            raise InputError(issues)
        bad.setdefault(community, []).append(issue)
    if not every - set(bad):
        raise InputError(issues)
    dropped = _ids(vols, "volunteer_id", bad) | _ids(reqs, "request_id", bad)
    kept_walks = None if walks is None else _without_places(walks, dropped)
    problem = load_problem(
        _without(vols, bad), _without(reqs, bad), teams=teams, settings=chosen, walking=kept_walks
    )
    counts = {c: sum(1 for _, r in reqs.rows if community_cell(r) == c) for c in bad}
    return CityInput(problem, {c: InputError(found) for c, found in bad.items()}, counts)


def _row_communities(table: RawTable) -> dict[tuple[str, str], Community | Unreadable]:
    return {(table.source, row): community_cell(record) for row, record in table.rows}


def _walking_communities(
    walks: RawTable, vols: RawTable, reqs: RawTable
) -> dict[tuple[str, str], Community | Unreadable]:
    """A walking-table row belongs to the community of the places it names (a row naming
    places of two communities, or unknown ones, belongs to none)."""
    place: dict[str, Community | Unreadable] = {}
    for table, key in ((vols, "volunteer_id"), (reqs, "request_id")):
        for _, record in table.rows:
            place[str(record.get(key, "")).strip()] = community_cell(record)
    found: dict[tuple[str, str], Community | Unreadable] = {}
    for row, record in walks.rows:
        ends = {place.get(str(record.get(f, "")).strip(), UNREADABLE)
                for f in ("from_place", "to_place")}  # fmt: skip
        found[walks.source, row] = ends.pop() if len(ends) == 1 else UNREADABLE
    return found


def _without(table: RawTable, bad: Iterable[Community]) -> RawTable:
    """The table without the rows (and the shape issues) of the `bad` communities."""
    out = set(bad)
    return table.keep(lambda record: community_cell(record) not in out)


def _ids(table: RawTable, key: str, bad: Iterable[Community]) -> set[str]:
    out = set(bad)
    return {
        str(record[key]).strip()
        for _, record in table.rows
        if key in record and community_cell(record) in out
    }


def _without_places(walks: RawTable, dropped: set[str]) -> RawTable:
    """A walking table without the rows naming a place of a community set aside."""
    return walks.keep(
        lambda record: (
            not any(str(record.get(f, "")).strip() in dropped for f in ("from_place", "to_place"))
        )
    )
