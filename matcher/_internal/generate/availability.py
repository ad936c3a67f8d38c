"""When volunteers can serve: morning, afternoon and evening blocks, day by day.

Each volunteer has a usual weekday and a usual weekend routine (young people mostly in the
evening, retirees most of the day); on any given day they keep it most of the time and
otherwise do something else, which may be nothing. A few care and medical volunteers are on
call at night for urgent one-click calls. Everything is drawn as flat numpy arrays of
minutes after the first midnight and only turned into ISO interval text at the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from matcher._internal.generate.profiles import MIDDLE, RETIRED, YOUNG

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

DAY = 1440
MORNING = (480, 720)  # 08:00-12:00
AFTERNOON = (810, 1050)  # 13:30-17:30
EVENING = (1110, 1260)  # 18:30-21:00
FULL_DAY = (480, 1050)  # 08:00-17:30 in one piece
MOST_OF_DAY = (450, 1200)  # 07:30-20:00, retirees
NIGHT = (1260, DAY + 420)  # 21:00-07:00 next morning, on call

PATTERNS: tuple[tuple[tuple[int, int], ...], ...] = (
    (),
    (MORNING,),
    (AFTERNOON,),
    (EVENING,),
    (MORNING, AFTERNOON),
    (AFTERNOON, EVENING),
    (MORNING, EVENING),
    (MORNING, AFTERNOON, EVENING),
    (FULL_DAY,),
    (MOST_OF_DAY,),
)
"""A day's routine as availability blocks, minutes after midnight; pattern 0 is 'not today'."""

#                    M     A     E     MA    AE    ME    MAE  full  most
_WEEKDAY = {
    YOUNG: (0.07, 0.10, 0.54, 0.03, 0.11, 0.04, 0.02, 0.06, 0.03),
    MIDDLE: (0.13, 0.15, 0.40, 0.07, 0.08, 0.05, 0.03, 0.08, 0.01),
    RETIRED: (0.26, 0.18, 0.07, 0.15, 0.05, 0.05, 0.03, 0.09, 0.12),
}
_WEEKEND = {
    YOUNG: (0.20, 0.20, 0.16, 0.11, 0.09, 0.04, 0.04, 0.13, 0.03),
    MIDDLE: (0.20, 0.20, 0.19, 0.11, 0.08, 0.04, 0.03, 0.13, 0.02),
    RETIRED: _WEEKDAY[RETIRED],
}
"""Routine probabilities over patterns 1..9 by age group, for days a volunteer serves."""

ACTIVE_BY_AGE = (0.42, 0.48, 0.68)
"""Mean share of days a volunteer serves at all, by age group (each person has their own)."""
ACTIVE_CONCENTRATION = 4.0
"""Beta concentration of the per-person share: higher means everyone is closer to the mean."""
KEEP_ROUTINE = 0.7
"""Probability that a volunteer on duty follows their usual routine that day."""
ON_CALL_NIGHT = 0.5
"""Probability that a night-capable volunteer is on call on a given night."""
JITTER = 0.15
"""Probability that a block starts half an hour late (and, separately, ends half an hour early)."""


def _cdf(table: Mapping[int, tuple[float, ...]]) -> npt.NDArray[np.float64]:
    probs = np.array([table[g] for g in (YOUNG, MIDDLE, RETIRED)], dtype=np.float64)
    cdf = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    cdf[:, -1] = 1.0
    return cdf


def _draw(rng: np.random.Generator, cdf: npt.NDArray[np.float64], age: Ints) -> Ints:
    """One routine (pattern 1..9) per entry of `age` (any shape) by inverse CDF."""
    u = rng.random(age.shape)
    rows = cdf[age]
    return np.asarray((u[..., None] >= rows[..., :-1]).sum(axis=-1) + 1, dtype=np.int64)


def daily_patterns(rng: np.random.Generator, age: Ints, weekend: Bools) -> Ints:
    """Pattern index per volunteer and day, shape (volunteers, days).

    A volunteer serves on a day with their own probability (retirees more often than
    people at work); on such a day they keep their usual routine or, now and then, another.
    """
    n, days = len(age), len(weekend)
    mean = np.array(ACTIVE_BY_AGE)[age]
    active_share = rng.beta(mean * ACTIVE_CONCENTRATION, (1 - mean) * ACTIVE_CONCENTRATION)
    usual_weekday = _draw(rng, _cdf(_WEEKDAY), age)
    usual_weekend = _draw(rng, _cdf(_WEEKEND), age)
    grid_age = np.broadcast_to(age[:, None], (n, days))
    variant = np.where(
        weekend[None, :],
        _draw(rng, _cdf(_WEEKEND), grid_age),
        _draw(rng, _cdf(_WEEKDAY), grid_age),
    )
    usual = np.where(weekend[None, :], usual_weekend[:, None], usual_weekday[:, None])
    keep = rng.random((n, days)) < KEEP_ROUTINE
    active = rng.random((n, days)) < active_share[:, None]
    return np.asarray(np.where(active, np.where(keep, usual, variant), 0), dtype=np.int64)


def _pattern_table() -> tuple[Ints, Ints]:
    width = max(len(p) for p in PATTERNS)
    blocks = np.zeros((len(PATTERNS), width, 2), dtype=np.int64)
    for i, pattern in enumerate(PATTERNS):
        for j, block in enumerate(pattern):
            blocks[i, j] = block
    counts = np.array([len(p) for p in PATTERNS], dtype=np.int64)
    return blocks, counts


def availability_minutes(
    rng: np.random.Generator, age: Ints, on_call: Bools, weekend: Bools
) -> tuple[Ints, Ints, Ints]:
    """Disjoint availability intervals as (volunteer, start, end) arrays in minutes after the
    first midnight, sorted by volunteer then start; touching blocks are merged into one so an
    assignment may run across them."""
    n, days = len(age), len(weekend)
    pattern = daily_patterns(rng, age, weekend).ravel()
    blocks, counts = _pattern_table()
    per_cell = counts[pattern]
    cell = np.repeat(np.arange(n * days), per_cell)
    first_of_cell = np.repeat(np.cumsum(per_cell) - per_cell, per_cell)
    rank = np.arange(len(cell)) - first_of_cell
    chosen = blocks[pattern[cell], rank]
    day = cell % days
    start = chosen[:, 0] + day * DAY
    end = chosen[:, 1] + day * DAY
    late = rng.random(len(cell)) < JITTER
    early = rng.random(len(cell)) < JITTER
    start = start + np.where(late & (end - start >= 120), 30, 0)
    end = end - np.where(early & (end - start >= 120), 30, 0)
    vol = cell // days

    # Night duty: nights -1 (the small hours of the first day) to days - 1.
    nights = np.arange(-1, days)
    duty = on_call[:, None] & (rng.random((n, len(nights))) < ON_CALL_NIGHT)
    nv, ni = np.nonzero(duty)
    n_start = np.maximum(nights[ni] * DAY + NIGHT[0], 0)
    n_end = nights[ni] * DAY + NIGHT[1]

    vol = np.concatenate([vol, nv.astype(np.int64)])
    start = np.concatenate([start, n_start])
    end = np.concatenate([end, n_end])
    order = np.lexsort((start, vol))
    vol, start, end = vol[order], start[order], end[order]
    return _merge_touching(vol, start, end)


def _merge_touching(vol: Ints, start: Ints, end: Ints) -> tuple[Ints, Ints, Ints]:
    if len(vol) == 0:
        return vol, start, end
    new = np.ones(len(vol), dtype=bool)
    new[1:] = (vol[1:] != vol[:-1]) | (start[1:] != end[:-1])
    heads = np.flatnonzero(new)
    merged_end = np.maximum.reduceat(end, heads)
    return vol[heads], start[heads], np.asarray(merged_end, dtype=np.int64)


def interval_texts(vol: Ints, start: Ints, end: Ints, n: int, first_day: date) -> list[list[str]]:
    """Per volunteer, the intervals as ISO 8601 `start/end` text, naive local time."""
    base = np.datetime64(first_day.isoformat(), "m")
    starts = np.datetime_as_string(base + start.astype("timedelta64[m]"), unit="s")
    ends = np.datetime_as_string(base + end.astype("timedelta64[m]"), unit="s")
    texts = [f"{s}/{e}" for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
    bounds = np.searchsorted(vol, np.arange(n + 1)).tolist()
    return [texts[bounds[i] : bounds[i + 1]] for i in range(n)]


def weekend_flags(first_day: date, days: int) -> Bools:
    """Whether each day of the horizon is a Saturday or Sunday."""
    return np.array(
        [(first_day + timedelta(days=d)).weekday() >= 5 for d in range(days)], dtype=bool
    )
