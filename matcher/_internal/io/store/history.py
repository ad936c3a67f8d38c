"""What earlier plans say about residents: who their regular volunteer is.

Trust is the service in regular visits, so the nightly job keeps a resident with the
volunteer who served them most often before. It reads the current runs of earlier plan
dates (what was last published for each day) and maps each assignment to its resident
through the `requests` table: an occurrence `R17@2026-12-08` is the resident's through
its recurring request `R17`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from matcher._internal.io.inputs.tables import RawTable, is_missing
from matcher._internal.io.store.database import assignments, schedule_runs
from matcher._internal.model.recurrence import OCCURRENCE_SEPARATOR

LOOKBACK_DAYS = 84
"""How far back a resident's regular volunteer is looked for: twelve weeks of plans, long
enough for a monthly visit to count three times, short enough that a volunteer who left
a quarter ago is not waited for."""


def series_id(request_id: str) -> str:
    """The request a stored request id was planned from: `R17` for `R17@2026-12-08`."""
    base, separator, day = request_id.rpartition(OCCURRENCE_SEPARATOR)
    if not separator:
        return request_id
    try:
        date.fromisoformat(day)
    except ValueError:
        return request_id
    return base


def past_assignments(engine: Engine, before: date, lookback_days: int) -> pd.DataFrame:
    """request_id, volunteer_id and start of every assignment in the current runs of the plan
    dates from `before - lookback_days` up to the day before `before`; empty when nothing
    was planned yet."""
    if not sa.inspect(engine).has_table("schedule_runs"):
        return pd.DataFrame(columns=["request_id", "volunteer_id", "start"])
    query = (
        sa.select(assignments.c.request_id, assignments.c.volunteer_id, assignments.c.start)
        .join(schedule_runs, schedule_runs.c.run_id == assignments.c.run_id)
        .where(
            schedule_runs.c.current,
            schedule_runs.c.plan_date < before,
            schedule_runs.c.plan_date >= before - timedelta(days=lookback_days),
        )
    )
    with engine.connect() as connection:
        return pd.read_sql(query, connection)


def residents_of(engine: Engine) -> dict[str, str]:
    """Each stored request's resident, from the `requests` input table."""
    try:
        table = pd.read_sql_table("requests", engine)
    except Exception:  # no requests table yet: no residents known
        return {}
    if "resident_id" not in table.columns or "request_id" not in table.columns:
        return {}
    return {
        str(rid).strip(): str(who).strip()
        for rid, who in zip(table["request_id"], table["resident_id"], strict=True)
        if not is_missing(rid) and not is_missing(who)
    }


def regular_volunteers(
    engine: Engine, before: date, *, lookback_days: int = LOOKBACK_DAYS
) -> dict[str, str]:
    """Each resident's regular volunteer: who served them most often in the plans before
    `before` (ties: the most recent, then the smaller id)."""
    done = past_assignments(engine, before, lookback_days)
    if done.empty:
        return {}
    resident = residents_of(engine)
    served: Counter[tuple[str, str]] = Counter()
    latest: dict[tuple[str, str], datetime] = {}
    for rid, vid, start in zip(
        done["request_id"], done["volunteer_id"], done["start"], strict=True
    ):
        who = resident.get(series_id(str(rid)))
        if who is None:
            continue
        key = (who, str(vid))
        served[key] += 1
        moment = pd.Timestamp(start).to_pydatetime()
        latest[key] = max(latest.get(key, moment), moment)
    ranked = sorted(served, key=lambda k: (-served[k], -latest[k].timestamp(), k[1]))
    regular: dict[str, str] = {}
    for who, vid in ranked:
        regular.setdefault(who, vid)
    return regular


def with_regular_volunteers(requests: RawTable, regulars: dict[str, str]) -> RawTable:
    """The requests with `regular_volunteer` filled from `regulars` (by resident) where the
    row leaves it empty; a row that names one keeps it (the coordinator's word wins)."""
    return filled(requests, "regular_volunteer", "resident_id", regulars)


def filled(table: RawTable, column: str, key: str, values: Mapping[str, Any]) -> RawTable:
    """`table` with `column` set to `values[row's key]` in the rows that leave it empty."""
    if not values:
        return table
    rows: list[tuple[str, dict[str, Any]]] = []
    for label, record in table.rows:
        which = record.get(key)
        if is_missing(record.get(column)) and not is_missing(which):
            found = values.get(str(which).strip())
            if found is not None:
                record = {**record, column: found}
        rows.append((label, record))
    columns = list(table.columns)
    if column not in columns:
        columns.append(column)
    return replace(table, columns=columns, rows=rows)
