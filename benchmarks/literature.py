"""matcher against published optima of the orienteering problem with time windows (OPTW).

    .venv/bin/python -m benchmarks.literature --instances r101,rc101 --budgets 10,60

The instances (Solomon r1/rc1 with 100 and 50 customers, Cordeau pr01-pr10) and their
published optima are public benchmark data, kept in `benchmarks/literature_data/` with
their sources (its README describes the format, the exact travel times and where each file
and optimum comes from); `--literature DIR` points elsewhere.

How an instance becomes a matcher problem (`convert`):

- Time scale: every time is multiplied by SCALE (10 for Solomon, 100 for Cordeau) so that
  every time is a whole number of minutes. Travel times are the instance's truncated
  Euclidean distances, floor(10 * dist) / 10 for Solomon and floor(100 * dist) / 100 for
  Cordeau, so a scaled travel time is floor(SCALE * dist), computed here in exact integer
  arithmetic (`travel_matrix`). Service times and windows are whole numbers (Solomon) or
  have at most two decimals (Cordeau), so they scale to integers too.
- One volunteer per path ("V1".."Vk"), at the depot, available over [0, Tmax * SCALE]
  minutes from 2026-12-01T00:00, with no binding daily caps.
- One request per customer with profit S_i >= 1 (a customer of profit 0 adds nothing to
  the score and a request's weight must be >= 1, so it is dropped), weight S_i, duration
  d_i * SCALE. matcher does not time the walk from home nor back, so the depot legs are
  folded into the start window: earliest = max(O_i, t_0i), latest = min(C_i, Tmax - d_i -
  t_i0). A customer whose folded window is empty is dropped (no path can visit it). The
  folding is exact when t_0a + d_a + t_ai >= t_0i and t_ia + d_a + t_a0 >= t_i0 for every
  pair (truncation can break the triangle inequality by at most one unit per leg, and
  service times are positive); `convert` checks this and raises otherwise.
- The walking-time table holds volunteer -> request (t_0i) and request -> request (t_ij),
  each pair once (the times are symmetric); `missing_walks="error"`.

Under this conversion a matcher schedule is exactly an OPTW solution and the served weight
is its score, so matcher's stated upper bound must be at least every published optimum,
every feasible score seen (PyVRP's, re-checked) and its own served weight. A bound below any
of these is an error: the run prints it loudly and exits with status 1.

PyVRP (the optional `bench` extra) runs at the same budgets on the same instances, one
thread, as a prize-collecting VRPTW: the original windows, the depot's window [0, Tmax], k
vehicles, edge distance = duration = the scaled travel time, and prizes multiplied by
k * Tmax + 1 so that one unit of prize outweighs any total distance (distance only breaks
ties; a zero distance cost did worse in a 5 s probe on r104, r108, rc104 and r112). Its best
solution is re-checked with the README's route check (`check_route`) before its score is
reported. matcher uses every core (its default `workers`).

Output: a Markdown table on stdout and `benchmarks/results/literature-<stamp>.json`.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from importlib import metadata
from pathlib import Path
from typing import Any

from matcher import (
    Assignment,
    Problem,
    Reason,
    Request,
    Settings,
    Solution,
    Status,
    Strategy,
    Summary,
    Unassigned,
    Volunteer,
    WalkingTime,
)
from matcher._internal.check import check_solution

LITERATURE = Path(__file__).resolve().parent / "literature_data"
RESULTS = Path(__file__).resolve().parent / "results"
BASE = datetime(2026, 12, 1)
"""Minute 0 of every converted instance."""
LAT, LON = 31.0, 121.0
"""Everyone stands on one point: the walking-time table carries all travel times."""
TEAM, KIND = "care", "elderly_visit"
FAMILIES = ("solomon", "solomon_50", "cordeau")


# --- instances ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instance:
    """An OPTW instance in scaled whole units; vertex 0 is the depot."""

    name: str
    family: str
    scale: int
    x: tuple[Fraction, ...]
    y: tuple[Fraction, ...]
    service: tuple[int, ...]
    profit: tuple[int, ...]
    open: tuple[int, ...]
    close: tuple[int, ...]
    travel: tuple[tuple[int, ...], ...]

    @property
    def customers(self) -> int:
        return len(self.x) - 1

    @property
    def tmax(self) -> int:
        return self.close[0]


def _scaled(text: str, scale: int) -> int:
    """`text` times `scale` as an exact integer; raises when it is not one."""
    value = Fraction(text) * scale
    if value.denominator != 1:
        raise ValueError(f"{text} x {scale} is not a whole number")
    return int(value)


def travel_matrix(x: Sequence[Fraction], y: Sequence[Fraction], scale: int) -> list[list[int]]:
    """floor(scale * euclidean distance), exactly: floor(sqrt(q)) == isqrt(floor(q))."""
    n = len(x)
    out = [[0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            q = ((x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2) * scale * scale
            out[i][j] = out[j][i] = math.isqrt(math.floor(q))
    return out


def parse_instance(path: Path) -> Instance:
    """Read a TOPTW-format file (README: `i x y d S f a list O C`, O and C the last two)."""
    family = path.parent.name
    scale = 100 if family == "cordeau" else 10
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    n = int(lines[0][2])
    rows = lines[2 : 3 + n]
    if len(rows) != n + 1 or [int(r[0]) for r in rows] != list(range(n + 1)):
        raise ValueError(f"{path}: expected vertices 0..{n}")
    x = tuple(Fraction(r[1]) for r in rows)
    y = tuple(Fraction(r[2]) for r in rows)
    profit = []
    for r in rows:
        value = Fraction(r[4])
        if value.denominator != 1:
            raise ValueError(f"{path}: vertex {r[0]} has a fractional profit {r[4]}")
        profit.append(int(value))
    return Instance(
        name=path.stem,
        family=family,
        scale=scale,
        x=x,
        y=y,
        service=tuple(_scaled(r[3], scale) for r in rows),
        profit=tuple(profit),
        open=tuple(_scaled(r[-2], scale) for r in rows),
        close=tuple(_scaled(r[-1], scale) for r in rows),
        travel=tuple(tuple(row) for row in travel_matrix(x, y, scale)),
    )


def find_instance(literature: Path, name: str) -> Path:
    """The file of instance `name` in any family folder."""
    for family in FAMILIES:
        path = literature / "instances" / family / f"{name}.txt"
        if path.exists():
            return path
    raise FileNotFoundError(f"no instance {name!r} under {literature / 'instances'}")


def instance_names(literature: Path, spec: str) -> list[str]:
    """Names from a comma list; a family name (or `all`, every family) expands to its files."""
    names: list[str] = []
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        families = FAMILIES if part == "all" else (part,) if part in FAMILIES else ()
        for family in families:
            files = sorted((literature / "instances" / family).glob("*.txt"))
            names += sorted((f.stem for f in files), key=_natural)
        if not families:
            names.append(part)
    return list(dict.fromkeys(names))


def _natural(name: str) -> tuple[str, int]:
    head = name.rstrip("0123456789")
    return head, int(name[len(head) :] or 0)


@dataclass(frozen=True)
class Published:
    """One row of optima.csv."""

    instance: str
    customers: int
    paths: int
    score: int
    status: str
    route: tuple[int, ...]


def read_optima(literature: Path) -> dict[str, Published]:
    with (literature / "optima.csv").open(newline="") as handle:
        return {
            row["instance"]: Published(
                instance=row["instance"],
                customers=int(row["customers"]),
                paths=int(row["paths"]),
                score=int(row["score"]),
                status=row["status"],
                route=tuple(int(c) for c in row["route"].split()),
            )
            for row in csv.DictReader(handle)
        }


# --- the README's route check ----------------------------------------------------------------


@dataclass(frozen=True)
class RouteCheck:
    """The outcome of simulating one or more paths on the instance."""

    feasible: bool
    score: int
    starts: dict[int, int] = field(default_factory=dict)
    """Earliest service start of each visited customer, scaled."""
    problem: str = ""


def check_route(inst: Instance, route: Sequence[int]) -> RouteCheck:
    """The README's checking procedure in scaled whole units (so exact): start at time 0,
    arrive, wait if early, start within [O_i, C_i], be back at the depot by Tmax."""
    t, prev, score = 0, 0, 0
    starts: dict[int, int] = {}
    for i in route:
        if not 1 <= i <= inst.customers or i in starts:
            return RouteCheck(False, 0, starts, f"customer {i} unknown or repeated")
        t = max(t + inst.service[prev] + inst.travel[prev][i], inst.open[i])
        if t > inst.close[i]:
            return RouteCheck(False, 0, starts, f"customer {i} starts {t} > C = {inst.close[i]}")
        starts[i] = t
        score += inst.profit[i]
        prev = i
    back = t + inst.service[prev] + inst.travel[prev][0]
    if back > inst.tmax:
        return RouteCheck(False, 0, starts, f"back at the depot at {back} > Tmax = {inst.tmax}")
    return RouteCheck(True, score, starts)


def check_routes(inst: Instance, routes: Sequence[Sequence[int]]) -> RouteCheck:
    """Several paths: each feasible, no customer on two of them; the scores add up."""
    seen: set[int] = set()
    total = 0
    starts: dict[int, int] = {}
    for route in routes:
        if seen & set(route):
            return RouteCheck(False, 0, starts, f"customers {sorted(seen & set(route))} twice")
        seen |= set(route)
        one = check_route(inst, route)
        if not one.feasible:
            return one
        total += one.score
        starts |= one.starts
    return RouteCheck(True, total, starts)


# --- conversion to a matcher problem ---------------------------------------------------------


@dataclass(frozen=True)
class Conversion:
    """A matcher problem built from an instance, and what was left out."""

    problem: Problem
    customer_of: dict[str, int]
    """Request id -> customer id."""
    zero_profit: tuple[int, ...]
    empty_window: tuple[int, ...]


def request_id(customer: int) -> str:
    return f"C{customer}"


def volunteer_id(path: int) -> str:
    return f"V{path + 1}"


def at(minute: int) -> datetime:
    return BASE + timedelta(minutes=minute)


def _check_folding(inst: Instance, keep: Sequence[int]) -> None:
    """Raise unless folding the depot legs into the windows is exact (see module doc)."""
    t = inst.travel
    for a in keep:
        for i in keep:
            if a == i:
                continue
            if t[0][a] + inst.service[a] + t[a][i] < t[0][i]:
                raise ValueError(f"{inst.name}: via {a}, customer {i} is reached before t_0{i}")
            if t[i][a] + inst.service[a] + t[a][0] < t[i][0]:
                raise ValueError(f"{inst.name}: via {a}, the depot is reached from {i} early")


def convert(
    inst: Instance, paths: int = 1, time_limit_s: float = 10.0, seed: int = 0
) -> Conversion:
    """The matcher problem equivalent to `inst` with `paths` paths (see the module doc)."""
    t, horizon = inst.travel, inst.tmax
    zero = tuple(i for i in range(1, inst.customers + 1) if inst.profit[i] < 1)
    requests: list[Request] = []
    empty: list[int] = []
    for i in range(1, inst.customers + 1):
        if inst.profit[i] < 1:
            continue
        earliest = max(inst.open[i], t[0][i])
        latest = min(inst.close[i], horizon - inst.service[i] - t[i][0])
        if latest < earliest:
            empty.append(i)
            continue
        requests.append(
            Request(
                request_id=request_id(i),
                kind=KIND,
                team=TEAM,
                lat=LAT,
                lon=LON,
                earliest_start=at(earliest),
                latest_start=at(latest),
                duration_minutes=inst.service[i],
                weight=inst.profit[i],
            )
        )
    keep = [int(r.request_id[1:]) for r in requests]
    _check_folding(inst, keep)
    volunteers = [
        Volunteer(
            volunteer_id=volunteer_id(p),
            team=TEAM,
            lat=LAT,
            lon=LON,
            availability=[f"{at(0).isoformat()}/{at(horizon).isoformat()}"],
            max_minutes_per_day=horizon,
            max_tasks_per_day=None,
            max_walk_minutes=horizon,
        )
        for p in range(paths)
    ]
    walks = [
        WalkingTime(from_place=v.volunteer_id, to_place=request_id(i), minutes=t[0][i])
        for v in volunteers
        for i in keep
    ]
    walks += [
        WalkingTime(from_place=request_id(i), to_place=request_id(j), minutes=t[i][j])
        for n, i in enumerate(keep)
        for j in keep[n + 1 :]
    ]
    settings = Settings(missing_walks="error", time_limit_s=time_limit_s, seed=seed)
    problem = Problem(
        volunteers=tuple(volunteers),
        requests=tuple(requests),
        walking_times=tuple(walks),
        settings=settings,
    )
    customer_of = {r.request_id: int(r.request_id[1:]) for r in requests}
    return Conversion(problem, customer_of, zero, tuple(empty))


def schedule_from_routes(
    inst: Instance, conv: Conversion, routes: Sequence[Sequence[int]]
) -> Solution:
    """A matcher Solution serving `routes` (path p by volunteer p) at their earliest starts."""
    assignments: list[Assignment] = []
    for p, route in enumerate(routes):
        starts = check_route(inst, route).starts
        for i in route:
            start = at(starts[i])
            assignments.append(
                Assignment(
                    request_id=request_id(i),
                    volunteer_id=volunteer_id(p),
                    team=TEAM,
                    start=start,
                    end=start + timedelta(minutes=inst.service[i]),
                    walk_minutes=float(inst.travel[0][i]),
                )
            )
    served = {a.request_id for a in assignments}
    unassigned = [
        Unassigned(request_id=r.request_id, reason=Reason.CAPACITY_TAKEN, detail="not on a path")
        for r in conv.problem.requests
        if r.request_id not in served
    ]
    weight = sum(inst.profit[conv.customer_of[rid]] for rid in served)
    summary = Summary(
        status=Status.OPTIMAL if weight else Status.EMPTY,
        strategy=Strategy.OPTIMISE,
        served_weight=weight,
        upper_bound=weight,
        gap=0.0,
        walk_minutes=0.0,
        requests_total=len(conv.problem.requests),
        requests_served=len(served),
        requests_unassigned=len(unassigned),
        assignments=len(assignments),
        solve_seconds=0.0,
        seed=0,
    )
    return Solution(assignments=assignments, unassigned=unassigned, summary=summary)


def routes_from_schedule(conv: Conversion, solution: Solution, paths: int) -> list[list[int]]:
    """Each volunteer's services in start order, as customer ids: path p is volunteer p's."""
    routes: list[list[int]] = [[] for _ in range(paths)]
    for a in sorted(solution.assignments, key=lambda a: a.start):
        routes[int(a.volunteer_id[1:]) - 1].append(conv.customer_of[a.request_id])
    return routes


# --- the two solvers -------------------------------------------------------------------------


def run_matcher(inst: Instance, paths: int, budget: float, seed: int) -> dict[str, Any]:
    """Convert, solve at `budget` seconds, check with the checker and the route check."""
    from matcher import solve

    conv = convert(inst, paths, time_limit_s=budget, seed=seed)
    heard: list[tuple[float, int]] = []  # (seconds since the start, served weight)
    began = time.perf_counter()
    solution = solve(
        conv.problem,
        progress=lambda p: heard.append((time.perf_counter() - began, p.served_weight)),
    )
    seconds = time.perf_counter() - began
    report = check_solution(conv.problem, solution)
    recheck = check_routes(inst, routes_from_schedule(conv, solution, paths))
    s = solution.summary
    return {
        "served_weight": s.served_weight,
        "upper_bound": s.upper_bound,
        "status": str(s.status),
        "seconds": round(seconds, 2),
        "checker_ok": report.ok,
        "violations": [str(v) for v in report.violations[:5]],
        "route_check_ok": recheck.feasible and recheck.score == s.served_weight,
        "share_at_tenth": share_at(heard, budget / 10, s.served_weight),
        "route_check": recheck.problem or f"feasible, score {recheck.score}",
        "requests": len(conv.problem.requests),
        "dropped_zero_profit": list(conv.zero_profit),
        "dropped_empty_window": list(conv.empty_window),
    }


def share_at(heard: Sequence[tuple[float, int]], seconds: float, final: int) -> float | None:
    """Time to quality: the share of the final served weight that progress reports had
    reached by `seconds` (None when nothing was reported by then)."""
    reached = [weight for at, weight in heard if at <= seconds]
    if not reached or final <= 0:
        return None
    return round(max(reached) / final, 4)


def run_pyvrp(inst: Instance, paths: int, budget: float, seed: int) -> dict[str, Any]:
    """PyVRP as a prize-collecting VRPTW; its best solution re-checked by `check_route`."""
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    horizon = inst.tmax
    factor = paths * horizon + 1  # one prize unit outweighs any total distance
    model = Model()
    model.add_depot(
        model.add_location(float(inst.x[0]), float(inst.y[0])), tw_early=0, tw_late=horizon
    )
    customers = [i for i in range(1, inst.customers + 1) if inst.profit[i] >= 1]
    vertex = [0]  # location index -> vertex id; the depot's location comes first
    for i in customers:
        model.add_client(
            model.add_location(float(inst.x[i]), float(inst.y[i])),
            service_duration=inst.service[i],
            tw_early=inst.open[i],
            tw_late=inst.close[i],
            prize=inst.profit[i] * factor,
            required=False,
            name=str(i),
        )
        vertex.append(i)
    model.add_vehicle_type(num_available=paths, tw_early=0, tw_late=horizon, unit_distance_cost=1)
    locs = model.locations
    for a, u in enumerate(locs):
        for b, w in enumerate(locs):
            if a != b:
                tt = inst.travel[vertex[a]][vertex[b]]
                model.add_edge(u, w, distance=tt, duration=tt)
    began = time.perf_counter()
    result = model.solve(MaxRuntime(budget), seed=seed, display=False)
    seconds = time.perf_counter() - began
    best = result.best
    routes = [[customers[act.idx] for act in route if act.is_client()] for route in best.routes()]
    recheck = check_routes(inst, routes)
    ok = best.is_feasible() and recheck.feasible
    return {
        "score": recheck.score if ok else None,
        "pyvrp_feasible": best.is_feasible(),
        "route_check_ok": recheck.feasible,
        "route_check": recheck.problem or f"feasible, score {recheck.score}",
        "seconds": round(seconds, 2),
        "routes": routes,
    }


# --- the run ---------------------------------------------------------------------------------


def lower_bounds(row: dict[str, Any]) -> list[tuple[int, str]]:
    """Values the optimum is known to reach (each proven or re-checked), with their origin."""
    known: list[tuple[int, str]] = []
    pub = row.get("published")
    if pub and pub["usable"]:
        known.append((pub["score"], f"published {pub['status']}"))
    for budget, m in row["matcher"].items():
        if m["checker_ok"] and m["route_check_ok"]:
            known.append((m["served_weight"], f"matcher's own schedule at {budget} s"))
    for budget, p in row["pyvrp"].items():
        if p["score"] is not None:
            known.append((p["score"], f"PyVRP at {budget} s, re-checked"))
    return known


def judge(row: dict[str, Any]) -> list[str]:
    """Every broken promise of the row: a failed check or a bound below a known score."""
    errors: list[str] = []
    pub = row.get("published")
    if pub and not pub["usable"]:
        errors.append(f"{row['instance']}: published route fails {pub['route_check']}")
    known = lower_bounds(row)
    for budget, m in row["matcher"].items():
        if not m["checker_ok"]:
            errors.append(f"{row['instance']} at {budget} s: checker rejects {m['violations']}")
        if not m["route_check_ok"]:
            errors.append(f"{row['instance']} at {budget} s: route check {m['route_check']}")
        for value, origin in known:
            if m["upper_bound"] < value:
                errors.append(
                    f"{row['instance']} at {budget} s: stated bound {m['upper_bound']} is below"
                    f" {value} ({origin})"
                )
        allowed = {"optimal" if m["served_weight"] == m["upper_bound"] else "feasible"}
        if m["served_weight"] == 0:
            allowed.add("empty")
        if m["status"] not in allowed:
            errors.append(
                f"{row['instance']} at {budget} s: status {m['status']} with served weight"
                f" {m['served_weight']} and bound {m['upper_bound']}"
            )
    return errors


def published_entry(inst: Instance, pub: Published | None, paths: int) -> dict[str, Any] | None:
    """The published value, if it applies (one path), with its route re-checked."""
    if pub is None or paths != pub.paths:
        return None
    entry: dict[str, Any] = {"score": pub.score, "status": pub.status, "usable": True}
    if pub.route:
        check = check_route(inst, pub.route)
        entry["route_check"] = check.problem or f"feasible, score {check.score}"
        entry["usable"] = check.feasible and check.score == pub.score
    elif inst.family == "cordeau":
        entry["note"] = "proven for rounded-up times: with truncated times the optimum is >= it"
    return entry


def run(
    literature: Path, names: Sequence[str], budgets: Sequence[float], paths: int, seed: int
) -> list[dict[str, Any]]:
    optima = read_optima(literature)
    rows: list[dict[str, Any]] = []
    for name in names:
        inst = parse_instance(find_instance(literature, name))
        row: dict[str, Any] = {
            "instance": name,
            "customers": inst.customers,
            "published": published_entry(inst, optima.get(name), paths),
            "matcher": {},
            "pyvrp": {},
        }
        for budget in budgets:
            key = f"{budget:g}"
            row["matcher"][key] = run_matcher(inst, paths, budget, seed)
            row["pyvrp"][key] = run_pyvrp(inst, paths, budget, seed)
            m, p = row["matcher"][key], row["pyvrp"][key]
            print(
                f"{name} {key} s: matcher {m['served_weight']} (bound {m['upper_bound']},"
                f" {m['status']}, checker {'ok' if m['checker_ok'] else 'FAIL'}),"
                f" PyVRP {p['score']}",
                file=sys.stderr,
                flush=True,
            )
        row["errors"] = judge(row)
        rows.append(row)
    return rows


def markdown(rows: Sequence[dict[str, Any]], budgets: Sequence[float]) -> str:
    """One line per instance: optimum, matcher weight/bound/status and PyVRP per budget."""
    keys = [f"{b:g}" for b in budgets]
    head = ["instance", "n", "optimum"]
    for k in keys:
        head += [f"matcher {k} s", f"bound {k} s", f"status {k} s", f"PyVRP {k} s"]
    head += ["checker", "bound >= known"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        pub = row["published"]
        optimum = "-" if pub is None else f"{pub['score']} ({pub['status']})"
        cells = [row["instance"], str(row["customers"]), optimum]
        for k in keys:
            m, p = row["matcher"][k], row["pyvrp"][k]
            score = "infeasible" if p["score"] is None else str(p["score"])
            cells += [str(m["served_weight"]), str(m["upper_bound"]), m["status"], score]
        checked = all(m["checker_ok"] and m["route_check_ok"] for m in row["matcher"].values())
        bound_ok = not any("stated bound" in e for e in row["errors"])
        cells += ["ok" if checked else "FAIL", "ok" if bound_ok else "**NO**"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--instances",
        default="solomon",
        help="comma list of names or families (solomon, solomon_50, cordeau, all)",
    )
    parser.add_argument("--budgets", default="10", help="comma list of seconds per solve")
    parser.add_argument("--paths", type=int, default=1, help="volunteers (paths)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--literature", type=Path, default=LITERATURE)
    parser.add_argument("--out", type=Path, help="JSON file (default: a new one in results/)")
    args = parser.parse_args(argv)
    if not (args.literature / "optima.csv").exists():
        parser.error(f"no literature folder at {args.literature} (use --literature DIR)")
    budgets = [float(b) for b in args.budgets.split(",") if b.strip()]
    names = instance_names(args.literature, args.instances)
    began = datetime.now()
    rows = run(args.literature, names, budgets, args.paths, args.seed)
    out = args.out or RESULTS / f"literature-{began.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "started": began.isoformat(timespec="seconds"),
        "command": " ".join(["python -m benchmarks.literature", *(argv or sys.argv[1:])]),
        "budgets_s": budgets,
        "paths": args.paths,
        "seed": args.seed,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "versions": {p: _version(p) for p in ("matcher", "pyvrp", "ortools")},
        "matcher_workers": "all cores (Settings.workers default)",
        "pyvrp_workers": 1,
    }
    out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    print(markdown(rows, budgets))
    print(f"\nwritten {out}")
    errors = [e for row in rows for e in row["errors"]]
    if errors:
        print("\n" + "!" * 78, file=sys.stderr)
        print(f"ERROR: {len(errors)} broken promise(s):", file=sys.stderr)
        for e in errors:
            print(f"  {e}", file=sys.stderr)
        print("!" * 78, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
