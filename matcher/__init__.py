"""matcher: assigns community volunteers to service requests with a proven quality bound."""

from matcher.api import json_schemas, solve
from matcher.io import InputError, load_problem, load_settings
from matcher.io.output import write_solution
from matcher.model import (
    QINXIAN_TEAMS,
    Assignment,
    Interval,
    Problem,
    Reason,
    Request,
    Settings,
    Solution,
    Summary,
    Team,
    Unassigned,
    Volunteer,
)

__all__ = [
    "QINXIAN_TEAMS",
    "Assignment",
    "InputError",
    "Interval",
    "Problem",
    "Reason",
    "Request",
    "Settings",
    "Solution",
    "Summary",
    "Team",
    "Unassigned",
    "Volunteer",
    "json_schemas",
    "load_problem",
    "load_settings",
    "solve",
    "write_solution",
]
