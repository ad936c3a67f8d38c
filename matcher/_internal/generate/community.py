"""A whole synthetic community: volunteers and requests from one seed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from matcher._internal.generate.csvform import write_csv
from matcher._internal.generate.requests import make_requests
from matcher._internal.generate.volunteers import make_volunteers


def _streams(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    """Independent generators for volunteers and requests, so asking for more requests
    leaves the volunteers of a seed unchanged. Negative seeds are folded into 64 bits."""
    volunteers, requests = np.random.SeedSequence(seed % (1 << 64)).spawn(2)
    return np.random.default_rng(volunteers), np.random.default_rng(requests)


def generate_community(
    volunteers: int, requests: int, days: int = 1, seed: int = 0, start: date | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A Qinxian-like community: (volunteers, requests) frames in the contract's columns.

    List columns hold Python lists, availability holds ISO `start/end` interval strings,
    request windows are naive local datetimes, and absent values are missing (NaN, <NA>),
    so both the frames and their CSV form load with `matcher.load_problem`.
    `start=None` means tomorrow; requests spread over `days` days from then. The same
    arguments always give the same frames.
    """
    if volunteers < 0 or requests < 0:
        raise ValueError("volunteers and requests must not be negative")
    if days < 1:
        raise ValueError("days must be at least 1")
    first_day = start if start is not None else date.today() + timedelta(days=1)
    vol_rng, req_rng = _streams(seed)
    vols = make_volunteers(vol_rng, volunteers, days, first_day)
    reqs = make_requests(req_rng, requests, days, first_day, vols)
    return vols, reqs


def write_community(
    out: Path, *, volunteers: int, requests: int, days: int, seed: int, start: date | None
) -> list[Path]:
    """Generate a community and write `volunteers.csv` and `requests.csv` into `out`."""
    vols, reqs = generate_community(volunteers, requests, days=days, seed=seed, start=start)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return [write_csv(vols, out / "volunteers.csv"), write_csv(reqs, out / "requests.csv")]
