"""Volunteer hours over four weeks: fairness over a rolling window of credited hours, or
each day alone.

    .venv/bin/python -m benchmarks.hours [--volunteers 250] [--requests 2100] [--visits 40]
        [--time-limit 4] [--seed 1]

The community of benchmarks/continuity.py (28 days from 2026-12-07, with weekly visits) is
planned one day after another by the nightly job on a SQLite database, with the hours ledger:
before each night, the days that have passed are credited (`hours.credit_passed_days`), and
the job reads each volunteer's credited minutes over the window. Twice: with the default
window (`fairness_window_days` 28) and without one (0: each day's plan alone).
The spread is measured per team over the volunteers available at least once: the standard
deviation of their credited hours, the Gini coefficient, and the busiest tenth's share.
Prints a markdown table and writes JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from benchmarks.continuity import DAYS, FIRST_DAY, _as_text, _community
from benchmarks.run import RESULTS


def gini(values: np.ndarray) -> float:
    """0 when everyone has the same, towards 1 when one has everything."""
    if len(values) == 0 or values.sum() == 0:
        return 0.0
    ordered = np.sort(values)
    n = len(ordered)
    return float((2 * np.arange(1, n + 1) - n - 1) @ ordered / (n * ordered.sum()))


def spread(hours: pd.Series) -> dict[str, float]:
    values = hours.to_numpy(dtype=float)
    top = max(1, len(values) // 10)
    return {
        "volunteers": len(values),
        "mean_hours": round(float(values.mean()), 2),
        "std_hours": round(float(values.std()), 2),
        "max_hours": round(float(values.max()), 2),
        "min_hours": round(float(values.min()), 2),
        "gini": round(gini(values), 3),
        "busiest_tenth_share": round(float(np.sort(values)[-top:].sum() / values.sum()), 3)
        if values.sum()
        else 0.0,
        "idle": int((values == 0).sum()),
    }


def four_weeks(vols: pd.DataFrame, reqs: pd.DataFrame, window: int, limit: float) -> dict[str, Any]:
    import matcher
    from matcher._internal.batch import run_database
    from matcher._internal.io.store import hours

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'community.db'}"
        engine = sa.create_engine(url)
        _as_text(vols).to_sql("volunteers", engine, index=False)
        _as_text(reqs).to_sql("requests", engine, index=False)
        settings = matcher.Settings(fairness_window_days=window, time_limit_s=limit)
        started, served, weight = time.perf_counter(), 0, 0
        for day in range(DAYS):
            plan_date = FIRST_DAY + timedelta(days=day)
            hours.credit_passed_days(engine, plan_date)
            result = run_database(url, plan_date=plan_date, days=1, out=None, teams=None,
                                  settings=settings, strategy="optimise")  # fmt: skip
            served += result.solution.summary.requests_served
            weight += result.solution.summary.served_weight
        hours.credit_passed_days(engine, FIRST_DAY + timedelta(days=DAYS))
        credited = hours.credited_minutes(engine, FIRST_DAY + timedelta(days=DAYS), DAYS)
        engine.dispose()
    available = vols[vols["availability"].map(len) > 0]
    frame = pd.DataFrame(
        {
            "team": available["team"],
            "hours": [credited.get(v, 0) / 60 for v in available["volunteer_id"]],
        }
    )
    per_team = {team: spread(rows["hours"]) for team, rows in frame.groupby("team")}
    return {
        "fairness_window_days": window,
        "served": served,
        "served_weight": weight,
        "seconds": round(time.perf_counter() - started, 1),
        "all_volunteers": spread(frame["hours"]),
        "per_team": per_team,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=250)
    parser.add_argument("--requests", type=int, default=2100)
    parser.add_argument("--visits", type=int, default=40)
    parser.add_argument("--time-limit", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    vols, reqs = _community(args)
    rows = []
    for window in (28, 0):
        rows.append(four_weeks(vols, reqs, window, args.time_limit))
        print(json.dumps(rows[-1]["all_volunteers"]), flush=True)
    print(
        "\n| window | team | volunteers | mean h | std h | min-max h | Gini | busiest 10% share |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        for team, s in [("all", row["all_volunteers"]), *sorted(row["per_team"].items())]:
            print(f"| {row['fairness_window_days']} days | {team} | {s['volunteers']} | "
                  f"{s['mean_hours']:.1f} | {s['std_hours']:.2f} | {s['min_hours']:.1f}-"
                  f"{s['max_hours']:.1f} | {s['gini']:.3f} | "
                  f"{s['busiest_tenth_share']:.1%} |")  # fmt: skip
    print("\nserved weight: " + ", ".join(f"window {r['fairness_window_days']}: "
                                          f"{r['served_weight']}" for r in rows))  # fmt: skip
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"hours-{stamp}.json"
    out.write_text(json.dumps({"args": vars(args), "rows": rows}, indent=2))
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
