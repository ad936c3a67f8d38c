"""Where people live in the Qinxian community: compounds, the service centre, the boundary.

Positions are worked out in metres east and north of the community centre, where distances
are easy to reason about, and turned into WGS84 degrees only at the end. The layout is fixed
(it is a place, not a random draw); only who lives where is random.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]

CENTRE_LAT = 37.8700
CENTRE_LON = 112.5500
"""Qinxian community, Xiaodian district, Taiyuan, Shanxi."""

M_PER_DEG_LAT = 111_195.0
M_PER_DEG_LON = M_PER_DEG_LAT * math.cos(math.radians(CENTRE_LAT))

HALF_SIDE_M = 450.0
"""The community is roughly a 900 m x 900 m square (0.8 km2) around the centre."""

STRAY_HALF_SIDE_M = 600.0
"""Volunteers who live outside the compounds may live just beyond the boundary too."""

RESIDENTS = 19_000


@dataclass(frozen=True)
class Compound:
    """A residential compound (小区): where it is, its share of residents, how spread out."""

    name: str
    east_m: float
    north_m: float
    share: float
    spread_m: float


COMPOUNDS: tuple[Compound, ...] = (
    Compound("north-west", -280.0, 290.0, 0.16, 85.0),
    Compound("north", 30.0, 310.0, 0.14, 75.0),
    Compound("north-east", 290.0, 270.0, 0.13, 80.0),
    Compound("west", -300.0, -10.0, 0.12, 70.0),
    Compound("east", 280.0, 20.0, 0.12, 70.0),
    Compound("south-west", -260.0, -290.0, 0.12, 90.0),
    Compound("south", 10.0, -300.0, 0.11, 65.0),
    Compound("south-east", 300.0, -270.0, 0.10, 60.0),
)
"""Eight compounds laid out around the service centre; shares sum to one."""

SERVICE_CENTRE_M = (-30.0, -20.0)
"""The community service centre (社区服务中心): events, clinics and classes happen here."""


def to_latlon(east_m: Floats, north_m: Floats) -> tuple[Floats, Floats]:
    """Metres from the centre to WGS84 degrees, rounded to 6 decimals (about 0.1 m)."""
    lat = np.round(CENTRE_LAT + north_m / M_PER_DEG_LAT, 6)
    lon = np.round(CENTRE_LON + east_m / M_PER_DEG_LON, 6)
    return lat, lon


def to_metres(lat: Floats, lon: Floats) -> tuple[Floats, Floats]:
    """WGS84 degrees back to metres east and north of the centre (good to ~1 m here)."""
    return (lon - CENTRE_LON) * M_PER_DEG_LON, (lat - CENTRE_LAT) * M_PER_DEG_LAT


def around_compounds(
    rng: np.random.Generator, n: int, *, stray_share: float, stray_half_side: float
) -> tuple[Floats, Floats]:
    """`n` homes: gaussian clusters around the compounds, a few uniform strays.

    Deviations are clipped at 2.5 sigma so nobody lands far across town; strays are uniform
    over a square of half side `stray_half_side`.
    """
    shares = np.array([c.share for c in COMPOUNDS])
    which = rng.choice(len(COMPOUNDS), size=n, p=shares / shares.sum())
    cx = np.array([c.east_m for c in COMPOUNDS])[which]
    cy = np.array([c.north_m for c in COMPOUNDS])[which]
    spread = np.array([c.spread_m for c in COMPOUNDS])[which]
    dev = np.clip(rng.standard_normal((2, n)), -2.5, 2.5)
    east = cx + dev[0] * spread
    north = cy + dev[1] * spread
    stray = rng.random(n) < stray_share
    east[stray] = rng.uniform(-stray_half_side, stray_half_side, int(stray.sum()))
    north[stray] = rng.uniform(-stray_half_side, stray_half_side, int(stray.sum()))
    return east, north


def near_service_centre(rng: np.random.Generator, n: int, spread_m: float = 15.0) -> Floats:
    """`n` points at the service centre (a little jitter: different rooms and the square)."""
    dev = np.clip(rng.standard_normal((2, n)), -2.0, 2.0) * spread_m
    return np.stack([SERVICE_CENTRE_M[0] + dev[0], SERVICE_CENTRE_M[1] + dev[1]])


def anywhere(rng: np.random.Generator, n: int) -> Floats:
    """`n` points uniform inside the community boundary (patrol routes, notice boards)."""
    return rng.uniform(-HALF_SIDE_M, HALF_SIDE_M, size=(2, n))
