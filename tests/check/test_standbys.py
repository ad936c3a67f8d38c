"""The checker's standby rules, on a hand-made plan with one sound standby and one broken
standby for each rule; and `standbys.csv` read back from a written folder."""

from __future__ import annotations

from datetime import datetime

import pytest
from factories import at, north, problem, request, volunteer

from matcher import write_solution
from matcher._internal.check import check_folder, check_solution
from matcher._internal.check.findings import Rule
from matcher._internal.model import Assignment, Problem, Solution, Standby, Summary

FAR = north(3000)  # 40 minutes' walk: out of the default 15-minute reach


def _day() -> Problem:
    return problem(
        [
            volunteer("CREW", languages=["jin"]),
            volunteer("SOUND", languages=["jin"]),
            volunteer("BUSY", languages=["jin"]),
            volunteer("RUSHED", languages=["jin"]),
            volunteer("LATE", hours="09:30-12:00", languages=["jin"]),
            volunteer("REPAIRER", team="repair", languages=["jin"]),
            volunteer("UNSKILLED", skills=[], languages=["jin"]),
            volunteer("REMOTE", where=FAR, max_walk_minutes=15, languages=["jin"]),
            volunteer("SILENT"),
            volunteer("CAPPED", max_tasks_per_day=1, languages=["jin"]),
            volunteer("BANNED", languages=["jin"]),
            volunteer("TWICE", languages=["jin"]),
        ],
        [
            request("R", window="09:00-09:00", language="jin", excluded_volunteers=["BANNED"]),
            request("OTHER", window="09:30-09:30"),
            request("NEAR", window="10:15-10:15"),
            request("AWAY", window="10:05-10:05", where=north(600)),
            request("CAP", window="11:00-11:00"),
            request("UNSERVED", window="09:00-09:00"),
        ],
    )


def _assignment(rid: str, vid: str, start: str, end: str) -> Assignment:
    return Assignment(
        request_id=rid, volunteer_id=vid, team="care",
        start=datetime.fromisoformat(at(start)), end=datetime.fromisoformat(at(end)),
        walk_minutes=0.0,
    )  # fmt: skip


def _standby(vid: str, rid: str = "R", start: str = "09:00", end: str = "10:00") -> Standby:
    return Standby(
        request_id=rid, volunteer_id=vid,
        start=datetime.fromisoformat(at(start)), end=datetime.fromisoformat(at(end)),
    )  # fmt: skip


def _plan(standbys: list[Standby]) -> Solution:
    p = _day()
    assignments = [
        _assignment("R", "CREW", "09:00", "10:00"),
        _assignment("OTHER", "BUSY", "09:30", "10:30"),
        _assignment("AWAY", "RUSHED", "10:05", "11:05"),
        _assignment("CAP", "CAPPED", "11:00", "12:00"),
    ]
    summary = Summary(
        status="feasible", strategy="optimise", served_weight=16, upper_bound=20, gap=0.2,
        walk_minutes=0.0, requests_total=len(p.requests), requests_served=4,
        requests_unassigned=0, assignments=4, solve_seconds=0.0, seed=0,
        standbys=len(standbys), settings=p.settings.model_dump(mode="json"),
    )  # fmt: skip
    from matcher._internal.model import Reason, Unassigned

    unassigned = [
        Unassigned(request_id=rid, reason=Reason.CAPACITY_TAKEN, detail="taken")
        for rid in ("NEAR", "UNSERVED")
    ]
    return Solution(
        assignments=assignments, unassigned=unassigned, summary=summary, standbys=standbys
    )


def _rules(standbys: list[Standby]) -> dict[str, set[str]]:
    report = check_solution(_day(), _plan(standbys))
    found: dict[str, set[str]] = {}
    for v in report.violations:
        found.setdefault(str(v.volunteer_id), set()).add(str(v.rule))
    return found


def test_a_sound_standby_passes() -> None:
    report = check_solution(_day(), _plan([_standby("SOUND")]))
    assert report.ok, "\n".join(str(v) for v in report.violations)
    assert report.standbys == 1
    assert "1 standbys" in report.headline()


@pytest.mark.parametrize(
    ("standby", "rule"),
    [
        (_standby("CREW"), Rule.STANDBY_CREW),
        (_standby("BUSY"), Rule.STANDBY_FREE),  # own assignment 09:30-10:30 overlaps
        (_standby("RUSHED"), Rule.STANDBY_FREE),  # 5 minutes to walk 600 m to AWAY
        (_standby("LATE"), Rule.STANDBY_AVAILABILITY),
        (_standby("REPAIRER"), Rule.STANDBY_ELIGIBLE),  # team
        (_standby("UNSKILLED"), Rule.STANDBY_ELIGIBLE),  # skills
        (_standby("BANNED"), Rule.STANDBY_ELIGIBLE),  # excluded by the request
        (_standby("SILENT"), Rule.STANDBY_ELIGIBLE),  # language
        (_standby("REMOTE"), Rule.STANDBY_REACH),
        (_standby("CAPPED"), Rule.STANDBY_CAPS),  # one task a day, CAP already taken
        (_standby("TWICE", start="09:10", end="10:10"), Rule.STANDBY_TIME),
        (_standby("SOUND", rid="UNSERVED"), Rule.STANDBY_REFERENCE),
        (_standby("SOUND", rid="NOPE"), Rule.STANDBY_REFERENCE),
        (_standby("NOBODY"), Rule.STANDBY_REFERENCE),
    ],
)
def test_each_broken_standby_is_caught(standby: Standby, rule: Rule) -> None:
    found = _rules([_standby("SOUND"), standby])
    assert set(found) == {standby.volunteer_id}  # the sound one is never blamed
    assert str(rule) in found[standby.volunteer_id]
    if standby.volunteer_id != "CREW":  # on the crew is busy with the request too
        assert found[standby.volunteer_id] == {str(rule)}


def test_two_standbys_of_one_volunteer_must_not_overlap() -> None:
    found = _rules([_standby("TWICE"), _standby("TWICE", rid="OTHER", start="09:30",
                                                 end="10:30")])  # fmt: skip
    assert str(Rule.STANDBY_FREE) in found["TWICE"]
    assert _rules([_standby("TWICE"), _standby("TWICE")])["TWICE"] == {str(Rule.STANDBY_REFERENCE)}


def test_standbys_csv_is_written_and_checked_from_the_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = _day().model_copy(
        update={"settings": _day().settings.model_copy(update={"plan_standbys": True})}
    )
    good = _plan([_standby("SOUND")])
    folder = write_solution(good, tmp_path / "out")
    volunteers, requests = tmp_path / "volunteers.json", tmp_path / "requests.json"
    volunteers.write_text(
        "[" + ",".join(v.model_dump_json() for v in p.volunteers) + "]", encoding="utf-8"
    )
    requests.write_text(
        "[" + ",".join(r.model_dump_json() for r in p.requests) + "]", encoding="utf-8"
    )
    text = (folder / "standbys.csv").read_text(encoding="utf-8")
    assert text.splitlines() == ["request_id,volunteer_id,start,end",
                                 "R,SOUND,2026-12-01T09:00,2026-12-01T10:00"]  # fmt: skip
    assert check_folder(volunteers, requests, folder).ok
    (folder / "standbys.csv").write_text(text.replace("SOUND", "BUSY"), encoding="utf-8")
    report = check_folder(volunteers, requests, folder)
    assert report.by_rule() == {str(Rule.STANDBY_FREE): 1}


def test_without_standbys_planned_no_file_is_written(tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = write_solution(_plan([]), tmp_path / "out")
    assert not (folder / "standbys.csv").exists()
