"""The HTTP API against a real uvicorn server on 127.0.0.1, over SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import sqlalchemy as sa
from conftest import KEY, PLAN_DATE, Server

from matcher._internal.batch import take_in_late_calls
from matcher._internal.check.schedule import check_schedule
from matcher._internal.io.store import database as db
from matcher._internal.io.store import plan_versions
from matcher._internal.solver import solve

pytestmark = pytest.mark.slow  # a server per test and database: about 5 s each

DAY = date.fromisoformat(PLAN_DATE)


def stored_plan_check(server: Server) -> Any:
    """The stored current plan, checked by the independent checker against the day as the
    service sees it (cancellations and withdrawals applied)."""
    engine = sa.create_engine(server.database)
    head = plan_versions.head(engine, DAY)
    assert head is not None
    settings = plan_versions.run_settings(engine, head.run_id)
    problem = plan_versions.load_plan_problem(engine, DAY, head.days, settings)
    done, left = db.run_frames(engine, head.run_id)
    engine.dispose()
    return check_schedule(problem, done, left), head, done, left


def call_body(k: int, rng: np.random.Generator, **extra: Any) -> dict[str, Any]:
    at = datetime(2026, 12, 1, 8) + timedelta(minutes=int(rng.integers(0, 10 * 60)))
    return {
        "request_id": f"CALL{k:03d}", "kind": "one_click_call", "team": "care",
        "lat": 37.866 + float(rng.uniform(0, 0.008)), "lon": 112.545 + float(rng.uniform(0, 0.01)),
        "priority": 5, "duration_minutes": 30, "earliest_start": at.isoformat(),
        "latest_start": (at + timedelta(minutes=15)).isoformat(), **extra,
    }  # fmt: skip


def test_every_endpoint_but_health_needs_the_key(planned_server: Server) -> None:
    endpoints = [
        ("GET", f"/plans/{PLAN_DATE}"), ("POST", "/calls"), ("POST", "/requests"),
        ("POST", f"/plans/{PLAN_DATE}/solve"), ("POST", f"/plans/{PLAN_DATE}/replan"),
        ("GET", "/jobs/x"), ("DELETE", "/jobs/x"), ("GET", "/explain/R00001"),
        ("GET", "/metrics"), ("GET", "/openapi.json"), ("GET", "/docs"),
    ]  # fmt: skip
    for key in (None, "wrong-key-0123456789"):
        with planned_server.client(key) as client:
            assert client.get("/health").status_code == 200
            for method, path in endpoints:
                response = client.request(method, path, json={})
                assert response.status_code == 401, (method, path)
    with planned_server.client() as client:
        assert client.get("/openapi.json").status_code == 200
        assert client.get(f"/plans/{PLAN_DATE}").status_code == 200
    assert KEY not in planned_server.log.read_text()


def test_twenty_simultaneous_calls_never_double_book(planned_server: Server) -> None:
    rng = np.random.default_rng(7)
    bodies = [call_body(k, rng) for k in range(24)]
    with planned_server.client() as client:
        before = client.get(f"/plans/{PLAN_DATE}").json()

        def send(body: dict[str, Any]) -> httpx.Response:
            return client.post("/calls", json=body)

        with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
            answers = list(pool.map(send, bodies))
        assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
        after = client.get(f"/plans/{PLAN_DATE}").json()
    assert after["run_id"] == before["run_id"]
    # Calls that queue up are dispatched and committed together: one version per batch.
    assert before["version"] < after["version"] <= before["version"] + len(bodies)
    report, _, done, left = stored_plan_check(planned_server)
    assert report.ok, report.violations[:5]
    stored_ids = set(done["request_id"]) | set(left["request_id"])
    for answer in (a.json() for a in answers):
        assert answer["request_id"] in stored_ids
        crew = set(done.loc[done["request_id"] == answer["request_id"], "volunteer_id"])
        assert crew == {m["volunteer_id"] for m in answer["crew"]}  # as the caller was told
    assert sum(a.json()["served"] for a in answers) > 0


def test_bad_input_is_4xx_with_the_field(planned_server: Server) -> None:
    rng = np.random.default_rng(1)
    with planned_server.client() as client:
        bad_json = client.post("/calls", content=b"{not json", headers={
            "content-type": "application/json"})  # fmt: skip
        assert bad_json.status_code == 422
        unknown = client.post("/calls", json=call_body(1, rng, colour="red"))
        assert unknown.status_code == 422
        assert ["body", "colour"] in [e["loc"] for e in unknown.json()["detail"]]
        wrong_type = client.post("/calls", json=call_body(2, rng, duration_minutes="long"))
        assert wrong_type.status_code == 422
        assert ["body", "duration_minutes"] in [e["loc"] for e in wrong_type.json()["detail"]]
        team = client.post("/requests", json=call_body(3, rng, team="astronauts"))
        assert team.status_code == 422 and "astronauts" in team.text
        assert client.get("/plans/2031-01-01").status_code == 404
        assert client.get("/plans/not-a-date").status_code == 422
        assert client.get("/jobs/nope").status_code == 404
        assert client.get("/explain/NOPE").status_code == 404
        replan = client.post("/plans/2031-01-01/replan", json={"cancelled_volunteers": ["V1"]})
        assert replan.status_code == 404
        huge = {"cancelled_volunteers": ["V" * 1000] * 1000}
        assert client.post(f"/plans/{PLAN_DATE}/replan", json=huge).status_code == 413
        first = client.post("/requests", json=call_body(4, rng))
        assert first.status_code == 201
        assert client.post("/requests", json=call_body(4, rng)).status_code == 409


def test_a_replan_drops_a_cancelled_volunteer_and_stays_valid(planned_server: Server) -> None:
    with planned_server.client() as client:
        plan = client.get(f"/plans/{PLAN_DATE}").json()
        busy = sorted({a["volunteer_id"] for a in plan["assignments"]})[:2]
        answer = client.post(f"/plans/{PLAN_DATE}/replan",
                             json={"cancelled_volunteers": busy, "time_limit_s": 3})  # fmt: skip
        assert answer.status_code == 200, answer.text
        assert answer.json()["plan_version"] == plan["version"] + 1
        assert any(c["kind"] in ("moved", "removed") for c in answer.json()["changes"])
        after = client.get(f"/plans/{PLAN_DATE}").json()
        for volunteer in busy:
            mine = client.get(f"/plans/{PLAN_DATE}", params={"volunteer": volunteer}).json()
            assert mine["assignments"] == []
    assert not {a["volunteer_id"] for a in after["assignments"]} & set(busy)
    report, *_ = stored_plan_check(planned_server)
    assert report.ok, report.violations[:5]


def test_a_solve_job_lands_and_a_cancelled_one_keeps_its_best(planned_server: Server) -> None:
    with planned_server.client() as client:
        before = client.get(f"/plans/{PLAN_DATE}").json()
        job = client.post(f"/plans/{PLAN_DATE}/solve", json={"time_limit_s": 120})
        assert job.status_code == 202
        job_id = job.json()["job_id"]
        assert client.post(f"/plans/{PLAN_DATE}/solve").status_code == 409  # one at a time
        time.sleep(2)
        assert client.delete(f"/jobs/{job_id}").status_code == 200
        state = _wait(client, job_id)
        assert state["state"] == "cancelled" and state["elapsed_s"] < 120
        after = client.get(f"/plans/{PLAN_DATE}").json()
        assert after["run_id"] == state["run_id"] != before["run_id"]
        assert after["summary"]["served_weight"] >= before["summary"]["served_weight"]
        metrics = client.get("/metrics").text
        assert "matcher_solve_seconds_count 1.0" in metrics
        assert 'matcher_http_request_seconds_count{method="GET",route="/plans/{plan_date}"' in (
            metrics
        )
    report, *_ = stored_plan_check(planned_server)
    assert report.ok


def _wait(client: httpx.Client, job_id: str) -> dict[str, Any]:
    for _ in range(600):
        state: dict[str, Any] = client.get(f"/jobs/{job_id}").json()
        if state["state"] != "running":
            return state
        time.sleep(0.2)
    raise AssertionError("job did not finish")


def test_a_nightly_plan_landing_later_keeps_the_calls_answered_meanwhile(
    planned_server: Server,
) -> None:
    engine = sa.create_engine(planned_server.database)
    settings = plan_versions.run_settings(engine, plan_versions.head(engine, DAY).run_id)  # type: ignore[union-attr]
    read_at = datetime.now()
    problem = plan_versions.load_plan_problem(engine, DAY, 1, settings)  # the nightly job reads...
    rng = np.random.default_rng(3)
    with planned_server.client() as client:  # ...a call comes in while it solves...
        answer = client.post("/calls", json=call_body(900, rng)).json()
    assert answer["served"]
    nightly = solve(problem.with_settings(time_limit_s=2), strategy="greedy")
    assert "CALL900" not in nightly.served_request_ids()
    problem, nightly = take_in_late_calls(engine, problem, nightly, DAY, 1, read_at)
    db.write_run(engine, nightly, plan_date=DAY, days=1, volunteers=len(problem.volunteers),
                 started_at=read_at)  # fmt: skip
    engine.dispose()
    with planned_server.client() as client:  # ...and lands with the call still served
        plan = client.get(f"/plans/{PLAN_DATE}").json()
        assert plan["version"] == 1
        assert "CALL900" in {a["request_id"] for a in plan["assignments"]}
        assert client.get("/explain/CALL900").json()["served"]
    report, *_ = stored_plan_check(planned_server)
    assert report.ok, report.violations[:5]


def test_stored_requests_enter_the_next_solve(planned_server: Server) -> None:
    rng = np.random.default_rng(5)
    body = call_body(500, rng, priority=3, kind="errand", team="convenience",
                     required_skills=["errands"])  # fmt: skip
    with planned_server.client() as client:
        assert client.post("/requests", json=body).status_code == 201
        job = client.post(f"/plans/{PLAN_DATE}/solve", json={"time_limit_s": 2}).json()
        state = _wait(client, job["job_id"])
        assert state["state"] == "done", state
        plan = client.get(f"/plans/{PLAN_DATE}").json()
    ids = {a["request_id"] for a in plan["assignments"]} | {
        u["request_id"] for u in plan["unassigned"]
    }
    assert "CALL500" in ids
    assert json.dumps(plan)  # the whole plan is plain JSON


def test_in_a_city_a_server_plans_its_own_community(tmp_path: Path) -> None:
    import pandas as pd
    from conftest import plan_day, running_server
    from databases import fill, fresh_database

    from matcher._internal.generate import write_city

    write_city(tmp_path, communities=2, volunteers=60, requests=40, days=1, seed=3, start=DAY)
    vols, reqs = (pd.read_csv(tmp_path / f"{t}.csv", dtype=str, keep_default_na=False)
                  for t in ("volunteers", "requests"))  # fmt: skip
    with fresh_database("sqlite", tmp_path) as database:
        fill(database, vols, reqs)
        plan_day(database)  # each community lands as its own current run
        with running_server(database, tmp_path, "--community", "C02") as server:
            rng = np.random.default_rng(2)
            with server.client() as client:
                got = client.get(f"/plans/{PLAN_DATE}")
                assert got.status_code == 200, got.text
                before = got.json()
                assert {a["volunteer_id"][:3] for a in before["assignments"]} == {"C02"}
                other = client.post("/calls", json=call_body(1, rng, community="C01"))
                assert other.status_code == 422 and "community" in other.text
                mine = call_body(2, rng, community="C02")
                mine["lat"], mine["lon"] = reqs.iloc[-1]["lat"], reqs.iloc[-1]["lon"]
                answer = client.post("/calls", json=mine)
                assert answer.status_code == 200, answer.text
                after = client.get(f"/plans/{PLAN_DATE}").json()
        engine = sa.create_engine(database)
        c1 = plan_versions.head(engine, DAY, "C01")
        assert c1 is not None and c1.version == 1  # the other community's plan is untouched
        engine.dispose()
    assert after["version"] == before["version"] + 1
    assert after["run_id"] == before["run_id"]
