"""Recurring requests: a request typed once with an RRULE becomes one ordinary request per
occurrence inside the planning horizon, on every path into a `Problem`."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import InputError, Settings, load_problem
from matcher._internal.model.recurrence import Horizon, occurrence_starts

FIRST_DAY = date(2026, 12, 7)  # a Monday
WEEKS = 4


def four_weeks_of_volunteers(count: int = 3) -> pd.DataFrame:
    """Volunteers available 08:00-18:00 every day of four weeks from FIRST_DAY."""
    days = [FIRST_DAY + timedelta(days=d) for d in range(7 * WEEKS)]
    availability = ";".join(f"{d}T08:00:00/{d}T18:00:00" for d in days)
    return pd.DataFrame(
        {
            "volunteer_id": [f"V{i}" for i in range(count)],
            "team": "care",
            "skills": "elderly_care",
            "lat": 37.87,
            "lon": 112.55,
            "availability": availability,
        }
    )


def visit(rid: str = "R17", rule: str = "FREQ=WEEKLY;BYDAY=TU", **extra: str) -> dict[str, str]:
    return {
        "request_id": rid,
        "kind": "elderly_visit",
        "team": "care",
        "required_skills": "elderly_care",
        "lat": "37.8702",
        "lon": "112.5501",
        "earliest_start": "2026-12-08T09:00:00",
        "latest_start": "2026-12-08T10:30:00",
        "duration_minutes": "60",
        "resident_id": "resident-1",
        "recurrence": rule,
        **extra,
    }


def test_a_weekly_visit_typed_once_covers_the_volunteers_four_weeks() -> None:
    problem = load_problem(four_weeks_of_volunteers(), pd.DataFrame([visit()]))
    ids = [r.request_id for r in problem.requests]
    assert ids == [f"R17@2026-12-{d:02d}" for d in (8, 15, 22, 29)]
    for request in problem.requests:
        day = date.fromisoformat(request.request_id.split("@")[1])
        assert request.earliest_start == datetime.combine(day, datetime.min.time()).replace(hour=9)
        assert request.latest_start - request.earliest_start == timedelta(minutes=90)
        assert request.recurrence is None and request.resident_id == "resident-1"
        assert request.series_id == "R17"


def test_the_horizon_setting_cuts_the_occurrences() -> None:
    chosen = Settings(horizon_start=date(2026, 12, 14), horizon_days=7)
    problem = load_problem(
        four_weeks_of_volunteers(), pd.DataFrame([visit(rule="FREQ=WEEKLY;BYDAY=TU,TH")]),
        settings=chosen,
    )  # fmt: skip
    assert [r.request_id for r in problem.requests] == ["R17@2026-12-15", "R17@2026-12-17"]


def test_one_off_requests_pass_through_untouched() -> None:
    one_off = visit("R1", rule="")
    problem = load_problem(four_weeks_of_volunteers(), pd.DataFrame([one_off, visit()]))
    assert problem.requests[0].request_id == "R1"
    assert len(problem.requests) == 1 + WEEKS


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=HOURLY;COUNT=3", "DAILY, WEEKLY, MONTHLY or YEARLY"),
        ("FREQ=WEEKLY;BYHOUR=9,15", "BYHOUR is not allowed"),
        ("FREQ=WEEKLY;BYDAY=XX", "not a recurrence rule"),
        ("every tuesday", "no FREQ"),
        ("FREQ=WEEKLY;UNTIL=20261231T000000Z", "without a trailing Z"),
        ("DTSTART:20261201T090000\nRRULE:FREQ=DAILY", "one RRULE only"),
    ],
)
def test_a_bad_rule_names_file_row_and_field(tmp_path: Path, rule: str, words: str) -> None:
    requests = tmp_path / "requests.csv"
    pd.DataFrame([visit("R1", rule="FREQ=DAILY"), visit("R2", rule=rule)]).to_csv(
        requests, index=False
    )
    with pytest.raises(InputError) as caught:
        load_problem(four_weeks_of_volunteers(), requests)
    (issue,) = caught.value.issues
    assert (issue.source, issue.row, issue.field) == ("requests.csv", "line 3", "recurrence")
    assert words in issue.message


def test_an_occurrence_may_not_take_a_typed_requests_id() -> None:
    typed = visit("R17@2026-12-15", rule="")
    with pytest.raises(InputError) as caught:
        load_problem(four_weeks_of_volunteers(), pd.DataFrame([visit(), typed]))
    (issue,) = caught.value.issues
    assert issue.field == "recurrence" and "R17@2026-12-15" in issue.message


def test_a_rule_without_occurrences_in_the_horizon_is_a_warning() -> None:
    late = visit(earliest_start="2027-03-02T09:00:00", latest_start="2027-03-02T10:00:00")
    problem = load_problem(four_weeks_of_volunteers(), pd.DataFrame([late]))
    assert problem.requests == ()
    assert any("no occurrence" in w and "R17" in w for w in problem.warnings)


def test_a_walking_row_for_the_recurring_request_holds_for_each_occurrence() -> None:
    walks = pd.DataFrame([{"from_place": "V0", "to_place": "R17", "minutes": "7"}])
    problem = load_problem(four_weeks_of_volunteers(), pd.DataFrame([visit()]), walking=walks)
    assert {w.to_place for w in problem.walking_times} == {r.request_id for r in problem.requests}


WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@st.composite
def rules(draw: st.DrawFn) -> str:
    """RRULEs a coordinator might type: daily to yearly, intervals, weekdays, month days,
    a count or an end date."""
    frequency = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={frequency}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(1, 4))}")
    if frequency in ("WEEKLY", "DAILY") and draw(st.booleans()):
        days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=4, unique=True))
        parts.append("BYDAY=" + ",".join(days))
    if frequency == "MONTHLY" and draw(st.booleans()):
        parts.append(f"BYMONTHDAY={draw(st.sampled_from([1, 15, 28, -1]))}")
    end = draw(st.sampled_from(["", "count", "until"]))
    if end == "count":
        parts.append(f"COUNT={draw(st.integers(1, 20))}")
    elif end == "until":
        until = date(2026, 11, 1) + timedelta(days=draw(st.integers(0, 120)))
        parts.append(f"UNTIL={until:%Y%m%d}")
    return ";".join(parts)


@settings(max_examples=150, deadline=None)
@given(
    rule=rules(),
    offset=st.integers(-40, 40),
    minute=st.integers(0, 23 * 60),
    first=st.integers(0, 60),
    days=st.integers(1, 45),
)
def test_expansion_is_dateutils_occurrences_inside_the_horizon(
    rule: str, offset: int, minute: int, first: int, days: int
) -> None:
    dtstart = datetime(2026, 12, 1) + timedelta(days=offset, minutes=minute)
    horizon = Horizon(date(2026, 11, 15) + timedelta(days=first), days)
    expected = []
    for moment in rrulestr(rule, dtstart=dtstart):
        if moment.date() > horizon.last:
            break
        if moment.date() >= horizon.first:
            expected.append(moment)
    assert occurrence_starts(rule, dtstart, horizon) == expected

    request = visit(
        earliest_start=dtstart.isoformat(),
        latest_start=(dtstart + timedelta(minutes=30)).isoformat(),
        rule=rule,
    )
    chosen = Settings(horizon_start=horizon.first, horizon_days=horizon.days)
    problem = load_problem(four_weeks_of_volunteers(1), pd.DataFrame([request]), settings=chosen)
    ids = [r.request_id for r in problem.requests]
    assert len(ids) == len(set(ids)) == len(expected)
    assert ids == [f"R17@{m.date().isoformat()}" for m in expected]
    assert [r.earliest_start for r in problem.requests] == expected
