"""Residents' wishes about who serves them: a favourite volunteer, someone they won't have.

Wishes stick to the resident: the same resident asking the same team again names the same
volunteers, as people do. Favourites are volunteers of the right team with the right skills
who live nearby; exclusions are any member of the team.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from matcher._internal.generate import geography
from matcher._internal.generate.profiles import EXCLUDED_SHARE, PREFERRED_SHARE

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

NEAREST = 15
"""A favourite is drawn from the nearest this many suitable volunteers."""


class _Roster:
    """Volunteers indexed by team and skill, so suitable candidates are one lookup away."""

    def __init__(self, volunteers: pd.DataFrame) -> None:
        self.ids: list[str] = volunteers["volunteer_id"].tolist()
        self.team = volunteers["team"].to_numpy(dtype=object)
        self.skills = [frozenset(s) for s in volunteers["skills"]]
        self.east, self.north = geography.to_metres(
            volunteers["lat"].to_numpy(dtype=np.float64),
            volunteers["lon"].to_numpy(dtype=np.float64),
        )
        self._cache: dict[tuple[str | None, tuple[str, ...]], Ints] = {}

    def suitable(self, team: str | None, skills: tuple[str, ...]) -> Ints:
        key = (team, skills)
        if key not in self._cache:
            need = frozenset(skills)
            members = np.flatnonzero(self.team == team) if team else np.arange(len(self.ids))
            self._cache[key] = np.array(
                [i for i in members.tolist() if need <= self.skills[i]], dtype=np.int64
            )
        return self._cache[key]


def preferences(
    rng: np.random.Generator,
    volunteers: pd.DataFrame,
    team: list[str | None],
    skills: list[tuple[str, ...]],
    resident: Ints,
    east: Floats,
    north: Floats,
) -> tuple[list[list[str]], list[list[str]]]:
    """Preferred and excluded volunteer ids per request (mostly empty)."""
    n = len(team)
    preferred: list[list[str]] = [[] for _ in range(n)]
    excluded: list[list[str]] = [[] for _ in range(n)]
    if n == 0 or len(volunteers) == 0:
        return preferred, excluded
    roster = _Roster(volunteers)
    asks = resident >= 0
    wants = np.flatnonzero(asks & (rng.random(n) < PREFERRED_SHARE))
    avoids = np.flatnonzero(asks & (rng.random(n) < EXCLUDED_SHARE))
    favourites: dict[tuple[int, str | None, tuple[str, ...]], list[str]] = {}
    for i in wants.tolist():
        key = (int(resident[i]), team[i], skills[i])
        if key not in favourites:
            pool = roster.suitable(team[i], skills[i])
            if not len(pool):
                continue
            dist = np.hypot(roster.east[pool] - east[i], roster.north[pool] - north[i])
            near = pool[np.argsort(dist, kind="stable")[:NEAREST]]
            k = min(len(near), 1 if rng.random() < 0.8 else 2)
            favourites[key] = sorted(roster.ids[j] for j in rng.choice(near, k, replace=False))
        preferred[i] = favourites[key]
    disliked: dict[tuple[int, str | None], str] = {}
    for i in avoids.tolist():
        key2 = (int(resident[i]), team[i])
        if key2 not in disliked:
            pool = roster.suitable(team[i], ())
            if not len(pool):
                continue
            disliked[key2] = roster.ids[int(rng.choice(pool))]
        if disliked[key2] not in preferred[i]:
            excluded[i] = [disliked[key2]]
    return preferred, excluded
