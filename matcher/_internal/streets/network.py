"""The footpath network as a sparse graph, and places snapped onto it.

Only the largest connected piece of the map is kept: a footway mapped on its own in a
courtyard, cut off from every street, would otherwise catch a home and leave it with no walk
to anywhere. Places are snapped to the nearest point of a way (not the nearest node), found
with a k-d tree over points laid along every way, and become nodes of the graph themselves,
so two places on one long way walk straight along it to each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from matcher._internal.geo import great_circle_m
from matcher._internal.model.places import M_PER_DEG_LAT
from matcher._internal.streets.osm import WalkableWays

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

SAMPLE_STEP_M = 5.0
"""Spacing of the points laid along the ways for the nearest-way search: a snap is the exact
nearest point of a way found this way, at most half this step from the true nearest."""

NEAREST_SAMPLES = 8
"""Points looked at per place: the ways they lie on are measured exactly."""

MIN_EDGE_COST = 1e-6
"""A graph edge's smallest cost in metres: a sparse graph cannot hold an edge of zero."""


@dataclass(frozen=True)
class Snapped:
    """Where each place meets the network: on `segment`, a share `along` of the way from its
    start to its end, `distance_m` from the place itself, at (`lat`, `lon`)."""

    segment: Ints
    along: Floats
    distance_m: Floats
    lat: Floats
    lon: Floats


class StreetNetwork:
    """The largest connected piece of a map's walkable ways, ready to snap places onto and
    to search shortest walks on. Costs are metres walked at the normal pace (steps count
    their slowdown)."""

    def __init__(self, ways: WalkableWays) -> None:
        lengths = great_circle_m(
            ways.lat[ways.start], ways.lon[ways.start], ways.lat[ways.end], ways.lon[ways.end]
        )
        n = len(ways.lat)
        adjacency = csr_matrix((np.ones(len(ways.start)), (ways.start, ways.end)), shape=(n, n))
        _, label = connected_components(adjacency, directed=False)
        used = np.unique(np.concatenate([ways.start, ways.end]))
        biggest = np.bincount(label[used]).argmax()
        keep = label[ways.start] == biggest
        self.lat: Floats = ways.lat
        self.lon: Floats = ways.lon
        self.start: Ints = ways.start[keep]
        self.end: Ints = ways.end[keep]
        self.length_m: Floats = lengths[keep]
        self.cost_m: Floats = lengths[keep] * ways.slowdown[keep]
        self.origin_lat = float(np.mean(ways.lat[used]))
        self.origin_lon = float(np.mean(ways.lon[used]))
        self._m_per_deg_lon = M_PER_DEG_LAT * np.cos(np.radians(self.origin_lat))
        self._x, self._y = self.metres(self.lat, self.lon)
        self._tree, self._sample_segment = self._samples()

    @property
    def node_count(self) -> int:
        return len(self.lat)

    def metres(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[Floats, Floats]:
        """Degrees to metres east and north of the network's centre (good to a metre over
        a few kilometres)."""
        east = (np.asarray(lon, float) - self.origin_lon) * self._m_per_deg_lon
        north = (np.asarray(lat, float) - self.origin_lat) * M_PER_DEG_LAT
        return east, north

    def bounds_m(self) -> tuple[float, float, float, float]:
        """West, south, east, north edges of the kept network, in local metres."""
        nodes = np.unique(np.concatenate([self.start, self.end]))
        x, y = self._x[nodes], self._y[nodes]
        return float(x.min()), float(y.min()), float(x.max()), float(y.max())

    def degrees(self, east: Floats, north: Floats) -> tuple[Floats, Floats]:
        """Local metres back to (lat, lon) degrees."""
        return (
            self.origin_lat + np.asarray(north) / M_PER_DEG_LAT,
            self.origin_lon + np.asarray(east) / self._m_per_deg_lon,
        )

    def _samples(self) -> tuple[cKDTree, Ints]:
        """Points every `SAMPLE_STEP_M` along each segment (both ends included), in a k-d
        tree, with the segment each point lies on."""
        counts = np.ceil(self.length_m / SAMPLE_STEP_M).astype(np.int64) + 1
        segment = np.repeat(np.arange(len(self.start)), counts)
        first = np.cumsum(counts) - counts
        share = (np.arange(int(counts.sum())) - first[segment]) / np.maximum(counts[segment] - 1, 1)
        xs, ys = self._x[self.start][segment], self._y[self.start][segment]
        xe, ye = self._x[self.end][segment], self._y[self.end][segment]
        points = np.column_stack([xs + share * (xe - xs), ys + share * (ye - ys)])
        return cKDTree(points), segment

    def snap(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> Snapped:
        """The nearest point of a way for each (lat, lon): the sample points nearest to a
        place name the candidate segments, and the place is projected onto each exactly."""
        px, py = self.metres(lat, lon)
        k = min(NEAREST_SAMPLES, self._tree.n)
        _, nearest = self._tree.query(np.column_stack([px, py]), k=k)
        candidates = self._sample_segment[np.asarray(nearest).reshape(len(px), k)]
        xs, ys = self._x[self.start][candidates], self._y[self.start][candidates]
        dx = self._x[self.end][candidates] - xs
        dy = self._y[self.end][candidates] - ys
        span = dx * dx + dy * dy
        along = np.clip(
            ((px[:, None] - xs) * dx + (py[:, None] - ys) * dy) / np.where(span > 0, span, 1),
            0.0,
            1.0,
        )
        qx, qy = xs + along * dx, ys + along * dy
        distance = np.hypot(px[:, None] - qx, py[:, None] - qy)
        best = np.argmin(distance, axis=1)
        rows = np.arange(len(px))
        snapped_lat, snapped_lon = self.degrees(qx[rows, best], qy[rows, best])
        return Snapped(
            segment=candidates[rows, best],
            along=along[rows, best],
            distance_m=distance[rows, best],
            lat=snapped_lat,
            lon=snapped_lon,
        )

    def graph_with(self, snapped: Snapped) -> tuple[csr_matrix, Ints]:
        """The network with each snapped place as a node of its own (numbered after the map's
        nodes, in the order given), and those nodes' numbers.

        Places on one segment are chained in order along it, so the walk between two of them
        is the stretch of way between them. Parallel ways keep the cheaper edge.
        """
        places = len(snapped.segment)
        place_node = self.node_count + np.arange(places, dtype=np.int64)
        order = np.lexsort((snapped.along, snapped.segment))
        seg = snapped.segment[order]
        along = snapped.along[order]
        node = place_node[order]
        cost = self.cost_m[seg]
        first = np.ones(places, dtype=bool)
        first[1:] = seg[1:] != seg[:-1]
        last = np.ones(places, dtype=bool)
        last[:-1] = seg[1:] != seg[:-1]
        inner = ~last  # from a place to the next one on the same segment
        rows = np.concatenate([
            self.start, self.start[seg[first]], node[last], node[:-1][inner[:-1]],
        ])  # fmt: skip
        cols = np.concatenate([
            self.end, node[first], self.end[seg[last]], node[1:][inner[:-1]],
        ])  # fmt: skip
        costs = np.concatenate([
            self.cost_m,
            along[first] * cost[first],
            (1.0 - along[last]) * cost[last],
            (along[1:] - along[:-1])[inner[:-1]] * cost[:-1][inner[:-1]],
        ])  # fmt: skip
        return _undirected_min(rows, cols, costs, self.node_count + places), place_node


def _undirected_min(rows: Ints, cols: Ints, costs: Floats, size: int) -> csr_matrix:
    """An upper-triangular sparse graph keeping the cheapest of parallel edges (a plain
    sparse build would add them up)."""
    low, high = np.minimum(rows, cols), np.maximum(rows, cols)
    keep = low != high
    low, high, costs = low[keep], high[keep], np.maximum(costs[keep], MIN_EDGE_COST)
    order = np.lexsort((costs, high, low))
    low, high, costs = low[order], high[order], costs[order]
    fresh = np.ones(len(low), dtype=bool)
    fresh[1:] = (low[1:] != low[:-1]) | (high[1:] != high[:-1])
    return csr_matrix((costs[fresh], (low[fresh], high[fresh])), shape=(size, size))
