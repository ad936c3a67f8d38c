"""The route search's inner loops, compiled by numba: the slack pass of `make_route`, the gap
scan of `Route.gaps` and `pairwise_starts`, on int64 arrays and the instance's int32 travel
matrix (`Walks.travel_matrix`, row i column j the walk from i to j).

Why compiled: each call walks one route of tens of visits, too short for numpy to pay off,
and in plain Python these loops and their travel look-ups were most of a ruin-and-recreate
step. The arithmetic is that of `route.py`'s docstring, line for line (rule 4 own windows,
rule 6 travel between visits); rule 7's day caps stay in Python (`within_day_caps`) and come
in as one boolean per start segment. route.py keeps a plain-Python path for instances too
large for a travel matrix, and the tests hold the two to the same answers.

`cache=True` stores the machine code next to this module, so only the first run on a machine
compiles (about a second for all three); concurrent processes share the cache safely (numba
writes it atomically).
"""

from __future__ import annotations

import numba
import numpy as np

NEVER = -(10**12)
ALWAYS = 10**12


@numba.njit(cache=True)
def slack(
    visits: np.ndarray, duration: np.ndarray, lo: np.ndarray, hi: np.ndarray, travel: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int]:
    """earliest[i], latest[i] (see route.py) and the minutes walked between visits."""
    n = visits.shape[0]
    earliest = np.empty(n, np.int64)
    latest = np.empty(n, np.int64)
    walked = 0
    for i in range(n):
        if i == 0:
            earliest[i] = lo[i]
        else:
            walk = int(travel[visits[i - 1], visits[i]])
            walked += walk
            earliest[i] = max(lo[i], earliest[i - 1] + duration[i - 1] + walk)
    for i in range(n - 1, -1, -1):
        if i == n - 1:
            latest[i] = hi[i]
        else:
            walk = int(travel[visits[i], visits[i + 1]])
            latest[i] = min(hi[i], latest[i + 1] - duration[i] - walk)
    return earliest, latest, walked


@numba.njit(cache=True)
def gaps(
    visits: np.ndarray,
    duration: np.ndarray,
    earliest: np.ndarray,
    latest: np.ndarray,
    r: int,
    d: int,
    segments: np.ndarray,
    room: np.ndarray,
    travel: np.ndarray,
) -> tuple[np.ndarray, int]:
    """`Route.gaps`: rows (position, lo, hi, day) where r fits, and the positions tested.
    `segments` holds r's start segments as rows (lo, hi, day), `room[k]` whether segment k's
    day has room for r."""
    n = visits.shape[0]
    k = segments.shape[0]
    last = segments[k - 1, 1] if k else NEVER
    found = np.empty((n + 1, 4), np.int64)
    m = 0
    for pos in range(n + 1):
        if pos:
            p = pos - 1
            ready = earliest[p] + duration[p] + int(travel[visits[p], r])
            if ready > last:
                return found[:m], pos + 1
        else:
            ready = NEVER
        due = latest[pos] - d - int(travel[r, visits[pos]]) if pos < n else ALWAYS
        if ready > due:
            continue
        for s in range(k):
            a = max(segments[s, 0], ready)
            b = min(segments[s, 1], due)
            if a <= b and room[s]:
                found[m, 0] = pos
                found[m, 1] = a
                found[m, 2] = b
                found[m, 3] = segments[s, 2]
                m += 1
                break
    return found[:m], n + 1


@numba.njit(cache=True)
def pairwise_starts(
    visits: np.ndarray, duration: np.ndarray, lo: np.ndarray, hi: np.ndarray, travel: np.ndarray
) -> tuple[np.ndarray, bool]:
    """`route.pairwise_starts`: the starts and True, or (anything, False) when untimed."""
    n = visits.shape[0]
    starts = np.empty(n, np.int64)
    for i in range(n):
        r = visits[i]
        s = lo[i]
        for j in range(i):
            s = max(s, starts[j] + duration[j] + int(travel[visits[j], r]))
        if s > hi[i]:
            return starts, False
        starts[i] = s
    return starts, True
