"""Every feasible route of a volunteer's day, for volunteer-days that have few of them.

Why: the linear relaxation lets a volunteer fill their minutes with fractions of tasks (two
thirds of an 80-minute visit after a 75-minute one). Constraining each volunteer-day's task
choice to the convex hull of its real routes (tasks inside windows and availability, walks
between them, both daily caps) removes that. Measured on the tight day's tutoring team
(68 volunteers, all crews of one): the relaxation gave 489, hulls for the volunteer-days
with at most 3,000 routes 454, hulls for all 444, against a schedule serving 431.

A route is a set of tasks, listed here as indices into the volunteer-day's candidates. Every
check relaxes the real rules (walks only between consecutive tasks, walks rounded down by a
hair), so every real day's tasks are among the routes found: the hull stays a relaxation.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from matcher._internal.solver.core.instance import DAY_KEY, Instance, IntArray
from matcher._internal.solver.core.rules import start_window
from matcher._internal.solver.core.task_sets import feasible_task_sets


@dataclass(frozen=True)
class Hulls:
    """The routes of every volunteer-day that has at most the limit of them, as entries
    (route, pair): `pair` is a position in the pair arrays the hulls were built from."""

    linked_pairs: IntArray  # pairs whose choice is tied to their volunteer-day's routes
    entry_pair: IntArray
    entry_route: IntArray
    route_day: IntArray  # each route's volunteer-day, numbered 0..n_days-1

    @property
    def n_routes(self) -> int:
        return len(self.route_day)

    @property
    def n_days(self) -> int:
        return int(self.route_day.max()) + 1 if len(self.route_day) else 0


def route_hulls(
    inst: Instance,
    pair_r: IntArray,
    pair_v: IntArray,
    limit: int,
    deadline: float | None = None,
) -> Hulls:
    """Routes of each volunteer-day among the given pairs, for the days with at most `limit`
    routes, until `deadline` (a `time.perf_counter()` reading): fewer hulls only loosen.
    None where travel may break the triangle inequality (see `core.walking`): a route that
    leaves out the services between two of its own would then over-constrain them."""
    keys, one_day = inst.volunteer_days(pair_r, pair_v)
    sel = np.flatnonzero(one_day & inst.walks.travel_is_metric)
    sel = sel[np.argsort(keys[sel], kind="stable")]
    cuts = np.flatnonzero(np.diff(keys[sel])) + 1
    linked: list[IntArray] = []
    entry_pair: list[IntArray] = []
    entry_route: list[IntArray] = []
    route_day: list[IntArray] = []
    n_routes = 0
    for positions in np.split(sel, cuts) if len(sel) else []:
        if deadline is not None and time.perf_counter() > deadline:
            break
        key = int(keys[positions[0]])
        members = day_routes(inst, pair_r[positions], key, limit)
        if members is None:
            continue
        route, task = np.nonzero(members)
        linked.append(positions)
        entry_pair.append(positions[task])
        entry_route.append(n_routes + route)
        route_day.append(np.full(len(members), len(route_day), np.int64))
        n_routes += len(members)
    empty = np.zeros(0, np.int64)
    return Hulls(
        np.concatenate(linked) if linked else empty,
        np.concatenate(entry_pair) if entry_pair else empty,
        np.concatenate(entry_route) if entry_route else empty,
        np.concatenate(route_day) if route_day else empty,
    )


def day_routes(inst: Instance, pair_r: IntArray, day_key: int, limit: int) -> np.ndarray | None:
    """The feasible task sets of one volunteer-day among the requests `pair_r` (candidates
    of that volunteer, windows inside that day), as 0/1 rows over them, or None when there
    are more than `limit` (the caller then keeps the plain rows for that day)."""
    v = day_key // DAY_KEY
    lo, hi = _start_ranges(inst, pair_r, v)
    return feasible_task_sets(
        inst.r_duration[pair_r].astype(np.int64), lo, hi, _walks(inst, pair_r),
        minutes_cap=int(inst.day_capacity(np.array([day_key]))[0]),
        tasks_cap=int(inst.v_max_tasks[v]), limit=limit,
    )  # fmt: skip


def _start_ranges(inst: Instance, pair_r: IntArray, v: int) -> tuple[IntArray, IntArray]:
    """Per candidate, the start range inside each of v's availability intervals (columns);
    an empty one has lo > hi."""
    a = np.arange(int(inst.a_ptr[v]), int(inst.a_ptr[v + 1]))
    es, ls = inst.r_earliest[pair_r][:, None], inst.r_latest[pair_r][:, None]
    d = inst.r_duration[pair_r][:, None]
    lo, hi = start_window(es, ls, d, inst.a_start[a][None, :], inst.a_end[a][None, :])
    lo, hi = lo.astype(np.int64), hi.astype(np.int64)
    if lo.shape[1] == 0:
        return np.ones((len(pair_r), 1), np.int64), np.zeros((len(pair_r), 1), np.int64)
    return lo, hi


def _walks(inst: Instance, pair_r: IntArray) -> IntArray:
    """Whole walking minutes between the candidates, rounded down by a hair more than the
    schedule rounds, so float noise can never make this stricter than the real rule."""
    minutes = inst.walks.between_matrix(pair_r)
    return np.ceil(minutes - 1e-6).astype(np.int64)
