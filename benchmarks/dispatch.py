"""Urgent-dispatch latency on a planned day (2,000 volunteers, 3,000 requests by default).

    .venv/bin/python -m benchmarks.dispatch [--calls 50] [--plan greedy|optimise]

Plans the day once, then answers one-click calls at random places and times, each against
the planned day. Prints median and 95th percentile latency (the first call, which fills the
per-problem cache, is reported apart) and checks a sample of the answers with the checker.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import date, datetime, timedelta

import numpy as np

from benchmarks.run import RESULTS


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--volunteers", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--plan", choices=["greedy", "optimise"], default="optimise")
    parser.add_argument("--plan-seconds", type=float, default=30)
    parser.add_argument("--checked", type=int, default=5, help="answers run through check")
    args = parser.parse_args()

    import matcher
    from matcher._internal.check import check_solution
    from matcher._internal.generate import generate_community

    vols, reqs = generate_community(args.volunteers, args.requests, seed=1,
                                    start=date(2026, 12, 1))  # fmt: skip
    problem = matcher.load_problem(vols, reqs)
    plan = matcher.solve(problem, time_limit=args.plan_seconds, strategy=args.plan)
    rng = np.random.default_rng(0)
    residents = problem.requests
    latencies, served, bumped = [], 0, 0
    checked_ok = 0
    for k in range(args.calls + 1):
        home = residents[int(rng.integers(len(residents)))]
        at = datetime(2026, 12, 1, 7) + timedelta(minutes=int(rng.integers(0, 14 * 60)))
        call = {
            "request_id": f"URGENT{k:03d}", "kind": "one_click_call", "team": "care",
            "required_skills": "elderly_care", "lat": home.lat, "lon": home.lon,
            "earliest_start": at.isoformat(), "latest_start": (at + timedelta(minutes=20))
            .isoformat(), "duration_minutes": 40, "priority": 5,
        }  # fmt: skip
        began = time.perf_counter()
        answer = matcher.dispatch_urgent(problem, plan, call)
        elapsed = time.perf_counter() - began
        if k == 0:
            first = elapsed
            continue
        latencies.append(elapsed)
        served += call["request_id"] in answer.served_request_ids()
        bumped += any(c.kind != "added" for c in answer.changes)
        if k <= args.checked:
            day = problem.model_copy(
                update={"requests": (*problem.requests, matcher.Request.model_validate(call))}
            )
            checked_ok += check_solution(day, answer).ok
    ordered = sorted(latencies)
    result = {
        "volunteers": args.volunteers, "requests": args.requests, "calls": args.calls,
        "plan": args.plan, "first_call_seconds": round(first, 3),
        "median_seconds": round(statistics.median(latencies), 3),
        "p95_seconds": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
        "max_seconds": round(ordered[-1], 3), "served": served, "with_bumping": bumped,
        "checked": args.checked, "checked_valid": checked_ok,
    }  # fmt: skip
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"dispatch-{stamp}.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
