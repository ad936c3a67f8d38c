"""generate_community: deterministic, sized as asked, spread over the days, sane arguments."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from matcher._internal.generate import generate_community
from matcher._internal.generate.requests import REQUEST_COLUMNS
from matcher._internal.generate.volunteers import VOLUNTEER_COLUMNS

DAY = date(2026, 12, 1)


def test_same_seed_same_frames() -> None:
    first = generate_community(300, 400, days=2, seed=11, start=DAY)
    again = generate_community(300, 400, days=2, seed=11, start=DAY)
    pd.testing.assert_frame_equal(first[0], again[0])
    pd.testing.assert_frame_equal(first[1], again[1])


def test_different_seeds_differ() -> None:
    vols_a, reqs_a = generate_community(300, 400, seed=1, start=DAY)
    vols_b, reqs_b = generate_community(300, 400, seed=2, start=DAY)
    assert not vols_a["lat"].equals(vols_b["lat"])
    assert not reqs_a["earliest_start"].equals(reqs_b["earliest_start"])


def test_more_requests_leave_the_volunteers_alone() -> None:
    """Volunteers and requests come from separate streams of the seed."""
    few = generate_community(250, 10, seed=5, start=DAY)[0]
    many = generate_community(250, 900, seed=5, start=DAY)[0]
    pd.testing.assert_frame_equal(few, many)


@pytest.mark.parametrize(("volunteers", "requests"), [(1, 0), (7, 3), (200, 150), (1000, 2500)])
def test_counts_columns_and_ids(volunteers: int, requests: int) -> None:
    vols, reqs = generate_community(volunteers, requests, start=DAY)
    assert list(vols.columns) == VOLUNTEER_COLUMNS
    assert list(reqs.columns) == REQUEST_COLUMNS
    assert len(vols) == volunteers and len(reqs) == requests
    assert vols["volunteer_id"].tolist() == [f"V{i:05d}" for i in range(1, volunteers + 1)]
    assert reqs["request_id"].tolist() == [f"R{i:05d}" for i in range(1, requests + 1)]


def test_requests_are_in_time_order() -> None:
    reqs = generate_community(100, 500, days=3, start=DAY)[1]
    assert reqs["earliest_start"].is_monotonic_increasing


def test_requests_spread_over_the_days() -> None:
    reqs = generate_community(500, 1400, days=7, seed=3, start=DAY)[1]
    days = reqs["earliest_start"].dt.date.value_counts()
    assert sorted(days.index) == [DAY + timedelta(days=d) for d in range(7)]
    assert days.min() > 0.6 * len(reqs) / 7


def test_availability_covers_every_day_of_the_horizon() -> None:
    vols = generate_community(400, 0, days=5, seed=3, start=DAY)[0]
    starts = {text[:10] for cells in vols["availability"] for text in cells}
    assert starts >= {(DAY + timedelta(days=d)).isoformat() for d in range(5)}


def test_start_defaults_to_tomorrow() -> None:
    before = date.today() + timedelta(days=1)
    reqs = generate_community(50, 200, seed=1)[1]
    after = date.today() + timedelta(days=1)  # the test may straddle midnight
    assert reqs["earliest_start"].min().date() in {before, after}


@pytest.mark.parametrize(
    ("volunteers", "requests", "days"), [(-1, 10, 1), (10, -1, 1), (10, 10, 0)]
)
def test_bad_arguments_are_refused(volunteers: int, requests: int, days: int) -> None:
    with pytest.raises(ValueError):
        generate_community(volunteers, requests, days=days, start=DAY)


def test_negative_seed_is_accepted_and_deterministic() -> None:
    a = generate_community(30, 30, seed=-4, start=DAY)[1]
    b = generate_community(30, 30, seed=-4, start=DAY)[1]
    pd.testing.assert_frame_equal(a, b)
