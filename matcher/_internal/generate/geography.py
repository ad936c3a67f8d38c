"""Where people live in the Qinxian community: compounds, the service centre, the boundary.

Positions are worked out in metres east and north of the community centre, where distances
are easy to reason about, and turned into WGS84 degrees only at the end. The layout is fixed
(it is a place, not a random draw); only who lives where is random.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from matcher._internal.model import places

Floats = npt.NDArray[np.float64]

CENTRE_LAT = places.QINXIAN.lat
CENTRE_LON = places.QINXIAN.lon
"""Qinxian community, Xiaodian district, Taiyuan, Shanxi."""

M_PER_DEG_LAT = places.M_PER_DEG_LAT
M_PER_DEG_LON = places.QINXIAN.m_per_deg_lon

HALF_SIDE_M = 450.0
"""The community is roughly a 900 m x 900 m square (0.8 km2) around the centre."""

STRAY_HALF_SIDE_M = 600.0
"""Volunteers who live outside the compounds may live just beyond the boundary too."""

RESIDENTS = 19_000


COMPOUNDS = places.QINXIAN_COMPOUNDS
"""Eight compounds laid out around the service centre (shared with the reports, which name
places by them); shares sum to one."""

SERVICE_CENTRE_M = (places.SERVICE_CENTRE.east_m, places.SERVICE_CENTRE.north_m)
"""The community service centre (社区服务中心): events, clinics and classes happen here."""
SERVICE_CENTRE_NAME = places.SERVICE_CENTRE.name


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


BUILDING_M = 60.0
"""Blocks of flats stand on a grid of 60 m plots inside a compound, numbered row by row from
its north-west corner: neighbours share a building number, as they do in life."""

FLOORS = 6
"""Most Qinxian blocks are six-storey walk-ups, two flats per landing."""


def home_addresses(east_m: Floats, north_m: Floats) -> list[str | None]:
    """An address like "亲贤北苑 4号楼2单元301" for each home inside a compound, None for a
    home outside all of them.

    Building and unit come from where the home stands, the flat from its position in the
    list, so no random numbers are drawn: adding addresses changed no other generated value.
    """
    out: list[str | None] = []
    for i, (east, north) in enumerate(zip(east_m.tolist(), north_m.tolist(), strict=True)):
        found = places.nearest_place_m(east, north, COMPOUNDS)
        if found is None or found[1] > 0:
            out.append(None)
            continue
        compound = found[0]
        across, down = (
            east - compound.east_m + compound.radius_m,
            compound.radius_m - north + compound.north_m,
        )
        per_row = math.ceil(2 * compound.radius_m / BUILDING_M)
        building = int(down // BUILDING_M) * per_row + int(across // BUILDING_M) + 1
        unit = 1 + int((across % BUILDING_M) // (BUILDING_M / 3))
        floor, flat = 1 + (i * 7) % FLOORS, 1 + i % 2
        out.append(f"{compound.name} {building}号楼{unit}单元{floor}0{flat}")
    return out
