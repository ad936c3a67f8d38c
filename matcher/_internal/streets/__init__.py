"""Real streets: walking times along OpenStreetMap footpaths, and places put on them.

`walking_times_from_osm` measures the contract's walking-time table on a map extract;
`place_on_streets` moves a generated community onto a map's walkable ways.
"""

from matcher._internal.streets.paths import walked_paths
from matcher._internal.streets.place import place_on_streets
from matcher._internal.streets.table import (
    DEFAULT_MAX_SNAP_M,
    NotMatchersFile,
    StreetWalks,
    cache_key,
    is_current,
    walking_times_from_osm,
    write_table,
)

__all__ = [
    "DEFAULT_MAX_SNAP_M",
    "NotMatchersFile",
    "StreetWalks",
    "cache_key",
    "is_current",
    "place_on_streets",
    "walked_paths",
    "walking_times_from_osm",
    "write_table",
]
