"""An independent checker of the data contract's eight hard rules.

It shares no code path with the solver (no `matcher._internal.solver`, no
`matcher._internal.geo`): its own haversine walk, real datetimes instead of a minute grid,
and every violation listed rather than the first. Use `check_folder` on batch outputs,
`check_schedule` on frames and `check_solution` on an in-memory result.
"""

from matcher._internal.check.findings import CheckReport, Rule, Violation
from matcher._internal.check.folder import check_folder
from matcher._internal.check.schedule import check_schedule, check_solution
from matcher._internal.check.stored import check_database

__all__ = [
    "CheckReport",
    "Rule",
    "Violation",
    "check_database",
    "check_folder",
    "check_schedule",
    "check_solution",
]
