"""The checker on a tiny hand-made problem: a valid schedule passes, each broken rule is named."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import pytest

from matcher._internal.check import CheckReport, Rule, Violation, check_schedule, check_solution
from matcher._internal.io import InputError, load_problem
from matcher._internal.model import Assignment, Problem, Reason, Solution, Summary, Unassigned

Record = dict[str, Any]
DAY = "2026-12-01T"


def volunteers() -> list[Record]:
    """v1, v2 care; v3 repair; v4 care but with repair skills (for R1 and R2 cases)."""
    return [
        {
            "volunteer_id": "v1",
            "team": "care",
            "skills": "companionship;first_aid",
            "lat": 30.0,
            "lon": 120.0,
            "availability": f"{DAY}08:00/{DAY}12:00;{DAY}14:00/{DAY}18:00",
            "max_minutes_per_day": 240,
            "max_tasks_per_day": 3,
            "languages": "zh;wu",
        },
        {
            "volunteer_id": "v2",
            "team": "care",
            "skills": "companionship",
            "lat": 30.001,
            "lon": 120.0,
            "availability": f"{DAY}08:00/{DAY}18:00",
            "languages": "zh",
        },
        {
            "volunteer_id": "v3",
            "team": "repair",
            "skills": "plumbing",
            "lat": 30.0,
            "lon": 120.001,
            "availability": f"{DAY}08:00/{DAY}18:00",
        },
        {
            "volunteer_id": "v4",
            "team": "care",
            "skills": "plumbing",
            "lat": 30.0,
            "lon": 120.002,
            "availability": f"{DAY}08:00/{DAY}18:00",
        },
    ]


def requests() -> list[Record]:
    """r1 a crew of two speaking wu; r2 a repair; r3 out of everyone's reach; r4 excludes v2."""
    return [
        {
            "request_id": "r1",
            "kind": "elderly_visit",
            "team": "care",
            "required_skills": "companionship",
            "lat": 30.0005,
            "lon": 120.0,
            "earliest_start": f"{DAY}09:00",
            "latest_start": f"{DAY}09:30",
            "duration_minutes": 60,
            "volunteers_needed": 2,
            "language": "wu",
        },
        {
            "request_id": "r2",
            "kind": "home_repair",
            "team": "repair",
            "required_skills": "plumbing",
            "lat": 30.0,
            "lon": 120.002,
            "earliest_start": f"{DAY}09:00",
            "latest_start": f"{DAY}11:00",
            "duration_minutes": 90,
        },
        {
            "request_id": "r3",
            "kind": "errand",
            "lat": 31.0,
            "lon": 121.0,
            "earliest_start": f"{DAY}09:00",
            "latest_start": f"{DAY}10:00",
            "duration_minutes": 30,
        },
        {
            "request_id": "r4",
            "kind": "elderly_visit",
            "team": "care",
            "lat": 30.002,
            "lon": 120.0,
            "earliest_start": f"{DAY}10:00",
            "latest_start": f"{DAY}11:00",
            "duration_minutes": 45,
            "excluded_volunteers": "v2",
        },
    ]


TEAM = {"v1": "care", "v2": "care", "v3": "repair", "v4": "care"}


def row(request_id: str, volunteer_id: str, start: str, end: str) -> Record:
    return {
        "request_id": request_id,
        "volunteer_id": volunteer_id,
        "team": TEAM.get(volunteer_id, "care"),
        "start": f"{DAY}{start}",
        "end": f"{DAY}{end}",
        "walk_minutes": 1.0,
    }


def valid_assignments() -> list[Record]:
    return [
        row("r1", "v1", "09:00", "10:00"),
        row("r1", "v2", "09:00", "10:00"),
        row("r2", "v3", "09:30", "11:00"),
        row("r4", "v1", "10:30", "11:15"),
    ]


def valid_unassigned() -> list[Record]:
    return [
        {
            "request_id": "r3",
            "reason": "none_within_reach",
            "detail": "No volunteer lives within walking reach of r3.",
        }
    ]


def changed(records: list[Record], key: str, ident: str, **changes: Any) -> list[Record]:
    """The records with one of them (found by `key` == `ident`) updated."""
    return [{**r, **changes} if r[key] == ident else r for r in records]


def run(
    assignments: list[Record] | None = None,
    unassigned: list[Record] | None = None,
    vols: list[Record] | None = None,
    reqs: list[Record] | None = None,
) -> CheckReport:
    problem = load_problem(vols or volunteers(), reqs or requests())
    a = valid_assignments() if assignments is None else assignments
    u = valid_unassigned() if unassigned is None else unassigned
    return check_schedule(
        problem,
        pd.DataFrame(a, columns=["request_id", "volunteer_id", "team", "start", "end"]),
        pd.DataFrame(u, columns=["request_id", "reason", "detail"]),
    )


def rules(report: CheckReport) -> list[str]:
    return [str(v.rule) for v in report.violations]


def only(report: CheckReport, rule: Rule) -> list[Violation]:
    """The violations, after asserting that all of them (at least one) carry `rule`."""
    assert report.violations, "expected a violation"
    assert set(rules(report)) == {rule.value}, [str(v) for v in report.violations]
    return report.violations


def test_valid_schedule_passes() -> None:
    report = run()
    assert report.violations == []
    assert report.ok
    assert (report.assignments, report.served, report.unassigned) == (4, 3, 1)
    assert report.headline() == "OK: 4 assignments, 3 served, 1 unassigned, 0 violations"


def test_times_may_be_datetimes_or_carry_an_offset() -> None:
    assignments = valid_assignments()
    assignments[0] = {**assignments[0], "start": datetime(2026, 12, 1, 9, 0)}
    assignments[1] = {**assignments[1], "start": "2026-12-01T01:00:00+00:00"}  # 09:00 Shanghai
    assert run(assignments).ok


def test_r1_team() -> None:
    assignments = changed(valid_assignments(), "request_id", "r2", volunteer_id="v4", team="care")
    [v] = only(run(assignments), Rule.TEAM)
    assert (v.request_id, v.volunteer_id) == ("r2", "v4")


def test_r2_skills() -> None:
    assignments = valid_assignments()
    assignments[1] = row("r1", "v4", "09:00", "10:00")
    [v] = only(run(assignments), Rule.SKILLS)
    assert (v.request_id, v.volunteer_id) == ("r1", "v4")
    assert "companionship" in v.message


def test_r3_crew_too_small_is_not_served_whole() -> None:
    assignments = [r for r in valid_assignments() if r["volunteer_id"] != "v2"]
    [v] = only(run(assignments), Rule.CREW)
    assert v.request_id == "r1"
    assert "1 distinct" in v.message


def test_r3_crew_too_large() -> None:
    assignments = [*valid_assignments(), row("r2", "v4", "09:30", "11:00")]
    reqs = changed(requests(), "request_id", "r2", team="")
    [v] = only(run(assignments, reqs=reqs), Rule.CREW)
    assert "2 distinct" in v.message


def test_r3_crew_starts_apart() -> None:
    assignments = valid_assignments()
    assignments[1] = row("r1", "v2", "09:10", "10:10")
    [v] = only(run(assignments), Rule.CREW)
    assert "start together" in v.message


def test_r3_start_outside_window() -> None:
    assignments = changed(valid_assignments(), "request_id", "r2", start=f"{DAY}11:30")
    assignments = changed(assignments, "request_id", "r2", end=f"{DAY}13:00")
    [v] = only(run(assignments), Rule.CREW)
    assert "outside the window" in v.message


def test_r3_end_is_not_start_plus_duration() -> None:
    assignments = changed(valid_assignments(), "request_id", "r2", end=f"{DAY}10:30")
    [v] = only(run(assignments), Rule.CREW)
    assert (v.request_id, v.volunteer_id) == ("r2", "v3")
    assert "11:00" in v.message


def test_r3_volunteer_twice_on_one_request() -> None:
    assignments = valid_assignments()
    assignments[1] = row("r1", "v1", "09:00", "10:00")
    found = only(run(assignments), Rule.CREW)
    assert any("listed twice" in v.message for v in found)
    assert any("1 distinct" in v.message for v in found)


def test_r4_outside_availability() -> None:
    vols = changed(
        volunteers(),
        "volunteer_id",
        "v1",
        availability=f"{DAY}08:00/{DAY}10:15;{DAY}14:00/{DAY}18:00",
    )
    [v] = only(run(vols=vols), Rule.AVAILABILITY)
    assert (v.request_id, v.volunteer_id) == ("r4", "v1")


def test_r4_touching_intervals_count_as_one() -> None:
    """The contract joins intervals that touch; a minute's gap between them parts them."""
    touching = changed(
        volunteers(),
        "volunteer_id",
        "v1",
        availability=f"{DAY}08:00/{DAY}10:45;{DAY}10:45/{DAY}12:00",
    )
    assert run(vols=touching).ok
    apart = changed(
        volunteers(),
        "volunteer_id",
        "v1",
        availability=f"{DAY}08:00/{DAY}10:45;{DAY}10:46/{DAY}12:00",
    )
    [v] = only(run(vols=apart), Rule.AVAILABILITY)
    assert v.request_id == "r4"


def test_r5_reach() -> None:
    vols = changed(volunteers(), "volunteer_id", "v2", max_walk_minutes=0)
    [v] = only(run(vols=vols), Rule.REACH)
    assert (v.request_id, v.volunteer_id) == ("r1", "v2")


def test_r6_overlap() -> None:
    reqs = changed(requests(), "request_id", "r4", earliest_start=f"{DAY}09:30")
    assignments = changed(
        valid_assignments(), "request_id", "r4", start=f"{DAY}09:30", end=f"{DAY}10:15"
    )
    [v] = only(run(assignments, reqs=reqs), Rule.OVERLAP)
    assert (v.request_id, v.volunteer_id) == ("r4", "v1")
    assert "r1" in v.message


def test_r6_overlap_reports_every_pair_not_only_neighbours() -> None:
    reqs = [*requests(), {**requests()[3], "request_id": "r5", "excluded_volunteers": ""}]
    reqs = changed(reqs, "request_id", "r5", earliest_start=f"{DAY}09:00")
    assignments = [*valid_assignments(), row("r5", "v3", "09:00", "09:45")]
    assignments = changed(assignments, "request_id", "r4", volunteer_id="v3", team="repair")
    reqs = changed(reqs, "request_id", "r4", team="")
    reqs = changed(reqs, "request_id", "r5", team="")
    # v3: r5 09:00-09:45, r2 09:30-11:00, r4 10:30-11:15 -> r2 overlaps both others
    found = only(run(assignments, reqs=reqs), Rule.OVERLAP)
    assert sorted(v.request_id or "" for v in found) == ["r2", "r4"]


def test_r6_travel_time() -> None:
    assignments = changed(
        valid_assignments(), "request_id", "r4", start=f"{DAY}10:01", end=f"{DAY}10:46"
    )
    [v] = only(run(assignments), Rule.TRAVEL)
    assert (v.request_id, v.volunteer_id) == ("r4", "v1")
    assert "walk" in v.message


def test_r7_minutes_per_day() -> None:
    vols = changed(volunteers(), "volunteer_id", "v1", max_minutes_per_day=100)
    [v] = only(run(vols=vols), Rule.DAY_MINUTES)
    assert v.volunteer_id == "v1"
    assert "105" in v.message


def test_r7_tasks_per_day() -> None:
    vols = changed(volunteers(), "volunteer_id", "v1", max_tasks_per_day=1)
    [v] = only(run(vols=vols), Rule.DAY_TASKS)
    assert v.volunteer_id == "v1"


def test_r8_exclusion() -> None:
    assignments = changed(valid_assignments(), "request_id", "r4", volunteer_id="v2")
    [v] = only(run(assignments), Rule.EXCLUSION)
    assert (v.request_id, v.volunteer_id) == ("r4", "v2")


def test_r8_language() -> None:
    vols = changed(volunteers(), "volunteer_id", "v1", languages="zh")
    [v] = only(run(vols=vols), Rule.LANGUAGE)
    assert (v.request_id, v.volunteer_id) == ("r1", None)


def test_reference_unknown_ids_and_wrong_team_column() -> None:
    assignments = valid_assignments()
    assignments[2] = {**assignments[2], "team": "care"}  # v3 is in repair
    assignments.append(row("r99", "v2", "14:00", "15:00"))
    assignments.append(row("r4", "v99", "10:30", "11:15"))
    unassigned = [
        *valid_unassigned(),
        {"request_id": "r77", "reason": "none_available", "detail": "x"},
    ]
    found = run(assignments, unassigned).violations
    # v99 is not judged by the rules; r4 still has its one crew member v1
    assert {str(v.rule) for v in found} == {Rule.REFERENCE.value}
    messages = " | ".join(v.message for v in found)
    assert "unknown request 'r99'" in messages
    assert "unknown volunteer 'v99'" in messages
    assert "unknown request 'r77'" in messages
    assert "team 'repair'" in messages
    assert len(found) == 4


def test_coverage_missing_both_and_twice() -> None:
    missing = only(run(unassigned=[]), Rule.COVERAGE)
    assert [v.request_id for v in missing] == ["r3"]
    assert "neither" in missing[0].message

    both = [*valid_unassigned(), {"request_id": "r2", "reason": "capacity_taken", "detail": "x"}]
    [v] = only(run(unassigned=both), Rule.COVERAGE)
    assert v.request_id == "r2"
    assert "both" in v.message

    twice = valid_unassigned() * 2
    [v] = only(run(unassigned=twice), Rule.COVERAGE)
    assert "again" in v.message


def test_unassigned_needs_a_known_reason_and_a_detail() -> None:
    empty = [{"request_id": "r3", "reason": "", "detail": ""}]
    assert len(only(run(unassigned=empty), Rule.REASON)) == 2
    unknown = [{"request_id": "r3", "reason": "busy", "detail": "Try tomorrow."}]
    [v] = only(run(unassigned=unknown), Rule.REASON)
    assert "'busy'" in v.message


def test_every_violation_is_listed_not_only_the_first() -> None:
    vols = changed(volunteers(), "volunteer_id", "v1", languages="zh", max_tasks_per_day=1)
    vols = changed(vols, "volunteer_id", "v2", max_walk_minutes=0)
    assignments = changed(valid_assignments(), "request_id", "r2", end=f"{DAY}10:30")
    report = run(assignments, unassigned=[], vols=vols)
    assert set(rules(report)) == {
        Rule.LANGUAGE.value,
        Rule.DAY_TASKS.value,
        Rule.REACH.value,
        Rule.CREW.value,
        Rule.COVERAGE.value,
    }
    assert not report.ok
    assert report.headline().startswith("FAIL: 4 assignments, 3 served, 0 unassigned, 5 violations")


def test_violation_reads_as_one_line() -> None:
    v = Violation("R5 reach", "r1", "v2", "walk from home is 0.96 min")
    assert str(v) == "R5 reach [request r1, volunteer v2]: walk from home is 0.96 min"
    assert str(Violation("coverage", None, None, "x")) == "coverage: x"


def test_malformed_frame_names_row_and_field() -> None:
    assignments = valid_assignments()
    assignments[2] = {**assignments[2], "start": "half past nine"}
    with pytest.raises(InputError) as caught:
        run(assignments)
    [issue] = caught.value.issues
    assert (issue.source, issue.row, issue.field) == ("assignments", "row 2", "start")


def test_check_solution_on_models() -> None:
    problem: Problem = load_problem(volunteers(), requests())
    solution = Solution(
        assignments=[
            Assignment(
                request_id=r["request_id"],
                volunteer_id=r["volunteer_id"],
                team=r["team"],
                start=datetime.fromisoformat(r["start"]),
                end=datetime.fromisoformat(r["end"]),
                walk_minutes=1.0,
            )
            for r in valid_assignments()
        ],
        unassigned=[Unassigned(request_id="r3", reason=Reason.NONE_WITHIN_REACH, detail="far")],
        summary=Summary(
            status="feasible",
            strategy="greedy",  # made by hand; any strategy the summary accepts
            served_weight=12,
            upper_bound=16,
            gap=0.25,
            walk_minutes=4.0,
            requests_total=4,
            requests_served=3,
            requests_unassigned=1,
            assignments=4,
            solve_seconds=0.0,
            seed=0,
        ),
    )
    assert check_solution(problem, solution).ok
