"""The requests table: what residents ask for, where, when, how urgent and for how many."""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd

from matcher._internal.generate import geography
from matcher._internal.generate.preferences import preferences
from matcher._internal.generate.profiles import KINDS, URGENT_WINDOWS, KindProfile
from matcher._internal.generate.residents import Residents, make_residents

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

REQUEST_COLUMNS = [
    "request_id",
    "kind",
    "team",
    "required_skills",
    "lat",
    "lon",
    "earliest_start",
    "latest_start",
    "duration_minutes",
    "volunteers_needed",
    "priority",
    "resident_id",
    "preferred_volunteers",
    "excluded_volunteers",
    "language",
    "address",
]

DAY = 1440
DAYTIME_CALLS = (420, 1320)
"""Most urgent calls come between 07:00 and 22:00; the rest at any hour, night included."""
NIGHT_CALL_SHARE = 0.3


class _Batch:
    """Column arrays for `n` requests, filled kind by kind."""

    def __init__(self, n: int) -> None:
        self.team: list[str | None] = [None] * n
        self.skills: list[tuple[str, ...]] = [()] * n
        self.east = np.zeros(n)
        self.north = np.zeros(n)
        self.minute = np.zeros(n, dtype=np.int64)
        self.window = np.zeros(n, dtype=np.int64)
        self.duration = np.zeros(n, dtype=np.int64)
        self.crew = np.ones(n, dtype=np.int64)
        self.priority = np.full(n, 3, dtype=np.int64)
        self.resident = np.full(n, -1, dtype=np.int64)
        self.language: list[str | None] = [None] * n
        self.address: list[str | None] = [None] * n


def _timing(
    rng: np.random.Generator, prof: KindProfile, m: int, urgent: npt.NDArray[np.bool_]
) -> tuple[Ints, Ints]:
    """Start-of-window minute after midnight and window length for `m` requests of a kind."""
    ranges = np.array(prof.hours, dtype=np.int64)[rng.integers(0, len(prof.hours), m)]
    window = np.minimum(
        np.array(prof.windows)[rng.integers(0, len(prof.windows), m)], ranges[:, 1] - ranges[:, 0]
    )
    steps = (ranges[:, 1] - ranges[:, 0] - window) // 15 + 1
    minute = ranges[:, 0] + 15 * np.floor(rng.random(m) * steps).astype(np.int64)

    if prof.slots:
        fixed = rng.random(m) < prof.fixed_share
        minute = np.where(fixed, np.array(prof.slots)[rng.integers(0, len(prof.slots), m)], minute)
        window = np.where(fixed, 0, window)

    if urgent.any():
        at_night = rng.random(m) < NIGHT_CALL_SHARE
        lo = np.where(at_night, 0, DAYTIME_CALLS[0])
        hi = np.where(at_night, DAY, DAYTIME_CALLS[1])
        call = lo + 5 * np.floor(rng.random(m) * (hi - lo) / 5).astype(np.int64)
        minute = np.where(urgent, call, minute)
        window = np.where(
            urgent, np.array(URGENT_WINDOWS)[rng.integers(0, len(URGENT_WINDOWS), m)], window
        )
    return minute.astype(np.int64), window.astype(np.int64)


def _places(
    rng: np.random.Generator, prof: KindProfile, residents: Residents, who: Ints
) -> tuple[Floats, Floats, list[str | None]]:
    """Where the service happens: the resident's home, the service centre, or anywhere; and
    its address (the home's, the centre's name, or none for a spot in the open)."""
    m = len(who)
    home = who >= 0
    east = np.where(home, residents.east[np.maximum(who, 0)], 0.0)
    north = np.where(home, residents.north[np.maximum(who, 0)], 0.0)
    centre = geography.near_service_centre(rng, m)
    spot = geography.anywhere(rng, m)
    if prof.place == "centre":
        use_centre = np.ones(m, dtype=bool)
    elif prof.place == "home_or_centre":
        use_centre = rng.random(m) < 0.5
    else:
        use_centre = np.zeros(m, dtype=bool)
    anywhere = (prof.place == "anywhere") | ~home
    east = np.where(use_centre, centre[0], np.where(anywhere, spot[0], east))
    north = np.where(use_centre, centre[1], np.where(anywhere, spot[1], north))
    address = [
        geography.SERVICE_CENTRE_NAME if at_centre else None if open_air else residents.address[w]
        for at_centre, open_air, w in zip(
            use_centre.tolist(), np.broadcast_to(anywhere, m).tolist(), who.tolist(), strict=True
        )
    ]
    return east, north, address


def _fill_kind(
    rng: np.random.Generator, batch: _Batch, idx: Ints, prof: KindProfile, residents: Residents
) -> None:
    m = len(idx)
    options = [o for o, _ in prof.skills]
    probs = np.array([p for _, p in prof.skills])
    picked = rng.choice(len(options), size=m, p=probs / probs.sum())
    open_team = rng.random(m) < prof.open_team_share
    for j, i in enumerate(idx.tolist()):
        skills = options[picked[j]]
        batch.skills[i] = skills
        batch.team[i] = None if open_team[j] and skills else prof.team

    lo, hi = prof.duration
    batch.duration[idx] = 5 * rng.integers(lo // 5, hi // 5 + 1, m)
    batch.crew[idx] = rng.integers(prof.crew[0], prof.crew[1] + 1, m)
    urgent = rng.random(m) < prof.urgent_share
    batch.priority[idx] = np.where(urgent, 5, rng.choice(5, size=m, p=prof.priority) + 1)
    batch.minute[idx], batch.window[idx] = _timing(rng, prof, m, urgent)

    if prof.requester == "community":
        who = np.full(m, -1, dtype=np.int64)
    elif prof.requester == "elderly":
        who = residents.draw(rng, residents.elderly, m)
    elif prof.requester == "family":
        who = residents.draw(rng, ~residents.elderly, m)
    else:
        who = residents.draw(rng, np.ones(len(residents.ids), dtype=bool), m)
    batch.resident[idx] = who
    batch.east[idx], batch.north[idx], addresses = _places(rng, prof, residents, who)
    for i, address in zip(idx.tolist(), addresses, strict=True):
        batch.address[i] = address
    if prof.asks_dialect:
        for i, w in zip(idx.tolist(), who.tolist(), strict=True):
            if w >= 0 and residents.dialect[w]:
                batch.language[i] = "jin"


def make_requests(
    rng: np.random.Generator, n: int, days: int, first_day: date, volunteers: pd.DataFrame
) -> pd.DataFrame:
    """`n` requests spread evenly over `days` days from `first_day`, ordered by time."""
    residents = make_residents(rng, n, days)
    shares = np.array([k.share for k in KINDS])
    kind = rng.choice(len(KINDS), size=n, p=shares / shares.sum())
    batch = _Batch(n)
    for k, prof in enumerate(KINDS):
        idx = np.flatnonzero(kind == k)
        if len(idx):
            _fill_kind(rng, batch, idx, prof, residents)
    day = rng.integers(0, days, n) if n else np.zeros(0, dtype=np.int64)
    earliest = day * DAY + batch.minute
    preferred, excluded = preferences(
        rng, volunteers, batch.team, batch.skills, batch.resident, batch.east, batch.north
    )
    lat, lon = geography.to_latlon(batch.east, batch.north)
    base = np.datetime64(first_day.isoformat(), "m")
    frame = pd.DataFrame(
        {
            "kind": [KINDS[k].kind for k in kind.tolist()],
            "team": batch.team,
            "required_skills": [list(s) for s in batch.skills],
            "lat": lat,
            "lon": lon,
            "earliest_start": (base + earliest.astype("timedelta64[m]")).astype("datetime64[s]"),
            "latest_start": (base + (earliest + batch.window).astype("timedelta64[m]")).astype(
                "datetime64[s]"
            ),
            "duration_minutes": batch.duration,
            "volunteers_needed": batch.crew,
            "priority": batch.priority,
            "resident_id": [residents.ids[w] if w >= 0 else None for w in batch.resident.tolist()],
            "preferred_volunteers": preferred,
            "excluded_volunteers": excluded,
            "language": batch.language,
            "address": batch.address,
        }
    )
    frame = frame.sort_values("earliest_start", kind="stable", ignore_index=True)
    frame.insert(0, "request_id", [f"R{i:05d}" for i in range(1, n + 1)])
    return frame[REQUEST_COLUMNS]
