"""Offers and answers through a real `matcher serve` (uvicorn) on SQLite and PostgreSQL:
accept, decline with its place filled (standby first), impossible answers refused with
nothing recorded, expiry, and calendars that follow each offer."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import icalendar
import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from conftest import Server, running_server
from databases import KINDS, fill, fresh_database, sample_table
from test_http_api import call_body
from typer.testing import CliRunner

from matcher._internal.check.schedule import check_schedule
from matcher._internal.io.store import database as db
from matcher._internal.io.store import offers, plan_versions
from matcher._internal.solver import fill_declined
from matcher.cli import app

pytestmark = pytest.mark.slow  # a server per test and database: about 5-10 s each


def shifted(frame: pd.DataFrame, day: date) -> pd.DataFrame:
    """The sample's rows moved to `day` (the sample plans 2026-12-01)."""
    return frame.map(lambda cell: cell.replace("2026-12-01", day.isoformat()))


@pytest.fixture(params=KINDS)
def day_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Server, date]]:
    """A server over the sample community planned for the day after tomorrow (local time),
    so its offers can still expire."""
    day = datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=2)
    with fresh_database(request.param, tmp_path) as database:
        fill(database, shifted(sample_table("volunteers"), day),
             shifted(sample_table("requests"), day))  # fmt: skip
        result = CliRunner().invoke(app, ["solve", "--db", database, "--plan-date",
                                          day.isoformat(), "--strategy", "greedy"])  # fmt: skip
        assert result.exit_code == 0, result.output
        with running_server(database, tmp_path) as server:
            yield server, day


def stored(server: Server, day: date) -> dict[str, Any]:
    """The day as stored: the plan checked by the independent checker (against the day as
    the service sees it: refusals are exclusions), its rows, every offer and the log."""
    engine = sa.create_engine(server.database)
    head = plan_versions.head(engine, day)
    assert head is not None
    settings = plan_versions.run_settings(engine, head.run_id)
    problem = plan_versions.load_plan_problem(engine, day, head.days, settings)
    done, left = db.run_frames(engine, head.run_id)
    with engine.connect() as connection:
        rows = connection.execute(sa.select(offers.offers)).all()
        events = connection.execute(sa.select(sa.func.count()).select_from(offers.offer_events))
        logged = events.scalar_one()
    engine.dispose()
    return {
        "report": check_schedule(problem, done, left), "head": head, "problem": problem,
        "pairs": {(a.request_id, a.volunteer_id): a.start for a in done.itertuples()},
        "offers": {(o.request_id, o.volunteer_id): (o.state, o.sequence) for o in rows},
        "events": logged,
    }  # fmt: skip


def events_of(client: httpx.Client, day: date, volunteer_id: str) -> dict[str, Any]:
    response = client.get(f"/plans/{day}/calendars/{volunteer_id}.ics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def single_crews(plan: dict[str, Any]) -> list[dict[str, Any]]:
    counts = pd.Series([a["request_id"] for a in plan["assignments"]]).value_counts()
    return [a for a in plan["assignments"] if counts[a["request_id"]] == 1]


def test_answers_a_decline_filled_and_calendars_that_follow(
    day_server: tuple[Server, date],
) -> None:
    server, day = day_server
    with server.client() as client:
        plan = client.get(f"/plans/{day}").json()
        first = plan["assignments"][0]
        mine = client.get(f"/volunteers/{first['volunteer_id']}/offers").json()
        rows = [a for a in plan["assignments"] if a["volunteer_id"] == first["volunteer_id"]]
        assert [(o["request_id"], o["state"], o["sequence"]) for o in mine] == [
            (a["request_id"], "offered", 0) for a in sorted(rows, key=lambda a: a["start"])
        ]
        accepted, declined, finished = single_crews(plan)[:3]
        answer = client.post(f"/offers/{accepted['request_id']}/{accepted['volunteer_id']}/accept")
        assert answer.status_code == 200, answer.text
        assert (answer.json()["state"], answer.json()["sequence"]) == ("accepted", 1)

        before = stored(server, day)
        refused = [
            ("post", f"/offers/{accepted['request_id']}/{accepted['volunteer_id']}/accept", 409),
            ("post", f"/offers/NOPE/{accepted['volunteer_id']}/accept", 404),
            ("post", f"/offers/{declined['request_id']}/NOPE/decline", 404),
            ("post", f"/offers/{declined['request_id']}/{declined['volunteer_id']}/done", 409),
            ("post", f"/offers/{declined['request_id']}/{declined['volunteer_id']}/no-show", 409),
            ("get", "/volunteers/NOPE/offers", 404),
        ]  # fmt: skip
        for method, path, expected in refused:
            response = client.request(method.upper(), path)
            assert response.status_code == expected, (path, response.text)
            assert response.json()["detail"], path  # the reason, in words
        after_refusals = stored(server, day)
        for key in ("head", "pairs", "offers", "events"):
            assert after_refusals[key] == before[key], key

        rid, vid = declined["request_id"], declined["volunteer_id"]
        answer = client.post(f"/offers/{rid}/{vid}/decline")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["offer"]["state"] == "declined"
        assert body["filled_by"] in ("standby", "same_time", "replanned", "unserved")
        assert body["plan_version"] == before["head"].version + 1
        crew = {m["volunteer_id"] for m in body["crew"]}
        assert vid not in crew and body["served"] == bool(crew)
        assert {m["volunteer_id"] for m in body["replacement"]} == crew  # a crew of one
        now = stored(server, day)
        assert now["report"].ok, now["report"].violations[:5]
        assert (rid, vid) not in now["pairs"]
        assert now["offers"][(rid, vid)] == ("declined", 1)
        for member in crew:  # the replacement is a new offer
            assert now["offers"][(rid, member)] == ("offered", 0)
        pair = (accepted["request_id"], accepted["volunteer_id"])
        assert now["pairs"][pair] == before["pairs"][pair]  # accepted: never moved
        for moved in body["changes"]:  # whom else it moved: none of them accepted
            assert moved["request_id"] != accepted["request_id"]

        gone = events_of(client, day, vid)[f"{rid}-{vid}@matcher"]
        assert (str(gone["status"]), int(gone["sequence"])) == ("CANCELLED", 1)
        kept = events_of(client, day, accepted["volunteer_id"])[f"{pair[0]}-{pair[1]}@matcher"]
        assert (str(kept["status"]), int(kept["sequence"])) == ("CONFIRMED", 1)
        for member in crew:
            fresh = events_of(client, day, member)[f"{rid}-{member}@matcher"]
            assert (str(fresh["status"]), int(fresh["sequence"])) == ("TENTATIVE", 0)
        team = accepted["team"]
        page = client.get(f"/plans/{day}/sheets/{team}")
        assert page.status_code == 200 and "<small class='offer'>accepted</small>" in page.text
        assert client.get(f"/plans/{day}/sheets/NOPE").status_code == 404

        done_path = f"/offers/{finished['request_id']}/{finished['volunteer_id']}"
        assert client.post(f"{done_path}/accept").status_code == 200

        # A re-plan keeps the accepted offer where it is (a pin), cancelling someone else.
        mine = {pair[1], finished["volunteer_id"]}
        others = [a for a in single_crews(plan) if a["volunteer_id"] not in mine]
        body = {"cancelled_volunteers": [others[-1]["volunteer_id"]], "time_limit_s": 2}
        assert client.post(f"/plans/{day}/replan", json=body).status_code == 200
        replanned = stored(server, day)
        assert replanned["report"].ok and replanned["pairs"][pair] == before["pairs"][pair]
        assert replanned["offers"][pair] == ("accepted", 1)

        # An accepted offer declined later (the volunteer cancels) is filled the same way;
        # done and no-show follow an accepted offer, and are final.
        cancel = client.post(f"/offers/{pair[0]}/{pair[1]}/decline")
        assert cancel.status_code == 200 and cancel.json()["offer"]["state"] == "declined"
        assert client.post(f"{done_path}/done").json()["state"] == "done"
        engine = sa.create_engine(server.database)
        with engine.connect() as connection:  # the hours ledger credits what was done
            credited = connection.execute(sa.text(
                "SELECT state, minutes FROM volunteer_hours WHERE request_id = :r "
                "AND volunteer_id = :v"
            ), {"r": finished["request_id"], "v": finished["volunteer_id"]}).all()  # fmt: skip
        engine.dispose()
        minutes = (datetime.fromisoformat(finished["end"])
                   - datetime.fromisoformat(finished["start"])).seconds // 60  # fmt: skip
        assert [(str(state), int(m)) for state, m in credited] == [("done", minutes)]
        assert client.post(f"{done_path}/decline").status_code == 409
        assert stored(server, day)["report"].ok


def test_a_standby_is_called_first_and_unanswered_offers_expire(
    day_server: tuple[Server, date],
) -> None:
    server, day = day_server
    engine = sa.create_engine(server.database)
    now = stored(server, day)
    problem, head = now["problem"], now["head"]
    solution = plan_versions.load_solution(engine, head.run_id)
    roster = [v.volunteer_id for v in reversed(problem.volunteers)]
    chosen = None
    for crew in solution.crews().values():  # a place a standby can fill, not the nearest
        if len(crew) != 1 or crew[0].start.hour < 10:
            continue
        rid, vid = crew[0].request_id, crew[0].volunteer_id
        nearest = fill_declined(problem, solution, rid, vid)
        held = fill_declined(problem, solution, rid, vid, standbys=roster)
        standby = {a.volunteer_id for a in held.solution.crews()[rid]} if held.filled_by == (
            "standby") else set()  # fmt: skip
        if standby and standby != {a.volunteer_id for a in nearest.solution.crews()[rid]}:
            chosen = (crew[0], standby.pop())
            break
    assert chosen is not None, "the sample day has a place a far standby can fill"
    row, standby = chosen
    with engine.begin() as connection:
        connection.execute(offers.standbys.insert().values(
            run_id=head.run_id, request_id=row.request_id, volunteer_id=standby,
            start=row.start, end=row.end,
        ))  # fmt: skip
    engine.dispose()
    with server.client() as client:
        answer = client.post(f"/offers/{row.request_id}/{row.volunteer_id}/decline").json()
        assert answer["filled_by"] == "standby"
        assert [m["volunteer_id"] for m in answer["replacement"]] == [standby]
        assert stored(server, day)["report"].ok

        plan = client.get(f"/plans/{day}").json()
        early = sorted(plan["assignments"], key=lambda a: a["start"])[0]
        path = f"/offers/{early['request_id']}/{early['volunteer_id']}/accept"
        assert client.post(path).status_code == 200
        at = datetime.combine(day, datetime.min.time()).replace(hour=7)
        deadline = at + timedelta(minutes=120)  # the default offer_expiry_minutes
        expired = client.post(f"/plans/{day}/expire-offers", json={"as_of": at.isoformat()})
        assert expired.status_code == 200, expired.text
        gone = {(e["offer"]["request_id"], e["offer"]["volunteer_id"]) for e in expired.json()}
        assert all(e["offer"]["state"] == "expired" for e in expired.json())
        due = {(a["request_id"], a["volunteer_id"]) for a in plan["assignments"]
               if datetime.fromisoformat(a["start"]) <= deadline}  # fmt: skip
        assert gone == due - {(early["request_id"], early["volunteer_id"])}
        assert gone, "the sample day starts before 09:00"
        after = stored(server, day)
        assert after["report"].ok
        for pair in gone:
            assert after["offers"][pair][0] == "expired" and pair not in after["pairs"]
        later = {(p["request_id"], p["volunteer_id"]) for p in plan["assignments"]} - due
        assert all(after["offers"][pair][0] == "offered" for pair in later & set(after["pairs"]))
        assert client.post("/plans/2020-01-01/expire-offers").status_code == 404


def test_simultaneous_declines_and_calls_all_land_and_stay_valid(
    day_server: tuple[Server, date],
) -> None:
    """Ten declines and ten urgent calls at once: they are dispatched in batches, each
    answered, every decline recorded and the stored plan valid (no double-booking)."""
    server, day = day_server
    with server.client() as client:
        plan = client.get(f"/plans/{day}").json()
    pairs = [(a["request_id"], a["volunteer_id"]) for a in single_crews(plan)[::7][:10]]
    calls = [call_body(k, np.random.default_rng(k)) for k in range(10)]
    calls = [shift_call(c, day) for c in calls]

    def send(item: Any) -> httpx.Response:
        with server.client() as http:
            if isinstance(item, tuple):
                return http.post(f"/offers/{item[0]}/{item[1]}/decline")
            return http.post("/calls", json=item)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(send, [*pairs, *calls]))
    assert [a.status_code for a in answers] == [200] * 20, [a.text for a in answers if a.is_error]
    now = stored(server, day)
    assert now["report"].ok, now["report"].violations[:5]
    for pair, answer in zip(pairs, answers, strict=False):
        assert now["offers"][pair][0] == "declined" and pair not in now["pairs"]
        assert pair[1] not in {m["volunteer_id"] for m in answer.json()["crew"]}
    assert now["head"].version < plan_version(plan) + 20  # batched: fewer versions than answers


def shift_call(body: dict[str, Any], day: date) -> dict[str, Any]:
    return {k: v.replace("2026-12-01", day.isoformat()) if isinstance(v, str) else v
            for k, v in body.items()}  # fmt: skip


def plan_version(plan: dict[str, Any]) -> int:
    return int(plan["version"])
