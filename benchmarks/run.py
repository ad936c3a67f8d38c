"""Benchmark runner: generated instances, the greedy baseline and the optimiser in the same
run, every schedule checked by the independent checker.

    .venv/bin/python -m benchmarks.run --suite targets      # the issue's target instances
    .venv/bin/python -m benchmarks.run --suite scaling      # 250 .. 20,000 volunteers
    .venv/bin/python -m benchmarks.run --suite quick        # a smoke run in about a minute

Each (instance, strategy) runs in its own process so peak memory is that run's alone.
Prints a table and writes JSON to benchmarks/results/. The machine is noisy: use --repeat
and quote medians.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import statistics
import time
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Instance:
    name: str
    volunteers: int
    requests: int
    days: int
    seed: int
    time_limit: float


SUITES: dict[str, list[Instance]] = {
    "quick": [Instance("quick-day", 300, 450, 1, 1, 10)],
    "targets": [
        Instance("day", 2000, 1500, 1, 1, 60),
        Instance("tight-day", 2000, 3000, 1, 1, 60),
        Instance("week", 2000, 10000, 7, 1, 300),
        Instance("district", 10000, 15000, 1, 1, 600),
    ],
    "scaling": [
        Instance(f"scale-{n}", n, n * 3 // 2, 1, 1, 60)
        for n in (250, 500, 1000, 2000, 5000, 10000, 20000)
    ],
}


def run_one(instance: Instance, strategy: str, seed: int) -> dict[str, Any]:
    """Generate, solve and check one instance in this process; report its figures."""
    from matcher import Settings, load_problem
    from matcher._internal.check import check_solution
    from matcher._internal.generate import generate_community
    from matcher._internal.solver import solve

    began = time.perf_counter()
    vols, reqs = generate_community(
        instance.volunteers, instance.requests, days=instance.days, seed=instance.seed,
        start=date(2026, 12, 1),
    )  # fmt: skip
    settings = Settings(time_limit_s=instance.time_limit, seed=seed)
    problem = load_problem(vols, reqs, settings=settings)
    loaded = time.perf_counter() - began
    solution = solve(problem, strategy=strategy)
    report = check_solution(problem, solution)
    s = solution.summary
    return {
        "instance": instance.name,
        "strategy": strategy,
        "seed": seed,
        "volunteers": instance.volunteers,
        "requests": instance.requests,
        "days": instance.days,
        "time_limit": instance.time_limit,
        "served_weight": s.served_weight,
        "upper_bound": s.upper_bound,
        "gap": s.gap,
        "requests_served": s.requests_served,
        "walk_minutes": s.walk_minutes,
        "first_schedule_seconds": s.first_schedule_seconds,
        "solve_seconds": s.solve_seconds,
        "load_seconds": round(loaded, 3),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "violations": len(report.violations),
        "per_team": {k: v.model_dump() for k, v in s.per_team.items()},
        "candidate_pairs": _candidate_pairs(problem) if strategy == "greedy" else None,
    }


def _candidate_pairs(problem: Any) -> int:
    """The (request, volunteer) pairs the rules allow: what time and memory grow with.
    Counted after the solve's figures are taken, so they do not include this."""
    from matcher._internal.solver import prepare

    return prepare(problem).pairs


def _child(instance: Instance, strategy: str, seed: int, queue: Any) -> None:
    queue.put(run_one(instance, strategy, seed))


def run_isolated(instance: Instance, strategy: str, seed: int) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(instance, strategy, seed, queue))
    proc.start()
    result: dict[str, Any] = queue.get()
    proc.join()
    return result


def summarise(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Medians over repeats per (instance, strategy), with the ratio to greedy in the run."""
    keys = sorted(
        {(r["instance"], r["strategy"]) for r in rows},
        key=lambda k: rows.index(next(r for r in rows if (r["instance"], r["strategy"]) == k)),
    )
    out = []
    for name, strategy in keys:
        group = [r for r in rows if r["instance"] == name and r["strategy"] == strategy]
        greedy = [r for r in rows if r["instance"] == name and r["strategy"] == "greedy"]
        med = {
            k: statistics.median(r[k] for r in group)
            for k in ("served_weight", "upper_bound", "gap", "walk_minutes",
                      "first_schedule_seconds", "solve_seconds", "peak_memory_mb")
        }  # fmt: skip
        base = statistics.median(r["served_weight"] for r in greedy) if greedy else None
        out.append({
            "instance": name, "strategy": strategy, "runs": len(group), **med,
            "vs_greedy": med["served_weight"] / base if base else None,
            "bound_vs_greedy": med["upper_bound"] / base if base else None,
            "violations": max(r["violations"] for r in group),
            "candidate_pairs": next(
                (r["candidate_pairs"] for r in greedy if r.get("candidate_pairs")), None
            ),
        })  # fmt: skip
    return out


def print_table(summary: list[dict[str, Any]], console: Console) -> None:
    table = Table(title="matcher benchmarks (medians)")
    for col in (
        "instance",
        "strategy",
        "runs",
        "served",
        "bound",
        "gap",
        "vs greedy",
        "walk min",
        "first s",
        "total s",
        "peak MB",
        "violations",
    ):
        table.add_column(col, justify="left" if col in ("instance", "strategy") else "right")
    for r in summary:
        ratio = f"{r['vs_greedy']:.4f}" if r["vs_greedy"] else "-"
        table.add_row(
            r["instance"], r["strategy"], str(r["runs"]), f"{r['served_weight']:.0f}",
            f"{r['upper_bound']:.0f}", f"{r['gap']:.2%}", ratio, f"{r['walk_minutes']:.0f}",
            f"{r['first_schedule_seconds']:.1f}", f"{r['solve_seconds']:.1f}",
            f"{r['peak_memory_mb']:.0f}", str(r["violations"]),
        )  # fmt: skip
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=sorted(SUITES), default="quick")
    parser.add_argument("--only", nargs="*", help="instance names to run")
    parser.add_argument("--repeat", type=int, default=1, help="runs per instance (seeds 0..)")
    parser.add_argument("--time-limit", type=float, help="override every instance's limit")
    args = parser.parse_args()
    console = Console(width=160)
    instances = [i for i in SUITES[args.suite] if not args.only or i.name in args.only]
    if args.time_limit:
        instances = [Instance(**{**asdict(i), "time_limit": args.time_limit}) for i in instances]
    rows = []
    for instance in instances:
        for seed in range(args.repeat):
            for strategy in ("greedy", "optimise"):
                row = run_isolated(instance, strategy, seed)
                rows.append(row)
                console.print(
                    f"{instance.name} {strategy} seed {seed}: weight {row['served_weight']} "
                    f"bound {row['upper_bound']} gap {row['gap']:.2%} "
                    f"{row['solve_seconds']:.1f} s, {row['violations']} violations",
                    highlight=False,
                )
    summary = summarise(rows)
    print_table(summary, console)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    payload = {"suite": args.suite, "when": stamp, "summary": summary, "runs": rows}
    path = RESULTS / f"{args.suite}-{stamp}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n")
    console.print(f"wrote {path}")


if __name__ == "__main__":
    main()
