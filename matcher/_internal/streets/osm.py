"""Reading the walkable ways of an OpenStreetMap extract with osmium.

osmium (the Python binding of libosmium) reads both the binary `.osm.pbf` that extract
services hand out and the `.osm` XML a person can write by hand, streams the file once, and
brings node positions along with each way, so no second pass over the nodes is needed.

What counts as walkable follows OpenStreetMap's tagging for pedestrians: footways, paths,
pedestrian and living streets, residential and service roads, steps and crossings, and the
ordinary roads people walk beside (sidewalks are often not mapped as ways of their own).
Motorways and trunk roads are not walkable unless tagged `foot=yes`; ways and gates marked
private or closed to the public are not passable.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from matcher._internal.io.errors import InputError, Issue

WALKABLE_HIGHWAYS = frozenset({
    "footway", "path", "pedestrian", "living_street", "residential", "service", "steps",
    "crossing", "track", "cycleway", "bridleway", "trail", "corridor", "platform", "road",
    "unclassified", "tertiary", "tertiary_link", "secondary", "secondary_link", "primary",
    "primary_link",
})  # fmt: skip
"""`highway` values a person may walk along (with a sidewalk where the road has one)."""

CAR_ONLY_HIGHWAYS = frozenset({"motorway", "motorway_link", "trunk", "trunk_link"})
"""Walkable only when the way says `foot=yes` (or designated, permissive)."""

FOOT_ALLOWED = frozenset({"yes", "designated", "permissive", "destination"})
"""`foot` values that open a way or a gate to pedestrians whatever `access` says."""

CLOSED = frozenset({"no", "private"})
"""`access` or `foot` values that close a way or a gate to the public."""

SOLID_BARRIERS = frozenset({"wall", "fence", "hedge", "retaining_wall", "city_wall"})
"""A way meeting one of these at a node cannot pass it, unless the node opens to feet."""

STEPS_SLOWDOWN = 2.0
"""A flight of steps is walked at half the pace: an elderly-aware planner's figure, close to
the foot profiles of open routing engines."""


@dataclass(frozen=True)
class WalkableWays:
    """The walkable ways of a map as flat arrays, one entry per way segment.

    `node_ids` are OpenStreetMap node ids and `lat`/`lon` their positions; a segment joins
    `start[i]` and `end[i]` (indices into those arrays) and is walked at `slowdown[i]` times
    the normal pace per metre. Nodes that block the way (a private gate) are already left out.
    """

    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    start: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]
    slowdown: npt.NDArray[np.float64]


def _is_walkable(tags: dict[str, str]) -> bool:
    highway = tags.get("highway", "")
    foot = tags.get("foot", "")
    if foot in FOOT_ALLOWED and (highway in WALKABLE_HIGHWAYS or highway in CAR_ONLY_HIGHWAYS):
        return True
    if highway not in WALKABLE_HIGHWAYS:
        return False
    return foot not in CLOSED and foot != "use_sidepath" and tags.get("access", "") not in CLOSED


def _blocks(tags: dict[str, str]) -> bool:
    """Whether a node with a `barrier` tag stops a walker: a gate or entrance that says
    private or no, or a solid wall where a way meets it. Open gates and bollards pass."""
    foot = tags.get("foot", "")
    if foot in FOOT_ALLOWED:
        return False
    if foot in CLOSED or tags.get("access", "") in CLOSED:
        return True
    return tags.get("barrier", "") in SOLID_BARRIERS


def _map_issue(path: Path, message: str) -> InputError:
    return InputError([Issue(path.name, "", "", message)])


def read_walkable_ways(path: Path) -> WalkableWays:
    """Every walkable way segment of the map at `path` (`.osm.pbf` or `.osm` XML).

    Raises `InputError` naming the file when it is missing, unreadable, empty, or has no
    walkable way.
    """
    import osmium

    path = Path(path)
    if not path.is_file():
        raise _map_issue(path, "no such map file (an OpenStreetMap extract, .osm.pbf or .osm)")
    if path.stat().st_size == 0:
        raise _map_issue(path, "the map file is empty")
    blocked: set[int] = set()
    index: dict[int, int] = {}
    lat: list[float] = []
    lon: list[float] = []
    start: list[int] = []
    end: list[int] = []
    slowdown: list[float] = []
    try:
        for obj in osmium.FileProcessor(str(path)).with_locations():
            if isinstance(obj, osmium.osm.Node):
                if "barrier" in obj.tags and _blocks(dict(obj.tags)):
                    blocked.add(obj.id)
                continue
            if not isinstance(obj, osmium.osm.Way):
                continue
            tags = dict(obj.tags)
            if not _is_walkable(tags):
                continue
            pace = STEPS_SLOWDOWN if tags.get("highway") == "steps" else 1.0
            previous = -1
            for ref in obj.nodes:
                if ref.ref in blocked or not ref.location.valid():
                    previous = -1  # the way is cut here: no segment through this node
                    continue
                at = index.get(ref.ref)
                if at is None:
                    at = index[ref.ref] = len(lat)
                    lat.append(ref.location.lat)
                    lon.append(ref.location.lon)
                if previous >= 0 and previous != at:
                    start.append(previous)
                    end.append(at)
                    slowdown.append(pace)
                previous = at
    except RuntimeError as exc:  # libosmium's word for a file it cannot parse
        raise _map_issue(path, f"not a readable OpenStreetMap file ({exc})") from exc
    if not start:
        raise _map_issue(path, "the map has no walkable ways (footways, paths, streets)")
    return WalkableWays(
        lat=np.asarray(lat, dtype=np.float64),
        lon=np.asarray(lon, dtype=np.float64),
        start=np.asarray(start, dtype=np.int64),
        end=np.asarray(end, dtype=np.int64),
        slowdown=np.asarray(slowdown, dtype=np.float64),
    )
