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

from matcher._internal.solver.instance import DAY_KEY, Instance, IntArray
from matcher._internal.solver.rules import start_window

NEVER = np.iinfo(np.int64).max  # "no feasible start"
EXPANSION_PER_ROUTE = 50
"""A day whose next extension step would weigh more than this many candidate extensions
per allowed route is given up as too large before the work is done."""


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
    routes, until `deadline` (a `time.perf_counter()` reading): fewer hulls only loosen."""
    keys, one_day = inst.volunteer_days(pair_r, pair_v)
    sel = np.flatnonzero(one_day)
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


def feasible_task_sets(
    duration: IntArray,
    lo: IntArray,
    hi: IntArray,
    walk: IntArray,
    *,
    minutes_cap: int,
    tasks_cap: int,
    limit: int,
) -> np.ndarray | None:
    """The sets of tasks one volunteer can do in a row, as 0/1 rows over the tasks, or None
    when there are more than `limit`. Task j may start in any range lo[j, k]..hi[j, k] (an
    empty one has lo > hi); `walk[i, j]` minutes must pass between the end of i and the
    start of j when j follows i; at most `minutes_cap` minutes and `tasks_cap` tasks.

    A dynamic programme over states (task set, last task) keeping the earliest end, one
    route length at a time; sets are bit masks over the tasks, in 64-bit words. Starting
    each task as early as it may is never worse for what follows, so no set is missed."""
    n = len(duration)
    words = max(1, -(-n // 64))
    first = np.where(lo <= hi, lo, NEVER).min(axis=1)
    last = np.flatnonzero((first < NEVER) & (duration <= minutes_cap))
    mask = _with_bit(np.zeros((len(last), words), np.uint64), last)
    end, minutes = first[last] + duration[last], duration[last]
    found = [mask]
    count = len(mask)
    size = 1
    while len(mask) and size < tasks_cap:
        if count > limit or len(mask) * n > EXPANSION_PER_ROUTE * limit:
            return None  # too many routes, or too costly to find out
        size += 1
        # Extend every state by every task not in it that fits the minutes and its window.
        s, j = (a.astype(np.int64) for a in np.divmod(np.arange(len(mask) * n), n))
        ok = (_bit(mask[s], j) == 0) & (minutes[s] + duration[j] <= minutes_cap)
        s, j = s[ok], j[ok]
        arrive = end[s] + walk[last[s], j]
        start_at = np.maximum(arrive[:, None], lo[j])
        start = np.where(start_at <= hi[j], start_at, NEVER).min(axis=1)
        ok = start < NEVER
        s, j, start = s[ok], j[ok], start[ok]
        new_mask = _with_bit(mask[s], j)
        new_end = start + duration[j]
        # One state per (set, last task): the earliest end dominates.
        order = np.lexsort((new_end, j, *new_mask.T[::-1]))
        new_mask, j, new_end, s = new_mask[order], j[order], new_end[order], s[order]
        new_set = np.ones(len(order), dtype=bool)
        new_set[1:] = (new_mask[1:] != new_mask[:-1]).any(axis=1)
        head = new_set.copy()
        head[1:] |= j[1:] != j[:-1]
        found.append(new_mask[new_set])
        count += int(new_set.sum())
        mask, last, end = new_mask[head], j[head], new_end[head]
        minutes = minutes[s[head]] + duration[last]
    if count > limit:
        return None
    as_bytes = np.concatenate(found).astype("<u8").view(np.uint8)
    return np.unpackbits(as_bytes, axis=1, bitorder="little")[:, :n]


def _bit(mask: np.ndarray, j: IntArray) -> np.ndarray:
    word = mask[np.arange(len(j)), j // 64]
    return (word >> (j % 64).astype(np.uint64)) & np.uint64(1)


def _with_bit(mask: np.ndarray, j: IntArray) -> np.ndarray:
    out = mask.copy()
    rows = np.arange(len(j))
    out[rows, j // 64] |= np.left_shift(np.uint64(1), (j % 64).astype(np.uint64))
    return out


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
    lat, lon = inst.r_lat[pair_r], inst.r_lon[pair_r]
    minutes = inst.walking.matrix(lat, lon, lat, lon)
    return np.ceil(minutes - 1e-6).astype(np.int64)
