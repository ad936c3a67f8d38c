"""Naming a point for people: inside a compound, near one, or by its coordinates."""

from __future__ import annotations

import pytest

from matcher._internal.model.places import (
    QINXIAN,
    QINXIAN_COMPOUNDS,
    SERVICE_CENTRE,
    LocalFrame,
    place_text,
)

NORTH = next(c for c in QINXIAN_COMPOUNDS if c.name_en == "north")


def test_the_local_frame_round_trips_to_a_decimetre() -> None:
    frame = LocalFrame(37.87, 112.55)
    lat, lon = frame.degrees(250.0, -120.0)
    east, north = frame.metres(lat, lon)
    assert east == pytest.approx(250.0, abs=0.1) and north == pytest.approx(-120.0, abs=0.1)


def test_a_point_inside_a_compound_is_named_by_it() -> None:
    lat, lon = QINXIAN.degrees(NORTH.east_m + 20, NORTH.north_m - 30)
    assert place_text(lat, lon) == "亲贤北苑"
    assert place_text(SERVICE_CENTRE.lat, SERVICE_CENTRE.lon) == "社区服务中心"


def test_a_point_outside_is_near_the_closest_edge_with_a_direction() -> None:
    lat, lon = QINXIAN.degrees(NORTH.east_m, NORTH.north_m + NORTH.radius_m + 100)
    assert place_text(lat, lon) == "100 m N of 亲贤北苑"


def test_another_area_falls_back_to_coordinates() -> None:
    assert place_text(31.230416, 121.473701) == "31.23042, 121.47370"  # Shanghai
    assert place_text(37.87, 112.55, places=()) == "37.87000, 112.55000"
