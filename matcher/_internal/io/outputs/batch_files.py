"""The contract's batch outputs: assignments.csv, unassigned.csv, summary.json; for an
input that names communities, a `community` column in the first two and communities.csv;
where standbys are planned, standbys.csv."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from matcher._internal.io.outputs.output_folder import write_folder_atomically
from matcher._internal.io.outputs.team_sheets import WalkedPaths, write_reports
from matcher._internal.model import Problem, Solution

log = logging.getLogger(__name__)


def assignments_frame(solution: Solution) -> pd.DataFrame:
    """`Solution.to_frames()`'s assignments as the batch file holds them: minute-resolution
    ISO times and walks to a hundredth of a minute."""
    done, _ = solution.to_frames()
    for column in ("start", "end"):
        done[column] = [t.isoformat(timespec="minutes") for t in done[column]]
    done["walk_minutes"] = done["walk_minutes"].round(2)
    return done


STANDBY_COLUMNS = ["request_id", "volunteer_id", "start", "end"]
"""`standbys.csv`: a line per standby, times as in `assignments.csv`."""


def standbys_frame(solution: Solution) -> pd.DataFrame:
    """`Solution.standbys` as the batch file holds them: minute-resolution ISO times."""
    return pd.DataFrame(
        [
            {
                "request_id": s.request_id,
                "volunteer_id": s.volunteer_id,
                "start": s.start.isoformat(timespec="minutes"),
                "end": s.end.isoformat(timespec="minutes"),
            }
            for s in solution.standbys
        ],
        columns=STANDBY_COLUMNS,
    )


def plans_standbys(solution: Solution) -> bool:
    """Whether the run planned standbys (then `standbys.csv` is written, even empty):
    without the setting, the folder holds exactly what it held before standbys existed."""
    return bool(solution.standbys) or bool(solution.summary.settings.get("plan_standbys"))


def unassigned_frame(solution: Solution) -> pd.DataFrame:
    return solution.to_frames()[1]


COMMUNITY_COLUMNS = [
    "community", "status", "requests", "served", "served_weight", "upper_bound", "gap",
    "walk_minutes", "parts", "solve_seconds", "failure",
]  # fmt: skip
"""`communities.csv`: a line per community, `summary.json`'s `per_community` as a table."""


def request_communities(problem: Problem | None) -> dict[str, str] | None:
    """Each request's community ("" for none), or None when the input names no community."""
    if problem is None or not (
        any(r.community for r in problem.requests) or any(v.community for v in problem.volunteers)
    ):
        return None
    return {r.request_id: r.community or "" for r in problem.requests}


def communities_frame(solution: Solution) -> pd.DataFrame:
    rows = [
        {"community": name, **line.model_dump(mode="json")}
        for name, line in solution.summary.per_community.items()
    ]
    return pd.DataFrame(rows, columns=COMMUNITY_COLUMNS)


def write_solution_files(solution: Solution, folder: Path, problem: Problem | None = None) -> None:
    """Write the batch files into an existing folder (not atomic on its own). With the
    `problem` of an input that names communities, every row says its request's community."""
    done, left = assignments_frame(solution), unassigned_frame(solution)
    community = request_communities(problem)
    if community is not None:
        done["community"] = done["request_id"].map(community)
        left["community"] = left["request_id"].map(community)
    done.to_csv(folder / "assignments.csv", index=False)
    left.to_csv(folder / "unassigned.csv", index=False)
    if solution.summary.per_community:
        communities_frame(solution).to_csv(folder / "communities.csv", index=False)
    if plans_standbys(solution):
        held = standbys_frame(solution)
        if community is not None:
            held["community"] = held["request_id"].map(community)
        held.to_csv(folder / "standbys.csv", index=False)
    (folder / "summary.json").write_text(
        solution.summary.model_dump_json(indent=2) + "\n", encoding="utf-8"
    )


def write_solution(
    solution: Solution,
    out_dir: str | Path,
    problem: Problem | None = None,
    *,
    walked_paths: WalkedPaths | None = None,
) -> Path:
    """Write the batch outputs into `out_dir`, replacing atomically what matcher wrote
    there before (and nothing else: see `io.outputs.output_folder`; a folder holding files
    matcher did not write is refused with `OutputPlaceError`, a failed write raises
    `OutputWriteError`).

    With the `problem`, also each volunteer's itinerary (CSV and iCalendar) and each team's
    daily sheet (HTML; one folder of them per community where the input names some), whose
    maps draw the `walked_paths` along the streets (from `matcher solve --osm`)."""

    def fill(folder: Path) -> None:
        log.info("writing the plan to %s", out_dir)
        write_solution_files(solution, folder, problem)
        if problem is not None:
            write_reports(solution, problem, folder, walked_paths)

    return write_folder_atomically(out_dir, fill)
