"""Named places of the Qinxian community (compounds, the service centre) and how to name a point.

People find a door by a name, not by coordinates: a sheet that says "亲贤北苑" is read at a
glance, "37.87279, 112.55034" is not. The generator lays its residents out in these same
compounds, and the reports name a request's place by the nearest of them. A deployment in
another area matches none of them and its sheets fall back to coordinates.

The layout is kept in metres east and north of the community centre, where distances are easy
to reason about; `LocalFrame` turns metres into WGS84 degrees and back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

M_PER_DEG_LAT = 111_195.0
"""Metres per degree of latitude (mean Earth radius): plenty for a neighbourhood."""


@dataclass(frozen=True)
class LocalFrame:
    """An equirectangular projection around a centre: metres east and north of it.

    Good to about a metre over a few kilometres, which is all a neighbourhood map or a
    "120 m NE" needs; no map library required.
    """

    lat: float
    lon: float

    @property
    def m_per_deg_lon(self) -> float:
        return M_PER_DEG_LAT * math.cos(math.radians(self.lat))

    def metres(self, lat: float, lon: float) -> tuple[float, float]:
        """(east, north) metres of a point from the centre."""
        return (lon - self.lon) * self.m_per_deg_lon, (lat - self.lat) * M_PER_DEG_LAT

    def degrees(self, east_m: float, north_m: float) -> tuple[float, float]:
        """(lat, lon) of a point given in metres from the centre, to 6 decimals (~0.1 m)."""
        return (
            round(self.lat + north_m / M_PER_DEG_LAT, 6),
            round(self.lon + east_m / self.m_per_deg_lon, 6),
        )


QINXIAN = LocalFrame(37.8700, 112.5500)
"""Qinxian community (亲贤), Xiaodian district, Taiyuan, Shanxi: its service centre square."""


@dataclass(frozen=True)
class Place:
    """A place people know by name: a residential compound (小区) or a landmark.

    `radius_m` is how far from its middle a point still counts as inside it (the compound's
    walls); `share` and `spread_m` describe who lives there, for the generator.
    """

    name: str
    """What people call it, as it would be written on a sheet (Chinese)."""
    name_en: str
    """What it is in English (for the compounds: which side of the community)."""
    name_pinyin: str
    """Its name in pinyin: what a map shows where no font can draw Chinese, and what the
    name sounds like to someone asking the way."""
    east_m: float
    north_m: float
    radius_m: float
    kind: str = "compound"
    share: float = 0.0
    """Share of the community's residents who live here (compounds only)."""
    spread_m: float = 0.0
    """How spread out the homes are around the middle (one standard deviation, metres)."""

    @property
    def lat(self) -> float:
        return QINXIAN.degrees(self.east_m, self.north_m)[0]

    @property
    def lon(self) -> float:
        return QINXIAN.degrees(self.east_m, self.north_m)[1]


HOMES_WITHIN_SPREADS = 2.5
"""Homes of a compound lie within 2.5 spreads of its middle: that is its radius."""


def _compound(
    name: str, en: str, pinyin: str, east: float, north: float, share: float, spread: float
) -> Place:
    radius = HOMES_WITHIN_SPREADS * spread
    return Place(name, en, pinyin, east, north, radius, "compound", share, spread)


QINXIAN_COMPOUNDS: tuple[Place, ...] = (
    _compound("亲贤西北苑", "north-west", "Qinxian Xibeiyuan", -280.0, 290.0, 0.16, 85.0),
    _compound("亲贤北苑", "north", "Qinxian Beiyuan", 30.0, 310.0, 0.14, 75.0),
    _compound("亲贤东北苑", "north-east", "Qinxian Dongbeiyuan", 290.0, 270.0, 0.13, 80.0),
    _compound("亲贤西苑", "west", "Qinxian Xiyuan", -300.0, -10.0, 0.12, 70.0),
    _compound("亲贤东苑", "east", "Qinxian Dongyuan", 280.0, 20.0, 0.12, 70.0),
    _compound("亲贤西南苑", "south-west", "Qinxian Xinanyuan", -260.0, -290.0, 0.12, 90.0),
    _compound("亲贤南苑", "south", "Qinxian Nanyuan", 10.0, -300.0, 0.11, 65.0),
    _compound("亲贤东南苑", "south-east", "Qinxian Dongnanyuan", 300.0, -270.0, 0.10, 60.0),
)
"""Eight compounds laid out around the service centre; shares sum to one."""

SERVICE_CENTRE = Place("社区服务中心", "community service centre", "Shequ Fuwu Zhongxin",
                       -30.0, -20.0, 40.0, "landmark")  # fmt: skip
"""Events, clinics and classes happen here."""

QINXIAN_PLACES: tuple[Place, ...] = (*QINXIAN_COMPOUNDS, SERVICE_CENTRE)

NEAR_M = 250.0
"""A point this far outside a place's radius is still described as near it; further away
no name helps and the coordinates are given instead."""

_COMPASS = ("E", "NE", "N", "NW", "W", "SW", "S", "SE")


def nearest_place_m(
    east_m: float, north_m: float, places: tuple[Place, ...] = QINXIAN_PLACES
) -> tuple[Place, float] | None:
    """`nearest_place` for a point given in metres from the Qinxian centre."""
    best: tuple[Place, float] | None = None
    for place in places:
        # Signed: negative inside. Compounds' circles overlap a little; a point in two of them
        # belongs to the one it is deeper inside.
        edge = math.hypot(east_m - place.east_m, north_m - place.north_m) - place.radius_m
        if best is None or edge < best[1]:
            best = (place, edge)
    return None if best is None else (best[0], max(0.0, best[1]))


def nearest_place(
    lat: float, lon: float, places: tuple[Place, ...] = QINXIAN_PLACES
) -> tuple[Place, float] | None:
    """The place the point lies in (or whose edge is nearest) and the metres beyond that
    edge (0 when inside); None when there are no places."""
    return nearest_place_m(*QINXIAN.metres(lat, lon), places)


def place_text(lat: float, lon: float, places: tuple[Place, ...] = QINXIAN_PLACES) -> str:
    """A name a walker can use: the place it lies in, "120 m NE of <place>", or the
    coordinates when no known place is close (a deployment in another area)."""
    found = nearest_place(lat, lon, places)
    if found is None or found[1] > NEAR_M:
        return f"{lat:.5f}, {lon:.5f}"
    place, beyond = found
    if beyond == 0.0:
        return place.name
    east, north = QINXIAN.metres(lat, lon)
    angle = math.degrees(math.atan2(north - place.north_m, east - place.east_m)) % 360
    direction = _COMPASS[round(angle / 45) % 8]
    return f"{max(10, round(beyond, -1)):.0f} m {direction} of {place.name}"
