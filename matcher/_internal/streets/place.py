"""A generated community moved onto a real map: every home and request on a walkable way.

The generator lays a community out in metres around its centre (compounds, the service
centre, strays). That layout is carried over to the centre of the map, shrunk if the map is
smaller than the community, and each place is then moved to the nearest point of a walkable
way, so analysts can try scenarios on their own streets.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from matcher._internal.generate import geography
from matcher._internal.streets.network import StreetNetwork
from matcher._internal.streets.osm import read_walkable_ways

MARGIN = 0.9
"""Share of the map's extent the community may fill: places stay off the map's cut edges."""


def place_on_streets(
    volunteers: pd.DataFrame, requests: pd.DataFrame, osm: str | Path
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Copies of the generated frames with `lat`, `lon` moved onto the walkable ways of the
    map `osm` (6 decimals, about 0.1 m). Raises `InputError` naming the file for a map that
    cannot be read or has no walkable way."""
    network = StreetNetwork(read_walkable_ways(Path(osm)))
    west, south, east, north = network.bounds_m()
    frames = [volunteers.copy(), requests.copy()]
    if all(frame.empty for frame in frames):
        return frames[0], frames[1]
    xs, ys = zip(*(geography.to_metres(f["lat"].to_numpy(float), f["lon"].to_numpy(float))
                   for f in frames), strict=True)  # fmt: skip
    all_x, all_y = np.concatenate(xs), np.concatenate(ys)
    half_x = max(float(np.abs(all_x).max()), 1.0)
    half_y = max(float(np.abs(all_y).max()), 1.0)
    scale = min(1.0, MARGIN * (east - west) / 2 / half_x, MARGIN * (north - south) / 2 / half_y)
    centre_x, centre_y = (west + east) / 2, (south + north) / 2
    for frame, x, y in zip(frames, xs, ys, strict=True):
        if frame.empty:
            continue
        lat, lon = network.degrees(centre_x + x * scale, centre_y + y * scale)
        snapped = network.snap(lat, lon)
        frame["lat"] = np.round(snapped.lat, 6)
        frame["lon"] = np.round(snapped.lon, 6)
    return frames[0], frames[1]
