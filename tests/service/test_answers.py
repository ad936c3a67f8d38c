"""What the service answers when it cannot do what it was asked, and how it states walks:
unknown ids refused whole (422), unserved calls with the outputs' reason, a call for a day
with no plan answered from a plan made for it and saying so, walks to a hundredth of a minute
as in assignments.csv."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from conftest import PLAN_DATE, Server, running_server
from databases import KINDS, fill, fresh_database, sample_table
from test_http_api import call_body

from matcher._internal.io.store import database as db
from matcher._internal.io.store import plan_versions
from matcher._internal.model import Reason

pytestmark = pytest.mark.slow  # a server per test and database: about 5 s each

DAY = date.fromisoformat(PLAN_DATE)


def stored_state(server: Server) -> dict[str, Any]:
    """Everything a refused re-plan must leave alone: the plan's version, the day's
    overrides, the change log, and every stored request's window."""
    engine = sa.create_engine(server.database)
    head = plan_versions.head(engine, DAY)
    assert head is not None
    with engine.connect() as connection:
        requests = sa.Table("requests", sa.MetaData(), autoload_with=connection)
        state = {
            "version": head.version,
            "overrides": connection.execute(sa.select(sa.func.count()).select_from(
                plan_versions.plan_overrides)).scalar_one(),
            "changes": connection.execute(sa.select(sa.func.count()).select_from(
                plan_versions.plan_changes)).scalar_one(),
            "windows": sorted(connection.execute(sa.select(
                requests.c.request_id, requests.c.earliest_start, requests.c.latest_start
            )).all()),
        }  # fmt: skip
    engine.dispose()
    return state


def test_a_replan_naming_unknown_ids_is_refused_whole(planned_server: Server) -> None:
    rng = np.random.default_rng(11)
    other_day = call_body(1, rng, earliest_start="2026-12-02T10:00",
                          latest_start="2026-12-02T10:30")  # fmt: skip
    with planned_server.client() as client:
        # A request stored for the next day is known to the database, not to this plan.
        assert client.post("/requests", json=other_day).status_code == 201
        plan = client.get(f"/plans/{PLAN_DATE}").json()
        known_volunteer = plan["assignments"][0]["volunteer_id"]
        known_request = plan["assignments"][0]["request_id"]
        before = stored_state(planned_server)
        window = {"earliest_start": "2026-12-01T15:00", "latest_start": "2026-12-01T16:00"}
        answer = client.post(f"/plans/{PLAN_DATE}/replan", json={
            "cancelled_volunteers": [known_volunteer, "NOPE-V1", "NOPE-V2"],
            "withdrawn_requests": ["NOPE-W"],
            "changed_windows": [{"request_id": known_request, **window},
                                {"request_id": "CALL001", **window}],
            "pinned": ["NOPE-P"], "time_limit_s": 2,
        })  # fmt: skip
        assert answer.status_code == 422, answer.text
        detail = answer.json()["detail"]
        named = " ".join(detail)
        for unknown in ("NOPE-V1", "NOPE-V2", "NOPE-W", "CALL001", "NOPE-P"):
            assert unknown in named, (unknown, detail)
        assert len(detail) == 5  # one line per unknown id...
        assert known_volunteer not in named and known_request not in named  # ...and only them
        assert stored_state(planned_server) == before  # nothing recorded
        # The same changes without the unknown ids go through.
        fine = client.post(f"/plans/{PLAN_DATE}/replan", json={
            "cancelled_volunteers": [known_volunteer], "time_limit_s": 2})  # fmt: skip
        assert fine.status_code == 200, fine.text
        assert fine.json()["plan_version"] == before["version"] + 1


def test_an_unserved_call_says_why_as_the_outputs_do(planned_server: Server) -> None:
    rng = np.random.default_rng(12)
    far = call_body(2, rng, lat=38.5, lon=112.545)  # some 70 km north of the community
    with planned_server.client() as client:
        answer = client.post("/calls", json=far)
        assert answer.status_code == 200, answer.text
        call = answer.json()
        plan = client.get(f"/plans/{PLAN_DATE}").json()
    assert call["served"] is False and call["crew"] == []
    row = next(u for u in plan["unassigned"] if u["request_id"] == "CALL002")
    assert call["reason"] == row["reason"] == Reason.NONE_WITHIN_REACH
    assert call["detail"] == row["detail"] and "walking reach" in call["detail"]


def test_a_served_call_has_no_reason(planned_server: Server) -> None:
    rng = np.random.default_rng(13)
    with planned_server.client() as client:
        call = client.post("/calls", json=call_body(3, rng)).json()
    assert call["served"] is True
    assert call["reason"] is None and call["detail"] is None


def stored_copies(database: str, request_id: str) -> tuple[int, int]:
    """How often a request is in the requests table, and in the log of urgent calls."""
    engine = sa.create_engine(database)
    with engine.connect() as connection:
        requests = sa.Table("requests", sa.MetaData(), autoload_with=connection)
        counts = tuple(connection.execute(sa.select(sa.func.count()).select_from(table).where(
            table.c.request_id == request_id)).scalar_one()
            for table in (requests, plan_versions.service_calls))  # fmt: skip
    engine.dispose()
    return counts[0], counts[1]


def test_a_call_for_a_day_without_a_plan_makes_one_and_says_so(planned_server: Server) -> None:
    rng = np.random.default_rng(14)
    day = "2026-12-02"  # nobody planned it, and the sample's volunteers are free only the 1st
    body = call_body(4, rng, earliest_start=f"{day}T10:00", latest_start=f"{day}T10:15")
    with planned_server.client() as client:
        assert client.get(f"/plans/{day}").status_code == 404
        answer = client.post("/calls", json=body)
        assert answer.status_code == 200, answer.text
        call = answer.json()
        assert call["note"] == (f"no plan for {day} existed: one was made now from the "
                                f"stored volunteers and requests")  # fmt: skip
        assert call["plan_date"] == day and call["served"] is False
        plan = client.get(f"/plans/{day}").json()
        assert plan["version"] == call["plan_version"]
        row = next(u for u in plan["unassigned"] if u["request_id"] == "CALL004")
        assert call["reason"] == row["reason"] == Reason.NONE_AVAILABLE  # unserved, and why
        assert call["detail"] == row["detail"] and call["detail"]
        assert client.get("/explain/CALL004").status_code == 200
        assert stored_copies(planned_server.database, "CALL004") == (1, 1)
        # The same call again is a duplicate, and nothing is made or stored twice.
        again = client.post("/calls", json=body)
        assert again.status_code == 409, again.text
        assert stored_copies(planned_server.database, "CALL004") == (1, 1)
        assert client.get(f"/plans/{day}").json()["version"] == call["plan_version"]
        # The next call of that day goes into the plan now there: no note.
        body = call_body(6, rng, earliest_start=f"{day}T11:00", latest_start=f"{day}T11:15")
        later = client.post("/calls", json=body).json()
        assert later["note"] is None and later["plan_version"] == call["plan_version"] + 1
        # A day the plan already had: no note either.
        assert client.post("/calls", json=call_body(7, rng)).json()["note"] is None
        # Reading or re-planning a day with no plan still says there is none.
        assert client.get("/plans/2031-01-01").status_code == 404
        replan = client.post("/plans/2031-01-01/replan", json={"time_limit_s": 2})
        assert replan.status_code == 404 and "no plan for 2031-01-01" in replan.text
        assert client.get("/plans/2031-01-01").status_code == 404


@pytest.fixture(params=KINDS)
def server_without_volunteers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    """A server over a community with requests but no volunteers, and no plan."""
    with fresh_database(request.param, tmp_path) as database:
        fill(database, volunteers=sample_table("volunteers").iloc[:0])
        with running_server(database, tmp_path) as server:
            yield server


def test_a_call_for_an_unplanned_day_without_volunteers_is_stored_unserved_with_its_reason(
    server_without_volunteers: Server,
) -> None:
    rng = np.random.default_rng(15)
    with server_without_volunteers.client() as client:
        answer = client.post("/calls", json=call_body(8, rng))
        assert answer.status_code == 200, answer.text
        call = answer.json()
        plan = client.get(f"/plans/{PLAN_DATE}").json()
    assert call["served"] is False and call["crew"] == []
    assert call["note"] is not None and f"no plan for {PLAN_DATE} existed" in call["note"]
    row = next(u for u in plan["unassigned"] if u["request_id"] == "CALL008")
    assert call["reason"] == row["reason"] == Reason.NO_SKILLED_VOLUNTEER
    assert call["detail"] == row["detail"]
    assert stored_copies(server_without_volunteers.database, "CALL008") == (1, 1)


def stored_walks(server: Server) -> dict[tuple[str, str], float]:
    """Each stored assignment's walk, as the database keeps it (unrounded)."""
    engine = sa.create_engine(server.database)
    head = plan_versions.head(engine, DAY)
    assert head is not None
    done, _ = db.run_frames(engine, head.run_id)
    engine.dispose()
    return {(r.request_id, r.volunteer_id): float(r.walk_minutes) for r in done.itertuples()}


def test_walks_are_answered_to_a_hundredth_of_a_minute(planned_server: Server) -> None:
    rng = np.random.default_rng(13)  # a call someone can serve
    exact = stored_walks(planned_server)
    assert any(w != round(w, 2) for w in exact.values())  # so rounding shows
    with planned_server.client() as client:
        plan = client.get(f"/plans/{PLAN_DATE}").json()
        call = client.post("/calls", json=call_body(5, rng)).json()
    for a in plan["assignments"]:
        assert a["walk_minutes"] == round(exact[a["request_id"], a["volunteer_id"]], 2)
    assert call["served"]
    exact = stored_walks(planned_server)
    for member in call["crew"]:
        assert member["walk_minutes"] == round(exact["CALL005", member["volunteer_id"]], 2)
