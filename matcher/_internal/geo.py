"""Walking minutes between points: great-circle distance times a detour factor, at a pace.

Vectorised with numpy so a whole volunteers-by-requests block is one call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (IUGG), metres."""


def great_circle_m(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> NDArray[np.float64]:
    """Haversine distance in metres; inputs broadcast like numpy arrays."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


@dataclass(frozen=True)
class Walking:
    """The contract's default walking model: detour factor 1.3 at 75 metres per minute."""

    speed_m_per_min: float = 75.0
    detour_factor: float = 1.3

    def minutes(
        self, lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
    ) -> NDArray[np.float64]:
        """Walking minutes (fractional) between broadcast point arrays."""
        return great_circle_m(lat1, lon1, lat2, lon2) * (self.detour_factor / self.speed_m_per_min)

    def minutes_between(self, lat1: float, lon1: float, lat2: float, lon2: float) -> float:
        """`minutes` for one pair of points, in plain floats: numpy's per-call overhead is
        25 times the arithmetic here, and schedule building asks this hundreds of thousands
        of times."""
        p1, p2 = math.radians(lat1), math.radians(lat2)
        dp = p2 - p1
        dl = math.radians(lon2) - math.radians(lon1)
        h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        metres = 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, max(0.0, h))))
        return metres * (self.detour_factor / self.speed_m_per_min)

    def matrix(
        self, lat_a: ArrayLike, lon_a: ArrayLike, lat_b: ArrayLike, lon_b: ArrayLike
    ) -> NDArray[np.float64]:
        """All pairs: rows are points A, columns points B."""
        la, oa = np.asarray(lat_a, float)[:, None], np.asarray(lon_a, float)[:, None]
        lb, ob = np.asarray(lat_b, float)[None, :], np.asarray(lon_b, float)[None, :]
        return self.minutes(la, oa, lb, ob)
