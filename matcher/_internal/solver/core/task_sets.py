"""The sets of tasks one volunteer can do in a row: shared by the bound's route hulls and the
search's route model, which both need every feasible set of a volunteer's day."""

from __future__ import annotations

import numpy as np

from matcher._internal.solver.core.instance import IntArray

NEVER = np.iinfo(np.int64).max  # "no feasible start"
EXPANSION_PER_ROUTE = 50
"""A day whose next extension step would weigh more than this many candidate extensions
per allowed route is given up as too large before the work is done."""


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
