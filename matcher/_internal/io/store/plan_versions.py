"""The current plan of each plan date as the service changes it during the day.

The nightly job writes a run (`database.write_run`); the service then changes that run in
place, one transaction per change: it moves the run's `version` from the one it read to the
next, rewrites the rows of the requests that changed, and logs each change. A commit that
finds another version (another server process, or a nightly run that landed meanwhile) is a
`PlanConflict`; the caller reloads and tries again, so no change is lost or doubled.

Day-level facts that are not part of the inputs (a volunteer who cancelled for the day, a
withdrawn request) are `plan_overrides`; urgent calls are logged in `service_calls`, so a
nightly run that lands later can take in the calls that came while it was solving.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from matcher._internal.io.inputs.load import load_problem, load_settings
from matcher._internal.io.inputs.tables import RawTable, community_cell
from matcher._internal.io.store import database as db
from matcher._internal.io.store import offers
from matcher._internal.model import (
    Assignment,
    Change,
    Problem,
    Request,
    Settings,
    Solution,
    Strategy,
    Unassigned,
    summarise,
)

plan_changes = sa.Table(
    "plan_changes",
    db.metadata,
    sa.Column("run_id", sa.String(36), sa.ForeignKey("schedule_runs.run_id"), index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("request_id", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("before", sa.Text, nullable=False),
    sa.Column("after", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("changed_at", sa.DateTime, nullable=False),
)

plan_overrides = sa.Table(
    "plan_overrides",
    db.metadata,
    sa.Column("plan_date", sa.Date, nullable=False, index=True),
    sa.Column("kind", sa.String(30), nullable=False),  # cancelled_volunteer | withdrawn_request
    sa.Column("item_id", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

service_calls = sa.Table(
    "service_calls",
    db.metadata,
    sa.Column("request_id", sa.String(100), primary_key=True),
    sa.Column("plan_date", sa.Date, nullable=False, index=True),
    sa.Column("received_at", sa.DateTime, nullable=False),
)

CANCELLED_VOLUNTEER = "cancelled_volunteer"
WITHDRAWN_REQUEST = "withdrawn_request"


class PlanConflict(RuntimeError):
    """The plan moved on since it was read; reload it and apply the change again."""


class DuplicateRequest(ValueError):
    """A request with this id is already stored."""


@dataclass(frozen=True)
class PlanHead:
    """Which run is current for a plan date, and at which version."""

    run_id: str
    plan_date: date
    days: int
    version: int


@dataclass(frozen=True)
class DayEdits:
    """A re-plan's changes to the day's inputs. They are recorded in the transaction that
    commits the re-planned day, never before it: a server stopped in between leaves both
    the inputs and the plan as they were, not a plan that breaks the recorded inputs."""

    cancelled: tuple[str, ...] = ()
    """Volunteers who cancelled for the day (`plan_overrides`)."""
    withdrawn: tuple[str, ...] = ()
    """Requests withdrawn for the day (`plan_overrides`)."""
    windows: Mapping[str, tuple[datetime, datetime]] = field(default_factory=dict)
    """New start windows of stored requests (the `requests` table)."""


def head(engine: Engine, plan_date: date, community: str | None = None) -> PlanHead | None:
    """The current run of `plan_date` (and `community`; None: the runs of an input without
    communities), or None when nothing was planned for it (the tables must exist:
    `database.ensure_tables`)."""
    runs = db.schedule_runs
    query = (
        sa.select(runs.c.run_id, runs.c.plan_date, runs.c.days, runs.c.version)
        .where(runs.c.plan_date == plan_date, runs.c.current, db.of_community(community))
        .order_by(runs.c.finished_at.desc())
    )
    with engine.connect() as connection:
        row = connection.execute(query).first()
    if row is None:
        return None
    return PlanHead(row.run_id, row.plan_date, int(row.days), int(row.version))


def load_plan_problem(
    engine: Engine, plan_date: date, days: int, settings: Settings, teams: Path | None = None,
    community: str | None = None, edits: DayEdits | None = None,
) -> Problem:  # fmt: skip
    """The problem of the plan days as the service sees it now: every volunteer but those
    who cancelled for the day, the plan days' requests but the withdrawn ones, no request
    offered again to a volunteer who declined it (`offers.with_refusals`) (only the
    rows of `community`, when one is named: the other communities' rows are not read).
    `edits` not yet recorded are applied as if they were (a re-plan plans with them and
    records them in its commit)."""
    vols = db.read_input_table(engine, "volunteers", "volunteer_id")
    reqs = db.read_input_table(engine, "requests", "request_id", plan=(plan_date, days),
                               timezone=settings.timezone)  # fmt: skip
    if community is not None:
        vols = vols.keep(lambda record: community_cell(record) == community)
        reqs = reqs.keep(lambda record: community_cell(record) == community)
    gone = overrides(engine, plan_date)
    edits = edits or DayEdits()
    vols = _without(vols, "volunteer_id", gone[CANCELLED_VOLUNTEER] | set(edits.cancelled))
    reqs = _without(reqs, "request_id", gone[WITHDRAWN_REQUEST] | set(edits.withdrawn))
    reqs = _with_windows(reqs, edits.windows)
    reqs = offers.with_refusals(engine, reqs, {str(r.get("volunteer_id")) for _, r in vols.rows})
    planned = db.over_plan_days(settings, plan_date, days)
    problem = load_problem(vols, reqs, teams=teams, settings=planned)
    withdrawn = gone[WITHDRAWN_REQUEST] | set(edits.withdrawn)
    if any(r.request_id in withdrawn for r in problem.requests):  # occurrences of a series
        kept = tuple(r for r in problem.requests if r.request_id not in withdrawn)
        problem = problem.model_copy(update={"requests": kept})
    return problem


def _with_windows(table: RawTable, windows: Mapping[str, tuple[datetime, datetime]]) -> RawTable:
    """The requests with their new windows, in the text form `change_windows` stores."""
    if not windows:
        return table
    rows = []
    for label, row in table.rows:
        new = windows.get(str(row.get("request_id")))
        if new is not None:
            row = {**row, "earliest_start": new[0].isoformat(timespec="minutes"),
                   "latest_start": new[1].isoformat(timespec="minutes")}  # fmt: skip
        rows.append((label, row))
    return RawTable(table.source, table.columns, rows, table.header, table.issues)


def _without(table: RawTable, key: str, ids: set[str]) -> RawTable:
    if not ids:
        return table
    rows = [(label, row) for label, row in table.rows if str(row.get(key)) not in ids]
    return RawTable(table.source, table.columns, rows, table.header, table.issues)


def overrides(engine: Engine, plan_date: date) -> dict[str, set[str]]:
    """Cancelled volunteers and withdrawn requests of a plan date."""
    found: dict[str, set[str]] = {CANCELLED_VOLUNTEER: set(), WITHDRAWN_REQUEST: set()}
    query = sa.select(plan_overrides).where(plan_overrides.c.plan_date == plan_date)
    with engine.connect() as connection:
        for row in connection.execute(query):
            found.setdefault(row.kind, set()).add(row.item_id)
    return found


def run_settings(engine: Engine, run_id: str) -> Settings:
    return load_settings(json.loads(db.current_run(engine, run_id)["settings"]))


def load_solution(engine: Engine, run_id: str) -> Solution:
    """A stored run as a `Solution` (its summary from the run's row)."""
    run = db.current_run(engine, run_id)
    done, left = db.run_frames(engine, run_id)
    assignments = [
        Assignment.model_validate({**row, "start": pd.Timestamp(row["start"]).to_pydatetime(),
                                   "end": pd.Timestamp(row["end"]).to_pydatetime()})
        for row in done.to_dict(orient="records")
    ]  # fmt: skip
    unassigned = [Unassigned.model_validate(row) for row in left.to_dict(orient="records")]
    summary = summarise(
        assignments, strategy=Strategy(run["strategy"]), served_weight=run["served_weight"],
        upper_bound=run["upper_bound"], requests_total=run["requests"],
        requests_served=run["requests_served"], requests_unassigned=run["requests_unassigned"],
        seconds=run["solve_seconds"], first_schedule_seconds=run["first_schedule_seconds"],
        per_team={}, settings=load_settings(json.loads(run["settings"])),
    )  # fmt: skip
    return Solution(assignments=assignments, unassigned=unassigned, summary=summary)


def commit(
    engine: Engine,
    read: PlanHead,
    before: Solution,
    after: Solution,
    changes: Iterable[Change],
    *,
    changed: set[str] | None = None,
    new_calls: Sequence[Request] = (),
    edits: DayEdits | None = None,
    answers: Sequence[offers.Answer] = (),
) -> PlanHead:
    """Make `after` the plan of `read.run_id`, in one transaction, if the plan is still at
    the version `before` was read at; only the rows of requests that changed are rewritten
    (`changed`, or found by comparing the plans). `new_calls` and a re-plan's `edits` are
    stored in the same transaction: a call is in the requests table exactly when its
    dispatch is in the plan, and a cancellation is recorded exactly when the plan honours
    it. So are the offers' `answers` that caused the change (a decline is recorded exactly
    when its fallback is in the plan); then the changed requests' offers follow the plan
    (`offers.sync`)."""
    if changed is None:
        changed = _changed_requests(before, after)
    table = None
    for call in new_calls:  # every optional column any of them uses, before the transaction
        table = _requests_table(engine, request_row(call))
    if edits is not None and edits.windows and table is None:
        table = _requests_table(engine, {})
    runs = db.schedule_runs
    s = after.summary
    now = datetime.now()
    with engine.begin() as connection:
        moved = connection.execute(
            runs.update()
            .where(runs.c.run_id == read.run_id, runs.c.version == read.version, runs.c.current)
            .values(
                version=read.version + 1, status=s.status, served_weight=s.served_weight,
                upper_bound=s.upper_bound, gap=s.gap, walk_minutes=s.walk_minutes,
                requests=s.requests_total, requests_served=s.requests_served,
                requests_unassigned=s.requests_unassigned, finished_at=now,
            )
        ).rowcount  # fmt: skip
        if moved != 1:
            raise PlanConflict(f"plan {read.plan_date} moved past version {read.version}")
        for call in new_calls:
            assert table is not None
            _insert_request(connection, table, call, call_for=read.plan_date, received_at=now)
        if edits is not None:
            _add_overrides(connection, read.plan_date, CANCELLED_VOLUNTEER, edits.cancelled, now)
            _add_overrides(connection, read.plan_date, WITHDRAWN_REQUEST, edits.withdrawn, now)
            if edits.windows:
                assert table is not None
                _change_windows(connection, table, edits.windows)
        for given in answers:
            offers.record(connection, given, now)
        if changed:
            for table in (db.assignments, db.unassigned):
                connection.execute(table.delete().where(
                    table.c.run_id == read.run_id, table.c.request_id.in_(changed)
                ))  # fmt: skip
            rows = [a.model_dump() for a in after.assignments if a.request_id in changed]
            if rows:
                connection.execute(db.assignments.insert(),
                                   [{"run_id": read.run_id, **r} for r in rows])  # fmt: skip
            left = [u.model_dump(mode="json") for u in after.unassigned if u.request_id in changed]
            if left:
                connection.execute(db.unassigned.insert(),
                                   [{"run_id": read.run_id, **u} for u in left])  # fmt: skip
        log_rows = [
            {"run_id": read.run_id, "version": read.version + 1, "changed_at": now,
             **c.model_dump(mode="json")}
            for c in changes
        ]  # fmt: skip
        if log_rows:
            connection.execute(plan_changes.insert(), log_rows)
        reasons = {c.request_id: c.reason for c in after.changes}
        offers.sync(connection, read.run_id, read.plan_date, after, changed, now,
                    "plan changed", reasons)  # fmt: skip
    return PlanHead(read.run_id, read.plan_date, read.days, read.version + 1)


def _changed_requests(before: Solution, after: Solution) -> set[str]:
    def rows(solution: Solution) -> dict[str, set[tuple[Any, ...]]]:
        out: dict[str, set[tuple[Any, ...]]] = {}
        for a in solution.assignments:
            out.setdefault(a.request_id, set()).add((a.volunteer_id, a.start, a.walk_minutes))
        for u in solution.unassigned:
            out.setdefault(u.request_id, set()).add((u.reason, u.detail))
        return out

    old, new = rows(before), rows(after)
    return {rid for rid in old.keys() | new.keys() if old.get(rid) != new.get(rid)}


def store_request(engine: Engine, request: Request, *, call_for: date | None = None) -> None:
    """Add a request to the `requests` input table (created if missing) in the contract's
    text form; urgent calls are also logged with the plan date they were dispatched to."""
    table = _requests_table(engine, request_row(request))
    with engine.begin() as connection:
        if request_exists(connection, table, request.request_id):
            raise DuplicateRequest(f"request {request.request_id} is already stored")
        _insert_request(connection, table, request, call_for=call_for, received_at=datetime.now())


def request_exists(connection: sa.Connection, table: sa.Table, request_id: str) -> bool:
    query = sa.select(sa.func.count()).select_from(table).where(table.c.request_id == request_id)
    return bool(connection.execute(query).scalar_one())


def is_stored(engine: Engine, request_id: str) -> bool:
    """Whether a request with this id is in the requests table already."""
    if not sa.inspect(engine).has_table("requests"):
        return False
    table = sa.Table("requests", sa.MetaData(), sa.Column("request_id", sa.Text))
    with engine.connect() as connection:
        return request_exists(connection, table, request_id)


def _insert_request(
    connection: sa.Connection, table: sa.Table, request: Request, *, call_for: date | None,
    received_at: datetime,
) -> None:  # fmt: skip
    row = request_row(request)
    row = _as_column_types(table, {k: v for k, v in row.items() if k in table.c})
    connection.execute(table.insert().values(**row))
    if call_for is not None:
        connection.execute(service_calls.insert().values(
            request_id=request.request_id, plan_date=call_for, received_at=received_at
        ))  # fmt: skip


def request_row(request: Request) -> dict[str, Any]:
    """A request as the input table holds it: lists `;`-joined, times ISO, absent as NULL."""
    row: dict[str, Any] = {}
    for name, value in request.model_dump().items():
        if isinstance(value, list | tuple):
            value = ";".join(str(v) for v in value) or None
        elif isinstance(value, datetime):
            value = value.isoformat(timespec="minutes")
        row[name] = value
    return row


_REQUEST_TABLES: dict[int, sa.Table] = {}
"""The reflected `requests` table per engine: reflecting it costs more than an insert."""


def _requests_table(engine: Engine, row: dict[str, Any]) -> sa.Table:
    """The `requests` table, created with the contract's columns if missing; an optional
    contract column it lacks (say `weight`) is added when a request first uses it."""
    table = _REQUEST_TABLES.get(id(engine))
    if table is None or any(v is not None and n not in table.c for n, v in row.items()):
        table = _reflect_requests(engine, row)
        _REQUEST_TABLES[id(engine)] = table
    return table


def _reflect_requests(engine: Engine, row: dict[str, Any]) -> sa.Table:
    if not sa.inspect(engine).has_table("requests"):
        columns = [sa.Column(name, sa.Text) for name in row]
        sa.Table("requests", sa.MetaData(), *columns).create(engine, checkfirst=True)
    table = sa.Table("requests", sa.MetaData(), autoload_with=engine)
    missing = [name for name, value in row.items() if value is not None and name not in table.c]
    for name in missing:  # contract field names, never user text
        # One transaction each: a column added meanwhile by a concurrent request fails
        # alone (PostgreSQL aborts the whole transaction on an error).
        with contextlib.suppress(sa.exc.DBAPIError), engine.begin() as connection:
            connection.execute(sa.text(f'ALTER TABLE requests ADD COLUMN "{name}" TEXT'))
    if missing:
        table = sa.Table("requests", sa.MetaData(), autoload_with=engine)
    return table


def request_day(engine: Engine, request_id: str, timezone: str) -> date | None:
    """The plan date of a stored request (the day of its earliest start, local time)."""
    if not sa.inspect(engine).has_table("requests"):
        return None
    table = sa.Table("requests", sa.MetaData(), autoload_with=engine)
    with engine.connect() as connection:
        value = connection.execute(
            sa.select(table.c.earliest_start).where(table.c.request_id == request_id)
        ).scalar()  # fmt: skip
    if value is None:
        return None
    try:
        moment = pd.Timestamp(value)
    except (ValueError, TypeError):
        return None
    if moment.tzinfo is not None:
        moment = moment.tz_convert(timezone)
    return moment.date()


def _as_column_types(table: sa.Table, row: dict[str, Any]) -> dict[str, Any]:
    """Native timestamps where the table has them (PostgreSQL refuses text there)."""
    out = dict(row)
    for name, value in row.items():
        if isinstance(table.c[name].type, sa.DateTime) and isinstance(value, str):
            out[name] = datetime.fromisoformat(value)
    return out


def _change_windows(
    connection: sa.Connection, table: sa.Table, windows: Mapping[str, tuple[datetime, datetime]]
) -> None:
    """New start windows for stored requests."""
    for request_id, (earliest, latest) in windows.items():
        values = _as_column_types(table, {
            "earliest_start": earliest.isoformat(timespec="minutes"),
            "latest_start": latest.isoformat(timespec="minutes"),
        })  # fmt: skip
        connection.execute(table.update().where(table.c.request_id == request_id).values(**values))


def _add_overrides(
    connection: sa.Connection, plan_date: date, kind: str, ids: Iterable[str], now: datetime
) -> None:
    rows = [{"plan_date": plan_date, "kind": kind, "item_id": i, "created_at": now} for i in ids]
    if rows:
        connection.execute(plan_overrides.insert(), rows)


def calls_since(engine: Engine, plan_date: date, days: int, since: datetime) -> list[str]:
    """Urgent calls for the plan days received after `since`, oldest first."""
    db.ensure_tables(engine)
    last = plan_date + timedelta(days=days)
    query = (
        sa.select(service_calls.c.request_id)
        .where(service_calls.c.plan_date >= plan_date, service_calls.c.plan_date < last,
               service_calls.c.received_at > since)
        .order_by(service_calls.c.received_at)
    )  # fmt: skip
    with engine.connect() as connection:
        return [row.request_id for row in connection.execute(query)]
