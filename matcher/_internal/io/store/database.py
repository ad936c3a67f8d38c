"""SQL databases in and out: read `volunteers` and `requests`, write a schedule run back.

SQLAlchemy Core does the dialect work, so SQLite (the embedded default; a file path works)
and PostgreSQL share this code. Results land in one transaction: a `schedule_runs` row and
its `assignments` and `unassigned` rows, with the new run marked current for its plan date
(and community) and earlier runs kept as history. A run that dies before the commit leaves
the previous current run exactly as it was.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from matcher._internal.io.inputs.tables import RawTable, is_missing
from matcher._internal.io.store import offers
from matcher._internal.model import Settings, Solution
from matcher._internal.model.recurrence import Horizon, occurrence_starts

metadata = sa.MetaData()

schedule_runs = sa.Table(
    "schedule_runs",
    metadata,
    sa.Column("run_id", sa.String(36), primary_key=True),
    sa.Column("plan_date", sa.Date, nullable=False, index=True),
    sa.Column("days", sa.Integer, nullable=False),
    sa.Column("current", sa.Boolean, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("strategy", sa.String(20), nullable=False),
    sa.Column("volunteers", sa.Integer, nullable=False),
    sa.Column("requests", sa.Integer, nullable=False),
    sa.Column("requests_served", sa.Integer, nullable=False),
    sa.Column("requests_unassigned", sa.Integer, nullable=False),
    sa.Column("served_weight", sa.Integer, nullable=False),
    sa.Column("upper_bound", sa.Integer, nullable=False),
    sa.Column("gap", sa.Float, nullable=False),
    sa.Column("walk_minutes", sa.Float, nullable=False),
    sa.Column("first_schedule_seconds", sa.Float, nullable=False),
    sa.Column("solve_seconds", sa.Float, nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime, nullable=False),
    sa.Column("settings", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("community", sa.String(100), nullable=True),
)
"""`version` counts the changes the service has committed to a run (1 when written); every
change to a plan is one transaction that moves it by one (optimistic concurrency).
`community` is the community the run planned, NULL for an input without communities; each
(plan_date, community) has its own current run."""

assignments = sa.Table(
    "assignments",
    metadata,
    sa.Column("run_id", sa.String(36), sa.ForeignKey("schedule_runs.run_id"), index=True),
    sa.Column("request_id", sa.String(100), nullable=False),
    sa.Column("volunteer_id", sa.String(100), nullable=False),
    sa.Column("team", sa.String(100), nullable=False),
    sa.Column("start", sa.DateTime, nullable=False),
    sa.Column("end", sa.DateTime, nullable=False),
    sa.Column("walk_minutes", sa.Float, nullable=False),
)

unassigned = sa.Table(
    "unassigned",
    metadata,
    sa.Column("run_id", sa.String(36), sa.ForeignKey("schedule_runs.run_id"), index=True),
    sa.Column("request_id", sa.String(100), nullable=False),
    sa.Column("reason", sa.String(40), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
)


class DatabaseUnreachable(RuntimeError):
    """The database cannot be reached or read; the message never shows a password."""


def redact(url: str) -> str:
    """The URL as it may appear in a message or a log: the password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: say nothing that could be secret
        return "<database>"


def describe(url: str) -> str:
    """Which database a URL (or SQLite file path) is, for a message a person reads: the
    SQLite file, or the host, port and database; never the user or the password."""
    try:
        return _where(make_url(_as_url(url)))
    except Exception:  # not a URL at all: say nothing that could be secret
        return "<database>"


def _as_url(url: str) -> str:
    """A URL for a URL or a plain SQLite file path."""
    return url if "://" in url else f"sqlite:///{Path(url).absolute()}"


def engine_for(url: str, *, create: bool = False) -> Engine:
    """An engine for a URL or, for SQLite, a plain file path. A SQLite file that does not
    exist is an error unless `create`: reading a plan must never leave an empty database
    behind. Errors name the host, port and database, never the password."""
    url = _as_url(url)
    try:
        parsed = make_url(url)
    except Exception:
        raise DatabaseUnreachable("not a database URL or SQLite file path") from None
    if parsed.get_backend_name() == "sqlite" and not create:
        path = parsed.database or ""
        if path not in ("", ":memory:") and not Path(path).exists():
            raise DatabaseUnreachable(f"no SQLite database at {path} (nothing was created)")
    try:
        engine = sa.create_engine(url, future=True)
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as exc:
        raise DatabaseUnreachable(
            f"cannot reach database {redact(url)} ({_where(parsed)}): "
            f"{type(exc).__name__}: {_first_line(exc, parsed.password)}"
        ) from None
    return engine


def _where(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            return "SQLite in memory"
        return f"SQLite file {Path(url.database).absolute()}"
    return f"host {url.host or 'localhost'}, port {url.port or 'default'}, database {url.database}"


def _first_line(exc: Exception, password: str | None) -> str:
    """The driver's own first line of explanation (refused, timed out, authentication
    failed), with the password removed should a driver ever echo it."""
    cause = exc.__cause__ or getattr(exc, "orig", None) or exc
    text = (str(cause).strip().splitlines() or [""])[0]
    if password:
        text = text.replace(str(password), "***")
    return text[:300]


def read_input_table(
    engine: Engine,
    table: str,
    key: str,
    *,
    plan: tuple[date, int] | None = None,
    timezone: str = "Asia/Shanghai",
) -> RawTable:
    """Rows of an input table, labelled `key <id>` for errors; requests filtered to the plan
    days (rows whose time cannot be read stay in, so validation can name them)."""
    try:
        frame = pd.read_sql_table(table, engine)
    except Exception as exc:
        raise DatabaseUnreachable(
            f"cannot read table {table!r} from {redact(str(engine.url))}: {type(exc).__name__}"
        ) from None
    if plan is not None and "earliest_start" in frame.columns:
        keep = _within_plan(frame["earliest_start"], plan, timezone)
        if "recurrence" in frame.columns:
            keep |= _recurs_within_plan(frame, plan, timezone)
        frame = frame[keep]
    source = f"table {table}"
    rows = []
    for position, record in enumerate(frame.to_dict(orient="records")):
        ident = record.get(key)
        label = f"key {ident}" if not is_missing(ident) else f"row {position + 1}"
        rows.append((label, {str(k): v for k, v in record.items() if not is_missing(v)}))
    return RawTable(source, [str(c) for c in frame.columns], rows)


def over_plan_days(settings: Settings, plan_date: date, days: int) -> Settings:
    """The settings of a database run: recurring requests are planned over its plan days."""
    return settings.model_copy(update={"horizon_start": plan_date, "horizon_days": days})


def _within_plan(values: pd.Series, plan: tuple[date, int], timezone: str) -> pd.Series:
    first, days = plan
    lo = datetime.combine(first, datetime.min.time())
    hi = lo + timedelta(days=days)
    tz = ZoneInfo(timezone)

    def keep(value: Any) -> bool:
        try:
            moment = pd.Timestamp(value)
        except (ValueError, TypeError):
            return True
        if pd.isna(moment):
            return True
        if moment.tzinfo is not None:
            moment = moment.tz_convert(tz).tz_localize(None)
        return bool(lo <= moment.to_pydatetime() < hi)

    return values.map(keep).astype(bool)


def _recurs_within_plan(frame: pd.DataFrame, plan: tuple[date, int], timezone: str) -> pd.Series:
    """Recurring requests with an occurrence in the plan days, whatever their first date;
    rows whose rule or time cannot be read stay in, so validation can name them."""
    horizon = Horizon(*plan)
    tz = ZoneInfo(timezone)

    def keep(record: dict[Any, Any]) -> bool:
        rule = record.get("recurrence")
        if is_missing(rule) or not str(rule).strip():
            return False
        try:
            moment = pd.Timestamp(str(record.get("earliest_start")))
            if moment.tzinfo is not None:
                moment = moment.tz_convert(tz).tz_localize(None)
            return bool(occurrence_starts(str(rule), moment.to_pydatetime(), horizon))
        except (ValueError, TypeError):
            return True

    flags: list[bool] = [keep(r) for r in frame.to_dict(orient="records")]
    return pd.Series(flags, index=frame.index, dtype=bool)


def ensure_tables(engine: Engine) -> None:
    """Create the output tables, and add the columns a database written before them lacks:
    `version` (runs there count as version 1) and `community` (NULL: no community); and
    the offers' tables (`offers`)."""
    metadata.create_all(engine)
    offers.ensure_tables(engine)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("schedule_runs")}
    if "version" not in columns:
        with engine.begin() as connection:
            connection.execute(sa.text(
                "ALTER TABLE schedule_runs ADD COLUMN version INTEGER NOT NULL DEFAULT 1"
            ))  # fmt: skip
    if "community" not in columns:
        with engine.begin() as connection:
            connection.execute(sa.text(
                "ALTER TABLE schedule_runs ADD COLUMN community VARCHAR(100)"
            ))  # fmt: skip


def of_community(community: str | None) -> sa.ColumnElement[bool]:
    """The runs of `community`: NULL matches the runs of an input without communities."""
    column = schedule_runs.c.community
    return column.is_(None) if community is None else column == community


def write_run(
    engine: Engine,
    solution: Solution,
    *,
    plan_date: date,
    days: int,
    volunteers: int,
    started_at: datetime,
    community: str | None = None,
) -> str:
    """Store one run in a single transaction and make it the current one for its date (and
    community: the runs of other communities stay current). Its assignments become offers
    (`offers.sync`: pairs the run it replaces had keep their answers where the time is the
    same), and its standbys are stored with it."""
    ensure_tables(engine)
    run_id = str(uuid.uuid4())
    s = solution.summary
    with engine.begin() as connection:
        replaced = connection.execute(
            sa.select(schedule_runs.c.run_id).where(
                schedule_runs.c.plan_date == plan_date, schedule_runs.c.current,
                of_community(community),
            )
        ).scalars().all()  # fmt: skip
        connection.execute(
            schedule_runs.update()
            .where(schedule_runs.c.plan_date == plan_date, of_community(community))
            .values(current=False)
        )
        connection.execute(
            schedule_runs.insert().values(
                run_id=run_id, plan_date=plan_date, days=days, current=True, status=s.status,
                strategy=s.strategy, volunteers=volunteers, requests=s.requests_total,
                requests_served=s.requests_served, requests_unassigned=s.requests_unassigned,
                served_weight=s.served_weight, upper_bound=s.upper_bound, gap=s.gap,
                walk_minutes=s.walk_minutes, first_schedule_seconds=s.first_schedule_seconds,
                solve_seconds=s.solve_seconds, started_at=started_at,
                finished_at=datetime.now(), settings=json.dumps(s.settings), version=1,
                community=community,
            )
        )  # fmt: skip
        if solution.assignments:
            connection.execute(
                assignments.insert(),
                [{"run_id": run_id, **a.model_dump()} for a in solution.assignments],
            )
        if solution.unassigned:
            connection.execute(
                unassigned.insert(),
                [{"run_id": run_id, **u.model_dump(mode="json")} for u in solution.unassigned],
            )
        scope = {a.request_id for a in solution.assignments}
        scope |= {u.request_id for u in solution.unassigned}
        if replaced:
            scope |= set(connection.execute(
                sa.select(offers.offers.c.request_id).where(offers.offers.c.run_id.in_(replaced))
            ).scalars())  # fmt: skip
        now = datetime.now()
        offers.sync(connection, run_id, plan_date, solution, scope, now, "published")
        offers.store_standbys(connection, run_id, solution.standbys)
    return run_id


def current_run(
    engine: Engine, run_id: str | None = None, *, community: str | None = None
) -> dict[str, Any]:
    """The given run, or the newest current one (of `community`, when one is named)."""
    query = sa.select(schedule_runs)
    if run_id:
        query = query.where(schedule_runs.c.run_id == run_id)
    else:
        query = query.where(schedule_runs.c.current).order_by(schedule_runs.c.finished_at.desc())
        if community is not None:
            query = query.where(schedule_runs.c.community == community)
    with engine.connect() as connection:
        row = connection.execute(query).mappings().first()
    if row is None:
        raise LookupError(f"no schedule run {run_id or '(current)'} in the database")
    return dict(row)


@dataclass(frozen=True)
class LastRun:
    """A community's newest run: what a new one can be compared with."""

    plan_date: date
    volunteers: int


def last_runs(engine: Engine) -> dict[str | None, LastRun]:
    """Each community's newest run (None: the runs of inputs without communities); empty
    when nothing has been planned in this database yet. Reads only."""
    inspector = sa.inspect(engine)
    if not inspector.has_table("schedule_runs"):
        return {}
    names = {c["name"] for c in inspector.get_columns("schedule_runs")}
    community = schedule_runs.c.community if "community" in names else sa.null()
    query = sa.select(community, schedule_runs.c.plan_date, schedule_runs.c.volunteers)
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(schedule_runs.c.finished_at)).all()
    return {row[0]: LastRun(row[1], row[2]) for row in rows}  # the newest wins


def run_frames(engine: Engine, run_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A stored run's assignments and unassigned rows, shaped like the batch files."""
    with engine.connect() as connection:
        done = pd.read_sql(sa.select(assignments).where(assignments.c.run_id == run_id), connection)
        left = pd.read_sql(sa.select(unassigned).where(unassigned.c.run_id == run_id), connection)
    return done.drop(columns=["run_id"]), left.drop(columns=["run_id"])
