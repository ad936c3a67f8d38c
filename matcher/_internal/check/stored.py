"""Check a schedule run stored in a database against the inputs it was planned from."""

from __future__ import annotations

import json
from pathlib import Path

from matcher._internal.check.findings import CheckReport
from matcher._internal.check.schedule import check_schedule
from matcher._internal.io.inputs.load import load_settings
from matcher._internal.io.store import database as db
from matcher._internal.io.store import plan_versions


def check_database(
    url: str, *, run_id: str | None = None, teams: Path | None = None,
    community: str | None = None,
) -> CheckReport:  # fmt: skip
    """Read the run (the current one by default, of `community` if named), its plan days'
    inputs (its community's, for a run of one community of several) and its rows."""
    engine = db.engine_for(url)
    run = db.current_run(engine, run_id, community=community)
    settings = load_settings(json.loads(run["settings"]))
    # The day as the service sees it: volunteers who cancelled and withdrawn requests out.
    problem = plan_versions.load_plan_problem(engine, run["plan_date"], int(run["days"]), settings,
                                      teams, community=run.get("community"))  # fmt: skip
    done, left = db.run_frames(engine, run["run_id"])
    return check_schedule(problem, done, left)
