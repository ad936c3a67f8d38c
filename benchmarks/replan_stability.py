"""Stable re-plans: how much of a published day a re-plan keeps after cancellations, and how
much of the lost weight it wins back (2,000 volunteers, 3,000 requests by default).

    .venv/bin/python -m benchmarks.replan_stability [--seeds 1 2 3] [--time-limit 20]
        [--costs 0 1 2 4] [--keep-untouched]

Plans the tight day once (cached in benchmarks/runs/, so every setting starts from the same
published plan), then per seed cancels a share of the busy volunteers (5% by default, drawn
with that seed) and re-plans the day under each setting. For each run:
- untouched: published assignments whose crew lost nobody (start and crew still valid);
  kept share = those whose start and crew are identical after the re-plan;
- lost weight: what the cancellations unassigned; recovered = (served after - (served
  before - lost)) / lost, the share of it the re-plan serves again, in any form;
- every re-planned schedule is run through the independent checker.
Prints a markdown table of medians over seeds and writes JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.run import RESULTS

RUNS = Path(__file__).resolve().parent / "runs"


def _published(args: argparse.Namespace) -> tuple[Any, Any]:
    """The tight day and its published plan (solved once, then read from the cache)."""
    import matcher
    from matcher._internal.generate import generate_community

    vols, reqs = generate_community(args.volunteers, args.requests, seed=args.community_seed,
                                    start=date(2026, 12, 1))  # fmt: skip
    problem = matcher.load_problem(vols, reqs)
    name = f"plan-{args.volunteers}x{args.requests}-s{args.community_seed}-{args.plan_seconds:g}s"
    cached = RUNS / f"{name}.json"
    if cached.exists():
        return problem, matcher.Solution.model_validate_json(cached.read_text())
    plan = matcher.solve(problem, time_limit=args.plan_seconds, seed=args.community_seed)
    RUNS.mkdir(exist_ok=True)
    cached.write_text(plan.model_dump_json())
    return problem, plan


def _placements(solution: Any) -> dict[str, tuple[datetime, frozenset[str]]]:
    crews: dict[str, set[str]] = {}
    starts: dict[str, datetime] = {}
    for a in solution.assignments:
        crews.setdefault(a.request_id, set()).add(a.volunteer_id)
        starts[a.request_id] = a.start
    return {r: (starts[r], frozenset(c)) for r, c in crews.items()}


def _cancelled(plan: Any, share: float, seed: int) -> set[str]:
    busy = sorted({a.volunteer_id for a in plan.assignments})
    rng = np.random.default_rng(seed)
    return set(rng.choice(busy, size=round(share * len(busy)), replace=False).tolist())


def run_one(
    problem: Any, plan: Any, label: str, overrides: dict[str, Any], seed: int, args: Any
) -> dict[str, Any]:
    """Cancel volunteers (drawn with `seed`), re-plan under `overrides`, measure."""
    import matcher
    from matcher._internal.check import check_solution

    gone = _cancelled(plan, args.cancel, seed)
    today = problem.model_copy(
        update={"volunteers": tuple(v for v in problem.volunteers if v.volunteer_id not in gone)}
    ).with_settings(time_limit_s=args.time_limit, seed=seed, **overrides)
    before = _placements(plan)
    weight = {r.request_id: problem.settings.request_weight(r) for r in problem.requests}
    touched = {r for r, (_, crew) in before.items() if crew & gone}
    untouched = [r for r in before if r not in touched]
    lost = sum(weight[r] for r in touched)
    began = time.perf_counter()
    again = matcher.replan(today, plan)
    seconds = time.perf_counter() - began
    after = _placements(again)
    kept = sum(after.get(r) == before[r] for r in untouched)
    served_before = plan.summary.served_weight
    served_after = again.summary.served_weight
    return {
        "setting": label, "overrides": overrides, "seed": seed, "cancelled": len(gone),
        "untouched": len(untouched), "kept": kept, "kept_share": kept / len(untouched),
        "touched": len(touched), "lost_weight": lost,
        "served_before": served_before, "served_after": served_after,
        "recovered_share": (served_after - (served_before - lost)) / lost if lost else 1.0,
        "served_vs_before": served_after / served_before,
        "touched_served_again": sum(r in after for r in touched),
        "upper_bound": again.summary.upper_bound, "status": str(again.summary.status),
        "changes": len(again.changes), "seconds": round(seconds, 1),
        "violations": len(check_solution(today, again).violations),
    }  # fmt: skip


def _settings(args: argparse.Namespace) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    if args.as_is:
        out.append((args.as_is, {}))
    out += [(f"move cost {c:g}", {"replan_move_cost": c}) for c in args.costs]
    if args.keep_untouched:
        out.append(("keep untouched", {"replan_keep_untouched": True}))
    return out


def summarise(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Medians over seeds per setting."""
    out = []
    for label in dict.fromkeys(r["setting"] for r in rows):
        group = [r for r in rows if r["setting"] == label]
        med = {
            k: statistics.median(r[k] for r in group)
            for k in ("kept_share", "recovered_share", "served_vs_before", "served_after",
                      "lost_weight", "seconds")
        }  # fmt: skip
        moved = statistics.median(r["untouched"] - r["kept"] for r in group)
        out.append({"setting": label, "runs": len(group), **med, "moved_untouched": moved,
                    "violations": max(r["violations"] for r in group)})  # fmt: skip
    return out


def markdown(summary: list[dict[str, Any]]) -> str:
    lines = [
        "| setting | runs | kept share of untouched | untouched moved | weight recovered "
        "(share of lost) | served weight vs before | seconds | violations |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in summary:
        lines.append(
            f"| {r['setting']} | {r['runs']} | {r['kept_share']:.2%} | "
            f"{r['moved_untouched']:.0f} | {r['recovered_share']:.1%} | "
            f"{r['served_vs_before']:.2%} | {r['seconds']:.1f} | {r['violations']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--community-seed", type=int, default=1)
    parser.add_argument("--plan-seconds", type=float, default=60)
    parser.add_argument("--cancel", type=float, default=0.05, help="share of busy volunteers")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--time-limit", type=float, default=20, help="seconds per re-plan")
    parser.add_argument("--costs", type=float, nargs="*", default=[0, 1, 2, 4],
                        help="replan_move_cost values to run")  # fmt: skip
    parser.add_argument("--keep-untouched", action="store_true",
                        help="also run replan_keep_untouched=True")  # fmt: skip
    parser.add_argument("--as-is", metavar="LABEL",
                        help="also run the default settings, labelled LABEL")  # fmt: skip
    args = parser.parse_args()
    problem, plan = _published(args)
    rows = []
    for seed in args.seeds:
        for label, overrides in _settings(args):
            row = run_one(problem, plan, label, overrides, seed, args)
            rows.append(row)
            print(f"{label} seed {seed}: kept {row['kept_share']:.2%}, recovered "
                  f"{row['recovered_share']:.1%}, served {row['served_after']} "
                  f"(before {row['served_before']}, lost {row['lost_weight']}), "
                  f"{row['seconds']} s, {row['violations']} violations", flush=True)  # fmt: skip
    summary = summarise(rows)
    print(markdown(summary))
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    payload = {
        "volunteers": args.volunteers, "requests": args.requests,
        "community_seed": args.community_seed, "plan_seconds": args.plan_seconds,
        "plan_served_weight": plan.summary.served_weight, "cancel": args.cancel,
        "time_limit": args.time_limit, "when": stamp, "summary": summary, "runs": rows,
    }  # fmt: skip
    path = RESULTS / f"replan-stability-{stamp}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
