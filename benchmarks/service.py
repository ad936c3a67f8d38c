"""Load on the HTTP service: concurrent clients sending urgent calls to a real server.

    .venv/bin/python -m benchmarks.service [--clients 20] [--calls 200] [--plan-seconds 30]

Generates the 2,000 x 3,000 tight day into a SQLite database, plans it with the nightly job
(`matcher solve --db`), starts `matcher serve` on 127.0.0.1, and lets `--clients` asyncio
clients send `--calls` one-click calls in all (each client waits for its answer before the
next). Reports p50/p95/p99 latency of `/calls` and throughput, then checks the stored plan
with the independent checker: zero double-bookings means zero overlap violations.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import sqlalchemy as sa

from benchmarks.run import RESULTS

DAY = date(2026, 12, 1)
KEY = "benchmark-key-0123456789"


def _prepare(folder: Path, volunteers: int, requests: int, plan_seconds: float) -> str:
    import pandas as pd

    from matcher._internal.generate import write_community

    url = f"sqlite:///{folder / 'community.db'}"
    write_community(folder, volunteers=volunteers, requests=requests, days=1, seed=1, start=DAY)
    engine = sa.create_engine(url)
    for table in ("volunteers", "requests"):
        frame = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
        frame.to_sql(table, engine, index=False)
    engine.dispose()
    subprocess.run([sys.executable, "-c", "from matcher.cli import main; main()", "solve",
                    "--db", url, "--plan-date", str(DAY), "--time-limit", str(plan_seconds)],
                   check=True)  # fmt: skip
    return url


def _calls(n: int, seed: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        at = datetime.combine(DAY, datetime.min.time()) + timedelta(
            hours=7, minutes=int(rng.integers(0, 14 * 60))
        )
        out.append({
            "request_id": f"LOAD{k:04d}", "kind": "one_click_call", "team": "care",
            "required_skills": ["elderly_care"], "lat": 37.862 + float(rng.uniform(0, 0.012)),
            "lon": 112.540 + float(rng.uniform(0, 0.016)), "priority": 5,
            "duration_minutes": 40, "earliest_start": at.isoformat(),
            "latest_start": (at + timedelta(minutes=20)).isoformat(),
        })  # fmt: skip
    return out


async def _load(url: str, calls: list[dict[str, Any]], clients: int) -> dict[str, Any]:
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for call in calls:
        queue.put_nowait(call)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    served = 0
    headers = {"Authorization": f"Bearer {KEY}"}

    async def client() -> None:
        nonlocal served
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=300) as http:
            while not queue.empty():
                call = queue.get_nowait()
                began = time.perf_counter()
                response = await http.post("/calls", json=call)
                latencies.append(time.perf_counter() - began)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                served += response.status_code == 200 and response.json()["served"]

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    wall = time.perf_counter() - began
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)

    return {
        "calls": len(latencies), "clients": clients, "statuses": statuses, "served": served,
        "p50_s": pct(0.50), "p95_s": pct(0.95), "p99_s": pct(0.99), "max_s": round(ordered[-1], 3),
        "mean_s": round(statistics.fmean(latencies), 3), "wall_s": round(wall, 2),
        "throughput_per_s": round(len(latencies) / wall, 2),
    }  # fmt: skip


def _double_bookings(url: str) -> dict[str, Any]:
    from matcher._internal.check.schedule import check_schedule
    from matcher._internal.io.store import database as db
    from matcher._internal.io.store import plan_versions

    engine = sa.create_engine(url)
    head = plan_versions.head(engine, DAY)
    assert head is not None
    problem = plan_versions.load_plan_problem(
        engine, DAY, 1, plan_versions.run_settings(engine, head.run_id)
    )
    done, left = db.run_frames(engine, head.run_id)
    report = check_schedule(problem, done, left)
    overlaps = [v for v in report.violations if "overlap" in str(v).lower()]
    return {"plan_version": head.version, "checker_ok": report.ok,
            "violations": len(report.violations), "double_bookings": len(overlaps)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--plan-seconds", type=float, default=30)
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = _prepare(Path(tmp), args.volunteers, args.requests, args.plan_seconds)
        env = {**os.environ, "MATCHER_API_KEY": KEY}
        server = subprocess.Popen(
            [sys.executable, "-c", "from matcher.cli import main; main()", "serve", "--db", url,
             "--port", str(args.port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{args.port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            # One warm-up call loads the day into the server's memory, as the first call of
            # a morning would; it is reported apart.
            began = time.perf_counter()
            httpx.post(f"{base}/calls", json=_calls(1, 99)[0] | {"request_id": "WARM"},
                       headers={"Authorization": f"Bearer {KEY}"}, timeout=300)  # fmt: skip
            warm = round(time.perf_counter() - began, 3)
            result = asyncio.run(_load(base, _calls(args.calls, 1), args.clients))
        finally:
            server.terminate()
            server.wait(timeout=30)
        result |= {"first_call_s": warm, "volunteers": args.volunteers,
                   "requests": args.requests} | _double_bookings(url)  # fmt: skip
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"service-{stamp}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written {path}")


if __name__ == "__main__":
    main()
