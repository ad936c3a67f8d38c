"""A synthetic city: several Qinxian-like communities a few kilometres apart.

Each community is `generate_community` moved on a grid `SPACING_M` apart, with its code
(`C01`, `C02`, ...) in the `community` column and in front of every id, so ids stay unique
across the city and a resident's or volunteer's id says where they belong.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd

from matcher._internal.generate import geography
from matcher._internal.generate.community import generate_community
from matcher._internal.generate.csvform import write_csv

SPACING_M = 3000.0
"""Distance between neighbouring community centres. A community spans about 1.2 km with
its stray homes, and a 15-minute walk reaches about 870 m, so no walk joins two of them."""

SEED_STRIDE = 10_000
"""Community k of a city generated with seed s is the community of seed s x 10,000 + k."""


def community_code(k: int, count: int) -> str:
    """`C01` ... `C20`: the k-th community's code (zero-based k), as wide as `count` needs."""
    return f"C{k + 1:0{max(2, len(str(count)))}d}"


def generate_city(
    communities: int,
    volunteers: int,
    requests: int,
    days: int = 1,
    seed: int = 0,
    start: date | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`communities` communities of `volunteers` and `requests` each, as one pair of frames
    in the contract's columns with `community` filled."""
    if communities < 1:
        raise ValueError("a city has at least one community")
    side = math.ceil(math.sqrt(communities))
    vol_frames, req_frames = [], []
    for k in range(communities):
        code = community_code(k, communities)
        vols, reqs = generate_community(
            volunteers, requests, days=days, seed=seed * SEED_STRIDE + k, start=start
        )
        east, north = (k % side) * SPACING_M, -(k // side) * SPACING_M
        vol_frames.append(_moved(_named(vols, code, "volunteer_id"), east, north))
        req_frames.append(_moved(_named(reqs, code, "request_id"), east, north))
    return (
        pd.concat(vol_frames, ignore_index=True),
        pd.concat(req_frames, ignore_index=True),
    )


def _named(frame: pd.DataFrame, code: str, key: str) -> pd.DataFrame:
    """Ids prefixed with the community code, and the `community` column filled."""
    out = frame.copy()
    out[key] = code + "-" + out[key].astype(str)
    if "resident_id" in out.columns:
        out["resident_id"] = [None if pd.isna(r) else f"{code}-{r}" for r in out["resident_id"]]
    for column in ("preferred_volunteers", "excluded_volunteers"):
        if column in out.columns:
            out[column] = [[f"{code}-{v}" for v in ids] for ids in out[column]]
    out["community"] = code
    return out


def _moved(frame: pd.DataFrame, east_m: float, north_m: float) -> pd.DataFrame:
    """The frame's places moved `east_m` and `north_m` metres (6 decimals, about 0.1 m)."""
    frame["lat"] = (frame["lat"] + north_m / geography.M_PER_DEG_LAT).round(6)
    frame["lon"] = (frame["lon"] + east_m / geography.M_PER_DEG_LON).round(6)
    return frame


def write_city(
    out: Path,
    *,
    communities: int,
    volunteers: int,
    requests: int,
    days: int,
    seed: int,
    start: date | None,
) -> list[Path]:
    """Generate a city and write `volunteers.csv` and `requests.csv` into `out`."""
    vols, reqs = generate_city(communities, volunteers, requests, days=days, seed=seed, start=start)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return [write_csv(vols, out / "volunteers.csv"), write_csv(reqs, out / "requests.csv")]
