"""The hours ledger (志愿时长, a time bank): served minutes credited to each volunteer.

One row per assignment (request, volunteer) in `volunteer_hours`, so crediting twice
changes nothing. Two ways in:
- `credit`: the assignment was marked done (the offers work calls it); it wins over a
  no-show recorded before, and is what a coordinator's word looks like.
- `credit_passed_days`: by the setting `hours_credit = "day_passed"` (the default), every
  assignment of the current run of a plan date whose day has passed is credited, unless
  the ledger already has a word on it (credited, or excluded as a no-show).
`exclude` records a no-show: the assignment is never credited by the day passing.

Fairness reads `credited_minutes`: each volunteer's credited minutes over a rolling window.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from matcher._internal.io.store.database import assignments, metadata, schedule_runs

DONE = "done"
DAY_PASSED = "day_passed"
NO_SHOW = "no_show"

volunteer_hours = sa.Table(
    "volunteer_hours",
    metadata,
    sa.Column("request_id", sa.String(100), primary_key=True),
    sa.Column("volunteer_id", sa.String(100), primary_key=True),
    sa.Column("team", sa.String(100), nullable=False),
    sa.Column("service_date", sa.Date, nullable=False, index=True),
    sa.Column("start", sa.DateTime, nullable=False),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("run_id", sa.String(36), nullable=True),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
)
"""`state`: `done` (marked done), `day_passed` (credited by the setting) or `no_show`
(excluded: counts for nothing). `minutes` is the service's length; `service_date` the
community-local day it started."""

CREDITED = (DONE, DAY_PASSED)


class UnknownAssignment(LookupError):
    """No current run assigns this volunteer to this request, and no minutes were given."""


def ensure_ledger(engine: Engine) -> None:
    """Create `volunteer_hours` where the database lacks it (older databases gain it on
    their first crediting run)."""
    volunteer_hours.create(engine, checkfirst=True)


def _planned(connection: sa.Connection, request_id: str, volunteer_id: str) -> dict[str, Any]:
    """The assignment in the newest current run that has it; empty when none has."""
    if not sa.inspect(connection).has_table("schedule_runs"):
        return {}
    query = (
        sa.select(assignments)
        .join(schedule_runs, schedule_runs.c.run_id == assignments.c.run_id)
        .where(
            schedule_runs.c.current,
            assignments.c.request_id == request_id,
            assignments.c.volunteer_id == volunteer_id,
        )
        .order_by(schedule_runs.c.finished_at.desc())
    )
    row = connection.execute(query).mappings().first()
    return dict(row) if row is not None else {}


def _record(
    engine: Engine,
    request_id: str,
    volunteer_id: str,
    state: str,
    *,
    minutes: int | None,
    start: datetime | None,
    team: str | None,
) -> None:
    ensure_ledger(engine)
    with engine.begin() as connection:
        planned = _planned(connection, request_id, volunteer_id)
        if not planned and (minutes is None or start is None or team is None):
            raise UnknownAssignment(
                f"no current plan assigns volunteer {volunteer_id} to request {request_id}; "
                "give minutes, start and team to record it anyway"
            )
        began: datetime = start if start is not None else planned["start"]
        length = minutes if minutes is not None else _minutes(planned["start"], planned["end"])
        row = {
            "team": team if team is not None else planned["team"],
            "start": began,
            "service_date": began.date(),
            "minutes": length,
            "state": state,
            "run_id": planned.get("run_id"),
            "recorded_at": datetime.now(),
        }
        key = (
            volunteer_hours.c.request_id == request_id,
            volunteer_hours.c.volunteer_id == volunteer_id,
        )
        updated = connection.execute(volunteer_hours.update().where(*key).values(**row))
        if updated.rowcount == 0:
            connection.execute(
                volunteer_hours.insert().values(
                    request_id=request_id, volunteer_id=volunteer_id, **row
                )
            )


def _minutes(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds() // 60)


def credit(
    engine: Engine,
    request_id: str,
    volunteer_id: str,
    *,
    minutes: int | None = None,
    start: datetime | None = None,
    team: str | None = None,
) -> None:
    """Credit the assignment as done: its service minutes (from the current plan, unless
    given) count for the volunteer. Calling it again changes nothing; it replaces a
    no-show or a day-passed crediting of the same assignment."""
    _record(engine, request_id, volunteer_id, DONE, minutes=minutes, start=start, team=team)


def exclude(
    engine: Engine,
    request_id: str,
    volunteer_id: str,
    *,
    minutes: int | None = None,
    start: datetime | None = None,
    team: str | None = None,
) -> None:
    """Record a no-show: the assignment counts for nothing, and the day passing never
    credits it. `credit` afterwards (it was done after all) counts it again."""
    _record(engine, request_id, volunteer_id, NO_SHOW, minutes=minutes, start=start, team=team)


def credit_passed_days(engine: Engine, today: date) -> int:
    """Credit every assignment of the current runs that started before `today` (community
    local) and that the ledger has no word on yet; returns how many were credited."""
    ensure_ledger(engine)
    if not sa.inspect(engine).has_table("schedule_runs"):
        return 0
    midnight = datetime.combine(today, datetime.min.time())
    known = sa.select(volunteer_hours.c.request_id).where(
        volunteer_hours.c.request_id == assignments.c.request_id,
        volunteer_hours.c.volunteer_id == assignments.c.volunteer_id,
    )
    query = (
        sa.select(assignments)
        .join(schedule_runs, schedule_runs.c.run_id == assignments.c.run_id)
        .where(schedule_runs.c.current, assignments.c.start < midnight, ~sa.exists(known))
    )
    now = datetime.now()
    with engine.begin() as connection:
        rows = connection.execute(query).mappings().all()
        fresh = {
            (row["request_id"], row["volunteer_id"]): {
                "request_id": row["request_id"],
                "volunteer_id": row["volunteer_id"],
                "team": row["team"],
                "service_date": row["start"].date(),
                "start": row["start"],
                "minutes": _minutes(row["start"], row["end"]),
                "state": DAY_PASSED,
                "run_id": row["run_id"],
                "recorded_at": now,
            }
            for row in rows
        }
        if fresh:
            connection.execute(volunteer_hours.insert(), list(fresh.values()))
    return len(fresh)


def credited_minutes(engine: Engine, before: date, window_days: int) -> dict[str, int]:
    """Each volunteer's credited minutes over the `window_days` days before `before`."""
    if window_days <= 0 or not sa.inspect(engine).has_table("volunteer_hours"):
        return {}
    query = (
        sa.select(volunteer_hours.c.volunteer_id, sa.func.sum(volunteer_hours.c.minutes))
        .where(
            volunteer_hours.c.state.in_(CREDITED),
            volunteer_hours.c.service_date < before,
            volunteer_hours.c.service_date >= before - timedelta(days=window_days),
        )
        .group_by(volunteer_hours.c.volunteer_id)
    )
    with engine.connect() as connection:
        return {str(vid): int(total) for vid, total in connection.execute(query).all()}


def month_range(month: str) -> tuple[date, date]:
    """`2026-12` -> its first day and the first day of the next month."""
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise ValueError(f"{month!r} is not a month YYYY-MM") from None
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following


HOURS_COLUMNS = ["team", "volunteer_id", "services", "minutes", "hours"]


def monthly_hours(engine: Engine, month: str) -> pd.DataFrame:
    """Credited services, minutes and hours per team and volunteer in `month` (YYYY-MM),
    ordered by team, then most hours first."""
    first, following = month_range(month)
    if not sa.inspect(engine).has_table("volunteer_hours"):
        return pd.DataFrame(columns=HOURS_COLUMNS)
    query = (
        sa.select(
            volunteer_hours.c.team,
            volunteer_hours.c.volunteer_id,
            sa.func.count().label("services"),
            sa.func.sum(volunteer_hours.c.minutes).label("minutes"),
        )
        .where(
            volunteer_hours.c.state.in_(CREDITED),
            volunteer_hours.c.service_date >= first,
            volunteer_hours.c.service_date < following,
        )
        .group_by(volunteer_hours.c.team, volunteer_hours.c.volunteer_id)
    )
    with engine.connect() as connection:
        frame = pd.read_sql(query, connection)
    frame["minutes"] = frame["minutes"].astype(int)
    frame["services"] = frame["services"].astype(int)
    frame["hours"] = (frame["minutes"] / 60).round(2)
    frame = frame.sort_values(["team", "minutes", "volunteer_id"], ascending=[True, False, True])
    return frame[HOURS_COLUMNS].reset_index(drop=True)


def write_hours(frame: pd.DataFrame, out: Path) -> Path:
    """`.csv`: one table (UTF-8 with a byte-order mark, so Excel shows Chinese right);
    `.xlsx`: a sheet per team and one `all` sheet with the team totals."""
    suffix = out.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(out, index=False, encoding="utf-8-sig")
        return out
    if suffix != ".xlsx":
        raise ValueError(f"{out.name}: write the hours to a .csv or .xlsx file")
    totals = frame.groupby("team", as_index=False)[["services", "minutes"]].sum()
    totals["volunteers"] = frame.groupby("team")["volunteer_id"].nunique().to_numpy()
    totals["hours"] = (totals["minutes"] / 60).round(2)
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        totals.to_excel(writer, sheet_name="all", index=False)
        for team, rows in frame.groupby("team"):
            rows.to_excel(writer, sheet_name=str(team)[:31], index=False)
    return out
