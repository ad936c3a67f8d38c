"""The CSV form of generated tables: `;`-joined list cells, ISO times, empty for 'not given'."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

LIST_COLUMNS = frozenset(
    {
        "skills",
        "availability",
        "languages",
        "required_skills",
        "preferred_volunteers",
        "excluded_volunteers",
    }
)
TIME_COLUMNS = frozenset({"earliest_start", "latest_start"})


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every cell as the text the data contract's CSV form expects."""
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if column in LIST_COLUMNS:
            out[column] = [";".join(cell) for cell in values]
        elif column in TIME_COLUMNS:
            out[column] = values.dt.strftime("%Y-%m-%dT%H:%M:%S")
        else:
            out[column] = ["" if pd.isna(v) else str(v) for v in values]
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write `frame` in CSV form; a reader never sees a half-written file."""
    staging = path.with_name(f".{path.name}.partial")
    csv_frame(frame).to_csv(staging, index=False, encoding="utf-8")
    os.replace(staging, path)
    return path
