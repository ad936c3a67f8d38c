"""Load on the HTTP service: concurrent clients sending urgent calls to a real server.

    .venv/bin/python -m benchmarks.service [--clients 20] [--calls 200] [--plan-seconds 30]
        [--answers 0] [--decline-share 0.3] [--burst 0] [--servers 1]

Generates the 2,000 x 3,000 tight day into a SQLite database, plans it with the nightly job
(`matcher solve --db`), starts `matcher serve` on 127.0.0.1, and lets `--clients` asyncio
clients send `--calls` one-click calls in all (each client waits for its answer before the
next). Reports p50/p95/p99 latency of `/calls` and throughput, then checks the stored plan
with the independent checker: zero double-bookings means zero overlap violations.

With `--answers N`, N volunteers' answers to their offers (accept, or decline with the
place filled at once; `--decline-share` of them decline) are mixed at random among the
calls, and latency is reported per kind. With `--burst N`, N calls are then sent at the
same instant (one per client) and reported apart. `--servers K` runs K server processes on
the one database, the clients spread over them.
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


Work = tuple[str, Any]
"""("call", body) or ("accept" | "decline", (request_id, volunteer_id))."""


def _answers(url: str, n: int, decline_share: float, seed: int) -> list[Work]:
    """`n` answers to distinct offers of the stored plan, a `decline_share` of declines."""
    plan = httpx.get(f"{url}/plans/{DAY}", headers={"Authorization": f"Bearer {KEY}"},
                     timeout=300).json()  # fmt: skip
    pairs = sorted({(a["request_id"], a["volunteer_id"]) for a in plan["assignments"]})
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(pairs), size=min(n, len(pairs)), replace=False)
    return [("decline" if rng.random() < decline_share else "accept", pairs[int(i)])
            for i in chosen]  # fmt: skip


def _summary(latencies: list[float]) -> dict[str, Any]:
    ordered = sorted(latencies)
    if not ordered:
        return {"n": 0}

    def pct(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)

    return {"n": len(ordered), "p50_s": pct(0.50), "p95_s": pct(0.95), "p99_s": pct(0.99),
            "max_s": round(ordered[-1], 3),
            "mean_s": round(statistics.fmean(ordered), 3)}  # fmt: skip


async def _send(http: httpx.AsyncClient, kind: str, item: Any) -> httpx.Response:
    if kind == "call":
        return await http.post("/calls", json=item)
    request_id, volunteer_id = item
    return await http.post(f"/offers/{request_id}/{volunteer_id}/{kind}")


async def _load(urls: list[str], work: list[Work], clients: int) -> dict[str, Any]:
    queue: asyncio.Queue[Work] = asyncio.Queue()
    for item in work:
        queue.put_nowait(item)
    latencies: dict[str, list[float]] = {}
    statuses: dict[str, dict[int, int]] = {}
    served = 0
    headers = {"Authorization": f"Bearer {KEY}"}

    async def client(url: str) -> None:
        nonlocal served
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=300) as http:
            while not queue.empty():
                kind, item = queue.get_nowait()
                began = time.perf_counter()
                response = await _send(http, kind, item)
                latencies.setdefault(kind, []).append(time.perf_counter() - began)
                seen = statuses.setdefault(kind, {})
                seen[response.status_code] = seen.get(response.status_code, 0) + 1
                if kind == "call" and response.status_code == 200:
                    served += response.json()["served"]

    began = time.perf_counter()
    await asyncio.gather(*(client(urls[k % len(urls)]) for k in range(clients)))
    wall = time.perf_counter() - began
    everything = [t for times in latencies.values() for t in times]
    calls = _summary(latencies.get("call", []))
    return {
        "calls": calls.get("n", 0), "clients": clients, "servers": len(urls),
        "statuses": statuses.get("call", {}), "served": served,
        **{k: v for k, v in calls.items() if k != "n"},
        "wall_s": round(wall, 2), "throughput_per_s": round(len(everything) / wall, 2),
        "per_kind": {kind: _summary(times) | {"statuses": statuses[kind]}
                     for kind, times in sorted(latencies.items())},
        "all": _summary(everything),
    }  # fmt: skip


async def _burst(urls: list[str], calls: list[dict[str, Any]]) -> dict[str, Any]:
    """Every call sent at the same instant, each from a client of its own."""
    headers = {"Authorization": f"Bearer {KEY}"}
    clients = [httpx.AsyncClient(base_url=urls[k % len(urls)], headers=headers, timeout=300)
               for k in range(len(calls))]  # fmt: skip

    async def one(http: httpx.AsyncClient, call: dict[str, Any]) -> tuple[float, int]:
        began = time.perf_counter()
        response = await http.post("/calls", json=call)
        return time.perf_counter() - began, response.status_code

    try:
        done = await asyncio.gather(*(one(h, c) for h, c in zip(clients, calls, strict=True)))
    finally:
        for http in clients:
            await http.aclose()
    codes: dict[int, int] = {}
    for _, code in done:
        codes[code] = codes.get(code, 0) + 1
    return _summary([t for t, _ in done]) | {"statuses": codes}


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


def _offers(url: str) -> dict[str, Any]:
    """How the offers ended: a count per state."""
    from matcher._internal.io.store import offers

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(offers.offers.c.state, sa.func.count()).group_by(offers.offers.c.state)
        ).all()  # fmt: skip
    engine.dispose()
    return {"offer_states": {state: int(n) for state, n in rows}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--plan-seconds", type=float, default=30)
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--answers", type=int, default=0)
    parser.add_argument("--decline-share", type=float, default=0.3)
    parser.add_argument("--burst", type=int, default=0)
    parser.add_argument("--servers", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = _prepare(Path(tmp), args.volunteers, args.requests, args.plan_seconds)
        env = {**os.environ, "MATCHER_API_KEY": KEY}
        ports = [args.port + k for k in range(args.servers)]
        servers = [subprocess.Popen(
            [sys.executable, "-c", "from matcher.cli import main; main()", "serve", "--db", url,
             "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ) for port in ports]  # fmt: skip
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        try:
            for base in bases:
                for _ in range(300):
                    try:
                        if httpx.get(f"{base}/health").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.2)
            # One warm-up call per server loads the day into its memory, as the first call
            # of a morning would; it is reported apart.
            warm = []
            for k, base in enumerate(bases):
                began = time.perf_counter()
                httpx.post(f"{base}/calls", json=_calls(1, 99)[0] | {"request_id": f"WARM{k}"},
                           headers={"Authorization": f"Bearer {KEY}"}, timeout=300)  # fmt: skip
                warm.append(round(time.perf_counter() - began, 3))
            work: list[Work] = [("call", c) for c in _calls(args.calls, 1)]
            if args.answers:
                work += _answers(bases[0], args.answers, args.decline_share, seed=2)
                order = np.random.default_rng(3).permutation(len(work))
                work = [work[int(i)] for i in order]
            result = asyncio.run(_load(bases, work, args.clients))
            if args.burst:
                burst = [c | {"request_id": f"BURST{k:03d}"} for k, c in
                         enumerate(_calls(args.burst, 4))]  # fmt: skip
                result["burst"] = asyncio.run(_burst(bases, burst))
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
        result |= {"first_call_s": warm[0] if len(warm) == 1 else warm,
                   "volunteers": args.volunteers, "requests": args.requests,
                   "answers": args.answers, "decline_share": args.decline_share,
                   } | _double_bookings(url) | _offers(url)  # fmt: skip
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"service-{stamp}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written {path}")


if __name__ == "__main__":
    main()
