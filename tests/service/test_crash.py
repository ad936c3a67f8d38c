"""A `matcher serve` killed with SIGKILL in the middle of a burst of urgent calls and
re-plans, then started again on the same database, has lost nothing it answered.

Each round starts the server on the database the last one left, checks what every earlier
answer promised, and lets four clients send urgent calls while a fifth sends re-plans
(withdrawals and new windows), until the server has given a few more answers; then the
process is killed outright, mid-burst. A request that got no answer may or may not have
happened, but never half: a call is stored exactly when the plan has its row, a re-plan's
changes are recorded exactly when the plan honours them.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from conftest import PLAN_DATE, Server, plan_day, running_server
from databases import KINDS, fill, fresh_database
from test_http_api import call_body

from matcher._internal.check.stored import check_database
from matcher._internal.io.store import database as db
from matcher._internal.io.store import plan_versions

pytestmark = pytest.mark.slow  # four server starts and three bursts: about 30 s a database

DAY = date.fromisoformat(PLAN_DATE)
KILL_AFTER = (1, 4, 10)
"""Each round kills the server once it has given this many more 2xx answers."""
CALLS_PER_ROUND = 30
CALL_CLIENTS = 4
REPLANS_PER_ROUND = 3
BURST_DEADLINE_S = 90
"""A burst that has not reached its answers by then is killed anyway (a bound on the test,
not an assertion)."""


@dataclass
class Ledger:
    """What the clients sent and what they were told, over every round."""

    told: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Calls answered 2xx: the answer."""
    unanswered: set[str] = field(default_factory=set)
    """Calls sent whose connection died with the server."""
    replans: list[dict[str, Any]] = field(default_factory=list)
    """Re-plan bodies answered 2xx."""
    replans_unanswered: list[dict[str, Any]] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    """Any answer but 2xx (none is expected: every id is fresh and known)."""
    lock: threading.Lock = field(default_factory=threading.Lock)


def replan_bodies(server: Server, ledger: Ledger) -> list[dict[str, Any]]:
    """Re-plans that each withdraw one served resident request and move another one's
    window past its planned start, so the stored plan breaks the recorded inputs unless
    both land together. Requests used by an earlier round are left alone."""
    with server.client() as client:
        plan = client.get(f"/plans/{PLAN_DATE}").json()
    used = {rid for body in ledger.replans + ledger.replans_unanswered
            for rid in [*body["withdrawn_requests"],
                        *(w["request_id"] for w in body["changed_windows"])]}  # fmt: skip
    starts = {a["request_id"]: datetime.fromisoformat(a["start"]) for a in plan["assignments"]}
    free = sorted(rid for rid, start in starts.items()
                  if rid.startswith("R") and rid not in used and start.hour < 17)  # fmt: skip
    bodies = []
    for k in range(REPLANS_PER_ROUND):
        withdrawn, moved = free[2 * k], free[2 * k + 1]
        later = starts[moved] + timedelta(minutes=61)
        bodies.append({
            "withdrawn_requests": [withdrawn], "time_limit_s": 1,
            "changed_windows": [{"request_id": moved, "earliest_start": later.isoformat(),
                                 "latest_start": (later + timedelta(minutes=15)).isoformat()}],
        })  # fmt: skip
    return bodies


def round_calls(round_: int) -> list[dict[str, Any]]:
    """The urgent calls of a round (ids CALL100.. in round 1, CALL200.. in round 2, ...)."""
    rng = np.random.default_rng(round_)
    return [call_body(100 * round_ + k, rng) for k in range(CALLS_PER_ROUND)]


def burst(server: Server, ledger: Ledger, round_: int, kill_after: int) -> None:
    """Calls and re-plans from several clients at once; SIGKILL after `kill_after` more
    2xx answers (or at the deadline)."""
    calls = deque(round_calls(round_))
    replans = replan_bodies(server, ledger)
    stop, enough = threading.Event(), threading.Event()
    answers = 0

    def answered() -> None:
        nonlocal answers
        with ledger.lock:
            answers += 1
            if answers >= kill_after:
                enough.set()

    def send_calls() -> None:
        with server.client() as client:
            while not stop.is_set():
                with ledger.lock:
                    if not calls:
                        return
                    body = calls.popleft()
                try:
                    response = client.post("/calls", json=body)
                except httpx.TransportError:
                    ledger.unanswered.add(body["request_id"])
                    return
                if response.is_success:
                    ledger.told[body["request_id"]] = response.json()
                    answered()
                else:
                    ledger.unexpected.append(response.text)

    def send_replans() -> None:
        with server.client() as client:
            for body in replans:
                if stop.is_set():
                    return
                try:
                    response = client.post(f"/plans/{PLAN_DATE}/replan", json=body)
                except httpx.TransportError:
                    ledger.replans_unanswered.append(body)
                    return
                if response.is_success:
                    ledger.replans.append(body)
                    answered()
                else:
                    ledger.unexpected.append(response.text)

    with ThreadPoolExecutor(max_workers=CALL_CLIENTS + 1) as pool:
        running = [pool.submit(send_calls) for _ in range(CALL_CLIENTS)]
        running.append(pool.submit(send_replans))
        for future in running:  # all done before enough answers: kill the idle server
            future.add_done_callback(lambda _: all(f.done() for f in running) and enough.set())
        enough.wait(BURST_DEADLINE_S)
        server.process.kill()  # SIGKILL: no shutdown handler, no flush, no goodbye
        server.process.wait()
        stop.set()
    for future in running:
        future.result()  # a client's own error surfaces here
    assert not ledger.unexpected, ledger.unexpected


def assert_nothing_lost(database: str, ledger: Ledger) -> None:
    """Every promise of an answer holds in the database; what got no answer is all or
    nothing; the stored plan passes the independent checker."""
    engine = sa.create_engine(database)
    head = plan_versions.head(engine, DAY)
    assert head is not None
    done, left = db.run_frames(engine, head.run_id)
    gone = plan_versions.overrides(engine, DAY)
    with engine.connect() as connection:
        requests = sa.Table("requests", sa.MetaData(), autoload_with=connection)
        stored = pd.read_sql(sa.select(requests.c.request_id, requests.c.earliest_start,
                                       requests.c.latest_start), connection)  # fmt: skip
        logged = {
            row.request_id for row in connection.execute(sa.select(plan_versions.service_calls))
        }
    engine.dispose()
    assert not stored["request_id"].duplicated().any()  # never a second row
    windows = {r.request_id: (pd.Timestamp(r.earliest_start), pd.Timestamp(r.latest_start))
               for r in stored.itertuples()}  # fmt: skip
    served = {rid: rows for rid, rows in done.groupby("request_id")}
    planned = set(served) | set(left["request_id"])
    for rid, answer in ledger.told.items():
        assert rid in windows and rid in logged, f"{rid} was answered but is not stored"
        assert answer["plan_version"] <= head.version
        if answer["served"]:
            rows = served.get(rid)
            assert rows is not None, f"{rid} was told it is served but is not in the plan"
            assert set(rows["volunteer_id"]) == {m["volunteer_id"] for m in answer["crew"]}
            assert pd.Timestamp(rows["start"].iloc[0]) == pd.Timestamp(answer["start"])
        else:  # still left out, or served by a later re-plan
            assert rid in planned
    for rid in ledger.unanswered:
        assert (rid in windows) == (rid in planned) == (rid in logged), rid
    for body in ledger.replans + ledger.replans_unanswered:
        recorded = [
            rid in gone[plan_versions.WITHDRAWN_REQUEST] for rid in body["withdrawn_requests"]
        ]
        recorded += [
            windows[w["request_id"]][0] == pd.Timestamp(w["earliest_start"])
            for w in body["changed_windows"]
        ]
        if body in ledger.replans:
            assert all(recorded), body
        else:
            assert all(recorded) or not any(recorded), body  # all or nothing
    report = check_database(database)
    assert report.ok, report.violations[:5]


@pytest.mark.parametrize("kind", KINDS)
def test_a_killed_server_loses_nothing_it_answered(kind: str, tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    # Re-plans keep every untouched assignment, so a call's crew stays the one it was told.
    settings.write_text("replan_keep_untouched = true\n")
    ledger = Ledger()
    with fresh_database(kind, tmp_path) as database:
        fill(database)
        plan_day(database, "--settings", str(settings))
        for round_, kill_after in enumerate(KILL_AFTER, start=1):
            with running_server(database, tmp_path) as server:
                assert_nothing_lost(database, ledger)
                burst(server, ledger, round_, kill_after)
        with running_server(database, tmp_path) as server, server.client() as client:
            assert_nothing_lost(database, ledger)
            bodies = {b["request_id"]: b for r in range(1, len(KILL_AFTER) + 1)
                      for b in round_calls(r)}  # fmt: skip
            for rid in ledger.told:  # the caller retries: never a second booking
                assert client.post("/calls", json=bodies[rid]).status_code == 409
            for rid in sorted(ledger.unanswered):  # stored exactly when it happened
                again = client.post("/calls", json=bodies[rid])
                assert again.status_code in (200, 409), again.text
                if again.status_code == 200:
                    ledger.told[rid] = again.json()
            ledger.unanswered -= set(ledger.told)
        assert_nothing_lost(database, ledger)
    print(f"{kind}: {len(ledger.told)} calls answered, {len(ledger.unanswered)} in flight at "
          f"a kill and stored, {len(ledger.replans)} re-plans answered, "
          f"{len(ledger.replans_unanswered)} in flight at a kill")  # fmt: skip
