"""The differential harness at a larger profile than CI's: many more random instances of
every shape the contract allows, each solved exactly (the oracle in tests/soundness) and by
matcher, with the harness's promises checked on every one.

    .venv/bin/python -m benchmarks.soundness --tiny 2000 --community 150

Unlike the CI tests it goes on past a failure: it counts them, keeps each failing instance as
JSON, and prints how many examples and shapes it tried and how long it took.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from soundness.harness import run_instance  # noqa: E402
from soundness.shapes import COMMUNITY, TINY, Size, describe, problems  # noqa: E402

from matcher import Problem  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def run_size(name: str, size: Size, examples: int, seed: int, failures_dir: Path) -> dict[str, Any]:
    shapes: Counter[str] = Counter()
    failures: list[dict[str, str]] = []
    statuses: Counter[str] = Counter()
    proven = 0
    seconds: list[float] = []

    @settings(
        max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @hypothesis_seed(seed)
    @given(problems(size))
    def one(problem: Problem) -> None:
        nonlocal proven
        shapes.update({k: 1 for k in describe(problem)})
        began = time.perf_counter()
        try:
            exact, solution = run_instance(problem)
        except Exception as exc:
            path = failures_dir / f"{name}-{len(failures)}.json"
            path.write_text(problem.model_dump_json())
            failures.append({"error": f"{type(exc).__name__}: {exc}"[:500], "instance": path.name})
            return
        seconds.append(time.perf_counter() - began)
        statuses[str(solution.summary.status)] += 1
        proven += exact.proven

    began = time.perf_counter()
    one()
    return {
        "size": name,
        "limits": vars(size),
        "examples": sum(statuses.values()) + len(failures),
        "failures": failures,
        "statuses": dict(statuses),
        "oracle_proved_optimum": proven,
        "shapes": dict(sorted(shapes.items())),
        "seconds_total": round(time.perf_counter() - began, 1),
        "seconds_median": round(sorted(seconds)[len(seconds) // 2], 2) if seconds else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", type=int, default=2000, help="tiny examples (brute-force size)")
    parser.add_argument("--community", type=int, default=150, help="community-sized examples")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    failures_dir = RESULTS / f"soundness-failures-{stamp}"
    failures_dir.mkdir(parents=True, exist_ok=True)
    report = [
        run_size("tiny", TINY, args.tiny, args.seed, failures_dir),
        run_size("community", COMMUNITY, args.community, args.seed, failures_dir),
    ]
    if not any(r["failures"] for r in report):
        failures_dir.rmdir()
    out = RESULTS / f"soundness-{stamp}.json"
    out.write_text(json.dumps(report, indent=2))
    for r in report:
        print(
            f"{r['size']}: {r['examples']} examples, {len(r['failures'])} failures, "
            f"{r['seconds_total']} s (median {r['seconds_median']} s per example), "
            f"statuses {r['statuses']}, oracle proved {r['oracle_proved_optimum']}"
        )
        print("  shapes:", ", ".join(f"{k} {v}" for k, v in r["shapes"].items()))
    print(f"written {out.relative_to(ROOT)}")
    if any(r["failures"] for r in report):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
