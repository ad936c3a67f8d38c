"""matcher: assigns community volunteers to service requests with a proven quality bound."""

from typing import TYPE_CHECKING, Any

from matcher._internal.io import InputError, load_problem, load_settings
from matcher._internal.io.output import write_solution
from matcher._internal.model import (
    QINXIAN_TEAMS,
    Assignment,
    ChangeKind,
    Explanation,
    Interval,
    Problem,
    Reason,
    Request,
    Settings,
    Solution,
    Status,
    Strategy,
    Summary,
    Team,
    Unassigned,
    Volunteer,
    WalkingTime,
)

__all__ = [
    "QINXIAN_TEAMS",
    "Assignment",
    "ChangeKind",
    "Explanation",
    "InputError",
    "Interval",
    "Problem",
    "Reason",
    "Request",
    "Settings",
    "Solution",
    "Status",
    "Strategy",
    "Summary",
    "Team",
    "Unassigned",
    "Volunteer",
    "WalkingTime",
    "compare_scenarios",
    "dispatch_urgent",
    "explain",
    "json_schemas",
    "load_problem",
    "load_settings",
    "replan",
    "solve",
    "write_solution",
]

if TYPE_CHECKING:
    from matcher._internal.api import (
        compare_scenarios,
        dispatch_urgent,
        explain,
        json_schemas,
        replan,
        solve,
    )


def __getattr__(name: str) -> Any:
    """`solve` and `json_schemas` load the solver on first use, so importing `matcher` (or
    its independent checker) stays light and free of solver code."""
    if name in (
        "solve",
        "replan",
        "dispatch_urgent",
        "explain",
        "json_schemas",
        "compare_scenarios",
    ):
        from matcher._internal import api

        return getattr(api, name)
    raise AttributeError(f"module 'matcher' has no attribute {name!r}")
