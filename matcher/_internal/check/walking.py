"""The checker's own walking model, apart from `matcher._internal.geo` so a bug there is caught.

Scalar haversine in plain floats: the checker looks at one pair at a time and must not share
code (or numpy rounding) with the solver it audits.
"""

from __future__ import annotations

import math

from matcher._internal.model import Problem, Settings

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (IUGG), metres, as the data contract's walking model uses."""

TOLERANCE_MIN = 1e-6
"""Slack for float rounding when a walk is compared with a time or a limit, in minutes."""


def great_circle_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in metres between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2) - math.radians(lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, max(0.0, h))))


def walk_minutes(lat1: float, lon1: float, lat2: float, lon2: float, settings: Settings) -> float:
    """Walking minutes: great-circle metres times the detour factor, at the walking speed."""
    metres = great_circle_m(lat1, lon1, lat2, lon2)
    return metres * settings.detour_factor / settings.walking_speed_m_per_min


class CheckWalks:
    """The contract's walking minutes between places: the walking-time table's own entry
    where it has one (a row given one way holds both ways), else the great-circle estimate.
    Places are named by volunteer id (home) or request id."""

    def __init__(self, problem: Problem) -> None:
        self.settings = problem.settings
        self.table: dict[tuple[str, str], float] = {}
        for row in problem.walking_times:
            self.table[row.from_place, row.to_place] = row.minutes
        for row in problem.walking_times:
            self.table.setdefault((row.to_place, row.from_place), row.minutes)

    def minutes(
        self, a: str, a_lat: float, a_lon: float, b: str, b_lat: float, b_lon: float
    ) -> float:
        listed = self.table.get((a, b))
        if listed is not None:
            return listed
        return walk_minutes(a_lat, a_lon, b_lat, b_lon, self.settings)
