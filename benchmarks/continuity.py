"""Continuity of regular visits over four weeks, with and without the continuity terms.

    .venv/bin/python -m benchmarks.continuity [--volunteers 250] [--requests 2100]
        [--visits 40] [--time-limit 30] [--week-time-limit 15] [--seed 1]

A generated community (28 days from 2026-12-07) gets `--visits` weekly care visits typed
once with a recurrence rule (`generate.weekly_visits`: a quarter twice a week). It is
planned two ways, each with `continuity_weight` 1 (the default) and 0 (no continuity term):
- one 4-week plan from frames (`load_problem` with a 28-day horizon, `matcher.solve`);
- four weekly nightly runs on a SQLite database (`batch.run_database`), each reading the
  residents' regular volunteers from the runs before it.
Continuity rate: over the visits' served occurrences, the share served by their resident's
most frequent volunteer. Every plan goes through the independent checker. Prints a markdown
table and writes JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from benchmarks.run import RESULTS

FIRST_DAY = date(2026, 12, 7)
DAYS = 28


def continuity(
    pairs: Iterable[tuple[str, str]], eligible: dict[str, set[str]] | None = None
) -> dict[str, Any]:
    """(occurrence id, volunteer) of served visit occurrences -> the continuity figures;
    with `eligible` (each occurrence's candidate volunteers) also the ceiling: the share
    the best single volunteer per resident could serve, were nobody ever busy."""
    by_series: defaultdict[str, Counter[str]] = defaultdict(Counter)
    served_ids: defaultdict[str, list[str]] = defaultdict(list)
    for rid, vid in pairs:
        by_series[rid.split("@")[0]][vid] += 1
        served_ids[rid.split("@")[0]].append(rid)
    served = sum(sum(c.values()) for c in by_series.values())
    kept = sum(max(c.values()) for c in by_series.values())
    single = sum(1 for c in by_series.values() if len(c) == 1)
    ceiling = None
    if eligible is not None and served:
        best = 0
        for ids in served_ids.values():
            could = Counter(v for rid in ids for v in eligible.get(rid, ()))
            best += max(could.values(), default=0)
        ceiling = best / served
    return {
        "eligibility_ceiling": ceiling,
        "occurrences_served": served,
        "by_most_frequent": kept,
        "continuity_rate": kept / served if served else 0.0,
        "residents": len(by_series),
        "residents_with_one_volunteer": single,
        "volunteers_per_resident": served
        and sum(len(c) for c in by_series.values()) / len(by_series),
    }


def _community(args: argparse.Namespace) -> tuple[pd.DataFrame, pd.DataFrame]:
    from matcher._internal.generate import generate_community, weekly_visits

    vols, reqs = generate_community(args.volunteers, args.requests, days=DAYS, seed=args.seed,
                                    start=FIRST_DAY)  # fmt: skip
    visits = weekly_visits(reqs, args.visits, FIRST_DAY, seed=args.seed)
    return vols, pd.concat([reqs.assign(recurrence=None), visits], ignore_index=True)


def _visit_pairs(assignments: Iterable[Any]) -> list[tuple[str, str]]:
    return [(a.request_id, a.volunteer_id) for a in assignments if "@" in a.request_id]


def one_plan(vols: pd.DataFrame, reqs: pd.DataFrame, weight: float, limit: float) -> dict[str, Any]:
    import matcher
    from matcher._internal.check import check_solution

    settings = matcher.Settings(continuity_weight=weight, horizon_start=FIRST_DAY,
                                horizon_days=DAYS, time_limit_s=limit)  # fmt: skip
    problem = matcher.load_problem(vols, reqs, settings=settings)
    eligible = candidates(problem)
    started = time.perf_counter()
    solution = matcher.solve(problem)
    s = solution.summary
    report = check_solution(problem, solution)
    return {
        "mode": "one 4-week plan",
        "continuity_weight": weight,
        "requests": s.requests_total,
        "served": s.requests_served,
        "served_weight": s.served_weight,
        "upper_bound": s.upper_bound,
        "walk_minutes": round(s.walk_minutes, 1),
        "seconds": round(time.perf_counter() - started, 1),
        "checker_violations": len(report.violations),
        **continuity(_visit_pairs(solution.assignments), eligible),
    }


def candidates(problem: Any) -> dict[str, set[str]]:
    """Each request's candidate volunteers (skills, team, reach, availability; not time)."""
    from matcher._internal.solver import prepare

    prepared = prepare(problem)
    inst, cands = prepared.instance, prepared.candidates
    return {
        inst.r_ids[r]: {inst.v_ids[int(v)] for v in cands.vol[cands.of(r)]}
        for r in range(len(inst.r_ids))
    }


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as a database export holds it: lists `;`-joined, times in ISO 8601."""

    def cell(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ";".join(map(str, value))
        if isinstance(value, datetime | pd.Timestamp):
            return value.isoformat()
        return None if value is None or (isinstance(value, float) and pd.isna(value)) else value

    return frame.map(cell).astype(object).where(frame.notna(), None)


def weekly_nightly(
    vols: pd.DataFrame, reqs: pd.DataFrame, weight: float, limit: float
) -> dict[str, Any]:
    import matcher
    from matcher._internal.batch import run_database
    from matcher._internal.check import check_database

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'community.db'}"
        engine = sa.create_engine(url)
        _as_text(vols).to_sql("volunteers", engine, index=False)
        _as_text(reqs).to_sql("requests", engine, index=False)
        settings = matcher.Settings(continuity_weight=weight, time_limit_s=limit)
        started = time.perf_counter()
        runs, violations, served, weight_served, walk = [], 0, 0, 0, 0.0
        for week in range(DAYS // 7):
            result = run_database(url, plan_date=FIRST_DAY + timedelta(days=7 * week), days=7,
                                  out=None, teams=None, settings=settings,
                                  strategy="optimise")  # fmt: skip
            run_id = result.written_to.split()[1]
            runs.append(run_id)
            violations += len(check_database(url, run_id=run_id).violations)
            served += result.solution.summary.requests_served
            weight_served += result.solution.summary.served_weight
            walk += result.solution.summary.walk_minutes
        with engine.connect() as connection:
            done = pd.read_sql(sa.text("SELECT request_id, volunteer_id FROM assignments"),
                               connection)  # fmt: skip
        engine.dispose()
    pairs = [(r, v) for r, v in zip(done["request_id"], done["volunteer_id"], strict=True)
             if "@" in r]  # fmt: skip
    return {
        "mode": "four weekly nightly runs",
        "continuity_weight": weight,
        "served": served,
        "served_weight": weight_served,
        "walk_minutes": round(walk, 1),
        "seconds": round(time.perf_counter() - started, 1),
        "checker_violations": violations,
        **continuity(pairs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=250)
    parser.add_argument("--requests", type=int, default=2100)
    parser.add_argument("--visits", type=int, default=40)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--week-time-limit", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    vols, reqs = _community(args)
    rows = []
    for weight in (1.0, 0.0):
        rows.append(one_plan(vols, reqs, weight, args.time_limit))
        print(rows[-1], flush=True)
    for weight in (1.0, 0.0):
        rows.append(weekly_nightly(vols, reqs, weight, args.week_time_limit))
        print(rows[-1], flush=True)
    print("\n| plan | continuity_weight | visit occurrences served | continuity rate | ceiling "
          "| residents with one volunteer | served weight | walk min | checker |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        ceiling = "" if row["eligibility_ceiling"] is None else f"{row['eligibility_ceiling']:.1%}"
        print(f"| {row['mode']} | {row['continuity_weight']:g} | {row['occurrences_served']} | "
              f"{row['continuity_rate']:.1%} | {ceiling} | {row['residents_with_one_volunteer']}/"
              f"{row['residents']} | {row['served_weight']} | {row['walk_minutes']:.0f} | "
              f"{row['checker_violations']} violations |")  # fmt: skip
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"continuity-{stamp}.json"
    out.write_text(json.dumps({"args": vars(args), "rows": rows}, indent=2))
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
