"""The volunteers table: teams, homes, skills, languages, caps and availability."""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd

from matcher._internal.generate import geography
from matcher._internal.generate.availability import (
    availability_minutes,
    interval_texts,
    weekend_flags,
)
from matcher._internal.generate.names import display_names
from matcher._internal.generate.profiles import (
    AGE_MIX,
    CROSS_SKILLS,
    DIALECT_BY_AGE,
    ENGLISH_BY_AGE,
    MAX_MINUTES,
    MAX_TASKS,
    MAX_TASKS_SHARE,
    MAX_WALK,
    ON_CALL_SHARE,
    SKILL_COUNT_PROBS,
    SKILL_WEIGHTS,
    TEAM_SHARES,
)

Ints = npt.NDArray[np.int64]

VOLUNTEER_COLUMNS = [
    "volunteer_id",
    "team",
    "skills",
    "lat",
    "lon",
    "availability",
    "max_minutes_per_day",
    "max_tasks_per_day",
    "max_walk_minutes",
    "languages",
    "name",
]

NIGHT_SKILLS = frozenset({"elderly_care", "first_aid"})
"""Skills an urgent one-click call asks for; night duty goes to volunteers who have one."""


def team_counts(n: int) -> dict[str, int]:
    """Members per team: proportional to `TEAM_SHARES` (largest remainder), and at least one
    per team once there are enough volunteers, so no team's requests are hopeless."""
    codes = list(TEAM_SHARES)
    shares = np.array([TEAM_SHARES[c] for c in codes])
    exact = shares / shares.sum() * n
    counts = np.floor(exact).astype(np.int64)
    for i in np.argsort(-(exact - counts), kind="stable")[: n - int(counts.sum())]:
        counts[i] += 1
    if n >= len(codes):
        while (counts == 0).any():
            counts[int(np.argmax(counts))] -= 1
            counts[int(np.argmin(counts))] += 1
    return {c: int(k) for c, k in zip(codes, counts, strict=True)}


def _team_skills(rng: np.random.Generator, team: str, size: int) -> list[list[str]]:
    """1-3 of the team's typical skills per member (weighted, without replacement), with
    every skill held by someone when the team is big enough to cover them all."""
    names = list(SKILL_WEIGHTS[team])
    weights = np.array([SKILL_WEIGHTS[team][s] for s in names])
    keys = np.log(weights)[None, :] - np.log(-np.log(rng.random((size, len(names)))))
    order = np.argsort(-keys, axis=1)  # Gumbel top-k: weighted sampling without replacement
    k = np.minimum(rng.choice(3, size=size, p=SKILL_COUNT_PROBS) + 1, len(names))
    has = np.zeros((size, len(names)), dtype=bool)
    rows = np.arange(size)
    for j in range(len(names)):
        has[rows, order[:, j]] |= j < k
    if size >= len(names):
        for s in np.flatnonzero(~has.any(axis=0)):
            room = np.flatnonzero(has.sum(axis=1) < 3)
            if len(room):
                has[rng.choice(room), s] = True
    return [[names[j] for j in np.flatnonzero(row)] for row in has]


def _languages(rng: np.random.Generator, age: Ints, skills: list[list[str]]) -> list[list[str]]:
    n = len(age)
    jin = rng.random(n) < np.array(DIALECT_BY_AGE)[age]
    english = rng.random(n) < np.array(ENGLISH_BY_AGE)[age]
    return [
        ["mandarin"] + (["jin"] if j else []) + (["english"] if e or "english" in s else [])
        for j, e, s in zip(jin.tolist(), english.tolist(), skills, strict=True)
    ]


def make_volunteers(rng: np.random.Generator, n: int, days: int, first_day: date) -> pd.DataFrame:
    """`n` volunteers with availability over `days` days from `first_day`."""
    counts = team_counts(n)
    teams = np.array([t for t, k in counts.items() for _ in range(k)], dtype=object)
    team_of = rng.permutation(teams) if n else teams

    age = np.zeros(n, dtype=np.int64)
    skills: list[list[str]] = [[] for _ in range(n)]
    for team in counts:
        members = np.flatnonzero(team_of == team)
        if not len(members):
            continue
        age[members] = rng.choice(3, size=len(members), p=AGE_MIX[team])
        for i, held in zip(members.tolist(), _team_skills(rng, team, len(members)), strict=True):
            skills[i] = held
    for skill, share in CROSS_SKILLS.items():
        for i in np.flatnonzero(rng.random(n) < share).tolist():
            if skill not in skills[i]:
                skills[i] = [*skills[i], skill]

    east, north = geography.around_compounds(
        rng, n, stray_share=0.04, stray_half_side=geography.STRAY_HALF_SIDE_M
    )
    lat, lon = geography.to_latlon(east, north)

    night_capable = np.array(
        [
            t in ("care", "medical") and not NIGHT_SKILLS.isdisjoint(s)
            for t, s in zip(team_of, skills, strict=True)
        ],
        dtype=bool,
    )
    on_call = night_capable & (rng.random(n) < ON_CALL_SHARE)
    vol, start, end = availability_minutes(rng, age, on_call, weekend_flags(first_day, days))
    availability = interval_texts(vol, start, end, n, first_day)

    max_minutes = rng.choice(MAX_MINUTES[0], size=n, p=MAX_MINUTES[1])
    tasks = rng.choice(MAX_TASKS[0], size=n, p=MAX_TASKS[1])
    has_tasks_cap = rng.random(n) < MAX_TASKS_SHARE
    walk_p = np.array(MAX_WALK[1])[age]
    walk = np.array(MAX_WALK[0])[
        (rng.random(n)[:, None] >= np.cumsum(walk_p, axis=1)[:, :-1]).sum(axis=1)
    ]

    return pd.DataFrame(
        {
            "volunteer_id": [f"V{i:05d}" for i in range(1, n + 1)],
            "team": team_of.tolist(),
            "skills": skills,
            "lat": lat,
            "lon": lon,
            "availability": availability,
            "max_minutes_per_day": max_minutes.astype(np.int64),
            "max_tasks_per_day": pd.Series(tasks, dtype="Int64").mask(~has_tasks_cap),
            "max_walk_minutes": walk.astype(np.int64),
            "languages": _languages(rng, age, skills),
            "name": display_names(rng, n),
        },
        columns=VOLUNTEER_COLUMNS,
    )
