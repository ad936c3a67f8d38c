"""Regular care visits: the same resident every week, typed once with a recurrence rule.

The elderly-care platform's core service. Each visit copies an `elderly_visit` request of
the generated community (its resident, place, skills, language and length) and repeats it
weekly on one or two weekdays, in a two-hour morning or afternoon window.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WINDOW_MINUTES = 120
TWICE_WEEKLY_SHARE = 0.25
"""A quarter of the residents are visited twice a week."""


def weekly_visits(
    requests: pd.DataFrame, count: int, first_day: date, seed: int = 0
) -> pd.DataFrame:
    """`count` recurring weekly visits (`V0001`, ...), one per distinct resident of the
    community's elderly visits (fewer when it has fewer), in the requests' columns plus
    `recurrence`; the rule has no end, so the planning horizon decides the occurrences."""
    rng = np.random.default_rng(seed)
    visits = requests[requests["kind"] == "elderly_visit"].drop_duplicates("resident_id")
    visits = visits[visits["resident_id"].notna()]
    chosen = visits.iloc[rng.permutation(len(visits))[:count]]
    rows = []
    for number, (_, template) in enumerate(chosen.iterrows(), start=1):
        offset = int(rng.integers(0, 7))  # the first visit: this many days after first_day
        weekday = (first_day.weekday() + offset) % 7
        days = [weekday]
        if rng.random() < TWICE_WEEKLY_SHARE:
            days.append((weekday + 3) % 7)
        hour = int(rng.choice([9, 10, 14, 15]))
        first = datetime.combine(first_day + timedelta(days=offset), datetime.min.time())
        earliest = first.replace(hour=hour)
        rows.append(
            {
                **template.to_dict(),
                "request_id": f"V{number:04d}",
                "earliest_start": earliest,
                "latest_start": earliest + timedelta(minutes=WINDOW_MINUTES),
                "priority": 4,
                "recurrence": "FREQ=WEEKLY;BYDAY=" + ",".join(WEEKDAYS[d] for d in sorted(days)),
            }
        )
    return pd.DataFrame(rows, columns=[*requests.columns, "recurrence"])
