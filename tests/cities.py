"""Generated cities for the city tests: frames, CSV files and database tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from matcher._internal.generate import generate_city
from matcher._internal.generate.csvform import csv_frame

DAY = date(2026, 12, 1)


def city_frames(
    communities: int, volunteers: int, requests: int, seed: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A generated city as the text a user's CSV files or database tables hold."""
    vols, reqs = generate_city(communities, volunteers, requests, seed=seed, start=DAY)
    return csv_frame(vols), csv_frame(reqs)


def write_frames(folder: Path, vols: pd.DataFrame, reqs: pd.DataFrame) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    vols.to_csv(folder / "volunteers.csv", index=False)
    reqs.to_csv(folder / "requests.csv", index=False)
    return folder / "volunteers.csv", folder / "requests.csv"


def spoil(reqs: pd.DataFrame, community: str, *, field: str = "lat", value: str = "137.9") -> int:
    """Put a bad value into the first request of `community`; its CSV line number (the
    header is line 1)."""
    first = int(reqs.index[reqs["community"] == community][0])
    reqs.loc[first, field] = value
    return first + 2
