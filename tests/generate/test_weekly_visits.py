"""Generated regular visits: typed once, weekly, their first occurrence at their start."""

from __future__ import annotations

from datetime import date

import pandas as pd

import matcher
from matcher._internal.generate import generate_community, weekly_visits

FIRST_DAY = date(2026, 12, 7)


def test_weekly_visits_cover_four_weeks_from_their_first_start() -> None:
    vols, reqs = generate_community(120, 900, days=28, seed=3, start=FIRST_DAY)
    visits = weekly_visits(reqs, 12, FIRST_DAY, seed=3)
    assert len(visits) == 12 and visits["resident_id"].is_unique
    assert visits["recurrence"].str.contains(",").any()  # some twice a week
    assert visits.equals(weekly_visits(reqs, 12, FIRST_DAY, seed=3))
    settings = matcher.Settings(horizon_start=FIRST_DAY, horizon_days=28)
    problem = matcher.load_problem(vols, visits, settings=settings)
    by_series: dict[str, list[matcher.Request]] = {}
    for request in problem.requests:
        by_series.setdefault(request.series_id or "", []).append(request)
    assert set(by_series) == set(visits["request_id"])
    for rid, occurrences in by_series.items():
        typed = visits.set_index("request_id").loc[rid]
        assert occurrences[0].earliest_start == pd.Timestamp(typed["earliest_start"])
        twice = "," in typed["recurrence"]
        assert len(occurrences) in ((7, 8) if twice else (4,))
        assert all(o.resident_id == typed["resident_id"] for o in occurrences)
