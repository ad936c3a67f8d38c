"""City benchmark: many communities planned in one run on a LocalCluster of worker processes.

    .venv/bin/python -m benchmarks.city                                   # the issue's sizes
    .venv/bin/python -m benchmarks.city --communities 3 --volunteers 100 --requests 80 \\
        --time-limit 20 --district-volunteers 600 --district-requests 900 \\
        --district-time-limit 20                                          # a smoke run

The city: `--communities` generated communities 3 km apart (`matcher generate
--communities`), planned by `plan_city` exactly as `matcher solve --workers N` plans them
(a LocalCluster of N single-threaded worker processes). Measured: wall time (reading and
validating included), the split, peak memory of every worker process and of this one, and
the total served weight against the sum of each community solved alone (one process, one
thread) with the budget its part got in the city run, on the same cluster. Every plan is
checked by the independent checker.

The district: one generated community of `--district-volunteers` x `--district-requests`
(benchmarks/run.py's "district" at 10,000 x 15,000, seed 1), split automatically: how many
parts, and the gap at `--district-time-limit`. `--district-baseline` also solves it whole
as before (`matcher.solve`, all threads) in the same run for comparison.

Prints a table and writes JSON to benchmarks/results/city-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).resolve().parent / "results"
DAY = date(2026, 12, 1)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def solve_alone(problem: Any, seconds: float) -> dict[str, Any]:
    """One community on its own: one process, one thread, `seconds` (runs on a worker)."""
    from matcher._internal.solver import solve

    began = time.perf_counter()
    s = solve(problem.with_settings(time_limit_s=seconds, workers=1)).summary
    return {"served_weight": s.served_weight, "upper_bound": s.upper_bound, "status": s.status,
            "seconds": time.perf_counter() - began, "worker": os.getpid(),
            "peak_mb": _peak_mb()}  # fmt: skip


def run_city(args: argparse.Namespace, console: Console) -> dict[str, Any]:
    from distributed import Client, LocalCluster

    from matcher import Settings
    from matcher._internal.check import check_solution
    from matcher._internal.city import load_city, plan_city
    from matcher._internal.city.execute import PartDone
    from matcher._internal.generate import generate_city

    vols, reqs = generate_city(args.communities, args.volunteers, args.requests,
                               seed=args.seed, start=DAY)  # fmt: skip
    settings = Settings(time_limit_s=args.time_limit, workers=args.workers, seed=args.seed)
    began = time.perf_counter()
    city = load_city(vols, reqs, settings=settings)
    loaded = time.perf_counter() - began
    result = plan_city(city)
    wall = time.perf_counter() - began
    console.print(f"city planned in {wall:.1f} s (load {loaded:.1f} s, split "
                  f"{result.split_seconds:.1f} s)", highlight=False)  # fmt: skip
    done = [p for p in result.parts if isinstance(p, PartDone)]
    per_worker: dict[str, float] = defaultdict(float)
    for part in done:
        per_worker[part.worker] = max(per_worker[part.worker], part.peak_mb)
    budget: dict[str | None, float] = defaultdict(float)
    for part in done:
        budget[part.community] += part.budget
    violations = len(check_solution(result.problem, result.solution).violations)

    alone: dict[str, dict[str, Any]] = {}
    with (
        LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                     dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        futures = {
            c.community: client.submit(solve_alone, c.problem, budget[c.community], pure=False)
            for c in result.communities
            if c.problem is not None and c.solution is not None
        }
        for community, future in futures.items():
            alone[community or ""] = future.result()
    s = result.solution.summary
    alone_weight = sum(a["served_weight"] for a in alone.values())
    return {
        "communities": args.communities, "volunteers": args.volunteers,
        "requests": args.requests, "time_limit": args.time_limit, "workers": args.workers,
        "seed": args.seed, "wall_seconds": round(wall, 1), "load_seconds": round(loaded, 1),
        "split_seconds": round(result.split_seconds, 1), "parts": len(result.parts),
        "not_planned": [c.community for c in result.not_planned],
        "served_weight": s.served_weight, "upper_bound": s.upper_bound, "gap": s.gap,
        "status": s.status, "alone_served_weight": alone_weight,
        "alone_upper_bound": sum(a["upper_bound"] for a in alone.values()),
        "vs_alone": s.served_weight / alone_weight if alone_weight else None,
        "peak_mb_per_worker": {w: round(mb) for w, mb in sorted(per_worker.items())},
        "peak_mb_main": round(_peak_mb()), "violations": violations,
        "per_community": {
            name: {**line.model_dump(mode="json"), "budget": round(budget[name or None], 1),
                   "alone": alone.get(name)}
            for name, line in s.per_community.items()
        },
    }  # fmt: skip


def run_district(args: argparse.Namespace, console: Console) -> dict[str, Any]:
    from matcher import Settings
    from matcher._internal.check import check_solution
    from matcher._internal.city import load_city, plan_city
    from matcher._internal.city.execute import PartDone
    from matcher._internal.generate import generate_community
    from matcher._internal.solver import solve

    vols, reqs = generate_community(args.district_volunteers, args.district_requests, days=1,
                                    seed=1, start=DAY)  # fmt: skip
    settings = Settings(time_limit_s=args.district_time_limit, workers=args.workers, seed=0)
    began = time.perf_counter()
    city = load_city(vols, reqs, settings=settings)
    result = plan_city(city)
    wall = time.perf_counter() - began
    s = result.solution.summary
    console.print(f"district: {len(result.parts)} part(s), gap {s.gap:.2%} in {wall:.0f} s",
                  highlight=False)  # fmt: skip
    row: dict[str, Any] = {
        "volunteers": args.district_volunteers, "requests": args.district_requests,
        "time_limit": args.district_time_limit, "workers": args.workers,
        "parts": len(result.parts),
        "part_requests": [p.solution.summary.requests_total for p in result.parts
                          if isinstance(p, PartDone)],
        "wall_seconds": round(wall, 1), "split_seconds": round(result.split_seconds, 1),
        "served_weight": s.served_weight, "upper_bound": s.upper_bound, "gap": s.gap,
        "status": s.status, "first_schedule_seconds": s.first_schedule_seconds,
        "peak_mb_main": round(_peak_mb()),
        "violations": len(check_solution(result.problem, result.solution).violations),
    }  # fmt: skip
    if args.district_baseline:
        began = time.perf_counter()
        whole = solve(city.problem).summary
        seconds = round(time.perf_counter() - began, 1)
        row["baseline"] = {"served_weight": whole.served_weight,
                           "upper_bound": whole.upper_bound, "gap": whole.gap,
                           "seconds": seconds}  # fmt: skip
    return row


def print_tables(payload: dict[str, Any], console: Console) -> None:
    city = payload.get("city")
    if city:
        table = Table(title=f"city: {city['communities']} x {city['volunteers']} x "
                      f"{city['requests']}, {city['time_limit']:.0f} s, "
                      f"{city['workers']} workers")  # fmt: skip
        for col in ("community", "status", "served", "bound", "gap", "budget s", "alone",
                    "alone bound", "parts", "s"):  # fmt: skip
            table.add_column(col, justify="left" if col in ("community", "status") else "right")
        for name, line in city["per_community"].items():
            alone = line.get("alone") or {}
            table.add_row(
                name, str(line["status"]), str(line["served_weight"]), str(line["upper_bound"]),
                f"{line['gap']:.2%}", f"{line['budget']:.1f}", str(alone.get("served_weight", "-")),
                str(alone.get("upper_bound", "-")), str(line["parts"]),
                f"{line['solve_seconds']:.0f}",
            )  # fmt: skip
        console.print(table)
        workers = ", ".join(f"{mb} MB" for mb in city["peak_mb_per_worker"].values())
        console.print(
            f"city: served {city['served_weight']} of bound {city['upper_bound']} "
            f"(gap {city['gap']:.2%}); communities alone {city['alone_served_weight']}: "
            f"{city['vs_alone']:.4%} of it (target >= 99.5%); wall {city['wall_seconds']} s "
            f"(split {city['split_seconds']} s); peak per worker {workers}, main "
            f"{city['peak_mb_main']} MB; {city['violations']} violations",
            highlight=False,
        )
    district = payload.get("district")
    if district:
        line = (f"district {district['volunteers']} x {district['requests']}: "
                f"{district['parts']} part(s), served {district['served_weight']} of bound "
                f"{district['upper_bound']}, gap {district['gap']:.2%} at "
                f"{district['time_limit']:.0f} s (wall {district['wall_seconds']} s), "
                f"{district['violations']} violations")  # fmt: skip
        if "baseline" in district:
            b = district["baseline"]
            line += f"; solved whole: gap {b['gap']:.2%} in {b['seconds']} s"
        console.print(line, highlight=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=20)
    parser.add_argument("--volunteers", type=int, default=2000, help="per community")
    parser.add_argument("--requests", type=int, default=1500, help="per community")
    parser.add_argument("--time-limit", type=float, default=600, help="the city's, seconds")
    parser.add_argument("--workers", type=int, default=2, help="local worker processes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--district-volunteers", type=int, default=10_000)
    parser.add_argument("--district-requests", type=int, default=15_000)
    parser.add_argument("--district-time-limit", type=float, default=600)
    parser.add_argument("--district-baseline", action="store_true",
                        help="also solve the district whole, as before the split")  # fmt: skip
    parser.add_argument("--only", choices=["city", "district"], help="run just one of the two")
    args = parser.parse_args()
    console = Console(width=160)
    payload: dict[str, Any] = {"when": datetime.now().strftime("%Y%m%d-%H%M%S"),
                               "arguments": vars(args)}  # fmt: skip
    if args.only in (None, "city"):
        payload["city"] = run_city(args, console)
    if args.only in (None, "district"):
        payload["district"] = run_district(args, console)
    print_tables(payload, console)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"city-{payload['when']}.json"
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    console.print(f"wrote {path}")


if __name__ == "__main__":
    main()
