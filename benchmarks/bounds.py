"""The proven bound alone on the benchmark instances: its value and how long it takes.

    .venv/bin/python -m benchmarks.bounds [--suite targets] [--label NAME]

Computes the bound as a deterministic run does (in full, no deadline), without the search,
so two versions of the bound can be compared on the same instances. Writes JSON to
benchmarks/results/bounds-<label>.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path

from benchmarks.run import SUITES

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="targets", choices=sorted(SUITES))
    parser.add_argument("--label", default="current")
    args = parser.parse_args()

    from matcher import Settings, load_problem
    from matcher._internal.generate import generate_community
    from matcher._internal.solver import bound_alone, prepare

    rows = []
    for spec in SUITES[args.suite]:
        vols, reqs = generate_community(
            spec.volunteers, spec.requests, days=spec.days, seed=spec.seed,
            start=date(2026, 12, 1),
        )  # fmt: skip
        problem = load_problem(vols, reqs, settings=Settings(time_limit_s=spec.time_limit))
        prepared = prepare(problem)
        began = time.perf_counter()
        bound = bound_alone(prepared)
        rows.append({
            "instance": spec.name, "pairs": prepared.pairs,
            "servable_weight": bound.servable, "bound": bound.relaxation,
            "seconds": round(time.perf_counter() - began, 1),
        })  # fmt: skip
        print(rows[-1], flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"bounds-{args.label}.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
