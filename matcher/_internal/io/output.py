"""The contract's batch outputs: assignments.csv, unassigned.csv, summary.json."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from matcher._internal.io.atomic import write_folder_atomically
from matcher._internal.io.reports import write_reports
from matcher._internal.model import Problem, Solution


def assignments_frame(solution: Solution) -> pd.DataFrame:
    """`Solution.to_frames()`'s assignments as the batch file holds them: minute-resolution
    ISO times and walks to a hundredth of a minute."""
    done, _ = solution.to_frames()
    for column in ("start", "end"):
        done[column] = [t.isoformat(timespec="minutes") for t in done[column]]
    done["walk_minutes"] = done["walk_minutes"].round(2)
    return done


def unassigned_frame(solution: Solution) -> pd.DataFrame:
    return solution.to_frames()[1]


def write_solution_files(solution: Solution, folder: Path) -> None:
    """Write the three batch files into an existing folder (not atomic on its own)."""
    assignments_frame(solution).to_csv(folder / "assignments.csv", index=False)
    unassigned_frame(solution).to_csv(folder / "unassigned.csv", index=False)
    (folder / "summary.json").write_text(
        solution.summary.model_dump_json(indent=2) + "\n", encoding="utf-8"
    )


def write_solution(solution: Solution, out_dir: str | Path, problem: Problem | None = None) -> Path:
    """Write the batch outputs into `out_dir`, replacing its previous contents atomically.

    With the `problem`, also each volunteer's itinerary (CSV and iCalendar) and each team's
    daily sheet (HTML)."""

    def fill(folder: Path) -> None:
        write_solution_files(solution, folder)
        if problem is not None:
            write_reports(solution, problem, folder)

    return write_folder_atomically(out_dir, fill)
