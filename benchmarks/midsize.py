"""Mid-sized community days: matcher against one plain CP-SAT model of the whole problem (the
soundness harness's oracle, `tests/soundness/oracle.py`) given the same time.

    .venv/bin/python -m benchmarks.midsize [--budgets 20,150]

Small groups are most of the world's volunteer organisations; there the whole model is a
serious rival to the neighbourhood search. Both schedules are checked by the independent
checker; the oracle's proven bound is reported too. Writes benchmarks/results/midsize-*.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from soundness.harness import oracle_solution  # noqa: E402
from soundness.oracle import solve_exact  # noqa: E402

from matcher import load_problem, solve  # noqa: E402
from matcher._internal.check import check_solution  # noqa: E402
from matcher._internal.generate import generate_community  # noqa: E402

SIZES = [(30, 100), (50, 150), (80, 250), (100, 300)]
RESULTS = Path(__file__).resolve().parent / "results"


def run(volunteers: int, requests: int, budget: float, seed: int) -> dict[str, Any]:
    vols, reqs = generate_community(volunteers, requests, days=1, seed=seed,
                                    start=date(2026, 12, 1))  # fmt: skip
    problem = load_problem(vols, reqs, settings={"time_limit_s": budget, "seed": seed})
    began = time.perf_counter()
    ours = solve(problem)
    ours_seconds = time.perf_counter() - began
    began = time.perf_counter()
    exact = solve_exact(problem, time_limit=budget)
    exact_seconds = time.perf_counter() - began
    return {
        "volunteers": volunteers, "requests": requests, "budget": budget, "seed": seed,
        "matcher": ours.summary.served_weight, "matcher_bound": ours.summary.upper_bound,
        "matcher_status": str(ours.summary.status), "matcher_seconds": round(ours_seconds, 1),
        "matcher_valid": check_solution(problem, ours).ok,
        "whole_model": exact.weight, "whole_model_bound": exact.bound,
        "whole_model_seconds": round(exact_seconds, 1),
        "whole_model_valid": check_solution(problem, oracle_solution(problem, exact)).ok,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", default="20")
    parser.add_argument("--sizes", default=",".join(f"{v}x{r}" for v, r in SIZES))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = []
    for size in args.sizes.split(","):
        v, r = (int(x) for x in size.split("x"))
        for budget in (float(b) for b in args.budgets.split(",")):
            rows.append(run(v, r, budget, args.seed))
            print(json.dumps(rows[-1]), flush=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"midsize-{stamp}.json").write_text(json.dumps(rows, indent=2))
    print("| day | budget | matcher | matcher bound | whole model | its bound | both valid |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for x in rows:
        print(f"| {x['volunteers']} x {x['requests']} | {x['budget']:.0f} s | {x['matcher']} | "
              f"{x['matcher_bound']} | {x['whole_model']} | {x['whole_model_bound']} | "
              f"{x['matcher_valid'] and x['whole_model_valid']} |")  # fmt: skip


if __name__ == "__main__":
    main()
