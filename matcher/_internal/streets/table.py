"""The contract's walking-time table from a map: shortest walks along the footpaths.

Which pairs are written, and why that is enough (every pair the plan could use is measured):
- home to request: every pair the network walks within the longest reach, and every pair the
  straight-line estimate puts within it. A pair left out is then out of reach both ways, so
  the estimate it falls back to cannot let a volunteer reach a request the streets do not.
- request to request: the same within twice the longest reach. Two requests one volunteer
  serves are both within reach of that home, so the walk between them is at most twice it.
- only within a community: communities are planned apart, and a row joining two of them is
  an input error of a city run.
Searches are bounded (scipy's Dijkstra with `limit`), from the requests only: walks are the
same both ways, so each request-to-request pair is searched and written once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import dijkstra

from matcher._internal.geo import Walking
from matcher._internal.io.errors import InputError, Issue
from matcher._internal.model import Problem
from matcher._internal.streets.network import Floats, Snapped, StreetNetwork
from matcher._internal.streets.osm import read_walkable_ways

DEFAULT_MAX_SNAP_M = 200.0
"""Farthest a home or a request may lie from a walkable way on the map; beyond it the place is
most likely outside the map (or the map lacks the paths near it)."""

SEARCH_CELLS = 8_000_000
"""Distances one block of searches may return (64 MB): a search returns a row over every
node of the graph, so a map of 100,000 nodes is searched from 80 requests at a time."""

TABLE_FORMAT = 1
"""Bumped whenever the same inputs would give a different table: part of the cache key."""


@dataclass(frozen=True)
class StreetWalks:
    """Walking times measured along a map's footpaths.

    `table` has the contract's columns `from_place, to_place, minutes` (load it with
    `load_problem(..., walking=walks.table)` or write it as CSV); `snaps` has, per place, its
    `kind` (volunteer or request), `place`, `snap_m` (metres from the place to the way it
    was snapped to; walked and counted in every time) and the snapped `lat`, `lon`.
    """

    table: pd.DataFrame
    snaps: pd.DataFrame


def walking_times_from_osm(
    osm: str | Path, problem: Problem, *, max_snap_m: float = DEFAULT_MAX_SNAP_M
) -> StreetWalks:
    """Walking minutes between the problem's homes and requests along the footpaths of the
    OpenStreetMap extract `osm` (`.osm.pbf` or `.osm`), at the problem's walking pace.

    Raises `InputError` naming the map file for a missing, empty or unreadable map, one with
    no walkable way, and every place farther than `max_snap_m` from a walkable way.
    """
    path = Path(osm)
    network = StreetNetwork(read_walkable_ways(path))
    ids, kinds, lat, lon, snapped = snap_places(network, path, problem, max_snap_m)
    communities = [v.community or "" for v in problem.volunteers]
    communities += [r.community or "" for r in problem.requests]
    community = np.unique(np.asarray(communities, dtype=object), return_inverse=True)[1]
    snaps = pd.DataFrame({
        "kind": kinds, "place": ids, "snap_m": np.round(snapped.distance_m, 1),
        "lat": np.round(snapped.lat, 6), "lon": np.round(snapped.lon, 6),
    })  # fmt: skip
    if not problem.requests or not ids:
        return StreetWalks(_empty_table(), snaps)
    reach = max((v.max_walk_minutes for v in problem.volunteers), default=0)
    settings = problem.settings
    pace = settings.walking_speed_m_per_min
    graph, place_node = network.graph_with(snapped)
    estimate = Walking(pace, settings.detour_factor).matrix
    volunteers = len(problem.volunteers)
    request_places = np.arange(volunteers, len(ids))
    frames = []
    per_block = max(1, SEARCH_CELLS // graph.shape[0])
    for chunk in np.array_split(request_places, max(1, -(-len(request_places) // per_block))):
        far = dijkstra(graph, directed=False, indices=place_node[chunk], limit=2 * reach * pace)
        metres = far[:, place_node] + snapped.distance_m[chunk, None] + snapped.distance_m[None, :]
        straight = estimate(lat[chunk], lon[chunk], lat, lon)
        bound = np.where(np.arange(len(ids)) < volunteers, reach, 2 * reach)[None, :]
        later = np.arange(len(ids))[None, :] > chunk[:, None]  # each request pair once
        wanted = (
            ((metres / pace <= bound) | (straight <= bound))
            & ((np.arange(len(ids)) < volunteers)[None, :] | later)
            & (community[chunk][:, None] == community[None, :])  # communities plan apart
        )
        unreached = wanted & ~np.isfinite(metres)
        if unreached.any():  # the estimate says near, the streets say farther than the bound
            rows = np.flatnonzero(unreached.any(axis=1))
            full = dijkstra(graph, directed=False, indices=place_node[chunk[rows]])
            metres[rows] = (
                full[:, place_node]
                + snapped.distance_m[chunk[rows], None]
                + snapped.distance_m[None, :]
            )
        source, target = np.nonzero(wanted)
        minutes = np.ceil(metres[source, target] / pace * 100) / 100  # never rounded shorter
        frames.append((chunk[source].astype(np.int32), target.astype(np.int32), minutes))
    sources, targets, minutes = (np.concatenate(parts) for parts in zip(*frames, strict=True))
    # Ids as categories: ten million rows hold codes, not strings. A volunteer and a request
    # may share an id; the table then names that id once.
    places = pd.Index(ids).unique()
    code = places.get_indexer(pd.Index(ids))
    table = pd.DataFrame({
        "from_place": pd.Categorical.from_codes(code[sources], categories=places),
        "to_place": pd.Categorical.from_codes(code[targets], categories=places),
        "minutes": minutes,
    })  # fmt: skip
    return StreetWalks(table, snaps)


def snap_places(
    network: StreetNetwork, path: Path, problem: Problem, max_snap_m: float
) -> tuple[list[str], list[str], Floats, Floats, Snapped]:
    """Every home, then every request, snapped onto the network: their ids, kinds
    (volunteer or request), positions and snaps. Raises `InputError` naming the map and
    each place farther than `max_snap_m` from a walkable way."""
    kinds = ["volunteer"] * len(problem.volunteers) + ["request"] * len(problem.requests)
    ids = [v.volunteer_id for v in problem.volunteers] + [r.request_id for r in problem.requests]
    lat = np.array([v.lat for v in problem.volunteers] + [r.lat for r in problem.requests])
    lon = np.array([v.lon for v in problem.volunteers] + [r.lon for r in problem.requests])
    snapped = network.snap(lat, lon)
    too_far = [
        Issue(path.name, f"{kind} {place}", "lat/lon",
              f"{metres:,.0f} m from the nearest walkable way on the map (limit "
              f"{max_snap_m:,.0f} m): is the place outside the map?")
        for kind, place, metres in zip(kinds, ids, snapped.distance_m, strict=True)
        if metres > max_snap_m
    ]  # fmt: skip
    if too_far:
        raise InputError(too_far)
    return ids, kinds, lat, lon, snapped


def _empty_table() -> pd.DataFrame:
    columns = {"from_place": object, "to_place": object, "minutes": float}
    return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in columns.items()})


def cache_key(osm: str | Path, problem: Problem, max_snap_m: float = DEFAULT_MAX_SNAP_M) -> str:
    """A digest of everything the table depends on: the map file's bytes, every place's id,
    position and community, the reach, the pace and the snap limit. Same key, same table."""
    digest = hashlib.sha256()
    with Path(osm).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    places = sorted(
        [("v", v.volunteer_id, v.lat, v.lon, v.max_walk_minutes, v.community or "")
         for v in problem.volunteers]
        + [("r", r.request_id, r.lat, r.lon, 0, r.community or "") for r in problem.requests]
    )  # fmt: skip
    settings = problem.settings
    digest.update(
        json.dumps(
            [
                TABLE_FORMAT,
                places,
                settings.walking_speed_m_per_min,
                settings.detour_factor,
                max_snap_m,
            ]
        ).encode()
    )
    return digest.hexdigest()


def stamp_path(out: Path) -> Path:
    """The small file beside a written table that records what it was built from."""
    return out.with_name(out.name + ".matcher.json")


class NotMatchersFile(ValueError):
    """The output path holds a file matcher did not write: it is left alone."""


def is_current(out: Path, key: str) -> bool:
    """Whether `out` is a table matcher wrote from exactly these inputs (nothing moved)."""
    stamp = stamp_path(out)
    if not (out.is_file() and stamp.is_file()):
        return False
    try:
        return bool(json.loads(stamp.read_text(encoding="utf-8")).get("key") == key)
    except (OSError, ValueError, AttributeError):
        return False


def write_table(walks: StreetWalks, out: Path, key: str) -> None:
    """Write the table to `out` (CSV, or Parquet for `.parquet`) and its stamp beside it,
    each through a temporary file, so a reader never sees half a table.

    An existing `out` is replaced only when matcher wrote it (its stamp is there): a table a
    person measured by hand is never overwritten.
    """
    from importlib.metadata import version

    out = Path(out)
    stamp = stamp_path(out)
    if out.exists() and not stamp.is_file():
        raise NotMatchersFile(
            f"{out} exists and was not written by `matcher walking`; choose another --out "
            "or move that file away"
        )
    temporary = out.with_name(f".{out.name}.writing")
    if out.suffix.lower() == ".parquet":
        walks.table.to_parquet(temporary, index=False)
    else:
        _write_csv(walks.table, temporary)
    temporary_stamp = stamp.with_name(f".{stamp.name}.writing")
    temporary_stamp.write_text(
        json.dumps(
            {"written_by": f"matcher {version('matcher')}", "key": key, "rows": len(walks.table)}
        )
        + "\n",
        encoding="utf-8",
    )
    temporary.replace(out)
    temporary_stamp.replace(stamp)


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    """The table as CSV through Arrow's writer: ten million rows in seconds, where pandas
    takes most of a minute. Ids are quoted only where they need it."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    columns = {
        name: pa.array(table[name].astype(str).to_numpy(dtype=object), pa.string())
        if not isinstance(table[name].dtype, pd.CategoricalDtype)
        else pa.DictionaryArray.from_arrays(
            table[name].cat.codes.to_numpy(),
            pa.array(table[name].cat.categories.astype(str).to_numpy(dtype=object)),
        ).cast(pa.string())
        for name in ("from_place", "to_place")
    }
    columns["minutes"] = pa.array(table["minutes"].to_numpy(dtype=float), pa.float64())
    with path.open("wb") as handle:
        handle.write(b"from_place,to_place,minutes\n")
        pa_csv.write_csv(pa.table(columns), handle,
                         pa_csv.WriteOptions(include_header=False))  # fmt: skip
