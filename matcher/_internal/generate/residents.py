"""The residents who ask for help: a pool with homes, ages and how often each one asks.

Drawing requests from a pool, with very uneven request rates, gives what a real community
has: many residents ask once or not at all, some ask several times, which is what continuity
of care is about.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher._internal.generate import geography
from matcher._internal.generate.profiles import DIALECT_REQUESTER_SHARE, ELDERLY_RESIDENT_SHARE

FREQUENT_SHARE = 0.2
FREQUENT_RATE = 2.5
"""A fifth of the residents (the frailest, the busiest families) ask 2.5 times as often."""

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Residents:
    """Residents who may ask for help, with their homes in metres from the centre."""

    ids: list[str]
    east: Floats
    north: Floats
    elderly: Bools
    dialect: Bools
    """Elderly residents who would rather be served in Jin."""
    rate: Floats
    """Relative request rate: a few residents ask far more often than the rest."""
    address: list[str | None]
    """Compound, building, unit and flat of the home; None outside every compound."""

    def draw(self, rng: np.random.Generator, eligible: Bools, size: int) -> Ints:
        """`size` residents among `eligible`, proportional to their request rates."""
        pool = np.flatnonzero(eligible)
        if size == 0:
            return np.zeros(0, dtype=np.int64)
        if not len(pool):
            pool = np.arange(len(self.ids))
        p = self.rate[pool] / self.rate[pool].sum()
        return np.asarray(pool[rng.choice(len(pool), size=size, p=p)], dtype=np.int64)


POOL_PER_DAILY_REQUEST = 1.2
"""Residents in the pool per request and day: on a day most askers ask once, and over a
week the same residents come back."""


def make_residents(rng: np.random.Generator, requests: int, days: int) -> Residents:
    """A pool sized to the requests per day (at most the community's 19,000 residents)."""
    per_day = requests / max(days, 1)
    n = int(min(geography.RESIDENTS, max(20, round(POOL_PER_DAILY_REQUEST * per_day))))
    east, north = geography.around_compounds(
        rng, n, stray_share=0.01, stray_half_side=geography.HALF_SIDE_M
    )
    elderly = rng.random(n) < ELDERLY_RESIDENT_SHARE
    dialect = elderly & (rng.random(n) < DIALECT_REQUESTER_SHARE)
    frequent = rng.random(n) < FREQUENT_SHARE
    rate = rng.gamma(4.0, 0.25, size=n) * np.where(frequent, FREQUENT_RATE, 1.0)
    east = np.clip(east, -geography.HALF_SIDE_M, geography.HALF_SIDE_M)
    north = np.clip(north, -geography.HALF_SIDE_M, geography.HALF_SIDE_M)
    return Residents(
        ids=[f"P{i:05d}" for i in range(1, n + 1)],
        east=east,
        north=north,
        elderly=elderly,
        dialect=dialect,
        rate=rate,
        address=geography.home_addresses(east, north),
    )
