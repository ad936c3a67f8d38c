"""Declines, simulated: what a plan keeps of its urgent work when volunteers say no.

For each day (the tight day of `benchmarks/run.py --suite targets`, and a small
community's day) and each average decline (20% and 35%), every volunteer gets an
acceptance rate (a Beta draw around the average, so rates vary per volunteer), given to
the solver as the `acceptance_rate` column. Two plans are made with the same settings: a
plain one (`plan_standbys` off) and an acceptance-aware one (`plan_standbys` on). Then,
over many draws, every assignment is answered at its volunteer's rate and the same
fallback rules apply to both plans, highest priority first:

1. a declined seat goes to the request's standby, who accepts at their rate;
2. else volunteers free at that time (`solver.stand_ins`: eligible, in reach, available,
   not busy with their own work or a standby's hold, walks included) are asked nearest
   first, each accepting at their rate, at most `ASKS` of them; whoever accepts is busy
   for the rest of the simulated day (so is whoever declined), a simplification that
   counts against both plans alike.

A request is served when every declined seat is filled. The figures: served weight of
requests of priority >= 4 after replacements (mean with a 95% confidence interval over
the draws), and the served weight when nobody declines.

    python -m benchmarks.declines --draws 1000 --time-limit 20

Both plans run in deterministic mode (one thread), so they share the same schedule until
standbys are planned: the difference is the standbys' doing alone.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from matcher import Problem, Settings, Solution, load_problem
from matcher._internal.check import check_solution
from matcher._internal.generate import generate_community
from matcher._internal.solver import solve, stand_ins

ASKS = 5
"""Free volunteers a coordinator asks for one declined seat, at most."""
URGENT = 4
"""The priority from which served weight is counted (the issue's target)."""
RATE_CONCENTRATION = 8.0
"""Beta(a, b) with a + b = this: rates spread about +-0.13 around 0.8."""


@dataclass(frozen=True)
class Day:
    name: str
    volunteers: int
    requests: int
    seed: int


DAYS = [Day("tight-day", 2000, 3000, 1), Day("small-day", 300, 450, 1)]
DECLINES = [0.20, 0.35]


@dataclass(frozen=True)
class Plan:
    """A plan as the simulation reads it: per served request its weight, priority, crew,
    standbys and the free volunteers to ask (ids as indices)."""

    weight: list[int]
    urgent: list[bool]
    crew: list[list[int]]
    standbys: list[list[int]]
    free: list[list[int]]


def as_plan(problem: Problem, solution: Solution) -> Plan:
    v_index = {v.volunteer_id: i for i, v in enumerate(problem.volunteers)}
    requests = {r.request_id: r for r in problem.requests}
    helpers = stand_ins(problem, solution)
    held: dict[str, list[int]] = {}
    for s in solution.standbys:
        held.setdefault(s.request_id, []).append(v_index[s.volunteer_id])
    crews = solution.crews()
    order = sorted(
        crews,
        key=lambda rid: (-problem.settings.request_weight(requests[rid]), crews[rid][0].start),
    )
    return Plan(
        weight=[problem.settings.request_weight(requests[rid]) for rid in order],
        urgent=[requests[rid].priority >= URGENT for rid in order],
        crew=[[v_index[a.volunteer_id] for a in crews[rid]] for rid in order],
        standbys=[held.get(rid, []) for rid in order],
        free=[[v_index[v] for v in helpers[rid]] for rid in order],
    )


def simulate(plan: Plan, rates: np.ndarray, draws: int, seed: int) -> dict[str, np.ndarray]:
    """Served weight (all, and priority >= URGENT) after the fallback, per draw."""
    rng = np.random.default_rng(seed)
    total = np.zeros(draws)
    urgent = np.zeros(draws)
    n = len(rates)
    for d in range(draws):
        busy = np.zeros(n, dtype=bool)
        answers = rng.random(4 * n + 64)  # a pool of uniform draws, refilled when used up
        used = 0

        def accepts(v: int) -> bool:
            nonlocal answers, used
            if used == len(answers):
                answers, used = rng.random(len(answers)), 0
            used += 1
            return bool(answers[used - 1] < rates[v])

        for weight, is_urgent, crew, standbys, free in zip(
            plan.weight, plan.urgent, plan.crew, plan.standbys, plan.free, strict=True
        ):
            missing = 0
            for v in crew:
                if not accepts(v):
                    missing += 1
                    busy[v] = True
            for v in standbys:
                if missing == 0:
                    break
                if not busy[v]:
                    busy[v] = True
                    if accepts(v):
                        missing -= 1
            asked = 0
            for v in free:
                if missing == 0 or asked >= ASKS * max(1, missing):
                    break
                if busy[v]:
                    continue
                asked += 1
                busy[v] = True  # asked: busy whether they accept (they serve) or not
                if accepts(v):
                    missing -= 1
            if missing == 0:
                total[d] += weight
                if is_urgent:
                    urgent[d] += weight
    return {"total": total, "urgent": urgent}


def interval(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    """b - a as a share of mean(a), with a 95% normal interval (independent draws)."""
    diff = float(b.mean() - a.mean())
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    base = float(a.mean())
    return {
        "change": diff / base,
        "low": (diff - 1.96 * se) / base,
        "high": (diff + 1.96 * se) / base,
    }


def mean_ci(x: np.ndarray) -> list[float]:
    half = 1.96 * float(x.std(ddof=1)) / math.sqrt(len(x))
    return [
        round(float(x.mean()), 2),
        round(float(x.mean()) - half, 2),
        round(float(x.mean()) + half, 2),
    ]


def rates_for(n: int, decline: float, seed: int) -> np.ndarray:
    mean = 1.0 - decline
    rng = np.random.default_rng(seed)
    return rng.beta(mean * RATE_CONCENTRATION, (1 - mean) * RATE_CONCENTRATION, n)


_PLAIN: dict[str, tuple[Plan, dict[str, Any]]] = {}
"""The plain plan of each day: it does not read the acceptance rates, so one per day."""


def run_day(
    day: Day, decline: float, *, draws: int, time_limit: float, seed: int, strategy: str
) -> dict[str, Any]:
    vols, reqs = generate_community(day.volunteers, day.requests, days=1, seed=day.seed,
                                    start=date(2026, 12, 1))  # fmt: skip
    rates = rates_for(len(vols), decline, seed)
    vols = vols.assign(acceptance_rate=np.round(rates, 4))
    base = {"time_limit_s": time_limit, "seed": seed, "deterministic": True, "workers": 1}
    out: dict[str, Any] = {"day": day.name, "volunteers": day.volunteers,
                           "requests": day.requests, "mean_decline": decline,
                           "rates_mean": round(float(rates.mean()), 4)}  # fmt: skip
    plans: dict[str, Plan] = {}
    for name, on in (("plain", False), ("aware", True)):
        if name == "plain" and day.name in _PLAIN:
            plans[name], out[name] = _PLAIN[day.name][0], dict(_PLAIN[day.name][1])
            continue
        problem = load_problem(vols, reqs, settings=Settings(**base, plan_standbys=on))
        began = time.perf_counter()
        solution = solve(problem, strategy=strategy)
        seconds = time.perf_counter() - began
        report = check_solution(problem, solution)
        plans[name] = as_plan(problem, solution)
        urgent_planned = sum(
            w for w, u in zip(plans[name].weight, plans[name].urgent, strict=True) if u
        )
        out[name] = {
            "served_weight": solution.summary.served_weight,
            "urgent_weight_planned": urgent_planned,
            "upper_bound": solution.summary.upper_bound,
            "standbys": len(solution.standbys),
            "violations": len(report.violations),
            "solve_seconds": round(seconds, 1),
        }
        if name == "plain":
            _PLAIN[day.name] = (plans[name], dict(out[name]))
    results = {name: simulate(plan, rates, draws, seed + 1) for name, plan in plans.items()}
    for name in plans:
        out[name]["urgent_after_declines"] = mean_ci(results[name]["urgent"])
        out[name]["served_after_declines"] = mean_ci(results[name]["total"])
    out["urgent_gain_after_declines"] = {
        k: round(v, 4)
        for k, v in interval(results["plain"]["urgent"], results["aware"]["urgent"]).items()
    }
    out["served_change_without_declines"] = round(
        out["aware"]["served_weight"] / out["plain"]["served_weight"] - 1, 4
    )
    out["draws"] = draws
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--strategy", default="optimise", help="greedy: a quick look")
    parser.add_argument("--only", choices=[d.name for d in DAYS])
    parser.add_argument("--out", type=Path, help="default: benchmarks/results/declines-<time>.json")
    args = parser.parse_args()
    rows = []
    for day in DAYS:
        if args.only and day.name != args.only:
            continue
        for decline in DECLINES:
            row = run_day(
                day,
                decline,
                draws=args.draws,
                time_limit=args.time_limit,
                seed=args.seed,
                strategy=args.strategy,
            )
            print(json.dumps(row), flush=True)
            rows.append(row)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.out or Path("benchmarks/results") / f"declines-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"draws": args.draws, "time_limit_s": args.time_limit,
                                    "strategy": args.strategy, "when": stamp,
                                    "asks": ASKS, "rows": rows}, indent=2) + "\n")  # fmt: skip


if __name__ == "__main__":
    main()
