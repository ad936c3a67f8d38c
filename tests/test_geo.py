"""The solver's two walking paths (vectorised and one pair at a time) agree with each other
and with the checker's own formula: a solver that walked shorter than the checker would
publish schedules the checker rejects."""

import math

from hypothesis import given
from hypothesis import strategies as st

from matcher._internal.check.walking import walk_minutes
from matcher._internal.geo import Walking
from matcher._internal.model import Settings

LAT = st.floats(min_value=-80, max_value=80, allow_nan=False)
LON = st.floats(min_value=-180, max_value=180, allow_nan=False)


@given(LAT, LON, LAT, LON)
def test_one_pair_equals_the_vectorised_minutes(
    la1: float, lo1: float, la2: float, lo2: float
) -> None:
    walking = Walking()
    one = walking.minutes_between(la1, lo1, la2, lo2)
    many = float(walking.minutes(la1, lo1, la2, lo2))
    assert math.isclose(one, many, rel_tol=1e-12, abs_tol=1e-9)
    assert math.isclose(
        one, walk_minutes(la1, lo1, la2, lo2, Settings()), rel_tol=1e-12, abs_tol=1e-9
    )


def test_one_pair_follows_the_settings() -> None:
    walking = Walking(speed_m_per_min=50.0, detour_factor=1.5)
    # 0.01 degree of latitude is 1,111.95 m; times 1.5 at 50 m/min.
    assert math.isclose(walking.minutes_between(30.0, 120.0, 30.01, 120.0), 33.3585, rel_tol=1e-4)
