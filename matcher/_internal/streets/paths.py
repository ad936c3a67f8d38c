"""The walked paths of a plan along the streets, for the maps on the team sheets.

A walking-time table says how long each walk takes; a coordinator looking at the day's map
also wants to see which way it goes (out through the west gate, not over the wall). These
are the same shortest walks the table measured, with the streets they follow.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import dijkstra

from matcher._internal.model import Problem, Solution
from matcher._internal.streets.network import StreetNetwork
from matcher._internal.streets.osm import read_walkable_ways
from matcher._internal.streets.table import DEFAULT_MAX_SNAP_M, SEARCH_CELLS, snap_places

Point = tuple[float, float]


def walked_paths(
    osm: str | Path, problem: Problem, solution: Solution, *, max_snap_m: float = DEFAULT_MAX_SNAP_M
) -> dict[tuple[str, str], list[Point]]:
    """For every walk of the plan (a volunteer's home to each of their services, and each
    service to their next one), the (lat, lon) points of the shortest walk along the map's
    ways, from the place itself to the place itself, keyed by (from place, to place)."""
    network = StreetNetwork(read_walkable_ways(Path(osm)))
    ids, _, lat, lon, snapped = snap_places(network, Path(osm), problem, max_snap_m)
    graph, place_node = network.graph_with(snapped)
    index = {place: i for i, place in enumerate(ids)}
    legs: set[tuple[str, str]] = set()
    by_volunteer: dict[str, list[tuple[datetime, str]]] = {}
    for assignment in solution.assignments:
        legs.add((assignment.volunteer_id, assignment.request_id))
        visits = by_volunteer.setdefault(assignment.volunteer_id, [])
        visits.append((assignment.start, assignment.request_id))
    for visits in by_volunteer.values():
        ordered = [rid for _, rid in sorted(visits)]
        legs.update(itertools.pairwise(ordered))
    sources = sorted({index[origin] for origin, _ in legs})
    node_lat = np.concatenate([network.lat, snapped.lat])
    node_lon = np.concatenate([network.lon, snapped.lon])
    paths: dict[tuple[str, str], list[Point]] = {}
    per_block = max(1, SEARCH_CELLS // graph.shape[0])
    for start in range(0, len(sources), per_block):
        block = sources[start : start + per_block]
        _, before = dijkstra(
            graph, directed=False, indices=place_node[block], return_predecessors=True
        )
        row = {source: k for k, source in enumerate(block)}
        for origin, target in legs:
            if index[origin] not in row:
                continue
            steps = before[row[index[origin]]]
            node, trail = int(place_node[index[target]]), []
            while node >= 0:
                trail.append(node)
                node = int(steps[node])
            trail.reverse()
            points = [
                (float(lat[index[origin]]), float(lon[index[origin]])),
                *((float(node_lat[n]), float(node_lon[n])) for n in trail),
                (float(lat[index[target]]), float(lon[index[target]])),
            ]
            paths[(origin, target)] = [  # a place on its way is one point, not two
                p for k, p in enumerate(points) if k == 0 or p != points[k - 1]
            ]
    return paths
